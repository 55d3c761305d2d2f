"""``recordkit demo``: build a realistic demo estate through the same paths a clerk uses.

The demo is a list of steps; each later capability (bills, receipts, notices,
archive, search) appends its own step to ``STEPS`` and reports what it made.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

import sqlalchemy as sa
from openpyxl import Workbook

from recordkit.archive.archivist import Archivist, lend, list_items, return_item
from recordkit.billing.allocations import outstanding_query
from recordkit.billing.arrears import list_arrears
from recordkit.billing.bills import bill_month, import_readings
from recordkit.billing.closing import close_month
from recordkit.billing.receipts import (
    PaymentRequest,
    ReceiptView,
    list_receipts,
    pay_many,
    reprint_receipt,
    void_or_reverse,
    void_receipt,
    write_receipt_docx,
)
from recordkit.billing.registers import write_daily, write_register
from recordkit.billing.rules import add_rule, set_rule
from recordkit.core.config import ReceiptSettings
from recordkit.core.dates import Month, office_zone, parse_month
from recordkit.core.errors import ValidationError, WorkspaceError
from recordkit.core.sheets import save_atomically
from recordkit.core.unitcodes import DWELLINGS, FLAT, PARKING, SHOP, VILLA, Building, parse_unit_code
from recordkit.core.workspace import Workspace, init_workspace, open_workspace, setup_logging
from recordkit.demo.roster import (
    DEVELOPER_NAME,
    OTHER_SYSTEM_HEADERS,
    SECOND_PHASE,
    DemoForeignWorker,
    DemoUnit,
    DemoWorker,
    delivery_day,
    generate_estate,
    generate_other_kinds,
)
from recordkit.demo.scans import document_lines, scan_bytes, write_scan
from recordkit.demo.workorders import demo_work_orders
from recordkit.documents.certificates import make_certificate
from recordkit.documents.notices import make_notices, remind, select_recipients
from recordkit.documents.templates.engine import TemplateLibrary
from recordkit.ledger.db import Ledger, open_workspace_ledger
from recordkit.ledger.schema import bills as bills_table
from recordkit.ledger.schema import owners, units
from recordkit.owners.roster import import_owners, list_units, write_owner_sheet
from recordkit.renovations.inspection import inspect
from recordkit.renovations.passes import change_passes, write_passes
from recordkit.renovations.records import list_renovations
from recordkit.renovations.refund import refund_and_print
from recordkit.renovations.registration import (
    RegistrationRequest,
    pay_charges,
    write_agreement,
    write_registration,
)
from recordkit.renovations.registration import (
    register as register_renovation,
)
from recordkit.reports import monthly_report
from recordkit.reports.figures import keep_month_figures
from recordkit.search.indexer import update_index
from recordkit.search.query import search
from recordkit.workorders import orders as workorders

DEMO_MARKER = ".recordkit-demo"
DEMO_OFFICE = "幸福里物业服务中心"
DEMO_ESTATE = "幸福里小区"
DEMO_OPERATOR = "演示管理员"
DEMO_ADDRESS = "江宁市秦淮区幸福路88号"
DEMO_PHONE = "025-84561234"
OTHER_KINDS_SHEET = "二期商铺车位-房产资料.xlsx"
#: The kinds of unit with a water meter and rubbish to take away: a parking space or a storeroom has neither.
PREMISES = (FLAT, VILLA, SHOP)
#: How the developer pays for the units it has not sold: last month's bills, by one bank transfer on the 20th.
DEVELOPER_PAYS = "developer"
#: When the demo's clerks work on a day of a demo built as of an earlier one: papers are printed and paper originals
#: lent at ten, and a loan taken back at four.
AT_WORK, AT_CLOSING = dt.time(10, 0), dt.time(16, 0)
#: The summary's count of the receipts printed as .docx: today's at the counter and the one of the refund's deduction.
RECEIPT_PAPERS = "收据 .docx（演示只生成这几张）"


@dataclass
class DemoReport:
    root: Path
    estate: str
    counts: list[tuple[str, int]] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    next_commands: list[str] = field(default_factory=list)

    def count_more(self, label: str, more: int) -> None:
        """Add ``more`` to the count a step before reported as ``label`` (a paper of its kind a later step printed)."""
        self.counts = [(name, count + more if name == label else count) for name, count in self.counts]


@dataclass(frozen=True)
class Errand:
    """Money taken at the cashier's on a past ``day`` for something other than the monthly fees (a
    renovation's deposit at its registration); ``take`` does it and returns the receipts it issued."""

    day: dt.date
    take: Callable[[Ledger], list[ReceiptView]]


@dataclass
class DemoContext:
    workspace: Workspace
    seed: int
    min_units: int
    report: DemoReport
    #: The day the demo is built as of (its months up to the one before are billed and closed).
    today: dt.date
    #: The errands of the billed months: the fees step takes each on its day among the owners' payments,
    #: so that receipt numbers rise with the days as in a real book.
    errands: list[Errand] = field(default_factory=list)
    #: The renovations registered by their errands, in registration order: number → papers printed.
    renovations: dict[str, int] = field(default_factory=dict)
    #: The first phase's units as the roster made them: the days they were handed over date the archive's papers.
    estate: list[DemoUnit] = field(default_factory=list)


def _at_office(workspace: Workspace, day: dt.date, at: dt.time = AT_WORK) -> dt.datetime | None:
    """The moment the demo's work of ``day`` is recorded at: ``at`` on the office's clock, or None — the computer's
    present moment — on the real day (never an hour still to come)."""
    if day == dt.date.today():
        return None
    return dt.datetime.combine(day, at, tzinfo=office_zone(workspace.settings.office.time_zone))


