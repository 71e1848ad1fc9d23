"""Pages of requesters and information officers (the public ones: ``views_public``).

Requesters (signed in): file a request with a member collectivity, get its receipt,
follow their requests (timeline, due date, days left), clarify, withdraw, complain.
Information officers (and the collectivity's administrator): the queue of their
collectivities' requests, each request with a form per step of the workflow, the
registration of paper, post and e-mail requests, complaints; coordinators and
officers: the holiday calendar (coordinators correct it).

Nothing here is cached (every page is per user). Requests that are not the user's
answer 404 (their existence is not revealed); pages a user may not use answer 403.
Every form re-shows with its errors; services' ``ValidationError`` become form errors.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from infitah.access_info import conf, deadlines, forms, services
from infitah.access_info import selectors_requests as selectors
from infitah.access_info.models import (
    Complaint,
    HolidayOverride,
    InformationRequest,
    RequestDocument,
    RequestEvent,
)
from infitah.access_info.rules import handled_collectivity_ids
from infitah.accounts.models import User
from infitah.accounts.selectors import user_email_is_unverified
from infitah.core.downloads import safe_file_response
from infitah.core.selectors import clean_choice, clean_query, page_notice, paginate
from infitah.territories.models import Collectivity

__all__ = [
    "holiday_delete",
    "holidays",
    "my_request_clarify",
    "my_request_complaint",
    "my_request_detail",
    "my_request_withdraw",
    "my_requests",
    "officer_complaint_decide",
    "officer_queue",
    "officer_register",
    "officer_request_action",
    "officer_request_detail",
    "request_document",
    "request_new",
    "request_receipt",
]

#: Rows per page of the requester's and the officers' lists.
PAGE_SIZE = 25

Status = InformationRequest.Status


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _today() -> datetime.date:
    return deadlines.local_date(timezone.now())


def _deadline_figures(
    info: InformationRequest, calendar: deadlines.WorkingCalendar
) -> dict[str, Any]:
    today = _today()
    row = selectors.queue_rows([info], today=today, calendar=calendar)[0]
    return {"row": row, "today": today}


# --- Requesters ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest) -> HttpResponse:
    """``/<lang>/information/new/``: file a request with a member collectivity.

    ``?collectivity=<official code or slug>`` preselects one. Accounts whose e-mail is
    not confirmed are told to confirm it first.
    """
    user = _user(request)
    if not user.has_perm("access_info.file_request"):
        raise PermissionDenied
    collectivities = selectors.member_collectivities()
    unverified = user_email_is_unverified(user)
    initial: dict[str, Any] = {"requester_name": user.get_full_name() or user.display_name}
    wanted = clean_choice(request.GET.get("collectivity"))
    if wanted:
        found = collectivities.filter(Q(code=wanted) | Q(slug=wanted)).first()
        if found is not None:
            initial["collectivity"] = found.pk
    form = forms.RequestForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        collectivities=collectivities,
    )
    if request.method == "POST" and not unverified and form.is_valid():
        data = form.cleaned_data
        try:
            info = services.request_file(
                requester=user,
                collectivity=data["collectivity"],
                subject=data["subject"],
                information_requested=data["information_requested"],
                preferred_form=data["preferred_form"],
                requester_name=data["requester_name"],
                id_document_kind=data["id_document_kind"],
                id_document_number=data["id_document_number"],
                postal_address=data["postal_address"],
                phone=data["phone"],
                is_urgent=data["is_urgent"],
                urgency_reason=data["urgency_reason"],
            )
        except ValidationError as error:
            forms.add_service_errors(form, error)
        else:
            messages.success(request, gettext("Your request has been received."))
            return redirect("access_info:request-receipt", reference=info.reference)
    return render(
        request,
        "access_info/request_new.html",
        {"form": form, "unverified": unverified, "has_members": collectivities.exists()},
    )


def _requester_request(request: HttpRequest, reference: str) -> InformationRequest:
    info = selectors.request_for_requester(_user(request), reference)
    if info is None:
        raise Http404("No such request among yours.")
    return info


@login_required
def request_receipt(request: HttpRequest, reference: str) -> HttpResponse:
    """``/<lang>/information/my/<reference>/receipt/``: the receipt (article 15).

    For the requester, and for the handlers of the collectivity (to print it for a
    request received at the office).
    """
    user = _user(request)
    info = selectors.request_for_requester(user, reference) or selectors.request_for_officer(
        user, reference
    )
    if info is None or not user.has_perm("access_info.view_requester_identity", info):
        raise Http404("No such request.")
    return render(
        request,
        "access_info/request_receipt.html",
        {"info": info, "is_officer": user.has_perm("access_info.handle_request", info)},
    )


@login_required
def my_requests(request: HttpRequest) -> HttpResponse:
    """``/<lang>/information/my/``: the requests filed from this account, newest first."""
    user = _user(request)
    raw_page = request.GET.get("page")
    page = paginate(selectors.my_requests(user), raw_page, per_page=PAGE_SIZE)
    calendar = deadlines.WorkingCalendar()
    rows = selectors.queue_rows(list(page.object_list), today=_today(), calendar=calendar)
    return render(
        request,
        "access_info/request_my_list.html",
        {"page": page, "rows": rows, "page_notice": page_notice(raw_page, page.number)},
    )


def _render_my_detail(
    request: HttpRequest,
    info: InformationRequest,
    *,
    clarify_form: forms.ClarifyForm | None = None,
    complaint_form: forms.ComplaintForm | None = None,
    status: int = 200,
) -> HttpResponse:
    calendar = deadlines.WorkingCalendar()
    complaints = list(info.complaints.all())
    option = services.complaint_next_stage(info, complaints=complaints, calendar=calendar)
    if complaint_form is None and option is not None:
        complaint_form = forms.ComplaintForm(initial={"stage": option.stage})
    if clarify_form is None and info.status == Status.CLARIFICATION:
        clarify_form = forms.ClarifyForm()
    events = list(info.events.all())
    context = {
        "info": info,
        "events": events,
        "documents": list(info.documents.all()),
        "complaint_rows": [(complaint, None) for complaint in complaints],
        "complaint_option": option,
        "complaint_form": complaint_form if option is not None else None,
        "clarification_question": _last_question(events),
        "clarify_form": clarify_form if info.status == Status.CLARIFICATION else None,
        "can_withdraw": info.is_open,
        **_deadline_figures(info, calendar),
        **_labels(),
    }
    return render(request, "access_info/request_my_detail.html", context, status=status)


def _last_question(events: list[Any]) -> str:
    """The last clarification question asked (shown above the clarification form)."""
    asked = [e for e in events if e.kind == RequestEvent.Kind.CLARIFICATION_ASKED]
    return asked[-1].note if asked else ""


@login_required
def my_request_detail(request: HttpRequest, reference: str) -> HttpResponse:
    """``/<lang>/information/my/<reference>/``: one of the user's requests.

    Its timeline, due date and days left, the answer and documents, the
    clarification form when one is asked, and the complaint form when the request
    allows one (after a refusal, a partial answer or no answer in time).
    """
    return _render_my_detail(request, _requester_request(request, reference))


@login_required
@require_POST
def my_request_clarify(request: HttpRequest, reference: str) -> HttpResponse:
    """POST: send the clarification the officer asked for."""
    info = _requester_request(request, reference)
    form = forms.ClarifyForm(request.POST)
    if form.is_valid():
        try:
            services.request_clarify(
                actor=_user(request), request=info, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            forms.add_service_errors(form, error)
        else:
            messages.success(request, gettext("Your clarification has been sent."))
            return redirect("access_info:my-request-detail", reference=info.reference)
    info = _requester_request(request, reference)
    return _render_my_detail(request, info, clarify_form=form)


@login_required
@require_POST
def my_request_withdraw(request: HttpRequest, reference: str) -> HttpResponse:
    """POST: withdraw the request (while it is open)."""
    info = _requester_request(request, reference)
    try:
        services.request_withdraw(actor=_user(request), request=info)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, gettext("Your request has been withdrawn."))
    return redirect("access_info:my-request-detail", reference=info.reference)


@login_required
@require_POST
def my_request_complaint(request: HttpRequest, reference: str) -> HttpResponse:
    """POST: complain at the stage the request allows (head, CDAI, court)."""
    info = _requester_request(request, reference)
    form = forms.ComplaintForm(request.POST)
    if form.is_valid():
        try:
            services.complaint_file(
                actor=_user(request),
                request=info,
                stage=form.cleaned_data["stage"],
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            forms.add_service_errors(form, error)
        else:
            messages.success(request, gettext("Your complaint has been recorded."))
            return redirect("access_info:my-request-detail", reference=info.reference)
    info = _requester_request(request, reference)
    return _render_my_detail(request, info, complaint_form=form)


@login_required
def request_document(request: HttpRequest, pk: int) -> FileResponse:
    """``/<lang>/information/documents/<pk>/``: a released document (requester, handlers).

    Sent as an attachment with ``nosniff`` and a sandboxing policy
    (:func:`infitah.core.downloads.safe_file_response`); 404 when missing.
    """
    document = RequestDocument.objects.select_related("request").filter(pk=pk).first()
    if document is None or not _user(request).has_perm(
        "access_info.view_requester_identity", document.request
    ):
        raise Http404("No such document.")
    if not document.file:
        raise Http404("The file is missing.")
    return safe_file_response(document.file, document.file.name.rsplit("/", 1)[-1])


# --- Information officers -----------------------------------------------------------------


def _require_handler(request: HttpRequest) -> list[Collectivity]:
    collectivities = list(selectors.handled_collectivities(_user(request)))
    if not collectivities:
        raise PermissionDenied
    return collectivities


@dataclass(frozen=True)
class _Choice:
    value: str
    label: str


def _labels() -> dict[str, Any]:
    return {
        "stage_labels": dict(Complaint.Stage.choices),
        "outcome_labels": dict(Complaint.Outcome.choices),
        "status_labels": dict(Status.choices),
    }


@login_required
def officer_queue(request: HttpRequest) -> HttpResponse:
    """``/<lang>/information/officer/``: the requests of the collectivities the user handles.

    Query parameters (bad values are ignored with a notice): ``collectivity`` (id),
    ``status`` (``open`` — default —, ``all`` or a status), ``flag`` (``late``,
    ``very_late``, ``urgent``), ``q`` (reference or words of the subject), ``page``.
    Each row shows the due date, the working days left or late, and the flags. The
    number of queries does not depend on the number of rows.
    """
    collectivities = _require_handler(request)
    user = _user(request)
    notices: list[str] = []
    raw_collectivity = clean_choice(request.GET.get("collectivity"))
    collectivity_id: int | None = None
    if raw_collectivity:
        known = {str(c.pk): c.pk for c in collectivities}
        if raw_collectivity in known:
            collectivity_id = known[raw_collectivity]
        else:
            notices.append(gettext("Unknown collectivity: all of yours are shown."))
    status = clean_choice(request.GET.get("status")) or "open"
    if status not in ("open", "all", *Status.values):
        notices.append(gettext("Unknown status: open requests are shown."))
        status = "open"
    flag = clean_choice(request.GET.get("flag"))
    if flag and flag not in selectors.QUEUE_FLAGS:
        notices.append(gettext("Unknown filter: it was ignored."))
        flag = ""
    query = clean_query(request.GET.get("q"))
    today = _today()
    calendar = deadlines.WorkingCalendar()
    queryset = selectors.officer_queue(
        user,
        collectivity_id=collectivity_id,
        status=status,
        flag=flag,
        query=query,
        today=today,
        calendar=calendar,
    )
    raw_page = request.GET.get("page")
    page = paginate(queryset, raw_page, per_page=PAGE_SIZE)
    rows = selectors.queue_rows(list(page.object_list), today=today, calendar=calendar)
    context = {
        "collectivities": collectivities,
        "selected_collectivity": collectivity_id,
        "statuses": [_Choice("open", gettext("Open")), _Choice("all", gettext("All"))]
        + [_Choice(value, str(label)) for value, label in Status.choices],
        "selected_status": status,
        "flags": [
            _Choice("late", gettext("Late")),
            _Choice("very_late", gettext("Very late")),
            _Choice("urgent", gettext("Urgent")),
        ],
        "selected_flag": flag,
        "query": query,
        "notices": notices,
        "page": page,
        "rows": rows,
        "page_notice": page_notice(raw_page, page.number),
        "is_filtered": bool(collectivity_id or status != "open" or flag or query),
        "very_late_days": conf.very_late_working_days(),
    }
    return render(request, "access_info/officer_queue.html", context)


def _officer_request(request: HttpRequest, reference: str) -> InformationRequest:
    info = selectors.request_for_officer(_user(request), reference)
    if info is None:
        raise Http404("No such request in your collectivities.")
    if not _user(request).has_perm("access_info.handle_request", info):
        raise PermissionDenied
    return info


def _available_actions(info: InformationRequest, today: datetime.date) -> set[str]:
    actions: set[str] = set()
    if info.is_open:
        actions |= {"refuse", "transfer", "withdraw", "answer"}
        if info.status == Status.RECEIVED:
            actions.add("start")
        if info.status == Status.CLARIFICATION:
            actions.add("clarified")
        else:
            actions.add("clarification")
        if (
            info.extended_at is None
            and today <= info.due_on
            and (not info.is_urgent or conf.urgent_extension_working_days() > 0)
        ):
            actions.add("extend")
    elif services._may_decide_again(info):
        actions.add("answer")
    if info.status in (Status.ANSWERED, Status.PARTLY_ANSWERED):
        actions.add("publish")
    return actions


def _action_forms(info: InformationRequest, documents: list[RequestDocument]) -> dict[str, Any]:
    return {
        "clarification": forms.ClarificationQuestionForm(prefix="clarification"),
        "clarified": forms.ClarifyForm(prefix="clarified"),
        "extend": forms.ExtendForm(prefix="extend"),
        "answer": forms.AnswerForm(prefix="answer", initial={"fee_amount": 0}),
        "refuse": forms.RefuseForm(prefix="refuse"),
        "transfer": forms.TransferForm(prefix="transfer"),
        "publish": forms.PublishForm(
            prefix="publish",
            documents=documents,
            initial={
                "subject": info.subject,
                "released_text": info.released_text,
                "public_documents": [d.pk for d in documents if d.is_public],
            },
        ),
        "complaint": forms.ComplaintRecordForm(prefix="complaint"),
    }


def _render_officer_detail(
    request: HttpRequest,
    info: InformationRequest,
    *,
    bound: dict[str | int, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    calendar = deadlines.WorkingCalendar()
    today = _today()
    documents = list(info.documents.all())
    complaints = list(info.complaints.all())
    action_forms = _action_forms(info, documents)
    decide_forms = {
        c.pk: forms.ComplaintDecideForm(prefix=f"decide-{c.pk}")
        for c in complaints
        if c.outcome == Complaint.Outcome.PENDING
    }
    for key, form in (bound or {}).items():
        if isinstance(key, int):
            decide_forms[key] = form
        else:
            action_forms[key] = form
    option = services.complaint_next_stage(
        info, complaints=complaints, calendar=calendar, today=today
    )
    if option is not None and not (bound and "complaint" in bound):
        action_forms["complaint"] = forms.ComplaintRecordForm(
            prefix="complaint", initial={"stage": option.stage, "ground": option.ground}
        )
    actions = _available_actions(info, today)
    context = {
        "info": info,
        "events": list(info.events.all()),
        "documents": documents,
        "complaint_rows": [(c, decide_forms.get(c.pk)) for c in complaints],
        "complaint_option": option,
        "actions": actions,
        "forms": action_forms,
        "extension_days": (
            conf.urgent_extension_working_days()
            if info.is_urgent
            else conf.extension_working_days()
        ),
        **_deadline_figures(info, calendar),
        **_labels(),
    }
    return render(request, "access_info/officer_request_detail.html", context, status=status)


@login_required
def officer_request_detail(request: HttpRequest, reference: str) -> HttpResponse:
    """``/<lang>/information/officer/requests/<reference>/``: one request, for its handlers.

    The requester's identity, the request, its deadline, its timeline, documents and
    complaints, and a form for each step the request allows now.
    """
    return _render_officer_detail(request, _officer_request(request, reference))


def _run_action(
    action: str, user: User, info: InformationRequest, form: Any
) -> InformationRequest | Complaint:
    data = form.cleaned_data if form is not None else {}
    if action == "start":
        return services.request_start(actor=user, request=info)
    if action == "clarification":
        return services.request_ask_clarification(
            actor=user, request=info, question=data["question"]
        )
    if action == "clarified":
        return services.request_clarify(actor=user, request=info, text=data["text"])
    if action == "extend":
        return services.request_extend(actor=user, request=info, reason=data["reason"])
    if action == "answer":
        return services.request_answer(
            actor=user,
            request=info,
            partial=data["partial"],
            released_text=data["released_text"],
            documents=[(file.name, file) for file in data["documents"]],
            fee_amount=data["fee_amount"],
            fee_reason=data["fee_reason"],
            refusal_ground=data["refusal_ground"],
            refusal_text=data["refusal_text"],
        )
    if action == "refuse":
        return services.request_refuse(
            actor=user, request=info, ground=data["ground"], text=data["text"]
        )
    if action == "transfer":
        return services.request_transfer(actor=user, request=info, to_body=data["to_body"])
    if action == "withdraw":
        return services.request_withdraw(actor=user, request=info)
    if action == "publish":
        return services.request_publish_answer(
            actor=user,
            request=info,
            released_text=data["released_text"],
            subject=data["subject"],
            public_document_ids=[d.pk for d in data["public_documents"]],
        )
    if action == "complaint":
        return services.complaint_file(
            actor=user,
            request=info,
            stage=data["stage"],
            ground=data["ground"] or None,
            text=data["text"],
            filed_at=data["filed_at"],
        )
    raise Http404("Unknown action.")


#: Action -> (form class or None, success message).
_ACTIONS: dict[str, tuple[Callable[..., Any] | None, Any]] = {
    "start": (None, _("The request is in progress.")),
    "clarification": (
        forms.ClarificationQuestionForm,
        _("The question has been sent to the requester."),
    ),
    "clarified": (forms.ClarifyForm, _("The clarification has been recorded.")),
    "extend": (forms.ExtendForm, _("The deadline has been extended.")),
    "answer": (forms.AnswerForm, _("The answer has been recorded and sent.")),
    "refuse": (forms.RefuseForm, _("The refusal has been recorded and sent.")),
    "transfer": (forms.TransferForm, _("The transfer has been recorded and sent.")),
    "withdraw": (None, _("The withdrawal has been recorded.")),
    "publish": (forms.PublishForm, _("The answer is published in the public register.")),
    "complaint": (forms.ComplaintRecordForm, _("The complaint has been recorded.")),
}


@login_required
@require_POST
def officer_request_action(request: HttpRequest, reference: str, action: str) -> HttpResponse:
    """POST ``…/officer/requests/<reference>/<action>/``: one step of the workflow.

    Actions: ``start``, ``clarification`` (ask), ``clarified`` (record the answer),
    ``extend``, ``answer``, ``refuse``, ``transfer``, ``withdraw``, ``publish``,
    ``complaint`` (record). Success redirects to the request; errors re-show its page
    with the form's messages.
    """
    if action not in _ACTIONS:
        raise Http404("Unknown action.")
    info = _officer_request(request, reference)
    user = _user(request)
    form_class, success = _ACTIONS[action]
    form: Any
    if form_class is None:
        form = None
    elif form_class is forms.PublishForm:
        form = forms.PublishForm(request.POST, prefix=action, documents=list(info.documents.all()))
    else:
        form = form_class(request.POST, request.FILES, prefix=action)
    if form is None or form.is_valid():
        try:
            _run_action(action, user, info, form)
        except ValidationError as error:
            if form is None:
                for message in error.messages:
                    messages.error(request, message)
                return redirect("access_info:officer-request-detail", reference=info.reference)
            forms.add_service_errors(form, error)
        else:
            messages.success(request, str(success))
            return redirect("access_info:officer-request-detail", reference=info.reference)
    info = _officer_request(request, reference)
    return _render_officer_detail(request, info, bound={action: form})


@login_required
@require_POST
def officer_complaint_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """POST ``…/officer/complaints/<pk>/decide/``: record the decision on a complaint."""
    user = _user(request)
    ids = handled_collectivity_ids(user)
    complaint = (
        Complaint.objects.select_related("request")
        .filter(pk=pk, request__collectivity_id__in=ids)
        .first()
    )
    if complaint is None:
        raise Http404("No such complaint in your collectivities.")
    form = forms.ComplaintDecideForm(request.POST, prefix=f"decide-{pk}")
    if form.is_valid():
        try:
            services.complaint_decide(
                actor=user,
                complaint=complaint,
                outcome=form.cleaned_data["outcome"],
                outcome_text=form.cleaned_data["outcome_text"],
                decided_on=form.cleaned_data["decided_on"],
            )
        except ValidationError as error:
            forms.add_service_errors(form, error)
        else:
            messages.success(request, gettext("The decision has been recorded."))
            return redirect(
                "access_info:officer-request-detail", reference=complaint.request.reference
            )
    info = _officer_request(request, complaint.request.reference)
    return _render_officer_detail(request, info, bound={pk: form})


@login_required
@require_http_methods(["GET", "POST"])
def officer_register(request: HttpRequest) -> HttpResponse:
    """``/<lang>/information/officer/register/``: type a paper, post or e-mail request.

    The date and time of receipt (local time) start the legal period. The requester's
    e-mail is optional (they then get the e-mails, in the language chosen).
    """
    collectivities = _require_handler(request)
    user = _user(request)
    queryset = Collectivity.objects.filter(pk__in=[c.pk for c in collectivities]).order_by(
        "name", "code"
    )
    initial = {
        "collectivity": collectivities[0].pk,
        "received_at": timezone.localtime().replace(second=0, microsecond=0),
        "language": get_language() or settings.LANGUAGE_CODE,
        "channel": InformationRequest.Channel.PAPER,
    }
    form = forms.RegisterForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        collectivities=queryset,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            info = services.request_register(
                officer=user,
                collectivity=data["collectivity"],
                channel=data["channel"],
                received_at=data["received_at"],
                requester_name=data["requester_name"],
                id_document_kind=data["id_document_kind"],
                id_document_number=data["id_document_number"],
                postal_address=data["postal_address"],
                email=data["email"],
                phone=data["phone"],
                language=data["language"],
                subject=data["subject"],
                information_requested=data["information_requested"],
                preferred_form=data["preferred_form"],
                is_urgent=data["is_urgent"],
                urgency_reason=data["urgency_reason"],
            )
        except ValidationError as error:
            forms.add_service_errors(form, error)
        except PermissionDenied:
            form.add_error(
                "collectivity", gettext("You do not handle this collectivity's requests.")
            )
        else:
            messages.success(
                request,
                gettext("Request %(reference)s registered.") % {"reference": info.reference},
            )
            return redirect("access_info:officer-request-detail", reference=info.reference)
    return render(request, "access_info/officer_register.html", {"form": form})


# --- The holiday calendar ---------------------------------------------------------------

WEEKDAY_NAMES = (
    _("Monday"),
    _("Tuesday"),
    _("Wednesday"),
    _("Thursday"),
    _("Friday"),
    _("Saturday"),
    _("Sunday"),
)


def _year(raw: str | None) -> tuple[int, bool]:
    this_year = _today().year
    if not raw:
        return this_year, True
    value = clean_choice(raw, max_length=4)
    if value.isdigit() and 2000 <= int(value) <= 2100:
        return int(value), True
    return this_year, False


@login_required
@require_http_methods(["GET", "POST"])
def holidays(request: HttpRequest) -> HttpResponse:
    """``/<lang>/information/holidays/``: the days off of a year and their corrections.

    Lists the holidays the deadlines count with (``?year=``, default this year): from
    the calendar library, added by a coordinator, or removed by one. Coordinators add
    a correction here (POST); saving recomputes open requests' due dates.
    """
    user = _user(request)
    if not user.has_perm("access_info.view_holiday_calendar"):
        raise PermissionDenied
    can_edit = user.has_perm("access_info.add_holidayoverride")
    year, year_ok = _year(request.GET.get("year"))
    form = forms.HolidayOverrideForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                override = services.holiday_override_save(
                    actor=user,
                    date=data["date"],
                    is_holiday=data["is_holiday"],
                    name=data["name"],
                    note=data["note"],
                )
            except ValidationError as error:
                forms.add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    gettext(
                        "The correction is saved; the due dates of open requests are being "
                        "recomputed."
                    ),
                )
                return redirect(reverse("access_info:holidays") + f"?year={override.date.year}")
    language = get_language() or settings.LANGUAGE_CODE
    rows = [
        {"date": day, "weekday": WEEKDAY_NAMES[day.weekday()], "name": name, "source": source}
        for day, name, source in deadlines.holiday_names(year, language)
    ]
    overrides = list(HolidayOverride.objects.filter(date__year=year).order_by("date"))
    return render(
        request,
        "access_info/officer_holidays.html",
        {
            "year": year,
            "year_ok": year_ok,
            "rows": rows,
            "overrides": overrides,
            "form": form if can_edit else None,
            "can_edit": can_edit,
            "previous_year": year - 1,
            "next_year": year + 1,
            "weekend": [WEEKDAY_NAMES[d] for d in sorted(conf.weekend_days())],
        },
    )


@login_required
@require_POST
def holiday_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """POST ``/<lang>/information/holidays/<pk>/delete/``: delete a correction (coordinators)."""
    override = HolidayOverride.objects.filter(pk=pk).first()
    if override is None:
        raise Http404("No such correction.")
    services.holiday_override_delete(actor=_user(request), override=override)
    messages.success(
        request,
        gettext("The correction is deleted; the due dates of open requests are being recomputed."),
    )
    return redirect(reverse("access_info:holidays") + f"?year={override.date.year}")
