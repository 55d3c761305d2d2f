"""Renovations (装修登记): registration with its deposit and waste-removal fee, the management
agreement, workers' temporary passes, inspections and the deposit refund, and their papers.

The deposit (装修押金) and the waste-removal fee (装修垃圾清运费) come from the fee rules and
become one-off bills on the unit, so the cashier's receipt settles them (``renovation pay``
or ``fees pay``).  The deposit is money held, not income: ``fees`` leaves bills named here as
deposits out of arrears, the fee register and prepayment.  The refund and its deductions are
recorded here.  Workers' ID numbers are printed on their passes and nowhere else: the journal,
the screen and file names get them masked or not at all.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from recordkit.billing.billing import bill_amount, load_items
from recordkit.billing.receipts import PaymentRequest, issue_payments, normalise_number, pay_and_print
from recordkit.core.dates import Month
from recordkit.core.errors import ConflictError, NotFoundError, UsageError, ValidationError
from recordkit.core.money import amount_in_capitals, format_yuan
from recordkit.core.personal import mask_id_number, mask_phone, validate_id_number, validate_phone
from recordkit.core.unitcodes import parse_unit_code
from recordkit.documents.generated import DocumentRequest, common_context, generate, generate_many, record_and_print
from recordkit.documents.templates.designs import provided_variables
from recordkit.documents.templates.engine import TemplateLibrary, chinese_date
from recordkit.ledger import journal
from recordkit.ledger.schema import (
    allocations,
    bills,
    owners,
    payments,
    receipts,
    renovation_inspections,
    renovation_passes,
    renovations,
    units,
)
from recordkit.owners.roster import parse_date

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from recordkit.billing.receipts import PaymentRequest, ReceiptView
    from recordkit.core.config import ReceiptSettings, RenovationSettings
    from recordkit.core.workspace import Workspace
    from recordkit.documents.generated import DocumentRequest, GeneratedDocument
    from recordkit.ledger.db import Ledger

STATUS_LABELS = {"active": "装修中", "failed": "验收不合格", "passed": "验收合格", "refunded": "已退押金"}
#: Statuses in which the unit is still under renovation (a second registration is refused).
UNDER_WAY = ("active", "failed")
RESULTS = ("合格", "不合格")
PASS_STATUS_LABELS = {"valid": "有效", "cancelled": "已注销"}
#: Works the management agreement forbids (《住宅室内装饰装修管理办法》 第五条 and the usual estate rules).
PROHIBITED_WORKS = (
    "未经原设计单位或者具有相应资质等级的设计单位提出设计方案，变动建筑主体和承重结构；",
    "拆除、改动承重墙、梁、柱、楼板，在承重墙上开门、窗或扩大原有门窗尺寸；",
    "将没有防水要求的房间或者阳台改为卫生间、厨房间；",
    "扩大阳台或拆除连接阳台的砖、混凝土墙体；",
    "损坏房屋原有节能设施，降低节能效果；",
    "擅自改动燃气管道、供暖管道、消防设施及公共电气线路，或占用、遮挡消防通道；",
    "擅自改变外立面、安装防盗网或在外墙开孔、悬挂空调外机于非指定位置；",
    "在公共部位堆放材料、装修垃圾，或将装修垃圾、水泥砂浆倒入下水道；",
    "在规定施工时间以外进行敲、凿、钻、锯等产生噪声的施工。",
)
REGISTRATION_TEMPLATE = "装修登记表"
AGREEMENT_TEMPLATE = "装饰装修管理协议"
PASS_TEMPLATE = "临时出入证"
REFUND_TEMPLATE = "装修押金退款单"
DOCUMENT_KIND = "装修"

_TIME = r"(\d{1,2})[:：](\d{2})"
_SPAN = re.compile(rf"^{_TIME}\s*(?:-|~|至|到)\s*{_TIME}$")


# -- pure decisions ------------------------------------------------------------------------


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

    @property
    def masked(self) -> str:
        return f"{self.name}（{mask_id_number(self.id_number)}{'，' + self.trade if self.trade else ''}）"


def parse_worker(text: str, position: int = 1) -> Worker:
    """One ``--worker 姓名,身份证号[,工种]``; ``ValidationError`` saying which one is wrong and why
    (the ID number itself is never repeated in the message)."""
    fields = [part.strip() for part in unicodedata.normalize("NFKC", str(text)).replace("，", ",").split(",")]
    name = fields[0] if fields else ""
    which = f"第 {position} 个工人" + (f"（{name}）" if name else "")
    if len(fields) not in (2, 3) or not name:
        raise ValidationError(f"{which}写法有误：应写成 --worker 姓名,身份证号 或 --worker 姓名,身份证号,工种")
    if len(name) > 32:
        raise ValidationError(f"{which}的姓名过长")
    try:
        number = validate_id_number(fields[1])
    except ValidationError as err:
        raise ValidationError(f"{which}的身份证号有误：{err.message}") from None
    trade = fields[2] if len(fields) == 3 else ""
    if len(trade) > 16:
        raise ValidationError(f"{which}的工种过长（最多 16 个字）")
    return Worker(name, number, trade)


def parse_day(text: str | dt.date, what: str) -> dt.date:
    if isinstance(text, dt.date):
        return text

    try:
        return parse_date(text)
    except ValueError as err:
        raise ValidationError(f"{what}{err}") from None


def refund_amount(deposit_fen: int, deduction_fen: int) -> int:
    """What goes back to the owner; ``ValidationError`` for a deduction above the deposit."""
    if deduction_fen < 0:
        raise ValidationError(f"扣除金额不能为负数：{format_yuan(deduction_fen)}")
    if deduction_fen > deposit_fen:
        raise ValidationError(f"扣除金额 {format_yuan(deduction_fen)} 元超过押金 {format_yuan(deposit_fen)} 元")
    return deposit_fen - deduction_fen


# -- the ledger side -------------------------------------------------------------------------


@dataclass(frozen=True)
class RegistrationRequest:
    unit: str
    contractor: str
    manager: str
    phone: str
    start: str | dt.date
    end: str | dt.date
    hours: str | None = None
    items: str = ""


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

    def to_dict(self, show_private: bool = False) -> dict[str, Any]:
        return {
            "number": self.number,
            "worker": self.worker,
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
    inspections: tuple[Inspection, ...] = ()
    passes: tuple[PassView, ...] = ()

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def due_fen(self) -> int:
        """What is still to be paid at the cashier's: deposit and waste-removal fee."""
        return self.deposit_fen - self.deposit_paid_fen + self.waste_fen - self.waste_paid_fen

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
            "registered_on": self.registered_on.isoformat(),
            "registered_by": self.registered_by,
            "inspections": [
                {"result": i.result, "notes": i.notes, "date": i.inspected_on.isoformat(), "inspector": i.inspector}
                for i in self.inspections
            ],
            "passes": [p.to_dict() for p in self.passes],
        }


