"""``recordkit doctor``: check the installation (database, templates, fonts, OCR, LibreOffice) and the records an
older version left for a clerk to look at (months left open, owners' and contacts' numbers and names)."""

from __future__ import annotations

import typer

from recordkit.cli._app import console, new_table, print_json, state
from recordkit.core.errors import RecordkitError

#: What this module adds to the root command; the root loads it when one of its names is typed.
commands = typer.Typer()


@commands.command("doctor")
def doctor_command(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出，供脚本使用。"),
    ocr: bool = typer.Option(False, "--ocr", help="加载文字识别引擎并试识别一张样张（要多花几秒）。"),
) -> None:
    """检查安装是否完整：台账数据库、检索索引、经办人、小区信息、分区、时区、模板、中文字体、LibreOffice、OCR、磁盘空间、收件箱；
    再查台账：档案文件（台账里的档案在不在 records/archive）、结账月份，以及旧版本留下、需要核对的业主证件号码、业主和联系人姓名、联系人证件号码、房屋编号（编号是住宅房号的别墅）。

    每个缺失项都给出修复命令；必需项缺失时退出码为 1。OCR 默认只查是否安装，加 --ocr 才试识别。

    例：recordkit doctor --ocr
    """
    from recordkit.doctor import run_checks

    checks = run_checks(state(ctx).workspace(), ocr=ocr)
    if as_json:
        print_json([check.to_dict() for check in checks])
    else:
        from rich.text import Text

        table = new_table("检查项", "状态", "说明", "修复方法")
        for check in checks:
            mark = (
                Text("正常", "green")
                if check.ok
                else (Text("缺失", "red") if check.required else Text("提醒", "yellow"))
            )
            table.add_row(check.name, mark, check.detail, check.fix if not check.ok else "")
        console().print(table)
    missing = [check.name for check in checks if check.required and not check.ok]
    if missing:
        raise RecordkitError(f"安装不完整：{'、'.join(missing)}有问题，按上面的修复方法处理后再运行 recordkit doctor")
