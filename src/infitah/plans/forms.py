"""Forms of the staff pages: plan, phase, committee, member, state change.

The forms validate what a browser sends (types, choices, required fields, model
checks); the services validate again and decide (permissions, preconditions). Their
errors are put back on the form with :func:`add_service_errors`, so a refused change
re-shows the form with the reason next to the field at fault.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from infitah.accounts.models import Organisation
from infitah.core.selectors import localized_fields
from infitah.plans.models import ActionPlan, CommitteeMember, FollowUpCommittee, Phase
from infitah.plans.services import TransitionOption

__all__ = [
    "CommitteeForm",
    "MemberForm",
    "PhaseForm",
    "PlanForm",
    "TransitionForm",
    "add_service_errors",
]

#: ``<input type="month">`` sends ``2023-10``; a plain text input may send a full date.
MONTH_INPUT_FORMATS = ["%Y-%m", "%Y-%m-%d", "%m/%Y"]


class MonthInput(forms.DateInput):
    """A month picker (``<input type="month">``), showing ``YYYY-MM``."""

    input_type = "month"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m")


class DayInput(forms.DateInput):
    """A date picker (``<input type="date">``), ISO ``YYYY-MM-DD``."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _language_names() -> dict[str, Any]:
    return {code: name for code, name in settings.LANGUAGES}


def _label_translations(form: forms.BaseForm, model: Any, *names: str) -> None:
    """Label ``title_ar`` "title (العربية)"... and mark each input with its language."""
    languages = _language_names()
    for name in names:
        verbose = model._meta.get_field(name).verbose_name
        for column in localized_fields(name):
            field = form.fields.get(column)
            if field is None:
                continue
            code = column.rsplit("_", 1)[1]
            field.label = format_lazy("{} ({})", verbose, languages.get(code, code))
            field.widget.attrs.update({"lang": code, "dir": "auto"})


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ``ValidationError`` on ``form`` (by field when it names one)."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            target = field if field in form.fields else None
            for message in messages:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def _month_field(field: forms.Field) -> None:
    assert isinstance(field, forms.DateField)  # noqa: S101 - form construction
    field.widget = MonthInput()
    field.input_formats = MONTH_INPUT_FORMATS
    field.help_text = _("Month and year.")


class PlanForm(forms.ModelForm):
    """A plan's titles, summary, period and planned adoption month (and reference on creation)."""

    class Meta:
        model = ActionPlan
        fields = [
            "slug",
            *localized_fields("title"),
            *localized_fields("summary"),
            "start_month",
            "end_month",
            "planned_adoption_month",
        ]

    def __init__(self, *args: Any, creating: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if creating:
            self.fields["slug"].required = False
            self.fields["slug"].help_text = _(
                "Stable public address of the plan. Leave empty to use the collectivity "
                "and the start year."
            )
            self.fields["slug"].widget.attrs["dir"] = "ltr"
        else:
            del self.fields["slug"]
        _label_translations(self, ActionPlan, "title", "summary")
        self.fields[localized_fields("title")[0]].help_text = _(
            "A title in at least one language is required."
        )
        for name in ("start_month", "end_month", "planned_adoption_month"):
            _month_field(self.fields[name])
        self.fields["planned_adoption_month"].help_text = _(
            "Month of the council session at which adoption is planned (e.g. the October session)."
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        titles = localized_fields("title")
        if not any(cleaned.get(name) for name in titles):
            self.add_error(titles[0], _("Give the plan's title in at least one language."))
        return cleaned


class PhaseForm(forms.ModelForm):
    """A phase of the timeline: kind, title, description, dates, order."""

    class Meta:
        model = Phase
        fields = [
            "kind",
            *localized_fields("title"),
            *localized_fields("description"),
            "starts_on",
            "ends_on",
            "dates_are_tentative",
            "order",
        ]
        widgets = {"starts_on": DayInput(), "ends_on": DayInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _label_translations(self, Phase, "title", "description")
        self.fields["ends_on"].help_text = _("Leave empty for a one-day or open-ended phase.")
        self.fields["order"].help_text = _("Orders phases that start on the same day.")


class CommitteeForm(forms.ModelForm):
    """The follow-up committee's name, mandate and establishment date."""

    class Meta:
        model = FollowUpCommittee
        fields = [*localized_fields("name"), *localized_fields("mandate"), "established_on"]
        widgets = {"established_on": DayInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _label_translations(self, FollowUpCommittee, "name", "mandate")


class MemberForm(forms.ModelForm):
    """A committee member. Names and roles on a committee are public; no contact here."""

    class Meta:
        model = CommitteeMember
        fields = [
            "person_name",
            "side",
            "gender",
            "role",
            "organisation",
            "organisation_name",
            "joined_on",
            "left_on",
        ]
        widgets = {"joined_on": DayInput(), "left_on": DayInput()}

    def __init__(self, *args: Any, plan: ActionPlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Organisations based in the plan's collectivity (its associations and
        # consultative bodies) or nowhere in particular; others by name.
        organisation = self.fields["organisation"]
        assert isinstance(organisation, forms.ModelChoiceField)  # noqa: S101
        organisation.queryset = Organisation.objects.filter(
            Q(collectivity_id=plan.collectivity_id) | Q(collectivity__isnull=True)
        ).order_by("name")
        organisation.help_text = _(
            "A registered association or consultative body of the collectivity; otherwise "
            "type its name below."
        )
        self.fields["person_name"].widget.attrs["dir"] = "auto"
        self.fields["organisation_name"].widget.attrs["dir"] = "auto"
        self.fields["left_on"].help_text = _(
            "When the member leaves the committee (they remain in its history)."
        )


class TransitionForm(forms.Form):
    """Move the plan to one of the states open to the user, with a reason."""

    to_state = forms.ChoiceField(label=_("New state"), widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
        help_text=_(
            "Shown on the public timeline. Required when going back, and for adoption "
            "(the council session and deliberation)."
        ),
    )
    adopted_on = forms.DateField(
        label=_("Date of adoption by the council"),
        required=False,
        widget=DayInput(),
        help_text=_("Only when the plan is adopted."),
    )

    def __init__(self, *args: Any, options: list[TransitionOption], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        to_state = self.fields["to_state"]
        assert isinstance(to_state, forms.ChoiceField)  # noqa: S101
        to_state.choices = [(o.to_state, o.label) for o in options if o.is_available]
