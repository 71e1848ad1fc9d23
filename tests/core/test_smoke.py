import pytest


@pytest.mark.django_db
def test_home_page_answers_in_arabic(client):
    response = client.get("/ar/")
    assert response.status_code == 200
    assert 'dir="rtl"' in response.content.decode()
