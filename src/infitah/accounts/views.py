"""Account pages of our own (the sign-in flows themselves are django-allauth's)."""

from __future__ import annotations

import logging
import math
from datetime import timedelta
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from infitah.accounts import services
from infitah.accounts.forms import AccountDeleteForm, ProfileForm
from infitah.accounts.models import User

logger = logging.getLogger(__name__)

__all__ = ["lockout", "profile"]


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    """Show and save the person's public name and preferred language.

    After saving, redirects to this page in the chosen language (``/fr/accounts/
    profile/``) and remembers the language in the language cookie.
    """
    user = cast(User, request.user)
    initial = {"display_name": user.display_name, "preferred_language": user.preferred_language}
    form = ProfileForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update_profile(
                user=user,
                display_name=form.cleaned_data["display_name"],
                preferred_language=form.cleaned_data["preferred_language"],
            )
        except ValidationError as error:
            for field, field_errors in error.message_dict.items():
                for message in field_errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            language = user.preferred_language
            with translation.override(language):
                # Evaluated now, so the message is in the language of the next page.
                messages.success(request, gettext("Your profile has been saved."))
                response = redirect(reverse("accounts:profile"))
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=365 * 24 * 3600,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
            return response
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "can_use_admin": user.is_staff},
    )


def lockout(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """django-axes' lockout answer: a 429 page that says when to try again.

    Configured as ``AXES_LOCKOUT_CALLABLE``. It must never fail (axes would turn an
    error into a 500 on a sign-in page), so any error falls back to plain text.
    Sets ``Retry-After`` (seconds).
    """
    status = getattr(settings, "AXES_HTTP_RESPONSE_CODE", 429)
    cool_off: timedelta | None = None
    try:
        from axes.helpers import get_cool_off

        cool_off = get_cool_off(request)
        minutes = math.ceil(cool_off.total_seconds() / 60) if cool_off else None
        context = {
            "cooloff_minutes": minutes,
            "retry_at": timezone.localtime(timezone.now() + cool_off) if cool_off else None,
            "failure_limit": settings.AXES_FAILURE_LIMIT,
        }
        response = render(request, settings.AXES_LOCKOUT_TEMPLATE, context, status=status)
    except Exception:  # any failure here would otherwise be a 500 on the sign-in page
        logger.exception("Rendering the sign-in lockout page failed")
        response = HttpResponse(
            gettext("Too many failed sign-in attempts. Please try again later."),
            status=status,
            content_type="text/plain; charset=utf-8",
        )
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response


@login_required
def account_delete(request: HttpRequest) -> HttpResponse:
    """Ask for the password, then delete the signed-in person's account.

    Data tied to the account that the law asks to erase (the identity given on
    information requests, law 09-08) goes with it; public contributions stay
    without the person's name. Redirects home, signed out, with a message.
    """
    user = cast(User, request.user)
    form = AccountDeleteForm(request.POST if request.method == "POST" else None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_delete(user=user)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            logout(request)
            messages.success(request, gettext("Your account has been deleted."))
            return redirect(reverse("core:home"))
    return render(request, "accounts/account_delete.html", {"form": form})
