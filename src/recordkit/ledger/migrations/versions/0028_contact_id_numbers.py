"""A contact's (家属、租户) ID number (``unit_contacts.id_number``): ``owners contact add … --id-number`` and a roster's
家属/租户 row keep it, and a tenant's 居住证明 prints it, as an owner's prints the owner's, instead of （未登记）.

Not unique, unlike ``owners.id_number``: one person may be the tenant of two units, or a family member of one and the
tenant of another.  Contacts already in the ledger have none (NULL), as before.

Revision ID: 0028
Revises: 0027
"""

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("unit_contacts", sa.Column("id_number", sa.String(18)))


def downgrade() -> None:
    op.drop_column("unit_contacts", "id_number")