def _paid_on_bill(conn: Connection, bill_id: int | None) -> int:
    if bill_id is None:
        return 0
    return int(
        conn.execute(
            sa.select(sa.func.coalesce(sa.func.sum(allocations.c.amount_fen), 0))
            .join(payments, payments.c.id == allocations.c.payment_id)
            .where(allocations.c.bill_id == bill_id, payments.c.voided.is_(False))
        ).scalar_one()
    )


def _load(conn: Connection, row: Any) -> Renovation:
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
        deposit_paid_fen=_paid_on_bill(conn, row.deposit_bill_id),
        waste_paid_fen=_paid_on_bill(conn, row.waste_bill_id),
        registered_on=row.registered_on,
        registered_by=row.registered_by,
        deposit_bill_id=row.deposit_bill_id,
        waste_bill_id=row.waste_bill_id,
        deduction_fen=row.deduction_fen,
        deduction_reason=row.deduction_reason,
        refund_fen=row.refund_fen,
        refunded_on=row.refunded_on,
        refunded_by=row.refunded_by,
        inspections=inspections,
        passes=passes,
    )


def _query() -> Any:
    return sa.select(renovations, units.c.code).select_from(
        renovations.join(units, units.c.id == renovations.c.unit_id)
    )


def _find_row(conn: Connection, number: str) -> Any:
    wanted = normalise_number(number)
    row = conn.execute(_query().where(renovations.c.number == wanted)).first()
    if row is None:
        raise NotFoundError(f"没有编号为 {wanted} 的装修登记：请用 recordkit renovation list 查看")
    return row


def get_renovation(ledger: Ledger, number: str) -> Renovation:
    """One renovation by its number (``ZX2026-0001``); ``NotFoundError`` when there is none."""
    with ledger.read() as conn:
        return _load(conn, _find_row(conn, number))


def list_renovations(ledger: Ledger, status: str | None = None) -> list[Renovation]:
    """Renovations in number order, optionally of one status (装修中, 验收不合格, 验收合格, 已退押金)."""

    query = _query().order_by(renovations.c.year, renovations.c.seq)
    if status is not None:
        wanted = next((key for key, label in STATUS_LABELS.items() if status.strip() in (key, label)), None)
        if wanted is None:
            raise ValidationError(f"状态“{status}”无效，应为 {'、'.join(STATUS_LABELS.values())} 之一")
        query = query.where(renovations.c.status == wanted)
    with ledger.read() as conn:
        return [_load(conn, row) for row in conn.execute(query)]


def _charge(conn: Connection, item_name: str, unit_code: str, day: dt.date, what: str) -> tuple[Any, Any]:
    """The fee item and its rate in force for a one-off charge; ``NotFoundError`` saying how to set it."""

    item = next((item for item in load_items(conn) if item.name == item_name), None)
    rate = item.rate_for(Month.of(day)) if item is not None else None
    if item is None or rate is None:
        raise NotFoundError(
            f"收费标准里没有{what}“{item_name}”（{Month.of(day)} 起执行的）：请先设定，例如 "
            f"recordkit fees rules add {item_name} --kind oneoff --rate 2000 --from {Month.of(day)}"
        )
    if item.kind != "oneoff":
        raise ConflictError(
            f"收费项目“{item_name}”的收费方式不是一次性（oneoff），不能作为{what}收取："
            "请在 recordkit.toml 的 [renovation] 中改用一次性项目"
        )
    return item, (rate if rate.applies_to(unit_code) else None)


