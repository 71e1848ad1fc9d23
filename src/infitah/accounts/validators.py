"""Password validators whose messages are in the project's own translation catalogue.

Django 5.2 changed the minimum-length message to a ``%d`` placeholder, and its Arabic
catalogue has no translation for the new text: the Arabic sign-up, password reset and
password change pages showed "This password is too short..." in English. This
validator says the same with a named placeholder, translated with the project's strings
(six Arabic plural forms). Use it in ``AUTH_PASSWORD_VALIDATORS`` instead of Django's.
"""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.utils.translation import ngettext

__all__ = ["MinimumLengthValidator"]


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's minimum-length check (``min_length`` characters, default 8)."""

    def get_error_message(self) -> str:
        return ngettext(
            "This password is too short. It must contain at least %(min_length)d character.",
            "This password is too short. It must contain at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}

    def get_help_text(self) -> str:
        return ngettext(
            "Your password must contain at least %(min_length)d character.",
            "Your password must contain at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}
