"""``recordkit archive``: the catalogue (show, list, review, text, update), loans and the integrity check.

Filing (``recordkit file``, ``recordkit watch``) is ``cli.intake``."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import typer

from recordkit.cli._app import (
    WIDE_HELP,
    console,
    new_table,
    print_json,
    progress_bar,
    refuse_blank,
    refuse_blank_number,
    state,
)
from recordkit.cli._options import coming_date, estate_unit
from recordkit.core.dates import format_stamp, parse_date, stamp_as_written
from recordkit.core.errors import IntegrityError, UsageError
from recordkit.core.personal import mask_in_text, masked_kinds

if TYPE_CHECKING:
    from recordkit.archive.archivist import ArchiveItem, Archivist


#: What this module adds to the root command; the root loads it when one of its names is typed.
commands = typer.Typer()
archive_app = typer.Typer(
    help="档案：查看、列表、待复核、借阅与归还纸质原件、完整性检查。\n\n例：recordkit archive list --category 业主档案",
    no_args_is_help=True,
)
commands.add_typer(archive_app, name="archive")


def _archivist(ctx: typer.Context) -> Archivist:
    from recordkit.archive.archivist import Archivist

    app_state = state(ctx)
    return Archivist(app_state.workspace(), app_state.ledger(), app_state.operator_name)


def review_text(item: ArchiveItem) -> str:
    """An item's review reasons as the command line prints them: in today's words, a date not taken followed by the
    command that corrects it (the stored reason names no option: the web page shows it too)."""
    from recordkit.archive.rules import FUTURE_DATE_REASON, reason_as_said

    said = [reason_as_said(reason) for reason in item.review_reasons]
    hint = f"（recordkit archive update {item.archive_no} --date 日期）"
    return "；".join(reason + hint if FUTURE_DATE_REASON.match(reason) else reason for reason in said)


# -- the catalogue -------------------------------------------------------------------------------

_PRIVATE_HELP = f"显示完整的{masked_kinds()}（默认打码，题名、借阅原因等里写的也打码；记入操作日志）。"


def journal_private_view(ctx: typer.Context, show_private: bool, command: str, numbers: list[str]) -> None:
    """Journal that the operator was shown the items ``numbers`` unmasked (``--show-private``)."""
    if show_private and numbers:
        from recordkit.ledger.journal import record_private_view

        app_state = state(ctx)
        record_private_view(app_state.ledger(), app_state.operator_name, "archive_item", command, numbers)


def _items_table(items: list[ArchiveItem], title: str, wide: bool = True) -> Any:
    table = new_table(
        "档号", "类别", "房号", "题名", "日期", "页数", "保管期限", "盒号/架位", "备注",
        title=title, wide_only=("保管期限", "盒号/架位"), wide=wide,
    )  # fmt: skip
    for item in items:
        marks = [mark for mark, on in (("保密", item.confidential), ("待复核", item.needs_review)) if on]
        table.add_row(
            item.archive_no,
            item.category,
            item.unit or "",
            item.title,
            item.doc_date.isoformat() if item.doc_date else "",
            str(item.pages or ""),
            item.retention,
            "/".join(part for part in (item.box, item.shelf) if part),
            "、".join(marks),
        )
    return table


@archive_app.command("show")
def archive_show(
    ctx: typer.Context,
    archive_no: str = typer.Argument(..., help="档号，例如 YZ-2026-00001。"),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出。"),
    show_private: bool = typer.Option(False, "--show-private", help=_PRIVATE_HELP),
) -> None:
    """查看一件档案：类别、房号、题名、主题、备注、页数、位置、SHA-256、归档人和借阅记录。
    改过类别的档案用原来的档号也能查到（显示“曾用档号”）。

    例：recordkit archive show YZ-2026-00001
    """
    refuse_blank_number("档号", archive_no, "YZ-2026-00001")
    from recordkit.archive.archivist import former_numbers, get_item, list_loans, paper_state
    from recordkit.archive.rules import FilingRules

    app_state = state(ctx)
    ledger = app_state.ledger()
    zone = app_state.workspace().settings.office.time_zone
    rules = FilingRules.from_settings(app_state.workspace().settings.archive)
    item = get_item(ledger, archive_no)
    former = former_numbers(ledger, [item.archive_no]).get(item.archive_no, ())
    loans = list_loans(ledger, include_returned=True, archive_no=item.archive_no)
    journal_private_view(ctx, show_private, "archive show", [item.archive_no])
    if not show_private:
        item, loans = item.masked(), [loan.masked() for loan in loans]
    if as_json:
        print_json({**item.to_dict(), "former_numbers": list(former), "loans": [loan.to_dict() for loan in loans]})
        return
    rows = [
        ("档号", item.archive_no),
        *([("曾用档号", "、".join(former))] if former else []),
        ("类别", item.category),
        ("房号", rules.unit_shown(item.unit, item.category)),
        ("题名", item.title),
        ("主题", item.topic or ""),
        ("文件日期", item.doc_date.isoformat() if item.doc_date else ""),
        ("页数", str(item.pages or "")),
        ("保管期限", item.retention),
        ("盒号", item.box or ""),
        ("架位", item.shelf or ""),
        ("保密", "是" if item.confidential else "否"),
        ("备注", item.note or ""),
        ("文件", item.path),
        ("原文件名", item.original_name),
        ("SHA-256", item.sha256),
        ("归档", f"{item.filed_by} {format_stamp(item.filed_at, zone)}"),
    ]
    if item.needs_review:
        rows.append(("待复核", review_text(item)))
    out = next((loan for loan in loans if loan.returned_at is None), None)
    rows.append(("纸质原件", paper_state(out)))
    table = new_table("项目", "内容", title=f"档案 {item.archive_no}")
    for label, value in rows:
        table.add_row(label, value)
    console().print(table)


@archive_app.command("list")
def archive_list(
    ctx: typer.Context,
    category: str | None = typer.Option(None, "--category", help="只列这一类，例如 业主档案。"),
    unit: str | None = typer.Option(None, "--unit", help="只列这一户的档案，例如 3-2-1201。"),
    box: str | None = typer.Option(None, "--box", help="只列放在这一盒的档案，例如 B-12（全角半角都可以）。"),
    shelf: str | None = typer.Option(None, "--shelf", help="只列放在这一架位的档案，例如 3排2层。"),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出（archive_no、category、unit、title、path 等）。"),
    show_private: bool = typer.Option(False, "--show-private", help=_PRIVATE_HELP),
    wide: bool = typer.Option(False, "--wide", help=WIDE_HELP),
) -> None:
    """列出已归档的档案（按档号顺序；保管期限和盒号/架位加 --wide 显示）。
    题名等里写的身份证号、电话号码和银行卡号默认打码，--show-private 时完整显示。

    例：recordkit archive list --unit 3-2-1201
    """
    refuse_blank(("--category", category), ("--unit", unit), ("--box", box), ("--shelf", shelf))
    unit = estate_unit(ctx, unit) if unit else unit
    from recordkit.archive.archivist import list_items

    archivist = _archivist(ctx)
    items = list_items(archivist.ledger, category, unit, rules=archivist.rules, box=box, shelf=shelf)
    journal_private_view(ctx, show_private, "archive list", [item.archive_no for item in items])
    items = items if show_private else [item.masked() for item in items]
    if as_json:
        print_json([item.to_dict() for item in items])
        return
    console().print(_items_table(items, f"档案 {len(items)} 件", wide))


@archive_app.command("review")
def archive_review(
    ctx: typer.Context,
    ocr: bool = typer.Option(False, "--ocr", help="只列文字识别的问题：置信度低的 OCR 页、无法提取文字的档案。"),
    min_confidence: float | None = typer.Option(
        None, "--min-confidence", help="置信度低于此值（0~1）的页列出（默认取配置 [ocr] min_confidence）。"
    ),
    quarantine: bool = typer.Option(
        False, "--quarantine", help="只列隔离区（records/quarantine/）里没能归档的文件及原因。"
    ),
    as_json: bool = typer.Option(
        False,
        "--json",
        help="以 JSON 输出（与 --ocr 一起用时每项有 archive_no、page、confidence、error；"
        "与 --quarantine 一起用时每项有 path、source、reason、at、present、filed_as）。",
    ),
    show_private: bool = typer.Option(False, "--show-private", help=_PRIVATE_HELP),
) -> None:
    """列出待复核的档案：类别或房号无法判断、说明文件有误、房号不在台账中；
    隔离区里没能归档的文件及原因；以及文字识别置信度低的页和无法提取文字的档案
    （这些只按档案信息检索）。

    例：recordkit archive review --quarantine
    """
    from recordkit.archive.archivist import list_items, list_quarantined
    from recordkit.archive.extract import text_review

    if min_confidence is not None and not 0 <= min_confidence <= 1:
        raise UsageError(f"--min-confidence 应在 0 到 1 之间，例如 0.85（写的是 {min_confidence:g}）")
    if quarantine and ocr:
        raise UsageError("--quarantine 和 --ocr 不能同时使用")
    if quarantine:
        workspace, ledger = state(ctx).workspace(), state(ctx).ledger()
        found = list_quarantined(workspace, ledger)
        if not found:  # (an empty quarantine on a clerk's PC says nothing of the server's)
            _refuse_on_a_pc(workspace, ledger, "recordkit archive review --quarantine")
        if as_json:
            print_json([entry.to_dict() for entry in found])
        else:
            _print_quarantined(found, workspace.settings.office.time_zone, empty="隔离区没有文件")
        return
    archivist = _archivist(ctx)
    if not ocr:
        items = list_items(archivist.ledger, review=True)
        journal_private_view(ctx, show_private, "archive review", [item.archive_no for item in items])
        items = items if show_private else [item.masked() for item in items]
        if as_json:
            print_json([item.to_dict() for item in items])
            return
        table = new_table("档号", "类别", "房号", "题名", "原文件名", "待复核原因", title=f"待复核档案 {len(items)} 件")
        for item in items:
            table.add_row(
                item.archive_no,
                item.category,
                item.unit or "",
                item.title,
                item.original_name,
                review_text(item),
            )
        console().print(table)
        _print_quarantined(
            list_quarantined(archivist.workspace, archivist.ledger), archivist.workspace.settings.office.time_zone
        )
    if ocr:
        _refuse_on_a_pc(archivist.workspace, archivist.ledger, "recordkit archive review --ocr")
    threshold = archivist.workspace.settings.ocr.min_confidence if min_confidence is None else min_confidence
    entries = text_review(archivist.workspace, list_items(archivist.ledger), threshold)
    if as_json:
        print_json([entry.to_dict() for entry in entries])
        return
    pages = [entry for entry in entries if entry.error is None]
    failed = [entry for entry in entries if entry.error is not None]
    if pages:
        table = new_table("档号", "页", "置信度", "题名", title=f"识别置信度低于 {threshold:.2f} 的页 {len(pages)} 页")
        for entry in pages:
            table.add_row(entry.archive_no, str(entry.page), f"{entry.confidence:.2f}", entry.title)
        console().print(table)
    elif ocr:
        typer.echo(f"没有识别置信度低于 {threshold:.2f} 的页")
    if failed:
        table = new_table("档号", "题名", "原因", title=f"无法提取文字的档案 {len(failed)} 件（只按档案信息检索）")
        for entry in failed:
            table.add_row(entry.archive_no, entry.title, entry.error or "")
        console().print(table)
    elif ocr:
        typer.echo("没有无法提取文字的档案")


def _refuse_on_a_pc(workspace: Any, ledger: Any, command: str) -> None:
    """Refused where records/archive holds no file of the catalogue's (a clerk's PC sharing the PostgreSQL ledger):
    its empty quarantine and its text store, which hold nothing, said "隔离区没有文件" of the server's."""
    from recordkit.archive.archivist import REVIEWED_ELSEWHERE, refuse_elsewhere

    refuse_elsewhere(workspace, ledger, command, REVIEWED_ELSEWHERE)


