"""Writes of the proposals app: submit, edit, enter, support, answer, withdraw, hide.

Every function here is the only way its change is made. Each checks the acting
user's permission (defence in depth: the pages and the API check it too), validates
with ``full_clean()``, saves in one transaction, and keeps the platform's search index
(:mod:`infitah.library.search`, ``object_type="proposals.proposal"``) in step.
Errors are ``django.core.exceptions.ValidationError`` (by field where a field is at
fault, with a ``code``) and ``PermissionDenied``, with translated messages.

When proposals may be made
--------------------------
Proposals are submitted, edited and supported while the plan's **co-creation or
public consultation** stage is open (``ActionPlan.State.CO_CREATION`` /
``CONSULTATION``) and the plan is published (OGP Local co-creation standards: the
public contributes while the plan is being written; after adoption the answers and
the commitments follow). Staff enter workshop and paper proposals under the same
condition; answers, withdrawals and moderation are possible at any time.

Counters
--------
``Proposal.support_count`` and ``comment_count`` are updated with ``F()`` expressions
in the same transaction as the support (or comment) they count, so they are exact
under concurrency. A support is one row per person and proposal: the database's unique
constraint (``proposals_support_one_per_person``) decides between two simultaneous
clicks, never a check-then-insert. Saves of a proposal name their fields
(``update_fields``) so that they never write back a stale counter.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from infitah.accounts.models import Organisation
from infitah.core.cache import bump_content_version
from infitah.core.text import normalize_for_search, strip_bidi_controls
from infitah.library import search
from infitah.meetings.models import BreakoutGroup, Meeting
from infitah.network.models import Principle
from infitah.plans.models import ActionPlan
from infitah.proposals.models import BODY_MAX_LENGTH, Proposal, Support

__all__ = [
    "ANSWER_STATUSES",
    "OPEN_STATES",
    "PROPOSAL_TYPE",
    "all_proposal_entries",
    "phase_is_open",
    "proposal_answer",
    "proposal_comments_changed",
    "proposal_edit",
    "proposal_enter_from_paper",
    "proposal_enter_from_workshop",
    "proposal_entry",
    "proposal_hide",
    "proposal_refresh_counts",
    "proposal_search_text",
    "proposal_submit",
    "proposal_support",
    "proposal_unhide",
    "proposal_unsupport",
    "proposal_withdraw",
]

Status = Proposal.Status
Origin = Proposal.Origin

#: The search index's type name for proposals.
PROPOSAL_TYPE = "proposals.proposal"
#: Plan states in which the public makes and supports proposals.
OPEN_STATES = frozenset({ActionPlan.State.CO_CREATION, ActionPlan.State.CONSULTATION})
#: Statuses staff may give with an answer.
ANSWER_STATUSES = (Status.EVALUATING, Status.ACCEPTED, Status.REJECTED)
#: Statuses from which the author may withdraw (not once answered).
WITHDRAWABLE = frozenset({Status.SUBMITTED, Status.EVALUATING})

_SLUG_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_SLUG_LENGTH = 10


# --- Helpers ------------------------------------------------------------------------------


def _require(actor: Any, perm: str, obj: Any) -> None:
    """Raise ``PermissionDenied`` unless ``actor`` has ``perm`` on ``obj``."""
    if actor is None or not actor.has_perm(perm, obj):
        raise PermissionDenied(_("You are not allowed to do this."))


def phase_is_open(plan: ActionPlan) -> bool:
    """Whether the public may submit and support proposals on ``plan`` now.

    The plan is published and in co-creation or public consultation. No query.
    """
    return bool(plan.is_published and plan.state in OPEN_STATES)


def _require_open(plan: ActionPlan) -> None:
    if not phase_is_open(plan):
        raise ValidationError(
            _(
                "This action plan is not collecting proposals: proposals are made during "
                "its co-creation and public consultation stages."
            ),
            code="closed",
        )


def _clean_short(value: str | None) -> str:
    return " ".join(strip_bidi_controls(value or "").split())


def _clean_long(value: str | None) -> str:
    text = strip_bidi_controls(value or "").replace("\r\n", "\n").replace("\x00", "")
    return text.strip()


def _new_slug() -> str:
    while True:
        slug = "".join(secrets.choice(_SLUG_ALPHABET) for _i in range(_SLUG_LENGTH))
        if not Proposal.objects.filter(slug=slug).exists():
            return slug


def _principles(values: Iterable[Principle] | None) -> list[Principle] | None:
    if values is None:
        return None
    principles = list(values)
    if any(not isinstance(p, Principle) or p.pk is None for p in principles):
        raise ValidationError({"principles": _("Choose principles from the list.")})
    return principles


#: Set by the services from objects already checked, never typed: not re-read to validate.
_TRUSTED_FIELDS = [
    "slug",
    "plan",
    "collectivity",
    "meeting",
    "breakout_group",
    "author",
    "organisation",
    "entered_by",
    "answered_by",
    "hidden_by",
]


def _validate(proposal: Proposal) -> None:
    """``full_clean`` of the typed fields and the model's constraints.

    The slug is made unique by ``_new_slug`` and the relations are set from objects
    the service has checked, so neither costs a query here.
    """
    errors: dict[str, str] = {}
    if len(proposal.body) > BODY_MAX_LENGTH:
        errors["body"] = _("Write at most %(limit)d characters.") % {"limit": BODY_MAX_LENGTH}
    try:
        proposal.full_clean(exclude=[*_TRUSTED_FIELDS, *errors], validate_unique=False)
    except ValidationError as error:
        for key, messages in error.message_dict.items():
            errors.setdefault(key, " ".join(messages))
    if errors:
        raise ValidationError(errors)


def proposal_search_text(proposal: Proposal) -> str:
    """Return the folded text of ``proposal`` (title, body, reference, credited names).

    See :func:`infitah.core.text.normalize_for_search`; stored in ``search_text``.
    """
    parts = [proposal.title, proposal.body, proposal.slug, proposal.contributor_name]
    return normalize_for_search(" ".join(p for p in parts if p))


def _is_indexed_public(proposal: Proposal, plan: ActionPlan) -> bool:
    return bool(
        plan.is_published and not proposal.is_hidden and proposal.status != Status.WITHDRAWN
    )


def proposal_entry(proposal: Proposal) -> search.EntryData:
    """Return the search-index entry of ``proposal``.

    Title terms: its title. Body terms: its body, its principles' and its
    collectivity's names (every language) and the credited contributor. Public in the
    index only while the public may see it and it is not withdrawn (a hidden or
    withdrawn proposal never comes up in public search). Reads the proposal's plan,
    collectivity and principles: prefetch them when indexing many.
    """
    plan = proposal.plan
    collectivity = proposal.collectivity
    body: list[str | None] = [proposal.body, proposal.contributor_name]
    for principle in proposal.principles.all():
        body += [principle.name_ar, principle.name_fr, principle.name_en]  # type: ignore[attr-defined]
    body += [collectivity.name_ar, collectivity.name_fr, collectivity.name_en]  # type: ignore[attr-defined]
    return search.EntryData(
        object_type=PROPOSAL_TYPE,
        object_id=proposal.pk,
        title_texts=[proposal.title],
        body_texts=body,
        title=proposal.title,
        language="",
        collectivity_id=proposal.collectivity_id,
        is_public=_is_indexed_public(proposal, plan),
        dated_on=timezone.localdate(proposal.created_at) if proposal.created_at else None,
    )


def _index(proposal: Proposal) -> None:
    search.index_entry(proposal_entry(proposal))


def all_proposal_entries() -> Iterator[search.EntryData]:
    """Every proposal's index entry, for :func:`infitah.library.search.rebuild`."""
    proposals = (
        Proposal.objects.select_related("plan", "collectivity")
        .prefetch_related("principles")
        .order_by("pk")
    )
    for proposal in proposals.iterator(chunk_size=500):
        yield proposal_entry(proposal)