def register(
    ledger: Ledger,
    settings: RenovationSettings,
    operator: str,
    request: RegistrationRequest,
    rounding: str = "half_up",
    today: dt.date | None = None,
) -> Renovation:
    """See ``_register_in``; in its own ledger write."""
    with ledger.write() as conn:
        return _register_in(conn, settings, operator, request, rounding, today)


def _register_in(
    conn: Connection,
    settings: RenovationSettings,
    operator: str,
    request: RegistrationRequest,
    rounding: str = "half_up",
    today: dt.date | None = None,
) -> Renovation:
    """Register a renovation (``renovation register``) and bill its deposit and waste-removal fee.

    Both charges come from the fee rules named in ``[renovation]`` and become one-off bills
    of this month on the unit, in the same transaction as the registration.  Raises
    ``ValidationError`` for bad dates (the end before the start), hours, phone or empty names;
    ``NotFoundError`` for an unknown unit or a missing fee rule; ``ConflictError`` for a unit
    with no owner, one already under renovation, or a charge already billed this month.
    Nothing is written then.
    """

    today = today or dt.date.today()
    code = str(parse_unit_code(request.unit))
    contractor, manager, items = request.contractor.strip(), request.manager.strip(), request.items.strip()
    if not contractor:
        raise ValidationError("装修单位不能为空：请用 --contractor 写明装修公司或施工队名称")
    if not manager:
        raise ValidationError("现场负责人不能为空：请用 --manager 写明姓名")
    phone = validate_phone(request.phone)
    start, end = parse_day(request.start, "开工日期"), parse_day(request.end, "完工日期")
    if end < start:
        raise ValidationError(f"完工日期 {end.isoformat()} 早于开工日期 {start.isoformat()}：请检查 --start 和 --end")
    hours = format_hours(parse_hours(request.hours or settings.hours))
    month = Month.of(today)
    unit = conn.execute(
        sa.select(units.c.id, units.c.code, owners.c.name)
        .select_from(units.outerjoin(owners, owners.c.id == units.c.owner_id))
        .where(units.c.code == code)
    ).first()
    if unit is None:
        raise NotFoundError(f"台账中没有房屋 {code}：请用 recordkit owners list 查看已有房号")
    if not unit.name:
        raise ConflictError(f"房屋 {code} 没有登记业主，不能办理装修登记：请先在业主名册中登记业主并导入")
    current = conn.execute(
        sa.select(renovations.c.number, renovations.c.end_date).where(
            renovations.c.unit_id == unit.id, renovations.c.status.in_(UNDER_WAY)
        )
    ).first()
    if current is not None:
        raise ConflictError(
            f"房屋 {code} 正在装修（登记编号 {current.number}，至 {current.end_date.isoformat()}），"
            "验收合格后才能再次登记"
        )
    charges = []
    for item_name, what in ((settings.deposit_item, "装修押金"), (settings.waste_item, "装修垃圾清运费")):
        item, rate = _charge(conn, item_name, code, today, what)
        amount = bill_amount("oneoff", rate.rate, 0, 100, rounding) if rate is not None else 0
        charges.append((item, rate, amount))
        if (
            amount
            and conn.execute(
                sa.select(bills.c.id).where(
                    bills.c.unit_id == unit.id, bills.c.item_id == item.id, bills.c.month == str(month)
                )
            ).first()
        ):
            raise ConflictError(
                f"房屋 {code} 在 {month} 已有“{item.name}”账单，不能重复收取："
                "请用 recordkit fees arrears 或 recordkit receipt list 核对"
            )
    seq = (
        int(
            conn.execute(
                sa.select(sa.func.coalesce(sa.func.max(renovations.c.seq), 0)).where(renovations.c.year == today.year)
            ).scalar_one()
        )
        + 1
    )
    number = f"{settings.prefix}{today.year}-{seq:04d}"
    bill_ids: list[int | None] = []
    changes = []
    for item, rate, amount in charges:
        if not amount:
            bill_ids.append(None)
            continue
        basis = item.basis(rate, 0, 100, None) + f"（装修登记 {number}）"
        bill_ids.append(
            conn.execute(
                sa.insert(bills)
                .values(
                    unit_id=unit.id,
                    item_id=item.id,
                    month=str(month),
                    amount_fen=amount,
                    basis=basis[:128],
                    rate_id=rate.id,
                )
                .returning(bills.c.id)
            ).scalar_one()
        )
        changes.append(
            journal.Change(
                "bill.oneoff",
                "bill",
                f"{code} {item.name} {month}",
                None,
                {"amount_fen": amount, "basis": basis, "renovation": number},
            )
        )
    renovation_id = conn.execute(
        sa.insert(renovations)
        .values(
            number=number,
            year=today.year,
            seq=seq,
            unit_id=unit.id,
            owner_name=unit.name,
            contractor=contractor,
            manager=manager,
            manager_phone=phone,
            start_date=start,
            end_date=end,
            hours=hours,
            items=items,
            status="active",
            deposit_fen=charges[0][2],
            waste_fen=charges[1][2],
            deposit_bill_id=bill_ids[0],
            waste_bill_id=bill_ids[1],
            registered_on=today,
            registered_by=operator,
        )
        .returning(renovations.c.id)
    ).scalar_one()
    changes.insert(
        0,
        journal.Change(
            "renovation.register",
            "renovation",
            number,
            None,
            {
                "id": renovation_id,
                "unit": code,
                "owner": unit.name,
                "contractor": contractor,
                "manager": manager,
                "manager_phone": mask_phone(phone),
                "start": start.isoformat(),
                "end": end.isoformat(),
                "hours": hours,
                "items": items,
                "deposit_fen": charges[0][2],
                "waste_fen": charges[1][2],
            },
        ),
    )
    journal.record(conn, operator, changes)
    return _load(conn, _find_row(conn, number))


