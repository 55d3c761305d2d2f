"""Renovation records as the ledger holds them (registration, passes, inspections), their queries and shared parsing.

What the paper of a renovation says is ``renovations.paper`` (it loads the template engine; listings do not).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from recordkit.core.dates import written_without_year
from recordkit.core.errors import NotFoundError, ValidationError
from recordkit.core.money import format_yuan
from recordkit.core.numbering import find_numbered, fold_number, read_serial, stored_form
from recordkit.core.personal import (
    ID_TYPES,
    RESIDENT_ID,
    id_number_label,
    mask_id_number,
    mask_phone,
    name_as_kept,
    name_problem,
    named_in_sentence,
    read_id_type,
    validate_document_number,
)
from recordkit.ledger.schema import (
    allocations,
    payments,
    renovation_inspections,
    renovation_passes,
    renovations,
    units,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from recordkit.ledger.db import Ledger


STATUS_LABELS = {"active": "装修中", "failed": "验收不合格", "passed": "验收合格", "refunded": "已退押金"}


#: Statuses in which the unit is still under renovation (a second registration is refused).
UNDER_WAY = ("active", "failed")


RESULTS = ("合格", "不合格")


PASS_STATUS_LABELS = {"valid": "有效", "cancelled": "已注销"}


REGISTRATION_TEMPLATE = "装修登记表"


AGREEMENT_TEMPLATE = "装饰装修管理协议"


PASS_TEMPLATE = "临时出入证"


REFUND_TEMPLATE = "装修押金退款单"


DOCUMENT_KIND = "装修"


#: How many digits a registration's sequence is written with (ZX2026-0001), and its pass's (ZX2026-0001-01).
NUMBER_WIDTH = 4
PASS_WIDTH = 2

# A number as a clerk reads it off the paper, without the leading zeros (as SJ2026-6 names a receipt):
# ZX2026-1 is registration ZX2026-0001, ZX2026-1-1 its pass ZX2026-0001-01.
_PASS_NUMBER = re.compile(r"(?P<renovation>.+)-(?P<seq>[0-9]{1,4})")


def renovation_number(text: str) -> str:
    """The registration number ``text`` names, as the ledger writes it: ``ZX2026-0001`` from itself,
    from ``ZX2026-1``, in lower case or full-width, with any dash (``core.numbering``); other text folded as typed
    (to be not found)."""
    return stored_form(text, NUMBER_WIDTH)


def pass_number(text: str) -> str:
    """The pass number ``text`` names, as the ledger writes it: ``ZX2026-0001-01`` from itself and
    from ``ZX2026-1-1``; other text folded as typed."""
    typed = fold_number(text)
    match = _PASS_NUMBER.fullmatch(typed)
    if match is None or read_serial(match["renovation"]) is None:
        return typed
    return f"{renovation_number(match['renovation'])}-{int(match['seq']):0{PASS_WIDTH}d}"


_TIME = r"(\d{1,2})[:：](\d{2})"


_SPAN = re.compile(rf"^{_TIME}\s*(?:-|~|至|到)\s*{_TIME}$")


def parse_hours(text: str) -> tuple[tuple[int, int], ...]:
    """Working hours ``"8:00-12:00,14:00-18:00"`` as minute spans ``((480, 720), (840, 1080))``.

    Full-width colons and commas, ``至`` and ``~`` are accepted.  ``ValidationError`` names
    the span that is wrong: not a time, start not before end, overlapping or out of order.
    """
    folded = unicodedata.normalize("NFKC", str(text)).replace("、", ",").replace("，", ",")
    parts = [part.strip() for part in folded.split(",") if part.strip()]
    if not parts:
        raise ValidationError("施工时间不能为空，应写成 8:00-12:00,14:00-18:00")
    spans: list[tuple[int, int]] = []
    for part in parts:
        match = _SPAN.match(part)
        if match is None:
            raise ValidationError(f"施工时间“{part}”写法有误，应写成 8:00-12:00 这样的时段，多个时段用逗号隔开")
        hour1, minute1, hour2, minute2 = (int(value) for value in match.groups())
        if (
            minute1 > 59
            or minute2 > 59
            or hour1 > 24
            or hour2 > 24
            or (hour1 == 24 and minute1)
            or (hour2 == 24 and minute2)
        ):
            raise ValidationError(f"施工时间“{part}”不是有效的时刻（小时 0–24，分钟 00–59）")
        start, end = hour1 * 60 + minute1, hour2 * 60 + minute2
        if start >= end:
            raise ValidationError(f"施工时间“{part}”的开始时刻不早于结束时刻")
        if spans and start < spans[-1][1]:
            raise ValidationError(f"施工时间“{part}”与前一个时段重叠或顺序颠倒，请按时间先后写")
        spans.append((start, end))
    return tuple(spans)


def format_hours(spans: Iterable[tuple[int, int]], separator: str = ",") -> str:
    """``((480, 720), (840, 1080))`` → ``"8:00-12:00,14:00-18:00"``."""
    return separator.join(f"{a // 60}:{a % 60:02d}-{b // 60}:{b % 60:02d}" for a, b in spans)


@dataclass(frozen=True)
class Worker:
    name: str
    id_number: str
    trade: str
    #: The document ``id_number`` is of (``core.personal.ID_TYPES``).
    id_type: str = RESIDENT_ID

    @property
    def masked(self) -> str:
        document = "" if self.id_type == RESIDENT_ID else f"{ID_TYPES[self.id_type]} "
        return f"{self.name}（{document}{mask_id_number(self.id_number)}{'，' + self.trade if self.trade else ''}）"

    @property
    def id_label(self) -> str:
        """What the number is called on the card and in a message (身份证号, 护照号码 …)."""
        return id_number_label(self.id_type)


#: How ``--worker``'s number is written, said wherever a ``--worker`` is asked for or refused as written wrong.
def nth_worker(position: int, name: str = "") -> str:
    """The ``position``-th ``--worker`` as a refusal names it: 第 1 个工人“阮文南”.  Its name quoted as every name in a
    refusal is (``core.personal.named_in_sentence``), never set off in （）, which hold the asides (a pass's number,
    a lease)."""
    return f"第 {position} 个工人{named_in_sentence(name) if name else ''}"


WORKER_NUMBER_FORM = "证件号码即身份证号；其他证件写明名称，如 护照:号码"

#: A letter a resident ID number never has (only a final X): another document's number (a passport's, a permit's).
_NOT_A_RESIDENT_NUMBER = re.compile(r"[A-WYZ]|X.")


def _worker_document(which: str, written: str) -> tuple[str, str]:
    """The type and the number of ``written``, ``证件名称:号码`` (护照:E12345678, 回乡证:H12345678 — any name
    ``read_id_type`` reads) or a bare resident ID number; ``ValidationError`` beginning with ``which``, never
    repeating the number."""
    named, colon, number = written.partition(":")
    if not colon:
        named, number = RESIDENT_ID, written
        if _NOT_A_RESIDENT_NUMBER.search(re.sub(r"\s", "", number).upper()):
            raise ValidationError(
                f"{which}写的不是居民身份证号（号码里有字母）：其他证件的号码请写明证件名称，"
                "例如 --worker 姓名,护照:号码,工种"
            )
    try:
        id_type = read_id_type(named)
    except ValidationError as err:
        raise ValidationError(f"{which}的{err.message}") from None
    try:
        return id_type, validate_document_number(number, id_type, quote_number=False)
    except ValidationError as err:
        raise ValidationError(f"{which}的{id_number_label(id_type)}有误：{err.message}") from None


def parse_worker(text: str, position: int = 1) -> Worker:
    """One ``--worker 姓名,证件号[,工种]``, the number a resident ID number's or ``证件名称:号码`` (护照:E12345678);
    ``ValidationError`` saying which one is wrong and why (the ID number itself is never repeated in the message)."""
    fields = [part.strip() for part in unicodedata.normalize("NFKC", str(text)).replace("，", ",").split(",")]
    name = fields[0] if fields else ""
    # The name is printed on the card and kept 32 characters wide at most; one with a control or
    # invisible character is not repeated in the message either.
    if name and (reason := name_problem(name, 32)) is not None:
        raise ValidationError(f"{nth_worker(position)}的{reason}")
    name = name_as_kept(name)
    which = nth_worker(position, name)
    if len(fields) not in (2, 3) or not name:
        raise ValidationError(
            f"{which}写法有误：应写成 --worker 姓名,证件号码 或 --worker 姓名,证件号码,工种（{WORKER_NUMBER_FORM}）"
        )
    id_type, number = _worker_document(which, fields[1])
    trade = fields[2] if len(fields) == 3 else ""
    if len(trade) > 16:
        raise ValidationError(f"{which}的工种过长（最多 16 个字）")
    return Worker(name, number, trade, id_type)


@dataclass(frozen=True)
class PassView:
    number: str
    worker: str
    id_number: str
    trade: str
    valid_from: dt.date
    valid_until: dt.date
    status: str
    cancel_reason: str | None = None
    replaces: str | None = None
    #: The document ``id_number`` is of (``core.personal.ID_TYPES``; migration 0030).
    id_type: str = RESIDENT_ID

    @property
    def holder(self) -> Worker:
        """The worker the pass is for, as ``--worker`` gave him (a reissue gives him again)."""
        return Worker(self.worker, self.id_number, self.trade, self.id_type)

    def to_dict(self, show_private: bool = False) -> dict[str, Any]:
        return {
            "number": self.number,
            "worker": self.worker,
            "id_type": ID_TYPES[self.id_type],
            "id_number": self.id_number if show_private else mask_id_number(self.id_number),
            "trade": self.trade,
            "valid_from": self.valid_from.isoformat(),
            "valid_until": self.valid_until.isoformat(),
            "status": PASS_STATUS_LABELS[self.status],
            "cancel_reason": self.cancel_reason,
            "replaces": self.replaces,
        }


@dataclass(frozen=True)
class Inspection:
    result: str
    notes: str
    inspected_on: dt.date
    inspector: str


@dataclass(frozen=True)
class Renovation:
    """A renovation as the ledger holds it, with what has been paid on its bills."""

    id: int
    number: str
    unit: str
    owner: str
    contractor: str
    manager: str
    manager_phone: str
    start: dt.date
    end: dt.date
    hours: str
    items: str
    status: str
    deposit_fen: int
    waste_fen: int
    deposit_paid_fen: int
    waste_paid_fen: int
    registered_on: dt.date
    registered_by: str
    deposit_bill_id: int | None = None
    waste_bill_id: int | None = None
    deduction_fen: int | None = None
    deduction_reason: str | None = None
    refund_fen: int | None = None
    refunded_on: dt.date | None = None
    refunded_by: str | None = None
    refund_method: str | None = None  # 现金、微信、支付宝、银行转账: how the refund went out
    inspections: tuple[Inspection, ...] = ()
    passes: tuple[PassView, ...] = ()

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def charged_fen(self) -> int:
        """The deposit and the waste-removal fee together (应缴合计)."""
        return self.deposit_fen + self.waste_fen

    @property
    def paid_fen(self) -> int:
        """What has been paid on the two charges; at registration, what the unit's prepayment paid (预收冲抵)."""
        return self.deposit_paid_fen + self.waste_paid_fen

    @property
    def due_fen(self) -> int:
        """What is still to be paid at the cashier's: deposit and waste-removal fee."""
        return self.charged_fen - self.paid_fen

    @property
    def deposit_label(self) -> str:
        if not self.deposit_fen:
            return "不收押金"
        if self.status == "refunded":
            return "已退"
        if self.deposit_paid_fen >= self.deposit_fen:
            return "已缴"
        return "待缴" if not self.deposit_paid_fen else f"已缴 {format_yuan(self.deposit_paid_fen)} 元"

    @property
    def deposit_listed(self) -> str:
        """``deposit_label`` as ``renovation list`` shows it: a refund names how it went back (已退（微信）)."""
        if self.status == "refunded" and self.refund_method:
            return f"{self.deposit_label}（{self.refund_method}）"
        return self.deposit_label

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def valid_passes(self) -> list[PassView]:
        return [p for p in self.passes if p.status == "valid"]

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "unit": self.unit,
            "owner": self.owner,
            "contractor": self.contractor,
            "manager": self.manager,
            "manager_phone": mask_phone(self.manager_phone),
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "hours": self.hours,
            "items": self.items,
            "status": self.status_label,
            "deposit_fen": self.deposit_fen,
            "deposit_paid_fen": self.deposit_paid_fen,
            "waste_fen": self.waste_fen,
            "waste_paid_fen": self.waste_paid_fen,
            "due_fen": self.due_fen,
            "deposit": self.deposit_label,
            "deduction_fen": self.deduction_fen,
            "deduction_reason": self.deduction_reason,
            "refund_fen": self.refund_fen,
            "refunded_on": self.refunded_on.isoformat() if self.refunded_on else None,
            "refund_method": self.refund_method,
            "registered_on": self.registered_on.isoformat(),
            "registered_by": self.registered_by,
            "inspections": [
                {"result": i.result, "notes": i.notes, "date": i.inspected_on.isoformat(), "inspector": i.inspector}
                for i in self.inspections
            ],
            "passes": [p.to_dict() for p in self.passes],
        }


