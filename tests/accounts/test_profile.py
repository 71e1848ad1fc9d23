"""The profile page and the preferred language applied after signing in."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from infitah.accounts.adapters import url_in_language
from infitah.accounts.models import User
from tests.accounts.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_profile_requires_login(client: Client) -> None:
    response = client.get("/fr/accounts/profile/")
    assert response.status_code == 302
    assert response["Location"].startswith("/fr/accounts/login/")


def test_profile_shows_the_current_values(client: Client, citizen: User) -> None:
    client.force_login(citizen)
    response = client.get("/en/accounts/profile/")
    assert response.status_code == 200
    html = response.content.decode()
    assert citizen.display_name in html
    # Each language in its own name, whatever the language of the page.
    assert '<option value="ar" selected>العربيّة</option>' in html
    assert '<option value="fr">français</option>' in html
    # Two-factor authentication is offered to staff only.
    assert "/accounts/2fa/" not in html


def test_profile_links_staff_to_two_factor_setup(client: Client, staff_a: User) -> None:
    client.force_login(staff_a)
    html = client.get("/en/accounts/profile/").content.decode()
    assert 'href="/en/accounts/2fa/"' in html


def test_saving_the_profile_redirects_to_the_chosen_language(client: Client, citizen: User) -> None:
    client.force_login(citizen)
    response = client.post(
        "/ar/accounts/profile/", {"display_name": "  Amina B.  ", "preferred_language": "fr"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/fr/accounts/profile/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    citizen.refresh_from_db()
    assert citizen.display_name == "Amina B."
    assert citizen.preferred_language == "fr"
    # The confirmation is shown in the new language.
    response = client.get(response["Location"])
    with translation.override("fr"):
        expected = translation.gettext("Your profile has been saved.")
    assert expected in response.content.decode()


@pytest.mark.parametrize(
    "data",
    [
        {"display_name": "x", "preferred_language": "de"},
        {"display_name": "x" * 151, "preferred_language": "en"},
        {},
    ],
)
def test_bad_profile_input_is_refused_with_a_message(
    client: Client, citizen: User, data: dict[str, str]
) -> None:
    client.force_login(citizen)
    response = client.post("/en/accounts/profile/", data)
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    citizen.refresh_from_db()
    assert citizen.preferred_language == "ar"


def test_login_goes_to_the_preferred_language(client: Client, verified_user: User) -> None:
    verified_user.preferred_language = "fr"
    verified_user.save()
    response = client.post(
        "/en/accounts/login/", {"login": verified_user.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/fr/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"


def test_login_keeps_the_next_page_but_in_the_preferred_language(
    client: Client, verified_user: User
) -> None:
    verified_user.preferred_language = "ar"
    verified_user.save()
    response = client.post(
        "/fr/accounts/login/?next=/fr/accounts/profile/",
        {"login": verified_user.email, "password": PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == "/ar/accounts/profile/"


@pytest.mark.parametrize(
    ("url", "language", "expected"),
    [
        ("/fr/accounts/profile/", "en", "/en/accounts/profile/"),
        ("/fr/accounts/profile/?a=1#top", "ar", "/ar/accounts/profile/?a=1#top"),
        ("/en/", "ar", "/ar/"),
        ("/ar/accounts/profile/", "ar", "/ar/accounts/profile/"),
        ("/api/v1/", "fr", "/api/v1/"),
        ("/fr/no-such-page/", "en", "/fr/no-such-page/"),
        ("https://elsewhere.example/fr/", "en", "https://elsewhere.example/fr/"),
    ],
)
def test_url_in_language(url: str, language: str, expected: str) -> None:
    assert url_in_language(url, language) == expected


def test_bidi_controls_are_dropped_from_the_public_name(client: Client, citizen: User) -> None:
    """U+202E and friends cannot reorder the text around the name wherever it is shown."""
    client.force_login(citizen)
    response = client.post(
        "/en/accounts/profile/",
        {"display_name": "\u202eAmina\u202c \u2067Alaoui\u2069\u200f", "preferred_language": "ar"},
    )
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert citizen.display_name == "Amina Alaoui"


@pytest.mark.parametrize("name", ["Amina\nAlaoui", "Amina\x07", "\x1b[31mAmina"])
def test_control_characters_in_the_public_name_are_refused(
    client: Client, citizen: User, name: str
) -> None:
    client.force_login(citizen)
    response = client.post(
        "/en/accounts/profile/", {"display_name": name, "preferred_language": "ar"}
    )
    assert response.status_code == 200
    assert "control characters" in str(response.context["form"].errors["display_name"])
    citizen.refresh_from_db()
    assert citizen.display_name != name
