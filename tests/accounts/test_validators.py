"""The password rules speak the page's language."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from infitah.accounts.validators import MinimumLengthValidator


@pytest.mark.parametrize(
    ("length", "message"),
    [
        (10, "This password is too short. It must contain at least 10 characters."),
        (1, "This password is too short. It must contain at least 1 character."),
    ],
)
def test_minimum_length_message(length: int, message: str) -> None:
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        MinimumLengthValidator(length).validate("")
    assert caught.value.messages == [message]


def test_minimum_length_message_in_arabic() -> None:
    """Django 5.2's own message has no Arabic translation; this one has."""
    with translation.override("ar"), pytest.raises(ValidationError) as caught:
        MinimumLengthValidator(10).validate("short")
    assert caught.value.messages == [
        "كلمة المرور هذه قصيرة جدا. يجب أن تحتوي على 10 أحرف على الأقل."
    ]
    with translation.override("ar"):
        assert "10" in MinimumLengthValidator(10).get_help_text()
        assert "Your password" not in MinimumLengthValidator(10).get_help_text()
