"""Registering a renovation (装修登记): its deposit and waste-removal charges, the registration form and agreement."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from recordkit.billing.allocations import apply_prepayments
from recordkit.billing.closing import check_open
from recordkit.billing.receipts import PaymentRequest, issue_payments, pay_and_print
from recordkit.billing.rules import bill_amount, load_items
from recordkit.core.dates import (
    BUSINESS_YEARS,
    Month,
    check_business_day,
    check_not_future,
    check_within_a_year,
    parse_date,
)
from recordkit.core.errors import ConflictError, NotFoundError, ValidationError
from recordkit.core.filenames import as_shell_word
from recordkit.core.money import amount_in_capitals, format_yuan
from recordkit.core.personal import mask_phone, name_as_kept, name_problem, says_something, validate_phone
from recordkit.core.unitcodes import RENOVATED, parse_unit_code
from recordkit.documents.generated import DocumentRequest, generate, generate_many, record_and_print
from recordkit.ledger import journal
from recordkit.ledger.db import unknown_unit
from recordkit.ledger.schema import (
    allocations,
    bills,
    owners,
    payments,
    receipts,
    renovations,
    units,
)
from recordkit.renovations.paper import paper_context
from recordkit.renovations.records import (
    AGREEMENT_TEMPLATE,
    DOCUMENT_KIND,
    LONGEST_DAYS,
    NUMBER_WIDTH,
    REGISTRATION_TEMPLATE,
    UNDER_WAY,
    Renovation,
    check_not_before_registration,
    check_yearless_day,
    find_renovation_row,
    format_hours,
    get_renovation,
    load_renovation,
    parse_hours,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from recordkit.billing.receipts import ReceiptView
    from recordkit.core.config import ReceiptSettings, RenovationSettings
    from recordkit.core.workspace import Workspace
    from recordkit.documents.generated import GeneratedDocument
    from recordkit.ledger.db import Ledger


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


#: The widths of ``renovations.manager`` and ``renovations.contractor``.
_MANAGER_MAX_CHARS = 64
_CONTRACTOR_MAX_CHARS = 128


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


# The deposit (装修押金) and the waste-removal fee (装修垃圾清运费) come from the fee rules and become
# one-off bills on the unit, so the cashier's receipt settles them (`renovation pay` or `fees pay`).
# The deposit is money held, not income: billing leaves bills named as deposits out of arrears, the
# fee register and prepayment.
def _charge(conn: Connection, item_name: str, unit_code: str, day: dt.date, what: str) -> tuple[Any, Any]:
    """The fee item and its rate in force for a one-off charge; ``NotFoundError`` saying how to set it."""

    item = next((item for item in load_items(conn) if item.name == item_name), None)
    rate = item.rate_for(Month.of(day)) if item is not None else None
    if item is None or rate is None:
        raise NotFoundError(
            f"收费标准里没有{what}“{item_name}”（{Month.of(day)} 起执行的）：请先设定，例如 "
            f"recordkit fees rules add {as_shell_word(item_name)} --kind oneoff --rate 2000 --from {Month.of(day)}"
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
    now: dt.date | None = None,
    years: tuple[int, int] = BUSINESS_YEARS,
) -> Renovation:
    """See ``_register_in``; in its own ledger write."""
    with ledger.write() as conn:
        return _register_in(conn, settings, operator, request, rounding, today, now, years)


def _register_in(
    conn: Connection,
    settings: RenovationSettings,
    operator: str,
    request: RegistrationRequest,
    rounding: str = "half_up",
    today: dt.date | None = None,
    now: dt.date | None = None,
    years: tuple[int, int] = BUSINESS_YEARS,
) -> Renovation:
    """Register a renovation on ``today`` (``renovation register``) and bill its deposit and waste-removal fee.

    Both charges come from the fee rules named in ``[renovation]`` and become one-off bills
    of this month on the unit, in the same transaction as the registration; the unit's
    prepayment pays the waste-removal fee as it pays any new bill, never the deposit.  Raises
    ``ValidationError`` for bad dates (the end before the start or more than three years after it, the end
    before ``today``: works over before they were registered, a year typed wrong — a start before it stays, a
    late registration of works under way; a start more than a year after ``today``; ``today`` after ``now``, the
    real day, default the computer's, or outside ``years``, the office's ``[receipt] first_year``–``last_year``;
    a start without its year is the next such day from ``today`` on, an end the next from the later of the start and
    ``today``, either so read more than ``YEARLESS_DAYS`` from that day refused, its year asked for), hours, phone, empty names or names
    without a letter, or ``items`` of punctuation alone;
    ``NotFoundError`` for an unknown unit or a missing fee rule; ``ConflictError`` for a unit of a kind not
    ``core.unitcodes.RENOVATED`` (a parking space, a storeroom), a unit with no owner, one already under renovation, a
    charge already billed this month, or a registration dated in a closed month (``fees close``).  Nothing is written
    then.
    """

    today = check_not_future(
        today or dt.date.today(), "登记日期", "不能登记未来日期的装修，业主来办理的那天再登记", now
    )
    # The date gives the number its year (ZX1990-0001) and the charges their month: one outside the
    # office's years is a typo, refused before it sends the clerk to add a fee rule of 1990.
    check_business_day(today, "登记日期", years)
    unit_code = parse_unit_code(request.unit)
    if unit_code.kind not in RENOVATED:
        raise ConflictError(f"{unit_code} 是{unit_code.kind}，不办理装修登记：装修登记只办理{'、'.join(RENOVATED)}")
    code = str(unit_code)
    contractor, manager, items = request.contractor.strip(), request.manager.strip(), request.items.strip()
    if not contractor:
        raise ValidationError("装修单位不能为空：请用 --contractor 写明装修公司或施工队名称")
    if not manager:
        raise ValidationError("现场负责人不能为空：请用 --manager 写明姓名")
    # Both are printed on the form and the agreement and kept in columns of a fixed width (a longer
    # one is refused by PostgreSQL): a pasted paragraph or an invisible character is refused here.
    if (reason := name_problem(manager, _MANAGER_MAX_CHARS)) is not None:
        raise ValidationError(f"现场负责人：{reason}")
    if (reason := name_problem(contractor, _CONTRACTOR_MAX_CHARS)) is not None:
        raise ValidationError(f"装修单位：{reason.replace('姓名', '名称')}")
    contractor, manager = name_as_kept(contractor), name_as_kept(manager)
    if items and not says_something(items):  # printed on the form as the works registered
        raise ValidationError(
            "装修项目不能只有标点：请用 --items 写明装修项目，例如 --items 水电改造、铺地砖；没有的不写"
        )
    phone = validate_phone(request.phone)
    # Works registered are days to come: a month and day without the year (12月10日, 12-10) is the next such day
    # from the registration on, as an exit pass's --valid-until is read; the checks below still hold.
    start = parse_date(request.start, "开工日期", ahead=today)
    check_yearless_day(request.start, start, today, "开工日期", "登记日期", "开工日期一般在登记前后三个月以内")
    # The end comes after both the start and the registration: one without its year is read from the later of them.
    since, since_name = (start, "开工日期") if start >= today else (today, "登记日期")
    end = parse_date(request.end, "完工日期", ahead=since)
    check_yearless_day(request.end, end, since, "完工日期", since_name)
    if end < start:
        raise ValidationError(f"完工日期 {end.isoformat()} 早于开工日期 {start.isoformat()}：请检查 --start 和 --end")
    if (end - start).days > LONGEST_DAYS:  # as an extension is refused: a year typed wrong
        raise ValidationError(f"完工日期 {end.isoformat()} 距开工日期 {start.isoformat()} 超过三年：请检查 --end")
    if end < today:
        raise ValidationError(
            f"施工结束日期早于登记日期（完工日期 {end.isoformat()}，登记日期 {today.isoformat()}）：请检查 --end 的年份；"
            "补录以前的纸质登记时用 --date 写当时的登记日期"
        )
    # Works begun more than a year after they were registered are a year typed wrong (2099 for 2026),
    # with passes issued for 2099; as a loan's due day (``archive lend``).
    check_within_a_year(start, today, "开工日期最迟为登记后一年（{since} 登记，最迟 {latest}）：{day} 请检查年份")
    hours = format_hours(parse_hours(request.hours or settings.hours))
    month = Month.of(today)
    # The two charges are bills of the registration's month: a closed month takes no new bill
    # (as ``fees bill`` and readings refuse), and its renovation sheet no new registration.
    check_open(conn, month, f"在 {month} 登记装修并出装修押金和垃圾清运费的账单")
    unit = conn.execute(
        sa.select(units.c.id, units.c.code, owners.c.name)
        .select_from(units.outerjoin(owners, owners.c.id == units.c.owner_id))
        .where(units.c.code == code)
    ).first()
    if unit is None:
        raise unknown_unit(conn, code)
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
        serial = _next_serial(conn, unit.id, item.id, month) if amount else 0
        charges.append((item, rate, amount, serial))
        if serial is None:
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
    number = f"{settings.prefix}{today.year}-{seq:0{NUMBER_WIDTH}d}"
    bill_ids: list[int | None] = []
    changes = []
    for item, rate, amount, serial in charges:
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
                    serial=serial,
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
    # The waste-removal fee is a fee bill like any other: the unit's prepayment (预收) pays it as it pays
    # every new bill (``fees bill``); never the deposit, which the renovation row now names as one.
    applied = apply_prepayments(conn, [unit.id], month) if any(bill_ids) else 0
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
                **({"prepayment_applied_fen": applied} if applied else {}),
            },
        ),
    )
    journal.record(conn, operator, changes)
    return load_renovation(conn, find_renovation_row(conn, number))


def _next_serial(conn: Connection, unit_id: int, item_id: int, month: Month) -> int | None:
    """``bills.serial`` of a renovation's charge of ``item_id`` billed to the unit in ``month``: 0 for the
    month's first, the next one after the bills of renovations registered before it that month (each
    closed: a unit under renovation registers none) — or None when a bill of the item that month is no
    renovation's (``fees bill`` charged it), so that it is not charged twice."""
    charged = (renovations.c.deposit_bill_id == bills.c.id) | (renovations.c.waste_bill_id == bills.c.id)
    found = conn.execute(
        sa.select(bills.c.serial, sa.exists().where(charged).label("renovation")).where(
            bills.c.unit_id == unit_id, bills.c.item_id == item_id, bills.c.month == str(month)
        )
    ).all()
    if not all(row.renovation for row in found):
        return None
    return max((row.serial for row in found), default=-1) + 1


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
    again: bool = False,
    reason: str | None = None,
) -> tuple[ReceiptView, GeneratedDocument]:
    """``pay_charges`` with the receipt's .docx written in the same ledger write (``renovation pay``),
    under the counter's guards (``again`` for the same sum twice within minutes, ``reason`` for a
    back-dated payment: see ``receipts.issue_payments``)."""

    return pay_and_print(
        workspace,
        ledger,
        operator,
        lambda conn: charges_request(conn, number, method, payer, paid_on, again, reason),
    )


