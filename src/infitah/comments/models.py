"""comments models."""
