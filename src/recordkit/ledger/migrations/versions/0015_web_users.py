"""Accounts of the web page (issue 19): who may sign in when ``recordkit serve`` listens beyond 127.0.0.1,
with which role, and the failed sign-ins that throttle guessing (kept here, so a restart forgets none).

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(64), nullable=False, unique=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("disabled", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("password_changed_at", sa.String(40), nullable=False),
        sa.Column("last_login_at", sa.String(40)),
    )
    op.create_table(
        "web_login_failures",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.String(40), nullable=False, index=True),
        sa.Column("user_name", sa.String(64), nullable=False, index=True),
        sa.Column("client", sa.String(64), nullable=False, index=True),
    )


def downgrade() -> None:
    op.drop_table("web_login_failures")
    op.drop_table("web_users")
