"""Translated columns of library models, then their history registration.

The extracted text and its folded copy are left out of the history: they are derived
from the file (re-extracted at will) and can be megabytes long.
"""

import simple_history
from modeltranslation.translator import TranslationOptions, register

from infitah.library.models import Document, GoodPractice, GoodPracticeAdoption


@register(Document)
class DocumentTranslationOptions(TranslationOptions):
    fields = ("title", "summary")


simple_history.register(
    Document,
    app=__package__,
    excluded_fields=["extracted_text", "search_text"],
    m2m_fields=["principles"],
)
for _model in (GoodPractice, GoodPracticeAdoption):
    simple_history.register(_model, app=__package__)