def pay_charges(
    ledger: Ledger,
    settings: ReceiptSettings,
    operator: str,
    number: str,
    method: str = "现金",
    payer: str | None = None,
    paid_on: dt.date | None = None,
) -> ReceiptView:
    """Take what is still due on a renovation (deposit and waste-removal fee) and issue the
    cashier's receipt for exactly those bills; ``pay_and_print_charges`` also prints it.

    ``ConflictError`` when nothing is due (already paid, or nothing charged).
    """

    with ledger.write() as conn:
        return issue_payments(conn, settings, operator, [charges_request(conn, number, method, payer, paid_on)])[0]


def pay_and_print_charges(
    workspace: Workspace,
    ledger: Ledger,
    operator: str,
    number: str,
    method: str = "现金",
    payer: str | None = None,
    paid_on: dt.date | None = None,
) -> tuple[ReceiptView, GeneratedDocument]:
    """``pay_charges`` with the receipt's .docx written in the same ledger write (``renovation pay``)."""

    return pay_and_print(
        workspace, ledger, operator, lambda conn: charges_request(conn, number, method, payer, paid_on)
    )


def charges_request(
    conn: Connection, number: str, method: str, payer: str | None, paid_on: dt.date | None
) -> PaymentRequest:
    """The payment of what is still due on a renovation, read inside the caller's ledger write."""

    renovation = _load(conn, _find_row(conn, number))
    if renovation.status == "refunded":
        raise ConflictError(f"装修登记 {renovation.number} 的押金已退还，不能再收费")
    if renovation.due_fen <= 0:
        raise ConflictError(f"装修登记 {renovation.number} 的押金和垃圾清运费已缴清，无需再收")
    wanted = frozenset(b for b in (renovation.deposit_bill_id, renovation.waste_bill_id) if b is not None)
    return PaymentRequest(
        renovation.unit, renovation.due_fen, method, None, payer or renovation.owner, paid_on, bills=wanted
    )


def deposit_receipt_numbers(ledger: Ledger, renovation: Renovation) -> list[str]:
    """The valid receipts that paid the deposit (printed on the refund form)."""
    with ledger.read() as conn:
        return _deposit_receipts_in(conn, renovation)


def _deposit_receipts_in(conn: Connection, renovation: Renovation) -> list[str]:
    if renovation.deposit_bill_id is None:
        return []
    # The id is selected too: PostgreSQL orders a DISTINCT only by what it selects.
    return [
        row.number
        for row in conn.execute(
            sa.select(receipts.c.id, receipts.c.number)
            .join(payments, payments.c.id == receipts.c.payment_id)
            .join(allocations, allocations.c.payment_id == payments.c.id)
            .where(allocations.c.bill_id == renovation.deposit_bill_id, payments.c.voided.is_(False))
            .distinct()
            .order_by(receipts.c.id)
        )
    ]


def _pass_window(renovation: Renovation, today: dt.date) -> tuple[dt.date, dt.date]:
    if renovation.status not in UNDER_WAY:
        raise ConflictError(f"装修登记 {renovation.number} 已{renovation.status_label}，不能再发放临时出入证")
    if today > renovation.end:
        raise ConflictError(
            f"装修登记 {renovation.number} 的施工期已于 {renovation.end.isoformat()} 结束，"
            "不能再发放临时出入证：请先办理延期"
        )
    return max(today, renovation.start), renovation.end


@dataclass
class PassChanges:
    """What one ``renovation pass`` did: passes issued (new and reissued) and cancelled."""

    renovation: Renovation
    issued: list[PassView] = field(default_factory=list)
    cancelled: list[PassView] = field(default_factory=list)


def change_passes(
    ledger: Ledger,
    operator: str,
    number: str,
    workers: Sequence[str] = (),
    cancel: Sequence[str] = (),
    reissue: Sequence[str] = (),
    reason: str = "",
    today: dt.date | None = None,
) -> PassChanges:
    """See ``_change_passes_in``; in its own ledger write."""
    with ledger.write() as conn:
        return _change_passes_in(conn, operator, number, workers, cancel, reissue, reason, today)


