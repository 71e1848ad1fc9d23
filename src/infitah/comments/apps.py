from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    """Threaded comments on any public object, with reports and moderation."""

    name = "infitah.comments"
    label = "comments"
    verbose_name = _("Comments")
