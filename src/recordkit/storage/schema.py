"""The ledger's tables, as SQLAlchemy Core metadata.

Alembic migrations in ``migrations/versions`` create exactly these tables;
``HEAD_REVISION`` names the newest migration and a test keeps the two in step.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

HEAD_REVISION = "0006"

metadata = MetaData()

owners = Table(
    "owners",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(64), nullable=False),
    Column("phone", String(32)),
    # 18 characters when known; unique so that re-imports find the same person.
    Column("id_number", String(18), unique=True),
)

units = Table(
    "units",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(32), nullable=False, unique=True),
    Column("building", String(16), nullable=False, index=True),
    Column("entrance", String(8), nullable=False),
    Column("room", String(16), nullable=False),
    # m² times 100: areas have two decimals and no float ever holds them.
    Column("floor_area_hundredths", Integer, nullable=False),
    # occupied / vacant / delivered
    Column("status", String(16), nullable=False),
    Column("owner_id", Integer, ForeignKey("owners.id"), index=True),
    Column("move_in_date", Date),
)

journal = Table(
    "journal",
    metadata,
    # Assigned by recordkit, contiguous from 1, so that a deleted row shows as a gap.
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("at", String(40), nullable=False),
    Column("operator", String(64), nullable=False),
    Column("action", String(64), nullable=False),
    Column("entity", String(32), nullable=False),
    Column("entity_key", String(128), nullable=False),
    Column("before", Text),
    Column("after", Text),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)


# Generated documents: every file recordkit prints, for `docs list` and the audit trail.
documents = Table(
    "documents",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(32), nullable=False, index=True),
    Column("template", String(128), nullable=False),
    # 内置 (built-in) or 本处 (the office's own)
    Column("origin", String(8), nullable=False),
    # A unit code, a receipt number, or another key the document is about.
    Column("subject", String(64), nullable=False, index=True),
    Column("title", String(256), nullable=False),
    # Relative to the workspace root.
    Column("path", String(512), nullable=False, unique=True),
    Column("sha256", String(64), nullable=False),
    # The values the template was filled with, as JSON.
    Column("values_json", Text, nullable=False),
    Column("operator", String(64), nullable=False),
    Column("created_at", String(40), nullable=False),
)


# Issue 4: fees and receipts.  Money is BIGINT fen; months are "YYYY-MM" text (they sort as dates).

fee_items = Table(
    "fee_items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(32), nullable=False, unique=True),
    # area / fixed / metered / oneoff
    Column("kind", String(16), nullable=False),
    Column("unit_label", String(16), nullable=False),
)

# A rule's history: each row applies from its month until the next row of the same item.
fee_rates = Table(
    "fee_rates",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("item_id", Integer, ForeignKey("fee_items.id"), nullable=False),
    Column("effective_from", String(7), nullable=False),
    # 元 x 10,000: rates have up to four decimals (2.3500 元/㎡·月 is 23500).
    Column("rate_ten_thousandths", BigInteger, nullable=False),
    Column("vacant_percent", Integer, nullable=False),
    # JSON list of unit codes the rate applies to; NULL means every unit.
    Column("unit_codes", Text),
    UniqueConstraint("item_id", "effective_from"),
)

meter_readings = Table(
    "meter_readings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("unit_id", Integer, ForeignKey("units.id"), nullable=False),
    Column("item_id", Integer, ForeignKey("fee_items.id"), nullable=False),
    Column("month", String(7), nullable=False),
    # Meter readings x 100 (two decimals, no float).
    Column("previous_hundredths", BigInteger, nullable=False),
    Column("current_hundredths", BigInteger, nullable=False),
    UniqueConstraint("unit_id", "item_id", "month"),
)

bills = Table(
    "bills",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("unit_id", Integer, ForeignKey("units.id"), nullable=False, index=True),
    Column("item_id", Integer, ForeignKey("fee_items.id"), nullable=False),
    Column("month", String(7), nullable=False, index=True),
    Column("amount_fen", BigInteger, nullable=False),
    # How the amount was reached, as printed: "143.80㎡ × 2.35元/㎡·月".
    Column("basis", String(128), nullable=False),
    Column("rate_id", Integer, ForeignKey("fee_rates.id")),
    UniqueConstraint("unit_id", "item_id", "month"),
)

payments = Table(
    "payments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("unit_id", Integer, ForeignKey("units.id"), nullable=False, index=True),
    Column("payer", String(64), nullable=False),
    Column("amount_fen", BigInteger, nullable=False),
    Column("method", String(16), nullable=False),
    Column("paid_on", Date, nullable=False),
    Column("cashier", String(64), nullable=False),
    # A voided payment stays; it no longer pays anything.
    Column("voided", Boolean, nullable=False, default=False),
)

# Which payment paid how much of which bill; a payment's amount not allocated is prepayment (预收).
allocations = Table(
    "allocations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("payment_id", Integer, ForeignKey("payments.id"), nullable=False, index=True),
    Column("bill_id", Integer, ForeignKey("bills.id"), nullable=False, index=True),
    Column("amount_fen", BigInteger, nullable=False),
)

receipts = Table(
    "receipts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("number", String(40), nullable=False, unique=True),
    # The sequence is per year when the number pattern holds {year}; year 0 is one sequence for ever.
    Column("year", Integer, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("payment_id", Integer, ForeignKey("payments.id"), nullable=False, unique=True),
    Column("issued_on", Date, nullable=False, index=True),
    Column("issued_at", String(40), nullable=False),
    # issued / voided
    Column("status", String(16), nullable=False),
    # The lines as printed (JSON): what the receipt says never changes after issue.
    Column("lines", Text, nullable=False),
    Column("void_reason", Text),
    Column("voided_by", String(64)),
    Column("voided_at", String(40)),
    Column("voided_on", Date),
    Column("reprints", Integer, nullable=False, default=0),
    UniqueConstraint("year", "seq"),
)


# Issue 6: the archive catalogue (rebuildable from the sidecars in records/archive/) and loans of the paper originals.

archive_items = Table(
    "archive_items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("archive_no", String(40), nullable=False, unique=True),
    # The number's sequence: per prefix and filing year, gap-free, never reused.
    Column("prefix", String(16), nullable=False),
    Column("year", Integer, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("category", String(32), nullable=False, index=True),
    Column("unit", String(32), index=True),
    Column("title", String(256), nullable=False),
    # Sub-folder below the category in the inbox, e.g. 电梯 for 工程档案/电梯/.
    Column("topic", String(128)),
    Column("doc_date", Date),
    Column("pages", Integer),
    Column("size", BigInteger, nullable=False),
    Column("sha256", String(64), nullable=False, unique=True),
    # Relative to the workspace root (records/archive/<category>/<year>/<档号>_<title>.<ext>).
    Column("path", String(512), nullable=False, unique=True),
    Column("original_name", Text, nullable=False),
    # Where the file came from (relative to the workspace when inside it) and its mtime, to know a re-run.
    Column("source", Text, nullable=False),
    Column("source_mtime_ns", BigInteger, nullable=False),
    Column("retention", String(16), nullable=False),
    Column("box", String(32)),
    Column("shelf", String(32)),
    Column("confidential", Boolean, nullable=False, default=False),
    Column("needs_review", Boolean, nullable=False, default=False),
    # Why it needs review (JSON list of Chinese reasons).
    Column("review_reasons", Text, nullable=False, default="[]"),
    Column("note", Text),
    Column("filed_by", String(64), nullable=False),
    Column("filed_at", String(40), nullable=False),
    UniqueConstraint("prefix", "year", "seq"),
)

archive_loans = Table(
    "archive_loans",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("item_id", Integer, ForeignKey("archive_items.id"), nullable=False, index=True),
    Column("borrower", String(64), nullable=False),
    Column("dept", String(64)),
    Column("reason", Text),
    Column("due", Date, nullable=False),
    Column("lent_on", Date, nullable=False),
    Column("lent_by", String(64), nullable=False),
    Column("lent_at", String(40), nullable=False),
    Column("returned_at", String(40)),
    Column("returned_by", String(64)),
)
