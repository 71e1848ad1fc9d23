"""Helpers of the requests tests (requesters, officers, workflow): personas and requests.

Import the fixtures you use into the test module (``from tests.access_info.
factories_requests import world``); pytest finds them there. Requests are filed through
the services (the workflow under test) unless a test needs a state directly.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from allauth.account.models import EmailAddress

from infitah.access_info import services
from infitah.access_info.models import InformationRequest
from infitah.accounts.models import CollectivityRole, OrganisationRepresentative, User
from infitah.network.models import Network
from infitah.territories.models import Collectivity
from tests import factories

CASABLANCA = ZoneInfo("Africa/Casablanca")
UTC = datetime.UTC
Role = CollectivityRole.Role

#: A requester's identity with values no system text may ever contain.
IDENTITY = {
    "requester_name": "Fatima Zahra Identitaire",
    "id_document_kind": InformationRequest.IdDocument.NATIONAL_ID,
    "id_document_number": "BE774411",
    "postal_address": "12 derb Sirri, Fès",
    "phone": "+212 661 998 877",
}
IDENTITY_STRINGS = (
    "Fatima Zahra Identitaire",
    "BE774411",
    "derb Sirri",
    "661 998 877",
)


def local(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime.datetime:
    """An aware datetime at a Casablanca wall-clock time."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=CASABLANCA)


def staff(collectivity: Collectivity, role: str, email: str) -> User:
    """A user holding ``role`` in ``collectivity`` (preferred language French)."""
    user = factories.CollectivityRoleFactory(
        collectivity=collectivity, role=role, user__email=email
    ).user
    user.preferred_language = "fr"
    user.save(update_fields=["preferred_language"])
    return user


@dataclass
class World:
    network: Network
    a: Collectivity
    b: Collectivity
    citizen: User
    other_citizen: User
    officer_a: User
    admin_a: User
    officer_b: User
    coordinator: User


@pytest.fixture
def world(
    network: Network, commune_a: Collectivity, commune_b: Collectivity, coordinator: User
) -> World:
    """Two member communes (A with code ``05.091.01.01``), an officer each, A's admin."""
    commune_a.code = "05.091.01.01"
    commune_a.save(update_fields=["code"])
    for commune in (commune_a, commune_b):
        factories.MembershipFactory(network=network, collectivity=commune)
    citizen = factories.UserFactory(email="requester@example.org", preferred_language="fr")
    other = factories.UserFactory(email="other@example.org")
    return World(
        network=network,
        a=commune_a,
        b=commune_b,
        citizen=citizen,
        other_citizen=other,
        officer_a=staff(commune_a, Role.INFORMATION_OFFICER, "officer-a@example.org"),
        admin_a=staff(commune_a, Role.ADMIN, "admin-a@example.org"),
        officer_b=staff(commune_b, Role.INFORMATION_OFFICER, "officer-b@example.org"),
        coordinator=coordinator,
    )


def file_request(
    world: World,
    *,
    requester: User | None = None,
    collectivity: Collectivity | None = None,
    **overrides: Any,
) -> InformationRequest:
    """File a request online through the service (now, unless time is frozen)."""
    values: dict[str, Any] = {
        "subject": "Budget 2026 de la commune",
        "information_requested": "Le budget voté pour 2026, par chapitre.",
        "preferred_form": InformationRequest.PreferredForm.ELECTRONIC,
        **IDENTITY,
    }
    values.update(overrides)
    return services.request_file(
        requester=requester or world.citizen,
        collectivity=collectivity or world.a,
        **values,
    )


def make_request(
    collectivity: Collectivity,
    *,
    received_at: datetime.datetime,
    requester: User | None = None,
    reference: str | None = None,
    **fields: Any,
) -> InformationRequest:
    """A request written directly (no service), open, with its legal due date."""
    from infitah.access_info import deadlines

    values: dict[str, Any] = {
        # Online when filed from an account; registered from paper otherwise.
        "channel": (
            InformationRequest.Channel.ONLINE if requester else InformationRequest.Channel.PAPER
        ),
        "requester": requester,
        "subject": "Marchés publics",
        "information_requested": "Les marchés de 2025.",
        "preferred_form": InformationRequest.PreferredForm.ELECTRONIC,
        "received_at": received_at,
        "email": requester.email if requester else "",
        **{k: v for k, v in IDENTITY.items()},
    }
    values.update(fields)
    values.setdefault(
        "due_on",
        deadlines.due_date_for(
            received_at,
            urgent=values.get("is_urgent", False),
            extended=values.get("extended_at") is not None,
        ),
    )
    count = InformationRequest.objects.count() + 1
    request = InformationRequest(
        collectivity=collectivity,
        reference=reference or f"{collectivity.code}-{received_at.year}-{count:06d}",
        **values,
    )
    request.search_text = services.request_search_text(request)
    request.save()
    return request


def unverified(user: User) -> User:
    """Give ``user`` an unconfirmed allauth e-mail address."""
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    return user


def cso_representative(email: str = "cso@example.org") -> User:
    """An approved representative of a verified organisation."""
    user = factories.UserFactory(email=email)
    organisation = factories.OrganisationFactory()
    OrganisationRepresentative.objects.create(
        organisation=organisation, user=user, is_approved=True
    )
    return user


#: The personas of the permission matrices.
PERSONAS = (
    "anonymous",
    "citizen",
    "cso",
    "admin_a",
    "editor_a",
    "moderator_a",
    "officer_a",
    "officer_b",
    "coordinator",
)


def persona(world: World, name: str) -> User | None:
    """The user of a persona name (``None`` for anonymous)."""
    if name == "anonymous":
        return None
    if name == "citizen":
        return world.other_citizen
    if name == "cso":
        return cso_representative()
    if name == "admin_a":
        return world.admin_a
    if name == "editor_a":
        return staff(world.a, Role.EDITOR, "editor-a@example.org")
    if name == "moderator_a":
        return staff(world.a, Role.MODERATOR, "moderator-a@example.org")
    if name == "officer_a":
        return world.officer_a
    if name == "officer_b":
        return world.officer_b
    if name == "coordinator":
        return world.coordinator
    raise ValueError(name)
