"""Which models can be commented, and how the comments app learns about their objects.

An app makes its model commentable once, in its ``AppConfig.ready``::

    from infitah.comments.registry import register_target

    register_target(
        Proposal,
        collectivity_of=lambda proposal: proposal.plan.collectivity,
        is_open_for_comments=lambda proposal: proposal.plan.accepts_comments(),
        is_public=lambda proposal: proposal.is_public,
        on_change=lambda proposal: proposal_refresh_comment_count(proposal=proposal),
    )

The comments app never imports the target's app: it asks these callables. A model
that is not registered cannot be commented (the services, the pages and the API
refuse it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model

from infitah.territories.models import Collectivity

__all__ = [
    "CommentTarget",
    "entry_for_content_type",
    "get_target",
    "is_registered",
    "register_target",
    "registered_labels",
    "resolve_target",
    "target_label",
    "unregister_target",
]


@dataclass(frozen=True)
class CommentTarget:
    """How the comments app deals with the objects of one registered model.

    Attributes:
        model: the commentable model.
        collectivity_of: ``f(obj)`` → the :class:`Collectivity` that owns ``obj`` (its
            moderators moderate the comments), or ``None`` for a network-level object
            (moderated by coordinators).
        is_open_for_comments: ``f(obj)`` → whether new comments and replies are
            accepted now (e.g. the plan's co-creation or consultation phase is open).
            Editing, withdrawing, reporting and moderating stay possible when closed.
        is_public: ``f(obj)`` → whether anonymous visitors may see ``obj``. Comments of
            an object that is not public are never shown nor accepted.
        on_change: ``f(obj)`` or ``None``, called inside the same transaction
            whenever the number of visible comments of ``obj`` changes (a comment
            posted, hidden, unhidden or withdrawn), e.g. to store a count on ``obj``.
    """

    model: type[Model]
    collectivity_of: Callable[[Any], Collectivity | None]
    is_open_for_comments: Callable[[Any], bool]
    is_public: Callable[[Any], bool]
    on_change: Callable[[Any], None] | None = None

    @property
    def label(self) -> str:
        """``app_label.model_name`` in lower case (``proposals.proposal``)."""
        return self.model._meta.label_lower


_REGISTRY: dict[str, CommentTarget] = {}


def register_target(
    model: type[Model],
    *,
    collectivity_of: Callable[[Any], Collectivity | None],
    is_open_for_comments: Callable[[Any], bool],
    is_public: Callable[[Any], bool],
    on_change: Callable[[Any], None] | None = None,
) -> CommentTarget:
    """Make ``model``'s objects commentable (see :class:`CommentTarget` for the callables).

    Registering the same model again replaces its entry (code reloads, tests).

    Returns:
        The registry entry.
    """
    entry = CommentTarget(
        model=model,
        collectivity_of=collectivity_of,
        is_open_for_comments=is_open_for_comments,
        is_public=is_public,
        on_change=on_change,
    )
    _REGISTRY[model._meta.label_lower] = entry
    return entry


def unregister_target(model: type[Model]) -> None:
    """Forget ``model`` (tests; existing comments stay in the database, unreadable)."""
    _REGISTRY.pop(model._meta.label_lower, None)


def target_label(model_or_obj: type[Model] | Model) -> str:
    """``app_label.model_name`` of a model or instance (``proposals.proposal``)."""
    return model_or_obj._meta.label_lower


def get_target(model_or_obj: type[Model] | Model | None) -> CommentTarget | None:
    """Return the registry entry of a model or instance, ``None`` when not registered."""
    if model_or_obj is None:
        return None
    return _REGISTRY.get(model_or_obj._meta.label_lower)


def is_registered(model_or_obj: type[Model] | Model) -> bool:
    """Whether a model (or an instance's model) can be commented."""
    return get_target(model_or_obj) is not None


def registered_labels() -> list[str]:
    """The labels of the commentable models, sorted (``["proposals.proposal"]``)."""
    return sorted(_REGISTRY)


def entry_for_content_type(content_type_id: int) -> CommentTarget | None:
    """The registry entry of a content type id (no query: content types are cached)."""
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    return get_target(model)


def resolve_target(label: str, object_id: Any) -> tuple[CommentTarget | None, Model | None]:
    """Find a registered object from its label and primary key, as typed by a client.

    Args:
        label: ``app_label.model_name`` (case-insensitive), e.g. ``proposals.proposal``.
        object_id: its primary key, as text or integer.

    Returns:
        ``(entry, obj)``: ``(None, None)`` when the label is not a registered model;
        ``(entry, None)`` when no object has that key (or the key is not a number).
        Whether the object is public is the caller's question (``entry.is_public``).
        One query (none for a bad label or key).
    """
    entry = _REGISTRY.get(str(label or "").strip().lower()[:200])
    if entry is None:
        return None, None
    text = str(object_id if object_id is not None else "").strip()
    if not text.isdecimal() or len(text) > 18:
        return entry, None
    obj = entry.model._default_manager.filter(pk=int(text)).first()
    return entry, obj