def _on_day(workspace: Workspace, day: dt.date) -> Workspace:
    """``workspace`` recording the papers it prints on ``day``, at office hours (``_at_office``; ``Workspace.clock``):
    under that day's ``records/generated/`` folder, listed by ``docs list`` at that time."""
    moment = _at_office(workspace, day)
    return replace(workspace, clock=None if moment is None else lambda: moment)


def _step_owners(ctx: DemoContext) -> None:
    estate = ctx.estate = generate_estate(seed=ctx.seed, min_units=ctx.min_units, today=ctx.today)
    sheet = ctx.workspace.root / "业主名册.xlsx"
    write_owner_sheet(
        sheet,
        [
            [u.building, u.entrance, u.room, u.floor_area, u.owner_name, u.phone, u.id_number, u.move_in_date, u.status]
            for u in estate
        ],
    )
    with open_workspace_ledger(ctx.workspace) as ledger:
        summary = import_owners(ledger, sheet, DEMO_OPERATOR)
    buildings = len({u.building for u in estate})
    statuses = {label: sum(1 for u in estate if u.status == label) for label in ("已入住", "已交付", "空置")}
    ctx.report.counts += [
        ("楼栋", buildings),
        ("房屋", summary.units_created),
        *((f"  其中{label}", count) for label, count in statuses.items()),  # the units' statuses, summing to 房屋
        ("业主", summary.owners_created),
    ]
    ctx.report.files.append(sheet)
    _import_other_kinds(ctx, estate)
    example = estate[len(estate) // 2].code
    ctx.report.next_commands += [
        f"cd {ctx.workspace.root}",
        f"recordkit owners list --building {_example_building(estate)}",
        f"recordkit owners show {example}",
        "recordkit owners export 业主名册-导出.xlsx",
        "recordkit journal verify",
        "recordkit doctor",
    ]


def _example_building(estate: list[DemoUnit]) -> str:
    """The first phase's building the demo speaks of (its drawings, the command it suggests): 3号楼 as the README and
    ``make demo`` do, or the last one of an estate that has fewer (``--units 10`` makes one building)."""
    buildings = sorted({int(unit.building) for unit in estate})
    return str(3 if 3 in buildings else buildings[-1])


def _import_other_kinds(ctx: DemoContext, estate: list[DemoUnit]) -> None:
    """二期 (flats without 单元, villas), shops, parking spaces, co-owners and tenants: a roster in another
    system's layout (a cover sheet first, its own headers and status words), imported as a clerk would."""
    sheet = ctx.workspace.root / OTHER_KINDS_SHEET
    workbook = Workbook()
    workbook.active.title = "说明"
    workbook.active.append(["本表由原物业收费系统导出：二期、商铺、车位的房产资料"])
    data = workbook.create_sheet("房产资料")
    data.append(list(OTHER_SYSTEM_HEADERS))
    for row in generate_other_kinds(estate, ctx.seed, ctx.today):
        data.append(row)
    save_atomically(workbook, sheet)
    with open_workspace_ledger(ctx.workspace) as ledger:
        summary = import_owners(ledger, sheet, DEMO_OPERATOR, phases=ctx.workspace.settings.office.phase_table())
        kinds = {view.code.kind for view in list_units(ledger)}
    ctx.report.counts += [
        ("二期、商铺、车位", summary.units_created),
        ("房屋类型", len(kinds)),
        ("共有人", summary.co_owners),
        ("联系人（家属、租户）", summary.contacts),
    ]
    ctx.report.files.append(sheet)


def _step_fees(ctx: DemoContext) -> None:
    """Twelve months of bills up to last month and a year of payments as a normal estate's (monthly,
    quarterly at the quarter's start, yearly in advance; a few late or partial; about 5 % never; the
    developer a month late for its unsold units), so that 当期收缴率 sits near 85–95 %; a few receipts
    voided and reprinted; .docx for a handful only."""

    rng = random.Random(ctx.seed)
    today = ctx.today
    last = Month.of(today) - 1
    months = [last - offset for offset in range(11, -1, -1)]
    settings, who = ctx.workspace.settings, DEMO_OPERATOR
    with open_workspace_ledger(ctx.workspace) as ledger:
        start = str(months[0])
        add_rule(ledger, who, "物业服务费", "area", "2.35", start, vacant_percent=70, unit_kinds=(FLAT,))
        add_rule(ledger, who, "垃圾清运费", "fixed", "10", start, vacant_percent=0, unit_kinds=PREMISES)
        _add_kind_rules(ledger, who, start)
        with ledger.read() as conn:
            owners_of = _unit_owners(conn)
        codes = sorted(owners_of)
        # Water has been collected for the water company since last month, from meter readings.
        add_rule(ledger, who, "水费", "metered", "3.5", str(last), unit_kinds=PREMISES)
        set_rule(ledger, who, "物业服务费", str(months[6]), rate_text="2.50")
        readings = ctx.workspace.root / f"水表读数-{last}.xlsx"
        # The unsold units' meters are not opened: the developer uses no water.
        metered = [code for code in _bought(owners_of) if parse_unit_code(code).kind in PREMISES]
        _write_readings(readings, metered, rng)
        import_readings(ledger, readings, str(last), who, "水费")

        # How each owner pays, as in a normal estate: most on time (every month, every quarter at its
        # start, or the whole year ahead), a few late or in part, about 5 % never (long-term debtors).
        habits = {
            code: DEVELOPER_PAYS
            if owners_of[code] == DEVELOPER_NAME
            else rng.choices(("monthly", "quarterly", "yearly", "late", "partial", "never"), (52, 30, 10, 3, 2, 3))[0]
            for code in codes
            if owners_of[code]
        }
        methods = ("微信", "微信", "支付宝", "现金", "银行转账", "POS")
        bills = receipts = 0
        for number, month in enumerate(months):
            bills += bill_month(ledger, str(month), who, today=today).created
            owed = _owed_by_unit(ledger)
            billed = _billed_in(ledger, month)
            requests = []
            for code, habit in habits.items():
                due, this_month = owed.get(code, 0), billed.get(code, 0)
                amount = _demo_payment(habit, number, month, due, this_month, rng)
                if amount > 0 and habit == DEVELOPER_PAYS:
                    transfer = month.first_day() + dt.timedelta(days=19)
                    requests.append(PaymentRequest(code, amount, "银行转账", paid_on=transfer))
                elif amount > 0:
                    # On-time payers come early in the month; the late ones pay last month's bills late.
                    latest = 9 if habit in ("quarterly", "yearly") else 27
                    day = month.first_day() + dt.timedelta(days=rng.randrange(latest))
                    requests.append(PaymentRequest(code, amount, rng.choice(methods), paid_on=day))
            errands = [errand for errand in ctx.errands if Month.of(errand.day) == month]
            receipts += _take_in_date_order(ledger, settings.receipt, requests, errands)
        # Today at the counter: a few owners in arrears pay up (the developer pays by transfer, on its day).
        owed = _owed_by_unit(ledger)
        debtors = [code for code in _bought(owners_of) if owed.get(code, 0) > 0]
        counter = pay_many(
            ledger,
            settings.receipt,
            who,
            [
                PaymentRequest(code, owed[code], "微信", paid_on=today)
                for code in rng.sample(debtors, min(10, len(debtors)))
            ],
            today=today,
        )
        receipts += len(counter)
        voided = [
            void_receipt(ledger, view.number, reason, who, today=today)
            for view, reason in zip(counter[:3], ("金额开错", "重复收款", "交款人写错"), strict=False)
        ]
        reprinted = [reprint_receipt(ledger, view.number, who) for view in counter[3:6]]
        # The .docx of a handful of receipts only: rendering every one would take the demo minutes.
        library = TemplateLibrary.for_workspace(ctx.workspace)
        printed = [write_receipt_docx(ctx.workspace, ledger, view, who, library=library) for view in counter[6:]]
        printed += [write_receipt_docx(ctx.workspace, ledger, view, who, library=library) for view in voided]
        printed += [
            write_receipt_docx(ctx.workspace, ledger, view, who, reprint=True, library=library) for view in reprinted
        ]
        arrears = list_arrears(ledger, today)
        register = ctx.workspace.root / f"收费台账-{last}.xlsx"
        write_register(ledger, str(last), register, settings.office.estate)
        daily = ctx.workspace.root / f"日结-{today.isoformat()}.xlsx"
        write_daily(ledger, today, daily, settings.office.estate)
    ctx.report.counts += [
        (f"账单（{months[0]} 至 {last}）", bills),
        ("收据", receipts),
        ("  其中作废", len(voided)),
        ("  补打", len(reprinted)),
        (RECEIPT_PAPERS, len(printed)),
        ("欠费户数", len(arrears)),
        ("  欠费 3 个月以上", sum(1 for row in arrears if row.months >= 3)),
    ]
    ctx.report.files += [readings, register, daily, printed[0].path.parent] if printed else [readings, register, daily]
    example = next(iter(arrears)).unit if arrears else codes[0]
    ctx.report.next_commands += [
        "recordkit fees rules list --history",
        "recordkit fees arrears --min-months 3",
        f"recordkit fees pay {example} --amount 100 --method 微信",
        f"recordkit receipt list --date {today.isoformat()}",
        "recordkit receipt list --voided",
        f"recordkit fees daily --date {today.isoformat()}",
        f"recordkit fees register --month {last} 收费台账.xlsx",
    ]


def _take_in_date_order(
    ledger: Ledger, settings: ReceiptSettings, requests: list[PaymentRequest], errands: list[Errand]
) -> int:
    """A month's payments and errands taken day by day, so that each receipt's number follows those of
    the days before it; the number of receipts issued."""
    issued = 0
    left = sorted(requests, key=lambda request: request.paid_on or dt.date.min)
    for errand in sorted(errands, key=lambda errand: errand.day):
        before = [request for request in left if (request.paid_on or dt.date.min) <= errand.day]
        left = left[len(before) :]
        issued += _take_payments(ledger, settings, before) + len(errand.take(ledger))
    return issued + _take_payments(ledger, settings, left)


def _take_payments(ledger: Ledger, settings: ReceiptSettings, requests: list[PaymentRequest]) -> int:
    if not requests:
        return 0
    # Issued on the last day among them: the receipts are numbered in that day's year.
    issued_by = max(request.paid_on or dt.date.min for request in requests)
    return len(pay_many(ledger, settings, DEMO_OPERATOR, requests, today=issued_by))


def _add_kind_rules(ledger: Ledger, who: str, start: str) -> None:
    """Villas, shops and parking spaces at their own rates (issue 15): a parking space pays its 车位管理费
    and nothing else (no water meter, no waste; the demo lets no space monthly, so no 停车费)."""
    add_rule(ledger, who, "别墅物业服务费", "area", "3.80", start, vacant_percent=70, unit_kinds=(VILLA,))
    add_rule(ledger, who, "商铺物业服务费", "area", "4.50", start, unit_kinds=(SHOP,))
    add_rule(ledger, who, "车位管理费", "fixed", "60", start, unit_kinds=(PARKING,))


def _demo_payment(habit: str, number: int, month: Month, due: int, this_month: int, rng: random.Random) -> int:
    """What a payer of ``habit`` pays in the demo's ``number``-th month (0 for nothing): ``due`` is what
    the unit owes now (this month's bill included), ``this_month`` this month's bill."""
    if habit == "never":
        return 0
    if habit == "monthly":
        return due
    if habit == "quarterly":
        # At the start of each quarter the quarter in advance (in the demo's first month, the rest of it).
        left_in_quarter = 3 - (month.month - 1) % 3
        if (month.month - 1) % 3 and number:
            return 0
        return max(due + (left_in_quarter - 1) * this_month, 0)
    if habit == "yearly":
        return due + 11 * this_month + rng.randrange(0, 20) * 100 if number == 0 else 0
    if habit in ("late", DEVELOPER_PAYS):
        return max(due - this_month, 0)  # last month's bills, a month late
    return due // 2 if due > 100 else 0  # partial


def _billed_in(ledger: object, month: Month) -> dict[str, int]:
    query = (
        sa.select(units.c.code, sa.func.sum(bills_table.c.amount_fen))
        .select_from(bills_table.join(units, units.c.id == bills_table.c.unit_id))
        .where(bills_table.c.month == str(month))
        .group_by(units.c.code)
    )
    with ledger.read() as conn:  # type: ignore[attr-defined]
        return {code: int(total) for code, total in conn.execute(query)}


def _unit_owners(conn: object) -> dict[str, str | None]:
    query = sa.select(units.c.code, owners.c.name).select_from(units.outerjoin(owners, owners.c.id == units.c.owner_id))
    return dict(conn.execute(query).all())  # type: ignore[attr-defined]


def _bought(owners_of: dict[str, str | None]) -> list[str]:
    """The units of ``owners_of`` (``_unit_owners``) that someone bought, in code order: not the developer's unsold
    ones, which nobody lives in, does up or pays for at the counter."""
    return sorted(code for code, owner in owners_of.items() if owner not in (None, DEVELOPER_NAME))


def _move_in_dates(conn: object) -> dict[str, dt.date]:
    """The day each unit with an owner was moved into, as the roster says."""
    query = sa.select(units.c.code, units.c.move_in_date).where(
        units.c.owner_id.is_not(None), units.c.move_in_date.is_not(None)
    )
    return dict(conn.execute(query).all())  # type: ignore[attr-defined]


def _owed_by_unit(ledger: object) -> dict[str, int]:
    inner = outstanding_query().subquery()
    query = (
        sa.select(units.c.code, sa.func.sum(inner.c.owed_fen))
        .select_from(inner.join(units, units.c.id == inner.c.unit_id))
        .where(inner.c.owed_fen > 0)
        .group_by(units.c.code)
    )
    with ledger.read() as conn:  # type: ignore[attr-defined]
        return {code: int(total) for code, total in conn.execute(query)}


def _write_readings(path: Path, codes: list[str], rng: object) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["房号", "上期读数", "本期读数"])
    for code in codes:
        previous = rng.randrange(100, 3000)  # type: ignore[attr-defined]
        sheet.append([code, previous, previous + rng.randrange(3, 25)])  # type: ignore[attr-defined]
    save_atomically(workbook, path)


