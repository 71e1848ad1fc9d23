from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Shared base models, Arabic text normalisation, base templates and CSS."""

    name = "infitah.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from infitah.core import cache  # noqa: F401  (connects invalidation receivers)
