"""Translated columns of the disclosure catalogue, then history registration."""

import simple_history
from modeltranslation.translator import TranslationOptions, register

from infitah.access_info.models import (
    Complaint,
    DisclosureCategory,
    DisclosureItem,
    HolidayOverride,
)


@register(DisclosureCategory)
class DisclosureCategoryTranslationOptions(TranslationOptions):
    fields = ("name", "description")


# Requests keep their own append-only log (RequestEvent); a history table would copy
# the requester's personal data into rows that identity removal would have to chase.
for _model in (Complaint, DisclosureCategory, DisclosureItem, HolidayOverride):
    simple_history.register(_model, app=__package__)
