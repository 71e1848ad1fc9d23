"""Translated columns of meeting models, then their history registration."""

import simple_history
from modeltranslation.translator import TranslationOptions, register

from infitah.meetings.models import AgendaItem, BreakoutGroup, Meeting, MeetingDocument


@register(Meeting)
class MeetingTranslationOptions(TranslationOptions):
    fields = (
        "title",
        "description",
        "venue_name",
        "address",
        "city",
        "minutes",
        "cancellation_reason",
    )


@register(AgendaItem)
class AgendaItemTranslationOptions(TranslationOptions):
    fields = ("title", "description", "speakers")


@register(BreakoutGroup)
class BreakoutGroupTranslationOptions(TranslationOptions):
    fields = ("name", "topic", "output")


@register(MeetingDocument)
class MeetingDocumentTranslationOptions(TranslationOptions):
    fields = ("title",)


for _model in (Meeting, AgendaItem, BreakoutGroup, MeetingDocument):
    simple_history.register(_model, app=__package__)
