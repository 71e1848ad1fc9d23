"""Permission matrix: every mutating admin page × every role × own/other collectivity.

Outcomes (each one also checks the database, not only the status code):
- ``ok``: GET 200, or POST 302 with the change made;
- ``login``: 302 to the admin's sign-in page (anonymous visitors, accounts without
  admin access); nothing changed;
- ``denied``: 403, nothing changed;
- ``missing``: the object is outside the user's collectivities, so the admin answers as
  for an unknown object (302 to the admin index), nothing changed;
- ``invalid``: 200 with the form's errors, nothing changed;
- ``unchanged``: 302 as after a save, but nothing changed (fields the user may not
  change are not in their form; rows outside their collectivities are not in their list).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.forms import CheckboxInput
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import translation

from infitah.accounts.models import CollectivityRole, User
from infitah.network.models import CharterVersion, Membership, Network
from infitah.territories.models import Collectivity
from tests import factories

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "citizen", "staff_a", "editor_a", "moderator_a", "coordinator", "superuser"]


def url(name: str, *args: object) -> str:
    with translation.override("en"):
        return reverse(f"admin:{name}", args=args)


def form_data(client: Client, page: str) -> dict[str, Any]:
    """The POST data of an admin change page as a browser would send it unchanged."""
    response = client.get(page)
    assert response.status_code == 200, page
    data: dict[str, Any] = {}

    def add(form: Any) -> None:
        for name, field in form.fields.items():
            value = form[name].value()
            key = form.add_prefix(name)
            if isinstance(field.widget, CheckboxInput):
                if value:
                    data[key] = "on"
            else:
                data[key] = "" if value is None else value

    add(response.context["adminform"].form)
    for inline in response.context.get("inline_admin_formsets", []):
        management = inline.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        for form in inline.formset.forms:
            add(form)
    data["_save"] = "Save"
    return data


@dataclass
class World:
    network: Network
    commune: dict[str, Collectivity]  # "own" (A) / "other" (B)
    membership: dict[str, Membership]
    role: dict[str, CollectivityRole]  # an editor's role in A / B
    charter: CharterVersion
    newcomer: User
    editor: Client  # a superuser's client, to read the forms


@pytest.fixture
def world(
    network: Network,
    commune_a: Collectivity,
    commune_b: Collectivity,
    membership_a: Membership,
    membership_b: Membership,
    charter: CharterVersion,
    superuser: User,
    staff_b: User,
) -> World:
    reader = Client()
    reader.force_login(superuser)
    return World(
        network=network,
        commune={"own": commune_a, "other": commune_b},
        membership={"own": membership_a, "other": membership_b},
        role={
            scope: factories.CollectivityRoleFactory(
                collectivity=commune, role=CollectivityRole.Role.EDITOR
            )
            for scope, commune in (("own", commune_a), ("other", commune_b))
        },
        charter=charter,
        newcomer=factories.UserFactory(email="newcomer@example.org"),
        editor=reader,
    )


# Each action: (client, world, scope) -> (response, changed?)
Action = Callable[[Client, World, str], tuple[HttpResponse, bool]]


def view_collectivity(client: Client, w: World, scope: str) -> tuple[HttpResponse, bool]:
    return client.get(url("territories_collectivity_change", w.commune[scope].pk)), False


def change_collectivity(client: Client, w: World, scope: str) -> tuple[HttpResponse, bool]:
    commune = w.commune[scope]
    page = url("territories_collectivity_change", commune.pk)
    data = form_data(w.editor, page) | {"name_en": "Renamed commune"}
    response = client.post(page, data)
    commune.refresh_from_db()
    return response, commune.name_en == "Renamed commune"


def change_official_data(client: Client, w: World, scope: str) -> tuple[HttpResponse, bool]:
    """A crafted POST with the census name and population (read-only for staff)."""
    commune = w.commune[scope]
    page = url("territories_collectivity_change", commune.pk)
    data = form_data(w.editor, page) | {"name_fr": "Nom modifié", "population_2024": "1"}
    response = client.post(page, data)
    commune.refresh_from_db()
    return response, commune.name_fr == "Nom modifié" or commune.population_2024 == 1


def revert_history(client: Client, w: World, scope: str) -> tuple[HttpResponse, bool]:
    """Put back a collectivity's first version from its history page."""
    commune = w.commune[scope]
    first = commune.history.earliest()  # type: ignore[attr-defined]
    commune.name_en = "Later name"
    commune.save()
    page = url("territories_collectivity_simple_history", commune.pk, first.history_id)
    data = form_data(w.editor, page)
    response = client.post(page, data)
    commune.refresh_from_db()
    return response, commune.name_en != "Later name"


