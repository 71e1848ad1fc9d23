"""Forms of the staff pages and the registration box.

Datetimes are typed as wall-clock time of ``settings.TIME_ZONE`` (Africa/Casablanca):
Django's ``DateTimeField`` reads naive input in the current time zone, which is that
zone unless a view activates another, and shows stored values converted back to it.
Translated fields appear once per language (``title_ar``, ``title_fr``, ``title_en``);
at least one title is required.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.forms.models import fields_for_model
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

from infitah.accounts.models import Organisation
from infitah.meetings.models import (
    AgendaItem,
    Attendance,
    BreakoutGroup,
    Meeting,
    MeetingDocument,
    Registration,
)
from infitah.meetings.services import DOCUMENT_EXTENSIONS, MAX_DOCUMENT_BYTES
from infitah.plans.models import ActionPlan
from infitah.territories.models import Collectivity

__all__ = [
    "AgendaItemForm",
    "AttendanceForm",
    "BreakoutGroupForm",
    "CancelMeetingForm",
    "DocumentForm",
    "MeetingForm",
    "MinutesForm",
    "RegisterForm",
]

LANGUAGES = list(settings.LANGUAGES)
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
#: Value of the organiser field for a meeting of the network itself.
NETWORK_ORGANISER = "network"
#: Most participating collectivities one form accepts.
MAX_PARTICIPANTS = 300


def _formfield(db_field: Any, **kwargs: Any) -> Any:
    """The model field's form field; a link typed without a scheme is taken as https."""
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class DateTimeLocalInput(forms.DateTimeInput):
    """``<input type="datetime-local">`` showing the value in the current time zone."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=DATETIME_FORMAT)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%H:%M")


def _translated_fields(model: type[Any], name: str, *, textarea: bool = False) -> dict[str, Any]:
    """One optional form field per language for ``model.name``, labelled with the language."""
    names = [build_localized_fieldname(name, code) for code, _label in LANGUAGES]
    generated = fields_for_model(model, formfield_callback=_formfield, fields=names)
    fields: dict[str, Any] = {}
    for (code, language), field_name in zip(LANGUAGES, names, strict=True):
        field = generated[field_name]
        field.required = False
        field.label = format_lazy(
            "{name} ({language})",
            name=model._meta.get_field(name).verbose_name.capitalize(),
            language=language,
        )
        attrs = {"dir": "rtl" if code in settings.LANGUAGES_BIDI else "ltr", "lang": code}
        if textarea:
            field.widget = forms.Textarea(attrs={**attrs, "rows": 4})
        else:
            field.widget.attrs.update(attrs)
        fields[field_name] = field
    return fields


def _require_one(form: forms.Form, name: str, model: type[Any]) -> None:
    """Add an error when every language of translated field ``name`` is empty."""
    names = [build_localized_fieldname(name, code) for code, _label in LANGUAGES]
    if not any(form.cleaned_data.get(n) for n in names):
        form.add_error(
            names[0],
            _("Give the %(field)s in at least one language.")
            % {"field": model._meta.get_field(name).verbose_name},
        )


class ServiceErrorsMixin:
    """Show a service's ``ValidationError`` on the form's fields (or the whole form)."""

    def add_service_errors(self, error: Any) -> None:
        form: forms.Form = self  # type: ignore[assignment]
        if hasattr(error, "error_dict"):
            for field_name, messages in error.message_dict.items():
                target = field_name if field_name in form.fields else None
                if target is None:
                    # "title" -> the first language's field, when the form has it.
                    localized = build_localized_fieldname(field_name, LANGUAGES[0][0])
                    target = localized if localized in form.fields else None
                for message in messages:
                    form.add_error(target, message)
        else:
            for message in error.messages:
                form.add_error(None, message)


# --- Meetings --------------------------------------------------------------------------


class MeetingForm(ServiceErrorsMixin, forms.Form):
    """A meeting's fields, for creating one (with the organiser) or changing it.

    Args:
        organisers: ``[(value, label)]`` of the organisers the user may choose
            (collectivity primary keys as text, :data:`NETWORK_ORGANISER` for the
            network); ``None`` when changing a meeting (the organiser is fixed).
        plans: the action plans offered (of the organisers).
    """

    def __init__(
        self,
        *args: Any,
        organisers: list[tuple[str, str]] | None = None,
        plans: Any = None,
        organisations: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if organisers is not None:
            self.fields["organiser"] = forms.ChoiceField(
                label=_("Organised by"), choices=[("", "---------"), *organisers]
            )
        base = fields_for_model(
            Meeting,
            formfield_callback=_formfield,
            fields=[
                "kind",
                "format",
                "online_url",
                "starts_at",
                "ends_at",
                "registration_enabled",
                "registration_opens_at",
                "registration_closes_at",
                "capacity",
                "waiting_list_enabled",
            ],
        )
        self.fields["kind"] = base["kind"]
        self.fields["plan"] = forms.ModelChoiceField(
            label=_("Action plan"),
            queryset=plans if plans is not None else ActionPlan.objects.none(),
            required=False,
        )
        self.fields.update(_translated_fields(Meeting, "title"))
        self.fields.update(_translated_fields(Meeting, "description", textarea=True))
        self.fields["format"] = base["format"]
        self.fields.update(_translated_fields(Meeting, "venue_name"))
        self.fields.update(_translated_fields(Meeting, "address"))
        self.fields.update(_translated_fields(Meeting, "city"))
        self.fields["online_url"] = base["online_url"]
        for name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
            field = base[name]
            field.widget = DateTimeLocalInput()
            field.help_text = _("Local time (Morocco).")
            self.fields[name] = field
        for name in ("registration_enabled", "capacity", "waiting_list_enabled"):
            self.fields[name] = base[name]
        self.fields["participating_collectivities"] = forms.CharField(
            label=_("Participating collectivities"),
            required=False,
            widget=forms.Textarea(attrs={"rows": 2, "dir": "ltr"}),
            help_text=_("Official codes or slugs, separated by commas or spaces."),
        )
        self.fields["participating_organisations"] = forms.ModelMultipleChoiceField(
            label=_("Participating organisations and consultative bodies"),
            queryset=organisations
            if organisations is not None
            else Organisation.objects.order_by("name"),
            required=False,
        )

    def clean_participating_collectivities(self) -> list[Collectivity]:
        raw = self.cleaned_data.get("participating_collectivities") or ""
        values = [v for v in re.split(r"[\s,;]+", raw.strip()) if v]
        if len(values) > MAX_PARTICIPANTS:
            raise forms.ValidationError(
                _("At most %(max)d collectivities."), params={"max": MAX_PARTICIPANTS}
            )
        if not values:
            return []
        found = list(Collectivity.objects.filter(Q(code__in=values) | Q(slug__in=values)))
        known = {c.code for c in found} | {c.slug for c in found}
        unknown = [v for v in values if v not in known]
        if unknown:
            raise forms.ValidationError(
                _("Unknown collectivities: %(values)s."), params={"values": ", ".join(unknown)}
            )
        return found

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        _require_one(self, "title", Meeting)
        return cleaned

    def meeting_data(self) -> dict[str, Any]:
        """The cleaned values the meeting services take (:data:`services.MEETING_FIELDS`)."""
        from infitah.meetings.services import MEETING_FIELDS

        return {name: self.cleaned_data.get(name) for name in MEETING_FIELDS}

    @staticmethod
    def initial_for(meeting: Meeting) -> dict[str, Any]:
        """The form's initial values for an existing meeting."""
        from infitah.meetings.services import MEETING_FIELDS

        initial = {name: getattr(meeting, name) for name in MEETING_FIELDS}
        initial["participating_collectivities"] = " ".join(
            c.code for c in meeting.participating_collectivities.all()
        )
        initial["participating_organisations"] = list(meeting.participating_organisations.all())
        return initial


class CancelMeetingForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for cancellation"),
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
        max_length=2000,
        help_text=_("Shown on the meeting's page and sent to everyone registered."),
    )


class MinutesForm(forms.Form):
    """The minutes' text in each language."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields = _translated_fields(Meeting, "minutes", textarea=True)
        for field in fields.values():
            field.widget.attrs["rows"] = 12
        self.fields.update(fields)


# --- Agenda ----------------------------------------------------------------------------


class AgendaItemForm(ServiceErrorsMixin, forms.Form):
    """An agenda item: day, start and end (local wall-clock times), kind, title, speakers."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        base = fields_for_model(
            AgendaItem,
            formfield_callback=_formfield,
            fields=["day", "start_time", "end_time", "kind"],
        )
        self.fields["day"] = base["day"]
        day = self.fields["day"]
        if isinstance(day, forms.IntegerField):
            day.min_value = 1
        self.fields["start_time"] = base["start_time"]
        self.fields["start_time"].widget = TimeInput()
        self.fields["end_time"] = base["end_time"]
        self.fields["end_time"].widget = TimeInput()
        self.fields["kind"] = base["kind"]
        self.fields.update(_translated_fields(AgendaItem, "title"))
        self.fields.update(_translated_fields(AgendaItem, "speakers"))
        self.fields.update(_translated_fields(AgendaItem, "description", textarea=True))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        _require_one(self, "title", AgendaItem)
        start, end = cleaned.get("start_time"), cleaned.get("end_time")
        if start and end and end < start:
            self.add_error("end_time", _("The end cannot be before the start."))
        return cleaned

    def item_data(self) -> dict[str, Any]:
        from infitah.meetings.services import AGENDA_ITEM_FIELDS

        return {name: self.cleaned_data.get(name) for name in AGENDA_ITEM_FIELDS}

    @staticmethod
    def initial_for(item: AgendaItem) -> dict[str, Any]:
        from infitah.meetings.services import AGENDA_ITEM_FIELDS

        return {name: getattr(item, name) for name in AGENDA_ITEM_FIELDS}


