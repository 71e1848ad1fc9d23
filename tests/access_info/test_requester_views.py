"""The requesters' pages: filing, receipt, my requests, one request, its actions."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import translation

from infitah.access_info import services
from infitah.access_info.models import Complaint, InformationRequest
from tests.access_info.factories_requests import (
    IDENTITY,
    World,
    file_request,
    local,
    make_request,
    unverified,
    world,
)
from tests.sample_map import count_queries

__all__ = ["world"]

pytestmark = pytest.mark.django_db
Status = InformationRequest.Status


def url(name: str, *args: object, lang: str = "fr") -> str:
    with translation.override(lang):
        return reverse(f"access_info:{name}", args=args)


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


FORM = {
    "subject": "Budget 2026",
    "information_requested": "Le budget voté.",
    "preferred_form": "electronic",
    "requester_name": IDENTITY["requester_name"],
    "id_document_kind": "national_id",
    "id_document_number": "be 774411",
    "postal_address": IDENTITY["postal_address"],
    "phone": "",
}


def test_anonymous_visitors_are_sent_to_sign_in(world: World) -> None:
    response = Client().get(url("request-new"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_form_lists_member_collectivities_and_preselects_one(world: World) -> None:
    client = signed_in(world.citizen)
    response = client.get(url("request-new") + f"?collectivity={world.a.code}")
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.fields["collectivity"].queryset) == {world.a, world.b}
    assert form.initial["collectivity"] == world.a.pk
    html = response.content.decode()
    assert " style=" not in html and "<script" not in html


def test_filing_redirects_to_the_receipt(world: World) -> None:
    client = signed_in(world.citizen)
    with time_machine.travel(local(2026, 3, 2, 10), tick=False):
        response = client.post(url("request-new"), {**FORM, "collectivity": world.a.pk})
    request = InformationRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("request-receipt", request.reference)
    assert request.requester == world.citizen
    assert request.id_document_number == "BE774411"
    receipt = client.get(response["Location"])
    assert receipt.status_code == 200
    html = receipt.content.decode()
    assert request.reference in html
    assert "31 mars 2026" in html


def test_errors_re_show_the_form(world: World) -> None:
    client = signed_in(world.citizen)
    response = client.post(
        url("request-new"),
        {**FORM, "collectivity": world.a.pk, "id_document_number": "12", "is_urgent": "on"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "id_document_number" in errors
    assert "urgency_reason" in errors
    assert not InformationRequest.objects.exists()


@pytest.mark.parametrize(
    "collectivity",
    ["", "abc", "999999", "1\x00", "-1"],
    ids=["empty", "text", "unknown", "nul", "neg"],
)
def test_bad_collectivity_values_are_form_errors(world: World, collectivity: str) -> None:
    response = signed_in(world.citizen).post(
        url("request-new"), {**FORM, "collectivity": collectivity}
    )
    assert response.status_code == 200
    assert "collectivity" in response.context["form"].errors


def test_an_unverified_account_is_asked_to_confirm_its_address(world: World) -> None:
    client = signed_in(unverified(world.citizen))
    response = client.post(url("request-new"), {**FORM, "collectivity": world.a.pk})
    assert response.status_code == 200
    assert response.context["unverified"] is True
    assert not InformationRequest.objects.exists()


def test_my_requests_lists_only_mine_with_deadlines(world: World) -> None:
    with time_machine.travel(local(2026, 3, 2, 10), tick=False):
        mine = file_request(world)
        file_request(world, requester=world.other_citizen)
    with time_machine.travel(local(2026, 3, 30, 10), tick=False):
        response = signed_in(world.citizen).get(url("my-requests"))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row.request.reference for row in rows] == [mine.reference]
    assert rows[0].days_left == 1
    assert "1 working day left" in response.content.decode() or "1" in response.content.decode()


def test_my_requests_query_count_does_not_grow(world: World) -> None:
    client = signed_in(world.citizen)
    for _ in range(2):
        make_request(world.a, received_at=local(2026, 3, 2), requester=world.citizen)
    few = count_queries(client, url("my-requests"))
    for _ in range(20):
        make_request(world.a, received_at=local(2026, 3, 2), requester=world.citizen)
    many = count_queries(client, url("my-requests"))
    assert many == few


def test_the_detail_shows_timeline_due_date_and_identity(world: World) -> None:
    with time_machine.travel(local(2026, 3, 2, 10), tick=False):
        request = file_request(world)
        response = signed_in(world.citizen).get(url("my-request-detail", request.reference))
    assert response.status_code == 200
    html = response.content.decode()
    assert IDENTITY["requester_name"] in html
    assert "31 mars 2026" in html
    assert response.context["row"].days_left == 20
    assert response.context["complaint_form"] is None
    assert response.context["can_withdraw"] is True


def test_someone_else_s_request_is_not_found(world: World) -> None:
    request = file_request(world)
    client = signed_in(world.other_citizen)
    for name in ("my-request-detail", "request-receipt"):
        assert client.get(url(name, request.reference)).status_code == 404
    for name in ("my-request-withdraw", "my-request-clarify", "my-request-complaint"):
        assert client.post(url(name, request.reference), {"text": "x"}).status_code == 404
    request.refresh_from_db()
    assert request.status == Status.RECEIVED


@pytest.mark.parametrize(
    ("reference", "status"),
    # A NUL in the path is refused by infitah.core.middleware before any view (400).
    [("nope", 404), ("x" * 60, 404), ("a\x00b", 400), ("%00", 400)],
)
def test_odd_references_are_not_found(world: World, reference: str, status: int) -> None:
    client = signed_in(world.citizen)
    response = client.get(f"/fr/information/my/{reference}/")
    assert response.status_code == status


def test_clarification_through_the_page(world: World) -> None:
    request = file_request(world)
    services.request_ask_clarification(
        actor=world.officer_a, request=request, question="Quelle année ?"
    )
    client = signed_in(world.citizen)
    page = client.get(url("my-request-detail", request.reference))
    assert page.context["clarify_form"] is not None
    assert "Quelle année ?" in page.content.decode()
    empty = client.post(url("my-request-clarify", request.reference), {"text": " "})
    assert empty.status_code == 200
    assert "text" in empty.context["clarify_form"].errors
    done = client.post(url("my-request-clarify", request.reference), {"text": "2026"})
    assert done.status_code == 302
    request.refresh_from_db()
    assert request.status == Status.IN_PROGRESS


def test_withdrawal_through_the_page(world: World) -> None:
    request = file_request(world)
    client = signed_in(world.citizen)
    response = client.post(url("my-request-withdraw", request.reference))
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == Status.WITHDRAWN
    again = client.post(url("my-request-withdraw", request.reference), follow=True)
    assert again.status_code == 200
    assert again.context["can_withdraw"] is False


def test_the_complaint_button_appears_after_a_refusal(world: World) -> None:
    with time_machine.travel(local(2026, 3, 2, 10), tick=False):
        request = file_request(world)
        services.request_refuse(
            actor=world.officer_a, request=request, ground="abusive", text="Répétitive."
        )
        client = signed_in(world.citizen)
        page = client.get(url("my-request-detail", request.reference))
        assert page.context["complaint_option"].stage == Complaint.Stage.HEAD
        assert "Répétitive." in page.content.decode()
        wrong = client.post(
            url("my-request-complaint", request.reference), {"stage": "court", "text": "x"}
        )
        assert wrong.status_code == 200
        assert wrong.context["complaint_form"].errors
        bad = client.post(url("my-request-complaint", request.reference), {"stage": "zzz"})
        assert bad.status_code == 200
        done = client.post(
            url("my-request-complaint", request.reference),
            {"stage": "head", "text": "Je conteste."},
        )
    assert done.status_code == 302
    assert request.complaints.get().text == "Je conteste."


def test_released_documents_are_downloaded_by_the_requester_only(world: World) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    request = file_request(world)
    services.request_answer(
        actor=world.officer_a,
        request=request,
        partial=False,
        released_text="Voir le fichier.",
        documents=[("Budget", SimpleUploadedFile("budget.csv", b"a,b\n1,2\n", "text/csv"))],
    )
    document = request.documents.get()
    address = url("request-document", document.pk)
    response = signed_in(world.citizen).get(address)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"a,b\n1,2\n"  # type: ignore[attr-defined]
    assert signed_in(world.other_citizen).get(address).status_code == 404
    assert signed_in(world.officer_b).get(address).status_code == 404
    assert signed_in(world.officer_a).get(address).status_code == 200
    assert signed_in(world.citizen).get(url("request-document", 999999)).status_code == 404


def test_pages_answer_in_arabic_too(world: World) -> None:
    request = file_request(world)
    client = signed_in(world.citizen)
    for name, args in (
        ("request-new", ()),
        ("my-requests", ()),
        ("my-request-detail", (request.reference,)),
        ("request-receipt", (request.reference,)),
    ):
        response = client.get(url(name, *args, lang="ar"))
        assert response.status_code == 200, name
        assert 'dir="rtl"' in response.content.decode()


def test_time_of_receipt_is_shown_in_local_time(world: World) -> None:
    with time_machine.travel(
        datetime.datetime(2026, 10, 8, 23, 30, tzinfo=datetime.UTC), tick=False
    ):
        request = file_request(world)
    response = signed_in(world.citizen).get(url("request-receipt", request.reference))
    html = response.content.decode()
    assert "9 octobre 2026" in html
    assert "00:30" in html or "0:30" in html
