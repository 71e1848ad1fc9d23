"""Factories of the meetings tests (the shared ones are in tests/factories.py)."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from infitah.meetings.models import Attendance, MeetingDocument
from tests import factories


class AttendanceFactory(DjangoModelFactory):
    class Meta:
        model = Attendance

    meeting = factory.SubFactory(factories.MeetingFactory)
    name = factory.Sequence(lambda n: f"Participant {n}")
    category = Attendance.Category.CITIZEN
    gender = Attendance.Gender.FEMALE
    age_band = Attendance.AgeBand.FROM_25_TO_34
    walk_in = True


class MeetingDocumentFactory(DjangoModelFactory):
    class Meta:
        model = MeetingDocument

    meeting = factory.SubFactory(factories.MeetingFactory)
    title_fr = factory.Sequence(lambda n: f"Document {n}")
    url = "https://example.org/doc.pdf"
