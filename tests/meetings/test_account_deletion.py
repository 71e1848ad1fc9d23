"""Personal data of attendance (law 09-08) and the links of the meetings' e-mails.

An attendance row may hold the person's name; deleting their account blanks it and
keeps the anonymous figures (category, gender, age band). The name copied from a
registration is the public name, never the e-mail address.
"""

from __future__ import annotations

import pytest
from django.core import mail
from pytest_django import Settings

from infitah.accounts.services import user_delete
from infitah.meetings import selectors, services, tasks
from infitah.meetings.models import Attendance, Meeting, Registration
from tests import factories
from tests.meetings.conftest import People
from tests.meetings.factories import AttendanceFactory

pytestmark = pytest.mark.django_db


def _record(meeting: Meeting, people: People, registration: Registration) -> Attendance:
    return services.attendance_record(
        actor=people["editor_a"],  # type: ignore[arg-type]
        meeting=meeting,
        registration=registration,
        data={"category": "association", "gender": "female", "age_band": "18_24"},
    )


@pytest.mark.parametrize("display_name", ["", "fatima@example.org"])
def test_the_e_mail_address_is_never_copied_into_the_name(
    past_workshop: Meeting, people: People, display_name: str
) -> None:
    user = factories.UserFactory(email="fatima@example.org", display_name=display_name)
    registration = factories.RegistrationFactory(meeting=past_workshop, user=user)
    record = _record(past_workshop, people, registration)
    assert record.name == ""
    assert record.user == user  # still linked while the account exists


def test_deleting_the_account_blanks_the_name_and_keeps_the_figures(
    past_workshop: Meeting, people: People
) -> None:
    user = factories.UserFactory(email="fatima@example.org", display_name="Fatima Zahra")
    registration = factories.RegistrationFactory(meeting=past_workshop, user=user)
    record = _record(past_workshop, people, registration)
    assert record.name == "Fatima Zahra"
    other = AttendanceFactory(meeting=past_workshop, name="Walk-in Person")
    before = selectors.attendance_figures(past_workshop)

    user_delete(user=user)

    record.refresh_from_db()
    assert record.name == "" and record.user is None
    assert (record.category, record.gender, record.age_band) == ("association", "female", "18_24")
    other.refresh_from_db()
    assert other.name == "Walk-in Person"  # nobody else's row changes
    assert selectors.attendance_figures(past_workshop) == before


def test_cancellation_e_mails_link_to_the_declared_site(
    workshop: Meeting, settings: Settings
) -> None:
    settings.INFITAH_SITE_URL = "https://infitah.example.org"
    user = factories.UserFactory(email="p@example.org", preferred_language="fr")
    factories.RegistrationFactory(meeting=workshop, user=user)
    Meeting.objects.filter(pk=workshop.pk).update(is_cancelled=True)
    mail.outbox.clear()
    tasks.send_meeting_cancelled_emails.enqueue(workshop.pk)
    assert len(mail.outbox) == 1
    assert f"https://infitah.example.org/fr/meetings/{workshop.slug}/" in mail.outbox[0].body
