from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicationsConfig(AppConfig):
    """Generated documents: press releases, invitations and agendas (HTML and PDF)."""

    name = "infitah.publications"
    label = "publications"
    verbose_name = _("Publications")

    def ready(self) -> None:
        from infitah.core.cache import track_public_model
        from infitah.publications.models import Publication

        track_public_model(Publication)
