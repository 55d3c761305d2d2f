"""``recordkit init``: make a new workspace."""

from __future__ import annotations

from pathlib import Path

import typer

from recordkit.cli._options import on_terminal
from recordkit.core.errors import RecordkitError, ValidationError
from recordkit.core.personal import validate_phone

#: What this module adds to the root command; the root loads it when one of its names is typed.
commands = typer.Typer()


def _ask_office_phone() -> str:
    """The office phone answered at ``init``'s question, asked again until ``validate_phone`` takes it or it is left
    blank: its refusal names the number, not the option ``--phone`` nobody typed."""
    while True:
        answer = typer.prompt("物业服务中心电话（可以以后再填）", default="", show_default=False).strip()
        try:
            return validate_phone(answer, "物业服务中心电话") if answer else ""
        except ValidationError as err:
            typer.echo(f"{err.message}（请重新输入，或直接回车以后再填）", err=True)


@commands.command("init")
def init_command(
    directory: Path = typer.Argument(Path("."), help="新工作区的目录（不存在则创建）。"),
    office: str = typer.Option("物业服务中心", "--office", help="物业服务中心名称，印在文书上。"),
    estate: str | None = typer.Option(None, "--estate", help="小区名称，例如 幸福里小区（在终端里运行时会询问）。"),
    address: str | None = typer.Option(
        None, "--address", help="小区的详细地址（不含小区名），例如 江宁市秦淮区幸福路88号；印在证明和通知上。"
    ),
    phone: str | None = typer.Option(None, "--phone", help="物业服务中心电话，印在证明、通知和催缴通知书上。"),
    operator: str | None = typer.Option(
        None, "--operator", help="经办人姓名，签在收据和文书上（在终端里运行时会询问）。"
    ),
) -> None:
    """新建工作区：recordkit.toml（带中文说明）、templates/ 和 records/ 及其子目录。

    已有工作区不会被覆盖。

    例：recordkit init 幸福里 --estate 幸福里小区 --address 江宁市秦淮区幸福路88号 --phone 025-84561234
    """
    from recordkit.core.workspace import init_workspace, open_workspace, setup_logging
    from recordkit.ledger.db import open_workspace_ledger

    if on_terminal():
        if estate is None:
            estate = typer.prompt("小区名称（印在文书上）", default="示例小区")
        if address is None:
            address = typer.prompt(
                "小区详细地址，不含小区名（例如 江宁市秦淮区幸福路88号，可以以后再填）", default="", show_default=False
            )
        if phone is None:
            phone = _ask_office_phone()
        if operator is None:
            operator = typer.prompt("经办人姓名（签在收据和文书上，可以以后再填）", default="", show_default=False)
    phone = (phone or "").strip()
    if phone:
        phone = validate_phone(phone, "--phone 的物业服务中心电话")
    root = init_workspace(
        directory,
        office=office,
        estate=(estate or "").strip() or "示例小区",
        operator=(operator or "").strip() or None,
        address=(address or "").strip(),
        phone=phone,
    )
    # The ledger is made here, once: later commands that only read never create one.
    workspace = open_workspace(root)
    setup_logging(workspace)
    try:
        open_workspace_ledger(workspace).close()
    except RecordkitError as err:  # the workspace stays (init would refuse it now): say how to finish
        err.message = (
            f"已新建工作区 {root}，但台账没有建立：{err.message}。解决后在工作区里运行 recordkit db upgrade 建立台账"
        )
        raise
    typer.echo(f"已新建工作区：{root}")
    typer.echo(f"下一步：cd {root}，编辑 recordkit.toml，然后 recordkit owners import 业主名册.xlsx")
