"""Translated columns of plan models, then their history registration."""

import simple_history
from modeltranslation.translator import TranslationOptions, register

from infitah.plans.models import ActionPlan, CommitteeMember, FollowUpCommittee, Phase


@register(ActionPlan)
class ActionPlanTranslationOptions(TranslationOptions):
    fields = ("title", "summary")


@register(Phase)
class PhaseTranslationOptions(TranslationOptions):
    fields = ("title", "description")


@register(FollowUpCommittee)
class FollowUpCommitteeTranslationOptions(TranslationOptions):
    fields = ("name", "mandate")


for _model in (ActionPlan, Phase, FollowUpCommittee, CommitteeMember):
    simple_history.register(_model, app=__package__)