class BreakoutGroupForm(ServiceErrorsMixin, forms.Form):
    """A breakout group: name, topic, room, facilitator, rapporteur and its output."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(_translated_fields(BreakoutGroup, "name"))
        self.fields.update(_translated_fields(BreakoutGroup, "topic", textarea=True))
        base = fields_for_model(
            BreakoutGroup,
            formfield_callback=_formfield,
            fields=["room", "facilitator", "rapporteur"],
        )
        for name in ("room", "facilitator", "rapporteur"):
            base[name].widget.attrs["dir"] = "auto"
            self.fields[name] = base[name]
        self.fields.update(_translated_fields(BreakoutGroup, "output", textarea=True))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        _require_one(self, "name", BreakoutGroup)
        return cleaned

    def group_data(self) -> dict[str, Any]:
        from infitah.meetings.services import BREAKOUT_GROUP_FIELDS

        return {name: self.cleaned_data.get(name) for name in BREAKOUT_GROUP_FIELDS}

    @staticmethod
    def initial_for(group: BreakoutGroup) -> dict[str, Any]:
        from infitah.meetings.services import BREAKOUT_GROUP_FIELDS

        return {name: getattr(group, name) for name in BREAKOUT_GROUP_FIELDS}


# --- Attendance ------------------------------------------------------------------------


class AttendanceForm(ServiceErrorsMixin, forms.Form):
    """One attendee: from a registration (choose it) or a walk-in (give the name).

    Args:
        registrations: the meeting's active registrations not yet recorded (only when
            recording; ``None`` when correcting a record).
    """

    def __init__(self, *args: Any, registrations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if registrations is not None:
            self.fields["registration"] = forms.ModelChoiceField(
                label=_("Registered person"),
                queryset=registrations,
                required=False,
                empty_label=_("— walk-in (not registered) —"),
            )
            self.fields["registration"].label_from_instance = _registration_label  # type: ignore[attr-defined]
        base = fields_for_model(
            Attendance,
            formfield_callback=_formfield,
            fields=["name", "category", "gender", "age_band", "organisation_name"],
        )
        base["name"].required = False
        base["name"].widget.attrs["dir"] = "auto"
        base["name"].help_text = _("Empty for a registered person: the name of their account.")
        for name in ("name", "category", "gender", "age_band"):
            self.fields[name] = base[name]
        self.fields["organisation"] = forms.ModelChoiceField(
            label=_("Organisation"),
            queryset=Organisation.objects.order_by("name"),
            required=False,
        )
        base["organisation_name"].widget.attrs["dir"] = "auto"
        self.fields["organisation_name"] = base["organisation_name"]

    def attendance_data(self) -> dict[str, Any]:
        from infitah.meetings.services import ATTENDANCE_FIELDS

        return {name: self.cleaned_data.get(name) for name in ATTENDANCE_FIELDS}

    @staticmethod
    def initial_for(attendance: Attendance) -> dict[str, Any]:
        from infitah.meetings.services import ATTENDANCE_FIELDS

        return {name: getattr(attendance, name) for name in ATTENDANCE_FIELDS}


def _registration_label(registration: Registration) -> str:
    user = registration.user
    name = user.display_name or user.email
    return f"{name} <{user.email}>" if user.display_name else name


# --- Documents -------------------------------------------------------------------------


class DocumentForm(ServiceErrorsMixin, forms.Form):
    """A document of the meeting's outputs: a file (or a link), its kind and title."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        base = fields_for_model(
            MeetingDocument, formfield_callback=_formfield, fields=["kind", "url", "is_public"]
        )
        self.fields["kind"] = base["kind"]
        self.fields.update(_translated_fields(MeetingDocument, "title"))
        self.fields["file"] = forms.FileField(
            label=_("File"),
            required=False,
            help_text=_("At most %(max)d MB: %(kinds)s.")
            % {
                "max": MAX_DOCUMENT_BYTES // 1024 // 1024,
                "kinds": ", ".join(sorted(DOCUMENT_EXTENSIONS)),
            },
            widget=forms.ClearableFileInput(
                attrs={"accept": ",".join(sorted(DOCUMENT_EXTENSIONS))}
            ),
        )
        self.fields["url"] = base["url"]
        self.fields["is_public"] = base["is_public"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        _require_one(self, "title", MeetingDocument)
        if not cleaned.get("file") and not cleaned.get("url"):
            self.add_error("file", _("Attach a file or give a link."))
        return cleaned

    def titles(self) -> dict[str, str]:
        return {
            build_localized_fieldname("title", code): self.cleaned_data.get(
                build_localized_fieldname("title", code)
            )
            or ""
            for code, _label in LANGUAGES
        }


class RegisterForm(forms.Form):
    """The registration box: optionally on behalf of an organisation the person represents."""

    def __init__(self, *args: Any, organisations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"] = forms.ModelChoiceField(
            label=_("On behalf of"),
            queryset=organisations if organisations is not None else Organisation.objects.none(),
            required=False,
            empty_label=_("myself"),
        )
