from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    """Proposals for openness projects, supports and official answers."""

    name = "infitah.proposals"
    label = "proposals"
    verbose_name = _("Proposals")
