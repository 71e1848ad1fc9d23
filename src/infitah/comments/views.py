"""Pages of the comments app: posting, replying, editing, withdrawing, reporting,
moderating, and the moderators' queue.

Threads are shown on the pages of the commented objects by the template tag
(``{% comment_thread target %}``); these views are where its forms and links lead.
Every action works as a plain HTML form: a GET shows the form (a reply with the
comment it answers, a report, a hiding reason...), the POST checks the permission by
name (:mod:`infitah.comments.rules`), calls a service, and sends the person back to a
safe ``next`` address (on this site only) at the comment's anchor, with a message.
Input the service refuses comes back in the form with the messages (never a 500).

Answers: anonymous visitors are sent to the sign-in page; a signed-in person without
the permission gets 403; an unknown comment, one the person may not see (hidden,
withdrawn) or one of an object that is not public gets 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast
from urllib.parse import urlsplit, urlunsplit

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from infitah.accounts.models import Organisation, User
from infitah.comments import conf, registry, selectors, services
from infitah.comments.forms import CommentForm, EditForm, HideForm, ReportForm
from infitah.comments.models import Comment, CommentReport
from infitah.core.selectors import clean_choice, page_notice, paginate
from infitah.territories.models import Collectivity

__all__ = [
    "comment_create",
    "comment_delete",
    "comment_dismiss",
    "comment_edit",
    "comment_go",
    "comment_hide",
    "comment_reply",
    "comment_report",
    "comment_unhide",
    "moderation",
    "report_dismiss",
]

STATUS_LABELS = {
    "reported": _("Reported"),
    "hidden": _("Hidden"),
}


# --- Helpers -------------------------------------------------------------------------------


def login_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Send anonymous visitors to the sign-in page (back to this address afterwards)."""

    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _target_url(target: Model | None) -> str:
    """The commented object's page, or the home page when it has none."""
    url = getattr(target, "get_absolute_url", None)
    if callable(url):
        try:
            return str(url())
        except Exception:  # noqa: BLE001 - a target whose address cannot be built
            return "/"
    return "/"


def _safe_next(request: HttpRequest, fallback: str) -> str:
    """The ``next`` address of the form or the link when it is on this site, else ``fallback``.

    Its fragment is dropped (the comment's anchor is added by the caller).
    """
    raw = request.POST.get("next") or request.GET.get("next") or ""
    raw = raw.replace("\x00", "").strip()[:2000]
    if raw and url_has_allowed_host_and_scheme(
        raw, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(raw)
        return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))
    return fallback


def _back(request: HttpRequest, fallback: str, pk: int | None = None) -> HttpResponseRedirect:
    url = _safe_next(request, fallback)
    return HttpResponseRedirect(f"{url}#comment-{pk}" if pk else f"{url}#comments")


def _error_messages(error: ValidationError) -> list[str]:
    return [str(message) for message in error.messages]


def _pk(raw: Any) -> int | None:
    text = str(raw or "").strip()
    return int(text) if text.isdecimal() and len(text) <= 18 else None


class _Found:
    """A comment with its registry entry and target, as the views need them."""

    def __init__(self, comment: Comment, entry: registry.CommentTarget, target: Model) -> None:
        self.comment = comment
        self.entry = entry
        self.target = target

    @property
    def url(self) -> str:
        return _target_url(self.target)


def _find(request: HttpRequest, pk: int, *, hidden_for_moderators: bool = False) -> _Found:
    """The comment ``pk`` if ``request.user`` may see it, with its target.

    Visible comments of public objects are seen by everyone; with
    ``hidden_for_moderators``, hidden and withdrawn ones (and comments of objects no
    longer public) by the moderators of their collectivity.

    Raises:
        Http404: unknown comment, or one the person may not see.
    """
    comment = (
        Comment.objects.select_related("author", "organisation").filter(pk=pk).first()
        if pk < 2**62
        else None
    )
    if comment is None:
        raise Http404("No such comment.")
    entry = registry.entry_for_content_type(comment.content_type_id)
    target = (
        entry.model._default_manager.filter(pk=comment.object_id).first()
        if entry is not None
        else None
    )
    if entry is None or target is None:
        raise Http404("No such comment.")
    if comment.is_visible and entry.is_public(target):
        return _Found(comment, entry, target)
    if hidden_for_moderators and request.user.has_perm("comments.moderate_comment", comment):
        return _Found(comment, entry, target)
    raise Http404("No such comment.")


def _represented(user: User) -> Any:
    """Verified organisations ``user`` is an approved representative of."""
    return Organisation.objects.filter(
        representatives__user=user, representatives__is_approved=True, is_verified=True
    ).order_by("name")


