"""The signed-in user's account: personal API tokens and privacy rights (export,
erasure)."""
