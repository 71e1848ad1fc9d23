"""Proposals at network scale for ``make bench`` (never used by the site itself).

:func:`generate` fills a benchmark database (SQLite or PostgreSQL) with published plans
in co-creation, ``proposals`` proposals spread over them, ``supports`` supports (one
per person and proposal, as the constraint requires) and one proposal with
``comments`` threaded comments, with bulk inserts and exact counters, then indexes
the proposals for search and bumps the public-content version. It returns the
addresses the benchmark measures.

Rows are written in bulk, without the services (which would take hours at this
scale): the counters are computed with one ``UPDATE`` each, and the search index is
rebuilt with :func:`infitah.library.search.rebuild`.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from infitah.core.cache import bump_content_version
from infitah.core.text import normalize_for_search
from infitah.library import search
from infitah.network.models import Network, Principle
from infitah.plans.models import ActionPlan
from infitah.proposals.models import Proposal, Support
from infitah.proposals.services import PROPOSAL_TYPE
from infitah.territories.models import Collectivity

__all__ = ["generate"]

#: Words the generated titles and texts are made of (Arabic, as most proposals are).
WORDS = tuple(
    "بوابة ميزانية شفافية مشاركة مواطنين جماعة معلومات رقمنة نشر تقارير لقاءات ساكنة "  # noqa: SIM905
    "شباب نساء الماء الطرق الصفقات العمومية مجلس دورات بث مباشر شكايات خدمات إدارة "
    "مساءلة نزاهة الولوج المعطيات المفتوحة جمعيات هيئة المساواة تكافؤ الفرص".split()
)


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def generate(
    *,
    proposals: int = 100_000,
    supports: int = 1_000_000,
    comments: int = 120,
    plans: int = 50,
    people: int = 20_000,
    seed: int = 2026,
    progress: Callable[[str], None] | None = None,
) -> dict[str, str]:
    """Write the benchmark's proposals; return ``{name: path}`` of the pages to measure.

    Needs the network and collectivities loaded (``load_reference_data``). Supports are
    ``supports`` distinct (proposal, person) pairs among ``people`` generated accounts,
    skewed so that some proposals have many (sorting by support count is realistic).

    Returns:
        ``{"proposal list": ..., "proposal list, most supported": ...,
        "proposal with comments": ..., "proposals API": ...}`` (paths under ``/ar/``
        and ``/api/v1/``).
    """
    say = progress or (lambda message: None)
    rng = random.Random(seed)  # noqa: S311 - sample data, not security
    network = Network.objects.order_by("pk").first()
    if network is None:
        raise RuntimeError("Load the network first (load_reference_data).")
    principles = list(Principle.objects.filter(network=network).order_by("order"))
    communes = list(
        Collectivity.objects.filter(kind=Collectivity.Kind.COMMUNE).order_by("code")[:plans]
    )
    User = get_user_model()  # noqa: N806 - a model class
    with transaction.atomic():
        plan_rows = [
            ActionPlan(
                collectivity=commune,
                slug=f"bench-plan-{index}",
                title_ar=f"برنامج عمل الانفتاح {index}",
                title_fr=f"Programme d'action d'ouverture {index}",
                start_month=datetime.date(2026, 1, 1),
                end_month=datetime.date(2027, 12, 1),
                state=ActionPlan.State.CO_CREATION,
                is_published=True,
            )
            for index, commune in enumerate(communes)
        ]
        ActionPlan.objects.bulk_create(plan_rows, batch_size=500)
        plan_rows = list(ActionPlan.objects.filter(slug__startswith="bench-plan-").order_by("pk"))
        User.objects.bulk_create(
            [
                User(email=f"bench-citizen-{index}@example.org", display_name=f"مواطن {index}")
                for index in range(people)
            ],
            batch_size=2000,
        )
        user_ids = list(
            User.objects.filter(email__startswith="bench-citizen-")
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        say(f"{len(plan_rows)} plans, {len(user_ids)} people")

        now = timezone.now()
        batch: list[Proposal] = []
        for index in range(proposals):
            plan = plan_rows[index % len(plan_rows)]
            title = f"{_text(rng, 5)} {index}"
            body = _text(rng, 80)
            batch.append(
                Proposal(
                    plan=plan,
                    collectivity_id=plan.collectivity_id,
                    slug=f"bench{index:07d}",
                    title=title,
                    body=body,
                    author_id=user_ids[index % len(user_ids)],
                    status=Proposal.Status.SUBMITTED,
                    status_changed_at=now,
                    search_text=normalize_for_search(f"{title} {body}"),
                )
            )
            if len(batch) >= 5000:
                Proposal.objects.bulk_create(batch)
                batch = []
        Proposal.objects.bulk_create(batch)
        proposal_ids = list(
            Proposal.objects.filter(slug__startswith="bench")
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        Proposal.objects.filter(pk__in=proposal_ids[::7]).update(created_at=now)
        through = Proposal.principles.through
        if principles:
            through.objects.bulk_create(
                [
                    through(proposal_id=pk, principle_id=principles[pk % len(principles)].pk)
                    for pk in proposal_ids
                ],
                batch_size=5000,
            )
        say(f"{len(proposal_ids)} proposals")

        # Supports: person p supports a run of proposals starting at a skewed offset.
        per_person = max(1, supports // len(user_ids))
        written = 0
        rows: list[Support] = []
        for number, user_id in enumerate(user_ids):
            start = int(len(proposal_ids) * (rng.random() ** 3))
            count = min(per_person, supports - written, len(proposal_ids))
            for offset in range(count):
                rows.append(
                    Support(
                        proposal_id=proposal_ids[(start + offset) % len(proposal_ids)],
                        user_id=user_id,
                    )
                )
            written += count
            if len(rows) >= 20_000 or number == len(user_ids) - 1:
                Support.objects.bulk_create(rows, batch_size=5000)
                rows = []
            if written >= supports:
                break
        counts = (
            Support.objects.filter(proposal_id=OuterRef("pk"))
            .order_by()
            .values("proposal_id")
            .annotate(n=Count("pk"))
            .values("n")
        )
        Proposal.objects.filter(slug__startswith="bench").update(
            support_count=Coalesce(Subquery(counts), 0)
        )
        say(f"{written} supports")

        commented = Proposal.objects.filter(slug__startswith="bench").order_by("-pk").first()
        assert commented is not None  # noqa: S101 - just written
        _comments(commented, user_ids, comments, rng)
        say(f"{comments} comments on {commented.slug}")
    counts_by_type = search.rebuild([PROPOSAL_TYPE], batch_size=2000)
    say(f"indexed {counts_by_type.get(PROPOSAL_TYPE, 0)} proposals")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    bump_content_version()
    return {
        "proposal list": "/ar/proposals/",
        "proposal list, most supported": "/ar/proposals/?sort=supported",
        "proposal with comments": f"/ar/proposals/{commented.slug}/",
        "proposals API": "/api/v1/proposals/",
    }


def _comments(proposal: Proposal, user_ids: list[int], total: int, rng: random.Random) -> None:
    """``total`` visible comments on ``proposal``: conversations of a comment and replies."""
    try:
        from infitah.comments.models import Comment
    except ImportError:  # pragma: no cover - the comments app is part of the platform
        return
    content_type = ContentType.objects.get_for_model(Proposal)
    common: dict[str, Any] = {
        "content_type": content_type,
        "object_id": proposal.pk,
        "collectivity_id": proposal.collectivity_id,
    }
    written = 0
    while written < total:
        body = _text(rng, 30)
        parent = Comment.objects.create(
            author_id=user_ids[written % len(user_ids)],
            body=body,
            body_search=normalize_for_search(body),
            **common,
        )
        written += 1
        replies = []
        for _reply in range(min(2, total - written)):
            text = _text(rng, 20)
            replies.append(
                Comment(
                    parent=parent,
                    depth=1,
                    author_id=user_ids[(written + 7) % len(user_ids)],
                    body=text,
                    body_search=normalize_for_search(text),
                    **common,
                )
            )
            written += 1
        Comment.objects.bulk_create(replies)
    Proposal.objects.filter(pk=proposal.pk).update(comment_count=written)
