"""Fixtures of the library tests: files stored in a temporary folder, small documents."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from infitah.accounts.models import CollectivityRole, User
from infitah.library.models import Document
from infitah.network.models import Membership, Network
from infitah.territories.models import Collectivity
from tests import factories
from tests.library import samples

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Path) -> Iterator[None]:
    settings.MEDIA_ROOT = tmp_path / "media"
    yield


@pytest.fixture
def seed_text() -> str:
    """The seed document (Arabic text badly extracted from a PDF), a test fixture copy."""
    return (DATA / "seed_extract.txt").read_text(encoding="utf-8")


@pytest.fixture
def seed_path() -> Path:
    return DATA / "seed_extract.txt"


@pytest.fixture
def member_a(network: Network, commune_a: Collectivity) -> Membership:
    return factories.MembershipFactory(network=network, collectivity=commune_a)


@pytest.fixture
def member_b(network: Network, commune_b: Collectivity) -> Membership:
    return factories.MembershipFactory(network=network, collectivity=commune_b)


def role_user(collectivity: Collectivity, role: str, email: str) -> User:
    return factories.CollectivityRoleFactory(
        collectivity=collectivity, role=role, user__email=email
    ).user


@pytest.fixture
def editor_a(commune_a: Collectivity) -> User:
    return role_user(commune_a, CollectivityRole.Role.EDITOR, "editor-a@example.org")


@pytest.fixture
def staff_b(commune_b: Collectivity) -> User:
    return role_user(commune_b, CollectivityRole.Role.ADMIN, "admin-b@example.org")


@pytest.fixture
def pdf_upload() -> Callable[..., SimpleUploadedFile]:
    def make(
        name: str = "guide.pdf", text: str = "Guide de la participation citoyenne"
    ) -> SimpleUploadedFile:
        return SimpleUploadedFile(name, samples.pdf_bytes(text), content_type="application/pdf")

    return make


@pytest.fixture
def make_document(db: None) -> Callable[..., Document]:
    """Create a document through the service (link or text), as the operator."""

    def make(**kwargs: Any) -> Document:
        return samples.create_document(**kwargs)

    return make