@dataclass(frozen=True)
class _RenovationPlan:
    unit: str
    contractor: str
    manager: str
    phone: str
    day: dt.date
    days: int
    items: str
    workers: tuple[DemoWorker | DemoForeignWorker, ...]


def _step_renovation_registrations(ctx: DemoContext) -> None:
    """Two renovations registered last month, each with its deposit and waste fee paid at the cashier's
    and its papers printed on its day: errands the fees step takes among the owners' payments."""

    rng = random.Random(ctx.seed + 5)
    first_day = (Month.of(ctx.today) - 1).first_day()
    settings = ctx.workspace.settings
    with open_workspace_ledger(ctx.workspace) as ledger:
        add_rule(ledger, DEMO_OPERATOR, settings.renovation.deposit_item, "oneoff", "2000", str(Month.of(first_day)))
        add_rule(ledger, DEMO_OPERATOR, settings.renovation.waste_item, "oneoff", "500", str(Month.of(first_day)))
        with ledger.read() as conn:
            owners_of = _unit_owners(conn)
    # Flats and villas are done up; a shop's fit-out or a parking space is no 装修登记 of the demo's.
    homes = [code for code in _bought(owners_of) if parse_unit_code(code).kind in DWELLINGS]
    units = rng.sample(homes, 2)
    plans = [
        _RenovationPlan(
            units[0],
            "安居装饰工程有限公司",
            "王强",
            "13600001111",
            first_day + dt.timedelta(days=4),
            20,
            "水电改造、铺地砖、厨卫防水",
            (
                DemoWorker("张建国", "水电工", "440304", (5, 12), 38, 341),
                DemoWorker("刘志强", "瓦工", "510107", (9, 23), 51, 613),
                DemoWorker("陈小军", "木工", "320102", (1, 1), 34, 1),
            ),
        ),
        _RenovationPlan(
            units[1],
            "美家装饰设计有限公司",
            "赵敏",
            "13700002222",
            first_day + dt.timedelta(days=14),
            75,
            "全屋翻新、吊顶、墙面刷漆",
            (
                DemoWorker("孙大海", "油漆工", "110105", (12, 31), 46, 3),
                DemoWorker("周立新", "电工", "330106", (7, 15), 43, 221),
                DemoForeignWorker("Tran Van Nam", "瓷砖工", "C4821937"),
            ),
        ),
    ]
    ctx.errands += [Errand(plan.day, partial(_register_renovation, ctx, plan)) for plan in plans]


