"""The admin's pages render for coordinators and are scoped for collectivity staff."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from infitah.accounts.models import CollectivityRole, User
from infitah.network.models import CharterVersion, Membership, Network
from infitah.territories.models import Collectivity
from tests import factories

pytestmark = pytest.mark.django_db

MODELS = [
    "accounts.user",
    "accounts.collectivityrole",
    "accounts.networkrole",
    "accounts.organisation",
    "accounts.organisationrepresentative",
    "territories.collectivity",
    "territories.areatypeoverride",
    "network.network",
    "network.principle",
    "network.partner",
    "network.charterversion",
    "network.membership",
    "core.contentversion",
]


def admin_url(name: str, *args: object, language: str = "en") -> str:
    with translation.override(language):
        return reverse(f"admin:{name}", args=args)


@pytest.fixture
def data(
    network: Network,
    membership_a: Membership,
    membership_b: Membership,
    charter: CharterVersion,
    staff_a: User,
    staff_b: User,
) -> None:
    factories.PartnerFactory(network=network)
    factories.OrganisationFactory(collectivity=membership_a.collectivity)


@pytest.mark.parametrize("language", ["ar", "en"])
@pytest.mark.parametrize("model", MODELS)
def test_coordinator_sees_every_list_and_change_page(
    client: Client, coordinator: User, data: None, model: str, language: str
) -> None:
    client.force_login(coordinator)
    app_label, model_name = model.split(".")
    response = client.get(admin_url(f"{app_label}_{model_name}_changelist", language=language))
    assert response.status_code == 200
    rows = response.context["cl"].result_list
    if rows:
        obj = rows[0]
        response = client.get(
            admin_url(f"{app_label}_{model_name}_change", obj.pk, language=language)
        )
        assert response.status_code == 200
        response = client.get(
            admin_url(f"{app_label}_{model_name}_history", obj.pk, language=language)
        )
        assert response.status_code == 200


def test_admin_is_right_to_left_in_arabic(client: Client, coordinator: User) -> None:
    client.force_login(coordinator)
    html = client.get("/ar/admin/").content.decode()
    assert 'dir="rtl"' in html


def test_coordinator_add_pages(client: Client, coordinator: User, data: None) -> None:
    client.force_login(coordinator)
    for model in MODELS:
        app_label, model_name = model.split(".")
        response = client.get(admin_url(f"{app_label}_{model_name}_add"))
        read_only = model in ("territories.areatypeoverride", "core.contentversion")
        assert response.status_code == (403 if read_only else 200), model


def test_collectivity_staff_index_shows_only_their_modules(
    client: Client, staff_a: User, data: None
) -> None:
    client.force_login(staff_a)
    response = client.get("/en/admin/")
    assert response.status_code == 200
    models = {
        f"{app['app_label']}.{m['object_name'].lower()}"
        for app in response.context["app_list"]
        for m in app["models"]
    }
    # Their collectivity's modules of the foundation...
    assert {
        "territories.collectivity",
        "network.membership",
        "accounts.collectivityrole",
    } <= models
    # ...and none of the coordinators' alone.
    assert not models & COORDINATOR_ONLY_MODELS


#: Admin models only network coordinators manage.
COORDINATOR_ONLY_MODELS = {
    "network.network",
    "network.principle",
    "network.partner",
    "network.charterversion",
    "territories.areatypeoverride",
    "core.contentversion",
    "accounts.networkrole",
}


def test_moderator_index_shows_nothing(client: Client, moderator_a: User) -> None:
    """A moderator manages none of the foundation's records (later modules may grant views)."""
    client.force_login(moderator_a)
    response = client.get("/en/admin/")
    assert response.status_code == 200
    labels = {app["app_label"] for app in response.context["app_list"]}
    assert not labels & {"accounts", "network", "territories", "core"}


def test_lists_are_scoped_to_the_staff_members_collectivity(
    client: Client,
    staff_a: User,
    commune_a: Collectivity,
    membership_a: Membership,
    membership_b: Membership,
    staff_b: User,
) -> None:
    client.force_login(staff_a)
    listed = client.get(admin_url("territories_collectivity_changelist")).context["cl"]
    assert [c.pk for c in listed.result_list] == [commune_a.pk]
    listed = client.get(admin_url("network_membership_changelist")).context["cl"]
    assert [m.pk for m in listed.result_list] == [membership_a.pk]
    listed = client.get(admin_url("accounts_collectivityrole_changelist")).context["cl"]
    assert {r.collectivity_id for r in listed.result_list} == {commune_a.pk}
    # Autocomplete (used by the role form) offers their collectivity only.
    response = client.get(
        "/en/admin/autocomplete/",
        {
            "term": "",
            "app_label": "accounts",
            "model_name": "collectivityrole",
            "field_name": "collectivity",
        },
    )
    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [str(commune_a.pk)]


