"""Forms of the public side: a collectivity's proactive-disclosure items."""

from __future__ import annotations

from typing import Any

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from infitah.access_info import disclosure
from infitah.access_info.models import DisclosureCategory, DisclosureItem


class CategoryChoiceField(forms.ModelChoiceField):
    """A category shown by its name in the active language."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class DisclosureItemForm(forms.Form):
    """Publish or correct an item: category, title, date, document and/or link.

    The file's type and size are checked here (early message) and again by the
    service; the service also decides the refresh date.
    """

    category = CategoryChoiceField(
        label=_("Category"),
        queryset=DisclosureCategory.objects.filter(is_active=True).order_by("order", "pk"),
        empty_label=None,
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=DisclosureItem._meta.get_field("title").max_length,
        widget=forms.TextInput(attrs={"dir": "auto"}),
    )
    published_on = forms.DateField(
        label=_("Published on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The date the document was published or last updated."),
    )
    file = forms.FileField(
        label=_("Document"),
        required=False,
        help_text=_("PDF, Word, Excel, OpenDocument, CSV, PNG or JPEG."),
    )
    url = forms.URLField(
        label=_("Link"),
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"dir": "ltr"}),
        help_text=_("Where the information is already published, if it is."),
    )

    def __init__(self, *args: Any, has_file: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.has_file = has_file
        if has_file:
            self.fields["remove_file"] = forms.BooleanField(
                label=_("Remove the current document"), required=False
            )
        self.fields["file"].help_text = _(
            "PDF, Word, Excel, OpenDocument, CSV, PNG or JPEG; at most %(size)s."
        ) % {"size": filesizeformat(disclosure.max_upload_bytes())}
        self.fields["published_on"].initial = timezone.localdate()

    def clean_file(self) -> Any:
        file = self.cleaned_data.get("file")
        if file:
            disclosure.check_upload(file)
        return file

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        has_file = bool(cleaned.get("file")) or (self.has_file and not cleaned.get("remove_file"))
        if not has_file and not cleaned.get("url") and not self.errors:
            raise forms.ValidationError(_("Give a document or a link (or both)."))
        return cleaned


class NewDisclosureItemForm(DisclosureItemForm):
    """:class:`DisclosureItemForm` plus "replaces the current items of the category"."""

    replaces_current = forms.BooleanField(
        label=_("This replaces the current items of the category"),
        required=False,
        help_text=_("They stay listed as earlier versions."),
    )