def _register_renovation(ctx: DemoContext, plan: _RenovationPlan, ledger: Ledger) -> list[ReceiptView]:
    """``plan`` registered on its day, its charges paid and its registration, agreement and passes printed."""
    settings, who, workspace = ctx.workspace.settings, DEMO_OPERATOR, _on_day(ctx.workspace, plan.day)
    request = RegistrationRequest(
        plan.unit,
        plan.contractor,
        plan.manager,
        plan.phone,
        plan.day,
        plan.day + dt.timedelta(days=plan.days),
        items=plan.items,
    )
    renovation = register_renovation(ledger, settings.renovation, who, request, settings.fees.rounding, plan.day)
    receipt = pay_charges(ledger, settings.receipt, who, renovation.number, "微信", paid_on=plan.day)
    specs = [worker.pass_spec(plan.day) for worker in plan.workers]
    issued = change_passes(ledger, who, renovation.number, specs, today=plan.day)
    papers = [
        write_registration(workspace, ledger, renovation, who),
        write_agreement(workspace, ledger, renovation.number, who),
        write_passes(workspace, ledger, issued.renovation, issued.issued, who),
    ]
    ctx.renovations[renovation.number] = len(papers)
    return [receipt]


#: The worker the demo suggests adding to the renovation still under way (``renovation pass --worker``).
SUGGESTED_WORKER = DemoWorker("吴师傅", "泥瓦工", "420102", (3, 4), 47, 451)


