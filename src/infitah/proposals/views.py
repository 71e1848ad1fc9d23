"""Pages of the proposals app: ``/<lang>/proposals/...`` (namespace ``proposals``).

Public pages (the lists and a proposal's page) are cached for anonymous visitors
(:func:`infitah.core.cache.cache_public_page`): for them they hold nothing personal
(the support box says "log in to support"). Signed-in people get the same pages with
their supports and their actions, never from the cache.

Every action is a plain HTML form POST to a view that asks for the permission by name
(:mod:`infitah.proposals.rules`) and calls a service (:mod:`infitah.proposals.services`);
a refused action comes back with its reason. A hidden proposal, or one of an
unpublished plan, is a 404 for anyone who may not see it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from infitah.accounts.models import Organisation, User
from infitah.core.cache import cache_public_page
from infitah.core.selectors import clean_choice, clean_query, page_notice
from infitah.meetings.models import Meeting
from infitah.plans.models import ActionPlan
from infitah.proposals import selectors, services
from infitah.proposals.forms import (
    AnswerForm,
    EntryForm,
    HideForm,
    ProposalForm,
    add_service_errors,
)
from infitah.proposals.models import Proposal

View = Callable[..., HttpResponse]


# --- Helpers ------------------------------------------------------------------------------


def login_or_continue(view: View) -> View:
    """Send anonymous visitors to the sign-in page (back here after); others go on."""

    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            target = request.get_full_path()
            if request.method == "POST" and "slug" in kwargs:
                # After signing in, come back to the proposal, not to a POST-only address.
                target = reverse("proposals:detail", kwargs={"slug": kwargs["slug"]})
            return redirect_to_login(target)
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _proposal_or_404(request: HttpRequest, slug: str) -> Proposal:
    proposal = selectors.proposal_for_page(slug, request.user)
    if proposal is None:
        raise Http404("No such proposal.")
    return proposal


def _plan_or_404(request: HttpRequest, slug: str) -> ActionPlan:
    """A plan the user may read (published, or its staff), else 404."""
    plan = (
        ActionPlan.objects.select_related("collectivity").filter(slug=slug).first()
        if slug and len(slug) <= 80 and slug.isprintable()
        else None
    )
    if plan is None:
        raise Http404("No such plan.")
    if not plan.is_published and not request.user.has_perm("plans.view_actionplan", plan):
        raise Http404("No such plan.")
    return plan


def _require(request: HttpRequest, perm: str, obj: Any) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


def _represented(user: User) -> QuerySet[Organisation]:
    """Verified organisations ``user`` is an approved representative of."""
    return Organisation.objects.filter(
        representatives__user=user, representatives__is_approved=True, is_verified=True
    ).order_by("name")


def _messages_from(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _back(request: HttpRequest, proposal: Proposal) -> HttpResponse:
    """Redirect to the POSTed ``next`` (a page of this site) or to the proposal."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(proposal.get_absolute_url())


def _filters_from(
    request: HttpRequest, *, plan: ActionPlan | None, principles: list[Any]
) -> tuple[selectors.ProposalFilters, list[str]]:
    """Read the list's query parameters; unknown values are dropped with a notice."""
    notices: list[str] = []
    params = request.GET
    collectivity = meeting = principle = None
    if plan is None and (value := clean_choice(params.get("plan"))):
        plan = selectors.resolve_plan(value)
        if plan is None:
            notices.append(gettext("Unknown action plan; proposals of every plan are shown."))
    if value := clean_choice(params.get("collectivity"), max_length=220):
        collectivity = selectors.resolve_collectivity(value)
        if collectivity is None:
            notices.append(
                gettext("Unknown collectivity; proposals of every collectivity are shown.")
            )
    if value := clean_choice(params.get("principle")):
        principle = selectors.resolve_principle(value, principles)
        if principle is None:
            notices.append(gettext("Unknown principle; proposals of every principle are shown."))
    if value := clean_choice(params.get("meeting"), max_length=120):
        meeting = selectors.resolve_meeting(value)
        if meeting is None:
            notices.append(gettext("Unknown meeting; proposals of every meeting are shown."))
    status = clean_choice(params.get("status"))
    if status and status not in Proposal.Status.values:
        notices.append(gettext("Unknown status; proposals of every status are shown."))
        status = ""
    origin = clean_choice(params.get("origin"))
    if origin and origin not in Proposal.Origin.values:
        notices.append(gettext("Unknown origin; proposals of every origin are shown."))
        origin = ""
    sort = clean_choice(params.get("sort"))
    if sort and sort not in selectors.SORTS and sort != selectors.RELEVANCE:
        notices.append(gettext("Unknown order; the default order is used."))
        sort = ""
    filters = selectors.ProposalFilters(
        plan=plan,
        collectivity=collectivity,
        principle=principle,
        meeting=meeting,
        status=status,
        origin=origin,
        query=clean_query(params.get("q")),
        sort=sort,
    )
    return filters, notices


