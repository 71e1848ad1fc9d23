"""Public and staff pages of the publications app (under ``/<lang>/publications/``).

``<kind>`` and ``<language>`` only match the model's values, so ``manage`` can never be
taken for a kind.
"""

from django.urls import path, register_converter

from infitah.publications import views
from infitah.publications.models import Publication


class KindConverter:
    """A publication kind: ``press_release``, ``invitation`` or ``agenda``."""

    regex = "|".join(Publication.Kind.values)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class LanguageConverter(KindConverter):
    """A publication language: ``ar`` or ``fr``."""

    regex = "|".join(Publication.Language.values)


register_converter(KindConverter, "publication_kind")
register_converter(LanguageConverter, "publication_language")

app_name = "publications"

_DOC = "<slug:slug>/<publication_kind:kind>/<publication_language:language>/"

urlpatterns = [
    path("<slug:slug>/manage/", views.publication_manage, name="manage"),
    path("<slug:slug>/manage/generate/", views.publication_generate, name="generate"),
    path(_DOC, views.publication_detail, name="detail"),
    path(f"{_DOC}pdf/", views.publication_pdf, name="pdf"),
    path(f"{_DOC}edit/", views.publication_edit, name="edit"),
    path(f"{_DOC}publish/", views.publication_publish, name="publish"),
    path(f"{_DOC}unpublish/", views.publication_unpublish, name="unpublish"),
]
