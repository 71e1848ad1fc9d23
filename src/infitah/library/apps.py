from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibraryConfig(AppConfig):
    """The network's library: documents, good practices, text extraction and search."""

    name = "infitah.library"
    label = "library"
    verbose_name = _("Library")

    def ready(self) -> None:
        from infitah.core.cache import track_public_model
        from infitah.library import indexing, models, search

        for model in (
            models.Document,
            models.GoodPractice,
            models.GoodPracticeAdoption,
        ):
            track_public_model(model)
        search.register_indexer(indexing.DOCUMENT_TYPE, indexing.document_entries)
