"""Forms of the comments pages (the thread's own form is printed by the template tag
with the same field names, so that it costs no form rendering per page)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from infitah.accounts.models import Organisation
from infitah.comments import conf
from infitah.comments.models import ModerationReason

__all__ = ["CommentForm", "EditForm", "HideForm", "ReportForm"]


def _textarea(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, "dir": "auto"})


def _body_field(rows: int) -> forms.CharField:
    """The comment's text, at most ``INFITAH_COMMENTS_MAX_LENGTH`` characters (read now)."""
    return forms.CharField(
        label=_("Your comment"),
        widget=_textarea(rows),
        max_length=conf.max_length(),
        strip=False,
    )


def _note_field(declared: forms.Field, limit: int) -> forms.CharField:
    """A copy of the declared note field with its length limit (a setting, read now)."""
    return forms.CharField(
        label=declared.label,
        widget=_textarea(3),
        required=False,
        max_length=limit,
        help_text=declared.help_text,
    )


class CommentForm(forms.Form):
    """A comment or a reply: its text and, for representatives, the organisation.

    ``organisations``: those the person may post for (the field is left out of the
    page when there is none, and any posted value is then refused).
    """

    body = forms.CharField(label=_("Your comment"), widget=_textarea(5), strip=False)
    organisation: forms.ModelChoiceField[Organisation] = forms.ModelChoiceField(
        label=_("Post as"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Myself"),
    )

    def __init__(
        self, *args: Any, organisations: QuerySet[Organisation] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"] = _body_field(5)
        field = self.fields["organisation"]
        field.queryset = (  # type: ignore[attr-defined]
            organisations if organisations is not None else Organisation.objects.none()
        )
        self.has_organisations = organisations is not None and organisations.exists()
        if not self.has_organisations:
            field.widget = forms.HiddenInput()


class EditForm(forms.Form):
    """The corrected text of one's comment."""

    body = forms.CharField(label=_("Your comment"), widget=_textarea(6), strip=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"] = _body_field(6)


class ReportForm(forms.Form):
    """Why the comment should be looked at by a moderator."""

    reason = forms.ChoiceField(
        label=_("Reason"), choices=[("", "—"), *ModerationReason.choices], required=True
    )
    note = forms.CharField(
        label=_("Details (optional)"),
        widget=_textarea(3),
        required=False,
        help_text=_("Seen by the moderators only."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["note"] = _note_field(self.fields["note"], conf.report_note_max_length())


class HideForm(forms.Form):
    """A moderator's reason (shown to the public) and note (not shown) for hiding."""

    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=[("", "—"), *ModerationReason.choices],
        required=True,
        help_text=_("The reason is shown in place of the comment when it has replies."),
    )
    note = forms.CharField(
        label=_("Note for the moderators (optional)"), widget=_textarea(3), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["note"] = _note_field(self.fields["note"], conf.hidden_note_max_length())