def _change_passes_in(
    conn: Connection,
    operator: str,
    number: str,
    workers: Sequence[str] = (),
    cancel: Sequence[str] = (),
    reissue: Sequence[str] = (),
    reason: str = "",
    today: dt.date | None = None,
) -> PassChanges:
    """Issue passes for ``workers`` (``姓名,身份证号[,工种]``), cancel passes, and reissue passes
    (the old one cancelled, a new number for the same worker), all in one transaction.

    Every worker spec is checked first (``ValidationError`` naming which one).  Cancelling or
    reissuing needs a ``reason``; an unknown or already cancelled pass is refused.  The journal
    holds pass numbers, names and masked ID numbers only.
    """

    today = today or dt.date.today()
    parsed = [parse_worker(text, position) for position, text in enumerate(workers, start=1)]
    if not (parsed or cancel or reissue):
        raise UsageError("请用 --worker 姓名,身份证号[,工种] 发放出入证，或用 --cancel / --reissue 证号 注销、补发")
    reason = reason.strip()
    if (cancel or reissue) and not reason:
        raise ValidationError("注销或补发出入证须写明原因：请加 --reason，例如 --reason 工人离场")
    to_cancel = [normalise_number(text) for text in cancel]
    to_reissue = [normalise_number(text) for text in reissue]
    named = to_cancel + to_reissue
    if len(set(named)) != len(named):
        twice = next(n for n in named if named.count(n) > 1)
        raise ValidationError(f"出入证 {twice} 写了两次：每张证只能注销或补发一次")
    renovation = _load(conn, _find_row(conn, number))
    by_number = {p.number: p for p in renovation.passes}
    ids = dict(
        conn.execute(
            sa.select(renovation_passes.c.number, renovation_passes.c.id).where(
                renovation_passes.c.renovation_id == renovation.id
            )
        ).all()
    )
    for wanted in named:
        found = by_number.get(wanted)
        if found is None:
            raise NotFoundError(f"装修登记 {renovation.number} 没有编号为 {wanted} 的出入证")
        if found.status != "valid":
            raise ConflictError(f"出入证 {found.number} 已注销（{found.cancel_reason}），不能再注销或补发")
    # One valid pass per person: the new workers against the passes that stay valid.
    holders = {p.id_number: p.worker for p in renovation.valid_passes if p.number not in named}
    for position, worker in enumerate(parsed, start=1):
        if worker.id_number in holders:
            raise ConflictError(
                f"第 {position} 个工人（{worker.name}）的身份证号与{holders[worker.id_number]}的有效出入证相同："
                "同一人只能有一张有效出入证，遗失请用 --reissue 补发"
            )
        holders[worker.id_number] = worker.name
    changes = PassChanges(renovation)
    journal_rows = []
    for wanted in named:
        old = by_number[wanted]
        conn.execute(
            sa.update(renovation_passes)
            .where(renovation_passes.c.id == ids[old.number])
            .values(status="cancelled", cancelled_on=today, cancelled_by=operator, cancel_reason=reason)
        )
        changes.cancelled.append(old)
        journal_rows.append(
            journal.Change(
                "renovation.pass_cancel",
                "renovation_pass",
                old.number,
                {"status": "有效"},
                {"status": "已注销", "reason": reason},
            )
        )
    new: list[tuple[Worker, str | None]] = [(worker, None) for worker in parsed]
    new += [(Worker(by_number[n].worker, by_number[n].id_number, by_number[n].trade), n) for n in to_reissue]
    if new:
        valid_from, valid_until = _pass_window(renovation, today)
        seq = len(renovation.passes)
        for worker, replaced in new:
            seq += 1
            pass_number = f"{renovation.number}-{seq:02d}"
            conn.execute(
                sa.insert(renovation_passes).values(
                    renovation_id=renovation.id,
                    number=pass_number,
                    worker=worker.name,
                    id_number=worker.id_number,
                    trade=worker.trade,
                    valid_from=valid_from,
                    valid_until=valid_until,
                    status="valid",
                    issued_on=today,
                    issued_by=operator,
                    replaces_id=ids[replaced] if replaced else None,
                )
            )
            changes.issued.append(
                PassView(
                    pass_number,
                    worker.name,
                    worker.id_number,
                    worker.trade,
                    valid_from,
                    valid_until,
                    "valid",
                    None,
                    replaced,
                )
            )
            journal_rows.append(
                journal.Change(
                    "renovation.pass_reissue" if replaced else "renovation.pass_issue",
                    "renovation_pass",
                    pass_number,
                    None,
                    {
                        "renovation": renovation.number,
                        "worker": worker.name,
                        "id_number": mask_id_number(worker.id_number),
                        "trade": worker.trade,
                        "valid_from": valid_from.isoformat(),
                        "valid_until": valid_until.isoformat(),
                        "replaces": replaced,
                    },
                )
            )
    journal.record(conn, operator, journal_rows)
    changes.renovation = _load(conn, _find_row(conn, renovation.number))
    return changes


