"""``recordkit owners``: import, list, show and export units and owners."""

from __future__ import annotations

from pathlib import Path

import typer

from recordkit.cli._app import WIDE_HELP, app, console, new_table, print_json, progress_bar, state
from recordkit.cli._options import SHOW_PRIVATE_HELP
from recordkit.core.filenames import readable_name

owners_app = typer.Typer(
    help="房屋与业主：从 Excel 导入、查看、导出。\n\n例：recordkit owners list --building 3", no_args_is_help=True
)
app.add_typer(owners_app, name="owners")


@owners_app.command("import")
def owners_import(
    ctx: typer.Context,
    file: Path = typer.Argument(
        ..., help="业主名册 .xlsx（表头：楼栋 单元 房号 建筑面积 业主姓名 联系电话 身份证号 入住日期 状态）。"
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="只检查并报告会有哪些变化，不写入台账。"),
) -> None:
    """导入业主名册：逐格检查，有任何错误就什么也不写入；重复导入只更新变化的行。

    例：recordkit owners import 业主名册.xlsx --dry-run
    """
    from recordkit.owners.roster import import_owners

    app_state = state(ctx)
    with progress_bar(f"读取 {readable_name(file.name)}") as advance:
        summary = import_owners(app_state.ledger(), file, app_state.operator_name, dry_run=dry_run, progress=advance)
    prefix = "检查通过（未写入，--dry-run）" if summary.dry_run else "导入完成"
    typer.echo(
        f"{prefix}：共 {summary.rows} 行；新增房屋 {summary.units_created} 户，更新 {summary.units_updated} 户，"
        f"未变 {summary.units_unchanged} 户；新增业主 {summary.owners_created} 人，更新业主 {summary.owners_updated} 人"
    )
    if summary.dry_run and summary.changed_units:
        shown = "、".join(summary.changed_units[:20])
        more = f" 等 {len(summary.changed_units)} 户" if len(summary.changed_units) > 20 else ""
        typer.echo(f"将新增或更新的房屋：{shown}{more}")


@owners_app.command("list")
def owners_list(
    ctx: typer.Context,
    building: str | None = typer.Option(None, "--building", "-b", help="只列出某栋楼，例如 3。"),
    show_private: bool = typer.Option(False, "--show-private", help=SHOW_PRIVATE_HELP),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出（unit、owner、area、status 等字段）。"),
    wide: bool = typer.Option(False, "--wide", help=WIDE_HELP),
) -> None:
    """列出房屋和业主；电话、身份证号默认打码，身份证号和入住日期加 --wide 才显示。

    例：recordkit owners list --building 3
    """
    from recordkit.owners.roster import list_units, record_private_view

    app_state = state(ctx)
    views = list_units(app_state.ledger(), building=building)
    if show_private:
        record_private_view(app_state.ledger(), app_state.operator_name, "owners list", [str(v.code) for v in views])
    rows = [view.to_dict(show_private) for view in views]
    if as_json:
        print_json(rows)
        return
    table = new_table(
        "房号", "业主", "联系电话", "身份证号", "建筑面积（㎡）", "状态", "入住日期",
        title=f"房屋 {len(rows)} 户", wide_only=("身份证号", "入住日期"), wide=wide,
    )  # fmt: skip
    for row in rows:
        table.add_row(
            row["unit"],
            row["owner"] or "",
            row["phone"] or "",
            row["id_number"] or "",
            f"{row['area']:.2f}",
            row["status"],
            row["move_in_date"] or "",
        )
    console().print(table)


@owners_app.command("show")
def owners_show(
    ctx: typer.Context,
    unit: str = typer.Argument(..., help="房号，例如 3-2-1201（也可写 3栋2单元1201）。"),
    show_private: bool = typer.Option(False, "--show-private", help=SHOW_PRIVATE_HELP),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出。"),
) -> None:
    """查看一户房屋及其业主（业主名下的其他房屋一并列出）。

    例：recordkit owners show 3-2-1201
    """
    from recordkit.owners.roster import record_private_view, show_unit

    app_state = state(ctx)
    view, holdings = show_unit(app_state.ledger(), unit)
    if show_private:
        record_private_view(app_state.ledger(), app_state.operator_name, str(view.code), [str(view.code)])
    data = {**view.to_dict(show_private), "units_held": holdings}
    if as_json:
        print_json(data)
        return
    table = new_table("项目", "内容", title=f"房屋 {data['unit']}")
    for label, value in (
        ("房号", data["unit"]),
        ("楼栋 / 单元 / 房号", f"{data['building']} 栋 {data['entrance']} 单元 {data['room']}"),
        ("建筑面积", f"{data['area']:.2f} ㎡"),
        ("状态", data["status"]),
        ("业主", data["owner"] or "（无）"),
        ("联系电话", data["phone"] or ""),
        ("身份证号", data["id_number"] or ""),
        ("入住日期", data["move_in_date"] or ""),
        ("业主名下房屋", "、".join(holdings)),
    ):
        table.add_row(label, value)
    console().print(table)


@owners_app.command("export")
def owners_export(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="要写出的 .xlsx 文件。"),
    show_private: bool = typer.Option(False, "--show-private", help="导出完整的电话和身份证号（会记入操作日志）。"),
) -> None:
    """导出业主名册 .xlsx，格式与导入相同：导出后原样导入，台账不会有任何变化。

    例：recordkit owners export 业主名册-导出.xlsx
    """
    from recordkit.owners.roster import export_owners

    app_state = state(ctx)
    if file.suffix.lower() != ".xlsx":
        from recordkit.core.errors import UsageError

        raise UsageError(f"导出文件名应以 .xlsx 结尾：{file}")
    count = export_owners(app_state.ledger(), file, app_state.operator_name, show_private=show_private)
    typer.echo(
        f"已导出 {count} 户到 {readable_name(str(file))}"
        + ("（含完整个人信息）" if show_private else "（电话、身份证号已打码）")
    )
