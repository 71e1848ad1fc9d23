"""Links in the plans app's e-mails follow infitah.core.links (one rule for every app)."""

from __future__ import annotations

import pytest
from django.core import mail
from pytest_django import Settings

from infitah.accounts.models import User
from infitah.plans import tasks
from infitah.plans.models import ActionPlan
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("site_url", "expected"),
    [
        ("https://infitah.example.org/", "https://infitah.example.org/ar/plans/plan-a/"),
        ("", "https://example.com/ar/plans/plan-a/"),  # the Sites framework's domain
    ],
)
def test_overdue_e_mail_links_to_the_plan(
    plan: ActionPlan, staff_a: User, settings: Settings, site_url: str, expected: str
) -> None:
    settings.INFITAH_SITE_URL = site_url
    committee = factories.FollowUpCommitteeFactory(plan=plan)
    staff_a.preferred_language = "ar"
    staff_a.save(update_fields=["preferred_language"])
    tasks.committee_overdue_notify.enqueue(committee.pk)
    assert len(mail.outbox) == 1
    assert expected in mail.outbox[0].body
