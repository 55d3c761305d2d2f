"""``recordkit init``: make a new workspace."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from recordkit.cli._app import app


@app.command("init")
def init_command(
    directory: Path = typer.Argument(Path("."), help="新工作区的目录（不存在则创建）。"),
    office: str = typer.Option("物业服务中心", "--office", help="物业服务中心名称，印在文书上。"),
    estate: str = typer.Option("示例小区", "--estate", help="小区名称。"),
    operator: str | None = typer.Option(
        None, "--operator", help="经办人姓名，签在收据和文书上（在终端里运行时会询问）。"
    ),
) -> None:
    """新建工作区：recordkit.toml（带中文说明）、templates/ 和 records/ 及其子目录。

    已有工作区不会被覆盖。

    例：recordkit init 幸福里 --office 幸福里物业服务中心 --estate 幸福里小区 --operator 王芳
    """
    from recordkit.core.workspace import init_workspace, open_workspace
    from recordkit.ledger.db import open_ledger

    if operator is None and sys.stdin.isatty():
        operator = typer.prompt("经办人姓名（签在收据和文书上，可以以后再填）", default="", show_default=False)
    root = init_workspace(directory, office=office, estate=estate, operator=(operator or "").strip() or None)
    # The ledger is made here, once: later commands that only read never create one.
    open_ledger(open_workspace(root).database_url).close()
    typer.echo(f"已新建工作区：{root}")
    typer.echo(f"下一步：cd {root}，编辑 recordkit.toml，然后 recordkit owners import 业主名册.xlsx")
