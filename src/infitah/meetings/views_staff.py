"""The organisers' pages of the meetings app: meeting form, publication and cancellation,
agenda editor, registrations list and CSV export, attendance, minutes and documents.

Every page asks for a permission by name (:mod:`infitah.meetings.rules`) on the meeting:
anonymous visitors are sent to the sign-in page, people who may not see the meeting get
404 (unpublished) and the others 403. Every write is a plain HTML form POST that calls a
service (:mod:`infitah.meetings.services`).
"""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from infitah.accounts.models import Organisation, User
from infitah.core.selectors import clean_choice, page_notice, paginate
from infitah.meetings import selectors, services
from infitah.meetings.forms import (
    NETWORK_ORGANISER,
    AgendaItemForm,
    AttendanceForm,
    BreakoutGroupForm,
    CancelMeetingForm,
    DocumentForm,
    MeetingForm,
    MinutesForm,
)
from infitah.meetings.models import (
    AgendaItem,
    Attendance,
    BreakoutGroup,
    Meeting,
    MeetingDocument,
    Registration,
)
from infitah.meetings.views import (
    STAFF_PAGE_SIZE,
    _back_to,
    _managed,
    _service_error,
    _user,
    login_or_403,
)
from infitah.network.models import Membership
from infitah.network.selectors import current_network
from infitah.plans.models import ActionPlan
from infitah.territories.models import Collectivity

# --- Organisers: meetings ----------------------------------------------------------------


def _organiser_choices(user: User) -> list[tuple[str, str]]:
    collectivities, network = selectors.organiser_collectivities(user)
    choices: list[tuple[str, str]] = []
    if network:
        choices.append((NETWORK_ORGANISER, gettext("The network (network meeting)")))
        # Coordinators: the network's members, not every territorial unit.
        collectivities = collectivities.filter(pk__in=Membership.objects.values("collectivity_id"))
    choices += [(str(c.pk), str(c.name)) for c in collectivities]
    return choices


def _plans_for(user: User, collectivity: Collectivity | None = None) -> Any:
    if collectivity is not None:
        return ActionPlan.objects.filter(collectivity=collectivity).order_by("-start_month")
    collectivities, network = selectors.organiser_collectivities(user)
    queryset = ActionPlan.objects.select_related("collectivity").order_by(
        "collectivity__code", "-start_month"
    )
    if network:
        return queryset
    return queryset.filter(collectivity__in=collectivities)


def _organisations_for(collectivity: Collectivity | None) -> Any:
    queryset = Organisation.objects.order_by("name")
    if collectivity is None:
        return queryset
    return queryset.filter(Q(collectivity=collectivity) | Q(collectivity__isnull=True))


@login_or_403
@require_GET
def manage(request: HttpRequest) -> HttpResponse:
    """``/<lang>/meetings/manage/``: the meetings the user organises (published or not)."""
    user = _user(request)
    if not user.has_perm("meetings.add_meeting"):
        raise PermissionDenied
    raw_page = request.GET.get("page")
    page = paginate(selectors.manageable_meetings(user), raw_page, per_page=STAFF_PAGE_SIZE)
    return render(
        request,
        "meetings/manage.html",
        {"page": page, "page_notice": page_notice(raw_page, page.number)},
    )


@login_or_403
@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest) -> HttpResponse:
    """``/<lang>/meetings/new/``: create a meeting (unpublished until published)."""
    user = _user(request)
    if not user.has_perm("meetings.add_meeting"):
        raise PermissionDenied
    network = current_network()
    if network is None:
        raise Http404("The network is not set up.")
    organisers = _organiser_choices(user)
    form = MeetingForm(
        request.POST or None,
        organisers=organisers,
        plans=_plans_for(user),
        organisations=_organisations_for(None),
    )
    if request.method == "POST" and form.is_valid():
        organiser = form.cleaned_data["organiser"]
        collectivity = (
            None
            if organiser == NETWORK_ORGANISER
            else Collectivity.objects.filter(pk=organiser).first()
        )
        try:
            meeting = services.meeting_create(
                actor=user,
                network=network,
                collectivity=collectivity,
                data=form.meeting_data(),
                participating_collectivities=form.cleaned_data["participating_collectivities"],
                participating_organisations=form.cleaned_data["participating_organisations"],
            )
        except PermissionDenied:
            form.add_error("organiser", gettext("You may not organise meetings for it."))
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                gettext("The meeting is saved. Add its agenda, then publish it."),
            )
            return redirect(meeting.get_absolute_url())
    return render(request, "meetings/meeting_form.html", {"form": form, "meeting": None})


