"""Translated columns of plan models, then their history registration."""

import simple_history
from modeltranslation.translator import TranslationOptions, register

from infitah.plans.models import (
    ActionPlan,
    Commitment,
    CommitteeMember,
    CouncilAdoption,
    FollowUpCommittee,
    Milestone,
    MilestoneEvidence,
    Phase,
    ProgressUpdate,
)


@register(ActionPlan)
class ActionPlanTranslationOptions(TranslationOptions):
    fields = ("title", "summary")


@register(Phase)
class PhaseTranslationOptions(TranslationOptions):
    fields = ("title", "description")


@register(FollowUpCommittee)
class FollowUpCommitteeTranslationOptions(TranslationOptions):
    fields = ("name", "mandate")


@register(Commitment)
class CommitmentTranslationOptions(TranslationOptions):
    fields = ("title", "problem", "status_quo", "action", "how_it_helps", "long_term_goal")


@register(Milestone)
class MilestoneTranslationOptions(TranslationOptions):
    fields = ("title",)


for _model in (
    ActionPlan,
    Phase,
    FollowUpCommittee,
    CommitteeMember,
    Commitment,
    Milestone,
    MilestoneEvidence,
    ProgressUpdate,
    CouncilAdoption,
):
    simple_history.register(_model, app=__package__)
