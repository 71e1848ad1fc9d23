"""django-allauth adapter: the user's language for e-mails and after signing in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import Resolver404, resolve, reverse
from django.urls.exceptions import NoReverseMatch
from django.utils import translation
from django.utils.translation import gettext

#: The name and domain of django.contrib.sites' first ``Site`` until someone edits it.
UNCONFIGURED_SITE = "example.com"


def url_in_language(url: str, language: str) -> str:
    """Return ``url`` (a path on this site, with optional query) in ``language``.

    ``/fr/members/?q=x`` becomes ``/ar/members/?q=x`` for ``"ar"``. A URL that is not
    one of this site's language-prefixed pages (another host, the API) is returned
    unchanged.
    """
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return url
    source_language = translation.get_language_from_path(parts.path)
    if not source_language or source_language == language:
        return url
    with translation.override(source_language):
        try:
            match = resolve(parts.path)
        except Resolver404:
            return url
    with translation.override(language):
        try:
            path = reverse(
                f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name,
                args=match.args,
                kwargs=match.kwargs,
            )
        except NoReverseMatch:
            return url
    return urlunsplit(("", "", path, parts.query, parts.fragment))


@dataclass(frozen=True)
class MailSite:
    """What allauth's e-mail templates read from ``current_site``."""

    name: str
    domain: str


def site_for_mail(request: HttpRequest | None) -> MailSite:
    """Return the site's name and domain as account e-mails should show them.

    The ``Site`` row is used when someone configured it (admin → Sites). Until then
    it says "example.com": the name becomes "Infitah" in the active language and the
    domain the one the request came to (the one the links in the e-mail point to).
    """
    site = get_current_site(request) if request is not None else None
    name = getattr(site, "name", "") or ""
    domain = getattr(site, "domain", "") or ""
    if not name or name == UNCONFIGURED_SITE:
        name = gettext("Infitah")
    if (not domain or domain == UNCONFIGURED_SITE) and request is not None:
        domain = request.get_host()
    return MailSite(name=name, domain=domain)


def _preferred_language(user: Any) -> str | None:
    language = getattr(user, "preferred_language", None)
    return language if language in dict(settings.LANGUAGES) else None


class AccountAdapter(DefaultAccountAdapter):
    """Account e-mails and post-sign-in pages in the user's preferred language."""

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        language = _preferred_language(context.get("user")) or translation.get_language()
        with translation.override(language):
            context = {"current_site": site_for_mail(allauth_context.request), **context}
            super().send_mail(template_prefix, email, context)

    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        """A new account's preferred language is the language it signed up in."""
        language = translation.get_language()
        if language in dict(settings.LANGUAGES):
            user.preferred_language = language
        return super().save_user(request, user, form, commit=commit)

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        """The home page (``LOGIN_REDIRECT_URL``) in the user's preferred language."""
        language = _preferred_language(request.user) or translation.get_language()
        with translation.override(language):
            return resolve_url(settings.LOGIN_REDIRECT_URL)

    def post_login(self, request: HttpRequest, user: Any, **kwargs: Any) -> HttpResponse:
        """After signing in, continue in the user's preferred language.

        A ``next`` page of this site is kept but moved to that language
        (``/fr/members/`` → ``/ar/members/``); the language cookie is set too.
        """
        language = _preferred_language(user)
        # The "signed in" message and the default page in that language too.
        with translation.override(language or translation.get_language()):
            response = super().post_login(request, user, **kwargs)
        if language and isinstance(response, HttpResponseRedirect):
            response["Location"] = url_in_language(response["Location"], language)
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=365 * 24 * 3600,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