def paid_on_bill(conn: Connection, bill_id: int | None) -> int:
    if bill_id is None:
        return 0
    return int(
        conn.execute(
            sa.select(sa.func.coalesce(sa.func.sum(allocations.c.amount_fen), 0))
            .join(payments, payments.c.id == allocations.c.payment_id)
            .where(allocations.c.bill_id == bill_id, payments.c.voided.is_(False))
        ).scalar_one()
    )


def load_renovation(conn: Connection, row: Any) -> Renovation:
    inspections = tuple(
        Inspection(r.result, r.notes, r.inspected_on, r.inspector)
        for r in conn.execute(
            sa.select(renovation_inspections)
            .where(renovation_inspections.c.renovation_id == row.id)
            .order_by(renovation_inspections.c.id)
        )
    )
    pass_rows = list(
        conn.execute(
            sa.select(renovation_passes)
            .where(renovation_passes.c.renovation_id == row.id)
            .order_by(renovation_passes.c.id)
        )
    )
    numbers = {r.id: r.number for r in pass_rows}
    passes = tuple(
        PassView(
            r.number,
            r.worker,
            r.id_number,
            r.trade,
            r.valid_from,
            r.valid_until,
            r.status,
            r.cancel_reason,
            numbers.get(r.replaces_id),
            r.id_type,
        )
        for r in pass_rows
    )
    return Renovation(
        id=row.id,
        number=row.number,
        unit=row.code,
        owner=row.owner_name,
        contractor=row.contractor,
        manager=row.manager,
        manager_phone=row.manager_phone,
        start=row.start_date,
        end=row.end_date,
        hours=row.hours,
        items=row.items,
        status=row.status,
        deposit_fen=int(row.deposit_fen),
        waste_fen=int(row.waste_fen),
        deposit_paid_fen=paid_on_bill(conn, row.deposit_bill_id),
        waste_paid_fen=paid_on_bill(conn, row.waste_bill_id),
        registered_on=row.registered_on,
        registered_by=row.registered_by,
        deposit_bill_id=row.deposit_bill_id,
        waste_bill_id=row.waste_bill_id,
        deduction_fen=row.deduction_fen,
        deduction_reason=row.deduction_reason,
        refund_fen=row.refund_fen,
        refunded_on=row.refunded_on,
        refunded_by=row.refunded_by,
        refund_method=row.refund_method,
        inspections=inspections,
        passes=passes,
    )


