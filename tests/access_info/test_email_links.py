"""Links in access-to-information e-mails follow infitah.core.links (one rule for every app)."""

from __future__ import annotations

import pytest
import time_machine
from django.core import mail
from pytest_django import Settings

from infitah.access_info import tasks
from tests.access_info.factories_requests import World, local, make_request, world

__all__ = ["world"]

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("site_url", "expected"),
    [
        ("https://infitah.example.org", "https://infitah.example.org/fr/information/officer/"),
        ("", "https://example.com/fr/information/officer/"),  # the Sites framework's domain
    ],
)
def test_escalation_links_are_absolute(
    world: World, settings: Settings, site_url: str, expected: str
) -> None:
    settings.INFITAH_SITE_URL = site_url
    make_request(world.a, received_at=local(2026, 3, 2))
    with time_machine.travel(local(2026, 4, 2, 7), tick=False):
        tasks.escalate_late_requests.enqueue()
    assert len(mail.outbox) == 1
    assert expected in mail.outbox[0].body
