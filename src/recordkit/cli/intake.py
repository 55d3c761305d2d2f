"""``recordkit file`` and ``recordkit watch``: filing scans now, and the filing service on the inbox.

Both file and index in one library call (``archive.intake``); the catalogue and loans are ``cli.archive``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from recordkit.cli._app import print_json, progress_bar, state
from recordkit.cli._options import estate_unit
from recordkit.core.errors import RecordkitError, UsageError, ValidationError
from recordkit.core.personal import mask_in_text, masked_kinds

if TYPE_CHECKING:
    from collections.abc import Callable

    from recordkit.archive.archivist import Archivist, FilingOutcome


#: What this module adds to the root command; the root loads it when one of its names is typed.
commands = typer.Typer()


def _archivist(ctx: typer.Context) -> Archivist:
    from recordkit.archive.archivist import Archivist

    app_state = state(ctx)
    return Archivist(app_state.workspace(), app_state.ledger(), app_state.operator_name)


#: Said of a file filed whose name where it was (the inbox, the quarantine) this account may not remove.
LEFT_BEHIND = "原处的文件删不掉（没有权限），请手工删除"


def _outcome_line(outcome: FilingOutcome) -> str:
    left = f"；{LEFT_BEHIND}" if outcome.left_behind else ""
    if outcome.item is not None and outcome.status == "filed":
        item = outcome.item
        from recordkit.cli.archive import review_text  # loaded on first use: another command group's module

        review = "；待复核：" + review_text(item) if item.needs_review else ""
        pages = f"，{item.pages} 页" if item.pages else ""
        return f"已归档 {outcome.source} → {item.archive_no}（{item.category}{pages}）：{item.path}{review}{left}"
    if outcome.status == "already_filed":
        return f"{outcome.source}：{outcome.reason}（同一文件此前已归档）{left}"
    if outcome.status == "empty":
        return f"{outcome.source}：{outcome.reason}"
    if outcome.status == "quarantined":
        return f"已隔离 {outcome.source}：{outcome.reason} → {outcome.quarantine_path}{left}"
    return f"未归档 {outcome.source}：{outcome.reason}"


def _not_filed_line(not_filed: list[tuple[str, str]], where: str) -> str:
    """The hidden files and broken links a run left ``where`` they are, each with why (``Archivist.left_alone``)."""
    listed = "、".join(f"{name}（{why}）" for name, why in not_filed)
    return f"还有 {len(not_filed)} 个文件不归档，{where}：{listed}"


#: ``--show-private`` of ``file`` and ``watch``, which print alike.
_PRIVATE_HELP = f"显示完整的{masked_kinds()}（默认打码，文件名和题名里写的也打码；记入操作日志）。"


def _as_shown(
    ctx: typer.Context,
    show_private: bool,
    command: str,
    outcomes: list[FilingOutcome],
    not_filed: list[tuple[str, str]],
) -> tuple[list[FilingOutcome], list[tuple[str, str]]]:
    """What ``file`` and ``watch`` (``command``) print: masked as every archive listing is
    (``FilingOutcome.masked``), or, with ``--show-private``, as it is, journalled with the items it shows."""
    from recordkit.cli.archive import journal_private_view  # loaded on first use: another command group's module

    shown = [outcome.item.archive_no for outcome in outcomes if outcome.item is not None]
    journal_private_view(ctx, show_private, command, shown)
    if show_private:
        return outcomes, not_filed
    return [outcome.masked() for outcome in outcomes], [(mask_in_text(name), why) for name, why in not_filed]


def _shown_line(show_private: bool) -> Callable[[str], str]:
    """How ``watch`` shows a line naming inbox files (not filed, still written, …): masked unless ``--show-private``."""
    return (lambda line: line) if show_private else mask_in_text


def _report_outcome(ctx: typer.Context, show_private: bool) -> Callable[[FilingOutcome], None]:
    """The service's line for each file it filed, quarantined or found filed, shown as ``file`` shows it
    (``_as_shown``).  Whole only once journalled: where the journal cannot be written (the ledger busy or away) the
    line is masked, and the service goes on filing."""

    def report(outcome: FilingOutcome) -> None:
        try:
            [shown], _ = _as_shown(ctx, show_private, "watch", [outcome], [])
        except RecordkitError:
            shown = outcome.masked()
        typer.echo(_outcome_line(shown))

    return report


@commands.command("file")
def file_command(
    ctx: typer.Context,
    paths: list[Path] = typer.Argument(..., help="要归档的文件或文件夹（可以写多个）。"),
    category: str | None = typer.Option(
        None, "--category", help="档案类别，例如 业主档案、工程档案、合同协议档案、财务档案。"
    ),
    unit: str | None = typer.Option(None, "--unit", help="房号，例如 3-2-1201（也可写 3栋2单元1201）。"),
    title: str | None = typer.Option(None, "--title", help="题名，例如 产权证明。"),
    date: str | None = typer.Option(None, "--date", help="文件日期，例如 2026-11-02。"),
    box: str | None = typer.Option(None, "--box", help="纸质原件所在的盒号。"),
    shelf: str | None = typer.Option(None, "--shelf", help="纸质原件所在的架位。"),
    confidential: bool = typer.Option(False, "--confidential", help="标为保密档案（借阅时必须写原因）。"),
    retention: str | None = typer.Option(None, "--retention", help="保管期限：永久、长期、短期或年数（默认按类别）。"),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出每个文件的结果。"),
    show_private: bool = typer.Option(False, "--show-private", help=_PRIVATE_HELP),
) -> None:
    """立即归档文件：编档号、放入 records/archive/、写说明文件和台账记录。

    收件箱里不能归档的文件移到 records/quarantine/ 并写明原因；从隔离区直接归档的文件归档后连同原因说明从隔离区去掉；
    其他位置的文件原样保留。空文件（0 字节，扫描仪可能还没写完）不归档也不隔离，留在原处。
    收件箱里归档后变空的子文件夹与归档服务一样随之删除，收件箱以外的文件夹从不删。
    文件夹里的隐藏文件（文件名以“.”开头）和坏链接不归档，留在原处，最后列出。
    归档服务（recordkit watch）正在运行时，收件箱里的文件由它归档：写收件箱或其中的文件即拒绝（退出码 4），含有收件箱的文件夹跳过收件箱。

    例：recordkit file 产权证明.pdf --category 业主档案 --unit 3-2-1201
    """
    unit = estate_unit(ctx, unit) if unit else unit
    from recordkit.archive.archivist import FilingOutcome, flag_metadata
    from recordkit.archive.intake import file_paths

    archivist = _archivist(ctx)
    flags = flag_metadata(
        category, unit, title, date, box, shelf, True if confidential else None, retention, archivist.rules
    )
    with progress_bar("归档") as advance:
        outcomes = file_paths(archivist, paths, flags, progress=advance)
    filed = sum(1 for outcome in outcomes if outcome.status in ("filed", "already_filed"))
    quarantined = sum(1 for outcome in outcomes if outcome.status == "quarantined")
    not_filed = sorted(archivist.not_filed.items())
    outcomes, not_filed = _as_shown(ctx, show_private, "file", outcomes, not_filed)
    if as_json:
        left_alone = [FilingOutcome(name, "left_alone", reason=why) for name, why in not_filed]
        print_json([outcome.to_dict() for outcome in outcomes + left_alone])
    else:
        for outcome in outcomes:
            typer.echo(_outcome_line(outcome))
        empty = [outcome.source for outcome in outcomes if outcome.status == "empty"]
        aside = ([f"{quarantined} 个已移到隔离区"] if quarantined else []) + (
            [f"空文件 {len(empty)} 个，留在原处：{'、'.join(empty)}"] if empty else []
        )
        moved = f"（其中{'；'.join(aside)}）" if aside else ""
        typer.echo(f"共 {len(outcomes)} 个文件：归档 {filed} 个，未归档 {len(outcomes) - filed} 个{moved}")
        if archivist.left_out:
            typer.echo(
                "已跳过工作区自己的文件：records/ 里收件箱以外的（台账、档案、生成的文书、隔离区）、templates/ 和 recordkit.toml"
            )
        if archivist.inbox_served is not None:
            from recordkit.archive.watch_lock import inbox_left_message

            typer.echo(inbox_left_message(archivist.inbox_served.holder))
        if not_filed:
            typer.echo(_not_filed_line(not_filed, "留在原处"))
    if filed < len(outcomes):
        raise ValidationError(f"有 {len(outcomes) - filed} 个文件未归档，每个文件的原因已列出")


@commands.command("watch")
def watch_command(
    ctx: typer.Context,
    once: bool = typer.Option(
        False, "--once", help="把收件箱里现有的文件归档后退出（用于 cron；归档服务正在运行时什么也不做，退出码 0）。"
    ),
    polling: bool = typer.Option(False, "--polling", help="定时扫描收件箱（网络共享文件夹收不到变更通知时使用）。"),
    interval: float | None = typer.Option(None, "--interval", help="检查收件箱的间隔秒数（默认取配置，1 秒）。"),
    wait: bool = typer.Option(
        False, "--wait", help="另一个归档服务正在运行时等它结束后接手，而不是立即退出（退出码 4）。"
    ),
    show_private: bool = typer.Option(False, "--show-private", help=_PRIVATE_HELP),
) -> None:
    """归档服务：监视 records/inbox/，扫描仪写完的文件自动归档。SIGTERM 时处理完当前文件后退出。

    例：recordkit watch --once
    """
    from recordkit.archive.watch_lock import (
        ServiceRunning,
        served_once_message,
        sole_watcher,
        unguarded_message,
        waiting_message,
    )
    from recordkit.core.config import NUMBER_RANGES

    if wait and once:
        raise UsageError(
            "--wait 只用于一直运行的归档服务，不能与 --once 一起用：--once 遇到正在运行的归档服务时什么也不做、"
            "立即退出，请去掉其中一个"
        )
    low, high = NUMBER_RANGES["archive.poll_interval"]  # the flag's bounds are the setting's (0 spun a core)
    if interval is not None and not low <= interval <= high:
        raise UsageError(f"--interval 应在 {low:g} 到 {high:g} 秒之间，例如 1（写的是 {interval:g}）")
    from recordkit.archive.archivist import refuse_a_new_ledger_beside_the_archive, refuse_filing_elsewhere

    app_state = state(ctx)
    # A mistyped schema (or address) beside a filed archive is refused before its first use would make a ledger.
    refuse_a_new_ledger_beside_the_archive(app_state.workspace(), "归档服务没有启动")
    # A clerk's PC without the archive is refused before the lock's file is made there: nothing written.
    refuse_filing_elsewhere(app_state.workspace(), app_state.ledger())
    # One service per workspace, refused before anything is read or filed (a pass of two would race for each scan).
    waiting = (lambda holder: typer.echo(waiting_message(holder))) if wait else None
    try:
        with sole_watcher(app_state.workspace().records_dir, dt.datetime.now(), waiting) as lock:
            if lock.stopped:  # SIGTERM while it waited for the other service
                typer.echo("归档服务已停止")
                return
            if not lock.guarded:
                typer.echo(unguarded_message(lock.why))
            _serve(ctx, once=once, polling=polling, interval=interval, show_private=show_private)
    except ServiceRunning as running:
        if not once:  # a second service: refused
            raise
        typer.echo(served_once_message(running.holder))  # cron's pass beside the service: nothing to do, no failure


def _serve(ctx: typer.Context, *, once: bool, polling: bool, interval: float | None, show_private: bool) -> None:
    """``recordkit watch`` once its lock is held: what it says masked as ``file`` masks it, unless ``show_private``."""
    from recordkit.archive.watcher import CANNOT_OPEN, InboxWatcher, held_because, setup_watch_log, signal_handlers

    archivist = _archivist(ctx)
    log_path = setup_watch_log(archivist.workspace.records_subdir("logs"))
    shown = _shown_line(show_private)

    def say(line: str) -> None:
        typer.echo(shown(line))

    watcher = InboxWatcher(
        archivist, polling=polling, interval=interval, report=_report_outcome(ctx, show_private), say=say
    )
    with signal_handlers(watcher):
        if once:
            outcomes = watcher.run_once()
            filed = sum(1 for outcome in outcomes if outcome.status in ("filed", "already_filed"))
            quarantined = sum(1 for outcome in outcomes if outcome.status == "quarantined")
            say(f"收件箱处理完毕：归档 {filed} 个，隔离 {quarantined} 个")
            left_behind: dict[str, list[str]] = {"已归档": [], "已隔离": []}
            for outcome in outcomes:
                if outcome.left_behind:
                    left_behind["已隔离" if outcome.status == "quarantined" else "已归档"].append(outcome.source)
            for said, leftover in left_behind.items():
                if leftover:
                    say(
                        f"有 {len(leftover)} 个文件{said}，但收件箱里的原文件删不掉（没有权限）："
                        f"{'、'.join(sorted(leftover))}，请手工删除"
                    )
            if writing := watcher.still_written():
                say(
                    f"还有 {len(writing)} 个文件正在写入（大小还在变化），留在收件箱没有归档：{'、'.join(writing)}；"
                    "扫描完成后再运行 recordkit watch --once（归档服务会自动归档）"
                )
            if unopened := watcher.still_unopened():
                say(
                    f"还有 {len(unopened)} 个文件打不开（{CANNOT_OPEN}），留在收件箱没有归档：{'、'.join(unopened)}；"
                    "请让放入文件的人改好权限或关掉占用它的程序，再运行 recordkit watch --once（归档服务会自动归档）"
                )
            if not_filed := watcher.not_filed():
                say(_not_filed_line(not_filed, "留在收件箱"))
            if empty := watcher.still_empty():
                say(
                    f"还有 {len(empty)} 个空文件（扫描仪可能还没写入内容），留在收件箱：{'、'.join(empty)}；"
                    "空了 10 分钟以上的才移到隔离区"
                )
            if (why := watcher.refusal) is not None:
                left = f"{len(watcher.held)} 个文件留在收件箱，没有归档（{held_because(why)}）：{why.message}"
                raise type(why)(shown(left))  # (the ledger's, the disk's — its file named —, or the ledger's full disk)
            return
        mode = "定时扫描" if polling else "变更通知"
        typer.echo(f"归档服务已启动（{mode}），监视 {archivist.inbox}；日志：{log_path}；按 Ctrl+C 停止")
        watcher.run()
    typer.echo("归档服务已停止")