def inspect(
    ledger: Ledger, operator: str, number: str, result: str, notes: str = "", today: dt.date | None = None
) -> Renovation:
    """Record an inspection (``renovation inspect``): 合格 passes the renovation (its passes are
    cancelled, the works are over), 不合格 leaves it to be put right and inspected again.

    ``ValidationError`` for a result other than 合格/不合格 or a failed one without notes;
    ``ConflictError`` once the renovation has passed.
    """

    result = unicodedata.normalize("NFKC", str(result)).strip()
    if result not in RESULTS:
        raise ValidationError(f"验收结论“{result}”无效，应为 合格 或 不合格")
    notes = notes.strip()
    if result == "不合格" and not notes:
        raise ValidationError("验收不合格须写明整改要求：请加 --notes，例如 --notes 卫生间防水未做闭水试验")
    today = today or dt.date.today()
    with ledger.write() as conn:
        row = _find_row(conn, number)
        if row.status not in UNDER_WAY:
            raise ConflictError(f"装修登记 {row.number} 已{STATUS_LABELS[row.status]}，不能再次验收")
        conn.execute(
            sa.insert(renovation_inspections).values(
                renovation_id=row.id, result=result, notes=notes, inspected_on=today, inspector=operator
            )
        )
        status = "passed" if result == "合格" else "failed"
        conn.execute(sa.update(renovations).where(renovations.c.id == row.id).values(status=status))
        changes = [
            journal.Change(
                "renovation.inspect",
                "renovation",
                row.number,
                {"status": STATUS_LABELS[row.status]},
                {"status": STATUS_LABELS[status], "result": result, "notes": notes, "date": today.isoformat()},
            )
        ]
        if status == "passed":
            # The works are over: the workers' passes stop being valid.
            for pass_number in conn.execute(
                sa.select(renovation_passes.c.number).where(
                    renovation_passes.c.renovation_id == row.id, renovation_passes.c.status == "valid"
                )
            ).scalars():
                changes.append(
                    journal.Change(
                        "renovation.pass_cancel",
                        "renovation_pass",
                        pass_number,
                        {"status": "有效"},
                        {"status": "已注销", "reason": "验收合格，施工结束"},
                    )
                )
            conn.execute(
                sa.update(renovation_passes)
                .where(renovation_passes.c.renovation_id == row.id, renovation_passes.c.status == "valid")
                .values(
                    status="cancelled", cancelled_on=today, cancelled_by=operator, cancel_reason="验收合格，施工结束"
                )
            )
        journal.record(conn, operator, changes)
        return _load(conn, _find_row(conn, row.number))


def refund(
    ledger: Ledger, operator: str, number: str, deduction_fen: int = 0, reason: str = "", today: dt.date | None = None
) -> Renovation:
    """See ``_refund_in``; in its own ledger write."""
    with ledger.write() as conn:
        return _refund_in(conn, operator, number, deduction_fen, reason, today)


def _refund_in(
    conn: Connection, operator: str, number: str, deduction_fen: int = 0, reason: str = "", today: dt.date | None = None
) -> Renovation:
    """Refund the deposit less deductions (``renovation refund``), once, after a passed inspection.

    The deduction stays with the office (damage or a breach of the agreement) and needs a
    reason.  ``ConflictError`` before a passed inspection, a second time, with no deposit
    taken or the deposit not fully paid; ``ValidationError`` for a deduction above the
    deposit, a negative one, or one without a reason.
    """

    reason = reason.strip()
    if deduction_fen and not reason:
        raise ValidationError("有扣除金额时须写明扣除原因：请加 --reason，例如 --reason 损坏电梯轿厢")
    today = today or dt.date.today()
    renovation = _load(conn, _find_row(conn, number))
    if renovation.status == "refunded":
        raise ConflictError(
            f"装修登记 {renovation.number} 的押金已于 {renovation.refunded_on.isoformat()} "  # type: ignore[union-attr]
            f"退还 {format_yuan(renovation.refund_fen or 0)} 元，不能重复退款"
        )
    if renovation.status != "passed":
        raise ConflictError(
            f"装修登记 {renovation.number} 尚未验收合格（现为{renovation.status_label}），不能退押金："
            f"请先运行 recordkit renovation inspect {renovation.number} --result 合格"
        )
    if not renovation.deposit_fen:
        raise ConflictError(f"装修登记 {renovation.number} 没有收取押金，无需退款")
    if renovation.deposit_paid_fen < renovation.deposit_fen:
        raise ConflictError(
            f"装修登记 {renovation.number} 的押金尚未缴清（已缴 {format_yuan(renovation.deposit_paid_fen)} 元，"
            f"应缴 {format_yuan(renovation.deposit_fen)} 元），不能退款"
        )
    amount = refund_amount(renovation.deposit_paid_fen, deduction_fen)
    conn.execute(
        sa.update(renovations)
        .where(renovations.c.id == renovation.id)
        .values(
            status="refunded",
            deduction_fen=deduction_fen,
            deduction_reason=reason or None,
            refund_fen=amount,
            refunded_on=today,
            refunded_by=operator,
        )
    )
    journal.record(
        conn,
        operator,
        [
            journal.Change(
                "renovation.refund",
                "renovation",
                renovation.number,
                {"status": renovation.status_label},
                {
                    "status": STATUS_LABELS["refunded"],
                    "deposit_fen": renovation.deposit_paid_fen,
                    "deduction_fen": deduction_fen,
                    "reason": reason,
                    "refund_fen": amount,
                    "date": today.isoformat(),
                },
            )
        ],
    )
    return _load(conn, _find_row(conn, renovation.number))


