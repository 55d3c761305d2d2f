"""An order passed on to another worker (改派) before migration 0024 kept no last hand-over (``handed_at`` NULL), so a
completion or a further reassignment before that reassignment was still accepted.  The journal holds every
reassignment (``workorder.reassign``: the new worker and ``reassigned_at``, as it was typed: ``2026-11-04 10:00``, or
the day alone, ``2026-11-04``): each order whose ``handed_at`` is NULL gets it from its latest one, as ``workorder
assign`` has kept it since 0024.  A day alone is ``handed_day_only`` and kept at the hand-over before it when that
was on the same day.  Orders never passed on stay NULL.

The downgrade sets nothing back: at 0024 ``handed_at`` means the same (0024's code would have written these values),
and once upgraded a back-filled value cannot be told from one ``workorder assign`` wrote since.

Revision ID: 0025
Revises: 0024
"""

import datetime as dt
import json

import sqlalchemy as sa
from alembic import op

from recordkit.core.dates import parse_when_written

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None

# The two tables as this migration reads and writes them (the schema module describes the newest ledger).
_journal = sa.table(
    "journal",
    sa.column("id", sa.Integer),
    sa.column("action", sa.String),
    sa.column("entity", sa.String),
    sa.column("entity_key", sa.String),
    sa.column("after", sa.Text),
)
_orders = sa.table(
    "work_orders",
    sa.column("id", sa.Integer),
    sa.column("number", sa.String),
    sa.column("assigned_at", sa.DateTime),
    sa.column("handed_at", sa.DateTime),
    sa.column("handed_day_only", sa.Boolean),
)


def _written(after: str | None) -> tuple[dt.datetime, bool] | None:
    """A reassignment entry's time and whether it was typed as a day alone; None for an entry without a readable one
    (left out: the hand-over before it stands)."""
    try:
        text = json.loads(after or "{}").get("reassigned_at")
        return parse_when_written(text) if isinstance(text, str) and text else None
    except (ValueError, AttributeError):  # DateError is a ValueError too
        return None


def _last_hand_over(
    assigned_at: dt.datetime, reassignments: list[tuple[dt.datetime, bool]]
) -> tuple[dt.datetime, bool]:
    """Where ``workorder assign`` since 0024 would have left ``handed_at`` after these reassignments, oldest first:
    each one's time, a day alone kept at the hand-over before it when that was on the same day (the rule of
    ``workorders.orders.day_alone_moment``, written here as it stood: a migration keeps to the rule of its day)."""
    last, day_alone = assigned_at, False
    for when, timed in reassignments:
        day_alone = not timed
        last = max(when, last) if day_alone and last.date() == when.date() else when
    return last, day_alone


def upgrade() -> None:
    bind = op.get_bind()
    entries: dict[str, list[tuple[dt.datetime, bool]]] = {}
    for key, after in bind.execute(
        sa.select(_journal.c.entity_key, _journal.c.after)
        .where(_journal.c.action == "workorder.reassign", _journal.c.entity == "workorder")
        .order_by(_journal.c.id)
    ):
        written = _written(after)
        if written is not None:
            entries.setdefault(key, []).append(written)
    if not entries:
        return
    orders = bind.execute(
        sa.select(_orders.c.id, _orders.c.number, _orders.c.assigned_at).where(
            _orders.c.handed_at.is_(None), _orders.c.assigned_at.is_not(None)
        )
    ).all()
    for order_id, number, assigned_at in orders:
        if number not in entries:
            continue
        handed_at, day_alone = _last_hand_over(assigned_at, entries[number])
        bind.execute(
            sa.update(_orders).where(_orders.c.id == order_id).values(handed_at=handed_at, handed_day_only=day_alone)
        )


def downgrade() -> None:
    # Nothing set back: see the module's docstring.
    pass
