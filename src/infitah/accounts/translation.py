"""Translated columns of organisations, then history registration for accounts models.

An organisation's name is often official in Arabic and French (a council's consultative
body, an association registered in both languages), so it is translated like the
names of collectivities.
"""

import simple_history
from modeltranslation.translator import TranslationOptions, register

from infitah.accounts.models import CollectivityRole, NetworkRole, Organisation


@register(Organisation)
class OrganisationTranslationOptions(TranslationOptions):
    fields = ("name", "description")


for _model in (Organisation, CollectivityRole, NetworkRole):
    simple_history.register(_model, app=__package__)