def charges_request(
    conn: Connection,
    number: str,
    method: str,
    payer: str | None,
    paid_on: dt.date | None,
    again: bool = False,
    reason: str | None = None,
) -> PaymentRequest:
    """The payment of what is still due on a renovation, read inside the caller's ledger write;
    ``ValidationError`` for a payment dated before the registration that charged it."""

    renovation = load_renovation(conn, find_renovation_row(conn, number))
    if renovation.status == "refunded":
        raise ConflictError(f"装修登记 {renovation.number} 的押金已退还，不能再收费")
    if renovation.due_fen <= 0:
        raise ConflictError(f"装修登记 {renovation.number} 的押金和垃圾清运费已缴清，无需再收")
    if paid_on is not None:  # money for works nobody had registered yet: a slip of --date
        check_not_before_registration(renovation, paid_on, "收款日期")
    wanted = frozenset(b for b in (renovation.deposit_bill_id, renovation.waste_bill_id) if b is not None)
    return PaymentRequest(
        renovation.unit,
        renovation.due_fen,
        method,
        None,
        payer or renovation.owner,
        paid_on,
        bills=wanted,
        again=again,
        reason=reason,
    )


def deposit_receipt_numbers(ledger: Ledger, renovation: Renovation) -> list[str]:
    """The valid receipts that paid the deposit (printed on the refund form)."""
    with ledger.read() as conn:
        return deposit_receipts_in(conn, renovation)


