"""proposals models."""
