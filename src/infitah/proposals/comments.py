"""How proposals take part in the comments app (:mod:`infitah.comments.registry`).

Registered in :meth:`infitah.proposals.apps.ProposalsConfig.ready`:

- a proposal's collectivity is its plan's (its moderators hide comments there);
- the public sees its comments when it sees the proposal (not hidden, plan published);
- people comment while the plan collects proposals, on proposals not withdrawn nor
  hidden;
- every change of the number of visible comments is stored in
  ``Proposal.comment_count`` (the "most commented" order and the lists' figures).
"""

from __future__ import annotations

from typing import Any

from infitah.proposals.models import Proposal
from infitah.proposals.services import phase_is_open, proposal_comments_changed

__all__ = ["Proposal", "collectivity_of", "is_open_for_comments", "is_public", "on_change"]


def collectivity_of(proposal: Proposal) -> Any:
    """The collectivity owning ``proposal`` (its moderators moderate the comments)."""
    return proposal.collectivity


def is_public(proposal: Proposal) -> bool:
    """Whether the public may see ``proposal`` and so its visible comments."""
    return bool(not proposal.is_hidden and proposal.plan.is_published)


def is_open_for_comments(proposal: Proposal) -> bool:
    """Whether new comments are accepted on ``proposal`` now."""
    return bool(
        is_public(proposal)
        and proposal.status != Proposal.Status.WITHDRAWN
        and phase_is_open(proposal.plan)
    )


def on_change(proposal: Proposal) -> None:
    """Store the proposal's visible comment count (same transaction as the change)."""
    proposal_comments_changed(proposal)
