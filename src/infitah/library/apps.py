from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibraryConfig(AppConfig):
    """The network's library: documents, good practices, text extraction and search."""

    name = "infitah.library"
    label = "library"
    verbose_name = _("Library")
