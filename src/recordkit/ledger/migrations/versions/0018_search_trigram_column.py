"""The search index's CJK trigrams in a column of their own (issue 17, speed): ``tri``, a tsvector without
positions with its own GIN index, so that ``tsv`` (what ranking reads from TOAST) is back to its size before
the trigrams, and a phrase's GIN candidates are a ``BitmapAnd`` of the two indexes.

The column is added empty: the index's version (``search.backends.postgresql.SCHEMA_VERSION``) changed with it,
so ``recordkit search`` and ``index`` ask for ``recordkit index --rebuild``, which fills it.  A database made
after this change gets the column from 0014 already (it creates ``schema_statements``' table): hence ``IF NOT
EXISTS``.  Nothing on a SQLite ledger.

Revision ID: 0018
Revises: 0017
"""

from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TABLE IF EXISTS search_items_new")  # a killed rebuild's shadow, of the old layout
    op.execute("ALTER TABLE search_items ADD COLUMN IF NOT EXISTS tri tsvector NOT NULL DEFAULT ''")
    op.execute("CREATE INDEX IF NOT EXISTS ix_search_items_tri ON search_items USING gin (tri)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TABLE IF EXISTS search_items_new")
    op.execute("DROP INDEX IF EXISTS ix_search_items_tri")
    op.execute("ALTER TABLE search_items DROP COLUMN IF EXISTS tri")
