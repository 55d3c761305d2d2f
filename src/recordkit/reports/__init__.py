"""The monthly report (``recordkit report monthly``): the month's figures as an .xlsx workbook and a .docx draft.

``figures`` computes from the ledger, ``workbook`` and ``summary`` draw; this module checks the
month, writes both files atomically (both or neither) and records them as generated documents.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import stat
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa

from recordkit.core.atomic import PRIVATE, replacing, saved, write_bytes
from recordkit.core.dates import (
    BUSINESS_YEARS,
    Month,
    check_business_month,
    check_month_begun,
    check_not_future,
    format_stamp,
    parse_month,
)
from recordkit.core.errors import ValidationError
from recordkit.core.sheets import cells_as_text
from recordkit.documents.generated import FileRecord, record_files
from recordkit.documents.pdf import PdfError, convert_to_pdf
from recordkit.ledger import journal
from recordkit.ledger.schema import documents
from recordkit.reports.figures import BOOKS, collection_trend, first_months, month_figures

if TYPE_CHECKING:
    from recordkit.core.workspace import Workspace
    from recordkit.ledger.db import Ledger
    from recordkit.reports.figures import MonthFigures

__all__ = ["MonthlyReport", "check_month", "default_folder", "monthly_report"]

REPORT_KIND = "月度报表"
#: The first year a report can be made for: 1900 is the first year of a month (``core.dates``), and a report
#: compares its month with the one a year before.
FIRST_YEAR = 1901


@dataclass(frozen=True)
class MonthlyReport:
    month: Month
    workbook: Path
    summary: Path
    figures: MonthFigures
    previous: MonthFigures
    last_year: MonthFigures  # the same month a year before, the overview's other comparison
    pdfs: tuple[Path, ...] = ()
    pdf_problem: str | None = None


def check_month(text: str, today: dt.date | None = None, years: tuple[int, int] = BUSINESS_YEARS) -> Month:
    """The report's month; ``ValidationError`` for a malformed month, one that has not begun or one outside
    ``years`` (the books' years, ``[receipt] first_year``–``last_year``: a report of zeros otherwise)."""
    month = parse_month(text)
    if month.year < FIRST_YEAR:  # its same month a year earlier is compared, and must be a month too
        raise ValidationError(f"月份“{text.strip()}”无效：年份不对")
    check_month_begun(month, "生成 {current} 及以前月份的报表", today)
    return check_business_month(month, "报表月份", years)


def default_folder(workspace: Workspace, month: Month) -> Path:
    """records/generated/报表/2026-10/"""
    return workspace.records_subdir("generated") / "报表" / str(month)


def monthly_report(
    workspace: Workspace,
    ledger: Ledger,
    month_text: str,
    operator: str,
    out: Path | None = None,
    pdf: bool = False,
    show_private: bool = False,
    today: dt.date | None = None,
    signed: dt.date | None = None,
) -> MonthlyReport:
    """Write 月度报表-YYYY-MM.xlsx and 月度工作总结-YYYY-MM.docx for the month (overwriting an older run).

    Both files are built in memory first and moved into place together: a failure leaves
    neither (and no ledger row).  Files inside the workspace are recorded as generated
    documents.  With ``pdf`` both are converted in one LibreOffice call; a PDF that cannot be
    made is reported in ``pdf_problem`` and the .xlsx/.docx stand.  ``signed`` is the date the summary
    is signed with (today unless given): the paper's date only, never the day the figures run to, which
    is ``today``.  Raises ``ValidationError`` for a malformed or future month, or a signing date before
    the month began or after ``today``.
    """

    today = today or dt.date.today()
    month = check_month(month_text, today, workspace.settings.receipt.years)
    signed = signed or today
    if signed < month.first_day():
        raise ValidationError(
            f"落款日期 {signed.isoformat()} 早于报表月份 {month}：{month} 的报表只能写 {month.first_day().isoformat()} 或以后的日期"
        )
    check_not_future(signed, "落款日期", "落款写签字的那天（默认今天），不能写以后的日子", today)
    settings = workspace.settings
    # The drawing modules (openpyxl, python-docx: about half a second) load in a thread while the
    # ledger is read: SQLite works without holding the interpreter's lock.
    loader = threading.Thread(target=_load_drawing_modules, name="report-imports", daemon=True)
    loader.start()
    months = [month, month - 1, month - 12]
    with ledger.read() as conn:
        firsts = first_months(conn, settings.office.time_zone)
        (now, previous, last_year), sums = month_figures(conn, months, settings, show_private, today, firsts)
    loader.join()
    # Both were loaded by the thread above while the figures were read:
    from recordkit.reports.summary import build_summary  # loaded on first use (by the thread)
    from recordkit.reports.workbook import build_workbook  # loaded on first use (by the thread)

    # A ledger without books yet: every month of the trend lies before them.
    trend = collection_trend(sums, month, books_from=firsts[BOOKS] or month + 1)
    estate = settings.office.estate
    stamp = format_stamp(workspace.now(), settings.office.time_zone)
    workbook = build_workbook(estate, now, previous, last_year, trend, stamp, settings.workorders.repeat_days)
    document = build_summary(estate, settings.office.name, now, previous, signed)

    folder = (out.expanduser() if out is not None else default_folder(workspace, month)).resolve()
    # A report with full phone numbers is a file of its own: it never replaces the masked one
    # that was handed round, and its name says what it holds.
    private = "（含个人信息）" if show_private else ""
    xlsx, docx = folder / f"月度报表-{month}{private}.xlsx", folder / f"月度工作总结-{month}.docx"
    cells_as_text(workbook)  # owners' and payers' names are data, never formulas
    # An older run's files, as they are: put back when this run's cannot be recorded (the ledger busy, moved,
    # read-only), so that a failure never costs the report already handed round, nor leaves its ledger row
    # describing a file that is gone.
    older = {path: (path.read_bytes(), stat.S_IMODE(path.stat().st_mode)) for path in (xlsx, docx) if path.is_file()}
    # Phones shown in full (the workbook's 欠费明细): its writer's only, and so is its PDF, made beside it.
    private_mode = PRIVATE if show_private else None
    with replacing(xlsx, mode=private_mode) as xlsx_temp, replacing(docx) as docx_temp:
        xlsx_temp.write_bytes(saved(workbook))
        docx_temp.write_bytes(saved(document))
    try:
        _record(workspace, ledger, operator, month, (xlsx, docx))
    except BaseException:
        _put_back(older, (xlsx, docx))
        raise
    report = MonthlyReport(month, xlsx, docx, now, previous, last_year)
    if not pdf:
        return report

    try:
        pdfs = convert_to_pdf([xlsx, docx])
    except PdfError as err:
        return replace(report, pdf_problem=err.message)
    _record(workspace, ledger, operator, month, tuple(pdfs))
    return replace(report, pdfs=tuple(pdfs))


def _put_back(older: dict[Path, tuple[bytes, int]], paths: tuple[Path, ...]) -> None:
    """Each of ``paths`` as it was before this run (``older``: its bytes and mode), or gone when it was not there;
    best effort: the failure that called for it is the one the clerk is told."""
    for path in paths:
        try:
            if path in older:
                data, mode = older[path]
                write_bytes(path, data, mode=mode)
            else:
                path.unlink(missing_ok=True)
        except OSError:
            pass


def _load_drawing_modules() -> None:
    import recordkit.reports.summary  # noqa: F401  loaded on first use: see monthly_report
    import recordkit.reports.workbook  # noqa: F401  loaded on first use: see monthly_report


def _record(workspace: Workspace, ledger: Ledger, operator: str, month: Month, paths: tuple[Path, ...]) -> None:
    """Record the files as generated documents; a file made again replaces its older row's checksum."""

    root = workspace.root.resolve()
    inside = [path for path in paths if path.is_relative_to(root)]
    if not inside:
        return
    relative = {path: path.relative_to(root).as_posix() for path in inside}
    with ledger.read() as conn:
        known = set(
            conn.execute(sa.select(documents.c.path).where(documents.c.path.in_(list(relative.values())))).scalars()
        )
    fresh = [
        FileRecord(
            path,
            REPORT_KIND,
            REPORT_KIND,
            str(month),
            f"{month.chinese}{path.stem.split('-')[0]}",
            {"月份": str(month)},
        )
        for path in inside
        if relative[path] not in known
    ]
    record_files(workspace, ledger, fresh, operator)
    again = [path for path in inside if relative[path] in known]
    if not again:
        return
    now = workspace.now().astimezone(dt.UTC).isoformat(timespec="seconds")
    with ledger.write() as conn:
        changes = []
        for path in again:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            conn.execute(
                sa.update(documents)
                .where(documents.c.path == relative[path])
                .values(
                    sha256=digest,
                    created_at=now,
                    operator=operator,
                    values_json=json.dumps({"月份": str(month)}, ensure_ascii=False),
                )
            )
            changes.append(
                journal.Change(
                    "document.regenerate", "document", relative[path], None, {"kind": REPORT_KIND, "sha256": digest}
                )
            )
        journal.record(conn, operator, changes)
