from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    """Openness action plans: process state, phases, transitions, follow-up committee."""

    name = "infitah.plans"
    label = "plans"
    verbose_name = _("Action plans")

    def ready(self) -> None:
        from infitah.core.cache import track_public_model
        from infitah.plans import models

        for model in (
            models.ActionPlan,
            models.PlanTransition,
            models.Phase,
            models.FollowUpCommittee,
            models.CommitteeMember,
            models.Commitment,
            models.Milestone,
            models.MilestoneEvidence,
            models.ProgressUpdate,
            models.CouncilAdoption,
        ):
            track_public_model(model)