def renovation_query() -> Any:
    return sa.select(renovations, units.c.code).select_from(
        renovations.join(units, units.c.id == renovations.c.unit_id)
    )


def _row_named(conn: Connection, wanted: str) -> Any:
    """The registration whose number is ``wanted`` (a ``renovation_number``); None when there is none."""
    return find_numbered(
        wanted,
        NUMBER_WIDTH,
        lambda exact: conn.execute(renovation_query().where(renovations.c.number == exact)).first(),
        lambda year, seq: conn.execute(
            renovation_query().where(renovations.c.year == year, renovations.c.seq == seq)
        ).first(),
    )


def find_renovation_row(conn: Connection, number: str) -> Any:
    """The registration ``number`` names as a clerk types it (``zx2026-1``: ``renovation_number``);
    ``NotFoundError`` when there is none, naming the number as typed (never reshaped to a registration's width)."""
    row = _row_named(conn, renovation_number(number))
    if row is None:
        raise NotFoundError(f"没有编号为 {number.strip()} 的装修登记：请用 recordkit renovation list 查看")
    return row


def renovation_or_pass_number(conn: Connection, typed: str) -> str | None:
    """The number, as the ledger writes it, of the registration or the pass ``typed`` names as the renovation
    commands read them (``ZX2026-1``, ``ZX2026-1-1``) — the key of its journal entries (``journal list --key``); None
    when it names neither."""
    row = _row_named(conn, renovation_number(typed))
    if row is not None:
        return str(row.number)
    wanted = pass_number(typed)
    match = _PASS_NUMBER.fullmatch(wanted)
    registration = _row_named(conn, match["renovation"]) if match is not None else None
    if registration is None:
        return None
    numbers = conn.execute(
        sa.select(renovation_passes.c.number).where(renovation_passes.c.renovation_id == registration.id)
    ).scalars()
    return next((str(number) for number in numbers if pass_number(number) == wanted), None)


