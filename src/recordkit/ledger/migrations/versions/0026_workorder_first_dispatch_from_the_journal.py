"""An order passed on to another worker (改派) before reassignments were journalled as such (13bd917) had its row's
dispatch time (``assigned_at``) moved to the reassignment's: ``workorder assign`` wrote the new worker and time over
the row's and journalled a ``workorder.assign`` whose ``before`` kept the worker and the dispatch time before it
(``2026-11-03 10:00``).  Everything reading the row — 派工超时 in ``list`` and ``show``, ``list --overdue --as-of``,
the monthly report's 月末超时 — judged such an order by the later time.  Each order whose journal holds such an entry
(a ``workorder.assign`` whose ``before`` names a worker) gets back its first dispatch, the ``before`` of its first one
(``assigned_day_only`` when that was written as a day alone, kept as ``assign`` keeps it: at the report time when on
its day); and, when it has no last hand-over (``handed_at`` NULL: no 改派 since, 0025), the time its row kept — its
last such reassignment — as that hand-over, as ``workorder assign`` has kept it since 0024: nothing is finished
before it.  Orders never passed on, or passed on only as ``workorder.reassign``, are untouched; an entry whose time
cannot be read, or is later than the row's, leaves its order as it is.

No journal entry is written (0025 wrote none): the journal already holds what the row is set back to.  Closed months
keep the work-order figures of their closing (``closed_months.workorder_figures_json``); open months' are counted from
the rows again.  The downgrade sets nothing back: at 0025 the rows mean the same (0025's code read the first dispatch
from the same entry), and a back-filled value cannot be told from one ``workorder assign`` wrote.

Revision ID: 0026
Revises: 0025
"""

import datetime as dt
import json

import sqlalchemy as sa
from alembic import op

from recordkit.core.dates import parse_when_written

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None

# The two tables as this migration reads and writes them (the schema module describes the newest ledger).
_journal = sa.table(
    "journal",
    sa.column("id", sa.Integer),
    sa.column("action", sa.String),
    sa.column("entity", sa.String),
    sa.column("entity_key", sa.String),
    sa.column("before", sa.Text),
)
_orders = sa.table(
    "work_orders",
    sa.column("id", sa.Integer),
    sa.column("number", sa.String),
    sa.column("opened_at", sa.DateTime),
    sa.column("assigned_at", sa.DateTime),
    sa.column("assigned_day_only", sa.Boolean),
    sa.column("handed_at", sa.DateTime),
    sa.column("handed_day_only", sa.Boolean),
)


def _passed_on_from(before: str | None) -> str | None:
    """The dispatch time an old-style reassignment's ``before`` keeps, as written; None for an entry that is not one
    (a first dispatch: no worker before it) or holds no time."""
    try:
        held = json.loads(before or "{}")
    except ValueError:
        return None
    if not isinstance(held, dict) or not held.get("assignee"):
        return None
    written = held.get("assigned_at")
    return written if isinstance(written, str) and written else None


def _first_dispatch(written: str, opened_at: dt.datetime) -> tuple[dt.datetime, bool] | None:
    """The moment a first dispatch written so is kept at and whether it was a day alone (kept at the report time when
    that was on its day: ``day_alone_moment``'s rule, written here as it stood); None when it cannot be read."""
    try:
        when, timed = parse_when_written(written)
    except ValueError:  # DateError is a ValueError too
        return None
    if timed:
        return when, False
    return (max(when, opened_at) if opened_at.date() == when.date() else when), True


def upgrade() -> None:
    bind = op.get_bind()
    first_written: dict[str, str] = {}
    for key, before in bind.execute(
        sa.select(_journal.c.entity_key, _journal.c.before)
        .where(_journal.c.action == "workorder.assign", _journal.c.entity == "workorder")
        .order_by(_journal.c.id)
    ):
        written = _passed_on_from(before)
        if written is not None:
            first_written.setdefault(key, written)
    if not first_written:
        return
    orders = bind.execute(
        sa.select(
            _orders.c.id,
            _orders.c.number,
            _orders.c.opened_at,
            _orders.c.assigned_at,
            _orders.c.assigned_day_only,
            _orders.c.handed_at,
        ).where(_orders.c.assigned_at.is_not(None))
    ).all()
    for order_id, number, opened_at, assigned_at, assigned_alone, handed_at in orders:
        first = _first_dispatch(first_written[number], opened_at) if number in first_written else None
        if first is None or first[0] > assigned_at:
            continue
        values = {"assigned_at": first[0], "assigned_day_only": first[1]}
        if handed_at is None:
            values |= {"handed_at": assigned_at, "handed_day_only": bool(assigned_alone)}
        elif (assigned_at, bool(assigned_alone)) == first:
            continue  # upgraded already
        bind.execute(sa.update(_orders).where(_orders.c.id == order_id).values(**values))


def downgrade() -> None:
    # Nothing set back: see the module's docstring.
    pass
