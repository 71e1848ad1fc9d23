"""The full-text index over ``search_index``, by database vendor.

SQLite: an FTS5 external-content table ``search_index_fts`` and three triggers that
keep it in sync with ``search_index``. PostgreSQL: a generated ``tsvector`` column
``search_vector`` (config "simple": the terms are already normalised and stemmed in
Python) and its GIN index. Other databases: nothing (search is not supported there).

The same statements are in ``infitah.library.search`` (``ensure_schema``), which
``manage.py library_reindex`` runs to repair the index (e.g. after a migration that
rebuilt the table on SQLite, which drops its triggers). They are repeated here
because a migration must not change when the code does.
"""

from django.db import migrations

SQLITE_FORWARDS = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_index_fts USING fts5("
    "title_terms, body_terms, content='search_index', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER IF NOT EXISTS search_index_ai AFTER INSERT ON search_index BEGIN "
    "INSERT INTO search_index_fts(rowid, title_terms, body_terms) "
    "VALUES (new.id, new.title_terms, new.body_terms); END",
    "CREATE TRIGGER IF NOT EXISTS search_index_ad AFTER DELETE ON search_index BEGIN "
    "INSERT INTO search_index_fts(search_index_fts, rowid, title_terms, body_terms) "
    "VALUES ('delete', old.id, old.title_terms, old.body_terms); END",
    "CREATE TRIGGER IF NOT EXISTS search_index_au AFTER UPDATE OF title_terms, body_terms "
    "ON search_index BEGIN "
    "INSERT INTO search_index_fts(search_index_fts, rowid, title_terms, body_terms) "
    "VALUES ('delete', old.id, old.title_terms, old.body_terms); "
    "INSERT INTO search_index_fts(rowid, title_terms, body_terms) "
    "VALUES (new.id, new.title_terms, new.body_terms); END",
    "INSERT INTO search_index_fts(search_index_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARDS = [
    "DROP TRIGGER IF EXISTS search_index_au",
    "DROP TRIGGER IF EXISTS search_index_ad",
    "DROP TRIGGER IF EXISTS search_index_ai",
    "DROP TABLE IF EXISTS search_index_fts",
]
POSTGRESQL_FORWARDS = [
    "ALTER TABLE search_index ADD COLUMN IF NOT EXISTS search_vector tsvector "
    "GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple'::regconfig, coalesce(title_terms, '')), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, coalesce(body_terms, '')), 'B')) STORED",
    "CREATE INDEX IF NOT EXISTS search_index_vector_gin ON search_index USING gin (search_vector)",
]
POSTGRESQL_BACKWARDS = [
    "DROP INDEX IF EXISTS search_index_vector_gin",
    "ALTER TABLE search_index DROP COLUMN IF EXISTS search_vector",
]


class VendorRunSQL(migrations.RunSQL):
    """``RunSQL`` that runs only on one database vendor (``sqlite``, ``postgresql``)."""

    def __init__(self, vendor, sql, reverse_sql):
        self.vendor = vendor
        super().__init__(sql, reverse_sql)

    def deconstruct(self):
        name, args, kwargs = super().deconstruct()
        return name, [self.vendor, *args], kwargs

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [
        ("library", "0001_initial"),
    ]

    operations = [
        VendorRunSQL("sqlite", SQLITE_FORWARDS, SQLITE_BACKWARDS),
        VendorRunSQL("postgresql", POSTGRESQL_FORWARDS, POSTGRESQL_BACKWARDS),
    ]
