"""``recordkit templates``: list, check and copy the templates documents are printed from."""

from __future__ import annotations

import typer

from recordkit.cli._app import console, new_table, print_json, state
from recordkit.core.errors import ValidationError
from recordkit.core.filenames import readable_name

#: What this module adds to the root command; the root loads it when one of its names is typed.
commands = typer.Typer()

templates_app = typer.Typer(
    help="模板：列出、检查、复制内置模板到 templates/ 供本处修改。\n\n例：recordkit templates check 停水通知",
    no_args_is_help=True,
)
commands.add_typer(templates_app, name="templates")


def _library(ctx: typer.Context):  # type: ignore[no-untyped-def]
    from recordkit.documents.templates.engine import TemplateLibrary

    return TemplateLibrary.for_workspace(state(ctx).workspace())


@templates_app.command("list")
def templates_list(
    ctx: typer.Context,
    as_json: bool = typer.Option(
        False, "--json", help="以 JSON 输出（name、kind、origin、variables、status、problem 等）。"
    ),
) -> None:
    """列出找到的每个模板：名称、类别、来源（内置或本处）、状态、用到的变量。有问题的模板也列出，
    状态写明问题（退出码仍是 0；templates check 逐项检查，有错误时退出码 5）。

    例：recordkit templates list --json
    """
    from recordkit.documents.templates.checks import listing

    infos = listing(_library(ctx))
    if as_json:
        print_json([info.to_dict() for info in infos])
        return
    table = new_table("模板", "类别", "来源", "状态", "变量", title=f"模板 {len(infos)} 个")
    for info in infos:
        origin = info.origin + ("（覆盖内置）" if info.overrides_builtin else "")
        status = "\n".join((info.status if info.problem is None else f"{info.status}：{info.problem}", *info.notes))
        table.add_row(info.name, info.kind, origin, status, "、".join(info.variables))
    console().print(table)


@templates_app.command("check")
def templates_check(
    ctx: typer.Context,
    template: str = typer.Argument(..., help="模板名称，或一个 .docx 文件的路径。"),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出检查结果。"),
) -> None:
    """检查模板：占位符写法、Word 拆开的占位符、recordkit 不提供的变量、不允许的写法。有错误时退出码 5。

    例：recordkit templates check templates/停水通知.docx
    """
    from recordkit.documents.templates.checks import check_template

    report = check_template(_library(ctx), template)
    errors = sum(finding.level == "错误" for finding in report.findings)
    if as_json:
        print_json(report.to_dict())
    else:
        root = state(ctx).workspace().root
        shown = report.path.relative_to(root) if report.path.is_relative_to(root) else report.path
        typer.echo(f"模板“{report.name}”（{report.kind}）：{readable_name(str(shown))}")
        typer.echo(f"用到的变量：{'、'.join(report.variables) or '（无）'}")
        for finding in report.findings:
            typer.echo(str(finding))
        typer.echo("检查通过" if report.ok else f"发现 {errors} 处错误")
    if not report.ok:
        raise ValidationError(f"模板“{report.name}”未通过检查：{errors} 处错误，改正后再用")


@templates_app.command("copy")
def templates_copy(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="内置模板名称，例如 停水通知。"),
    force: bool = typer.Option(False, "--force", help="templates/ 里已有同名模板时也覆盖。"),
) -> None:
    """把内置模板复制到工作区的 templates/，用 Word/WPS 修改后，同名模板优先使用本处的。

    例：recordkit templates copy 催缴通知书
    """
    from recordkit.documents.templates.checks import copy_template

    target = copy_template(_library(ctx), name, force)
    typer.echo(
        f"已复制到 {readable_name(str(target.relative_to(state(ctx).workspace().root)))}：用 Word/WPS 修改后保存即可，"
        "改完可运行 recordkit templates check 检查"
    )