def _list_page(
    request: HttpRequest, *, plan: ActionPlan | None, template: str, extra: dict[str, Any]
) -> HttpResponse:
    principles = selectors.network_principles()
    filters, notices = _filters_from(request, plan=plan, principles=principles)
    raw_page = request.GET.get("page")
    user = request.user if request.user.is_authenticated else None
    page = selectors.proposal_page(filters, raw_page, user=user)
    context = {
        "page": page,
        "page_notice": page_notice(raw_page, page.number),
        "notices": notices,
        "filters": filters,
        "principles": principles,
        "statuses": Proposal.Status.choices,
        "origins": Proposal.Origin.choices,
        "sorts": [(key, label) for key, (label, _order) in selectors.SORTS.items()],
        "sort": filters.effective_sort,
        "is_filtered": filters.is_filtered,
        "signed_in": user is not None,
        **extra,
    }
    return render(request, template, context)


# --- Public pages -------------------------------------------------------------------------


@cache_public_page
@require_GET
def proposal_list(request: HttpRequest) -> HttpResponse:
    """``/<lang>/proposals/``: public proposals of every plan, filterable, searchable.

    Query parameters (optional; unknown values are ignored with a notice): ``plan``
    (slug), ``collectivity`` (slug or code), ``principle`` (code), ``status``,
    ``origin`` (``online``, ``workshop``, ``paper``), ``meeting`` (slug), ``q`` (words,
    Arabic spelling variants match), ``sort`` (``newest``, ``supported``,
    ``commented``; a search is ranked by relevance unless a sort is chosen), ``page``.
    """
    return _list_page(request, plan=None, template="proposals/list.html", extra={})


@cache_public_page
@require_GET
def plan_proposals(request: HttpRequest, slug: str) -> HttpResponse:
    """``/<lang>/proposals/plan/<plan slug>/``: one plan's proposals, and how to propose.

    The same filters as :func:`proposal_list`; the plan's stage says whether proposals
    are being collected (the "make a proposal" button), and staff get the entry form
    for workshop and paper proposals.
    """
    plan = _plan_or_404(request, slug)
    user = request.user
    is_open = services.phase_is_open(plan)
    extra = {
        "plan": plan,
        "is_open": is_open,
        "counts": selectors.plan_proposal_counts(plan),
        "meetings": list(
            Meeting.objects.published().filter(plan=plan, proposals__isnull=False).distinct()
        ),
        "can_enter": is_open and user.has_perm("proposals.enter_proposal", plan),
        "submit_url": reverse("proposals:submit", kwargs={"slug": plan.slug}),
    }
    return _list_page(request, plan=plan, template="proposals/plan_list.html", extra=extra)


