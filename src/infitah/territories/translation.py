"""Translated columns of territories models (django-modeltranslation)."""

import simple_history
from modeltranslation.translator import TranslationOptions, register

from infitah.territories.models import Collectivity


@register(Collectivity)
class CollectivityTranslationOptions(TranslationOptions):
    fields = ("name",)


# After the translation registration (see STACK-NOTES: history + translations).
simple_history.register(Collectivity, app=__package__)
