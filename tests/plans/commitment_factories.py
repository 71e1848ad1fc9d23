"""Factories of commitments and milestones for the plans tests."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from infitah.plans.models import Commitment, Milestone


class CommitmentFactory(DjangoModelFactory):
    class Meta:
        model = Commitment

    reference = factory.Sequence(lambda n: f"TEST-2024-{n + 1:02d}")
    title_fr = factory.Sequence(lambda n: f"Engagement {n}")
    title_ar = factory.Sequence(lambda n: f"التزام {n}")
    is_published = True


class MilestoneFactory(DjangoModelFactory):
    class Meta:
        model = Milestone

    commitment = factory.SubFactory(CommitmentFactory)
    title_fr = factory.Sequence(lambda n: f"Jalon {n}")
    weight = 10
