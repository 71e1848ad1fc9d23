"""Factories of the proposals tests (rows written directly; services in the tests)."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from infitah.network.models import Principle
from infitah.proposals.models import Proposal, Support
from tests import factories


class PrincipleFactory(DjangoModelFactory):
    class Meta:
        model = Principle
        django_get_or_create = ("network", "code")

    network = factory.SubFactory(factories.NetworkFactory)
    code = factory.Sequence(lambda n: f"principle-{n}")
    name_ar = factory.Sequence(lambda n: f"مبدأ {n}")
    name_fr = factory.Sequence(lambda n: f"Principe {n}")
    order = factory.Sequence(lambda n: n)


class ProposalFactory(DjangoModelFactory):
    """An online proposal of a citizen to a published plan in co-creation."""

    class Meta:
        model = Proposal

    plan = factory.SubFactory(factories.ActionPlanFactory)
    collectivity = factory.LazyAttribute(lambda o: o.plan.collectivity)
    slug = factory.Sequence(lambda n: f"prop{n:06d}")
    title = factory.Sequence(lambda n: f"Proposition {n}")
    body = "Publier les budgets de la commune en données ouvertes."
    origin = Proposal.Origin.ONLINE
    author = factory.SubFactory(factories.UserFactory)
    search_text = factory.LazyAttribute(lambda o: f"{o.title} {o.body}".lower())


class SupportFactory(DjangoModelFactory):
    class Meta:
        model = Support

    proposal = factory.SubFactory(ProposalFactory)
    user = factory.SubFactory(factories.UserFactory)