def _create(
    *,
    plan: ActionPlan,
    origin: str,
    title: str,
    body: str,
    principles: Sequence[Principle],
    author: Any = None,
    organisation: Organisation | None = None,
    entered_by: Any = None,
    meeting: Meeting | None = None,
    breakout_group: BreakoutGroup | None = None,
    contributor_name: str = "",
) -> Proposal:
    now = timezone.now()
    proposal = Proposal(
        plan=plan,
        collectivity_id=plan.collectivity_id,
        origin=origin,
        title=_clean_short(title),
        body=_clean_long(body),
        author=author,
        organisation=organisation,
        entered_by=entered_by,
        meeting=meeting,
        breakout_group=breakout_group,
        contributor_name=_clean_short(contributor_name),
        status=Status.SUBMITTED,
        status_changed_at=now,
    )
    proposal.slug = _new_slug()
    _validate(proposal)
    proposal.search_text = proposal_search_text(proposal)
    proposal.save()
    if principles:
        proposal.principles.set(principles)
    _index(proposal)
    return proposal


# --- Submitting and editing --------------------------------------------------------------


@transaction.atomic
def proposal_submit(
    *,
    plan: ActionPlan,
    author: Any,
    title: str,
    body: str,
    principles: Iterable[Principle] = (),
    organisation: Organisation | None = None,
) -> Proposal:
    """Submit a proposal online to ``plan`` (status submitted).

    Args:
        plan: a published plan in co-creation or public consultation.
        author: the signed-in person (``proposals.submit_proposal``: active, e-mail
            address not an unconfirmed sign-up).
        title, body: the proposal (at most 200 and 10,000 characters; bidi controls
            removed).
        principles: the network principles it serves (any number).
        organisation: an organisation the author submits for; they must be its
            approved representative and it must be verified
            (``accounts.act_for_organisation``).

    Returns:
        The saved proposal, indexed for search.

    Raises:
        PermissionDenied: not allowed to submit, or to act for ``organisation``.
        ValidationError: the plan is not collecting proposals (code ``closed``), or a
            field is invalid (by field).
    """
    if author is None or not getattr(author, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to make a proposal."))
    if not author.has_perm("proposals.submit_proposal", plan):
        raise PermissionDenied(
            _("Confirm your e-mail address (follow the link we sent you) before proposing.")
        )
    if organisation is not None and not author.has_perm(
        "accounts.act_for_organisation", organisation
    ):
        raise PermissionDenied(
            _("You may only propose on behalf of an organisation you represent.")
        )
    _require_open(plan)
    return _create(
        plan=plan,
        origin=Origin.ONLINE,
        title=title,
        body=body,
        principles=_principles(principles) or [],
        author=author,
        organisation=organisation,
    )


@transaction.atomic
def proposal_edit(
    *,
    proposal: Proposal,
    actor: Any,
    title: str,
    body: str,
    principles: Iterable[Principle] | None = None,
    contributor_name: str | None = None,
) -> Proposal:
    """Change a proposal's title, body and principles (and credited contributor).

    Authors edit their own proposal while the plan collects proposals and the
    proposal is still ``submitted`` (not yet evaluated). Staff correct the workshop
    and paper entries (no author) at any time until withdrawn.

    Args:
        proposal: the proposal.
        actor: needs ``proposals.edit_proposal`` on it.
        title, body: the new texts.
        principles: the new principles (``None`` keeps them).
        contributor_name: the credited contributor of an entry (``None`` keeps it;
            ignored for online proposals).

    Raises:
        PermissionDenied: not the author (nor staff correcting an entry).
        ValidationError: the stage is closed or the proposal already evaluated (code
            ``closed``/``status``), or a field is invalid.
    """
    _require(actor, "proposals.edit_proposal", proposal)
    plan = proposal.plan
    if proposal.author_id is not None:
        _require_open(plan)
        if proposal.status != Status.SUBMITTED:
            raise ValidationError(
                _("A proposal can no longer be changed once it is being evaluated."),
                code="status",
            )
    elif proposal.status == Status.WITHDRAWN:
        raise ValidationError(_("This proposal has been withdrawn."), code="status")
    proposal.title = _clean_short(title)
    proposal.body = _clean_long(body)
    fields = ["title", "body", "search_text", "updated_at"]
    if contributor_name is not None and proposal.origin != Origin.ONLINE:
        proposal.contributor_name = _clean_short(contributor_name)
        fields.append("contributor_name")
    chosen = _principles(principles)
    _validate(proposal)
    proposal.search_text = proposal_search_text(proposal)
    proposal.save(update_fields=fields)
    if chosen is not None:
        proposal.principles.set(chosen)
    _index(proposal)
    return proposal


def _check_meeting(
    plan: ActionPlan, meeting: Meeting | None, group: BreakoutGroup | None, *, required: bool
) -> None:
    errors: dict[str, str] = {}
    if meeting is None:
        if required:
            errors["meeting"] = _("Choose the workshop the proposal comes from.")
        if group is not None:
            errors["breakout_group"] = _("Choose the workshop of this group first.")
    elif meeting.plan_id != plan.pk:
        errors["meeting"] = _("This meeting is not one of this action plan's meetings.")
    elif group is not None and group.agenda_item.meeting_id != meeting.pk:
        errors["breakout_group"] = _("This group is not one of this meeting's groups.")
    if errors:
        raise ValidationError(errors)


def _enter(
    *,
    plan: ActionPlan,
    actor: Any,
    origin: str,
    title: str,
    body: str,
    principles: Iterable[Principle],
    meeting: Meeting | None,
    breakout_group: BreakoutGroup | None,
    contributor_name: str,
) -> Proposal:
    _require(actor, "proposals.enter_proposal", plan)
    _require_open(plan)
    _check_meeting(plan, meeting, breakout_group, required=origin == Origin.WORKSHOP)
    return _create(
        plan=plan,
        origin=origin,
        title=title,
        body=body,
        principles=_principles(principles) or [],
        entered_by=actor,
        meeting=meeting,
        breakout_group=breakout_group,
        contributor_name=contributor_name,
    )


@transaction.atomic
def proposal_enter_from_workshop(
    *,
    plan: ActionPlan,
    actor: Any,
    meeting: Meeting,
    title: str,
    body: str,
    breakout_group: BreakoutGroup | None = None,
    principles: Iterable[Principle] = (),
    contributor_name: str = "",
) -> Proposal:
    """Enter a proposal that came out of a co-creation workshop (and one of its groups).

    The proposal is linked to the meeting and group both ways (the meeting's page
    lists it: :func:`infitah.proposals.selectors.proposals_for_meeting`).

    Args:
        plan: the plan (published, co-creation or consultation).
        actor: staff with ``proposals.enter_proposal`` on the plan (administrator or
            editor of its collectivity, or a coordinator).
        meeting: a meeting of this plan.
        breakout_group: one of the meeting's breakout groups, or ``None``.
        title, body, principles: the proposal as written by the group.
        contributor_name: whom to credit (the group, an organisation), or empty.

    Raises:
        PermissionDenied: the actor may not enter proposals for this plan.
        ValidationError: stage closed (``closed``), meeting of another plan or group of
            another meeting (on ``meeting``/``breakout_group``), invalid fields.
    """
    return _enter(
        plan=plan,
        actor=actor,
        origin=Origin.WORKSHOP,
        title=title,
        body=body,
        principles=principles,
        meeting=meeting,
        breakout_group=breakout_group,
        contributor_name=contributor_name,
    )


@transaction.atomic
def proposal_enter_from_paper(
    *,
    plan: ActionPlan,
    actor: Any,
    title: str,
    body: str,
    principles: Iterable[Principle] = (),
    contributor_name: str = "",
    meeting: Meeting | None = None,
) -> Proposal:
    """Enter a proposal received on paper (a form, a letter, a consultation box).

    Same rules as :func:`proposal_enter_from_workshop`; ``meeting`` (optional) is the
    meeting where the form was collected, a meeting of this plan.
    """
    return _enter(
        plan=plan,
        actor=actor,
        origin=Origin.PAPER,
        title=title,
        body=body,
        principles=principles,
        meeting=meeting,
        breakout_group=None,
        contributor_name=contributor_name,
    )


# --- Supports -----------------------------------------------------------------------------


def _check_supportable(proposal: Proposal, user: Any, *, adding: bool) -> None:
    if user is None or not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to support proposals."))
    _require(user, "proposals.support_proposal", proposal)
    _require_open(proposal.plan)
    if proposal.is_hidden:
        raise ValidationError(_("This proposal has been hidden by moderation."), code="hidden")
    if proposal.status == Status.WITHDRAWN:
        raise ValidationError(_("This proposal has been withdrawn."), code="status")
    if adding and proposal.status == Status.REJECTED:
        raise ValidationError(_("This proposal was not retained."), code="status")


@transaction.atomic
def proposal_support(*, proposal: Proposal, user: Any) -> bool:
    """Record ``user``'s support for ``proposal`` (once: a second call changes nothing).

    The support row is inserted in a savepoint; the unique constraint refuses a second
    row for the same person, even when both requests arrive at the same moment, and
    ``support_count`` grows by one only when a row was inserted.

    Args:
        proposal: a proposal neither hidden, withdrawn nor rejected, of a plan
            collecting proposals.
        user: the signed-in person (``proposals.support_proposal``).

    Returns:
        ``True`` when the support was recorded, ``False`` when it already existed.

    Raises:
        PermissionDenied: not signed in, or an unconfirmed e-mail address.
        ValidationError: stage closed (``closed``), hidden (``hidden``), withdrawn or
            not retained (``status``).
    """
    _check_supportable(proposal, user, adding=True)
    try:
        with transaction.atomic():
            Support.objects.create(proposal=proposal, user=user)
    except IntegrityError:
        return False
    Proposal.objects.filter(pk=proposal.pk).update(support_count=F("support_count") + 1)
    proposal.support_count += 1
    return True


@transaction.atomic
def proposal_unsupport(*, proposal: Proposal, user: Any) -> bool:
    """Withdraw ``user``'s support for ``proposal`` (a second call changes nothing).

    Returns:
        ``True`` when a support was removed, ``False`` when there was none.

    Raises:
        PermissionDenied, ValidationError: as :func:`proposal_support` (supports move
            only while the plan collects proposals; a rejected proposal's supports may
            still be withdrawn).
    """
    _check_supportable(proposal, user, adding=False)
    deleted, _details = Support.objects.filter(proposal=proposal, user=user).delete()
    if not deleted:
        return False
    Proposal.objects.filter(pk=proposal.pk, support_count__gt=0).update(
        support_count=F("support_count") - 1
    )
    proposal.support_count = max(proposal.support_count - 1, 0)
    return True


# --- Answers, withdrawal ------------------------------------------------------------------


def _lock(proposal: Proposal) -> Proposal:
    """Lock the proposal's row; copy its current status and moderation to ``proposal``."""
    locked = (
        Proposal.objects.select_for_update()
        .only("status", "is_hidden", "support_count", "comment_count")
        .get(pk=proposal.pk)
    )
    proposal.status, proposal.is_hidden = locked.status, locked.is_hidden
    proposal.support_count, proposal.comment_count = locked.support_count, locked.comment_count
    return proposal


@transaction.atomic
def proposal_answer(*, proposal: Proposal, actor: Any, status: str, answer: str) -> Proposal:
    """Give the collectivity's public answer and status to a proposal.

    ``accepted`` proposals are the inputs the plan's commitments link to; ``rejected``
    (shown as "not retained") needs the reason in ``answer`` (OGP Local co-creation
    standards: a reasoned response to every contribution). ``evaluating`` tells the
    public it is being studied (``answer`` optional). An answer may be revised; the
    history keeps each version.

    Args:
        proposal: a proposal that has not been withdrawn.
        actor: staff with ``proposals.answer_proposal`` (administrator or editor of the
            collectivity, or a coordinator).
        status: one of :data:`ANSWER_STATUSES`.
        answer: the public answer (required to reject).

    Raises:
        PermissionDenied: the actor may not answer here.
        ValidationError: unknown status (on ``status``), withdrawn proposal (code
            ``status``), missing reason (on ``answer``).
    """
    _require(actor, "proposals.answer_proposal", proposal)
    if status not in ANSWER_STATUSES:
        raise ValidationError({"status": _("Choose evaluating, accepted or not retained.")})
    _lock(proposal)
    if proposal.status == Status.WITHDRAWN:
        raise ValidationError(_("This proposal has been withdrawn by its author."), code="status")
    answer = _clean_long(answer)
    if status == Status.REJECTED and not answer:
        raise ValidationError(
            {"answer": _("Give the reason why the proposal is not retained: it is public.")}
        )
    now = timezone.now()
    if status != proposal.status:
        proposal.status = status
        proposal.status_changed_at = now
    if answer != proposal.answer:
        proposal.answered_at = now if answer else None
        proposal.answered_by = actor if answer else None
    proposal.answer = answer
    _validate(proposal)
    proposal.save(
        update_fields=[
            "status",
            "status_changed_at",
            "answer",
            "answered_at",
            "answered_by",
            "updated_at",
        ]
    )
    _index(proposal)
    return proposal


@transaction.atomic
def proposal_withdraw(*, proposal: Proposal, actor: Any) -> Proposal:
    """The author withdraws their proposal (before it is accepted or not retained).

    A withdrawn proposal keeps its page (with its status) but leaves the lists,
    the search and the supports.

    Raises:
        PermissionDenied: not its author (nor a representative of its organisation).
        ValidationError: already answered or withdrawn (code ``status``).
    """
    _require(actor, "proposals.withdraw_proposal", proposal)
    _lock(proposal)
    if proposal.status not in WITHDRAWABLE:
        raise ValidationError(
            _("A proposal that has been answered or withdrawn cannot be withdrawn."),
            code="status",
        )
    proposal.status = Status.WITHDRAWN
    proposal.status_changed_at = timezone.now()
    proposal.save(update_fields=["status", "status_changed_at", "updated_at"])
    _index(proposal)
    return proposal


# --- Moderation ---------------------------------------------------------------------------


@transaction.atomic
def proposal_hide(*, proposal: Proposal, actor: Any, reason: str) -> Proposal:
    """Hide a proposal from every public page, list, count, feed, export and the API.

    Hiding again changes the reason. Staff of the collectivity still see it, with the
    reason; the history keeps who hid it, when and why.

    Args:
        proposal: the proposal.
        actor: ``proposals.moderate_proposal`` (administrator or moderator of the
            collectivity, or a coordinator).
        reason: why (required; shown to staff and to the author).

    Raises:
        PermissionDenied: the actor may not moderate here.
        ValidationError: no reason (on ``reason``).
    """
    _require(actor, "proposals.moderate_proposal", proposal)
    reason = _clean_long(reason)
    if not reason:
        raise ValidationError({"reason": _("Give the reason for hiding this proposal.")})
    _lock(proposal)
    proposal.is_hidden = True
    proposal.hidden_reason = reason
    proposal.hidden_by = actor
    proposal.hidden_at = timezone.now()
    proposal.save(
        update_fields=["is_hidden", "hidden_reason", "hidden_by", "hidden_at", "updated_at"]
    )
    _index(proposal)
    return proposal


@transaction.atomic
def proposal_unhide(*, proposal: Proposal, actor: Any) -> Proposal:
    """Show a hidden proposal again (the history keeps the earlier hiding).

    Raises:
        PermissionDenied: the actor lacks ``proposals.moderate_proposal``.
        ValidationError: the proposal is not hidden (code ``not_hidden``).
    """
    _require(actor, "proposals.moderate_proposal", proposal)
    _lock(proposal)
    if not proposal.is_hidden:
        raise ValidationError(_("This proposal is not hidden."), code="not_hidden")
    proposal.is_hidden = False
    proposal.hidden_reason = ""
    proposal.hidden_by = None
    proposal.hidden_at = None
    proposal.save(
        update_fields=["is_hidden", "hidden_reason", "hidden_by", "hidden_at", "updated_at"]
    )
    _index(proposal)
    return proposal


# --- Counters -----------------------------------------------------------------------------


def _visible_comment_count(proposal: Proposal) -> int | None:
    """The comments app's count of visible comments, or ``None`` without that app."""
    try:
        from infitah.comments.selectors import visible_comment_count
    except ImportError:  # pragma: no cover - the comments app is part of the platform
        return None
    return int(visible_comment_count(proposal))


def proposal_comments_changed(target: Any) -> None:
    """Comments' ``on_change`` hook: store the proposal's visible comment count.

    Called by the comments app in the transaction that added, hid or showed a comment
    on ``target`` (a :class:`Proposal`). One count and one update.
    """
    if not isinstance(target, Proposal):
        return
    count = _visible_comment_count(target)
    if count is None:
        return
    Proposal.objects.filter(pk=target.pk).update(comment_count=count)
    target.comment_count = count
    bump_content_version()  # ``update()`` sends no signal: the lists show the count


@transaction.atomic
def proposal_refresh_counts(*, proposals: Iterable[Proposal] | None = None) -> int:
    """Recount supports (and visible comments) of ``proposals`` (default: all).

    For repairs: after accounts were deleted (their supports go with them) or a bulk
    import. Returns how many proposals changed.
    """
    queryset = Proposal.objects.order_by("pk")
    if proposals is not None:
        queryset = queryset.filter(pk__in=[p.pk for p in proposals])
    changed = 0
    for proposal in queryset.only("pk", "support_count", "comment_count").iterator():
        supports = Support.objects.filter(proposal_id=proposal.pk).count()
        comments = _visible_comment_count(proposal)
        values: dict[str, int] = {}
        if supports != proposal.support_count:
            values["support_count"] = supports
        if comments is not None and comments != proposal.comment_count:
            values["comment_count"] = comments
        if values:
            Proposal.objects.filter(pk=proposal.pk).update(**values)
            changed += 1
    if changed:
        bump_content_version()
    return changed
