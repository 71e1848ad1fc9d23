from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    """Threaded comments on any public object, with reports and moderation."""

    name = "infitah.comments"
    label = "comments"
    verbose_name = _("Comments")

    def ready(self) -> None:
        from infitah.comments.models import Comment
        from infitah.core.cache import track_public_model

        # Comments are shown on cached anonymous pages (proposals...): posting, editing,
        # hiding or withdrawing one must invalidate them. Reports are not public.
        track_public_model(Comment)
