"""``recordkit index``: bring the full-text index up to date with the archive (the nightly run), or check it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from recordkit.cli._app import console, new_table, print_json, progress_bar, state
from recordkit.core.errors import IntegrityError, RecordkitError, UsageError

if TYPE_CHECKING:
    from recordkit.search.indexer import IndexReport

#: What this module adds to the root command; the root loads it when one of its names is typed.
commands = typer.Typer()


@commands.command("index")
def index_command(
    ctx: typer.Context,
    rebuild: bool = typer.Option(False, "--rebuild", help="在旁边重建整个索引，完成后一次替换（重建期间仍可检索）。"),
    verify: bool = typer.Option(
        False, "--verify", help="只检查：列出索引中缺失、过期、待 OCR 或多余的档案，不改动索引。"
    ),
    no_ocr: bool = typer.Option(False, "--no-ocr", help="这次不做 OCR（扫描件的文字留到下次）。"),
    backend: str | None = typer.Option(
        None,
        "--to",
        help="把索引搬到另一种后端：sqlite（records/index 中的文件）或 postgresql（台账所在的数据库）。"
        "用已提取的文字重建，不重新 OCR，并写入 recordkit.toml。",
    ),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出结果。"),
) -> None:
    """把检索索引更新到与档案目录一致：新增、改动、删除的档案，待识别的扫描页做 OCR（夜间任务）。

    每次运行的摘要写入 records/logs/index.log；有档案索引失败时退出码为 1。

    例：recordkit index；换到 PostgreSQL：recordkit index --to postgresql
    """
    from recordkit.search.indexer import move_index, update_index, verify_index

    if verify and (rebuild or backend is not None):  # a check that would move or rebuild is neither
        raise UsageError("--verify 只检查索引、不改动它，不能与 --rebuild 或 --to 同时使用：请分两次运行")
    app_state = state(ctx)
    # The index is made from the ledger, never the other way: a mistyped schema or database is not made an empty
    # ledger (another estate, numbers from 1) by the nightly run or a check.
    workspace, ledger = app_state.workspace(), app_state.ledger(create=False)
    if not verify:
        # The nightly run of a server whose recordkit.toml still names a ledger moved away would index it (into
        # that database, for a PostgreSQL index) and end well every night, unseen.
        ledger.refuse_if_moved()
    if backend is not None:
        with progress_bar("提取文字") as bar:
            moved = move_index(workspace, ledger, backend.strip().lower(), progress=bar, stage=bar.stage)
        if as_json:
            print_json(moved.to_dict())
        else:
            _echo_failed(moved.report)
            typer.echo(moved.report.summary)
            typer.echo(moved.setting)
        _exit_if_failed(moved.report.failed)
        return
    if verify:
        check = verify_index(workspace, ledger)
        if as_json:
            print_json(check.to_dict())
        elif not check.ok:
            table = new_table("档号", "问题", title=f"索引与档案目录不一致 {len(check.rows())} 件")
            for number, problem in check.rows():
                table.add_row(number, problem)
            console().print(table)
        if not check.ok:
            raise IntegrityError(check.summary)
        if not as_json:
            typer.echo(f"索引完好：共 {check.checked} 件档案，全部已索引且是最新的")
        return
    with progress_bar("提取文字与 OCR") as bar:
        report = update_index(workspace, ledger, rebuild=rebuild, ocr=not no_ocr, progress=bar, stage=bar.stage)
    if as_json:
        print_json(report.to_dict())
    else:
        _echo_failed(report)
        typer.echo(report.summary)
    _exit_if_failed(report.failed)


def _echo_failed(report: IndexReport) -> None:
    kept = set(report.kept_text)
    for number, reason in report.failed:
        indexed = "索引里保留了上次读出的正文" if number in kept else "已按题名等信息索引"
        typer.echo(f"索引失败 {number}：{reason}（{indexed}）", err=True)


def _exit_if_failed(failed: list[tuple[str, str]]) -> None:
    """Exit code 1, as documented, for the nightly run and ``--to`` alike: the run finished, but some items are
    searchable by their metadata only."""
    if failed:
        raise RecordkitError(f"{len(failed)} 件档案的文字没有索引成功：请检查上面列出的文件")
