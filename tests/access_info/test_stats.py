"""Statistics of information requests on a small fixed dataset (literal expected values)."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from infitah.access_info.models import Complaint, InformationRequest
from infitah.access_info.selectors import (
    collectivity_access_info_score_inputs,
    percentile,
    request_statistics,
)
from infitah.territories.models import Collectivity
from tests import factories
from tests.access_info.factories_public import (
    ComplaintFactory,
    DisclosureCategoryFactory,
    DisclosureItemFactory,
    InformationRequestFactory,
    decided,
    local,
    uncached,  # noqa: F401 - fixture
)
from tests.sample_map import count_queries

pytestmark = pytest.mark.django_db

Status = InformationRequest.Status
Ground = InformationRequest.RefusalGround
Channel = InformationRequest.Channel


def _dataset(commune_a: Collectivity, commune_b: Collectivity) -> None:
    """Commune A: 10 decided requests (1..10 working days, 7 on time), 2 open; B: 1 in 2025."""
    statuses = [Status.ANSWERED] * 6 + [
        Status.PARTLY_ANSWERED,
        Status.REFUSED,
        Status.REFUSED,
        Status.TRANSFERRED,
    ]
    grounds = {8: Ground.PRIVATE_LIFE, 9: Ground.DELIBERATIONS}
    for days in range(1, 11):
        month, day = (1, 5 + days) if days <= 4 else (3, days)
        request = decided(
            collectivity=commune_a,
            received_at=local(2026, month, day),
            status=statuses[days - 1],
            refusal_ground=grounds.get(days, ""),
            working_days_taken=days,
            answered_on_time=days <= 7,
            channel=Channel.EMAIL if days <= 3 else Channel.ONLINE,
        )
        if days == 8:
            ComplaintFactory(request=request, stage=Complaint.Stage.HEAD, outcome="rejected")
            ComplaintFactory(request=request, stage=Complaint.Stage.CDAI, outcome="upheld")
        if days == 9:
            ComplaintFactory(request=request, stage=Complaint.Stage.HEAD)
    InformationRequestFactory(
        collectivity=commune_a, received_at=local(2026, 4, 1), is_urgent=True, channel=Channel.PAPER
    )
    # Not in the register: still counted (the statistics are anonymous).
    InformationRequestFactory(
        collectivity=commune_a, received_at=local(2026, 4, 2), is_in_register=False
    )
    decided(
        collectivity=commune_b,
        received_at=local(2025, 6, 10),
        working_days_taken=30,
        answered_on_time=False,
    )


def _counts(bars: list) -> dict[str, int]:
    return {bar.code: bar.count for bar in bars if bar.count}


# -------------------------------------------------------------------- percentiles
@pytest.mark.parametrize(
    ("histogram", "fraction", "expected"),
    [
        ([], "0.5", None),
        ([(7, 1)], "0.5", "7.0"),
        ([(7, 1)], "0.9", "7.0"),
        ([(1, 1), (2, 1), (3, 1), (4, 1)], "0.5", "2.5"),
        ([(1, 1), (2, 1), (3, 1), (4, 1), (5, 1)], "0.5", "3.0"),
        ([(d, 1) for d in range(1, 11)], "0.5", "5.5"),
        ([(d, 1) for d in range(1, 11)], "0.9", "9.1"),
        ([(2, 3), (20, 1)], "0.5", "2.0"),
        ([(2, 3), (20, 1)], "0.9", "14.6"),
        ([(20, 1), (2, 3), (5, 0)], "0.9", "14.6"),  # any order, zero counts ignored
    ],
)
def test_percentile_from_a_histogram(
    histogram: list[tuple[int, int]], fraction: str, expected: str | None
) -> None:
    result = percentile(histogram, Decimal(fraction))
    assert result == (Decimal(expected) if expected is not None else None)


# --------------------------------------------------------------------- figures
def test_collectivity_statistics(commune_a: Collectivity, commune_b: Collectivity) -> None:
    _dataset(commune_a, commune_b)
    stats = request_statistics(commune_a.pk)

    assert stats.total == 12
    assert stats.years == [2026]
    assert [(bar.code, bar.count) for bar in stats.months] == [
        ("2026-01", 4),
        ("2026-02", 0),
        ("2026-03", 6),
        ("2026-04", 2),
    ]
    assert _counts(stats.by_status) == {
        "received": 2,
        "answered": 6,
        "partly_answered": 1,
        "refused": 2,
        "transferred": 1,
    }
    assert _counts(stats.by_urgency) == {"ordinary": 11, "urgent": 1}
    assert _counts(stats.by_channel) == {"email": 3, "online": 8, "paper": 1}
    assert _counts(stats.refusals) == {"private_life": 1, "deliberations": 1}
    assert stats.refused_total == 2
    assert stats.timed == 10
    assert stats.median_days == Decimal("5.5")
    assert stats.p90_days == Decimal("9.1")
    assert (stats.on_time, stats.on_time_known, stats.on_time_percent) == (7, 10, Decimal("70.0"))
    assert _counts(stats.days) == {"0-3": 3, "4-10": 7}
    assert stats.complaint_total == 3
    assert _counts(stats.complaints_by_stage) == {"head": 2, "cdai": 1}
    matrix = {label: counts for label, counts, _total in stats.complaint_matrix}
    outcomes = stats.complaint_outcomes
    head = dict(zip(outcomes, matrix[str(Complaint.Stage.HEAD.label)], strict=True))
    assert head == {"pending": 1, "upheld": 0, "partly_upheld": 0, "rejected": 1, "withdrawn": 0}
    status_shares = {bar.code: bar.share for bar in stats.by_status}
    assert status_shares["answered"] == Decimal("50.0")
    assert {bar.code: bar.width for bar in stats.by_status}["answered"] == "100.0"


def test_network_statistics_and_year_filter(
    commune_a: Collectivity, commune_b: Collectivity
) -> None:
    _dataset(commune_a, commune_b)
    network = request_statistics()
    assert network.total == 13
    assert network.years == [2026, 2025]
    assert network.median_days == Decimal("6.0")  # 1..10 and 30
    assert network.p90_days == Decimal("10.0")
    assert (network.on_time, network.on_time_known) == (7, 11)
    assert network.on_time_percent == Decimal("63.6")

    last_year = request_statistics(year=2025)
    assert last_year.total == 1
    assert last_year.median_days == Decimal("30.0")
    assert last_year.on_time_percent == Decimal("0.0")
    assert last_year.complaint_total == 0
    assert request_statistics(commune_b.pk, year=2026).total == 0


def test_months_follow_local_time() -> None:
    # 00:30 on 1 February in Casablanca is still 31 January in UTC.
    InformationRequestFactory(received_at=local(2026, 2, 1, 0, 30))
    assert [(bar.code, bar.count) for bar in request_statistics().months] == [("2026-02", 1)]


def test_empty_statistics() -> None:
    stats = request_statistics()
    assert stats.total == 0
    assert stats.months == []
    assert stats.median_days is None and stats.p90_days is None
    assert stats.on_time_percent is None


@pytest.mark.django_db(transaction=True)
def test_statistics_are_grouped_queries_cached_by_content_version() -> None:
    commune = factories.CommuneFactory()
    decided(collectivity=commune)
    with CaptureQueriesContext(connection) as ctx:
        request_statistics(commune.pk)
    grouped = [q["sql"] for q in ctx.captured_queries if "GROUP BY" in q["sql"]]
    assert len(grouped) == 3  # requests, answer times, complaints
    with CaptureQueriesContext(connection) as ctx:
        again = request_statistics(commune.pk)
    assert len(ctx.captured_queries) == 1  # the content version only
    assert again.total == 1
    decided(collectivity=commune)  # a change bumps the version: fresh figures
    assert request_statistics(commune.pk).total == 2


# ------------------------------------------------------------------------ pages
def test_statistics_pages_show_the_figures(
    commune_a: Collectivity, commune_b: Collectivity
) -> None:
    _dataset(commune_a, commune_b)
    client = Client()
    html = client.get(f"/en/information/statistics/{commune_a.slug}/").content.decode()
    assert re.search(r'stat__value">5\.5<', html)
    assert re.search(r'stat__value">9\.1<', html)
    assert re.search(r'stat__value">70\.0%<', html)
    assert "Private life of individuals" in html
    assert '<rect width="100.0" height="10">' in html  # the longest bar
    assert 'viewBox="0 0 40 100"' in html  # four months
    assert " style=" not in html and "<script" not in html
    french = client.get(f"/fr/information/statistics/{commune_a.slug}/").content.decode()
    assert re.search(r'stat__value">5,5<', french)
    network = client.get("/en/information/statistics/?year=2025").content.decode()
    assert re.search(r'stat__value">1<', network)
    assert 'aria-current="page">2025<' in network
    assert client.get("/en/information/statistics/?year=abc").status_code == 200
    assert client.get("/en/information/statistics/no-such-place/").status_code == 404
    assert client.get("/ar/information/statistics/").status_code == 200


def test_statistics_page_query_count_does_not_grow(uncached: None) -> None:  # noqa: F811
    commune = factories.CommuneFactory()
    decided(collectivity=commune)
    InformationRequestFactory(collectivity=commune)
    client = Client()
    url = f"/en/information/statistics/{commune.slug}/"
    few = count_queries(client, url)
    for day in range(1, 29):
        decided(collectivity=commune, received_at=local(2026, 2, day), working_days_taken=day)
    assert count_queries(client, url) == few
    assert count_queries(client, "/en/information/statistics/") <= few


# -------------------------------------------------------------------- scorecard
def test_score_inputs(commune_a: Collectivity, commune_b: Collectivity) -> None:
    _dataset(commune_a, commune_b)
    budget = DisclosureCategoryFactory(code="budget", update_every_months=12)
    DisclosureCategoryFactory(code="tenders", update_every_months=3)
    DisclosureItemFactory(
        collectivity=commune_a, category=budget, published_on=datetime.date(2026, 1, 10)
    )
    with time_machine.travel(local(2026, 6, 1), tick=False):
        inputs = collectivity_access_info_score_inputs(commune_a, 2026)
        past = collectivity_access_info_score_inputs(commune_a, 2025)
    assert inputs == {
        "year": 2026,
        "requests_received": 12,
        "requests_decided": 10,
        "answered_on_time": 7,
        "on_time_percent": Decimal("70.0"),
        "median_days": Decimal("5.5"),
        "p90_days": Decimal("9.1"),
        "disclosure_as_of": datetime.date(2026, 6, 1),
        "disclosure_active_categories": 2,
        "disclosure_covered_categories": 1,
        "disclosure_overdue_categories": 0,
        "disclosure_coverage_percent": 50,
    }
    assert past["requests_received"] == 0
    assert past["disclosure_as_of"] == datetime.date(2025, 12, 31)
    assert past["disclosure_covered_categories"] == 0  # published in 2026
