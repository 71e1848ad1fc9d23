"""Error pages use the site's layout and never leak a server error to user input."""

import pytest
from django.test import Client, override_settings


@pytest.mark.django_db
@pytest.mark.parametrize("lang, direction", [("ar", "rtl"), ("fr", "ltr")])
def test_404_page_in_site_layout(client: Client, lang: str, direction: str) -> None:
    response = client.get(f"/{lang}/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert f'dir="{direction}"' in html
    assert 'class="lang-switcher"' in html


@pytest.mark.django_db
def test_500_page_is_static_and_trilingual() -> None:
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Server error" in html
    assert "Erreur du serveur" in html
    assert 'dir="rtl"' in html


@pytest.mark.django_db
@override_settings(PUBLIC_PAGE_CACHE_SECONDS=600)
def test_page_cache_key_survives_long_queries(client: Client) -> None:
    long_query = "ب" * 5000
    first = client.get("/ar/members/", {"q": long_query})
    second = client.get("/ar/members/", {"q": long_query})
    assert first.status_code == 200
    assert second.status_code == 200


@pytest.mark.django_db
def test_403_page_in_site_layout(client: Client, staff_a: object) -> None:
    client.force_login(staff_a)  # type: ignore[arg-type]
    response = client.get("/fr/admin/network/membership/import/")
    assert response.status_code == 403
    html = response.content.decode()
    assert 'dir="ltr"' in html
    assert 'class="site-header' in html


@pytest.mark.django_db
def test_csrf_failure_page_is_ours() -> None:
    csrf_client = Client(enforce_csrf_checks=True)
    response = csrf_client.post("/ar/accounts/login/", {"login": "a@example.org"})
    assert response.status_code == 403
    assert 'class="site-header' in response.content.decode()
