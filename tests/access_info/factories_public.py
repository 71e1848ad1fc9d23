"""Factories of the public side of access to information (register, statistics, disclosure).

Requests are made directly with the ORM (no workflow service): tests set the status,
dates and outcome they need. ``search_text`` is what the register searches.
"""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

import factory
import pytest
from factory.django import DjangoModelFactory

from infitah.access_info.models import (
    Complaint,
    DisclosureCategory,
    DisclosureItem,
    InformationRequest,
    RequestDocument,
    RequestEvent,
)
from infitah.access_info.services_public import register_search_text
from tests import factories

CASABLANCA = ZoneInfo("Africa/Casablanca")

#: Personal values seeded in privacy tests: none of them may appear in any public output.
PERSONAL = {
    "requester_name": "Zoubida Personalname",
    "id_document_number": "ZX998877",
    "postal_address": "17 rue Secrète, Quartier Caché",
    "email": "zoubida.private@example.net",
    "phone": "+212 600-111-222",
    "information_requested": "Mon dossier personnel numéro 4711 concernant Zoubida",
    "urgency_reason": "Raison privée d'urgence 5512",
    "refusal_text": "Motif interne confidentiel 8833",
    "extension_reason": "Prolongation interne 6644",
}


def local(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime.datetime:
    """An aware datetime at a Casablanca wall-clock time."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=CASABLANCA)


class InformationRequestFactory(DjangoModelFactory):
    """A request received on 2 March 2026, open, due 30 March 2026, in the register."""

    class Meta:
        model = InformationRequest
        skip_postgeneration_save = True

    reference = factory.Sequence(lambda n: f"REQ-2026-{n:06d}")
    collectivity = factory.SubFactory(factories.CommuneFactory)
    channel = InformationRequest.Channel.ONLINE
    requester_name = "Requester Name"
    email = "requester@example.org"
    subject = factory.Sequence(lambda n: f"Subject {n}")
    information_requested = "The information I would like to have."
    preferred_form = InformationRequest.PreferredForm.ELECTRONIC
    status = InformationRequest.Status.RECEIVED
    received_at = factory.LazyFunction(lambda: local(2026, 3, 2))
    due_on = datetime.date(2026, 3, 30)
    is_in_register = True

    @factory.post_generation
    def index(obj: InformationRequest, create: bool, extracted: Any, **kwargs: Any) -> None:
        obj.search_text = register_search_text(obj)
        if create:
            InformationRequest.objects.filter(pk=obj.pk).update(search_text=obj.search_text)


def decided(**kwargs: Any) -> InformationRequest:
    """An answered request (defaults: 10 working days, on time); override anything."""
    values: dict[str, Any] = {
        "status": InformationRequest.Status.ANSWERED,
        "closed_at": local(2026, 3, 16),
        "working_days_taken": 10,
        "answered_on_time": True,
    }
    values.update(kwargs)
    return InformationRequestFactory(**values)


class RequestDocumentFactory(DjangoModelFactory):
    class Meta:
        model = RequestDocument

    request = factory.SubFactory(InformationRequestFactory)
    title = factory.Sequence(lambda n: f"Document {n}")
    file = factory.django.FileField(filename="released.pdf", data=b"%PDF-1.4 test")
    is_public = True


class RequestEventFactory(DjangoModelFactory):
    class Meta:
        model = RequestEvent

    request = factory.SubFactory(InformationRequestFactory)
    kind = RequestEvent.Kind.RECEIVED
    at = factory.LazyFunction(lambda: local(2026, 3, 2))


class ComplaintFactory(DjangoModelFactory):
    class Meta:
        model = Complaint

    request = factory.SubFactory(InformationRequestFactory)
    stage = Complaint.Stage.HEAD
    ground = Complaint.Ground.NO_ANSWER
    filed_at = factory.LazyFunction(lambda: local(2026, 4, 6))
    outcome = Complaint.Outcome.PENDING


class DisclosureCategoryFactory(DjangoModelFactory):
    class Meta:
        model = DisclosureCategory
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"category-{n}")
    name_ar = factory.Sequence(lambda n: f"فئة {n}")
    name_fr = factory.Sequence(lambda n: f"Catégorie {n}")
    name_en = factory.Sequence(lambda n: f"Category {n}")
    legal_basis = "Law 31-13, art. 10"
    update_every_months = 12
    order = factory.Sequence(lambda n: n)


class DisclosureItemFactory(DjangoModelFactory):
    """A current item published on 1 January 2026 with a link."""

    class Meta:
        model = DisclosureItem

    collectivity = factory.SubFactory(factories.CommuneFactory)
    category = factory.SubFactory(DisclosureCategoryFactory)
    title = factory.Sequence(lambda n: f"Item {n}")
    url = "https://example.org/document"
    published_on = datetime.date(2026, 1, 1)
    next_update_due_on = factory.LazyAttribute(
        lambda o: _next_due(o.published_on, o.category.update_every_months)
    )
    is_current = True


def _next_due(published_on: datetime.date, months: int) -> datetime.date | None:
    from infitah.access_info.disclosure import next_update_due_on

    return next_update_due_on(published_on, months)


# --- fixtures shared by the public-side tests (import them into the test module) -------


@pytest.fixture
def media_root(settings: Any, tmp_path: Any) -> Any:
    """Uploaded files go to a temporary directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def uncached(settings: Any) -> None:
    """No public-page cache (query counts and fresh pages)."""
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
