"""Forms of the proposals pages: propose, edit, enter (staff), answer, hide.

The forms check what a browser sends (lengths, choices); the services check again
and decide (permissions, the plan's stage, the proposal's status). Their errors are
put back on the form with :func:`add_service_errors`.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from infitah.accounts.models import Organisation
from infitah.meetings.models import BreakoutGroup, Meeting
from infitah.network.models import Principle
from infitah.proposals.models import BODY_MAX_LENGTH, TITLE_MAX_LENGTH, Proposal
from infitah.proposals.services import ANSWER_STATUSES

__all__ = [
    "AnswerForm",
    "EntryForm",
    "HideForm",
    "ProposalForm",
    "add_service_errors",
]


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ``ValidationError`` on ``form`` (by field when it names one)."""
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            target = name if name in form.fields else None
            for message in messages:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


class PrincipleChoiceField(forms.ModelMultipleChoiceField):
    """The network's principles as checkboxes, labelled in the active language."""

    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


def _principles_field() -> PrincipleChoiceField:
    return PrincipleChoiceField(
        label=_("Principles"),
        queryset=Principle.objects.order_by("network_id", "order", "pk"),
        required=False,
        help_text=_("The openness principles the proposal serves."),
    )


class ProposalForm(forms.Form):
    """A proposal's title, text and principles (and, online, whom it is made for)."""

    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_MAX_LENGTH,
        widget=forms.TextInput(attrs={"dir": "auto", "autocomplete": "off"}),
        help_text=_("In a few words: what should the collectivity do?"),
    )
    body = forms.CharField(
        label=_("Your proposal"),
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"dir": "auto", "rows": 10}),
        help_text=_(
            "What problem does it address, what would change, who would benefit? "
            "Do not write personal information about anyone."
        ),
    )

    def __init__(
        self,
        *args: Any,
        organisations: QuerySet[Organisation] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["principles"] = _principles_field()
        if organisations is not None and organisations.exists():
            self.fields["organisation"] = forms.ModelChoiceField(
                label=_("On behalf of"),
                queryset=organisations,
                required=False,
                empty_label=_("myself"),
                help_text=_("An organisation you represent (its name is shown as the author)."),
            )


class EntryForm(ProposalForm):
    """Staff entry of a proposal from a workshop group or a paper form."""

    origin = forms.ChoiceField(
        label=_("Where the proposal comes from"),
        choices=[
            (Proposal.Origin.WORKSHOP, _("a co-creation workshop")),
            (Proposal.Origin.PAPER, _("a paper form")),
        ],
        widget=forms.RadioSelect,
    )
    meeting: forms.ModelChoiceField[Meeting] = forms.ModelChoiceField(
        label=_("Meeting"),
        queryset=Meeting.objects.none(),
        required=False,
        help_text=_("Required for a workshop proposal; optional for a paper form."),
    )
    breakout_group: forms.ModelChoiceField[BreakoutGroup] = forms.ModelChoiceField(
        label=_("Workshop group"),
        queryset=BreakoutGroup.objects.none(),
        required=False,
    )
    contributor_name = forms.CharField(
        label=_("Contributed by"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"dir": "auto"}),
        help_text=_(
            "The group, organisation or person to credit publicly. Leave empty for an "
            "anonymous contribution."
        ),
    )

    field_order = ["origin", "meeting", "breakout_group", "contributor_name", "title", "body"]

    def __init__(self, *args: Any, meetings: QuerySet[Meeting], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        meeting_field = self.fields["meeting"]
        group_field = self.fields["breakout_group"]
        assert isinstance(meeting_field, forms.ModelChoiceField)  # noqa: S101
        assert isinstance(group_field, forms.ModelChoiceField)  # noqa: S101
        meeting_field.queryset = meetings
        group_field.queryset = (
            BreakoutGroup.objects.filter(agenda_item__meeting__in=meetings)
            .select_related("agenda_item__meeting")
            .order_by("agenda_item__meeting__starts_at", "agenda_item__start_time", "order", "pk")
        )
        group_field.label_from_instance = _group_label  # type: ignore[method-assign,assignment]


def _group_label(group: Any) -> str:
    return f"{group.agenda_item.meeting} — {group}"


class AnswerForm(forms.Form):
    """The collectivity's status and public answer."""

    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (value, label) for value, label in Proposal.Status.choices if value in ANSWER_STATUSES
        ],
        widget=forms.RadioSelect,
    )
    answer = forms.CharField(
        label=_("Public answer"),
        required=False,
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"dir": "auto", "rows": 8}),
        help_text=_(
            "Shown on the proposal's page. Required when the proposal is not retained: say why."
        ),
    )


class HideForm(forms.Form):
    """Hiding a proposal: the reason is required (shown to staff and to the author)."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"dir": "auto", "rows": 4}),
        help_text=_("For example: personal data, insults, advertising, off-topic."),
    )
