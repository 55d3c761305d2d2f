"""Cashier benchmarks: monthly billing and receipts with their .docx, each against a naive baseline in the same run.

Billing: ``bill_month`` for 5,000 units against two naive loops that read the rules again
per unit, check for an existing bill and insert its bills one by one: one in a single
transaction with one journal entry (the baseline the speed-up is measured against: it commits
and journals like recordkit's one run), and one that opens a transaction per unit and journals
each bill (a careless first version, reported too).  Receipts: 1,000 payments with a receipt .docx each, at the
counter (one transaction per payment, the compiled template filled) and as a batch
(one transaction, ``documents.generate_many``), against the same payments with the
naive docxtpl load-render-save per receipt.  Every method starts from a copy of the
same ledger; before comparing speeds the script checks that the bills are the same
and that the receipts read the same, so the comparison is honest.  Setting up the
estate is not timed.

    python benchmarks/bench_fees.py                       # the issue's 5,000 units and 1,000 receipts
    python benchmarks/bench_fees.py --units 1000 --receipts 200 --repeat 1   # a quick look
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from rich.console import Console
from rich.table import Table
from sqlalchemy.engine import Connection

from recordkit.billing.bills import UnitForBilling, bill_month, plan_bills
from recordkit.billing.receipts import (
    RECEIPT_KIND,
    PaymentRequest,
    ReceiptView,
    pay,
    pay_and_print,
    pay_many,
    receipt_context,
    receipt_requests,
    receipt_template_name,
)
from recordkit.billing.rules import add_rule, load_items
from recordkit.core.dates import Month, parse_month
from recordkit.core.money import amount_in_capitals
from recordkit.core.workspace import Workspace, init_workspace, open_workspace
from recordkit.demo.roster import generate_estate
from recordkit.documents.templates.engine import BUILTIN_DIR, TemplateLibrary, environment
from recordkit.ledger import journal
from recordkit.ledger.db import Ledger, open_ledger
from recordkit.ledger.schema import bills, units
from recordkit.owners.roster import import_owners, write_owner_sheet

ISSUE_UNITS = 5_000
ISSUE_RECEIPTS = 1_000
GOAL_BILLING = 10.0  # times faster than the naive loop in one transaction
ONE_TRANSACTION = "naive loop, one transaction"
PER_UNIT = "naive per-unit loop"
GOAL_RECEIPTS = 5.0  # times faster than the naive docxtpl loop
SEED = 2026
OPERATOR = "bench"
MONTH = "2026-11"
PAID_ON = dt.date(2026, 11, 23)


# -- the estate ---------------------------------------------------------------------------


def make_base(directory: Path, unit_count: int) -> Path:
    """A workspace with ``unit_count`` units and their owners, three fee rules, no bills."""
    root = directory / "base"
    init_workspace(root, office="幸福里物业服务中心", estate="幸福里小区")
    estate = generate_estate(seed=SEED, min_units=unit_count)[:unit_count]
    sheet = write_owner_sheet(
        directory / "业主名册.xlsx",
        [
            [u.building, u.entrance, u.room, u.floor_area, u.owner_name, u.phone, u.id_number, u.move_in_date, u.status]
            for u in estate
        ],
    )
    workspace = open_workspace(root, flags={"operator": OPERATOR}, environ={})
    with open_ledger(workspace.database_url) as ledger:
        import_owners(ledger, sheet, OPERATOR)
        add_rule(ledger, OPERATOR, "物业服务费", "area", "2.35", "2026-01", vacant_percent=70)
        add_rule(ledger, OPERATOR, "垃圾清运费", "fixed", "10", "2026-01", vacant_percent=0)
        parked = [u.code for index, u in enumerate(estate) if index % 3 == 0]
        add_rule(ledger, OPERATOR, "停车费", "fixed", "150", "2026-01", units=parked)
    return root


def copy_workspace(base: Path, target: Path) -> Workspace:
    shutil.copytree(base, target)
    return open_workspace(target, flags={"operator": OPERATOR}, environ={})


def bills_fingerprint(ledger: Ledger) -> tuple[int, int, str]:
    """(bills, total fen, SHA-256 over every bill) for ``MONTH``, independent of row ids."""
    with ledger.read() as conn:
        rows = conn.execute(
            sa.select(units.c.code, bills.c.item_id, bills.c.amount_fen, bills.c.basis)
            .select_from(bills.join(units, units.c.id == bills.c.unit_id))
            .where(bills.c.month == MONTH)
            .order_by(units.c.code, bills.c.item_id)
        ).all()
    digest = hashlib.sha256(repr([tuple(row) for row in rows]).encode("utf-8")).hexdigest()[:12]
    return len(rows), sum(row.amount_fen for row in rows), digest


# -- billing --------------------------------------------------------------------------------


def bill_recordkit(ledger: Ledger) -> None:
    bill_month(ledger, MONTH, OPERATOR)


def bill_naive_one_transaction(ledger: Ledger) -> None:
    """The competent naive loop: one unit at a time (rules read, existing bill checked, one INSERT per
    bill) but inside ONE transaction with ONE journal entry, as recordkit journals a billing run."""
    month = parse_month(MONTH)
    with ledger.write() as conn:
        unit_ids = [row.id for row in conn.execute(sa.select(units.c.id).order_by(units.c.id))]
        created = 0
        for unit_id in unit_ids:
            created += _bill_unit_naively(conn, month, unit_id)
        journal.record(conn, OPERATOR, [journal.Change("bill.month", "bill", MONTH, None, {"created": created})])


def _bill_unit_naively(conn: Connection, month: Month, unit_id: int, journal_each: bool = False) -> int:
    """One unit as a first version bills it: its row and the rules read again, each bill checked and
    inserted alone (and journalled alone with ``journal_each``).  Returns the bills made."""
    unit = conn.execute(
        sa.select(units.c.id, units.c.code, units.c.floor_area_hundredths, units.c.status).where(units.c.id == unit_id)
    ).one()
    items = [item for item in load_items(conn) if item.kind != "oneoff"]
    created = 0
    for bill in plan_bills(month, items, [UnitForBilling(*unit)], {}, "half_up"):
        exists = conn.execute(
            sa.select(bills.c.id).where(
                bills.c.unit_id == unit_id, bills.c.item_id == bill.item_id, bills.c.month == MONTH
            )
        ).first()
        if exists:
            continue
        conn.execute(
            sa.insert(bills).values(
                unit_id=unit_id,
                item_id=bill.item_id,
                month=MONTH,
                amount_fen=bill.amount_fen,
                basis=bill.basis,
                rate_id=bill.rate_id,
            )
        )
        created += 1
        if journal_each:
            change = journal.Change(
                "bill.create", "bill", f"{unit.code} {MONTH}", None, {"amount_fen": bill.amount_fen}
            )
            journal.record(conn, OPERATOR, [change])
    return created


def bill_naive(ledger: Ledger) -> None:
    """What a first version would do: one transaction per unit, one INSERT and journal entry per bill."""
    month = parse_month(MONTH)
    with ledger.read() as conn:
        unit_ids = [row.id for row in conn.execute(sa.select(units.c.id).order_by(units.c.id))]
    for unit_id in unit_ids:
        with ledger.write() as conn:
            _bill_unit_naively(conn, month, unit_id, journal_each=True)


# -- receipts -------------------------------------------------------------------------------


def payment_requests(workspace: Workspace, count: int) -> list[PaymentRequest]:
    """``count`` owners pay what they owe (at least 1 元) in turn, by WeChat."""
    with open_ledger(workspace.database_url) as ledger, ledger.read() as conn:
        rows = conn.execute(
            sa.select(units.c.code, sa.func.sum(bills.c.amount_fen))
            .select_from(bills.join(units, units.c.id == bills.c.unit_id))
            .where(units.c.owner_id.is_not(None))
            .group_by(units.c.code)
            .order_by(units.c.code)
        ).all()
    if len(rows) < count:
        raise SystemExit(f"only {len(rows)} billed units with an owner, wanted {count}")
    return [PaymentRequest(code, max(owed, 100), "微信", paid_on=PAID_ON) for code, owed in rows[:count]]


def receipts_counter(workspace: Workspace, requests: list[PaymentRequest], out: Path) -> list[Path]:
    """The cashier's way: one payment at a time, each with its receipt .docx at once."""
    library = TemplateLibrary.for_workspace(workspace)
    paths = []
    with open_ledger(workspace.database_url) as ledger:
        for request in requests:
            paths.append(pay_and_print(workspace, ledger, OPERATOR, request, today=PAID_ON, library=library)[1].path)
    return paths


