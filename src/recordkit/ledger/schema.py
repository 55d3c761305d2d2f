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
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)

HEAD_REVISION = "0031"

metadata = MetaData()

owners = Table(
    "owners",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(64), nullable=False),
    Column("phone", String(32)),
    # 18 characters when known (a resident ID number; a passport's up to 20).
    Column("id_number", String(20)),
    # The document the number is of, by its English name (core.personal.ID_TYPES; migration 0029).
    Column("id_type", String(24), nullable=False, server_default="resident_id"),
    # Unique so that re-imports find the same person: a passport and a 台胞证 of the same digits are two people's.
    Index("ux_owners_id_type_number", "id_type", "id_number", unique=True),
)

units = Table(
    "units",
    metadata,
    Column("id", Integer, primary_key=True),
    # The canonical code (core.unitcodes): 3-2-1201, 5-1201, 商铺S-101, 二期·车位B1-023.
    Column("code", String(64), nullable=False, unique=True),
    # 住宅 / 别墅 / 商铺 / 车位 / 储藏室 (issue 15); rows older than that are 住宅.
    Column("kind", String(8), nullable=False, server_default="住宅"),
    # The 区/期 the unit lies in; empty when the estate has none.
    Column("phase", String(32), nullable=False, server_default=""),
    # Empty for a villa, shop, parking space or storeroom (their number is in room); entrance is
    # empty too in a building without 单元.
    Column("building", String(16), nullable=False, index=True),
    Column("entrance", String(8), nullable=False),
    Column("room", String(24), nullable=False),
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
    # The monthly report counts one action's entries in a month (reprints) from this index alone,
    # instead of reading the whole journal (migration 0017).
    Index("ix_journal_action_at", "action", "at", "entity_key"),
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
    # JSON list of kinds of unit (住宅, 商铺, 车位 …) the rate applies to; NULL means every kind.
    Column("unit_kinds", Text),
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
    Column("month", String(7), nullable=False),
    Column("amount_fen", BigInteger, nullable=False),
    # How the amount was reached, as printed: "143.80㎡ × 2.35元/㎡·月".
    Column("basis", String(128), nullable=False),
    Column("rate_id", Integer, ForeignKey("fee_rates.id")),
    # 0, but for a one-off item billed again in the same month (a second renovation registered after
    # the first was closed: 1, 2, …); ``fees bill`` makes one bill per unit, item and month (migration 0022).
    Column("serial", Integer, nullable=False, server_default="0"),
    UniqueConstraint("unit_id", "item_id", "month", "serial"),
)
# Covering: a month's bills summed from the index alone (migration 0015; it replaced ix_bills_month).
Index("ix_bills_month_item_unit_amount", bills.c.month, bills.c.item_id, bills.c.unit_id, bills.c.amount_fen)

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
# The report reads the payments of the months it shows (issue 14, migration 0015).
Index("ix_payments_paid_on", payments.c.paid_on)

# Which payment paid how much of which bill; a payment's amount not allocated is prepayment (预收).
allocations = Table(
    "allocations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("payment_id", Integer, ForeignKey("payments.id"), nullable=False, index=True),
    Column("bill_id", Integer, ForeignKey("bills.id"), nullable=False),
    Column("amount_fen", BigInteger, nullable=False),
)
# Covering: what each bill was paid, and by which payment, read from the index alone (migration 0015;
# it replaced ix_allocations_bill_id).
Index("ix_allocations_bill_payment_amount", allocations.c.bill_id, allocations.c.payment_id, allocations.c.amount_fen)

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
    # Indexed (migration 0017): the monthly report lists the receipts voided in its month.
    Column("voided_on", Date, index=True),
    Column("reprints", Integer, nullable=False, default=0),
    # A red reversal (红冲) names the receipt of a closed month it reverses (issue 14).
    Column("reversal_of", Integer, index=True),
    UniqueConstraint("year", "seq"),
)

# Issue 14: closed months (结账).  Nothing dated inside a closed month changes.
closed_months = Table(
    "closed_months",
    metadata,
    Column("month", String(7), primary_key=True),
    Column("closed_at", String(40), nullable=False),
    Column("closed_by", String(64), nullable=False),
    # The first month of the ledger's bills and payments when the month was closed with every month
    # before it (from that one) closed too, and its closing balances stored; NULL: none stored
    # (migration 0016).
    Column("balances_since", String(7)),
    # The month's work-order figures for the monthly report (``reports.figures.keep_month_figures``), kept when
    # it is closed, with or without balances: work orders may still be recorded in a closed month later
    # (migration 0021).  NULL: closed before that migration, counted from the work orders.
    Column("workorder_figures_json", Text),
)