@cache_public_page
@require_GET
def proposal_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """``/<lang>/proposals/<slug>/``: a proposal, its answer, supports and comments.

    Anonymous visitors get a cacheable page (the support box links to the sign-in
    page); signed-in people see whether they support it and their actions (support,
    edit, withdraw; for staff: answer, hide).
    """
    proposal = _proposal_or_404(request, slug)
    user = request.user
    plan = proposal.plan
    signed_in = user.is_authenticated
    is_open = services.phase_is_open(plan)
    supports = signed_in and selectors.user_supports(user, proposal)
    may_support = (
        signed_in
        and is_open
        and not proposal.is_hidden
        and proposal.status not in (Proposal.Status.WITHDRAWN, Proposal.Status.REJECTED)
    )
    actions = {}
    if signed_in:
        actions = {
            "edit": user.has_perm("proposals.edit_proposal", proposal)
            and (
                proposal.author_id is None
                or (is_open and proposal.status == Proposal.Status.SUBMITTED)
            )
            and proposal.status != Proposal.Status.WITHDRAWN,
            "withdraw": user.has_perm("proposals.withdraw_proposal", proposal)
            and proposal.status in services.WITHDRAWABLE,
            "answer": user.has_perm("proposals.answer_proposal", proposal)
            and proposal.status != Proposal.Status.WITHDRAWN,
            "moderate": user.has_perm("proposals.moderate_proposal", proposal),
            "is_staff": user.has_perm("proposals.view_proposal", proposal),
        }
    context = {
        "proposal": proposal,
        "plan": plan,
        "collectivity": proposal.collectivity,
        "principles": list(proposal.principles.all()),
        "is_public": selectors.is_public(proposal),
        "is_open": is_open,
        "supports": supports,
        "may_support": may_support,
        "may_unsupport": signed_in and supports and is_open,
        "needs_verified_email": signed_in and not user.has_perm("proposals.support_proposal"),
        "actions": actions,
        "login_url": reverse("account_login") + "?next=" + proposal.get_absolute_url(),
        "comments_template": _comments_template(),
    }
    return render(request, "proposals/detail.html", context)


def _comments_template() -> str:
    """The template that shows the comment thread, or ``""`` without the comments app."""
    try:
        from infitah.comments.templatetags import comments  # noqa: F401
    except ImportError:
        return ""
    return "proposals/includes/comments.html"


# --- Citizens' actions --------------------------------------------------------------------


@login_or_continue
@require_http_methods(["GET", "POST"])
def proposal_submit(request: HttpRequest, slug: str) -> HttpResponse:
    """``/<lang>/proposals/plan/<plan slug>/new/``: make a proposal (signed in)."""
    plan = _plan_or_404(request, slug)
    user = _user(request)
    if not user.has_perm("proposals.submit_proposal", plan):
        raise PermissionDenied(
            gettext("Confirm your e-mail address (follow the link we sent you) before proposing.")
        )
    back = reverse("proposals:plan-list", kwargs={"slug": plan.slug})
    if not services.phase_is_open(plan):
        messages.error(request, gettext("This action plan is not collecting proposals now."))
        return redirect(back)
    organisations = _represented(user)
    bound = request.method == "POST"
    form = ProposalForm(request.POST if bound else None, organisations=organisations)
    if bound and form.is_valid():
        data = form.cleaned_data
        try:
            proposal = services.proposal_submit(
                plan=plan,
                author=user,
                title=data["title"],
                body=data["body"],
                principles=data.get("principles") or [],
                organisation=data.get("organisation"),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, gettext("Thank you: your proposal is published."))
            return redirect(proposal.get_absolute_url())
    return render(
        request,
        "proposals/form.html",
        {
            "form": form,
            "plan": plan,
            "title": gettext("Make a proposal"),
            "submit_label": gettext("Publish my proposal"),
            "cancel_url": back,
            "intro": gettext(
                "Your proposal, your public name (or your organisation's) and the date are "
                "published. The collectivity will answer it publicly."
            ),
        },
    )


@login_or_continue
@require_http_methods(["GET", "POST"])
def proposal_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """``/<lang>/proposals/<slug>/edit/``: the author changes their proposal.

    While the plan collects proposals and before it is evaluated; staff correct
    workshop and paper entries.
    """
    proposal = _proposal_or_404(request, slug)
    _require(request, "proposals.edit_proposal", proposal)
    is_entry = proposal.author_id is None
    bound = request.method == "POST"
    initial = {
        "title": proposal.title,
        "body": proposal.body,
        "principles": list(proposal.principles.all()),
    }
    form = ProposalForm(request.POST if bound else None, initial=initial)
    if bound and form.is_valid():
        data = form.cleaned_data
        try:
            services.proposal_edit(
                proposal=proposal,
                actor=request.user,
                title=data["title"],
                body=data["body"],
                principles=data.get("principles") or [],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, gettext("The proposal has been saved."))
            return redirect(proposal.get_absolute_url())
    return render(
        request,
        "proposals/form.html",
        {
            "form": form,
            "plan": proposal.plan,
            "proposal": proposal,
            "title": gettext("Correct the entry") if is_entry else gettext("Edit my proposal"),
            "submit_label": gettext("Save"),
            "cancel_url": proposal.get_absolute_url(),
        },
    )