def _step_renovations(ctx: DemoContext) -> None:
    """Today, the two renovations registered last month: one inspected and refunded (less a deduction),
    one still under way with a pass reissued and a failed inspection; every paper printed, the receipt of the
    refund's deduction too."""

    today, who, workspace = ctx.today, DEMO_OPERATOR, ctx.workspace
    done, under_way = ctx.renovations
    with open_workspace_ledger(workspace) as ledger:
        inspect(ledger, who, done, "合格", "无违规改动，公共走廊墙面有磕碰", today)
        # As ``renovation refund`` does: the 退款单 and the receipt of what it kept (押金转入), printed in its write.
        refunded = refund_and_print(workspace, ledger, who, done, 20000, "公共走廊墙面磕碰修补", today)
        printed = [refunded.form]
        reissued = change_passes(ledger, who, under_way, reissue=[f"{under_way}-01"], reason="遗失", today=today)
        printed.append(write_passes(workspace, ledger, reissued.renovation, reissued.issued, who))
        inspect(ledger, who, under_way, "不合格", "卫生间未做闭水试验，整改后复验", today)
    made = sum(ctx.renovations.values()) + len(printed)
    ctx.report.counts += [("装修登记", len(ctx.renovations)), ("  装修文书 .docx", made)]
    ctx.report.count_more(RECEIPT_PAPERS, 1 if refunded.receipt_paper is not None else 0)
    ctx.report.next_commands += [
        "recordkit renovation list",
        f"recordkit renovation pass {under_way} --worker {SUGGESTED_WORKER.pass_spec(today)}",
        f"recordkit renovation inspect {under_way} --result 合格 --notes 已整改",
        f"recordkit renovation refund {under_way}",
    ]


def _step_documents(ctx: DemoContext) -> None:
    """Issue 5: a building-wide water-cut notice, the reminders of one building's long arrears,
    and a certificate of each kind — merged print files where a clerk would print a stack."""

    workspace, who = ctx.workspace, DEMO_OPERATOR
    library = TemplateLibrary.for_workspace(workspace)
    today = ctx.today
    soon = today + dt.timedelta(days=3)
    with open_workspace_ledger(workspace) as ledger:
        units = list_units(ledger)
        occupied = [view for view in units if view.status == "occupied"]
        # The building with the most residents gets the notice; the one with most long arrears the reminders.
        flats = [Building(v.code.phase, v.code.building) for v in occupied if v.code.building]
        building = max(sorted(set(flats), key=str), key=flats.count)
        water = make_notices(
            workspace,
            ledger,
            "停水通知",
            select_recipients(ledger, building=str(building), today=today),
            {
                "停水原因": "二次供水水箱清洗消毒",
                "停水范围": building.display,
                "停水时间": f"{soon.month}月{soon.day}日8:00",
                "恢复时间": "当日18:00",
            },
            who,
            merge=True,
            scope=building.display,
            today=today,
            library=library,
        )
        arrears = list_arrears(ledger, today)
        long_owing = [
            Building(code.phase, code.building)
            for code in (parse_unit_code(row.unit) for row in arrears if row.months >= 3)
            if code.building
        ]
        debtors = max(sorted(set(long_owing), key=str), key=long_owing.count) if long_owing else building
        reminders = remind(
            workspace, ledger, who, min_months=3, building=str(debtors), as_of=today, today=today, library=library
        )
        owing = {row.unit for row in arrears}
        settled = [view for view in occupied if view.owner and view.move_in_date]
        resident = settled[0]
        paid_up = next(view for view in settled if str(view.code) not in owing)
        certificates = [
            make_certificate(
                workspace, ledger, "居住证明", str(resident.code), who, purpose="子女入学", today=today, library=library
            ),
            make_certificate(
                workspace, ledger, "缴费证明", str(paid_up.code), who, purpose="房屋过户", today=today, library=library
            ),
            # Moving goods out is for a unit that owes nothing (an exit pass waits for the arrears).
            make_certificate(
                workspace,
                ledger,
                "出门条",
                str(paid_up.code),
                who,
                items="冰箱1台,旧沙发1件,纸箱6个",
                valid_until=soon,
                today=today,
                library=library,
            ),
        ]
    reminded = len(reminders.recipients) if reminders else 0
    ctx.report.counts += [
        (f"停水通知（{building.display}，合并打印）", len(water.recipients)),
        (f"催缴通知书（{debtors.display}欠费3个月以上）", reminded),
        ("证明与出门条", len(certificates)),
    ]
    ctx.report.files += [water.documents[0].path, *(c.document.path for c in certificates)]
    ctx.report.next_commands += [
        "recordkit templates list",
        f"recordkit notice make 温馨提示 --building {building.typed} --set 提示内容=请勿高空抛物 --merge",
        f"recordkit notice remind --min-months 3 --building {debtors.typed} --merge",
        f'recordkit cert make 出门条 --unit {paid_up.code} --items "冰箱1台"',
        "recordkit docs list --limit 20",
    ]