def test_official_fields_are_read_only_for_collectivity_staff(
    client: Client, staff_a: User, editor_a: User, commune_a: Collectivity
) -> None:
    url = admin_url("territories_collectivity_change", commune_a.pk)
    for user in (staff_a, editor_a):
        client.force_login(user)
        form = client.get(url).context["adminform"].form
        # The census names too: the loader puts them back at every ``make run``.
        assert {"code", "kind", "parent", "region", "name_ar", "name_fr"}.isdisjoint(form.fields)
        assert {"name_en", "name_zgh"} <= set(form.fields)
        response = client.post(
            url,
            {
                "name_ar": "جماعة أ",
                "name_fr": "Commune A renommée",
                "name_en": "Commune A in English",
                "name_zgh": "",
                "code": "99.999",
                "kind": "region",
                "_save": "1",
            },
        )
        assert response.status_code == 302
        commune_a.refresh_from_db()
        assert commune_a.name_en == "Commune A in English"
        assert commune_a.name_fr != "Commune A renommée"
        assert commune_a.kind == Collectivity.Kind.COMMUNE
        assert commune_a.code != "99.999"


def test_coordinator_renames_and_search_follows(
    client: Client, coordinator: User, commune_a: Collectivity
) -> None:
    client.force_login(coordinator)
    url = admin_url("territories_collectivity_change", commune_a.pk)
    response = client.get(url)
    data = {
        name: field.value() if field.value() is not None else ""
        for name, field in (
            (n, response.context["adminform"].form[n])
            for n in response.context["adminform"].form.fields
        )
    }
    data.update({"name_fr": "Commune A \u202erenommée\u202c", "_save": "1"})
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    commune_a.refresh_from_db()
    assert commune_a.name_fr == "Commune A renommée"  # bidi controls dropped
    assert "renommee" in commune_a.search_text  # search follows the new name


def test_membership_terms_are_read_only_for_the_focal_point(
    client: Client, staff_a: User, membership_a: Membership
) -> None:
    client.force_login(staff_a)
    url = admin_url("network_membership_change", membership_a.pk)
    form = client.get(url).context["adminform"].form
    assert set(form.fields) == {
        "focal_point_name",
        "focal_point_title",
        "focal_point_email",
        "focal_point_phone",
    }
    response = client.post(
        url,
        {
            "focal_point_name": "Fatima Z.",
            "focal_point_title": "",
            "focal_point_email": "not an address",
            "focal_point_phone": "",
            "status": "withdrawn",
        },
    )
    assert response.status_code == 200  # the bad e-mail address is reported
    response = client.post(
        url,
        {
            "focal_point_name": "Fatima Z.",
            "focal_point_title": "Chargée de la transparence",
            "focal_point_email": "transparence@commune-a.ma",
            "focal_point_phone": "+212 5 00 00 00 00",
            "status": "withdrawn",
        },
    )
    assert response.status_code == 302
    membership_a.refresh_from_db()
    assert membership_a.focal_point_name == "Fatima Z."
    assert membership_a.status == Membership.Status.ACTIVE


def test_collectivity_search_matches_arabic_variants_and_codes(
    client: Client, coordinator: User
) -> None:
    region = factories.RegionFactory(name_ar="جهة بني ملال خنيفرة", name_fr="Béni Mellal-Khénifra")
    client.force_login(coordinator)
    url = admin_url("territories_collectivity_changelist")
    for term in ("بنى ملال", "beni mellal", region.code):
        found = client.get(url, {"q": term}).context["cl"].result_list
        assert region in list(found), term


def test_role_form_finds_the_person_by_email_and_limits_roles(
    client: Client, staff_a: User, commune_a: Collectivity, citizen: User
) -> None:
    client.force_login(staff_a)
    url = admin_url("accounts_collectivityrole_add")
    form = client.get(url).context["adminform"].form
    assert [value for value, _label in form.fields["role"].choices if value] == [
        "editor",
        "moderator",
        "information_officer",
    ]
    response = client.post(
        url, {"user_email": "nobody@example.org", "collectivity": commune_a.pk, "role": "editor"}
    )
    assert response.status_code == 200
    assert "sign up" in response.content.decode()
    # Making someone an administrator is the coordinators' decision.
    response = client.post(
        url, {"user_email": citizen.email, "collectivity": commune_a.pk, "role": "admin"}
    )
    assert response.status_code == 200
    assert not CollectivityRole.objects.filter(user=citizen).exists()

    response = client.post(
        url, {"user_email": "CITIZEN@example.org", "collectivity": commune_a.pk, "role": "editor"}
    )
    assert response.status_code == 302
    role = CollectivityRole.objects.get(user=citizen)
    assert (role.collectivity, role.role) == (commune_a, "editor")
    citizen.refresh_from_db()
    assert citizen.is_staff  # admin access comes with the role
    assert role.history.count() == 1

    # Twice the same role: a message, not a crash.
    response = client.post(
        url, {"user_email": citizen.email, "collectivity": commune_a.pk, "role": "editor"}
    )
    assert response.status_code == 200
    assert CollectivityRole.objects.filter(user=citizen).count() == 1

    # Revoking the last role takes admin access away.
    response = client.post(admin_url("accounts_collectivityrole_delete", role.pk), {"post": "yes"})
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert not citizen.is_staff


