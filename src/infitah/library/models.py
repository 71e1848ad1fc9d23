"""Library models (documents, good practices)."""
