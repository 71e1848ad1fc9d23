"""Forms of the requesters' and the information officers' pages.

Forms check the shape of the input; the rules (deadlines, statuses, permissions) are
the services'. :func:`add_service_errors` puts a service's ``ValidationError`` back on
the form, so every page re-shows its form with the messages, never a server error.
Typed dates and times are read as Africa/Casablanca local time (the current time zone).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from infitah.access_info.models import (
    Complaint,
    HolidayOverride,
    InformationRequest,
    RequestDocument,
)
from infitah.territories.models import Collectivity

__all__ = [
    "AnswerForm",
    "ClarificationQuestionForm",
    "ClarifyForm",
    "ComplaintDecideForm",
    "ComplaintForm",
    "ComplaintRecordForm",
    "ExtendForm",
    "HolidayOverrideForm",
    "PublishForm",
    "RefuseForm",
    "RegisterForm",
    "RequestForm",
    "TransferForm",
    "add_service_errors",
]

#: Documents attached to one answer, at most.
MAX_DOCUMENTS = 10

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def add_service_errors(
    form: forms.BaseForm, error: ValidationError, aliases: Mapping[str, str] | None = None
) -> None:
    """Show a service's ``ValidationError`` on ``form``.

    Messages about a field the form has go on that field (``aliases`` maps the
    service's names to the form's, e.g. ``{"ground": "refusal_ground"}``); the others
    are shown at the top of the form.
    """
    aliases = aliases or {}
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            name = aliases.get(field, field)
            for message in messages:
                form.add_error(name if name in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


class _TextArea(forms.Textarea):
    def __init__(self, rows: int = 4) -> None:
        super().__init__(attrs={"rows": rows, "dir": "auto"})


class _TextInput(forms.TextInput):
    def __init__(self, **attrs: Any) -> None:
        super().__init__(attrs={"dir": "auto", **attrs})


class _IdentityFields(forms.Form):
    """The requester's identity (personal data, law 09-08)."""

    requester_name = forms.CharField(
        label=_("Full name"), max_length=200, widget=_TextInput(autocomplete="name")
    )
    id_document_kind = forms.ChoiceField(
        label=_("Identity document"), choices=InformationRequest.IdDocument.choices
    )
    id_document_number = forms.CharField(
        label=_("Document number"),
        max_length=40,
        help_text=_("National identity card or residence permit number."),
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}),
    )
    postal_address = forms.CharField(
        label=_("Postal address"), max_length=1000, widget=_TextArea(rows=3)
    )
    phone = forms.CharField(
        label=_("Phone (optional)"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "tel", "type": "tel"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        kind = cleaned.get("id_document_kind")
        number = cleaned.get("id_document_number")
        if kind and number:
            from infitah.access_info.services import normalize_id_document_number

            try:
                cleaned["id_document_number"] = normalize_id_document_number(kind, number)
            except ValidationError as error:
                add_service_errors(self, error)
        return cleaned


class _RequestFields(forms.Form):
    """What is asked for."""

    subject = forms.CharField(
        label=_("Subject"),
        max_length=250,
        help_text=_(
            "A short title. It is shown in the public register: do not put personal data in it."
        ),
        widget=_TextInput(),
    )
    information_requested = forms.CharField(
        label=_("Information requested"),
        max_length=10000,
        help_text=_("Describe as precisely as you can the information or documents you want."),
        widget=_TextArea(rows=6),
    )
    preferred_form = forms.ChoiceField(
        label=_("Preferred form"), choices=InformationRequest.PreferredForm.choices
    )
    is_urgent = forms.BooleanField(
        label=_("Urgent request"),
        required=False,
        help_text=_(
            "Only when the information is needed to protect a person's life, safety or "
            "freedom (law 31-13, article 17): it is then answered within 3 working days."
        ),
    )
    urgency_reason = forms.CharField(
        label=_("Reason for urgency"), max_length=2000, required=False, widget=_TextArea(rows=3)
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("is_urgent") and not (cleaned.get("urgency_reason") or "").strip():
            self.add_error(
                "urgency_reason",
                _(
                    "Explain why the information is needed to protect a person's life, safety or "
                    "freedom."
                ),
            )
        return cleaned


class _CollectivityChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


class RequestForm(_IdentityFields, _RequestFields):
    """A request filed online by a signed-in requester."""

    collectivity = _CollectivityChoice(
        label=_("Collectivity"),
        queryset=Collectivity.objects.none(),
        empty_label=_("Choose a member collectivity"),
    )
    field_order = [
        "collectivity",
        "subject",
        "information_requested",
        "preferred_form",
        "is_urgent",
        "urgency_reason",
        "requester_name",
        "id_document_kind",
        "id_document_number",
        "postal_address",
        "phone",
    ]

    def __init__(self, *args: Any, collectivities: QuerySet[Collectivity], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["collectivity"].queryset = collectivities  # type: ignore[attr-defined]


class RegisterForm(_IdentityFields, _RequestFields):
    """A request received on paper, by post or by e-mail, typed by an officer."""

    collectivity = _CollectivityChoice(
        label=_("Collectivity"), queryset=Collectivity.objects.none(), empty_label=None
    )
    channel = forms.ChoiceField(
        label=_("Received by"),
        choices=[
            (value, label)
            for value, label in InformationRequest.Channel.choices
            if value != InformationRequest.Channel.ONLINE
        ],
    )
    received_at = forms.DateTimeField(
        label=_("Received on (local time)"),
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
        help_text=_("The date and time stamped on the request when it arrived."),
    )
    email = forms.EmailField(label=_("E-mail (optional)"), required=False)
    language = forms.ChoiceField(
        label=_("Language for e-mails"), choices=settings.LANGUAGES, required=False
    )
    field_order = [
        "collectivity",
        "channel",
        "received_at",
        "requester_name",
        "id_document_kind",
        "id_document_number",
        "postal_address",
        "email",
        "phone",
        "language",
        "subject",
        "information_requested",
        "preferred_form",
        "is_urgent",
        "urgency_reason",
    ]

    def __init__(self, *args: Any, collectivities: QuerySet[Collectivity], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["collectivity"].queryset = collectivities  # type: ignore[attr-defined]


class ClarificationQuestionForm(forms.Form):
    question = forms.CharField(
        label=_("Question to the requester"), max_length=5000, widget=_TextArea()
    )


class ClarifyForm(forms.Form):
    text = forms.CharField(label=_("Clarification"), max_length=5000, widget=_TextArea())


class ExtendForm(forms.Form):
    reason = forms.CharField(
        label=_("Reasons for the extension"),
        max_length=5000,
        widget=_TextArea(),
        help_text=_("Sent to the requester. The deadline can be extended once, before it expires."),
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class AnswerForm(forms.Form):
    partial = forms.BooleanField(label=_("Part of the information is withheld"), required=False)
    released_text = forms.CharField(
        label=_("Information given"),
        max_length=50000,
        required=False,
        widget=_TextArea(rows=8),
        help_text=_(
            "The answer, or how to consult or collect the information. Sent to the requester."
        ),
    )
    documents = MultipleFileField(label=_("Documents released"), required=False)
    fee_amount = forms.DecimalField(
        label=_("Fee (MAD)"),
        min_value=0,
        max_digits=10,
        decimal_places=2,
        required=False,
        help_text=_("Only the cost of copies or sending (article 5); 0 otherwise."),
    )
    fee_reason = forms.CharField(label=_("What the fee covers"), max_length=250, required=False)
    refusal_ground = forms.ChoiceField(
        label=_("Ground for withholding"),
        choices=[("", "—"), *InformationRequest.RefusalGround.choices],
        required=False,
    )
    refusal_text = forms.CharField(
        label=_("Reasons for withholding"), max_length=5000, required=False, widget=_TextArea()
    )

    def clean_documents(self) -> list[Any]:
        from infitah.access_info.disclosure import check_upload

        files = self.cleaned_data.get("documents") or []
        if len(files) > MAX_DOCUMENTS:
            raise ValidationError(
                _("Attach at most %(count)d documents.") % {"count": MAX_DOCUMENTS}
            )
        for file in files:
            check_upload(file)
        return list(files)


class RefuseForm(forms.Form):
    ground = forms.ChoiceField(
        label=_("Ground of refusal"), choices=InformationRequest.RefusalGround.choices
    )
    text = forms.CharField(
        label=_("Reasons for the refusal"),
        max_length=5000,
        widget=_TextArea(),
        help_text=_("Sent to the requester, with their right to complain."),
    )


class TransferForm(forms.Form):
    to_body = forms.CharField(
        label=_("Body that holds the information"), max_length=250, widget=_TextInput()
    )


class PublishForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=250, widget=_TextInput())
    released_text = forms.CharField(
        label=_("Text to publish"),
        max_length=50000,
        widget=_TextArea(rows=8),
        help_text=_("Remove every personal data (names, addresses, numbers) before publishing."),
    )
    public_documents = forms.ModelMultipleChoiceField(
        label=_("Documents to publish (redacted versions only)"),
        queryset=RequestDocument.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self, *args: Any, documents: Iterable[RequestDocument] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        ids = [document.pk for document in documents]
        self.fields["public_documents"].queryset = RequestDocument.objects.filter(pk__in=ids)  # type: ignore[attr-defined]


class ComplaintForm(forms.Form):
    """A complaint filed by the requester at the stage the request allows."""

    stage = forms.ChoiceField(choices=Complaint.Stage.choices, widget=forms.HiddenInput)
    text = forms.CharField(
        label=_("Your complaint"),
        max_length=5000,
        required=False,
        widget=_TextArea(),
        help_text=_("Say what you ask for and why."),
    )


class ComplaintRecordForm(forms.Form):
    """A complaint recorded by an officer (received on paper, or learnt of)."""

    stage = forms.ChoiceField(label=_("Stage"), choices=Complaint.Stage.choices)
    ground = forms.ChoiceField(
        label=_("Ground"), choices=[("", "—"), *Complaint.Ground.choices], required=False
    )
    filed_at = forms.DateTimeField(
        label=_("Filed on (local time)"),
        required=False,
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%d"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
        help_text=_("Leave empty for now."),
    )
    text = forms.CharField(
        label=_("Complaint"), max_length=5000, required=False, widget=_TextArea()
    )


class ComplaintDecideForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            (value, label)
            for value, label in Complaint.Outcome.choices
            if value != Complaint.Outcome.PENDING
        ],
    )
    outcome_text = forms.CharField(label=_("Decision"), max_length=5000, widget=_TextArea())
    decided_on = forms.DateField(
        label=_("Decided on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Leave empty for today."),
    )


class HolidayOverrideForm(forms.ModelForm):
    class Meta:
        model = HolidayOverride
        fields = ["date", "is_holiday", "name", "note"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "name": _TextInput(),
            "note": _TextArea(rows=2),
        }
        labels = {"is_holiday": _("Day off (untick to remove a day the calendar predicted)")}