def test_collectivity_admin_cannot_change_another_administrator(
    client: Client, staff_a: User, commune_a: Collectivity
) -> None:
    other_admin = factories.CollectivityRoleFactory(
        collectivity=commune_a, role=CollectivityRole.Role.ADMIN
    )
    client.force_login(staff_a)
    url = admin_url("accounts_collectivityrole_change", other_admin.pk)
    response = client.get(url)
    assert response.status_code == 200  # visible, read-only
    assert response.context["has_change_permission"] is False
    response = client.post(url, {"collectivity": commune_a.pk, "role": "editor"})
    assert response.status_code == 403
    response = client.post(
        admin_url("accounts_collectivityrole_delete", other_admin.pk), {"post": "yes"}
    )
    assert response.status_code == 403
    other_admin.refresh_from_db()
    assert other_admin.role == CollectivityRole.Role.ADMIN


def test_coordinator_cannot_touch_a_superuser_account(
    client: Client, coordinator: User, superuser: User
) -> None:
    client.force_login(coordinator)
    response = client.get(admin_url("accounts_user_change", superuser.pk))
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    response = client.get(admin_url("auth_user_password_change", superuser.pk))
    assert response.status_code == 403


def test_coordinator_cannot_make_anyone_superuser(
    client: Client, coordinator: User, citizen: User
) -> None:
    client.force_login(coordinator)
    form = client.get(admin_url("accounts_user_change", citizen.pk)).context["adminform"].form
    assert "is_superuser" not in form.fields
    assert "user_permissions" not in form.fields
    assert "is_staff" in form.fields


def test_only_coordinators_revert_history(
    client: Client, staff_a: User, commune_a: Collectivity
) -> None:
    commune_a.name_fr = "Nouveau nom"
    commune_a.save()
    first = commune_a.history.earliest()
    client.force_login(staff_a)
    url = admin_url("territories_collectivity_simple_history", commune_a.pk, first.history_id)
    assert client.get(url).status_code == 200
    response = client.post(url, {"name_ar": "x", "name_fr": "Reverted", "_save": "1"})
    assert response.status_code == 403
    commune_a.refresh_from_db()
    assert commune_a.name_fr == "Nouveau nom"


def test_organisation_verification_by_coordinators(
    client: Client, coordinator: User, staff_a: User
) -> None:
    organisation = factories.OrganisationFactory(is_verified=False)
    client.force_login(staff_a)
    assert client.get(admin_url("accounts_organisation_changelist")).status_code == 403
    client.force_login(coordinator)
    response = client.post(
        admin_url("accounts_organisation_changelist"),
        {"action": "mark_verified", "_selected_action": [organisation.pk]},
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.is_verified


def test_history_of_another_collectivity_is_not_shown(
    client: Client, staff_a: User, commune_a: Collectivity, commune_b: Collectivity
) -> None:
    client.force_login(staff_a)
    assert (
        client.get(admin_url("territories_collectivity_history", commune_a.pk)).status_code == 200
    )
    response = client.get(admin_url("territories_collectivity_history", commune_b.pk))
    assert response.status_code == 403
    version = commune_b.history.earliest()
    response = client.get(
        admin_url("territories_collectivity_simple_history", commune_b.pk, version.history_id)
    )
    assert response.status_code == 403


def test_coordinators_can_unlock_accounts(client: Client, coordinator: User, staff_a: User) -> None:
    from axes.models import AccessAttempt

    attempt = AccessAttempt.objects.create(
        username="someone@example.org", ip_address="192.0.2.1", failures_since_start=5
    )
    client.force_login(staff_a)
    assert client.get(admin_url("axes_accessattempt_changelist")).status_code == 403
    client.force_login(coordinator)
    assert client.get(admin_url("axes_accessattempt_changelist")).status_code == 200
    response = client.post(admin_url("axes_accessattempt_delete", attempt.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
