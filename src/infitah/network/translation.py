"""Translated columns of network models, then their history registration."""

import simple_history
from modeltranslation.translator import TranslationOptions, register

from infitah.network.models import (
    CharterSection,
    CharterVersion,
    Membership,
    Network,
    Partner,
    Principle,
)


@register(Network)
class NetworkTranslationOptions(TranslationOptions):
    fields = ("name", "short_name", "description")


@register(Principle)
class PrincipleTranslationOptions(TranslationOptions):
    fields = ("name", "description")


@register(Partner)
class PartnerTranslationOptions(TranslationOptions):
    fields = ("name", "role")


@register(CharterVersion)
class CharterVersionTranslationOptions(TranslationOptions):
    fields = ("summary", "change_note", "adopted_by")


@register(CharterSection)
class CharterSectionTranslationOptions(TranslationOptions):
    fields = ("title", "body")


for _model in (Network, Principle, Partner, CharterVersion, CharterSection, Membership):
    simple_history.register(_model, app=__package__)