# -- the papers --------------------------------------------------------------------------------


def _common(workspace: Workspace, renovation: Renovation, today: dt.date | None) -> dict[str, Any]:
    return {
        **common_context(workspace, today),
        "登记编号": renovation.number,
        "房号": renovation.unit,
        "业主姓名": renovation.owner,
        "装修单位": renovation.contractor,
        "负责人": renovation.manager,
        "负责人电话": renovation.manager_phone,
        "开工日期": chinese_date(renovation.start),
        "完工日期": chinese_date(renovation.end),
        "施工时间": renovation.hours.replace(",", "，"),
        "装修项目": renovation.items or "（未填写）",
        "装修押金": format_yuan(renovation.deposit_fen),
        "装修押金大写": amount_in_capitals(renovation.deposit_fen),
        "垃圾清运费": format_yuan(renovation.waste_fen),
    }


def registration_context(workspace: Workspace, renovation: Renovation, today: dt.date | None = None) -> dict[str, Any]:
    total = renovation.deposit_fen + renovation.waste_fen
    return {
        **_common(workspace, renovation, today or renovation.registered_on),
        "工期天数": renovation.days,
        "应缴合计": format_yuan(total),
        "应缴合计大写": amount_in_capitals(total),
        "经办人": renovation.registered_by,
    }


def agreement_context(workspace: Workspace, renovation: Renovation, today: dt.date | None = None) -> dict[str, Any]:
    return {**_common(workspace, renovation, today), "禁止行为": list(PROHIBITED_WORKS)}


def _card(workspace: Workspace, renovation: Renovation, view: PassView | None) -> dict[str, str]:
    if view is None:
        return {"标题": "", "单位": "", "正文": "", "备注": "", "照片": ""}
    body = "\n".join(
        (
            f"证　　号：{view.number}",
            f"姓　　名：{view.worker}",
            f"工　　种：{view.trade or '—'}",
            f"身份证号：{view.id_number}",
            f"施工房号：{renovation.unit}",
            f"有效期自：{chinese_date(view.valid_from)}",
            f"有效期至：{chinese_date(view.valid_until)}",
            f"施工时间：{renovation.hours.replace(',', '，')}",
        )
    )
    return {
        "标题": "临时出入证",
        "单位": workspace.settings.office.name,
        "正文": body,
        "备注": "本证限本人使用，请随身佩戴；施工结束或离场时交回物业服务中心。",
        "照片": "照片\n（一寸）",
    }


def pass_context(
    workspace: Workspace, renovation: Renovation, passes: Sequence[PassView], today: dt.date | None = None
) -> dict[str, Any]:
    cards = [_card(workspace, renovation, view) for view in passes]
    if len(cards) % 2:
        cards.append(_card(workspace, renovation, None))
    rows = [{"左": cards[i], "右": cards[i + 1]} for i in range(0, len(cards), 2)]
    return {**_common(workspace, renovation, today), "卡片行": rows, "张数": len(passes)}


def refund_context(
    workspace: Workspace, renovation: Renovation, receipt_numbers: Sequence[str], today: dt.date | None = None
) -> dict[str, Any]:
    passed = next((i for i in reversed(renovation.inspections) if i.result == "合格"), None)
    amount = renovation.refund_fen or 0
    return {
        **_common(workspace, renovation, today or renovation.refunded_on),
        "装修押金": format_yuan(renovation.deposit_paid_fen),
        "押金收据编号": "、".join(receipt_numbers) or "—",
        "扣除金额": format_yuan(renovation.deduction_fen or 0),
        "扣除原因": renovation.deduction_reason or "无",
        "退款金额": format_yuan(amount),
        "退款金额大写": amount_in_capitals(amount) if amount else "零元整",
        "验收日期": chinese_date(passed.inspected_on) if passed else "—",
        "验收结论": f"合格{('（' + passed.notes + '）') if passed and passed.notes else ''}",
        "经办人": renovation.refunded_by or renovation.registered_by,
    }


def check_paper(workspace: Workspace, template_name: str) -> None:
    """Before a registration, passes or a refund is written: the office's template for its paper
    loads, stays inside the sandbox and uses only the variables recordkit fills it with, so a
    template that cannot print changes nothing in the ledger.  ``TemplateError`` otherwise."""

    template = TemplateLibrary.for_workspace(workspace).get(template_name)
    template.check_sandbox()
    template.check_context(dict.fromkeys(provided_variables(template_name)))