def add_collectivity(client: Client, w: World, scope: str) -> tuple[HttpResponse, bool]:
    data = form_data(w.editor, url("territories_collectivity_change", w.commune["own"].pk))
    data |= {"code": "C.NEW", "slug": "new-commune", "name_fr": "Nouvelle commune"}
    response = client.post(url("territories_collectivity_add"), data)
    return response, Collectivity.objects.filter(code="C.NEW").exists()


def view_membership(client: Client, w: World, scope: str) -> tuple[HttpResponse, bool]:
    return client.get(url("network_membership_change", w.membership[scope].pk)), False


def change_membership(client: Client, w: World, scope: str) -> tuple[HttpResponse, bool]:
    membership = w.membership[scope]
    page = url("network_membership_change", membership.pk)
    data = form_data(w.editor, page) | {"focal_point_name": "Nouveau point focal"}
    response = client.post(page, data)
    membership.refresh_from_db()
    return response, membership.focal_point_name == "Nouveau point focal"


def add_role(client: Client, w: World, scope: str) -> tuple[HttpResponse, bool]:
    data = {
        "user_email": w.newcomer.email,
        "collectivity": w.commune[scope].pk,
        "role": CollectivityRole.Role.EDITOR,
    }
    response = client.post(url("accounts_collectivityrole_add"), data)
    return response, CollectivityRole.objects.filter(user=w.newcomer).exists()


def add_role_to_unverified_account(
    client: Client, w: World, scope: str
) -> tuple[HttpResponse, bool]:
    """Whoever signed up with an address need not own it: no role until it is confirmed."""
    stranger = factories.UserFactory(email="stranger@example.org")
    EmailAddress.objects.create(user=stranger, email=stranger.email, verified=False)
    data = {
        "user_email": stranger.email,
        "collectivity": w.commune[scope].pk,
        "role": CollectivityRole.Role.EDITOR,
    }
    response = client.post(url("accounts_collectivityrole_add"), data)
    return response, CollectivityRole.objects.filter(user=stranger).exists()


def delete_role(client: Client, w: World, scope: str) -> tuple[HttpResponse, bool]:
    role = w.role[scope]
    response = client.post(url("accounts_collectivityrole_delete", role.pk), {"post": "yes"})
    return response, not CollectivityRole.objects.filter(pk=role.pk).exists()


def bulk_delete_roles(client: Client, w: World, scope: str) -> tuple[HttpResponse, bool]:
    """The list's "delete selected" action, on an editor's and an administrator's role."""
    admin_role = factories.CollectivityRoleFactory(
        collectivity=w.commune[scope], role=CollectivityRole.Role.ADMIN
    )
    roles = [w.role[scope].pk, admin_role.pk]
    data = {"action": "delete_selected", "_selected_action": roles, "post": "yes"}
    response = client.post(url("accounts_collectivityrole_changelist"), data)
    return response, CollectivityRole.objects.filter(pk__in=roles).count() < 2


def change_role(client: Client, w: World, scope: str) -> tuple[HttpResponse, bool]:
    role = w.role[scope]
    data = {"collectivity": role.collectivity_id, "role": CollectivityRole.Role.MODERATOR}
    response = client.post(url("accounts_collectivityrole_change", role.pk), data)
    role.refresh_from_db()
    return response, role.role == CollectivityRole.Role.MODERATOR


def change_network(client: Client, w: World, scope: str) -> tuple[HttpResponse, bool]:
    page = url("network_network_change", w.network.pk)
    response = client.post(page, form_data(w.editor, page) | {"name_fr": "Réseau renommé"})
    w.network.refresh_from_db()
    return response, w.network.name_fr == "Réseau renommé"


def change_charter(client: Client, w: World, scope: str) -> tuple[HttpResponse, bool]:
    page = url("network_charterversion_change", w.charter.pk)
    data = form_data(w.editor, page) | {
        "sections-0-title_fr": "Objet modifié",
        # The factory fills French only; Arabic (the default language) is required.
        "sections-0-title_ar": "الغرض",
        "sections-0-body_ar": "نص",
    }
    response = client.post(page, data)
    section = w.charter.sections.get()
    return response, section.title_fr == "Objet modifié"


def import_members(client: Client, w: World, scope: str) -> tuple[HttpResponse, bool]:
    newcomer = factories.CommuneFactory(code="C.IMPORT")
    upload = io.BytesIO(b"code,status,cohort\nC.IMPORT,active,2025\n")
    upload.name = "members.csv"
    response = client.post(
        url("network_membership_import"), {"network": w.network.pk, "file": upload}
    )
    return response, Membership.objects.filter(collectivity=newcomer).exists()