@login_or_continue
@require_http_methods(["GET", "POST"])
def proposal_withdraw(request: HttpRequest, slug: str) -> HttpResponse:
    """``/<lang>/proposals/<slug>/withdraw/``: the author withdraws (asks to confirm)."""
    proposal = _proposal_or_404(request, slug)
    _require(request, "proposals.withdraw_proposal", proposal)
    if request.method == "POST":
        try:
            services.proposal_withdraw(proposal=proposal, actor=request.user)
        except ValidationError as error:
            _messages_from(request, error)
        else:
            messages.success(request, gettext("Your proposal has been withdrawn."))
        return redirect(proposal.get_absolute_url())
    return render(
        request,
        "proposals/confirm.html",
        {
            "proposal": proposal,
            "title": gettext("Withdraw my proposal"),
            "question": gettext(
                "Withdraw this proposal? It stays readable with the status “withdrawn”, "
                "but leaves the lists and can no longer be supported. This cannot be undone."
            ),
            "action_url": reverse("proposals:withdraw", kwargs={"slug": proposal.slug}),
            "submit_label": gettext("Withdraw"),
        },
    )


@require_POST
@login_or_continue
def proposal_support(request: HttpRequest, slug: str) -> HttpResponse:
    """POST ``/<lang>/proposals/<slug>/support/``: support the proposal (once)."""
    proposal = _proposal_or_404(request, slug)
    _require(request, "proposals.support_proposal", proposal)
    try:
        added = services.proposal_support(proposal=proposal, user=request.user)
    except ValidationError as error:
        _messages_from(request, error)
    else:
        messages.success(
            request,
            gettext("You support this proposal.")
            if added
            else gettext("You already support this proposal."),
        )
    return _back(request, proposal)


@require_POST
@login_or_continue
def proposal_unsupport(request: HttpRequest, slug: str) -> HttpResponse:
    """POST ``/<lang>/proposals/<slug>/unsupport/``: withdraw one's support."""
    proposal = _proposal_or_404(request, slug)
    _require(request, "proposals.support_proposal", proposal)
    try:
        removed = services.proposal_unsupport(proposal=proposal, user=request.user)
    except ValidationError as error:
        _messages_from(request, error)
    else:
        messages.success(
            request,
            gettext("Your support has been withdrawn.")
            if removed
            else gettext("You did not support this proposal."),
        )
    return _back(request, proposal)


# --- Staff pages --------------------------------------------------------------------------


@login_or_continue
@require_http_methods(["GET", "POST"])
def proposal_enter(request: HttpRequest, slug: str) -> HttpResponse:
    """``/<lang>/proposals/plan/<plan slug>/enter/``: staff enter a workshop or paper proposal."""
    plan = _plan_or_404(request, slug)
    _require(request, "proposals.enter_proposal", plan)
    back = reverse("proposals:plan-list", kwargs={"slug": plan.slug})
    if not services.phase_is_open(plan):
        messages.error(request, gettext("This action plan is not collecting proposals now."))
        return redirect(back)
    meetings = Meeting.objects.filter(plan=plan).order_by("-starts_at", "pk")
    bound = request.method == "POST"
    initial = {"origin": Proposal.Origin.WORKSHOP}
    if value := clean_choice(request.GET.get("meeting"), max_length=120):
        initial["meeting"] = meetings.filter(slug=value).first()  # type: ignore[assignment]
    form = EntryForm(request.POST if bound else None, meetings=meetings, initial=initial)
    if bound and form.is_valid():
        data = form.cleaned_data
        common = {
            "plan": plan,
            "actor": request.user,
            "title": data["title"],
            "body": data["body"],
            "principles": data.get("principles") or [],
            "contributor_name": data.get("contributor_name") or "",
        }
        try:
            if data["origin"] == Proposal.Origin.WORKSHOP:
                meeting = data.get("meeting")
                if meeting is None:
                    raise ValidationError(
                        {"meeting": gettext("Choose the workshop the proposal comes from.")}
                    )
                proposal = services.proposal_enter_from_workshop(
                    meeting=meeting,
                    breakout_group=data.get("breakout_group"),
                    **common,
                )
            else:
                if data.get("breakout_group") is not None:
                    raise ValidationError(
                        {"breakout_group": gettext("A paper form has no workshop group.")}
                    )
                proposal = services.proposal_enter_from_paper(meeting=data.get("meeting"), **common)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, gettext("The proposal has been entered and published."))
            if request.POST.get("another"):
                return redirect(request.path)
            return redirect(proposal.get_absolute_url())
    return render(
        request,
        "proposals/form.html",
        {
            "form": form,
            "plan": plan,
            "title": gettext("Enter a proposal from a workshop or a paper form"),
            "submit_label": gettext("Enter the proposal"),
            "another_label": gettext("Enter and add another"),
            "cancel_url": back,
            "is_staff_form": True,
        },
    )