def write_registration(
    workspace: Workspace, ledger: Ledger, renovation: Renovation, operator: str
) -> GeneratedDocument:
    """The 装修登记表 .docx in records/generated/, recorded and journalled."""

    return generate_many(
        workspace,
        ledger,
        REGISTRATION_TEMPLATE,
        [_registration_paper(workspace, renovation)],
        operator=operator,
        kind=DOCUMENT_KIND,
    )[0]


def _registration_paper(workspace: Workspace, renovation: Renovation) -> DocumentRequest:
    return DocumentRequest(
        registration_context(workspace, renovation), renovation.unit, f"装修登记表{renovation.number}"
    )


def register_and_print(
    workspace: Workspace, ledger: Ledger, operator: str, request: RegistrationRequest, today: dt.date | None = None
) -> tuple[Renovation, GeneratedDocument]:
    """``register`` and its 装修登记表 in one ledger write (``renovation register``): a form that
    cannot be printed leaves no registration and no bills."""

    settings = workspace.settings
    return record_and_print(
        workspace,
        ledger,
        REGISTRATION_TEMPLATE,
        lambda conn: _register_in(conn, settings.renovation, operator, request, settings.fees.rounding, today),
        lambda _conn, renovation: _registration_paper(workspace, renovation),
        operator=operator,
        kind=DOCUMENT_KIND,
    )


def write_agreement(workspace: Workspace, ledger: Ledger, number: str, operator: str) -> GeneratedDocument:
    """The 装饰装修管理协议 .docx of a renovation; ``NotFoundError`` for an unknown number."""

    renovation = get_renovation(ledger, number)
    return generate(
        workspace,
        ledger,
        AGREEMENT_TEMPLATE,
        agreement_context(workspace, renovation),
        operator=operator,
        kind=DOCUMENT_KIND,
        subject=renovation.unit,
        title=f"装饰装修管理协议{renovation.number}",
    )


def write_passes(
    workspace: Workspace, ledger: Ledger, renovation: Renovation, passes: Sequence[PassView], operator: str
) -> GeneratedDocument:
    """The 临时出入证 cards of ``passes``, eight to an A4 page.  The file is named after the
    renovation, never after a worker or an ID number."""

    return generate_many(
        workspace,
        ledger,
        PASS_TEMPLATE,
        [_passes_paper(workspace, renovation, passes)],
        operator=operator,
        kind=DOCUMENT_KIND,
    )[0]


def _passes_paper(workspace: Workspace, renovation: Renovation, passes: Sequence[PassView]) -> DocumentRequest:
    return DocumentRequest(
        pass_context(workspace, renovation, passes), renovation.unit, f"临时出入证{renovation.number}"
    )


def change_passes_and_print(
    workspace: Workspace,
    ledger: Ledger,
    operator: str,
    number: str,
    workers: Sequence[str] = (),
    cancel: Sequence[str] = (),
    reissue: Sequence[str] = (),
    reason: str = "",
    today: dt.date | None = None,
) -> tuple[PassChanges, GeneratedDocument | None]:
    """``change_passes`` and, when passes are issued, their cards in the same ledger write
    (``renovation pass``); cancelling alone prints nothing."""

    if not (workers or reissue):
        return change_passes(ledger, operator, number, workers, cancel, reissue, reason, today), None
    return record_and_print(
        workspace,
        ledger,
        PASS_TEMPLATE,
        lambda conn: _change_passes_in(conn, operator, number, workers, cancel, reissue, reason, today),
        lambda _conn, changes: _passes_paper(workspace, changes.renovation, changes.issued),
        operator=operator,
        kind=DOCUMENT_KIND,
    )


def write_refund(workspace: Workspace, ledger: Ledger, renovation: Renovation, operator: str) -> GeneratedDocument:
    """The 装修押金退款单 of a refunded renovation."""

    paper = _refund_paper(workspace, renovation, deposit_receipt_numbers(ledger, renovation))
    return generate_many(workspace, ledger, REFUND_TEMPLATE, [paper], operator=operator, kind=DOCUMENT_KIND)[0]


def _refund_paper(workspace: Workspace, renovation: Renovation, receipt_numbers: Sequence[str]) -> DocumentRequest:
    return DocumentRequest(
        refund_context(workspace, renovation, receipt_numbers), renovation.unit, f"装修押金退款单{renovation.number}"
    )


def refund_and_print(
    workspace: Workspace,
    ledger: Ledger,
    operator: str,
    number: str,
    deduction_fen: int = 0,
    reason: str = "",
    today: dt.date | None = None,
) -> tuple[Renovation, GeneratedDocument]:
    """``refund`` and its 装修押金退款单 in one ledger write (``renovation refund``): a form that
    cannot be printed leaves the deposit unrefunded."""

    return record_and_print(
        workspace,
        ledger,
        REFUND_TEMPLATE,
        lambda conn: _refund_in(conn, operator, number, deduction_fen, reason, today),
        lambda conn, renovation: _refund_paper(workspace, renovation, _deposit_receipts_in(conn, renovation)),
        operator=operator,
        kind=DOCUMENT_KIND,
    )