def _step_archive(ctx: DemoContext) -> None:
    """The scanner's morning: owner, engineering, contract and finance scans dropped into the inbox
    (a sidecar, a GBK name, a temporary file, a broken scan and a second copy among them), filed the
    way the watch service files them; a few paper originals lent, one overdue, one returned."""

    rng = random.Random(ctx.seed)
    inbox = ctx.workspace.records_subdir("inbox")
    today = ctx.today
    with open_workspace_ledger(ctx.workspace) as ledger:
        with ledger.read() as conn:
            owners = _unit_owners(conn)
            moved_in_on = _move_in_dates(conn)
        units = rng.sample(sorted(moved_in_on), min(12, len(moved_in_on)))
        seed = 0
        for code in units:  # 业主档案, copied on the day the owner moved in: named as the scanner's operator types
            moved_in = moved_in_on[code]
            for title, ext, pages in (("产权证明", "pdf", 2), ("身份证复印件", "jpg", 1), ("入住登记表", "pdf", 1)):
                seed += 1
                write_scan(
                    inbox / f"{code}_{title}_{moved_in:%Y%m%d}.{ext}",
                    seed,
                    pages,
                    document_lines(title, code, owners[code], moved_in, title),
                )
        # The papers of last month's two renovations: one's application form, the other's signed agreement.
        applied, agreed = list_renovations(ledger)
        seed += 1
        write_scan(
            inbox / "业主档案" / agreed.unit / "装修协议.pdf",
            seed,
            3,
            document_lines("装饰装修管理协议", agreed.unit, agreed.owner, agreed.start, "装修协议"),
        )
        seed += 1
        write_scan(
            inbox / f"{_typed_unit(applied.unit)} 装修申请表.jpg",
            seed,
            lines=document_lines("装修申请表", applied.unit, applied.owner, applied.start, "装修申请表"),
        )
        # 工程档案: the last three months' maintenance records, and last-but-one month's receipt stubs (below),
        # of the months before today whatever day of the year the demo is built on.
        last = Month.of(today) - 1
        for system, month in (("电梯", last - 2), ("消防", last - 1), ("供水", last - 1), ("电梯", last)):
            seed += 1
            serviced = month.first_day() + dt.timedelta(days=14)
            write_scan(
                inbox / "工程档案" / system / f"{system}维保记录_{serviced:%Y%m%d}.pdf",
                seed,
                2,
                document_lines(f"{system}维修保养记录", date=serviced, kind="维保记录"),
            )
        seed += 1
        # As-built drawings are done before the works are accepted, and these before the first flat is handed over.
        drawn = min(unit.delivered for unit in ctx.estate) - dt.timedelta(days=rng.randint(60, 180))
        drawings = f"{_example_building(ctx.estate)}号楼给排水竣工图纸"
        write_scan(
            inbox / "工程档案" / "图纸" / f"{drawings}_{drawn:%Y%m%d}.tif",
            seed,
            4,
            document_lines(drawings, date=drawn, kind="竣工图纸"),
        )
        seed += 1
        year = today.year  # this year's cleaning contract, signed on its first day
        contract = write_scan(
            inbox / f"保洁服务合同_{year}0101.pdf",
            seed,
            3,
            document_lines(f"保洁服务合同（{year}年度）", date=dt.date(year, 1, 1), kind="服务合同"),
        )
        contract.with_name(contract.name + ".json").write_text(
            json.dumps(
                {
                    "类别": "合同协议档案",
                    "题名": f"保洁服务合同（{year}年度）",
                    "盒号": f"HT-{year}-01",
                    "架位": "C-1-2",
                    "保密": "是",
                },
                ensure_ascii=False,
            ),
            encoding="utf-8",
        )
        seed += 1
        stubs = f"{(last - 1).year}年{(last - 1).month}月收据存根"
        write_scan(
            inbox / f"{stubs}.pdf",
            seed,
            5,
            document_lines(stubs, date=(last - 1).last_day(), kind="收据存根"),
        )
        seed += 1
        # A flat is bought off the plan, three to eighteen months before it is handed over.
        signed = delivery_day(units[2], ctx.estate, today) - dt.timedelta(days=rng.randint(90, 540))
        gbk_name = f"{units[2]} 购房合同（复印件）_{signed:%Y%m%d}.jpg".encode("gbk")  # as a Windows scanner writes it
        with open(os.path.join(os.fsencode(inbox), gbk_name), "wb") as stream:
            stream.write(
                scan_bytes(
                    "jpg", seed, lines=document_lines("商品房买卖合同", units[2], owners[units[2]], signed, "购房合同")
                )
            )
        write_scan(inbox / "IMG_0042.jpg", seed + 1, lines=document_lines("扫描件"))
        (inbox / "~$保洁服务合同.docx").write_bytes(b"Word's lock file")
        (inbox / "扫描中断.pdf").write_bytes(b"%PDF-1.4\n")
        (inbox / "产权证明-又扫了一遍.pdf").write_bytes(
            (inbox / f"{units[0]}_产权证明_{_first_date(inbox, units[0])}.pdf").read_bytes()
        )

        clerk = Archivist(ctx.workspace, ledger, DEMO_OPERATOR)
        # Filed this morning: of a demo built as of another day, on that day's (its 归档时间, and the year that numbers
        # an undated scan), never years after the papers it holds.
        morning = None if today == dt.date.today() else dt.datetime.combine(today, dt.time(9, 0)).astimezone()
        outcomes = clerk.file_many(list(clerk.expand([inbox])), now=morning)
        filed = [o.item for o in outcomes if o.status == "filed" and o.item]
        quarantined = [o for o in outcomes if o.status == "quarantined"]
        owner_items = [item for item in filed if item.category == "业主档案"]
        secret = next(item for item in filed if item.confidential)
        drawing = next(item for item in filed if item.topic == "图纸")
        loans = (  # (file, borrower, department, due, lent on): each lent for a reason its kind of file serves
            (drawing, "王工", "工程部", today + dt.timedelta(days=14), today),
            (owner_items[1], "李会计", "财务部", today - dt.timedelta(days=5), today - dt.timedelta(days=30)),
            (secret, "张经理", "管理处", today + dt.timedelta(days=7), today),
            (owner_items[2], "赵管家", None, today + dt.timedelta(days=3), today),
        )
        for item, borrower, dept, due, lent_on in loans:
            reason = rng.choice(LOAN_REASONS[item.category])
            at = _at_office(ctx.workspace, lent_on)
            lend(ledger, item.archive_no, borrower, due, DEMO_OPERATOR, dept=dept, reason=reason, today=lent_on, now=at)
        at = _at_office(ctx.workspace, today, AT_CLOSING)
        return_item(ledger, owner_items[2].archive_no, DEMO_OPERATOR, now=at)
    review = sum(1 for item in filed if item.needs_review)
    ctx.report.counts += [
        ("档案（扫描件归档）", len(filed)),
        ("  其中待复核", review),
        ("  隔离", len(quarantined)),
        ("纸质原件借出未还", 3),
        ("  其中逾期", 1),
    ]
    ctx.report.files.append(ctx.workspace.records_subdir("archive"))
    ctx.report.next_commands += [
        "recordkit archive list --category 业主档案",
        "recordkit archive review",
        f"recordkit archive show {owner_items[0].archive_no}",
        "recordkit archive loans --overdue",
        "recordkit archive verify",
        "recordkit watch --once",
    ]


