"""Former archive numbers (曾用档号): an item whose category is corrected gets a new number in its new
category; the number it had stays findable (``archive show``, ``search``) and is never handed out again.

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "archive_aliases",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("item_id", sa.Integer, sa.ForeignKey("archive_items.id"), nullable=False, index=True),
        sa.Column("archive_no", sa.String(40), nullable=False, unique=True),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("changed_at", sa.String(40), nullable=False),
        sa.Column("changed_by", sa.String(64), nullable=False),
        sa.UniqueConstraint("prefix", "year", "seq"),
    )


def downgrade() -> None:
    op.drop_table("archive_aliases")
