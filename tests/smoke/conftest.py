"""Fixtures of the smoke tests: the real reference data plus a little content, once per module.

The data is written once per test module inside an outer transaction that is rolled
back when the module ends (each test then runs in a savepoint of it, as pytest-django
does for ordinary tests). It holds:

- every real collectivity, the real network seed, the Béni Mellal 2023 process and the
  proactive-disclosure catalogue;
- the personas: a verified citizen, the Béni Mellal commune's ADMIN (a request
  handler), a network coordinator, and a requester with a distinctive identity;
- a proposal on the Béni Mellal plan with two comments, a library PDF, an upcoming
  meeting open for registration, and an information request filed, answered and
  published in the public register.
"""

from __future__ import annotations

import datetime
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, cast

import pytest
from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from django.utils import timezone, translation

from infitah.access_info import services as access_services
from infitah.access_info.models import InformationRequest
from infitah.access_info.services_public import disclosure_categories_load
from infitah.accounts.models import CollectivityRole, NetworkRole, User
from infitah.comments import services as comment_services
from infitah.library import services as library_services
from infitah.library.models import Document
from infitah.meetings import services as meeting_services
from infitah.meetings.models import Meeting
from infitah.network.models import Network
from infitah.network.services import network_load_seed
from infitah.plans.models import ActionPlan
from infitah.plans.reference_data import plan_reference_data_load
from infitah.proposals import services as proposal_services
from infitah.proposals.models import Proposal
from infitah.territories.models import Collectivity
from infitah.territories.services import territories_load
from tests import factories

BENI_MELLAL_CODE = "05.091.01.01"
BENI_MELLAL_PLAN = "05-091-01-01-2023"

#: The requester's identity: values no public page may ever show.
REQUESTER_EMAIL = "zineb.qarmouchi.smoke@example.org"
REQUESTER_IDENTITY = {
    "requester_name": "Zineb Qarmouchi-Smoketest",
    "id_document_kind": InformationRequest.IdDocument.NATIONAL_ID,
    "id_document_number": "QX918273",
    "postal_address": "17 impasse Tilleul-Fumée, Béni Mellal",
    "phone": "+212 600 918 273",
}
#: Strings searched in responses (the phone is also searched without its spaces).
IDENTITY_STRINGS = (
    "Zineb Qarmouchi",
    "Qarmouchi-Smoketest",
    "QX918273",
    "impasse Tilleul",
    "Tilleul-Fumée",
    "600 918 273",
    "600918273",
    REQUESTER_EMAIL,
    "zineb.qarmouchi",
)


@dataclass
class SmokeWorld:
    """What the smoke tests browse: the personas and the seeded content."""

    network: Network
    commune: Collectivity
    plan: ActionPlan
    citizen: User
    admin: User
    coordinator: User
    requester: User
    proposal: Proposal
    document: Document
    meeting: Meeting
    information_request: InformationRequest

    def user(self, persona: str) -> User | None:
        """The user of a persona name (``None`` for anonymous)."""
        return None if persona == "anonymous" else getattr(self, persona)

    def seed_paths(self, language: str) -> list[str]:
        """Pages of the seeded objects, added to the crawl's start (language prefixed)."""
        reference = self.information_request.reference
        return [
            f"/{language}/proposals/{self.proposal.slug}/",
            f"/{language}/library/{self.document.slug}/",
            f"/{language}/meetings/{self.meeting.slug}/",
            f"/{language}/plans/{self.plan.slug}/",
            f"/{language}/information/register/{reference}/",
            f"/{language}/information/officer/requests/{reference}/",
            f"/{language}/information/my/{reference}/",
            f"/{language}/information/my/{reference}/receipt/",
            f"/{language}/territories/{self.commune.slug}/",
        ]