def receipts_batch(workspace: Workspace, requests: list[PaymentRequest], out: Path) -> list[Path]:
    """A bank batch: every payment in one transaction, the .docx in one ``generate_many``."""
    from recordkit.documents.generated import generate_many

    settings = workspace.settings
    template = receipt_template_name(workspace)  # the counter's, refused as at the counter before any payment
    with open_ledger(workspace.database_url) as ledger:
        views = pay_many(ledger, settings.receipt, OPERATOR, requests, today=PAID_ON)
        with ledger.read() as conn:
            papers = receipt_requests(conn, views, settings)
        documents = generate_many(
            workspace,
            ledger,
            template,
            papers,
            operator=OPERATOR,
            kind=RECEIPT_KIND,
        )
    return [document.path for document in documents]


def payments_only(workspace: Workspace, requests: list[PaymentRequest], out: Path) -> list[Path]:
    """The counter's ledger work alone, no .docx: the floor under both counter methods."""
    with open_ledger(workspace.database_url) as ledger:
        for request in requests:
            pay(ledger, workspace.settings.receipt, OPERATOR, request, today=PAID_ON)
    return []


def receipts_naive(workspace: Workspace, requests: list[PaymentRequest], out: Path) -> list[Path]:
    """The same payments; each receipt through docxtpl's load-render-save (not recorded as a document)."""
    from docxtpl import DocxTemplate

    settings = workspace.settings
    template = BUILTIN_DIR / f"{receipt_template_name(workspace)}.docx"
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    with open_ledger(workspace.database_url) as ledger:
        for request in requests:
            view: ReceiptView = pay(ledger, settings.receipt, OPERATOR, request, today=PAID_ON)
            document = DocxTemplate(template)
            document.render(
                receipt_context(view, settings),
                jinja_env=environment(),
            )
            path = out / f"收据{view.number}_{view.unit}.docx"
            document.save(path)
            paths.append(path)
    return paths


