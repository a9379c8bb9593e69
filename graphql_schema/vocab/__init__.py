"""Skills and industries: editor-managed vocabularies, public to everyone."""
