"""Public pages of the meetings app: the list and page of a meeting, registration, the
participant's registrations, document downloads and the calendars (iCalendar). The
organisers' pages are in :mod:`infitah.meetings.views_staff`.

Every write is a plain HTML form POST to a view that checks the permission by name
(``meetings.<perm>``, see :mod:`infitah.meetings.rules`) and calls a service.
Unpublished meetings answer 404 to anyone who may not see them.
"""

from __future__ import annotations

import mimetypes
import os
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
)
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from infitah.accounts.models import Organisation, User
from infitah.core.cache import cache_public_page
from infitah.core.selectors import clean_choice, clean_query, page_notice, paginate
from infitah.meetings import ical, selectors, services
from infitah.meetings.forms import (
    RegisterForm,
)
from infitah.meetings.models import (
    Meeting,
    MeetingDocument,
    Registration,
)
from infitah.network.selectors import current_network
from infitah.territories.models import Collectivity

#: Rows per page of the public list, the participant's list and the staff lists.
LIST_PAGE_SIZE = 20
STAFF_PAGE_SIZE = 50

WHEN_FILTERS = {
    "upcoming": _("Upcoming"),
    "past": _("Past"),
    "all": _("All"),
}


# --- Helpers -----------------------------------------------------------------------------


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _meeting_or_404(slug: str) -> Meeting:
    meeting = (
        Meeting.objects.select_related("collectivity", "plan", "network").filter(slug=slug).first()
        if len(slug) <= 120
        else None
    )
    if meeting is None:
        raise Http404("No such meeting.")
    return meeting


def _managed(request: HttpRequest, slug: str, perm: str) -> Meeting:
    """The meeting if the user has ``perm`` on it; else login, 404 (hidden) or 403.

    Raises:
        Http404: unknown meeting, or an unpublished one the user may not see.
        PermissionDenied: the user sees the meeting but lacks ``perm``.
    """
    meeting = _meeting_or_404(slug)
    user = request.user
    if user.has_perm(perm, meeting):
        return meeting
    if not selectors.is_public(meeting) and not user.has_perm("meetings.view_meeting", meeting):
        raise Http404("No such meeting.")
    raise PermissionDenied


def login_or_403(view: Any) -> Any:
    """Send anonymous visitors to the sign-in page; let the view decide for others."""

    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        response: HttpResponse = view(request, *args, **kwargs)
        return response

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def _staff_links(user: Any, meeting: Meeting) -> dict[str, bool]:
    """Which organiser actions ``user`` may take on ``meeting`` (for the page's toolbar)."""
    return {
        "change": user.has_perm("meetings.change_meeting", meeting),
        "publish": user.has_perm("meetings.publish_meeting", meeting),
        "cancel": user.has_perm("meetings.cancel_meeting", meeting),
        "registrations": user.has_perm("meetings.view_registration", meeting),
        "attendance": user.has_perm("meetings.view_attendance", meeting),
        "agenda": user.has_perm("meetings.change_agendaitem", meeting),
    }


def _back_to(meeting: Meeting, name: str) -> HttpResponseRedirect:
    return redirect(reverse(f"meetings:{name}", kwargs={"slug": meeting.slug}))


