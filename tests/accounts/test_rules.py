"""Permission predicates and rules (accounts/rules.py, territories/rules.py, network/rules.py)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import rules
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from infitah.accounts.models import CollectivityRole, OrganisationRepresentative, User
from infitah.accounts.rules import (
    collectivity_id_of,
    collectivity_ids_with_perm,
    collectivity_of,
    grantable_roles,
    has_collectivity_role,
    is_network_coordinator,
    is_organisation_representative,
)
from infitah.network.models import Membership, Network
from infitah.territories.models import Collectivity
from tests import factories

pytestmark = pytest.mark.django_db

Role = CollectivityRole.Role


def fresh(user: User) -> User:
    """A new object for the same user (role caches live on the object)."""
    return User.objects.get(pk=user.pk)


def test_collectivity_of_resolves_every_kind_of_owned_object(
    commune_a: Collectivity, membership_a: Membership, staff_a: User
) -> None:
    role = staff_a.collectivity_roles.get()
    organisation = factories.OrganisationFactory(collectivity=commune_a)
    future = SimpleNamespace(collectivity=commune_a)  # any model with a collectivity
    for obj in (commune_a, membership_a, role, organisation, future):
        assert collectivity_of(obj) == commune_a
        assert collectivity_id_of(obj) == commune_a.pk
    for obj in (None, object(), factories.OrganisationFactory(collectivity=None)):
        assert collectivity_of(obj) is None
        assert collectivity_id_of(obj) is None


def test_is_network_coordinator(
    coordinator: User, superuser: User, staff_a: User, citizen: User
) -> None:
    assert is_network_coordinator(coordinator)
    assert is_network_coordinator(superuser)
    assert not is_network_coordinator(staff_a)
    assert not is_network_coordinator(citizen)
    assert not is_network_coordinator(AnonymousUser())
    coordinator.is_active = False
    coordinator.save()
    assert not is_network_coordinator(fresh(coordinator))


def test_has_collectivity_role(
    staff_a: User, editor_a: User, commune_a: Collectivity, commune_b: Collectivity
) -> None:
    admin_or_editor = has_collectivity_role(Role.ADMIN, Role.EDITOR)
    admin_only = has_collectivity_role(Role.ADMIN)
    assert admin_or_editor.test(staff_a, commune_a)
    assert admin_or_editor.test(editor_a, commune_a)
    assert not admin_only.test(editor_a, commune_a)
    assert not admin_or_editor.test(staff_a, commune_b)
    # Without an object: "could act on at least one".
    assert admin_only.test(staff_a)
    assert not admin_only.test(editor_a)
    assert not admin_only.test(AnonymousUser())
    with pytest.raises(ValueError, match="Unknown collectivity roles"):
        has_collectivity_role("mayor")


def test_model_level_checks_allow_the_admin_module(
    staff_a: User, editor_a: User, moderator_a: User, citizen: User
) -> None:
    assert staff_a.has_perm("territories.change_collectivity")
    assert staff_a.has_perm("network.change_membership")
    assert staff_a.has_perm("accounts.add_collectivityrole")
    assert staff_a.has_module_perms("territories")
    assert staff_a.has_module_perms("network")
    assert editor_a.has_perm("territories.change_collectivity")
    assert not editor_a.has_module_perms("network")
    for user in (moderator_a, citizen):
        for app in ("territories", "network", "accounts", "core", "axes"):
            assert not user.has_module_perms(app)


def test_official_data_and_membership_terms_are_for_coordinators(
    staff_a: User, coordinator: User, commune_a: Collectivity, membership_a: Membership
) -> None:
    assert staff_a.has_perm("territories.change_collectivity", commune_a)
    assert not staff_a.has_perm("territories.change_official_data", commune_a)
    assert staff_a.has_perm("network.change_membership", membership_a)
    assert not staff_a.has_perm("network.change_membership_terms", membership_a)
    assert not staff_a.has_perm("network.import_memberships")
    assert coordinator.has_perm("territories.change_official_data", commune_a)
    assert coordinator.has_perm("network.change_membership_terms", membership_a)
    assert coordinator.has_perm("network.import_memberships")


def test_collectivity_admin_delegates_only_non_admin_roles(
    staff_a: User, coordinator: User, commune_a: Collectivity, commune_b: Collectivity
) -> None:
    for role in Role.values:
        probe = CollectivityRole(collectivity=commune_a, role=role)
        assert staff_a.has_perm("accounts.add_collectivityrole", probe) is (role != Role.ADMIN)
        assert coordinator.has_perm("accounts.add_collectivityrole", probe)
        other = CollectivityRole(collectivity=commune_b, role=role)
        assert not staff_a.has_perm("accounts.add_collectivityrole", other)
    assert grantable_roles(staff_a) == [Role.EDITOR, Role.MODERATOR, Role.INFORMATION_OFFICER]
    assert grantable_roles(staff_a, commune_b) == []
    assert grantable_roles(coordinator) == list(Role.values)


def test_collectivity_ids_with_perm(
    staff_a: User, editor_a: User, coordinator: User, commune_a: Collectivity
) -> None:
    assert collectivity_ids_with_perm(coordinator, "network.view_membership") is None
    assert collectivity_ids_with_perm(staff_a, "network.view_membership") == [commune_a.pk]
    assert collectivity_ids_with_perm(editor_a, "network.view_membership") == []
    assert collectivity_ids_with_perm(editor_a, "territories.view_collectivity") == [commune_a.pk]
    assert collectivity_ids_with_perm(staff_a, "network.change_network") == []


def test_network_content_is_for_coordinators(
    staff_a: User, coordinator: User, network: Network
) -> None:
    for perm in ("change_network", "add_principle", "change_partner", "change_charterversion"):
        assert coordinator.has_perm(f"network.{perm}")
        assert not staff_a.has_perm(f"network.{perm}")


def test_is_organisation_representative(citizen: User) -> None:
    organisation = factories.OrganisationFactory(is_verified=True)
    assert not is_organisation_representative(citizen, organisation)
    representative = OrganisationRepresentative.objects.create(
        organisation=organisation, user=citizen, is_approved=False
    )
    assert not is_organisation_representative(fresh(citizen), organisation)
    assert not fresh(citizen).has_perm("accounts.act_for_organisation", organisation)
    representative.is_approved = True
    representative.save()
    user = fresh(citizen)
    assert is_organisation_representative(user, organisation)
    assert user.has_perm("accounts.act_for_organisation", organisation)
    assert not is_organisation_representative(user, factories.OrganisationFactory())
    assert not is_organisation_representative(user, None)
    organisation.is_verified = False
    organisation.save()
    assert not fresh(citizen).has_perm("accounts.act_for_organisation", organisation)


def test_superusers_and_coordinators_manage_users_but_not_superusers(
    coordinator: User, superuser: User, citizen: User
) -> None:
    assert coordinator.has_perm("accounts.change_user", citizen)
    assert not coordinator.has_perm("accounts.change_user", superuser)
    assert superuser.has_perm("accounts.change_user", superuser)


def test_every_model_of_our_apps_has_its_permissions_defined() -> None:
    """A new model must be given rules, or the admin silently hides it from everyone."""
    from django.apps import apps

    for app_label in ("accounts", "territories", "network"):
        assert rules.perm_exists(app_label)
        for model in apps.get_app_config(app_label).get_models():
            if model._meta.label.startswith(f"{app_label}.Historical"):
                continue
            assert rules.perm_exists(f"{app_label}.view_{model._meta.model_name}"), model


def test_role_checks_cost_one_query_per_user_object(
    staff_a: User, commune_a: Collectivity, commune_b: Collectivity
) -> None:
    user = fresh(staff_a)
    with CaptureQueriesContext(connection) as queries:
        for _ in range(20):
            user.has_perm("territories.change_collectivity", commune_a)
            user.has_perm("territories.change_collectivity", commune_b)
            user.has_perm("network.view_membership")
    # The coordinator check and the roles, once each.
    assert len(queries) == 2
