"""The authenticated API: requesters' ``information-requests`` and ``officer-requests``."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from rest_framework.test import APIClient

from infitah.access_info import services
from infitah.access_info.models import Complaint, InformationRequest
from tests.access_info.factories_requests import (
    IDENTITY,
    PERSONAS,
    World,
    file_request,
    local,
    make_request,
    persona,
    world,
)

__all__ = ["world"]

pytestmark = pytest.mark.django_db
Status = InformationRequest.Status
MINE = "/api/v1/information-requests/"
OFFICER = "/api/v1/officer-requests/"

BODY = {
    "subject": "Budget 2026",
    "information_requested": "Le budget voté.",
    "preferred_form": "electronic",
    "requester_name": IDENTITY["requester_name"],
    "id_document_kind": "national_id",
    "id_document_number": "BE774411",
    "postal_address": IDENTITY["postal_address"],
}


def client_for(user: Any) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def travel(moment: datetime.datetime) -> time_machine.travel:
    return time_machine.travel(moment, tick=False)


# --- Requesters ------------------------------------------------------------------------------


def test_anonymous_visitors_get_the_error_body(world: World) -> None:
    for address in (MINE, OFFICER):
        response = APIClient().get(address)
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "not_authenticated"


def test_filing_listing_and_reading_my_requests(world: World) -> None:
    client = client_for(world.citizen)
    with travel(local(2026, 3, 2, 10)):
        created = client.post(MINE, {**BODY, "collectivity": world.a.code}, format="json")
        assert created.status_code == 201, created.content
        body = created.json()
        assert body["reference"] == "05.091.01.01-2026-000001"
        assert body["due_on"] == "2026-03-31"
        assert body["days_left"] == 20
        assert body["requester_name"] == IDENTITY["requester_name"]
        assert [e["kind"] for e in body["events"]] == ["received"]
        file_request(world, requester=world.other_citizen)

        listed = client.get(MINE).json()
        assert listed["count"] == 1
        assert "requester_name" not in listed["results"][0]
        detail = client.get(f"{MINE}{body['reference']}/")
        assert detail.status_code == 200
        assert detail.json()["next_complaint"] is None


def test_filing_errors_are_400_with_fields(world: World) -> None:
    client = client_for(world.citizen)
    unknown = client.post(MINE, {**BODY, "collectivity": "99.999"}, format="json")
    assert unknown.status_code == 400
    assert "collectivity" in unknown.json()["error"]["fields"]
    bad_id = client.post(
        MINE, {**BODY, "collectivity": world.a.code, "id_document_number": "12"}, format="json"
    )
    assert bad_id.status_code == 400
    assert "id_document_number" in bad_id.json()["error"]["fields"]
    missing = client.post(MINE, {"collectivity": world.a.code}, format="json")
    assert missing.status_code == 400
    assert not InformationRequest.objects.exists()


def test_someone_else_s_request_is_404(world: World) -> None:
    request = file_request(world)
    client = client_for(world.other_citizen)
    assert client.get(f"{MINE}{request.reference}/").status_code == 404
    assert client.post(f"{MINE}{request.reference}/withdraw/").status_code == 404
    # A NUL in the path is refused before any view (infitah.core.middleware).
    assert client.get(f"{MINE}nope%00/").status_code == 400
    request.refresh_from_db()
    assert request.status == Status.RECEIVED


def test_withdraw_clarify_and_complain(world: World) -> None:
    client = client_for(world.citizen)
    with travel(local(2026, 3, 2, 10)):
        withdrawn = file_request(world)
        response = client.post(f"{MINE}{withdrawn.reference}/withdraw/")
        assert response.status_code == 200
        assert response.json()["status"] == "withdrawn"
        assert client.post(f"{MINE}{withdrawn.reference}/withdraw/").status_code == 400

        clarified = file_request(world)
        assert (
            client.post(f"{MINE}{clarified.reference}/clarify/", {"text": "x"}).status_code == 400
        )
        services.request_ask_clarification(actor=world.officer_a, request=clarified, question="?")
        done = client.post(f"{MINE}{clarified.reference}/clarify/", {"text": "2026"})
        assert done.json()["status"] == "in_progress"

        refused = file_request(world)
        services.request_refuse(actor=world.officer_a, request=refused, ground="abusive", text="x")
        option = client.get(f"{MINE}{refused.reference}/").json()["next_complaint"]
        assert option == {"stage": "head", "ground": "refusal", "deadline": "2026-03-31"}
        complaint = client.post(
            f"{MINE}{refused.reference}/complaint/", {"stage": "head", "text": "Non."}
        )
    assert complaint.status_code == 201
    assert complaint.json()["ground"] == "refusal"
    assert Complaint.objects.count() == 1


# --- Officers ---------------------------------------------------------------------------------


def test_officers_list_their_collectivity_s_requests(world: World) -> None:
    mine = make_request(world.a, received_at=local(2026, 3, 2))
    make_request(world.b, received_at=local(2026, 3, 2))
    with travel(local(2026, 4, 2, 10)):
        body = client_for(world.officer_a).get(OFFICER).json()
        assert [row["reference"] for row in body["results"]] == [mine.reference]
        assert body["results"][0]["lateness"] == "late"
        assert "requester_name" not in body["results"][0]
        late = client_for(world.officer_a).get(OFFICER, {"flag": "late"}).json()
        assert late["count"] == 1
    bad = client_for(world.officer_a).get(OFFICER, {"status": "zzz"})
    assert bad.status_code == 400
    assert "status" in bad.json()["error"]["fields"]
    other = client_for(world.officer_a).get(OFFICER, {"collectivity": world.b.code})
    assert other.status_code == 400


def test_the_officer_detail_has_the_identity_only_for_that_collectivity(world: World) -> None:
    request = file_request(world)
    detail = client_for(world.officer_a).get(f"{OFFICER}{request.reference}/")
    assert detail.status_code == 200
    assert detail.json()["id_document_number"] == "BE774411"
    assert client_for(world.officer_b).get(f"{OFFICER}{request.reference}/").status_code == 404
    assert client_for(world.coordinator).get(f"{OFFICER}{request.reference}/").status_code == 403
    assert client_for(world.citizen).get(f"{OFFICER}{request.reference}/").status_code == 403


def test_the_workflow_through_the_officer_api(world: World) -> None:
    client = client_for(world.officer_a)
    with travel(local(2026, 3, 2, 10)):
        request = file_request(world)
        ref = request.reference
        assert client.post(f"{OFFICER}{ref}/start/").json()["status"] == "in_progress"
        assert client.post(f"{OFFICER}{ref}/clarification/", {"question": "?"}).status_code == 200
        assert client.post(f"{OFFICER}{ref}/clarified/", {"text": "ok"}).status_code == 200
        extended = client.post(f"{OFFICER}{ref}/extend/", {"reason": "Volume"}).json()
        assert extended["due_on"] == "2026-04-28"
        assert client.post(f"{OFFICER}{ref}/extend/", {"reason": "Again"}).status_code == 400
        answered = client.post(
            f"{OFFICER}{ref}/answer/",
            {"is_partial": True, "released_text": "Part.", "refusal_ground": "private_life"},
            format="json",
        )
        assert answered.status_code == 400
        assert "refusal_text" in answered.json()["error"]["fields"]
        answered = client.post(
            f"{OFFICER}{ref}/answer/",
            {
                "is_partial": True,
                "released_text": "Part.",
                "refusal_ground": "private_life",
                "refusal_text": "Names withheld.",
                "fee_amount": "5.00",
                "fee_reason": "Copies",
            },
            format="json",
        )
        assert answered.status_code == 200, answered.content
        assert answered.json()["status"] == "partly_answered"
        published = client.post(
            f"{OFFICER}{ref}/publish/", {"released_text": "Part (redacted)."}, format="json"
        )
        assert published.json()["released_published_at"] is not None
        complaint = client.post(f"{OFFICER}{ref}/complaint/", {"stage": "head"}, format="json")
        assert complaint.status_code == 201
        decided = client.post(
            f"{OFFICER}{ref}/decide-complaint/",
            {"complaint": complaint.json()["id"], "outcome": "rejected", "outcome_text": "No."},
            format="json",
        )
        assert decided.status_code == 200
        assert decided.json()["outcome"] == "rejected"
        missing = client.post(
            f"{OFFICER}{ref}/decide-complaint/",
            {"complaint": 99999, "outcome": "rejected", "outcome_text": "No."},
            format="json",
        )
        assert missing.status_code == 400


def test_officers_register_paper_requests(world: World) -> None:
    body = {
        **BODY,
        "collectivity": world.a.code,
        "channel": "post",
        "received_at": "2026-03-02T16:00:00+01:00",
        "email": "",
    }
    with travel(local(2026, 3, 3, 10)):
        created = client_for(world.officer_a).post(OFFICER, body, format="json")
        assert created.status_code == 201, created.content
        assert created.json()["channel"] == "post"
        refused = client_for(world.officer_a).post(
            OFFICER, {**body, "collectivity": world.b.code}, format="json"
        )
        assert refused.status_code == 400
        online = client_for(world.officer_a).post(
            OFFICER, {**body, "channel": "online"}, format="json"
        )
        assert online.status_code == 400


# --- Permission matrix ---------------------------------------------------------------------------

#: persona -> expected status of: my list, officer list, officer start on A's request.
EXPECTED = {
    "anonymous": (403, 403, 403),
    "citizen": (200, 403, 403),
    "cso": (200, 403, 403),
    "admin_a": (200, 200, 200),
    "editor_a": (200, 403, 403),
    "moderator_a": (200, 403, 403),
    "officer_a": (200, 200, 200),
    "officer_b": (200, 200, 404),
    "coordinator": (200, 403, 403),
}


@pytest.mark.parametrize("name", PERSONAS)
def test_api_permission_matrix(world: World, name: str) -> None:
    request = file_request(world)
    client = client_for(persona(world, name))
    mine, officer, start = EXPECTED[name]
    assert client.get(MINE).status_code == mine
    assert client.get(OFFICER).status_code == officer
    assert client.post(f"{OFFICER}{request.reference}/start/").status_code == start
    request.refresh_from_db()
    assert (request.status == Status.IN_PROGRESS) == (start == 200)
    # Only the requester withdraws through the requesters' endpoint.
    assert client.post(f"{MINE}{request.reference}/withdraw/").status_code in (403, 404)


def test_the_schema_documents_the_private_endpoints() -> None:
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    paths = set(schema["paths"])
    assert {
        "/api/v1/information-requests/",
        "/api/v1/information-requests/{reference}/",
        "/api/v1/information-requests/{reference}/complaint/",
        "/api/v1/officer-requests/",
        "/api/v1/officer-requests/{reference}/answer/",
        "/api/v1/officer-requests/{reference}/decide-complaint/",
    } <= paths


def test_list_query_counts_do_not_grow(world: World) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(user: Any, address: str) -> int:
        client = client_for(user)
        with CaptureQueriesContext(connection) as context:
            assert client.get(address).status_code == 200
        return len(context.captured_queries)

    for _ in range(2):
        make_request(world.a, received_at=local(2026, 3, 2), requester=world.citizen)
    queries(world.officer_a, OFFICER)  # warm up (per-process caches)
    few = (queries(world.officer_a, OFFICER), queries(world.citizen, MINE))
    for day in range(3, 23):
        make_request(world.a, received_at=local(2026, 3, day), requester=world.citizen)
    assert (queries(world.officer_a, OFFICER), queries(world.citizen, MINE)) == few