def _service_error(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


# --- Public pages ------------------------------------------------------------------------


@cache_public_page
@require_GET
def meeting_list(request: HttpRequest) -> HttpResponse:
    """``/<lang>/meetings/``: published meetings, filterable, searchable, paginated.

    Query parameters (all optional; bad values are ignored with a notice): ``when``
    (``upcoming`` — default —, ``past``, ``all``), ``kind`` (a ``Meeting.Kind``),
    ``collectivity`` (slug or code: meetings it organised or took part in),
    ``region`` (slug or code), ``plan`` (slug), ``network=1`` (network meetings only),
    ``q`` (words), ``page``.
    """
    when = clean_choice(request.GET.get("when")) or "upcoming"
    notices: list[str] = []
    if when not in WHEN_FILTERS:
        notices.append(gettext("Unknown period; upcoming meetings are shown."))
        when = "upcoming"
    kind = clean_choice(request.GET.get("kind"))
    if kind and kind not in Meeting.Kind.values:
        notices.append(gettext("Unknown kind of meeting; every kind is shown."))
        kind = ""
    collectivity = region = None
    plan = None
    if value := clean_choice(request.GET.get("collectivity"), max_length=220):
        collectivity = selectors.resolve_collectivity(value)
        if collectivity is None:
            notices.append(gettext("Unknown collectivity; meetings of every organiser are shown."))
    if value := clean_choice(request.GET.get("region"), max_length=220):
        region = selectors.resolve_collectivity(value, regions_only=True)
        if region is None:
            notices.append(gettext("Unknown region; meetings of every region are shown."))
    if value := clean_choice(request.GET.get("plan")):
        plan = selectors.plan_by_slug(value)
        if plan is None:
            notices.append(gettext("Unknown action plan; meetings of every plan are shown."))
    network_only = request.GET.get("network") in ("1", "true", "on")
    query = clean_query(request.GET.get("q"))
    filters = selectors.MeetingFilters(
        when="" if when == "all" else when,
        kind=kind,
        collectivity=collectivity,
        region=region,
        plan=plan,
        network_only=network_only,
        query=query,
    )
    raw_page = request.GET.get("page")
    page = paginate(selectors.public_meetings(filters), raw_page, per_page=LIST_PAGE_SIZE)
    regions = Collectivity.objects.regions().order_by("code")
    context = {
        "page": page,
        "page_notice": page_notice(raw_page, page.number),
        "notices": notices,
        "when": when,
        "when_filters": WHEN_FILTERS,
        "kind": kind,
        "kinds": Meeting.Kind.choices,
        "collectivity": collectivity,
        "region": region,
        "regions": regions,
        "plan": plan,
        "network_only": network_only,
        "query": query,
        "is_filtered": bool(kind or collectivity or region or plan or network_only or query),
        "can_organise": request.user.is_authenticated
        and request.user.has_perm("meetings.add_meeting"),
        "network_calendar_url": reverse("meetings:ical-network"),
    }
    return render(request, "meetings/list.html", context)


@cache_public_page
@require_GET
def meeting_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """``/<lang>/meetings/<slug>/``: a meeting's page.

    Date and times in Africa/Casablanca time, place or online link, agenda (parallel
    breakout groups side by side with facilitator and rapporteur), registration box,
    participants, minutes and outputs (each group's output, documents), attendance
    figures (aggregates only; breakdowns from
    :data:`selectors.MIN_ATTENDANCE_FOR_BREAKDOWN` attendees, or for organisers).
    """
    user = request.user
    page = selectors.meeting_page(slug)
    if page is None:
        raise Http404("No such meeting.")
    meeting: Meeting | None = None
    staff: dict[str, bool] = {}
    if user.is_authenticated:
        # The visitor's own parts need the instance (permissions, their registration).
        meeting = _meeting_or_404(slug)
        if not page["is_public"] and not user.has_perm("meetings.view_meeting", meeting):
            raise Http404("No such meeting.")
        staff = _staff_links(user, meeting)
    elif not page["is_public"]:
        raise Http404("No such meeting.")
    is_organiser = bool(staff.get("change"))
    state = selectors.page_registration_state(page, meeting, user)
    figures = selectors.page_figures(page)
    register_form = None
    if user.is_authenticated and state.is_open and state.mine is None:
        register_form = RegisterForm(organisations=_represented(cast(User, user)))
    documents = page["documents"]
    if is_organiser and meeting is not None:
        documents = selectors.document_rows(meeting, include_private=True)
    context = {
        "meeting": page,
        "is_public": page["is_public"],
        "agenda": page["agenda"],
        "days": page["days"],
        "outputs": page["outputs"],
        "documents": documents,
        "state": state,
        "register_form": register_form,
        "figures": figures,
        "show_breakdown": figures.total and (figures.is_breakdown_public or is_organiser),
        "staff": staff,
        "plan_url": page["plan_url"],
        "minutes_public": bool(page["minutes_published_at"] and page["minutes"]),
        # The proposals that came out of this meeting ({"url", "title"}), shown in the
        # "Proposals from this meeting" section when not empty.
        "linked_proposals": page["linked_proposals"],
        "login_url": reverse("account_login") + "?next=" + request.get_full_path(),
    }
    return render(request, "meetings/detail.html", context)


def _represented(user: User) -> Any:
    """Verified organisations ``user`` is an approved representative of."""
    return Organisation.objects.filter(
        representatives__user=user, representatives__is_approved=True, is_verified=True
    ).order_by("name")


@require_POST
@login_or_403
def register(request: HttpRequest, slug: str) -> HttpResponse:
    """POST ``/<lang>/meetings/<slug>/register/``: register the signed-in person."""
    meeting = selectors.meeting_for_page(slug, request.user)
    if meeting is None:
        raise Http404("No such meeting.")
    user = _user(request)
    form = RegisterForm(request.POST, organisations=_represented(user))
    if not form.is_valid():
        messages.error(request, gettext("Choose an organisation you represent, or yourself."))
        return redirect(meeting.get_absolute_url())
    try:
        registration = services.registration_create(
            meeting=meeting, user=user, organisation=form.cleaned_data.get("organisation")
        )
    except PermissionDenied as error:
        messages.error(request, str(error) or gettext("You may not register."))
    except ValidationError as error:
        _service_error(request, error)
    else:
        if registration.status == Registration.Status.CONFIRMED:
            messages.success(request, gettext("You are registered. See you there!"))
        else:
            messages.success(
                request,
                gettext(
                    "The meeting is full: you are on the waiting list. We will e-mail you "
                    "if a place frees up."
                ),
            )
    return redirect(meeting.get_absolute_url())


@require_POST
@login_or_403
def registration_cancel(request: HttpRequest, slug: str) -> HttpResponse:
    """POST ``/<lang>/meetings/<slug>/register/cancel/``: cancel one's own registration."""
    meeting = selectors.meeting_for_page(slug, request.user)
    if meeting is None:
        raise Http404("No such meeting.")
    registration = (
        Registration.objects.filter(meeting=meeting, user=_user(request))
        .exclude(status=Registration.Status.CANCELLED)
        .first()
    )
    if registration is None:
        messages.error(request, gettext("You have no registration for this meeting."))
    else:
        try:
            services.registration_cancel(registration=registration, actor=_user(request))
        except ValidationError as error:
            _service_error(request, error)
        else:
            messages.success(request, gettext("Your registration is cancelled."))
    next_url = request.POST.get("next", "")
    if next_url == reverse("meetings:my-registrations"):
        return redirect(next_url)
    return redirect(meeting.get_absolute_url())


@login_or_403
@require_GET
def my_registrations(request: HttpRequest) -> HttpResponse:
    """``/<lang>/meetings/my-registrations/``: the signed-in person's registrations."""
    raw_page = request.GET.get("page")
    page = paginate(selectors.user_registrations(_user(request)), raw_page, per_page=LIST_PAGE_SIZE)
    return render(
        request,
        "meetings/my_registrations.html",
        {"page": page, "page_notice": page_notice(raw_page, page.number), "now": timezone.now()},
    )


@require_GET
def document_download(request: HttpRequest, slug: str, pk: int) -> HttpResponseBase:
    """``/<lang>/meetings/<slug>/documents/<pk>/``: a document's file, as an attachment.

    Public documents of public meetings for everyone; the others for the organisers.
    A link document redirects to its address. Served with ``Content-Disposition:
    attachment`` and ``X-Content-Type-Options: nosniff``, so that no uploaded file is
    ever shown as a page of this site.
    """
    meeting = selectors.meeting_for_page(slug, request.user)
    if meeting is None:
        raise Http404("No such meeting.")
    document = get_object_or_404(MeetingDocument, pk=pk, meeting=meeting)
    if not (document.is_public and selectors.is_public(meeting)) and not request.user.has_perm(
        "meetings.view_meetingdocument", document
    ):
        raise Http404("No such document.")
    if not document.file:
        if document.url:
            return HttpResponseRedirect(document.url)
        raise Http404("No file.")
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404("The file is missing.") from error
    name = os.path.basename(document.file.name)
    extension = os.path.splitext(name)[1].lower()
    content_type = services.DOCUMENT_EXTENSIONS.get(extension) or (
        mimetypes.guess_type(name)[0] or "application/octet-stream"
    )
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- Calendars ---------------------------------------------------------------------------


def _calendar_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@cache_public_page
@require_GET
def ical_meeting(request: HttpRequest, slug: str) -> HttpResponse:
    """``/<lang>/meetings/<slug>.ics``: one published meeting as an iCalendar file."""
    meeting = selectors.meeting_for_page(slug)  # public only: no user
    if meeting is None:
        raise Http404("No such meeting.")
    body = ical.calendar_for([meeting], request=request, name=str(meeting.title))
    return _calendar_response(body, f"{meeting.slug}.ics")


@cache_public_page
@require_GET
def ical_collectivity(request: HttpRequest, ref: str) -> HttpResponse:
    """``/<lang>/meetings/calendar/<code or slug>.ics``: a collectivity's meetings.

    Published meetings it organised or took part in, from a year ago on.
    """
    collectivity = selectors.resolve_collectivity(clean_choice(ref, max_length=220))
    if collectivity is None:
        raise Http404("No such collectivity.")
    meetings = ical.feed_meetings(selectors.MeetingFilters(when="", collectivity=collectivity))
    body = ical.calendar_for(meetings, request=request, name=str(collectivity.name))
    return _calendar_response(body, f"{collectivity.slug}.ics")


@cache_public_page
@require_GET
def ical_network(request: HttpRequest) -> HttpResponse:
    """``/<lang>/meetings/calendar.ics``: every published meeting of the network."""
    meetings = ical.feed_meetings(selectors.MeetingFilters(when=""))
    network = current_network()
    name = str(network.name) if network is not None else gettext("Meetings")
    body = ical.calendar_for(meetings, request=request, name=name)
    return _calendar_response(body, "meetings.ics")
