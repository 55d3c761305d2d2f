"""Commands about the workspace itself: init, demo, doctor."""

from __future__ import annotations

from pathlib import Path

import typer

from recordkit.cli._app import app, console, new_table, print_json, state


@app.command("init")
def init_command(
    directory: Path = typer.Argument(Path("."), help="新工作区的目录（不存在则创建）。"),
    office: str = typer.Option("物业服务中心", "--office", help="物业服务中心名称，印在文书上。"),
    estate: str = typer.Option("示例小区", "--estate", help="小区名称。"),
) -> None:
    """新建工作区：recordkit.toml（带中文说明）、templates/ 和 records/ 及其子目录。

    已有工作区不会被覆盖。

    例：recordkit init 幸福里 --office 幸福里物业服务中心 --estate 幸福里小区
    """
    from recordkit.core.workspace import init_workspace, open_workspace
    from recordkit.ledger.db import open_ledger

    root = init_workspace(directory, office=office, estate=estate)
    # The ledger is made here, once: later commands that only read never create one.
    open_ledger(open_workspace(root).database_url).close()
    typer.echo(f"已新建工作区：{root}")
    typer.echo(f"下一步：cd {root}，编辑 recordkit.toml，然后 recordkit owners import 业主名册.xlsx")


@app.command("demo")
def demo_command(
    directory: Path = typer.Argument(Path("demo-estate"), help="演示工作区的目录。"),
    seed: int = typer.Option(2026, "--seed", help="随机种子：相同的种子生成完全相同的小区。"),
    units: int = typer.Option(1200, "--units", min=10, max=50_000, help="至少生成多少户。"),
) -> None:
    """生成一个真实感的演示小区：楼栋、房屋、业主，以及之后各功能的演示数据。

    同一目录再次运行会重建演示数据（只限演示工作区）。

    例：recordkit demo demo-estate
    """
    from recordkit.demo.estate import build_demo

    report = build_demo(directory, seed=seed, min_units=units)
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


@app.command("doctor")
def doctor_command(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出，供脚本使用。"),
) -> None:
    """检查安装是否完整：台账数据库、模板、中文字体、LibreOffice、OCR、磁盘空间。

    每个缺失项都给出修复命令；必需项缺失时退出码为 1。

    例：recordkit doctor
    """
    from recordkit.doctor import run_checks

    checks = run_checks(state(ctx).workspace())
    if as_json:
        print_json([check.to_dict() for check in checks])
    else:
        table = new_table("检查项", "状态", "说明", "修复方法")
        for check in checks:
            mark = "[green]正常[/]" if check.ok else ("[red]缺失[/]" if check.required else "[yellow]可选，未安装[/]")
            table.add_row(check.name, mark, check.detail, check.fix if not check.ok else "")
        console().print(table)
    if any(check.required and not check.ok for check in checks):
        raise typer.Exit(1)
