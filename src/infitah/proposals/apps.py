from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    """Proposals for openness projects, supports and official answers."""

    name = "infitah.proposals"
    label = "proposals"
    verbose_name = _("Proposals")

    def ready(self) -> None:
        from infitah.core.cache import track_public_model
        from infitah.library import search
        from infitah.proposals import models, services

        # Supports change the public counts; saves of proposals their pages and lists.
        track_public_model(models.Proposal)
        track_public_model(models.Support)
        search.register_indexer(services.PROPOSAL_TYPE, services.all_proposal_entries)
        _register_comment_target()


def _register_comment_target() -> None:
    """Make proposals a target of the comments app (threaded comments, moderation)."""
    try:
        from infitah.comments.registry import register_target
    except ImportError:  # the comments app not there yet (built in parallel)
        return
    from infitah.proposals import comments

    register_target(
        comments.Proposal,
        collectivity_of=comments.collectivity_of,
        is_open_for_comments=comments.is_open_for_comments,
        is_public=comments.is_public,
        on_change=comments.on_change,
    )