#: What a paper original of each category is borrowed for: a demo loan's reason is drawn from its file's
#: (an engineer checks a renovation against the drawings, not against an owner's deed).
LOAN_REASONS: dict[str, tuple[str, ...]] = {
    "业主档案": ("产权核对", "办理过户", "核对入住日期", "业主信息核对"),
    "工程档案": ("核对装修图纸", "设备检修查阅", "改造工程查阅"),
    "合同协议档案": ("合同续签", "合同条款核对"),
    "财务档案": ("年度审计", "账目核对"),
}


def _typed_unit(code: str) -> str:
    """A unit as the scanner's operator types it in a file name: 3栋2单元1201 for a flat with 单元."""
    unit = parse_unit_code(code)
    return f"{unit.phase}{unit.building}栋{unit.entrance}单元{unit.room}" if unit.entrance else code


def _first_date(inbox: Path, code: str) -> str:
    return next(inbox.glob(f"{code}_产权证明_*.pdf")).stem.rsplit("_", 1)[1]


def _step_search(ctx: DemoContext) -> None:
    """The archive made searchable: everything by its metadata and text layers at once, and the newest
    elevator maintenance scan read by OCR now (the nightly ``recordkit index`` reads the other scans:
    OCR takes seconds a page, and the demo stays quick)."""

    with open_workspace_ledger(ctx.workspace) as ledger:
        indexed = update_index(ctx.workspace, ledger, ocr=False)
        elevator = sorted(
            (item for item in list_items(ledger, category="工程档案") if item.topic == "电梯"),
            key=lambda item: item.doc_date or dt.date.min,
        )
        read = update_index(ctx.workspace, ledger, items=elevator[-1:], ocr=True)
    found = search(ctx.workspace, "梯维修")
    ctx.report.counts += [
        ("检索索引（档案）", indexed.added),
        ("  其中扫描件已做 OCR", read.updated),
        ("  “梯维修”找到", found.total),
    ]
    ctx.report.next_commands += [
        "recordkit search 梯维修",
        "recordkit search 电梯 --category 工程档案 --json",
        "recordkit index",
    ]


def _step_workorders(ctx: DemoContext) -> None:
    """Twelve months of work orders up to last month (20–40 a month, every category), in one
    ledger write: most dispatched, finished and visited in time, some late, some still open
    past their limits today, and some repeat complaints."""

    rng = random.Random(ctx.seed + 8)
    now = workorders.now_minute()
    if now.date() != ctx.today:  # a demo built as of another day: that day's late afternoon
        now = dt.datetime.combine(ctx.today, dt.time(17, 30))
    last = Month.of(now.date()) - 1
    months = [last - offset for offset in range(11, -1, -1)]
    settings = ctx.workspace.settings.workorders
    with open_workspace_ledger(ctx.workspace) as ledger:
        with ledger.read() as conn:
            occupied = [
                tuple(row)
                for row in conn.execute(
                    sa.select(units.c.code, owners.c.name, owners.c.phone, units.c.move_in_date)
                    .select_from(units.join(owners, owners.c.id == units.c.owner_id))
                    .where(units.c.status == "occupied", units.c.move_in_date.is_not(None))
                    .order_by(units.c.code)
                )
            ]
        records = demo_work_orders(rng, settings, occupied, months, now)
        with ledger.write() as conn:
            numbers = workorders.add_many(conn, settings, DEMO_OPERATOR, records)
        overdue = workorders.list_orders(ledger, workorders.OrderFilter(overdue=True), as_of=now)
    ctx.report.counts += [("工单", len(numbers)), ("  其中超时未完成", len(overdue))]
    ctx.report.next_commands += [
        "recordkit workorder list --overdue",
        f"recordkit workorder list --month {last} --type 投诉",
    ]


def _step_closing(ctx: DemoContext) -> None:
    """The months up to last month closed (结账), and one of last month's receipts reversed today by a red
    reversal (红冲): the payer's name was written wrong.  Today's 日结 is written again to show it."""

    today = ctx.today
    last = Month.of(today) - 1
    who = DEMO_OPERATOR
    with open_workspace_ledger(ctx.workspace) as ledger:
        with ledger.read() as conn:
            first = conn.execute(sa.select(sa.func.min(bills_table.c.month))).scalar()
        month = parse_month(first) if first else last
        closed = 0
        while month <= last:
            close_month(ledger, str(month), who, today, keep=keep_month_figures)
            closed += 1
            month = month + 1
        previous = [
            view
            for view in list_receipts(ledger)
            if Month.of(view.issued_on) == last
            and not view.voided
            and view.total_fen > 0
            and not any("装修" in line.item for line in view.lines)  # a fee receipt, not a renovation's
        ]
        reversal = None
        if previous:
            _, reversal = void_or_reverse(
                ledger, previous[-1].number, "交款人姓名写错", who, today, ctx.workspace.settings.receipt
            )
        daily = ctx.workspace.root / f"日结-{today.isoformat()}.xlsx"
        write_daily(ledger, today, daily, ctx.workspace.settings.office.estate)
    ctx.report.counts.append(("已结账月份", closed))
    if reversal is not None:
        ctx.report.counts.append(("今天的红冲收据", 1))
    ctx.report.next_commands += ["recordkit fees close --list"]


def _step_report(ctx: DemoContext) -> None:
    """The monthly report of October 2026 (the issue's month) while it lies inside the demo's twelve
    billed months, else of the last complete month.  Runs last: it reports what the other steps made,
    work orders included."""

    last = Month.of(ctx.today) - 1
    month = Month(2026, 10) if last - 11 <= Month(2026, 10) <= last else last
    with open_workspace_ledger(ctx.workspace) as ledger:
        report = monthly_report(ctx.workspace, ledger, str(month), DEMO_OPERATOR, today=ctx.today)
    ctx.report.counts.append((f"月度报表（{month.chinese}）", 2))
    ctx.report.files += [report.workbook, report.summary]
    ctx.report.next_commands.append(f"recordkit report monthly --month {month}")


#: The demo's steps in order; later capabilities append theirs.
STEPS: list[Callable[[DemoContext], None]] = [
    _step_owners,
    # Last month's renovations are registered (and their deposits taken) by the fees step, on their days.
    _step_renovation_registrations,
    _step_fees,
    _step_renovations,
    _step_documents,
    _step_archive,
    _step_search,
    _step_workorders,
    _step_closing,
]
# The monthly report comes last (after the work orders' step too): it reports on everything above.
STEPS.append(_step_report)


def build_demo(directory: Path, seed: int = 2026, min_units: int = 1200, today: dt.date | None = None) -> DemoReport:
    """Make (or remake) the demo workspace in ``directory`` and run every demo step, as of ``today``
    (default the real day; a fixed day and seed give the same figures whenever the demo is built).

    A folder that is a workspace but not a demo one, or a file, is refused with ``WorkspaceError``; a ``today`` too
    early for a year of receipts (``[receipt] first_year``) with ``ValidationError``, before anything is made.
    """
    today = today or dt.date.today()
    first_year = ReceiptSettings().first_year  # a new workspace's, as the demo's is
    # (the demo bills the twelve months before today and takes payments in them)
    if (Month.of(today) - 12).year < first_year:
        raise ValidationError(
            f"--today 不能早于 {first_year + 1}-01-01：演示数据有截至那天的一年账目，收款日期要在 {first_year} 年以后"
        )
    root = directory.expanduser().resolve()
    if root.is_dir() and any(root.iterdir()):  # (a file, or a path through one, is init_workspace's to refuse)
        if not (root / DEMO_MARKER).exists():
            raise WorkspaceError(f"{root} 已存在且不是演示工作区，不会覆盖。请换一个目录")
        # Only what the demo itself made is removed.
        for name in ("records", "templates", "recordkit.toml", DEMO_MARKER, "业主名册.xlsx", OTHER_KINDS_SHEET):
            target = root / name
            if target.is_dir():
                shutil.rmtree(target)
            else:
                target.unlink(missing_ok=True)
        for pattern in ("水表读数-*.xlsx", "收费台账-*.xlsx", "日结-*.xlsx"):  # the fees step's sheets
            for target in root.glob(pattern):
                target.unlink()
    # 王芳 is the clerk who tries it.
    init_workspace(
        root, office=DEMO_OFFICE, estate=DEMO_ESTATE, operator="王芳", address=DEMO_ADDRESS, phone=DEMO_PHONE
    )
    with (root / "recordkit.toml").open("a", encoding="utf-8") as config:
        config.write(
            f'\n# 小区分期：二期的房号前面写“二期”（二期·1-101、二期·别墅3）。\n[[office.phases]]\nname = "{SECOND_PHASE}"\n'
        )
        config.write('spellings = ["2期", "二区"]\n')
    (root / DEMO_MARKER).write_text("recordkit demo workspace: `recordkit demo` may rebuild it\n", encoding="utf-8")
    workspace = open_workspace(root, flags={"operator": DEMO_OPERATOR}, environ={})
    # What the steps log (a scan quarantined on purpose) goes to the demo's own log file, not
    # to the screen as Python's English last-resort output.
    setup_logging(workspace)
    # Its papers are printed on its day (a demo built as of an earlier one: at that day's office hours).
    ctx = DemoContext(_on_day(workspace, today), seed, min_units, DemoReport(root, DEMO_ESTATE), today)
    for step in STEPS:
        step(ctx)
    return ctx.report
