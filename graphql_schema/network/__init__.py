"""The viewer's own network: ``viewer`` (invitations, suggestions, blocks,
administered companies) and the mutations on connections, blocks and follows."""