def _print_quarantined(found: list[Any], zone: str, empty: str | None = None) -> None:
    """The quarantine as a table (nothing, or ``empty``, when it holds no file), each time on the office's clock, as
    every other time a command shows (the note keeps the moment with its offset; one written by an older recordkit, on
    this machine's clock)."""
    from recordkit.archive.archivist import FILED_AND_REMOVED

    waiting = [entry for entry in found if entry.filed_as is None]
    if waiting:
        table = new_table("隔离区中的文件", "原文件", "原因", "时间", title=f"隔离区文件 {len(waiting)} 个（未归档）")
        for entry in waiting:
            at = stamp_as_written(entry.at, zone, seconds=True)  # (a note edited by hand: its time as written)
            table.add_row(entry.path + ("" if entry.present else "（已不在）"), entry.source, entry.reason, at)
        console().print(table)
    elif empty:
        typer.echo(empty)
    for entry in found:
        if entry.filed_as is not None:  # a filing from the quarantine cut short before it removed its copy
            typer.echo(f"{entry.path}：{FILED_AND_REMOVED}（档号 {entry.filed_as}）")


@archive_app.command("text")
def archive_text(
    ctx: typer.Context,
    archive_no: str = typer.Argument(..., help="档号，例如 GC-2026-00001。"),
    no_ocr: bool = typer.Option(False, "--no-ocr", help="只读文字层、Word 和 Excel，不做文字识别（OCR）。"),
    show_private: bool = typer.Option(False, "--show-private", help=f"显示完整的{masked_kinds()}（默认打码）。"),
    as_json: bool = typer.Option(
        False, "--json", help="以 JSON 输出（sha256、pages：number、text、method、confidence）。"
    ),
) -> None:
    """显示一件档案的文字：PDF 文字层、Word、Excel 直接读取，扫描件做文字识别（OCR），每页注明来源和置信度。

    提取的文字按 SHA-256 保存在 records/index/text/，以后检索、重建索引都不再识别。
    文字中的身份证号、电话号码和银行卡号默认打码，--show-private 时完整显示。

    例：recordkit archive text GC-2026-00001
    """
    refuse_blank_number("档号", archive_no, "YZ-2026-00001")
    from recordkit.archive.archivist import get_item
    from recordkit.archive.extract import extract_item

    app_state = state(ctx)
    item = get_item(app_state.ledger(), archive_no)
    text = extract_item(app_state.workspace(), item, ocr=not no_ocr)
    if text.error:
        raise IntegrityError(f"{item.archive_no}（{item.title}）无法提取文字：{text.error}")
    shown = (lambda words: words) if show_private else mask_in_text
    journal_private_view(ctx, show_private, "archive text", [item.archive_no])
    if as_json:
        data = text.to_dict()
        data["pages"] = [{**page, "text": shown(page["text"])} for page in data["pages"]]
        print_json({"archive_no": item.archive_no, **data})
        return
    typer.echo(f"{item.archive_no}（{shown(item.title)}），{len(text.pages)} 页：")
    for page in text.pages:
        source = (
            "直接读取"
            if page.method == "text"
            else (f"OCR，置信度 {page.confidence:.2f}" if page.confidence is not None else "OCR，未识别出文字")
        )
        typer.echo(f"— 第 {page.number} 页（{source}）—")
        typer.echo(shown(page.text))
    if text.ocr_pending:
        typer.echo("还有页面没有文字层、尚未识别：去掉 --no-ocr 再运行一次")


