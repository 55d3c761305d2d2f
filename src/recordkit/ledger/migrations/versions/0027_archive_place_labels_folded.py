"""A 盒号 or 架位 typed full-width (the input method left so: ``Ａ－１－２``, ``３排２层``) was stored as typed until
74d76a4; since then it is stored NFKC-folded (``archive.rules.place_label``), and ``archive list --box A-1-2`` looks
for the folded label only, so the rows stored before were not found.  Each such row is folded by the same rule;
a row already folded, or whose folded label the column (32 characters) cannot hold, is left as it is.

No journal entry is written: the label is the same box, spelled as it is stored now.  The items' sidecars in the
archive tree (not within a migration's reach: the archive may lie on another computer) keep the spelling they were
written with: ``archive verify`` names them and ``--repair`` writes them as the ledger has them.  The downgrade sets
nothing back: at 0026 a folded label means the same box (0026's code stored every new one so).

Revision ID: 0027
Revises: 0026
"""

import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None

#: The most characters ``archive_items.box`` and ``.shelf`` hold (``String(32)``).
_COLUMN_CHARS = 32

# The table as this migration reads and writes it (the schema module describes the newest ledger).
_items = sa.table(
    "archive_items", sa.column("id", sa.Integer), sa.column("box", sa.String), sa.column("shelf", sa.String)
)


def _place_label(value: str | None) -> str | None:
    """``archive.rules.place_label`` as it was when this migration was written (a migration keeps its own copy: what
    it did must not change when the package's rule does)."""
    return (unicodedata.normalize("NFKC", value).strip() or None) if value else None


def _folded(label: str | None) -> str | None:
    """``label`` as stored now, or as it is when that is longer than the column holds (NFKC spells ``㍿`` out)."""
    folded = _place_label(label)
    return label if folded is not None and len(folded) > _COLUMN_CHARS else folded


def upgrade() -> None:
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(_items.c.id, _items.c.box, _items.c.shelf).where(
            sa.or_(_items.c.box.is_not(None), _items.c.shelf.is_not(None))
        )
    ).all()
    for item_id, box, shelf in rows:
        folded = {"box": _folded(box), "shelf": _folded(shelf)}
        if folded != {"box": box, "shelf": shelf}:
            bind.execute(sa.update(_items).where(_items.c.id == item_id).values(**folded))


def downgrade() -> None:
    # Nothing set back: see the module's docstring.
    pass
