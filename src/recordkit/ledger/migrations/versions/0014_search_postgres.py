"""The search index in PostgreSQL (issue 17): one row per archive item with its own ``tsvector`` (the project's
tokens, weighted A–D, never re-split by PostgreSQL's parser), the filter columns and what results show.  A
rebuild loads a shadow table beside it and swaps it in (``search.backends.postgresql``), re-creating these
same indexes.  Nothing on a SQLite ledger: its index is the FTS5 file in records/index.

Revision ID: 0014
Revises: 0013
"""

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # Plain SQL: the layout is search.backends.postgresql's (its rebuild makes the same table and indexes).
    from recordkit.search.backends.postgresql import schema_statements  # loaded on first use (migrations only)

    for statement in schema_statements("search_items"):
        op.execute(statement)
    op.execute('CREATE TABLE search_index_meta (key text COLLATE "C" PRIMARY KEY, value text NOT NULL)')


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TABLE IF EXISTS search_items_new")
    op.execute("DROP TABLE IF EXISTS search_items")
    op.execute("DROP TABLE IF EXISTS search_index_meta")