@archive_app.command("update")
def archive_update(
    ctx: typer.Context,
    archive_no: str = typer.Argument(..., help="档号，例如 YZ-2026-00001。"),
    unit: str | None = typer.Option(None, "--unit", help="改正房号，例如 3-2-1201。"),
    title: str | None = typer.Option(None, "--title", help="改正题名（文件名不变）。"),
    category: str | None = typer.Option(
        None, "--category", help="改正类别，例如 工程档案：档案在新类别中取得新档号，原档号仍可查到。"
    ),
    date: str | None = typer.Option(None, "--date", help="改正文件日期，例如 2024-05-08（档号不变）。"),
    box: str | None = typer.Option(None, "--box", help="纸质原件所在的盒号。"),
    shelf: str | None = typer.Option(None, "--shelf", help="纸质原件所在的架位。"),
    confidential: bool | None = typer.Option(None, "--confidential/--not-confidential", help="标为保密或取消保密。"),
    reviewed: bool = typer.Option(False, "--reviewed", help="已复核：从待复核清单中移除。"),
) -> None:
    """复核后改正档案信息，或登记纸质原件的盒号、架位（改说明文件和台账，记入操作日志；检索立即按新信息查到）。

    改类别时档案在新类别中取得新档号，文件移到新类别的文件夹，原档号记入“曾用档号”，
    用原档号检索、查看仍能找到。

    例：recordkit archive update WF-2026-00001 --category 工程档案 --date 2024-05-08
    """
    refuse_blank_number("档号", archive_no, "YZ-2026-00001")
    # the unit as typed: ``update_item`` reads it with the estate's phases, for this command and the web page alike
    from recordkit.archive.archivist import NoChange, get_item
    from recordkit.archive.intake import update_and_index

    doc_date = parse_date(date, "文件日期") if date is not None else None
    app_state = state(ctx)
    before = get_item(app_state.ledger(), archive_no).archive_no
    try:
        item = update_and_index(
            app_state.workspace(),
            app_state.ledger(),
            archive_no,
            app_state.operator_name,
            unit=unit,
            title=title,
            box=box,
            shelf=shelf,
            confidential=confidential,
            reviewed=reviewed,
            category=category,
            doc_date=doc_date,
        )
    except NoChange as unchanged:  # what was asked holds already: said, not an error
        typer.echo(unchanged.message)
        return
    item = item.masked()  # said as archive list shows it: a number written in the title masked
    renumbered = f"，原档号 {before}" if item.archive_no != before else ""
    review = "；仍待复核：" + review_text(item) if item.needs_review else ""
    where = "/".join(part for part in (item.box, item.shelf) if part) or "未登记"
    told = (f"{item.category}，" if category is not None else "") + (
        f"日期 {item.doc_date.isoformat()}，" if doc_date is not None and item.doc_date else ""
    )
    typer.echo(
        f"已更新 {item.archive_no}（{item.title}）{renumbered}：{told}房号 {item.unit or '无'}，盒号/架位 {where}{review}"
    )
    if renumbered:
        typer.echo(f"文件已移到 {item.path}")