def docx_text(path: Path) -> str:
    from docx import Document

    document = Document(str(path))
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        lines += [" | ".join(cell.text for cell in row.cells) for row in table.rows]
    return "\n".join(lines)


def receipts_fingerprint(paths: list[Path], sample: int) -> tuple[int, str]:
    """(files, SHA-256 over the text of every ``len/sample``-th one) in the order issued."""
    step = max(1, len(paths) // sample)
    digest = hashlib.sha256()
    for path in paths[::step]:
        digest.update(docx_text(path).encode("utf-8"))
    return len(paths), digest.hexdigest()[:12]


# -- running ----------------------------------------------------------------------------------


def timed(samples: list[float], work: Callable[[], Any]) -> Any:
    start = time.perf_counter()
    result = work()
    samples.append(time.perf_counter() - start)
    return result


def print_table(
    console: Console, title: str, rate_label: str, count: int, samples: dict[str, list[float]], baseline: str
) -> dict[str, float]:
    """One row per method (median seconds, rate, speed-up); returns each method's speed-up."""
    table = Table(title=title)
    for column in ("方法", "秒", rate_label, "倍数"):
        table.add_column(column, justify="left" if column == "方法" else "right")
    naive = statistics.median(samples[baseline])
    speedups = {}
    for name, runs in samples.items():
        seconds = statistics.median(runs)
        speedups[name] = naive / seconds
        table.add_row(name, f"{seconds:.3f}", f"{count / seconds:,.0f}", f"{speedups[name]:.1f}x")
    console.print(table)
    return speedups


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=ISSUE_UNITS)
    parser.add_argument("--receipts", type=int, default=ISSUE_RECEIPTS)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each method; the median is shown")
    parser.add_argument("--sample", type=int, default=100, help="receipts whose text is compared across methods")
    args = parser.parse_args(argv)
    console = Console()

    with tempfile.TemporaryDirectory(prefix="recordkit-bench-fees-") as tmp:
        directory = Path(tmp)
        console.print(f"setting up {args.units} units …")
        base = make_base(directory, args.units)

        billing_methods = {
            "recordkit fees bill": bill_recordkit,
            ONE_TRANSACTION: bill_naive_one_transaction,
            PER_UNIT: bill_naive,
        }
        billing: dict[str, list[float]] = {name: [] for name in billing_methods}
        contents: dict[str, set[tuple[int, int, str]]] = {name: set() for name in billing}
        for run in range(args.repeat):
            for name, method in billing_methods.items():
                workspace = copy_workspace(base, directory / f"bill-{run}-{len(contents[name])}-{method.__name__}")
                with open_ledger(workspace.database_url) as ledger:
                    timed(billing[name], partial(method, ledger))
                    contents[name].add(bills_fingerprint(ledger))
                shutil.rmtree(workspace.root)
        if len(set().union(*contents.values())) != 1:
            raise SystemExit(f"billing methods made different bills: {contents}")
        bill_count, bill_fen, _ = next(iter(contents["recordkit fees bill"]))

        billed = copy_workspace(base, directory / "billed")
        with open_ledger(billed.database_url) as ledger:
            bill_recordkit(ledger)
        requests = payment_requests(billed, args.receipts)
        amount_in_capitals(1)  # cn2an's import (half a second) is paid before any method is timed
        methods = {
            "recordkit fees pay（逐笔，柜台）": receipts_counter,
            "recordkit 批量（一个事务）": receipts_batch,
            "naive docxtpl 逐张": receipts_naive,
        }
        issuing: dict[str, list[float]] = {name: [] for name in methods}
        printed: dict[str, set[tuple[int, str]]] = {name: set() for name in methods}
        floor: list[float] = []
        for run in range(args.repeat):
            for index, (name, issue) in enumerate(methods.items()):
                workspace = copy_workspace(billed.root, directory / f"receipts-{run}-{index}")
                paths = timed(issuing[name], partial(issue, workspace, requests, workspace.root / "naive"))
                printed[name].add(receipts_fingerprint(paths, args.sample))
                shutil.rmtree(workspace.root)
            workspace = copy_workspace(billed.root, directory / f"payments-{run}")
            timed(floor, partial(payments_only, workspace, requests, workspace.root))
            shutil.rmtree(workspace.root)
        if len(set().union(*printed.values())) != 1:
            raise SystemExit(f"receipt methods printed different receipts: {printed}")

    console.print(f"bills identical across methods; receipt text identical on {args.sample} sampled receipts")
    speedup_billing = print_table(
        console,
        f"收费出账：{args.units} 户一个月（{bill_count} 条应收，合计 "
        f"{bill_fen / 100:,.2f} 元；{args.repeat} 次取中位数）",
        "户/秒",
        args.units,
        billing,
        ONE_TRANSACTION,
    )["recordkit fees bill"]
    per_unit = statistics.median(billing[PER_UNIT]) / statistics.median(billing["recordkit fees bill"])
    console.print(
        f"倍数 against the naive loop in one transaction with one journal entry (the baseline); against the "
        f"per-unit-transaction loop recordkit is {per_unit:.1f}x"
    )
    counter = "recordkit fees pay（逐笔，柜台）"
    speedup_counter = print_table(
        console,
        f"开收据：{args.receipts} 张，每张一个 .docx（{args.repeat} 次取中位数）",
        "张/秒",
        args.receipts,
        issuing,
        "naive docxtpl 逐张",
    )[counter]
    payments_seconds = statistics.median(floor)
    docx_ours = statistics.median(issuing[counter]) - payments_seconds
    docx_naive = statistics.median(issuing["naive docxtpl 逐张"]) - payments_seconds
    console.print(
        f"of which the counter's ledger work alone (pay, no .docx): {payments_seconds:.2f} s; "
        f"the .docx part per receipt: recordkit {docx_ours / args.receipts * 1000:.1f} ms, "
        f"naive docxtpl {docx_naive / args.receipts * 1000:.1f} ms ({docx_naive / docx_ours:.1f}x)"
    )
    console.print(
        f"{'PASS' if speedup_billing >= GOAL_BILLING else 'FAIL'} billing ≥ {GOAL_BILLING:.0f}x the naive loop in "
        f"one transaction: {speedup_billing:.1f}x"
    )
    console.print(
        f"{'PASS' if speedup_counter >= GOAL_RECEIPTS else 'FAIL'} receipts ≥ {GOAL_RECEIPTS:.0f}x at the counter: "
        f"{speedup_counter:.1f}x"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
