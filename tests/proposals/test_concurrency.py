"""Supports are exact under concurrency: the unique constraint decides, the counter follows.

Each thread has its own database connection and acts at the same moment (a barrier).
Threads cannot share an in-memory SQLite database, so these run on PostgreSQL (and on
a file SQLite database, which the suite does not use by default).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections

from infitah.accounts.models import User
from infitah.proposals import services
from infitah.proposals.models import Proposal, Support
from tests import factories

THREADS = 20


def _skip_on_memory_sqlite() -> None:
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("threads cannot share an in-memory SQLite database; run on PostgreSQL")


def _at_once(proposal_id: int, user_ids: list[int], act: Callable[..., bool]) -> list[str]:
    barrier = threading.Barrier(len(user_ids))
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(user_id: int) -> None:
        try:
            user = User.objects.get(pk=user_id)
            proposal = Proposal.objects.select_related("plan").get(pk=proposal_id)
            barrier.wait(timeout=30)
            outcome = str(act(proposal=proposal, user=user))
        except Exception as error:  # noqa: BLE001 - reported to the test
            outcome = f"error: {type(error).__name__}: {error}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(uid,)) for uid in user_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def _proposal() -> Proposal:
    plan = factories.ActionPlanFactory()
    return services.proposal_submit(
        plan=plan, author=factories.UserFactory(), title="مقترح", body="نص"
    )


@pytest.mark.django_db(transaction=True)
def test_one_person_clicking_twenty_times_supports_once() -> None:
    _skip_on_memory_sqlite()
    proposal = _proposal()
    user = factories.UserFactory(email="clicker@example.org")
    outcomes = _at_once(proposal.pk, [user.pk] * THREADS, services.proposal_support)
    assert sorted(outcomes) == ["False"] * (THREADS - 1) + ["True"], outcomes
    assert Support.objects.filter(proposal=proposal).count() == 1
    assert Proposal.objects.get(pk=proposal.pk).support_count == 1


@pytest.mark.django_db(transaction=True)
def test_twenty_people_at_once_give_twenty_supports() -> None:
    _skip_on_memory_sqlite()
    proposal = _proposal()
    users = [factories.UserFactory(email=f"supporter{i}@example.org") for i in range(THREADS)]
    outcomes = _at_once(proposal.pk, [u.pk for u in users], services.proposal_support)
    assert outcomes == ["True"] * THREADS, outcomes
    assert Support.objects.filter(proposal=proposal).count() == THREADS
    assert Proposal.objects.get(pk=proposal.pk).support_count == THREADS


@pytest.mark.django_db(transaction=True)
def test_concurrent_withdrawals_keep_the_counter_equal_to_the_rows() -> None:
    _skip_on_memory_sqlite()
    proposal = _proposal()
    users = [factories.UserFactory(email=f"withdrawer{i}@example.org") for i in range(10)]
    for user in users:
        services.proposal_support(proposal=proposal, user=user)
    # Each of 10 people withdraws twice at once, while 10 others support.
    newcomers = [factories.UserFactory(email=f"newcomer{i}@example.org") for i in range(10)]

    def act(*, proposal: Proposal, user: User) -> bool:
        if user.email.startswith("newcomer"):
            return services.proposal_support(proposal=proposal, user=user)
        return services.proposal_unsupport(proposal=proposal, user=user)

    ids = [u.pk for u in users] * 2 + [u.pk for u in newcomers]
    outcomes = _at_once(proposal.pk, ids, act)
    assert outcomes.count("True") == 20 and outcomes.count("False") == 10, outcomes
    rows = Support.objects.filter(proposal=proposal).count()
    assert rows == 10
    assert Proposal.objects.get(pk=proposal.pk).support_count == rows