def deposit_receipts_in(conn: Connection, renovation: Renovation) -> list[str]:
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


def registration_context(workspace: Workspace, renovation: Renovation, today: dt.date | None = None) -> dict[str, Any]:
    """The 装修登记表 of ``renovation`` as registered: the figures ``renovation register`` shows, 预收冲抵 and
    还应缴 only when the unit's prepayment paid part of the charges (预收冲抵 is empty otherwise)."""
    return {
        **paper_context(workspace, renovation, today or renovation.registered_on),
        "工期天数": renovation.days,
        "应缴合计": format_yuan(renovation.charged_fen),
        "应缴合计大写": amount_in_capitals(renovation.charged_fen),
        "预收冲抵": format_yuan(renovation.paid_fen) if renovation.paid_fen else "",
        "还应缴": format_yuan(renovation.due_fen),
        "还应缴大写": amount_in_capitals(renovation.due_fen),
    }


def agreement_context(workspace: Workspace, renovation: Renovation, today: dt.date | None = None) -> dict[str, Any]:
    return {**paper_context(workspace, renovation, today), "禁止行为": list(PROHIBITED_WORKS)}


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
    workspace: Workspace,
    ledger: Ledger,
    operator: str,
    request: RegistrationRequest,
    today: dt.date | None = None,
    now: dt.date | None = None,
) -> tuple[Renovation, GeneratedDocument]:
    """``register`` and its 装修登记表 in one ledger write (``renovation register``): a form that
    cannot be printed leaves no registration and no bills."""

    settings = workspace.settings
    return record_and_print(
        workspace,
        ledger,
        REGISTRATION_TEMPLATE,
        lambda conn: _register_in(
            conn, settings.renovation, operator, request, settings.fees.rounding, today, now, settings.receipt.years
        ),
        lambda _conn, renovation: _registration_paper(workspace, renovation),
        operator=operator,
        kind=DOCUMENT_KIND,
        numbers=("登记编号",),
    )


def write_agreement(
    workspace: Workspace, ledger: Ledger, number: str, operator: str, today: dt.date | None = None
) -> GeneratedDocument:
    """The 装饰装修管理协议 .docx of a renovation, dated ``today`` (default: the day it was
    registered, when the three parties sign it); ``NotFoundError`` for an unknown number, ``ValidationError``
    for a ``today`` outside the office's years or more than a year after this computer's day."""

    if today is not None:  # signed before the registration or not, never in another century
        check_business_day(today, "签订日期", workspace.settings.receipt.years)
        # Nor decades ahead (2099 for 2026): as a notice's date (``documents.notices.notice_day``).
        check_within_a_year(
            today, dt.date.today(), "签订日期最迟为今天后一年（今天 {since}，最迟 {latest}）：{day} 请检查年份"
        )
    renovation = get_renovation(ledger, number)
    return generate(
        workspace,
        ledger,
        AGREEMENT_TEMPLATE,
        agreement_context(workspace, renovation, today or renovation.registered_on),
        operator=operator,
        kind=DOCUMENT_KIND,
        subject=renovation.unit,
        title=f"装饰装修管理协议{renovation.number}",
    )
