"""Personas and helpers for the accounts tests (on top of tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from allauth.account.models import EmailAddress

from infitah.accounts.models import CollectivityRole, User
from infitah.network.models import CharterVersion, Membership, Network
from infitah.territories.models import Collectivity
from tests import factories

PASSWORD = "correct horse battery staple"


def verify_email(user: User) -> User:
    """Record the user's address as verified (allauth refuses sign-in otherwise)."""
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user


def _role(collectivity: Collectivity, role: str, email: str) -> User:
    return factories.CollectivityRoleFactory(
        collectivity=collectivity, role=role, user__email=email
    ).user


@pytest.fixture
def editor_a(commune_a: Collectivity) -> User:
    return _role(commune_a, CollectivityRole.Role.EDITOR, "editor-a@example.org")


@pytest.fixture
def moderator_a(commune_a: Collectivity) -> User:
    return _role(commune_a, CollectivityRole.Role.MODERATOR, "moderator-a@example.org")


@pytest.fixture
def staff_b(commune_b: Collectivity) -> User:
    """Administrator (focal point) of commune B."""
    return _role(commune_b, CollectivityRole.Role.ADMIN, "admin-b@example.org")


@pytest.fixture
def superuser(db: None) -> User:
    return User.objects.create_superuser(email="root@example.org", password=PASSWORD)


@pytest.fixture
def membership_a(network: Network, commune_a: Collectivity) -> Membership:
    return factories.MembershipFactory(network=network, collectivity=commune_a)


@pytest.fixture
def membership_b(network: Network, commune_b: Collectivity) -> Membership:
    return factories.MembershipFactory(network=network, collectivity=commune_b)


@pytest.fixture
def charter(network: Network) -> CharterVersion:
    charter = factories.CharterVersionFactory(network=network, version="1.0")
    factories.CharterSectionFactory(charter=charter)
    return charter


@pytest.fixture
def verified_user(db: None) -> User:
    """A citizen whose e-mail address is verified, password ``PASSWORD``."""
    return verify_email(factories.UserFactory(email="verified@example.org"))


@pytest.fixture
def make_verified() -> Callable[[User], User]:
    return verify_email