# -- loans ---------------------------------------------------------------------------------------


@archive_app.command("lend")
def archive_lend(
    ctx: typer.Context,
    archive_no: str = typer.Argument(..., help="档号，例如 YZ-2026-00001。"),
    to: str = typer.Option(..., "--to", help="借阅人姓名。"),
    due: str = typer.Option(
        ...,
        "--due",
        help="应还日期，例如 2026-12-01，或不写年份 12月1日（今天以后最近的那一天），也可以写 明天、后天。",
    ),
    dept: str | None = typer.Option(None, "--dept", help="借阅人部门，例如 工程部。"),
    reason: str | None = typer.Option(None, "--reason", help="借阅原因（保密档案必须写）。"),
) -> None:
    """借出纸质原件（记入操作日志）。已借出的不能再借；保密档案必须写原因。

    例：recordkit archive lend YZ-2026-00001 --to 王工 --dept 工程部 --due 2026-12-01
    """
    refuse_blank_number("档号", archive_no, "YZ-2026-00001")
    from recordkit.archive.archivist import lend, lent_note

    app_state = state(ctx)
    loan = lend(
        app_state.ledger(),
        archive_no,
        to,
        coming_date(due, "应还日期"),
        app_state.operator_name,
        dept,
        reason,
    )
    typer.echo(lent_note(loan))


