"""A unit may have a second renovation in the month its first was closed: the one-off charges billed
again that month (its deposit, its waste-removal fee) are bills of their own, told apart by
``bills.serial`` (0 for every other bill), so the bills are unique by unit, item, month and serial —
``fees bill`` still makes one bill per unit, item and month.  Two such bills may both be owed at a
closed month's end, so the closing balances are keyed by the bill too.

On SQLite neither a table's UNIQUE nor its PRIMARY KEY can be altered: both tables are made again, their
rows kept in a temporary table in between; the rows that refer to a bill (allocations, renovations,
closing balances) are checked at the commit (``defer_foreign_keys``), by when every bill is back.

Revision ID: 0022
Revises: 0021
"""

from collections.abc import Callable

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

_BILL_KEY = ["unit_id", "item_id", "month"]
_BALANCE_KEY = ["closed_month", "unit_id", "item_id", "bill_month"]


def _bills(serial: bool) -> sa.Table:
    return op.create_table(
        "bills",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id"), nullable=False),
        sa.Column("item_id", sa.Integer, sa.ForeignKey("fee_items.id"), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("amount_fen", sa.BigInteger, nullable=False),
        sa.Column("basis", sa.String(128), nullable=False),
        sa.Column("rate_id", sa.Integer, sa.ForeignKey("fee_rates.id")),
        *([sa.Column("serial", sa.Integer, nullable=False, server_default="0")] if serial else []),
        sa.UniqueConstraint(*_BILL_KEY, *(["serial"] if serial else [])),
    )


def _balances(by_bill: bool) -> sa.Table:
    return op.create_table(
        "closing_balances",
        sa.Column("closed_month", sa.String(7), sa.ForeignKey("closed_months.month"), primary_key=True),
        sa.Column("unit_id", sa.Integer, primary_key=True),
        sa.Column("item_id", sa.Integer, primary_key=True),
        sa.Column("bill_month", sa.String(7), primary_key=True),
        sa.Column("bill_id", sa.Integer, sa.ForeignKey("bills.id"), nullable=False, primary_key=by_bill),
        sa.Column("owed_fen", sa.BigInteger, nullable=False),
        sqlite_with_rowid=False,
    )


def _sqlite_remake(name: str, kept: list[str], make: Callable[[bool], sa.Table], new: bool) -> None:
    """Make a SQLite table again in its ``new`` (or former) form, its ``kept`` columns' rows kept."""
    columns = ", ".join(kept)
    bind = op.get_bind()
    bind.exec_driver_sql(f"CREATE TEMP TABLE kept_0022 AS SELECT {columns} FROM {name}")
    op.drop_table(name)
    make(new)
    bind.exec_driver_sql(f"INSERT INTO {name} ({columns}) SELECT {columns} FROM kept_0022")
    bind.exec_driver_sql("DROP TABLE kept_0022")


def _unique_name(table: str, columns: list[str]) -> str:
    found = sa.inspect(op.get_bind()).get_unique_constraints(table)
    return next(str(c["name"]) for c in found if list(c["column_names"]) == columns)


def _change(new: bool) -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.get_bind().exec_driver_sql("PRAGMA defer_foreign_keys = ON")
        _sqlite_remake("closing_balances", [*_BALANCE_KEY, "bill_id", "owed_fen"], _balances, new)
        _sqlite_remake("bills", ["id", *_BILL_KEY, "amount_fen", "basis", "rate_id"], _bills, new)
        op.create_index("ix_bills_unit_id", "bills", ["unit_id"])
        op.create_index("ix_bills_month_item_unit_amount", "bills", ["month", "item_id", "unit_id", "amount_fen"])
        return
    old_key, new_key = (_BILL_KEY, [*_BILL_KEY, "serial"]) if new else ([*_BILL_KEY, "serial"], _BILL_KEY)
    if new:
        op.add_column("bills", sa.Column("serial", sa.Integer, nullable=False, server_default="0"))
    op.drop_constraint(_unique_name("bills", old_key), "bills", type_="unique")
    op.create_unique_constraint(f"bills_{'_'.join(new_key)}_key", "bills", new_key)
    if not new:
        op.drop_column("bills", "serial")
    pk = str(sa.inspect(op.get_bind()).get_pk_constraint("closing_balances")["name"])
    op.drop_constraint(pk, "closing_balances", type_="primary")
    op.create_primary_key(pk, "closing_balances", [*_BALANCE_KEY, "bill_id"] if new else _BALANCE_KEY)


def upgrade() -> None:
    _change(True)


def downgrade() -> None:
    # Refused (the unique constraint) while a unit has a one-off item billed twice in one month.
    _change(False)
