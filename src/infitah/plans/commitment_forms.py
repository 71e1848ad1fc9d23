"""Staff forms of commitments, milestones, progress updates and council adoption.

As in :mod:`infitah.plans.forms`: the forms check types and choices; the services in
:mod:`infitah.plans.commitments` decide, and their errors come back on the form.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from infitah.accounts.models import Organisation
from infitah.core.selectors import localized_fields
from infitah.network.models import Principle
from infitah.plans.forms import DayInput, _label_translations, _month_field
from infitah.plans.models import ActionPlan, Commitment, CouncilAdoption, Milestone
from infitah.proposals.models import Proposal

__all__ = ["AdoptionForm", "CommitmentForm", "MilestoneForm", "MilestoneStatusForm", "ProgressForm"]


class CommitmentForm(forms.ModelForm):
    """A commitment's template fields, principles, OGP values, partners and proposals."""

    ogp_values = forms.MultipleChoiceField(
        label=_("OGP values"),
        choices=Commitment.OgpValue.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Commitment
        fields = [
            *localized_fields("title"),
            *localized_fields("problem"),
            *localized_fields("status_quo"),
            *localized_fields("action"),
            *localized_fields("how_it_helps"),
            *localized_fields("long_term_goal"),
            "principles",
            "ogp_values",
            "lead_department",
            "other_government_actors",
            "cso_partners",
            "start_month",
            "end_month",
            "budget_mad",
            "funding_source",
            "proposals",
            "order",
        ]
        widgets = {"principles": forms.CheckboxSelectMultiple}

    def __init__(self, *args: Any, plan: ActionPlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _label_translations(
            self,
            Commitment,
            "title",
            "problem",
            "status_quo",
            "action",
            "how_it_helps",
            "long_term_goal",
        )
        self.fields["principles"].queryset = Principle.objects.order_by("network", "order", "pk")  # type: ignore[attr-defined]
        self.fields["cso_partners"].queryset = Organisation.objects.order_by("name")  # type: ignore[attr-defined]
        self.fields["proposals"].queryset = Proposal.objects.filter(  # type: ignore[attr-defined]
            plan=plan, status=Proposal.Status.ACCEPTED
        ).order_by("pk")
        for name in ("start_month", "end_month"):
            _month_field(self.fields[name])
            self.fields[name].required = False

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        titles = localized_fields("title")
        if not any(cleaned.get(name) for name in titles):
            self.add_error(titles[0], _("Give the commitment's title in at least one language."))
        return cleaned


class MilestoneForm(forms.ModelForm):
    """A milestone's definition: title, expected output, due date, weight, unit, order."""

    class Meta:
        model = Milestone
        fields = [
            *localized_fields("title"),
            "expected_output",
            "due_on",
            "weight",
            "responsible_unit",
            "order",
        ]
        widgets = {"due_on": DayInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _label_translations(self, Milestone, "title")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        titles = localized_fields("title")
        if not any(cleaned.get(name) for name in titles):
            self.add_error(titles[0], _("Give the milestone's title in at least one language."))
        return cleaned


class MilestoneStatusForm(forms.Form):
    """A milestone's status, its completion date, and optionally an evidence link."""

    status = forms.ChoiceField(label=_("Status"), choices=Milestone.Status.choices)
    completed_on = forms.DateField(
        label=_("Completed on"),
        required=False,
        widget=DayInput(),
        help_text=_("For a completed milestone; default today."),
    )
    evidence_title = forms.CharField(label=_("Evidence (title)"), max_length=250, required=False)
    evidence_url = forms.URLField(
        label=_("Evidence (link)"), max_length=500, required=False, assume_scheme="https"
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("evidence_url") and not cleaned.get("evidence_title"):
            self.add_error("evidence_title", _("Give the evidence a title."))
        return cleaned


class ProgressForm(forms.Form):
    """A public progress update: text and the resulting milestone changes."""

    text = forms.CharField(label=_("Text"), widget=forms.Textarea)
    milestone_changes = forms.CharField(
        label=_("Resulting milestone changes"), widget=forms.Textarea, required=False
    )


class AdoptionForm(forms.ModelForm):
    """The council's session, date, deliberation, vote and adopted document."""

    document_url = forms.URLField(
        label=_("Adopted document (link)"), max_length=500, required=False, assume_scheme="https"
    )

    class Meta:
        model = CouncilAdoption
        fields = [
            "session_kind",
            "session_month",
            "adopted_on",
            "deliberation_number",
            "votes_for",
            "votes_against",
            "abstentions",
            "document_url",
            "note",
        ]
        widgets = {"adopted_on": DayInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _month_field(self.fields["session_month"])