def verified_user(email: str, name: str, *, is_staff: bool = False) -> User:
    """A user whose e-mail address allauth knows as confirmed."""
    user = cast(
        User,
        factories.UserFactory(
            email=email, display_name=name, is_staff=is_staff, preferred_language="fr"
        ),
    )
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def _build_world() -> SmokeWorld:
    territories_load()
    network = network_load_seed().network
    plan_reference_data_load()
    disclosure_categories_load()

    commune = Collectivity.objects.get(code=BENI_MELLAL_CODE)
    plan = ActionPlan.objects.get(slug=BENI_MELLAL_PLAN)
    citizen = verified_user("smoke-citizen@example.org", "Citoyenne Smoke")
    requester = verified_user(REQUESTER_EMAIL, "Z. Q.")
    admin = verified_user("smoke-admin@example.org", "Admin Béni Mellal", is_staff=True)
    CollectivityRole.objects.create(
        user=admin, collectivity=commune, role=CollectivityRole.Role.ADMIN
    )
    coordinator = verified_user("smoke-coordinator@example.org", "Coordination", is_staff=True)
    NetworkRole.objects.create(user=coordinator, network=network, role=NetworkRole.Role.COORDINATOR)

    # A proposal with a comment and a reply.
    proposer = verified_user("smoke-proposer@example.org", "Porteur de projet")
    proposal = proposal_services.proposal_submit(
        plan=plan,
        author=proposer,
        title="Publier les délibérations du conseil en données ouvertes",
        body="Mettre en ligne chaque délibération du conseil dans la semaine.",
    )
    first = comment_services.comment_create(
        target=proposal, author=citizen, body="Très bonne idée, avec un format CSV."
    )
    comment_services.comment_create(
        target=proposal, author=proposer, body="Merci, c'est prévu.", parent=first
    )

    # A library document (a small real PDF), its text extracted now.
    from tests.library import samples

    pdf = samples.pdf_bytes("Guide de la participation citoyenne à Béni Mellal")
    document = library_services.document_create(
        user=admin,
        metadata=library_services.DocumentMetadata(
            titles={"fr": "Guide de la participation citoyenne", "ar": "دليل المشاركة المواطنة"},
            kind=Document.Kind.GUIDE,
            language=Document.Language.FRENCH,
            collectivity=commune,
            summaries={"fr": "Comment participer au programme d'ouverture."},
            issued_on=datetime.date(2023, 7, 11),
        ),
        file=SimpleUploadedFile("guide.pdf", pdf, content_type="application/pdf"),
        filename="guide.pdf",
        size=len(pdf),
    )
    library_services.document_extract_text(document_id=document.pk)
    document.refresh_from_db()

    # An upcoming meeting of the plan, open for registration; the citizen registered.
    start = (timezone.now() + datetime.timedelta(days=10)).replace(microsecond=0)
    meeting = cast(
        Meeting,
        factories.MeetingFactory(
            network=network,
            plan=plan,
            slug="smoke-upcoming-workshop",
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=2),
            registration_enabled=True,
            capacity=30,
        ),
    )
    meeting.search_text = meeting_services.meeting_build_search_text(meeting)
    meeting.save(update_fields=["search_text"])
    meeting_services.registration_create(meeting=meeting, user=citizen)

    # An information request, answered and published in the register.
    request = access_services.request_file(
        requester=requester,
        collectivity=commune,
        subject="Budget 2024 de la commune",
        information_requested="Le budget voté pour 2024, par chapitre.",
        preferred_form=InformationRequest.PreferredForm.ELECTRONIC,
        **REQUESTER_IDENTITY,  # type: ignore[arg-type]
    )
    access_services.request_start(actor=admin, request=request)
    access_services.request_answer(
        actor=admin,
        request=request,
        partial=False,
        released_text="Le budget 2024 est joint (version du conseil).",
        documents=[("Budget 2024", SimpleUploadedFile("budget.txt", b"Budget 2024\n"))],
    )
    access_services.request_publish_answer(
        actor=admin,
        request=request,
        released_text="Le budget 2024 voté par le conseil, par chapitre.",
    )
    request.refresh_from_db()
    return SmokeWorld(
        network=network,
        commune=commune,
        plan=plan,
        citizen=citizen,
        admin=admin,
        coordinator=coordinator,
        requester=requester,
        proposal=proposal,
        document=document,
        meeting=meeting,
        information_request=request,
    )


@pytest.fixture(scope="module")
def smoke_world(django_db_setup: None, django_db_blocker: Any) -> Iterator[SmokeWorld]:
    """The reference data and content, written once per module and rolled back after it."""
    with (
        tempfile.TemporaryDirectory(prefix="infitah-smoke-media-") as media,
        override_settings(MEDIA_ROOT=media),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        with translation.override("fr"):
            world = _build_world()
        yield world
        transaction.set_rollback(True)