@login_or_403
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """``/<lang>/meetings/<slug>/edit/``: change a meeting (not its organiser)."""
    meeting = _managed(request, slug, "meetings.change_meeting")
    user = _user(request)
    form = MeetingForm(
        request.POST or None,
        initial=MeetingForm.initial_for(meeting),
        plans=_plans_for(user, meeting.collectivity)
        if meeting.collectivity
        else ActionPlan.objects.none(),
        organisations=_organisations_for(meeting.collectivity),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_update(
                actor=user,
                meeting=meeting,
                data=form.meeting_data(),
                participating_collectivities=form.cleaned_data["participating_collectivities"],
                participating_organisations=form.cleaned_data["participating_organisations"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, gettext("The meeting is saved."))
            return redirect(meeting.get_absolute_url())
    return render(request, "meetings/meeting_form.html", {"form": form, "meeting": meeting})


@require_POST
@login_or_403
def meeting_publish(request: HttpRequest, slug: str) -> HttpResponse:
    """POST ``/<lang>/meetings/<slug>/publish/``: publish (or ``action=unpublish``)."""
    meeting = _managed(request, slug, "meetings.publish_meeting")
    user = _user(request)
    try:
        if request.POST.get("action") == "unpublish":
            services.meeting_unpublish(actor=user, meeting=meeting)
            messages.success(request, gettext("The meeting is no longer public."))
        else:
            services.meeting_publish(actor=user, meeting=meeting)
            messages.success(request, gettext("The meeting is published."))
    except ValidationError as error:
        _service_error(request, error)
    return redirect(meeting.get_absolute_url())


@login_or_403
@require_http_methods(["GET", "POST"])
def meeting_cancel(request: HttpRequest, slug: str) -> HttpResponse:
    """``/<lang>/meetings/<slug>/cancel/``: cancel a meeting, with the reason."""
    meeting = _managed(request, slug, "meetings.cancel_meeting")
    form = CancelMeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_cancel(
                actor=_user(request), meeting=meeting, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request, gettext("The meeting is cancelled; everyone registered is told.")
            )
            return redirect(meeting.get_absolute_url())
    return render(request, "meetings/cancel.html", {"form": form, "meeting": meeting})


# --- Organisers: agenda ------------------------------------------------------------------


def _item_of(meeting: Meeting, pk: int) -> AgendaItem:
    item = AgendaItem.objects.filter(meeting=meeting, pk=pk).select_related("meeting").first()
    if item is None:
        raise Http404("No such agenda item.")
    return item


def _group_of(meeting: Meeting, pk: int) -> BreakoutGroup:
    group = (
        BreakoutGroup.objects.filter(agenda_item__meeting=meeting, pk=pk)
        .select_related("agenda_item__meeting")
        .first()
    )
    if group is None:
        raise Http404("No such group.")
    return group


@login_or_403
@require_http_methods(["GET", "POST"])
def agenda_editor(request: HttpRequest, slug: str) -> HttpResponse:
    """``/<lang>/meetings/<slug>/agenda/``: the agenda with its groups; add an item."""
    meeting = _managed(request, slug, "meetings.change_agendaitem")
    form = AgendaItemForm(request.POST or None, initial={"day": 1})
    if request.method == "POST" and form.is_valid():
        try:
            services.agenda_item_create(
                actor=_user(request), meeting=meeting, data=form.item_data()
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, gettext("The agenda item is added."))
            return _back_to(meeting, "agenda")
    return render(
        request,
        "meetings/agenda_editor.html",
        {"meeting": meeting, "agenda": selectors.agenda_items(meeting), "form": form},
    )


@login_or_403
@require_http_methods(["GET", "POST"])
def agenda_item_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """``/<lang>/meetings/<slug>/agenda/<pk>/``: change an agenda item."""
    meeting = _managed(request, slug, "meetings.change_agendaitem")
    item = _item_of(meeting, pk)
    form = AgendaItemForm(request.POST or None, initial=AgendaItemForm.initial_for(item))
    if request.method == "POST" and form.is_valid():
        try:
            services.agenda_item_update(actor=_user(request), item=item, data=form.item_data())
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, gettext("The agenda item is saved."))
            return _back_to(meeting, "agenda")
    return render(
        request,
        "meetings/agenda_item_form.html",
        {"meeting": meeting, "item": item, "form": form},
    )


@require_POST
@login_or_403
def agenda_item_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """POST ``/<lang>/meetings/<slug>/agenda/<pk>/delete/``: delete an item and its groups."""
    meeting = _managed(request, slug, "meetings.delete_agendaitem")
    services.agenda_item_delete(actor=_user(request), item=_item_of(meeting, pk))
    messages.success(request, gettext("The agenda item is deleted."))
    return _back_to(meeting, "agenda")


@require_POST
@login_or_403
def agenda_item_move(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """POST ``/<lang>/meetings/<slug>/agenda/<pk>/move/`` with ``direction=up|down``."""
    meeting = _managed(request, slug, "meetings.change_agendaitem")
    try:
        services.agenda_item_move(
            actor=_user(request),
            item=_item_of(meeting, pk),
            direction=request.POST.get("direction", ""),
        )
    except ValidationError as error:
        _service_error(request, error)
    return _back_to(meeting, "agenda")


@login_or_403
@require_http_methods(["GET", "POST"])
def group_create(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """``/<lang>/meetings/<slug>/agenda/<pk>/groups/new/``: add a parallel group."""
    meeting = _managed(request, slug, "meetings.add_breakoutgroup")
    item = _item_of(meeting, pk)
    form = BreakoutGroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.breakout_group_create(actor=_user(request), item=item, data=form.group_data())
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, gettext("The group is added."))
            return _back_to(meeting, "agenda")
    return render(
        request,
        "meetings/group_form.html",
        {"meeting": meeting, "item": item, "group": None, "form": form},
    )


@login_or_403
@require_http_methods(["GET", "POST"])
def group_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """``/<lang>/meetings/<slug>/groups/<pk>/``: change a group (and record its output)."""
    meeting = _managed(request, slug, "meetings.change_breakoutgroup")
    group = _group_of(meeting, pk)
    form = BreakoutGroupForm(request.POST or None, initial=BreakoutGroupForm.initial_for(group))
    if request.method == "POST" and form.is_valid():
        try:
            services.breakout_group_update(
                actor=_user(request), group=group, data=form.group_data()
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, gettext("The group is saved."))
            return _back_to(meeting, "agenda")
    return render(
        request,
        "meetings/group_form.html",
        {"meeting": meeting, "item": group.agenda_item, "group": group, "form": form},
    )


@require_POST
@login_or_403
def group_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """POST ``/<lang>/meetings/<slug>/groups/<pk>/delete/``."""
    meeting = _managed(request, slug, "meetings.delete_breakoutgroup")
    services.breakout_group_delete(actor=_user(request), group=_group_of(meeting, pk))
    messages.success(request, gettext("The group is deleted."))
    return _back_to(meeting, "agenda")


@require_POST
@login_or_403
def group_move(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """POST ``/<lang>/meetings/<slug>/groups/<pk>/move/`` with ``direction=up|down``."""
    meeting = _managed(request, slug, "meetings.change_breakoutgroup")
    try:
        services.breakout_group_move(
            actor=_user(request),
            group=_group_of(meeting, pk),
            direction=request.POST.get("direction", ""),
        )
    except ValidationError as error:
        _service_error(request, error)
    return _back_to(meeting, "agenda")


# --- Organisers: registrations -----------------------------------------------------------

REGISTRATION_STATUS_FILTERS = dict(Registration.Status.choices)


@login_or_403
@require_GET
def registration_list(request: HttpRequest, slug: str) -> HttpResponse:
    """``/<lang>/meetings/<slug>/registrations/``: who registered (``?status=`` filter)."""
    meeting = _managed(request, slug, "meetings.view_registration")
    status = clean_choice(request.GET.get("status"))
    if status not in REGISTRATION_STATUS_FILTERS:
        status = ""
    raw_page = request.GET.get("page")
    page = paginate(
        selectors.registration_list(meeting, status=status), raw_page, per_page=STAFF_PAGE_SIZE
    )
    return render(
        request,
        "meetings/registrations.html",
        {
            "meeting": meeting,
            "page": page,
            "page_notice": page_notice(raw_page, page.number),
            "status": status,
            "statuses": Registration.Status.choices,
            "state": selectors.registration_state(meeting),
            "can_export": request.user.has_perm("meetings.export_registrations", meeting),
        },
    )


#: First characters that make a spreadsheet read a cell as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def csv_cell(value: object) -> str:
    """A value as a CSV cell that no spreadsheet runs as a formula (OWASP: prefix ``'``)."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def _local(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


@login_or_403
@require_GET
def registrations_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """``/<lang>/meetings/<slug>/registrations.csv``: the registrations, for the organisers.

    UTF-8 with a byte-order mark (spreadsheets read Arabic names right), one row per
    registration in order; times in Africa/Casablanca time. Cells that a spreadsheet
    would run as a formula are prefixed with ``'``. Personal data: never cached, sent
    as an attachment.
    """
    meeting = _managed(request, slug, "meetings.export_registrations")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{meeting.slug}-registrations.csv"'
    response["Cache-Control"] = "private, no-store"
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(
        [
            gettext("registered at"),
            gettext("status"),
            gettext("name"),
            gettext("e-mail"),
            gettext("on behalf of"),
            gettext("moved from the waiting list at"),
            gettext("cancelled at"),
            gettext("attended"),
        ]
    )
    statuses = dict(Registration.Status.choices)
    queryset = selectors.registration_list(meeting)
    for registration in queryset.iterator(chunk_size=500):
        user = registration.user
        writer.writerow(
            [
                csv_cell(_local(registration.created_at)),
                csv_cell(statuses.get(registration.status, registration.status)),
                csv_cell(user.display_name),
                csv_cell(user.email),
                csv_cell(registration.organisation.name if registration.organisation else ""),
                csv_cell(_local(registration.promoted_at)),
                csv_cell(_local(registration.cancelled_at)),
                csv_cell(gettext("yes") if _has_attendance(registration) else ""),
            ]
        )
    return response


def _has_attendance(registration: Registration) -> bool:
    try:
        return registration.attendance is not None
    except Attendance.DoesNotExist:
        return False


@require_POST
@login_or_403
def registration_cancel_staff(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """POST ``/<lang>/meetings/<slug>/registrations/<pk>/cancel/``: an organiser cancels one."""
    meeting = _managed(request, slug, "meetings.view_registration")
    registration = get_object_or_404(
        Registration.objects.select_related("meeting"), pk=pk, meeting=meeting
    )
    try:
        promoted = services.registration_cancel(registration=registration, actor=_user(request))
    except ValidationError as error:
        _service_error(request, error)
    else:
        messages.success(request, gettext("The registration is cancelled."))
        if promoted:
            messages.info(
                request,
                gettext("%(count)d person(s) moved from the waiting list.")
                % {"count": len(promoted)},
            )
    return _back_to(meeting, "registrations")


# --- Organisers: attendance --------------------------------------------------------------


@login_or_403
@require_http_methods(["GET", "POST"])
def attendance(request: HttpRequest, slug: str) -> HttpResponse:
    """``/<lang>/meetings/<slug>/attendance/``: who came, figures, and a form to record one."""
    meeting = _managed(request, slug, "meetings.view_attendance")
    can_add = request.user.has_perm("meetings.add_attendance", meeting)
    form = None
    if can_add:
        form = AttendanceForm(
            request.POST or None, registrations=selectors.unrecorded_registrations(meeting)
        )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.attendance_record(
                    actor=_user(request),
                    meeting=meeting,
                    data=form.attendance_data(),
                    registration=form.cleaned_data.get("registration"),
                )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, gettext("The attendance is recorded."))
                return _back_to(meeting, "attendance")
    raw_page = request.GET.get("page")
    page = paginate(selectors.attendance_list(meeting), raw_page, per_page=STAFF_PAGE_SIZE)
    return render(
        request,
        "meetings/attendance.html",
        {
            "meeting": meeting,
            "form": form,
            "page": page,
            "page_notice": page_notice(raw_page, page.number),
            "figures": selectors.attendance_figures(meeting),
        },
    )


@login_or_403
@require_http_methods(["GET", "POST"])
def attendance_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """``/<lang>/meetings/<slug>/attendance/<pk>/``: correct a record."""
    meeting = _managed(request, slug, "meetings.change_attendance")
    record = get_object_or_404(Attendance.objects.select_related("meeting"), pk=pk, meeting=meeting)
    form = AttendanceForm(request.POST or None, initial=AttendanceForm.initial_for(record))
    if request.method == "POST" and form.is_valid():
        try:
            services.attendance_update(
                actor=_user(request), attendance=record, data=form.attendance_data()
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, gettext("The attendance is saved."))
            return _back_to(meeting, "attendance")
    return render(
        request,
        "meetings/attendance_form.html",
        {"meeting": meeting, "record": record, "form": form},
    )


@require_POST
@login_or_403
def attendance_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """POST ``/<lang>/meetings/<slug>/attendance/<pk>/delete/``."""
    meeting = _managed(request, slug, "meetings.delete_attendance")
    record = get_object_or_404(Attendance.objects.select_related("meeting"), pk=pk, meeting=meeting)
    services.attendance_delete(actor=_user(request), attendance=record)
    messages.success(request, gettext("The attendance record is deleted."))
    return _back_to(meeting, "attendance")


# --- Organisers: minutes and documents ---------------------------------------------------


@login_or_403
@require_http_methods(["GET", "POST"])
def minutes(request: HttpRequest, slug: str) -> HttpResponse:
    """``/<lang>/meetings/<slug>/minutes/``: the minutes (text, publication) and documents."""
    meeting = _managed(request, slug, "meetings.change_meeting")
    user = _user(request)
    initial = {name: getattr(meeting, name) for name in MinutesForm().fields}
    form = MinutesForm(
        request.POST if request.POST.get("form") == "minutes" else None, initial=initial
    )
    document_form = DocumentForm(
        request.POST if request.POST.get("form") == "document" else None,
        request.FILES if request.POST.get("form") == "document" else None,
        initial={"is_public": True},
    )
    if request.method == "POST":
        which = request.POST.get("form")
        if which == "minutes" and form.is_valid():
            services.meeting_minutes_update(actor=user, meeting=meeting, minutes=form.cleaned_data)
            messages.success(request, gettext("The minutes are saved."))
            return _back_to(meeting, "minutes")
        if which == "publish":
            _publish_minutes(request, meeting, publish=request.POST.get("action") != "unpublish")
            return _back_to(meeting, "minutes")
        if which == "document":
            if not user.has_perm("meetings.add_meetingdocument", meeting):
                raise PermissionDenied
            if document_form.is_valid():
                try:
                    services.meeting_document_add(
                        actor=user,
                        meeting=meeting,
                        kind=document_form.cleaned_data["kind"],
                        titles=document_form.titles(),
                        file=document_form.cleaned_data.get("file") or None,
                        url=document_form.cleaned_data.get("url") or "",
                        is_public=document_form.cleaned_data.get("is_public", False),
                    )
                except ValidationError as error:
                    document_form.add_service_errors(error)
                else:
                    messages.success(request, gettext("The document is added."))
                    return _back_to(meeting, "minutes")
    return render(
        request,
        "meetings/minutes.html",
        {
            "meeting": meeting,
            "form": form,
            "document_form": document_form,
            "documents": selectors.meeting_documents(meeting, include_private=True),
            "can_publish": user.has_perm("meetings.publish_minutes", meeting),
        },
    )


def _publish_minutes(request: HttpRequest, meeting: Meeting, *, publish: bool) -> None:
    user = _user(request)
    if not user.has_perm("meetings.publish_minutes", meeting):
        raise PermissionDenied
    try:
        if publish:
            services.meeting_minutes_publish(actor=user, meeting=meeting)
            messages.success(request, gettext("The minutes are published."))
        else:
            services.meeting_minutes_unpublish(actor=user, meeting=meeting)
            messages.success(request, gettext("The minutes are no longer public."))
    except ValidationError as error:
        _service_error(request, error)


@require_POST
@login_or_403
def document_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """POST ``/<lang>/meetings/<slug>/documents/<pk>/delete/``."""
    meeting = _managed(request, slug, "meetings.delete_meetingdocument")
    document: MeetingDocument = get_object_or_404(
        MeetingDocument.objects.select_related("meeting"), pk=pk, meeting=meeting
    )
    services.meeting_document_remove(actor=_user(request), document=document)
    messages.success(request, gettext("The document is removed."))
    return _back_to(meeting, "minutes")
