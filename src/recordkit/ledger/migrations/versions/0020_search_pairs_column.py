"""The search index's pairs of neighbouring tokens in a column of their own (issue 17, build speed): ``pairs``,
a tsvector without positions with its own GIN index, beside ``tri`` (now the CJK trigrams alone).  PostgreSQL
builds a GIN index in one process: the two columns' indexes, with ``tsv``'s, are built by a rebuild's two
connections at once instead of one long ``tri`` index after ``tsv``'s.  Pairs holding a canonical code are no
longer made (the index's version changed with both).

The column is added empty: the index's version (``search.backends.postgresql.SCHEMA_VERSION``) changed with it,
so ``recordkit search`` and ``index`` ask for ``recordkit index --rebuild``, which fills it.  A database made
after this change gets the column from 0014 already (it creates ``schema_statements``' table): hence ``IF NOT
EXISTS``.  Nothing on a SQLite ledger.

Revision ID: 0020
Revises: 0019
"""

from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TABLE IF EXISTS search_items_new")  # a killed rebuild's shadow, of the old layout
    op.execute("ALTER TABLE search_items ADD COLUMN IF NOT EXISTS pairs tsvector NOT NULL DEFAULT ''")
    op.execute("CREATE INDEX IF NOT EXISTS ix_search_items_pairs ON search_items USING gin (pairs)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TABLE IF EXISTS search_items_new")
    op.execute("DROP INDEX IF EXISTS ix_search_items_pairs")
    op.execute("ALTER TABLE search_items DROP COLUMN IF EXISTS pairs")