def _form_page(
    request: HttpRequest,
    *,
    title: str,
    form: Any,
    action: str,
    submit: str,
    next_url: str,
    quoted: Comment | None = None,
    intro: str = "",
    danger: bool = False,
    errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    """Render ``comments/form_page.html``: one action's form, with the quoted comment."""
    return render(
        request,
        "comments/form_page.html",
        {
            "title": title,
            "form": form,
            "action": action,
            "submit": submit,
            "next": next_url,
            "quoted": quoted,
            "intro": intro,
            "danger": danger,
            "errors": errors or [],
        },
        status=status,
    )


def _add_errors(form: Any, error: ValidationError) -> list[str]:
    """Put a service's field errors on ``form``; return the other messages."""
    general: list[str] = []
    if hasattr(error, "error_dict"):
        for name, field_errors in error.error_dict.items():
            messages_ = [str(message) for e in field_errors for message in e.messages]
            if name in form.fields:
                for message in messages_:
                    form.add_error(name, message)
            else:
                general.extend(messages_)
    else:
        general.extend(_error_messages(error))
    return general


# --- Posting -------------------------------------------------------------------------------


def _post(
    request: HttpRequest,
    *,
    entry: registry.CommentTarget,
    target: Model,
    parent: Comment | None,
    action: str,
) -> HttpResponse:
    """Validate the posted comment form and create the comment (shared by create/reply)."""
    user = _user(request)
    form = CommentForm(request.POST, organisations=_represented(user))
    fallback = _target_url(target)
    next_url = _safe_next(request, fallback)
    title = gettext("Reply") if parent is not None else gettext("Your comment")
    if form.is_valid():
        try:
            comment = services.comment_create(
                target=target,
                author=user,
                body=form.cleaned_data["body"],
                parent=parent,
                organisation=form.cleaned_data.get("organisation"),
            )
        except ValidationError as error:
            general = _add_errors(form, error)
        else:
            messages.success(request, gettext("Your comment is published."))
            return _back(request, fallback, comment.pk)
    else:
        general = []
    return _form_page(
        request,
        title=title,
        form=form,
        action=action,
        submit=gettext("Publish the comment"),
        next_url=next_url,
        quoted=parent,
        errors=general,
    )


@require_POST
@login_required
def comment_create(request: HttpRequest) -> HttpResponse:
    """POST ``/<lang>/comments/new/``: post a comment (or a reply with ``parent``).

    Fields: ``target_type`` (``app_label.model``), ``target_id``, ``body``, optional
    ``parent`` (a comment id), ``organisation`` (an organisation id the person
    represents), ``next`` (the page to go back to).
    """
    entry, target = registry.resolve_target(
        request.POST.get("target_type", ""), request.POST.get("target_id", "")
    )
    if entry is None or target is None or not entry.is_public(target):
        raise Http404("No such item.")
    parent = None
    raw_parent = request.POST.get("parent", "")
    if raw_parent:
        parent_pk = _pk(raw_parent)
        parent = Comment.objects.filter(pk=parent_pk).first() if parent_pk else None
        if parent is None:
            raise Http404("No such comment.")
    return _post(
        request,
        entry=entry,
        target=target,
        parent=parent,
        action=request.path,
    )


@require_http_methods(["GET", "POST"])
@login_required
def comment_reply(request: HttpRequest, pk: int) -> HttpResponse:
    """``/<lang>/comments/<pk>/reply/``: the reply form (GET), posting a reply (POST)."""
    found = _find(request, pk)
    if request.method == "POST":
        return _post(
            request,
            entry=found.entry,
            target=found.target,
            parent=found.comment,
            action=request.path,
        )
    user = _user(request)
    if not user.has_perm("comments.post_comment"):
        raise PermissionDenied(
            _("Confirm your e-mail address (follow the link we sent you) before commenting.")
        )
    if not found.entry.is_open_for_comments(found.target):
        messages.error(request, gettext("Comments are closed for this item."))
        return _back(request, found.url, pk)
    return _form_page(
        request,
        title=gettext("Reply"),
        form=CommentForm(organisations=_represented(user)),
        action=request.path,
        submit=gettext("Publish the reply"),
        next_url=_safe_next(request, found.url),
        quoted=found.comment,
    )


@require_http_methods(["GET", "POST"])
@login_required
def comment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """``/<lang>/comments/<pk>/edit/``: correct one's comment (within the edit window)."""
    found = _find(request, pk)
    user = _user(request)
    if not user.has_perm("comments.edit_comment", found.comment):
        raise PermissionDenied(_("You may only edit your own comments."))
    next_url = _safe_next(request, found.url)
    if request.method == "POST":
        form = EditForm(request.POST)
        general: list[str] = []
        if form.is_valid():
            try:
                services.comment_edit(
                    comment=found.comment, actor=user, body=form.cleaned_data["body"]
                )
            except ValidationError as error:
                general = _add_errors(form, error)
            else:
                messages.success(request, gettext("Your comment is updated."))
                return _back(request, found.url, pk)
    else:
        form = EditForm(initial={"body": found.comment.body})
        general = []
    minutes = conf.edit_minutes()
    return _form_page(
        request,
        title=gettext("Edit your comment"),
        form=form,
        action=request.path,
        submit=gettext("Save"),
        next_url=next_url,
        intro=gettext("A comment can be corrected for %(minutes)d minutes after posting.")
        % {"minutes": minutes},
        errors=general,
    )


@require_http_methods(["GET", "POST"])
@login_required
def comment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """``/<lang>/comments/<pk>/delete/``: withdraw one's comment (confirmation first)."""
    found = _find(request, pk)
    user = _user(request)
    if not user.has_perm("comments.delete_own_comment", found.comment):
        raise PermissionDenied(_("You may only withdraw your own comments."))
    if request.method == "POST":
        try:
            services.comment_delete_by_author(comment=found.comment, actor=user)
        except ValidationError as error:
            for message in _error_messages(error):
                messages.error(request, message)
        else:
            messages.success(request, gettext("Your comment is withdrawn."))
        return _back(request, found.url, pk)
    return _form_page(
        request,
        title=gettext("Withdraw your comment"),
        form=None,
        action=request.path,
        submit=gettext("Withdraw the comment"),
        next_url=_safe_next(request, found.url),
        quoted=found.comment,
        intro=gettext(
            "The comment will no longer be shown; replies to it stay. This cannot be undone."
        ),
        danger=True,
    )


# --- Reports and moderation ------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def comment_report(request: HttpRequest, pk: int) -> HttpResponse:
    """``/<lang>/comments/<pk>/report/``: report a comment to the moderators."""
    found = _find(request, pk)
    user = _user(request)
    if not user.has_perm("comments.report_comment", found.comment):
        raise PermissionDenied(_("You may not report this comment."))
    general: list[str] = []
    if request.method == "POST":
        form = ReportForm(request.POST)
        if form.is_valid():
            try:
                services.comment_report(
                    comment=found.comment,
                    reporter=user,
                    reason=form.cleaned_data["reason"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                if getattr(error, "code", "") == "duplicate":
                    messages.info(request, gettext("You have already reported this comment."))
                    return _back(request, found.url, pk)
                general = _add_errors(form, error)
            else:
                messages.success(
                    request, gettext("Thank you: the moderators will look at this comment.")
                )
                return _back(request, found.url, pk)
    else:
        form = ReportForm()
    return _form_page(
        request,
        title=gettext("Report a comment"),
        form=form,
        action=request.path,
        submit=gettext("Send the report"),
        next_url=_safe_next(request, found.url),
        quoted=found.comment,
        intro=gettext(
            "Tell the moderators why this comment breaks the rules. Your report is not public."
        ),
        errors=general,
    )


def _moderated(request: HttpRequest, pk: int) -> _Found:
    """The comment if the user moderates it (404 when they may not even see it, else 403)."""
    found = _find(request, pk, hidden_for_moderators=True)
    if not request.user.has_perm("comments.moderate_comment", found.comment):
        raise PermissionDenied(_("You may not moderate the comments of this collectivity."))
    return found


@require_http_methods(["GET", "POST"])
@login_required
def comment_hide(request: HttpRequest, pk: int) -> HttpResponse:
    """``/<lang>/comments/<pk>/hide/``: hide a comment with a reason (moderators)."""
    found = _moderated(request, pk)
    user = _user(request)
    general: list[str] = []
    if request.method == "POST":
        form = HideForm(request.POST)
        if form.is_valid():
            try:
                services.comment_hide(
                    comment=found.comment,
                    moderator=user,
                    reason=form.cleaned_data["reason"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                general = _add_errors(form, error)
            else:
                messages.success(request, gettext("The comment is hidden from the public."))
                return _back(request, found.url, pk)
    else:
        form = HideForm()
    return _form_page(
        request,
        title=gettext("Hide a comment"),
        form=form,
        action=request.path,
        submit=gettext("Hide the comment"),
        next_url=_safe_next(request, found.url),
        quoted=found.comment,
        intro=gettext(
            "The comment disappears from every public page, list, count and export; "
            "its open reports are resolved. You can show it again later."
        ),
        danger=True,
        errors=general,
    )


@require_POST
@login_required
def comment_unhide(request: HttpRequest, pk: int) -> HttpResponse:
    """POST ``/<lang>/comments/<pk>/unhide/``: show a hidden comment again (moderators)."""
    found = _moderated(request, pk)
    try:
        services.comment_unhide(comment=found.comment, moderator=_user(request))
    except ValidationError as error:
        for message in _error_messages(error):
            messages.error(request, message)
    else:
        messages.success(request, gettext("The comment is shown again."))
    return _back(request, found.url, pk)


@require_POST
@login_required
def comment_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    """POST ``/<lang>/comments/<pk>/dismiss/``: dismiss every open report (moderators)."""
    found = _moderated(request, pk)
    try:
        count = services.comment_reports_dismiss(comment=found.comment, moderator=_user(request))
    except ValidationError as error:
        for message in _error_messages(error):
            messages.error(request, message)
    else:
        messages.success(
            request,
            ngettext("%(count)d report dismissed.", "%(count)d reports dismissed.", count)
            % {"count": count},
        )
    return _back(request, found.url, pk)


@require_POST
@login_required
def report_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    """POST ``/<lang>/comments/reports/<pk>/dismiss/``: dismiss one report (moderators)."""
    report = CommentReport.objects.filter(pk=pk).first() if pk < 2**62 else None
    if report is None:
        raise Http404("No such report.")
    found = _moderated(request, report.comment_id)
    try:
        services.report_dismiss(report=report, moderator=_user(request))
    except ValidationError as error:
        for message in _error_messages(error):
            messages.error(request, message)
    else:
        messages.success(request, gettext("The report is dismissed."))
    return _back(request, found.url, found.comment.pk)


@require_GET
def comment_go(request: HttpRequest, pk: int) -> HttpResponse:
    """``/<lang>/comments/<pk>/``: go to the comment on its object's page (right page, anchor).

    Moderators may follow the link to a hidden comment (they see it in the thread).
    """
    found = _find(request, pk, hidden_for_moderators=True)
    roots, _count = selectors.thread_nodes(
        found.target,
        include_hidden=request.user.has_perm("comments.moderate_comment", found.comment),
    )
    url = found.url
    per_page = conf.thread_page_size()
    position = _root_position(roots, found.comment)
    if position is not None and position >= per_page:
        url = f"{url}?comment_page={position // per_page + 1}"
    return HttpResponseRedirect(f"{url}#comment-{pk}")


def _root_position(roots: list[selectors.ThreadNode], comment: Comment) -> int | None:
    """Index of the conversation holding ``comment`` among ``roots``, ``None`` if absent."""
    for index, root in enumerate(roots):
        for node in selectors.flatten([root]):
            if node.pk == comment.pk:
                return index
    return None


@require_GET
@login_required
def moderation(request: HttpRequest) -> HttpResponse:
    """``/<lang>/comments/moderation/``: the comments waiting for the person's moderation.

    Query parameters: ``status`` (``reported`` — default — or ``hidden``),
    ``collectivity`` (slug or official code; one of the person's collectivities),
    ``page``. Each comment shows its open reports and the hide, dismiss or unhide
    actions. Moderators and administrators of a collectivity see its comments;
    coordinators see every comment (network-level items included).
    """
    user = _user(request)
    ids = selectors.moderation_collectivity_ids(user)
    if ids is not None and not ids:
        raise PermissionDenied(_("You moderate no collectivity."))
    notices: list[str] = []
    status = clean_choice(request.GET.get("status")) or "reported"
    if status not in selectors.QUEUE_STATUSES:
        notices.append(gettext("Unknown status; reported comments are shown."))
        status = "reported"
    collectivity = None
    choices: list[Collectivity] = []
    if ids is not None:
        choices = list(Collectivity.objects.filter(pk__in=ids).order_by("code"))
    if value := clean_choice(request.GET.get("collectivity"), max_length=220):
        candidates = Collectivity.objects.filter(slug=value) | Collectivity.objects.filter(
            code=value
        )
        if ids is not None:
            candidates = candidates.filter(pk__in=ids)
        collectivity = candidates.first()
        if collectivity is None:
            notices.append(gettext("Unknown collectivity; every collectivity is shown."))
    queryset = selectors.moderation_queue(
        user, status=status, collectivity_id=collectivity.pk if collectivity else None
    )
    raw_page = request.GET.get("page")
    page = paginate(queryset, raw_page, per_page=conf.queue_page_size())
    return render(
        request,
        "comments/moderation.html",
        {
            "page": page,
            "page_notice": page_notice(raw_page, page.number),
            "notices": notices,
            "status": status,
            "statuses": STATUS_LABELS,
            "collectivity": collectivity,
            "choices": choices,
            "is_coordinator": ids is None,
            "hide_form": HideForm(),
            "next": request.get_full_path(),
        },
    )
