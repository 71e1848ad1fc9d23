"""Forms of the staff pages: generate documents, edit a document's text."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from infitah.publications.models import Publication
from infitah.publications.services import BODY_MAX_LENGTH, TITLE_MAX_LENGTH

#: The value of ``kind``/``language`` that means "every one".
ALL = "all"


class GenerateForm(forms.Form):
    """Which documents to (re)generate: one kind and language, or all of them."""

    kind = forms.ChoiceField(
        label=_("Document"),
        choices=[(ALL, _("all documents")), *Publication.Kind.choices],
    )
    language = forms.ChoiceField(
        label=_("Language"),
        choices=[(ALL, _("both languages")), *Publication.Language.choices],
    )
    force = forms.BooleanField(
        label=_("Overwrite the published text"),
        required=False,
        help_text=_("Otherwise a published document is left as it is."),
    )


class PublicationForm(forms.Form):
    """A document's title and plain-text body (paragraphs separated by blank lines)."""

    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
    body = forms.CharField(
        label=_("Text"),
        max_length=BODY_MAX_LENGTH,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 24, "dir": "auto"}),
        help_text=_(
            "Plain text: leave a blank line between paragraphs; start a line with "
            "“- ” to make a list item. No HTML."
        ),
    )

    def __init__(self, *args: object, language: str = "", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if language:
            direction = "rtl" if language == "ar" else "ltr"
            for name in ("title", "body"):
                self.fields[name].widget.attrs.update({"lang": language, "dir": direction})
