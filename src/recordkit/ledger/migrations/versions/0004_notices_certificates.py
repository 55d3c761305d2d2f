"""Notices and certificates: numbered certificates and goods exit passes.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "certificates",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("number", sa.String(40), nullable=False, unique=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("unit_code", sa.String(32), nullable=False),
        sa.Column("issued_on", sa.Date, nullable=False),
        sa.Column("issued_at", sa.String(40), nullable=False),
        sa.Column("operator", sa.String(64), nullable=False),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id"), nullable=False),
        sa.Column("details", sa.Text, nullable=False),
        sa.UniqueConstraint("kind", "year", "seq"),
    )
    op.create_index("ix_certificates_unit_code", "certificates", ["unit_code"])


def downgrade() -> None:
    op.drop_table("certificates")
