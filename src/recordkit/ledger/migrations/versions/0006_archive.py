"""The archive: the catalogue of filed items and the loans of their paper originals.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "archive_items",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("archive_no", sa.String(40), nullable=False, unique=True),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("unit", sa.String(32)),
        sa.Column("title", sa.String(256), nullable=False),
        sa.Column("topic", sa.String(128)),
        sa.Column("doc_date", sa.Date),
        sa.Column("pages", sa.Integer),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("path", sa.String(512), nullable=False, unique=True),
        sa.Column("original_name", sa.Text, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("source_mtime_ns", sa.BigInteger, nullable=False),
        sa.Column("retention", sa.String(16), nullable=False),
        sa.Column("box", sa.String(32)),
        sa.Column("shelf", sa.String(32)),
        sa.Column("confidential", sa.Boolean, nullable=False),
        sa.Column("needs_review", sa.Boolean, nullable=False),
        sa.Column("review_reasons", sa.Text, nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("filed_by", sa.String(64), nullable=False),
        sa.Column("filed_at", sa.String(40), nullable=False),
        sa.UniqueConstraint("prefix", "year", "seq"),
    )
    op.create_index("ix_archive_items_category", "archive_items", ["category"])
    op.create_index("ix_archive_items_unit", "archive_items", ["unit"])
    op.create_table(
        "archive_loans",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("item_id", sa.Integer, sa.ForeignKey("archive_items.id"), nullable=False),
        sa.Column("borrower", sa.String(64), nullable=False),
        sa.Column("dept", sa.String(64)),
        sa.Column("reason", sa.Text),
        sa.Column("due", sa.Date, nullable=False),
        sa.Column("lent_on", sa.Date, nullable=False),
        sa.Column("lent_by", sa.String(64), nullable=False),
        sa.Column("lent_at", sa.String(40), nullable=False),
        sa.Column("returned_at", sa.String(40)),
        sa.Column("returned_by", sa.String(64)),
    )
    op.create_index("ix_archive_loans_item_id", "archive_loans", ["item_id"])


def downgrade() -> None:
    op.drop_table("archive_loans")
    op.drop_table("archive_items")