#: The longest a renovation's works may run, registered or extended, counted from its start (a year typed
#: wrong, 2207 for 2027).
LONGEST_DAYS = 3 * 366


#: How far from the day it is read from a renovation's day written without its year may lie (its start from the
#: registration, its end from the later of its start and the registration, an extension's from the later of the current
#: end and today): works begin days after their registration and last a few months; 5-20 read in November as next May
#: is more likely a slip than half a year's works, and its year is asked for.
YEARLESS_DAYS = 90


def check_yearless_day(
    written: str | dt.date, day: dt.date, since: dt.date, what: str, since_name: str, usual: str = ""
) -> None:
    """``ValidationError`` when ``day``, ``written`` without its year (``core.dates.written_without_year``) and read
    from ``since`` (named ``since_name``), lies more than ``YEARLESS_DAYS`` before or after it: how it was read, how
    far from ``since``, ``usual`` (what such a day usually is; by default that one without its year is read within
    three months after ``since``) and the two years it may mean."""
    if not written_without_year(written):
        return
    away = (day - since).days
    if abs(away) <= YEARLESS_DAYS:
        return
    try:
        other = day.replace(year=day.year - 1 if away > 0 else day.year + 1)
        meant = " 或 ".join(one.isoformat() for one in sorted((day, other)))
    except ValueError:  # 2月29日: the other year has none
        meant = day.isoformat()
    side = f"之后 {away} 天" if away > 0 else f"之前 {-away} 天"
    usual = usual or f"不写年份时只读作{since_name}后三个月以内的日子"
    raise ValidationError(
        f"{what}“{str(written).strip()}”没有写年份，读作 {day.isoformat()}，在{since_name} {since.isoformat()} {side}："
        f"{usual}，请写明年份（如 {meant}）"
    )