# Issue 14, speed: what each fee bill (deposits never) still lacked at a closed month's end, stored
# when the month is closed (only bills lacking something).  Final: nothing dated in or before a
# closed month changes, so the monthly report starts from them instead of the whole history.
closing_balances = Table(
    "closing_balances",
    metadata,
    # Keyed in the order the report sums them (per unit and fee item, per unit): one closed month's
    # rows are read in that order, with nothing to sort.
    Column("closed_month", String(7), ForeignKey("closed_months.month"), primary_key=True),
    Column("unit_id", Integer, primary_key=True),
    Column("item_id", Integer, primary_key=True),
    Column("bill_month", String(7), primary_key=True),
    # In the key too: a unit may owe two bills of one item and month (``bills.serial``, migration 0022).
    Column("bill_id", Integer, ForeignKey("bills.id"), nullable=False, primary_key=True),
    Column("owed_fen", BigInteger, nullable=False),
    # On SQLite the rows live in their key's order: one month's balances are one range, stored once.
    sqlite_with_rowid=False,
)

# Issue 14, speed: the monthly report's fee figures of a closed month, kept when it is closed with its
# closing balances (the same transaction).  Final for the same reason; the report reads them back
# instead of summing the month's bills and payments again (``reports.figures``).
closing_figures = Table(
    "closing_figures",
    metadata,
    Column("closed_month", String(7), ForeignKey("closed_months.month"), primary_key=True),
    # The month's trend point: 应收 and 当期实收 (its bills paid by its end), deposits left out.
    Column("billed_fen", BigInteger, nullable=False),
    Column("collected_fen", BigInteger, nullable=False),
    # The rest of the month's fee figures (by fee item id, by building, the month's totals, every unit
    # owing at its end with the fen, the bill months and the oldest), as JSON written by
    # ``reports.figures.keep_month_figures``.
    Column("figures_json", Text, nullable=False),
)


# Issue 5: renovations (装修登记).  The deposit and the waste-removal fee are one-off bills on the
# unit, so the cashier's receipt settles them; a bill named here as a deposit is money held, not a fee.

renovations = Table(
    "renovations",
    metadata,
    Column("id", Integer, primary_key=True),
    # ZX2026-0001: the sequence is per year.
    Column("number", String(32), nullable=False, unique=True),
    Column("year", Integer, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("unit_id", Integer, ForeignKey("units.id"), nullable=False, index=True),
    # The owner as registered (the unit may change hands later; the papers do not).
    Column("owner_name", String(64), nullable=False),
    Column("contractor", String(128), nullable=False),
    Column("manager", String(64), nullable=False),
    Column("manager_phone", String(32), nullable=False),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date, nullable=False),
    # "8:00-12:00,14:00-18:00"
    Column("hours", String(128), nullable=False),
    Column("items", Text, nullable=False),
    # active (装修中) / failed (验收不合格) / passed (验收合格) / refunded (已退押金)
    Column("status", String(16), nullable=False),
    Column("deposit_fen", BigInteger, nullable=False),
    Column("waste_fen", BigInteger, nullable=False),
    Column("deposit_bill_id", Integer, ForeignKey("bills.id")),
    Column("waste_bill_id", Integer, ForeignKey("bills.id")),
    Column("registered_on", Date, nullable=False),
    Column("registered_by", String(64), nullable=False),
    Column("deduction_fen", BigInteger),
    Column("deduction_reason", Text),
    Column("refund_fen", BigInteger),
    Column("refunded_on", Date),
    Column("refunded_by", String(64)),
    Column("refund_method", String(16)),  # 现金、微信、支付宝、银行转账: how the refund went out
    UniqueConstraint("year", "seq"),
)

renovation_inspections = Table(
    "renovation_inspections",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("renovation_id", Integer, ForeignKey("renovations.id"), nullable=False, index=True),
    # 合格 / 不合格
    Column("result", String(8), nullable=False),
    Column("notes", Text, nullable=False),
    Column("inspected_on", Date, nullable=False),
    Column("inspector", String(64), nullable=False),
)

