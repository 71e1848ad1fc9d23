"""Forms of the library's pages (validation of input; the services do the work)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from infitah.library import conf, services
from infitah.library.filetypes import ACCEPTED_TYPES, TEXT
from infitah.library.models import Document, GoodPractice
from infitah.network.models import Principle
from infitah.network.selectors import current_network
from infitah.territories.models import Collectivity

NETWORK_CHOICE = "network"
_ACCEPT = ",".join(ext for t in ACCEPTED_TYPES.values() if t is not TEXT for ext in t.extensions)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class DocumentForm(forms.Form):
    """Describe a document and send its file (or give a link).

    ``collectivities`` are where the person may add documents; ``allow_network`` adds
    "the network itself" (coordinators). On edit, ``document`` is the one changed.
    """

    title_ar = forms.CharField(label=_("Title in Arabic"), max_length=300, required=False)
    title_fr = forms.CharField(label=_("Title in French"), max_length=300, required=False)
    title_en = forms.CharField(label=_("Title in English"), max_length=300, required=False)
    summary_ar = forms.CharField(
        label=_("Summary in Arabic"), widget=forms.Textarea, required=False
    )
    summary_fr = forms.CharField(
        label=_("Summary in French"), widget=forms.Textarea, required=False
    )
    summary_en = forms.CharField(
        label=_("Summary in English"), widget=forms.Textarea, required=False
    )
    kind = forms.ChoiceField(label=_("Kind of document"), choices=Document.Kind.choices)
    language = forms.ChoiceField(
        label=_("Language of the document"), choices=Document.Language.choices
    )
    owner = forms.ChoiceField(label=_("Published by"))
    principles: forms.ModelMultipleChoiceField[Principle] = forms.ModelMultipleChoiceField(
        label=_("Principles"),
        queryset=Principle.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    issued_on = forms.DateField(label=_("Date of the document"), required=False, widget=DateInput())
    licence = forms.ChoiceField(label=_("Licence"), choices=Document.Licence.choices)
    file = forms.FileField(label=_("File"), required=False)
    link = forms.URLField(
        label=_("Or a link"), required=False, max_length=500, assume_scheme="https"
    )
    is_published = forms.BooleanField(label=_("Published"), required=False, initial=True)

    def __init__(
        self,
        *args: Any,
        collectivities: Any,
        allow_network: bool,
        document: Document | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.document = document
        choices: list[tuple[str, str]] = []
        if allow_network:
            choices.append((NETWORK_CHOICE, str(_("The network itself"))))
        choices += [(c.code, str(c)) for c in collectivities]
        cast(forms.ChoiceField, self.fields["owner"]).choices = choices
        self._collectivities = {c.code: c for c in collectivities}
        network = current_network()
        if network is not None:
            cast(
                forms.ModelMultipleChoiceField[Principle], self.fields["principles"]
            ).queryset = Principle.objects.filter(network=network).order_by("order", "pk")
        self.fields["file"].widget.attrs["accept"] = _ACCEPT
        self.fields["file"].help_text = _(
            "PDF, Word (DOCX), OpenDocument (ODT), Excel (XLSX), PNG or JPEG; at most %(max)s."
        ) % {"max": filesizeformat(conf.max_upload_bytes())}
        for name in ("title_ar", "summary_ar"):
            self.fields[name].widget.attrs["dir"] = "rtl"
        for name in ("title_fr", "title_en", "summary_fr", "summary_en"):
            self.fields[name].widget.attrs["dir"] = "ltr"
        if document is not None:
            self.fields["remove_file"] = forms.BooleanField(
                label=_("Remove the current file"), required=False
            )
            self.fields["file"].label = _("Replace the file")

    @classmethod
    def initial_for(cls, document: Document) -> dict[str, Any]:
        """The form's initial values for editing ``document``."""
        initial: dict[str, Any] = {
            f"{name}_{code}": getattr(document, f"{name}_{code}")
            for name in ("title", "summary")
            for code in ("ar", "fr", "en")
        }
        initial.update(
            kind=document.kind,
            language=document.language,
            owner=document.collectivity.code if document.collectivity else NETWORK_CHOICE,
            principles=list(document.principles.all()),
            issued_on=document.issued_on,
            licence=document.licence,
            link=document.link,
            is_published=document.is_published,
        )
        return initial

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload is not None and upload.size > conf.max_upload_bytes():
            raise forms.ValidationError(
                _("The file is too large (%(size)s); at most %(max)s is accepted."),
                code="too_large",
                params={
                    "size": filesizeformat(upload.size),
                    "max": filesizeformat(conf.max_upload_bytes()),
                },
            )
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any(data.get(f"title_{code}", "").strip() for code in ("ar", "fr", "en")):
            self.add_error("title_fr", _("Give the document a title in at least one language."))
        has_file = bool(data.get("file")) or bool(
            self.document and self.document.file and not data.get("remove_file")
        )
        if (
            not has_file
            and not data.get("link")
            and data.get("kind") != Document.Kind.GOOD_PRACTICE
        ):
            self.add_error("file", _("Send a file or give a link."))
        return data

    def owner_collectivity(self) -> Collectivity | None:
        """The chosen collectivity (``None``: the network)."""
        owner = self.cleaned_data["owner"]
        return None if owner == NETWORK_CHOICE else self._collectivities[owner]

    def metadata(self) -> services.DocumentMetadata:
        """The description, for :func:`~infitah.library.services.document_create`."""
        data = self.cleaned_data
        return services.DocumentMetadata(
            titles={code: data[f"title_{code}"] for code in ("ar", "fr", "en")},
            summaries={code: data[f"summary_{code}"] for code in ("ar", "fr", "en")},
            kind=data["kind"],
            language=data["language"],
            collectivity=self.owner_collectivity(),
            principles=list(data["principles"]),
            issued_on=data["issued_on"],
            licence=data["licence"],
            link=data["link"],
            is_published=data["is_published"],
        )


class GoodPracticeForm(forms.ModelForm):
    """The structured fields of a good practice."""

    class Meta:
        model = GoodPractice
        fields = ("problem", "what_was_done", "results", "contacts", "cost_mad", "cost_note")
        widgets = {
            name: forms.Textarea(attrs={"dir": "auto"})
            for name in ("problem", "what_was_done", "results", "contacts")
        }

    def fields_data(self) -> services.GoodPracticeFields:
        data = self.cleaned_data
        cost: Decimal | None = data.get("cost_mad")
        return services.GoodPracticeFields(
            problem=data["problem"],
            what_was_done=data["what_was_done"],
            results=data["results"],
            contacts=data["contacts"],
            cost_mad=cost,
            cost_note=data["cost_note"],
        )


class AdoptionForm(forms.Form):
    """ "We adopted this": for which collectivity, when, how, and the related commitment."""

    collectivity: forms.ModelChoiceField[Collectivity] = forms.ModelChoiceField(
        label=_("Our collectivity"), queryset=Collectivity.objects.none(), empty_label=None
    )
    adopted_on = forms.DateField(label=_("Adopted on"), required=False, widget=DateInput())
    note = forms.CharField(
        label=_("How we adapted it"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
        max_length=5000,
    )
    commitment_reference = forms.CharField(
        label=_("Related commitment (address or reference)"),
        required=False,
        max_length=300,
        help_text=_("The commitment of your action plan that takes this practice up, if any."),
    )

    def __init__(self, *args: Any, collectivities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(
            forms.ModelChoiceField[Collectivity], self.fields["collectivity"]
        ).queryset = collectivities
