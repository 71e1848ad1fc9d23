"""Files of access to information are downloads, never pages of the site.

Register documents and released documents are sent as attachments
with ``X-Content-Type-Options: nosniff`` and a sandboxing Content-Security-Policy
(:func:`infitah.core.downloads.safe_file_response`), like the library's downloads.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import translation

from infitah.access_info import services
from infitah.core.downloads import DOWNLOAD_CSP, safe_file_response
from infitah.territories.models import Collectivity
from tests.access_info.factories_public import (
    RequestDocumentFactory,
    decided,
    local,
    media_root,  # noqa: F401 - fixture
)
from tests.access_info.factories_requests import World, file_request, world

__all__ = ["media_root", "world"]

pytestmark = pytest.mark.django_db


def assert_safe_download(response: Any, content_type: str) -> None:
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == DOWNLOAD_CSP
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["Content-Type"].startswith(content_type)


def test_register_documents_are_attachments(
    commune_a: Collectivity,
    media_root: Any,  # noqa: F811
) -> None:
    request = decided(collectivity=commune_a, released_published_at=local(2026, 3, 18))
    document = RequestDocumentFactory(request=request, title="Réponse", is_public=True)
    response = Client().get(
        f"/en/information/register/{request.reference}/documents/{document.pk}/"
    )
    assert_safe_download(response, "application/pdf")
    assert "R%C3%A9ponse.pdf" in response["Content-Disposition"]  # the title, not the file


def test_released_documents_are_attachments(
    world: World,
    media_root: Any,  # noqa: F811
) -> None:
    request = file_request(world)
    services.request_answer(
        actor=world.officer_a,
        request=request,
        partial=False,
        released_text="Voir le fichier.",
        documents=[("Budget", SimpleUploadedFile("budget.csv", b"a,b\n1,2\n", "text/csv"))],
    )
    document = request.documents.get()
    with translation.override("fr"):
        address = reverse("access_info:request-document", args=[document.pk])
    for user in (world.citizen, world.officer_a):
        client = Client()
        client.force_login(user)
        response = client.get(address)
        assert_safe_download(response, "text/csv")
        assert b"".join(response.streaming_content) == b"a,b\n1,2\n"  # type: ignore[attr-defined]
    document.file.delete(save=False)  # lost from the storage: 404, not 500
    client = Client()
    client.force_login(world.citizen)
    assert client.get(address).status_code == 404


def test_helper_guesses_the_type_and_404s_on_missing_files(
    media_root: Any,  # noqa: F811
) -> None:
    document = RequestDocumentFactory(file=ContentFile(b"bytes", name="data.bin"))
    response = safe_file_response(document.file, "nom sans extension")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff"
    response.close()
    document.file.delete(save=False)
    with pytest.raises(Http404):
        safe_file_response(document.file, "data.bin")
