"""``recordkit templates``, ``recordkit cert`` and ``recordkit docs``: templates, certificates and passes,
and the list of what was printed."""

from __future__ import annotations

import datetime as dt

import typer

from recordkit.cli._app import app, console, new_table, print_json, state
from recordkit.cli._options import fees_ledger, optional_date

templates_app = typer.Typer(
    help="模板：列出、检查、复制内置模板到 templates/ 供本处修改。\n\n例：recordkit templates check 停水通知",
    no_args_is_help=True,
)
cert_app = typer.Typer(
    help="证明与出门条：居住证明、缴费证明（有欠费时不能开具）、物品出门条，均有编号。\n\n"
    "例：recordkit cert make 居住证明 --unit 3-2-1201",
    no_args_is_help=True,
)
docs_app = typer.Typer(
    help="已生成的文书：打印了什么、给谁、何时、谁经办。\n\n例：recordkit docs list --unit 3-2-1201",
    no_args_is_help=True,
)
app.add_typer(templates_app, name="templates")
app.add_typer(cert_app, name="cert")
app.add_typer(docs_app, name="docs")


def _library(ctx: typer.Context):  # type: ignore[no-untyped-def]
    from recordkit.documents.templates.engine import TemplateLibrary

    return TemplateLibrary.for_workspace(state(ctx).workspace())


@templates_app.command("list")
def templates_list(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出（name、kind、origin、variables 等）。"),
) -> None:
    """列出可用的模板：名称、类别、来源（内置或本处）、用到的变量。

    例：recordkit templates list --json
    """
    infos = _library(ctx).describe()
    if as_json:
        print_json([info.to_dict() for info in infos])
        return
    table = new_table("模板", "类别", "来源", "变量", title=f"模板 {len(infos)} 个")
    for info in infos:
        origin = info.origin + ("（覆盖内置）" if info.overrides_builtin else "")
        table.add_row(info.name, info.kind, origin, "、".join(info.variables))
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
    if as_json:
        print_json(report.to_dict())
    else:
        root = state(ctx).workspace().root
        shown = report.path.relative_to(root) if report.path.is_relative_to(root) else report.path
        typer.echo(f"模板“{report.name}”（{report.kind}）：{shown}")
        typer.echo(f"用到的变量：{'、'.join(report.variables) or '（无）'}")
        for finding in report.findings:
            typer.echo(str(finding))
        typer.echo("检查通过" if report.ok else f"发现 {sum(f.level == '错误' for f in report.findings)} 处错误")
    if not report.ok:
        raise typer.Exit(5)


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
        f"已复制到 {target.relative_to(state(ctx).workspace().root)}：用 Word/WPS 修改后保存即可，"
        "改完可运行 recordkit templates check 检查"
    )


@cert_app.command("make")
def cert_make(
    ctx: typer.Context,
    kind: str = typer.Argument(..., help="居住证明、缴费证明 或 出门条。"),
    unit: str = typer.Option(..., "--unit", help="房号，例如 3-2-1201。"),
    purpose: str | None = typer.Option(None, "--purpose", help="证明的用途，例如 子女入学（居住证明、缴费证明）。"),
    items: str | None = typer.Option(None, "--items", help='出门条放行的物品，逗号分隔，例如 "冰箱1台,洗衣机1台"。'),
    valid_until: str | None = typer.Option(None, "--valid-until", help="出门条有效期至（默认今天），例如 2026-12-05。"),
    carrier: str | None = typer.Option(None, "--carrier", help="出门条的携物人（默认业主本人）。"),
    pdf: bool = typer.Option(False, "--pdf", help="同时用 LibreOffice 转成 PDF；没有安装时仍生成 .docx。"),
) -> None:
    """开具有编号的证明或出门条；缴费证明在房屋有欠费时拒绝开具并说明欠多少。

    例：recordkit cert make 出门条 --unit 3-2-1201 --items "冰箱1台,旧沙发1件" --valid-until 2026-12-05
    """
    from recordkit.documents.certificates import make_certificate

    app_state = state(ctx)
    certificate = make_certificate(
        app_state.workspace(),
        fees_ledger(ctx),
        kind,
        unit,
        app_state.operator_name,
        purpose=purpose,
        items=items,
        valid_until=optional_date(valid_until),
        carrier=carrier,
        pdf=pdf,
    )
    root = app_state.workspace().root
    typer.echo(
        f"已开具{certificate.kind} {certificate.number}（{certificate.unit}）："
        f"{certificate.document.path.relative_to(root)}"
    )
    if certificate.pdf is not None:
        typer.echo(f"PDF：{certificate.pdf.path.relative_to(root)}")
    if certificate.pdf_problem:
        typer.echo(f"注意：{certificate.pdf_problem}", err=True)


@docs_app.command("list")
def docs_list(
    ctx: typer.Context,
    kind: str | None = typer.Option(None, "--kind", help="只列这一类，例如 通知、催缴通知书、证明、出门条、收据。"),
    unit: str | None = typer.Option(None, "--unit", help="只列关于这一户的，例如 3-2-1201。"),
    limit: int = typer.Option(50, "--limit", help="最多列出多少条（最新的在前）。"),
    as_json: bool = typer.Option(
        False, "--json", help="以 JSON 输出（kind、template、subject、title、path、sha256 等）。"
    ),
) -> None:
    """列出生成过的文书：什么时候、谁经办、为哪一户（或哪一栋）打印了什么。

    例：recordkit docs list --kind 通知 --limit 20
    """
    from recordkit.core.unitcodes import parse_unit_code
    from recordkit.documents.generated import list_documents

    app_state = state(ctx)
    workspace = app_state.workspace()
    subject = str(parse_unit_code(unit)) if unit else None
    documents = list_documents(workspace, app_state.ledger(), kind=kind, subject=subject, limit=limit)
    if as_json:
        print_json([document.to_dict() for document in documents])
        return
    table = new_table(
        "编号", "时间", "类别", "模板", "对象", "标题", "经办人", "文件", title=f"文书 {len(documents)} 份"
    )
    for document in documents:
        when = dt.datetime.fromisoformat(document.created_at).astimezone().strftime("%Y-%m-%d %H:%M")
        table.add_row(
            str(document.id),
            when,
            document.kind,
            document.template,
            document.subject,
            document.title,
            document.operator,
            document.path.relative_to(workspace.root).as_posix(),
        )
    console().print(table)