@archive_app.command("return")
def archive_return(
    ctx: typer.Context,
    archive_no: str = typer.Argument(..., help="档号，例如 YZ-2026-00001。"),
) -> None:
    """归还纸质原件（记入操作日志）。

    例：recordkit archive return YZ-2026-00001
    """
    refuse_blank_number("档号", archive_no, "YZ-2026-00001")
    from recordkit.archive.archivist import return_item, returned_note

    app_state = state(ctx)
    loan = return_item(app_state.ledger(), archive_no, app_state.operator_name)
    typer.echo(returned_note(loan, dt.date.today()))


@archive_app.command("loans")
def archive_loans(
    ctx: typer.Context,
    overdue: bool = typer.Option(False, "--overdue", help="只列已过应还日期的。"),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出（archive_no、borrower、due、overdue 等）。"),
    show_private: bool = typer.Option(False, "--show-private", help=_PRIVATE_HELP),
    wide: bool = typer.Option(False, "--wide", help=WIDE_HELP),
) -> None:
    """列出借出未还的纸质原件；保密档案单独列出（部门和原因加 --wide 显示）。
    题名、借阅原因等里写的身份证号、电话号码和银行卡号默认打码，加 --show-private 时完整显示。

    例：recordkit archive loans --overdue
    """
    from recordkit.archive.archivist import list_loans

    today = dt.date.today()
    loans = list_loans(state(ctx).ledger(), overdue=overdue, today=today)
    journal_private_view(ctx, show_private, "archive loans", [loan.archive_no for loan in loans])
    loans = loans if show_private else [loan.masked() for loan in loans]
    if as_json:
        print_json([loan.to_dict(today) for loan in loans])
        return
    said = "逾期未还" if overdue else "借出未还"  # as the web page's 借阅 page heads it
    if not loans:
        typer.echo(f"没有{said}的纸质原件")
        return
    for confidential, title in ((False, said), (True, f"保密档案{said}")):
        chosen = [loan for loan in loans if loan.confidential == confidential]
        if not chosen:
            continue
        table = new_table(
            "档号", "题名", "借阅人", "部门", "借出日期", "应还日期", "逾期", "原因",
            title=f"{title} {len(chosen)} 件", wide_only=("部门", "原因"), wide=wide,
        )  # fmt: skip
        for loan in chosen:
            late = f"{loan.days_late(today)} 天" if loan.overdue(today) else ""
            table.add_row(
                loan.archive_no,
                loan.title,
                loan.borrower,
                loan.dept or "",
                loan.lent_on.isoformat(),
                loan.due.isoformat(),
                late,
                loan.reason or "",
            )
        console().print(table)