@login_or_continue
@require_http_methods(["GET", "POST"])
def proposal_answer(request: HttpRequest, slug: str) -> HttpResponse:
    """``/<lang>/proposals/<slug>/answer/``: staff give the status and public answer."""
    proposal = _proposal_or_404(request, slug)
    _require(request, "proposals.answer_proposal", proposal)
    bound = request.method == "POST"
    initial = {
        "status": proposal.status
        if proposal.status in services.ANSWER_STATUSES
        else Proposal.Status.EVALUATING,
        "answer": proposal.answer,
    }
    form = AnswerForm(request.POST if bound else None, initial=initial)
    if bound and form.is_valid():
        try:
            services.proposal_answer(
                proposal=proposal,
                actor=request.user,
                status=form.cleaned_data["status"],
                answer=form.cleaned_data["answer"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, gettext("The answer is published."))
            return redirect(proposal.get_absolute_url())
    return render(
        request,
        "proposals/form.html",
        {
            "form": form,
            "plan": proposal.plan,
            "proposal": proposal,
            "title": gettext("Answer the proposal"),
            "submit_label": gettext("Publish the answer"),
            "cancel_url": proposal.get_absolute_url(),
            "is_staff_form": True,
            "show_proposal": True,
        },
    )


@login_or_continue
@require_http_methods(["GET", "POST"])
def proposal_hide(request: HttpRequest, slug: str) -> HttpResponse:
    """``/<lang>/proposals/<slug>/hide/``: moderators hide a proposal, with a reason."""
    proposal = _proposal_or_404(request, slug)
    _require(request, "proposals.moderate_proposal", proposal)
    bound = request.method == "POST"
    form = HideForm(
        request.POST if bound else None, initial={"reason": proposal.hidden_reason or ""}
    )
    if bound and form.is_valid():
        try:
            services.proposal_hide(
                proposal=proposal, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, gettext("The proposal is hidden from the public."))
            return redirect(proposal.get_absolute_url())
    return render(
        request,
        "proposals/form.html",
        {
            "form": form,
            "plan": proposal.plan,
            "proposal": proposal,
            "title": gettext("Hide the proposal"),
            "submit_label": gettext("Hide"),
            "cancel_url": proposal.get_absolute_url(),
            "is_staff_form": True,
            "show_proposal": True,
            "intro": gettext(
                "A hidden proposal disappears from every public page, list, count and "
                "search. Its author and the collectivity's staff still see it, with the "
                "reason."
            ),
        },
    )


@require_POST
@login_or_continue
def proposal_unhide(request: HttpRequest, slug: str) -> HttpResponse:
    """POST ``/<lang>/proposals/<slug>/unhide/``: show a hidden proposal again."""
    proposal = _proposal_or_404(request, slug)
    _require(request, "proposals.moderate_proposal", proposal)
    try:
        services.proposal_unhide(proposal=proposal, actor=request.user)
    except ValidationError as error:
        _messages_from(request, error)
    else:
        messages.success(request, gettext("The proposal is public again."))
    return redirect(proposal.get_absolute_url())