ACTIONS: dict[str, Action] = {
    "view collectivity": view_collectivity,
    "change collectivity": change_collectivity,
    "change official data": change_official_data,
    "revert collectivity history": revert_history,
    "add collectivity": add_collectivity,
    "view membership": view_membership,
    "change membership": change_membership,
    "add collectivity role": add_role,
    "add role to unverified account": add_role_to_unverified_account,
    "change collectivity role": change_role,
    "delete collectivity role": delete_role,
    "bulk delete roles": bulk_delete_roles,
    "change network": change_network,
    "change charter": change_charter,
    "import members": import_members,
}

# Expected outcome per action and role: one value (both scopes) or (own, other).
COORDINATORS_ONLY = {
    "staff_a": "denied",
    "editor_a": "denied",
    "moderator_a": "denied",
    "coordinator": "ok",
    "superuser": "ok",
}
EXPECTED: dict[str, dict[str, str | tuple[str, str]]] = {
    "view collectivity": {
        "staff_a": ("ok", "missing"),
        "editor_a": ("ok", "missing"),
        "moderator_a": "denied",
        "coordinator": "ok",
        "superuser": "ok",
    },
    "change collectivity": {
        "staff_a": ("ok", "missing"),
        "editor_a": ("ok", "missing"),
        "moderator_a": "denied",
        "coordinator": "ok",
        "superuser": "ok",
    },
    "change official data": {
        # The form has no such fields for them: saved without the crafted values.
        "staff_a": ("unchanged", "missing"),
        "editor_a": ("unchanged", "missing"),
        "moderator_a": "denied",
        "coordinator": "ok",
        "superuser": "ok",
    },
    "revert collectivity history": {
        "staff_a": "denied",
        "editor_a": "denied",
        "moderator_a": "denied",
        "coordinator": "ok",
        "superuser": "ok",
    },
    "add collectivity": COORDINATORS_ONLY,
    "view membership": {
        "staff_a": ("ok", "missing"),
        "editor_a": "denied",
        "moderator_a": "denied",
        "coordinator": "ok",
        "superuser": "ok",
    },
    "change membership": {
        "staff_a": ("ok", "missing"),
        "editor_a": "denied",
        "moderator_a": "denied",
        "coordinator": "ok",
        "superuser": "ok",
    },
    "add collectivity role": {
        # B is not among the collectivities the form offers to A's administrator.
        "staff_a": ("ok", "invalid"),
        "editor_a": "denied",
        "moderator_a": "denied",
        "coordinator": "ok",
        "superuser": "ok",
    },
    "add role to unverified account": {
        "staff_a": "invalid",
        "editor_a": "denied",
        "moderator_a": "denied",
        "coordinator": "invalid",
        "superuser": "invalid",
    },
    "change collectivity role": {
        "staff_a": ("ok", "missing"),
        "editor_a": "denied",
        "moderator_a": "denied",
        "coordinator": "ok",
        "superuser": "ok",
    },
    "delete collectivity role": {
        "staff_a": ("ok", "missing"),
        "editor_a": "denied",
        "moderator_a": "denied",
        "coordinator": "ok",
        "superuser": "ok",
    },
    "bulk delete roles": {
        # Their own administrator's role is among the selected: nothing is deleted.
        "staff_a": ("denied", "unchanged"),
        "editor_a": "denied",
        "moderator_a": "denied",
        "coordinator": "ok",
        "superuser": "ok",
    },
    "change network": COORDINATORS_ONLY,
    "change charter": COORDINATORS_ONLY,
    "import members": COORDINATORS_ONLY,
}


def expected_outcome(action: str, role: str, scope: str) -> str:
    if role in ("anonymous", "citizen"):
        return "login"
    value = EXPECTED[action][role]
    if isinstance(value, tuple):
        return value[0] if scope == "own" else value[1]
    return value


def outcome(response: HttpResponse, changed: bool, method_is_get: bool) -> str:
    status = response.status_code
    location = response.get("Location", "")
    if status == 302 and location.startswith("/en/admin/login/"):
        return "login" if not changed else "login but changed!"
    if status == 403:
        return "denied" if not changed else "denied but changed!"
    if status == 302 and location == "/en/admin/":
        return "missing" if not changed else "missing but changed!"
    if status == 200 and method_is_get:
        return "ok"
    if status == 302 and changed:
        return "ok"
    if status == 302 and not method_is_get:
        return "unchanged"
    if status == 200 and not changed:
        return "invalid"
    return f"unexpected {status} {location} changed={changed}"


@pytest.mark.parametrize("scope", ["own", "other"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_permission_matrix(
    request: pytest.FixtureRequest, world: World, action: str, role: str, scope: str
) -> None:
    client = Client()
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    response, changed = ACTIONS[action](client, world, scope)
    got = outcome(response, changed, method_is_get=action.startswith("view"))
    assert got == expected_outcome(action, role, scope)