def check_not_before_registration(renovation: Renovation, day: dt.date, what: str) -> None:
    """``ValidationError`` when ``day`` (an inspection's, a pass's) comes before the renovation was
    registered: a slip of ``--date`` would have the works inspected or passed before they were known."""
    if day < renovation.registered_on:
        raise ValidationError(
            f"{what} {day.isoformat()} 早于装修登记的日期 {renovation.registered_on.isoformat()}：请检查 --date"
        )


def get_renovation(ledger: Ledger, number: str) -> Renovation:
    """One renovation by its number (``ZX2026-0001``); ``NotFoundError`` when there is none."""
    with ledger.read() as conn:
        return load_renovation(conn, find_renovation_row(conn, number))


def list_renovations(ledger: Ledger, status: str | None = None) -> list[Renovation]:
    """Renovations in number order, optionally of one status (装修中, 验收不合格, 验收合格, 已退押金)."""

    query = renovation_query().order_by(renovations.c.year, renovations.c.seq)
    if status is not None:
        wanted = next((key for key, label in STATUS_LABELS.items() if status.strip() in (key, label)), None)
        if wanted is None:
            raise ValidationError(f"状态“{status}”无效，应为 {'、'.join(STATUS_LABELS.values())} 之一")
        query = query.where(renovations.c.status == wanted)
    with ledger.read() as conn:
        return [load_renovation(conn, row) for row in conn.execute(query)]
