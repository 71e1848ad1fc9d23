"""Sample data for the browser tests: names that stress layout and bidi handling."""

from __future__ import annotations

# Words without any break opportunity: 200 characters (the name column's maximum).
LONG_WORD_FR = ("Taghzoutimellaloutine" * 10)[:200]
LONG_WORD_AR = ("تغزوتملالوتين" * 16)[:200]
RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE
