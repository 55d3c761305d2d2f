"""Monthly report benchmark: 5,000 units, 36 months of bills and payments, 5,000 work orders.

The estate is bulk-generated straight into the ledger (``bulk_insert``: bills, payments with
their receipts, allocations; the work orders through ``workorders.add_many``), which is not
timed.  Timed, each in a fresh subprocess so that its peak memory (maxrss) is its own, the
median of ``--repeat`` runs (3) each:

- the whole ``recordkit report monthly`` (figures of three months, the 12-month trend, the
  .xlsx and the .docx written), its modules' import included, on three copies of the estate:
  every month closed (结账) through the report's month, as an office has it once the month is
  closed; closed through the month before (the report's month still open); and none closed
  (what is owed then comes from the whole history);
- the report's fee figures of the month as recordkit computes them (``reports.figures``: one
  pass over the history for what is owed, the rest read for the month through indexes);
- the same fee figures from a competent first version: one query per table (bills,
  allocations, payments, units, fee items, deposits), joined and aggregated in Python;
- ``fees account`` of one unit with 36 months of bills and receipts, in-process: the library
  call (``billing.accounts.unit_account``) and the whole command through Typer's CliRunner
  (the table printed), after one warm-up run that loads the modules;
- with ``--naive``, once: the fee figures from a naive per-unit loop (one query for the unit's
  bills, one per bill for its payments, one per payment for its allocations).

Closing the months (``fees close``, which stores the closing balances) is part of the setup and
not timed.  Before any figure or PASS line is printed the script checks that the ways of computing
the fee figures agree (by item, by building, every unit in arrears with its amount and months),
the reports of all three copies included.

    python benchmarks/bench_report.py                   # the issue's estate
    python benchmarks/bench_report.py --units 1000      # a quick look
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ISSUE_UNITS = 5_000
ISSUE_MONTHS = 36
ISSUE_ORDERS = 5_000
GOAL_SECONDS = 2.0
GOAL_ACCOUNT_SECONDS = 0.3
GOAL_MEMORY_MB = 300
SEED = 2026
OPERATOR = "bench"
MONTH = "2026-10"
TODAY = dt.date(2026, 11, 5)  # the report's month is over: it may be closed
#: The copies of the estate the report runs on: months closed through the report's month, through
#: the month before, none.
CLOSED = {"closed": MONTH, "open": "2026-09", "none": None}


# -- the estate (not timed) --------------------------------------------------------------------


def make_estate(root: Path, unit_count: int, month_count: int, order_count: int) -> None:
    import sqlalchemy as sa

    from recordkit.billing.rules import add_rule, load_items
    from recordkit.core.config import WorkOrderSettings
    from recordkit.core.dates import Month
    from recordkit.core.workspace import init_workspace, open_workspace
    from recordkit.demo.roster import generate_estate
    from recordkit.ledger.db import bulk_insert, open_ledger
    from recordkit.ledger.schema import allocations, bills, payments, receipts, units
    from recordkit.owners.roster import import_owners, write_owner_sheet
    from recordkit.workorders import orders as workorders
    from recordkit.workorders.orders import CATEGORIES, WorkOrderRecord

    init_workspace(root, office="幸福里物业服务中心", estate="幸福里小区")
    estate = generate_estate(seed=SEED, min_units=unit_count)[:unit_count]
    sheet = write_owner_sheet(
        root / "业主名册.xlsx",
        [
            [u.building, u.entrance, u.room, u.floor_area, u.owner_name, u.phone, u.id_number, u.move_in_date, u.status]
            for u in estate
        ],
    )
    workspace = open_workspace(root, flags={"operator": OPERATOR}, environ={})
    last = Month(2026, 10)
    months = [last - k for k in range(month_count - 1, -1, -1)]
    rng = random.Random(SEED)
    with open_ledger(workspace.database_url) as ledger:
        import_owners(ledger, sheet, OPERATOR)
        add_rule(ledger, OPERATOR, "物业服务费", "area", "2.35", str(months[0]), vacant_percent=70)
        add_rule(ledger, OPERATOR, "垃圾清运费", "fixed", "10", str(months[0]), vacant_percent=0)
        add_rule(
            ledger,
            OPERATOR,
            "停车费",
            "fixed",
            "150",
            str(months[0]),
            units=[u.code for i, u in enumerate(estate) if i % 3 == 0],
        )
        with ledger.write() as conn:
            unit_rows = conn.execute(sa.select(units.c.id, units.c.code, units.c.floor_area_hundredths)).all()
            items = {item.name: item.id for item in load_items(conn)}
            parked = {u.code for i, u in enumerate(estate) if i % 3 == 0}
            bill_rows, payment_rows, allocation_rows, receipt_rows = [], [], [], []
            bill_id = payment_id = 0
            for unit_id, code, area in unit_rows:
                habit = rng.random()  # how this owner pays: on time, late, ahead, never
                for month in months:
                    amounts = [("物业服务费", (area * 235 + 50) // 100), ("垃圾清运费", 1000)]
                    if code in parked:
                        amounts.append(("停车费", 15000))
                    ids = []
                    for name, fen in amounts:
                        bill_id += 1
                        ids.append((bill_id, fen))
                        bill_rows.append(
                            {
                                "id": bill_id,
                                "unit_id": unit_id,
                                "item_id": items[name],
                                "month": str(month),
                                "amount_fen": fen,
                                "basis": name,
                                "rate_id": None,
                            }
                        )
                    if habit < 0.1 or rng.random() < 0.05:
                        continue  # never pays, or skipped this month
                    day = month.first_day() + dt.timedelta(days=rng.randrange(0, 27))
                    if habit > 0.85:  # pays the month after (arrears paid off)
                        day = (month + 1).first_day() + dt.timedelta(days=rng.randrange(0, 27))
                    elif habit > 0.75:  # pays ahead, in the month before
                        day = (month - 1).first_day() + dt.timedelta(days=rng.randrange(0, 27))
                    total = sum(fen for _, fen in ids)
                    partial = rng.random() < 0.05
                    extra = 10000 if rng.random() < 0.02 else 0  # a little left over: prepayment
                    payment_id += 1
                    paid = total // 2 if partial else total
                    voided = rng.random() < 0.01
                    payment_rows.append(
                        {
                            "id": payment_id,
                            "unit_id": unit_id,
                            "payer": "业主",
                            "amount_fen": paid + extra,
                            "method": "微信",
                            "paid_on": day,
                            "cashier": OPERATOR,
                            "voided": voided,
                        }
                    )
                    receipt_rows.append(
                        {
                            "id": payment_id,
                            "number": f"SJ-{payment_id:07d}",
                            "year": 0,
                            "seq": payment_id,
                            "payment_id": payment_id,
                            "issued_on": day,
                            "issued_at": f"{day.isoformat()}T09:00:00+08:00",
                            "status": "voided" if voided else "issued",
                            "lines": "[]",
                            "void_reason": "收错了" if voided else None,
                            "voided_by": OPERATOR if voided else None,
                            "voided_at": f"{day.isoformat()}T10:00:00+08:00" if voided else None,
                            "voided_on": day if voided else None,
                            "reprints": 0,
                        }
                    )
                    left = paid
                    for bid, fen in ids:
                        share = min(fen, left)
                        left -= share
                        if share:
                            allocation_rows.append({"payment_id": payment_id, "bill_id": bid, "amount_fen": share})
            for table, rows in (
                (bills, bill_rows),
                (payments, payment_rows),
                (allocations, allocation_rows),
                (receipts, receipt_rows),
            ):
                for start in range(0, len(rows), 50_000):
                    bulk_insert(conn, table, rows[start : start + 50_000])
        records = []
        codes = [code for _, code, _ in unit_rows]
        first_day = dt.datetime(2026, 10 - 5, 1)
        for index in range(order_count):
            opened = first_day + dt.timedelta(minutes=rng.randrange(0, 180 * 24 * 60))
            done = rng.random() < 0.8
            closed = opened + dt.timedelta(hours=rng.randrange(1, 72)) if done else None
            visited = closed + dt.timedelta(hours=24) if closed is not None and rng.random() < 0.7 else None
            records.append(
                WorkOrderRecord(
                    "投诉" if rng.random() < 0.3 else "报修",
                    rng.choice(CATEGORIES),
                    f"工单{index}",
                    opened,
                    unit=rng.choice(codes),
                    assignee="维修工" if done else None,
                    assigned_at=opened if done else None,
                    closed_at=closed,
                    result="已处理" if done else None,
                    visited_at=visited,
                    satisfaction=rng.choice(("满意", "基本满意", "不满意")) if visited else None,
                )
            )
        with ledger.write() as conn:
            workorders.add_many(conn, WorkOrderSettings(), OPERATOR, records)
    print(
        f"estate: {len(unit_rows)} units, {len(bill_rows)} bills, {len(payment_rows)} payments, "
        f"{len(allocation_rows)} allocations, {order_count} work orders",
        file=sys.stderr,
    )


# -- the timed parts (each in its own process) ---------------------------------------------------


def fast_figures(conn: Any) -> dict[str, Any]:
    from recordkit.core.dates import parse_month
    from recordkit.reports.figures import arrears_snapshot, fee_figures, load_fee_ledger, owing

    month = parse_month(MONTH)
    owed = owing(conn, [month])
    figures = fee_figures(conn, month, load_fee_ledger(conn, [month], owed))
    _, arrears = arrears_snapshot(conn, [month], owed=owed)
    return _shape(figures, arrears)


def _shape(figures: Any, arrears: Any) -> dict[str, Any]:
    """The fee figures as the comparison reads them."""
    return {
        "items": {
            line.label: [line.billed, line.collected, line.cleared, line.prepaid, line.arrears]
            for line in figures.by_item
        },
        "buildings": {
            line.label: [line.billed, line.collected, line.cleared, line.prepaid, line.arrears]
            for line in figures.by_building
        },
        "arrears": sorted([a.unit, a.amount_fen, a.months] for a in arrears),
    }


def _keep(table: dict[str, list[int]]) -> dict[str, list[int]]:
    return {label: line for label, line in table.items() if any(line)}


def competent_figures(conn: Any) -> dict[str, Any]:
    """A competent first version: one query per table, joined and aggregated in Python dicts.

    The definitions are the report's (docs/figures.md): 应收 the month's bills; 实收 what valid
    payments made by the month's end put on them; 清欠 what the month's payments put on earlier
    bills; 预收 what the month's payments did not put on bills of the month or earlier (or on
    deposits), under 预收款 with no item; 欠费余额 what the bills of the month and earlier still
    lack at its end.  Deposits are not fees."""
    from collections import defaultdict

    import sqlalchemy as sa

    from recordkit.core.dates import parse_month
    from recordkit.ledger.schema import allocations, bills, fee_items, payments, renovations, units
    from recordkit.reports.figures import UNALLOCATED, last_day

    month = parse_month(MONTH)
    key, first, end = str(month), month.first_day(), last_day(month)
    names = dict(conn.execute(sa.select(fee_items.c.id, fee_items.c.name)).all())
    deposits = set(conn.execute(sa.select(renovations.c.deposit_bill_id)).scalars())
    group, code = {}, {}
    for unit_id, unit_code, phase, building, kind in conn.execute(
        sa.select(units.c.id, units.c.code, units.c.phase, units.c.building, units.c.kind)
    ):
        group[unit_id] = phase + (building or kind)
        code[unit_id] = unit_code
    pay = {
        row[0]: tuple(row[1:])
        for row in conn.execute(
            sa.select(payments.c.id, payments.c.paid_on, payments.c.voided, payments.c.amount_fen, payments.c.unit_id)
        )
    }
    bill = {
        row[0]: tuple(row[1:])
        for row in conn.execute(
            sa.select(bills.c.id, bills.c.unit_id, bills.c.item_id, bills.c.month, bills.c.amount_fen)
        )
    }
    items: dict[str, list[int]] = {}
    buildings: dict[str, list[int]] = {}

    def add(item: str, building: str, column: int, fen: int) -> None:
        items.setdefault(item, [0] * 5)[column] += fen
        buildings.setdefault(building, [0] * 5)[column] += fen

    paid_by_end: dict[int, int] = defaultdict(int)
    put_on_bills: dict[int, int] = defaultdict(int)
    for payment_id, bill_id, fen in conn.execute(
        sa.select(allocations.c.payment_id, allocations.c.bill_id, allocations.c.amount_fen)
    ):
        paid_on, voided, _, _ = pay[payment_id]
        if voided:
            continue
        unit_id, item_id, bill_month, _ = bill[bill_id]
        deposit = bill_id in deposits
        in_month = first <= paid_on <= end
        if in_month and (deposit or bill_month <= key):
            put_on_bills[payment_id] += fen
        if deposit or paid_on > end or bill_month > key:
            continue
        paid_by_end[bill_id] += fen
        if bill_month == key:
            add(names[item_id], group[unit_id], 1, fen)
        elif in_month:
            add(names[item_id], group[unit_id], 2, fen)
    owed_unit: dict[int, int] = defaultdict(int)
    owed_months: dict[int, set[str]] = defaultdict(set)
    for bill_id, (unit_id, item_id, bill_month, fen) in bill.items():
        if bill_id in deposits or bill_month > key:
            continue
        if bill_month == key:
            add(names[item_id], group[unit_id], 0, fen)
        owed = fen - paid_by_end[bill_id]
        if owed:
            add(names[item_id], group[unit_id], 4, owed)
            owed_unit[unit_id] += owed
        if owed > 0:
            owed_months[unit_id].add(bill_month)
    for payment_id, (paid_on, voided, fen, unit_id) in pay.items():
        if not voided and first <= paid_on <= end and (left := fen - put_on_bills[payment_id]):
            add(UNALLOCATED, group[unit_id], 3, left)
    arrears = sorted([code[u], fen, len(owed_months[u])] for u, fen in owed_unit.items() if fen > 0)
    return {"items": _keep(items), "buildings": _keep(buildings), "arrears": arrears}


def naive_figures(conn: Any) -> dict[str, Any]:
    """The first version anyone writes: walk the units, ask the ledger about each bill and payment."""
    import sqlalchemy as sa

    from recordkit.core.dates import parse_month
    from recordkit.ledger.schema import allocations, bills, fee_items, payments, renovations, units
    from recordkit.reports.figures import UNALLOCATED, last_day

    month = parse_month(MONTH)
    key, first, end = str(month), month.first_day(), last_day(month)
    names = dict(conn.execute(sa.select(fee_items.c.id, fee_items.c.name)).all())
    deposits = set(conn.execute(sa.select(renovations.c.deposit_bill_id)).scalars())
    items: dict[str, list[int]] = {}
    buildings: dict[str, list[int]] = {}
    arrears = []
    for unit_id, code, phase, building, kind in conn.execute(
        sa.select(units.c.id, units.c.code, units.c.phase, units.c.building, units.c.kind)
    ).all():
        group = phase + (building or kind)
        owed_unit, owed_months = 0, set()
        for bill in conn.execute(sa.select(bills).where(bills.c.unit_id == unit_id, bills.c.month <= key)).all():
            if bill.id in deposits:
                continue
            line = [0, 0, 0, 0, 0]
            if bill.month == key:
                line[0] = bill.amount_fen
            paid_by_end = 0
            for amount, paid_on in conn.execute(
                sa.select(allocations.c.amount_fen, payments.c.paid_on)
                .join(payments, payments.c.id == allocations.c.payment_id)
                .where(allocations.c.bill_id == bill.id, payments.c.voided.is_(False))
            ).all():
                if paid_on <= end:
                    paid_by_end += amount
                    if bill.month == key:
                        line[1] += amount
                    elif paid_on >= first:
                        line[2] += amount
            line[4] = bill.amount_fen - paid_by_end
            owed_unit += line[4]
            if line[4] > 0:
                owed_months.add(bill.month)
            for target in (items.setdefault(names[bill.item_id], [0] * 5), buildings.setdefault(group, [0] * 5)):
                for i in range(5):
                    target[i] += line[i]
        for payment in conn.execute(
            sa.select(payments).where(
                payments.c.unit_id == unit_id,
                payments.c.voided.is_(False),
                payments.c.paid_on >= first,
                payments.c.paid_on <= end,
            )
        ).all():
            left = payment.amount_fen
            for amount, bill_month, bill_id in conn.execute(
                sa.select(allocations.c.amount_fen, bills.c.month, bills.c.id)
                .join(bills, bills.c.id == allocations.c.bill_id)
                .where(allocations.c.payment_id == payment.id)
            ).all():
                if bill_month <= key or bill_id in deposits:
                    left -= amount
            if left:
                items.setdefault(UNALLOCATED, [0] * 5)[3] += left
                buildings.setdefault(group, [0] * 5)[3] += left
        if owed_unit > 0:
            arrears.append([code, owed_unit, len(owed_months)])
    return {"items": _keep(items), "buildings": _keep(buildings), "arrears": sorted(arrears)}


def account_unit(conn: Any) -> str:
    """The unit with the most receipts: 36 months of bills and of payments."""
    import sqlalchemy as sa

    from recordkit.ledger.schema import payments, units

    return str(
        conn.execute(
            sa.select(units.c.code)
            .join(payments, payments.c.unit_id == units.c.id)
            .group_by(units.c.id, units.c.code)
            .order_by(sa.func.count().desc(), units.c.id)
            .limit(1)
        ).scalar_one()
    )


def time_account(root: Path, repeat: int) -> dict[str, Any]:
    """``fees account`` in-process: the library call and the whole command (CliRunner), medians."""
    from typer.testing import CliRunner

    from recordkit.billing.accounts import unit_account
    from recordkit.cli import app
    from recordkit.core.workspace import open_workspace
    from recordkit.ledger.db import open_ledger

    workspace = open_workspace(root, flags={"operator": OPERATOR}, environ={})
    with open_ledger(workspace.database_url) as ledger:
        with ledger.read() as conn:
            unit = account_unit(conn)
        library = []
        for _ in range(repeat + 1):
            started = time.perf_counter()
            account = unit_account(ledger, unit)
            library.append(time.perf_counter() - started)
    runner = CliRunner()
    env = {"RECORDKIT_HOME": str(root), "RECORDKIT_OPERATOR": OPERATOR, "COLUMNS": "160"}
    command = []
    for _ in range(repeat + 1):
        started = time.perf_counter()
        result = runner.invoke(app, ["fees", "account", unit], env=env)
        command.append(time.perf_counter() - started)
        if result.exit_code != 0:
            raise SystemExit(f"fees account {unit} failed: {result.output}")
    return {
        "unit": unit,
        "bills": len(account.bills),
        "receipts": len(account.payments),
        "library": statistics.median(library[1:]),
        "library_first": library[0],
        "command": statistics.median(command[1:]),
        "command_first": command[0],
    }


def close_through(root: Path, last: str) -> None:
    """``fees close`` every month from the first bill's or payment's through ``last``, oldest first
    (as an office closes them: then each close stores its closing balances)."""
    import sqlalchemy as sa

    from recordkit.billing.closing import close_month
    from recordkit.core.dates import Month, parse_month
    from recordkit.core.workspace import open_workspace
    from recordkit.ledger.db import open_ledger
    from recordkit.ledger.schema import bills, payments
    from recordkit.reports.figures import keep_month_figures

    workspace = open_workspace(root, flags={"operator": OPERATOR}, environ={})
    with open_ledger(workspace.database_url) as ledger:
        with ledger.read() as conn:
            first_bill = parse_month(conn.execute(sa.select(sa.func.min(bills.c.month))).scalar_one())
            first_paid = Month.of(conn.execute(sa.select(sa.func.min(payments.c.paid_on))).scalar_one())
        month = min(first_bill, first_paid)
        while month <= parse_month(last):
            close_month(ledger, str(month), OPERATOR, today=TODAY, keep=keep_month_figures)
            month = month + 1


FIGURES = {"fast": fast_figures, "competent": competent_figures, "naive": naive_figures}


def child(root: Path, what: str, sizes: tuple[int, int, int], repeat: int) -> None:
    if what == "setup":  # in its own process too: the parent stays small, so children's maxrss is theirs
        make_estate(root, *sizes)
        return
    if what == "account":
        print(json.dumps(time_account(root, repeat), ensure_ascii=False))
        return
    if what.startswith("close:"):  # fees close, oldest month first, through the named one (not timed)
        close_through(root, what.split(":", 1)[1])
        return
    started = time.perf_counter()
    from recordkit.core.workspace import open_workspace
    from recordkit.ledger.db import open_ledger

    workspace = open_workspace(root, flags={"operator": OPERATOR}, environ={})
    with open_ledger(workspace.database_url) as ledger:
        started, cpu_started = time.perf_counter(), time.process_time()
        if what == "report":
            from recordkit.reports import monthly_report

            report = monthly_report(workspace, ledger, MONTH, OPERATOR, root / "out", today=TODAY)
            result: Any = _shape(report.figures.fees, report.figures.arrears)
        else:
            with ledger.read() as conn:
                result = FIGURES[what](conn)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    maxrss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB
    # CPU seconds of every thread: on a shared machine the figure that load changes least.
    result_json = {"seconds": elapsed, "cpu": cpu, "maxrss_mb": maxrss_mb, "figures": result}
    print(json.dumps(result_json, ensure_ascii=False))


def run_child(root: Path, what: str, sizes: tuple[int, int, int] = (0, 0, 0), repeat: int = 3) -> dict[str, Any]:
    done = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            what,
            "--root",
            str(root),
            "--units",
            str(sizes[0]),
            "--months",
            str(sizes[1]),
            "--orders",
            str(sizes[2]),
            "--repeat",
            str(repeat),
        ],
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    return json.loads(done.stdout) if what != "setup" and not what.startswith("close:") else {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=ISSUE_UNITS)
    parser.add_argument("--months", type=int, default=ISSUE_MONTHS)
    parser.add_argument("--orders", type=int, default=ISSUE_ORDERS)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--naive", action="store_true", help="also the per-unit loop, once (minutes)")
    parser.add_argument("--child")
    parser.add_argument("--root", type=Path)
    args = parser.parse_args()
    sizes = (args.units, args.months, args.orders)
    if args.child:
        child(args.root, args.child, sizes, args.repeat)
        return
    from rich.console import Console
    from rich.table import Table

    with tempfile.TemporaryDirectory(prefix="bench-report-") as scratch:
        roots = {copy: Path(scratch) / copy for copy in CLOSED}
        started = time.perf_counter()
        run_child(roots["none"], "setup", sizes)
        for copy, last in CLOSED.items():
            if last is not None:
                shutil.copytree(roots["none"], roots[copy])
                run_child(roots[copy], f"close:{last}")
        print(f"setup and closing {time.perf_counter() - started:.1f} s (not timed)", file=sys.stderr)
        # (what, which copy of the estate)
        methods = [("report", "closed"), ("report", "open"), ("report", "none"), ("fast", "closed")]
        methods += [("fast", "none"), ("competent", "none")] + ([("naive", "none")] if args.naive else [])
        runs: dict[tuple[str, str], list[dict[str, Any]]] = {method: [] for method in methods}
        for _ in range(args.repeat):  # interleaved, so that a burst of load hits every method alike
            for what, copy in methods:
                if what != "naive" or not runs[(what, copy)]:
                    runs[(what, copy)].append(run_child(roots[copy], what))
        account = run_child(roots["closed"], "account", repeat=args.repeat)
    # The comparison first: no figure and no PASS line unless every way gives the same figures.
    reference = runs[("competent", "none")][0]["figures"]
    for method in methods:
        for run in runs[method]:
            if run["figures"] != reference:
                raise SystemExit(f"{method} and competent disagree on the fee figures: the comparison is void")
    print("figures identical (by item, by building, every unit in arrears with amount and months): True")
    median = {method: statistics.median(r["seconds"] for r in results) for method, results in runs.items()}
    cpu = {method: statistics.median(r["cpu"] for r in results) for method, results in runs.items()}
    memory = {method: max(r["maxrss_mb"] for r in results) for method, results in runs.items()}
    competent = median[("competent", "none")]
    table = Table(title=f"月度报表 {MONTH}：{args.units} 户，{args.months} 个月账单与收款，{args.orders} 张工单")
    for header in (
        "做法",
        f"用时（秒，{args.repeat} 次中位数）",
        "CPU（秒，中位数）",
        "峰值内存（MB）",
        "倍数（对称职的第一版）",
    ):
        table.add_column(header)
    whole = "整份月报"
    rows = [
        (("report", "closed"), f"{whole}：已结账到 {MONTH}"),
        (("report", "open"), f"{whole}：已结账到 {CLOSED['open']}，{MONTH} 未结账"),
        (("report", "none"), f"{whole}：没有结账的月份（全部历史）"),
        (("fast", "closed"), f"收费数字：recordkit，已结账到 {MONTH}（从结账余额算欠费）"),
        (("fast", "none"), "收费数字：recordkit，没有结账的月份（一遍历史算欠费）"),
        (("competent", "none"), "收费数字：称职的第一版（每张表一次查询，Python 里连接汇总）"),
        (("naive", "none"), "收费数字：逐户逐单查询（朴素做法，只跑 1 次）"),
    ]
    for method, label in rows:
        if method in median:
            table.add_row(
                label,
                f"{median[method]:.2f}",
                f"{cpu[method]:.2f}",
                f"{memory[method]:.0f}",
                f"{competent / median[method]:.2f}x",
            )
    Console(width=150).print(table)
    print(
        "整份月报 = 三个月的数字、12 个月趋势、写 .xlsx 和 .docx，含模块加载；倍数 = 称职的第一版用时 ÷ 该行用时；"
        "CPU = 该进程所有线程的 CPU 时间（机器忙时比用时可靠）"
    )
    print(
        f"fees account {account['unit']} ({account['bills']} bills, {account['receipts']} receipts), in-process, "
        f"median of {args.repeat} after a warm-up: unit_account {account['library']:.3f} s "
        f"(first call {account['library_first']:.3f} s); the whole command via CliRunner {account['command']:.3f} s "
        f"(first, loading the modules: {account['command_first']:.3f} s)"
    )
    speedup = competent / median[("fast", "none")]
    goals = [
        (f"report < {GOAL_SECONDS:.0f} s, months closed through {MONTH}", ("report", "closed")),
        (f"report < {GOAL_SECONDS:.0f} s, {MONTH} not yet closed", ("report", "open")),
        (f"report < {GOAL_SECONDS:.0f} s, no month closed", ("report", "none")),
    ]
    verdict = [(goal, median[method] < GOAL_SECONDS, f"{median[method]:.2f} s") for goal, method in goals]
    report_memory = max(memory[(what, copy)] for what, copy in methods if what == "report")
    verdict += [
        ("fee figures faster than the competent first version", speedup > 1, f"{speedup:.1f}x (no month closed)"),
        (f"report memory < {GOAL_MEMORY_MB} MB", report_memory < GOAL_MEMORY_MB, f"{report_memory:.0f} MB"),
        (
            f"fees account < {GOAL_ACCOUNT_SECONDS} s in-process",
            account["command"] < GOAL_ACCOUNT_SECONDS,
            f"{account['command']:.3f} s",
        ),
    ]
    for goal, met, figure in verdict:
        print(f"{'PASS' if met else 'FAIL'} {goal}: {figure}")


if __name__ == "__main__":
    main()
