"""``recordkit demo``: build a realistic demo estate to try every command on."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer

from recordkit.cli._app import console, new_table
from recordkit.cli._options import optional_date
from recordkit.core.errors import ValidationError

#: What this module adds to the root command; the root loads it when one of its names is typed.
commands = typer.Typer()


@commands.command("demo")
def demo_command(
    directory: Path = typer.Argument(Path("demo-estate"), help="演示工作区的目录。"),
    seed: int = typer.Option(2026, "--seed", help="随机种子：相同的种子生成完全相同的小区。"),
    units: int = typer.Option(1200, "--units", min=10, max=50_000, help="至少生成多少户。"),
    today: str | None = typer.Option(
        None,
        "--today",
        help="演示数据截至哪天（默认今天，不能晚于今天）：同一天、同一种子生成的数字完全相同，例如 2026-12-02。",
    ),
) -> None:
    """生成一个真实感的演示小区：楼栋、房屋、业主，以及之后各功能的演示数据。

    同一目录再次运行会重建演示数据（只限演示工作区）。

    例：recordkit demo demo-estate
    """
    from recordkit.demo.estate import build_demo

    as_of = optional_date(today)
    if as_of is not None and as_of > dt.date.today():
        raise ValidationError(f"--today 不能晚于今天：{as_of}")
    report = build_demo(directory, seed=seed, min_units=units, today=as_of)
    out = console()
    out.print(f"演示小区：{report.estate}")
    out.print(f"工作区：{report.root}")
    table = new_table("项目", "数量")
    for label, count in report.counts:
        table.add_row(label, str(count))
    out.print(table)
    out.print("生成的文件：")
    for path in report.files:
        out.print(f"  {path}")
    out.print("接下来可以试试：")
    for command in report.next_commands:
        out.print(f"  {command}")