@archive_app.command("verify")
def archive_verify(
    ctx: typer.Context,
    repair: bool = typer.Option(False, "--repair", help="补全或回退中断的归档，按说明文件重建台账中的档案目录。"),
) -> None:
    """检查档案完整：每个文件与说明文件、台账记录的 SHA-256 一致，没有无记录的文件、无文件的记录。

    例：recordkit archive verify --repair
    """
    from recordkit.archive.archivist import rebuilding_a_lost_ledger, require_ok, verify

    app_state = state(ctx)
    # --repair may rebuild the registrations of a ledger truly lost into a new one (the way on the filing service and
    # doctor name for an archive without its ledger), and says so; plain verify only reads, and makes none.
    rebuilt = rebuilding_a_lost_ledger(app_state.workspace()) if repair else ""
    ledger = app_state.ledger(create=True if repair else None)
    if rebuilt:
        typer.echo(rebuilt)
    with progress_bar("检查档案") as advance:
        report = verify(app_state.workspace(), ledger, app_state.operator_name, repair, progress=advance)
    for line in report.repaired:
        typer.echo(f"已修复：{line}")
    for line in report.problems:
        typer.echo(f"问题：{line}", err=True)
    require_ok(report)
    typer.echo(f"档案完好：共 {report.checked} 件，文件、说明文件与台账记录一致")