renovation_passes = Table(
    "renovation_passes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("renovation_id", Integer, ForeignKey("renovations.id"), nullable=False, index=True),
    # ZX2026-0001-03: the renovation's number and the pass's sequence within it.
    Column("number", String(40), nullable=False, unique=True),
    Column("worker", String(64), nullable=False),
    # Printed on the pass (the gate checks it); never in the journal, file names or logs.  A resident ID number's 18
    # characters, another document's up to 20 (migration 0030).
    Column("id_number", String(20), nullable=False),
    # The document the number is of (core.personal.ID_TYPES; migration 0030).
    Column("id_type", String(24), nullable=False, server_default="resident_id"),
    Column("trade", String(32), nullable=False),
    Column("valid_from", Date, nullable=False),
    Column("valid_until", Date, nullable=False),
    # valid / cancelled
    Column("status", String(16), nullable=False),
    Column("issued_on", Date, nullable=False),
    Column("issued_by", String(64), nullable=False),
    Column("cancelled_on", Date),
    Column("cancelled_by", String(64)),
    Column("cancel_reason", Text),
    # The pass this one replaces (a reissue after a lost card).
    Column("replaces_id", Integer, ForeignKey("renovation_passes.id")),
)

# Issue 5: numbered certificates (居住证明, 缴费证明) and goods exit passes (出门条).
certificates = Table(
    "certificates",
    metadata,
    Column("id", Integer, primary_key=True),
    # JZ2026-0001, JF2026-0001, CM2026-000001: one sequence per kind and year.
    Column("number", String(40), nullable=False, unique=True),
    # The template it was printed from: 居住证明 / 缴费证明 / 出门条.
    Column("kind", String(32), nullable=False),
    Column("year", Integer, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("unit_code", String(64), nullable=False, index=True),
    Column("issued_on", Date, nullable=False),
    Column("issued_at", String(40), nullable=False),
    Column("operator", String(64), nullable=False),
    Column("document_id", Integer, ForeignKey("documents.id"), nullable=False),
    # What the paper says beyond the unit (items and validity of an exit pass, purpose), as JSON;
    # never an ID number.
    Column("details", Text, nullable=False),
    UniqueConstraint("kind", "year", "seq"),
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
    Column("unit", String(64), index=True),
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

# Issue 16: the numbers an item had before its category was corrected (it was given a new number in its
# new category).  An old number still finds the item and is never handed out again.
archive_aliases = Table(
    "archive_aliases",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("item_id", Integer, ForeignKey("archive_items.id"), nullable=False, index=True),
    Column("archive_no", String(40), nullable=False, unique=True),
    Column("prefix", String(16), nullable=False),
    Column("year", Integer, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("changed_at", String(40), nullable=False),
    Column("changed_by", String(64), nullable=False),
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

# Issue 8: work orders (工单): repair requests 报修 and complaints 投诉, their dispatch, completion and
# follow-up visit 回访.  Times are the office's local wall-clock time, to the minute, without a zone.

work_orders = Table(
    "work_orders",
    metadata,
    Column("id", Integer, primary_key=True),
    # GD2026-000123: the sequence is per year of opened_at, gap-free.
    Column("number", String(32), nullable=False, unique=True),
    Column("year", Integer, nullable=False),
    Column("seq", Integer, nullable=False),
    # 报修 / 投诉
    Column("type", String(8), nullable=False),
    # 水电 门窗 电梯 公共设施 噪音 卫生 安保 收费 其他
    Column("category", String(16), nullable=False, index=True),
    # A unit code (3-2-1201), or NULL for a public area named in place.
    Column("unit", String(64), index=True),
    Column("place", String(128)),
    Column("description", Text, nullable=False),
    Column("reported_by", String(64)),
    # Personal data: masked on screen, in sheets and in the journal unless asked for.
    Column("phone", String(32)),
    # open (待派工) / assigned (处理中) / closed (已完成) / visited (已回访)
    Column("status", String(16), nullable=False, index=True),
    Column("opened_at", DateTime, nullable=False, index=True),
    Column("opened_by", String(64), nullable=False),
    # The category's time limits as they stood when the order was opened.
    Column("respond_by", DateTime, nullable=False),
    Column("close_by", DateTime, nullable=False),
    # The earlier complaint (same unit and category, within the repeat window) this one repeats.
    Column("repeat_of", String(32)),
    Column("assignee", String(64)),
    Column("assigned_at", DateTime),
    Column("closed_at", DateTime, index=True),
    Column("result", Text),
    Column("closed_by", String(64)),
    Column("visited_at", DateTime, index=True),
    # 满意 / 基本满意 / 不满意
    Column("satisfaction", String(8)),
    Column("visit_notes", Text),
    Column("visited_by", String(64)),
    # Its times were written as a date alone (a hand-kept logbook): limits in hours are not judged, limits of
    # whole days are judged by the date (migration 0023).
    Column("date_only", Boolean, nullable=False, server_default=false()),
    # A step recorded with a date alone (``workorder close --at 2026-11-04``, a logbook's 回访时间 2026-11-05) on an
    # order timed to the minute: shown as the day, judged by the date (migration 0024).
    Column("assigned_day_only", Boolean, nullable=False, server_default=false()),
    Column("closed_day_only", Boolean, nullable=False, server_default=false()),
    Column("visited_day_only", Boolean, nullable=False, server_default=false()),
    # The last reassignment (改派, ``workorder assign`` to another worker), and whether it was typed as a date alone:
    # nothing is finished or passed on again before it.  NULL for an order never passed on (migration 0024; orders
    # passed on before it got theirs from the journal's last ``workorder.reassign``, migration 0025; orders passed on
    # before 13bd917, whose dispatch time had moved to the reassignment's, got that time as their last hand-over and
    # their first dispatch back as ``assigned_at``, migration 0026).
    Column("handed_at", DateTime),
    Column("handed_day_only", Boolean, nullable=False, server_default=false()),
    UniqueConstraint("year", "seq"),
)

# Issue 15: co-owners and contacts.  units.owner_id stays the first owner.
unit_co_owners = Table(
    "unit_co_owners",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("unit_id", Integer, ForeignKey("units.id"), nullable=False, index=True),
    Column("owner_id", Integer, ForeignKey("owners.id"), nullable=False, index=True),
    # 2 for the second owner on the deed, 3 for the third, ...
    Column("position", Integer, nullable=False),
    UniqueConstraint("unit_id", "owner_id"),
)

unit_contacts = Table(
    "unit_contacts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("unit_id", Integer, ForeignKey("units.id"), nullable=False, index=True),
    Column("name", String(64), nullable=False),
    # 租户, or the family relation as written (家属, 配偶, 子女, 父母 …)
    Column("relation", String(16), nullable=False),
    # Personal data: masked on screen and in the journal unless asked for.
    Column("phone", String(32)),
    # As written on the contact's card (18 characters, or 15 digits), not unique: one person may be the tenant of
    # two units (migration 0028); another document's number up to 20 characters.
    Column("id_number", String(20)),
    # The document the number is of (core.personal.ID_TYPES; migration 0029).
    Column("id_type", String(24), nullable=False, server_default="resident_id"),
    # A tenancy's first and last day; empty when not known.
    Column("start_date", Date),
    Column("end_date", Date),
    Column("added_at", String(40), nullable=False),
    Column("added_by", String(64), nullable=False),
    # A contact's number is never given again, the highest's once removed neither (migration 0031).
    sqlite_autoincrement=True,
)

# Issue 19: accounts of the web page, and failed sign-ins (throttling survives a restart).
web_users = Table(
    "web_users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(64), nullable=False, unique=True),
    # reader (查阅) / archivist (档案管理员)
    Column("role", String(16), nullable=False),
    # scrypt:N:r:p$salt$hash (web.accounts): never the password, never shown or journalled.
    Column("password_hash", String(255), nullable=False),
    Column("disabled", Boolean, nullable=False, server_default=false()),
    Column("created_at", String(40), nullable=False),
    Column("created_by", String(64), nullable=False),
    Column("password_changed_at", String(40), nullable=False),
    Column("last_login_at", String(40)),
)

web_login_failures = Table(
    "web_login_failures",
    metadata,
    Column("id", Integer, primary_key=True),
    # UTC, ISO with microseconds: compared as text.
    Column("at", String(40), nullable=False, index=True),
    # As typed (an unknown name is throttled like a known one).
    Column("user_name", String(64), nullable=False, index=True),
    # The browser's address as the server saw it.
    Column("client", String(64), nullable=False, index=True),
)
