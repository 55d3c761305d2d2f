"""``recordkit docs``: the list of documents recordkit printed, for whom, when and by whom."""

from __future__ import annotations

import typer

from recordkit.cli._app import WIDE_HELP, console, new_table, print_json, refuse_blank, state
from recordkit.cli._options import estate_unit
from recordkit.core.dates import format_stamp

#: What this module adds to the root command; the root loads it when one of its names is typed.
commands = typer.Typer()

docs_app = typer.Typer(
    help="已生成的文书：打印了什么、给谁、何时、谁经办。\n\n例：recordkit docs list --unit 3-2-1201",
    no_args_is_help=True,
)
commands.add_typer(docs_app, name="docs")


@docs_app.command("list")
def docs_list(
    ctx: typer.Context,
    kind: str | None = typer.Option(
        None, "--kind", help="只列这一类：通知、催缴通知书、证明、出门条（放行条）、收据、装修、送达签收表、月度报表。"
    ),
    unit: str | None = typer.Option(None, "--unit", help="只列关于这一户的，例如 3-2-1201。"),
    limit: int = typer.Option(50, "--limit", min=1, help="最多列出多少条（最新的在前）。"),
    as_json: bool = typer.Option(
        False, "--json", help="以 JSON 输出（kind、template、subject、title、path、sha256 等）。"
    ),
    wide: bool = typer.Option(False, "--wide", help=WIDE_HELP),
) -> None:
    """列出生成过的文书：什么时候、谁经办、为哪一户（或哪一栋）打印了什么（模板和文件加 --wide 显示）。

    例：recordkit docs list --kind 通知 --limit 20
    """
    refuse_blank(("--kind", kind), ("--unit", unit))
    unit = estate_unit(ctx, unit) if unit else unit
    from recordkit.core.unitcodes import parse_unit_code
    from recordkit.documents.generated import count_documents, list_documents

    app_state = state(ctx)
    workspace = app_state.workspace()
    subject = str(parse_unit_code(unit)) if unit else None
    if kind is not None:
        from recordkit.documents.certificates import KIND_ALIASES  # loaded on first use: --kind only

        kind = KIND_ALIASES.get(kind.strip(), kind.strip())  # 放行条 is stored as 出门条
    documents = list_documents(workspace, app_state.ledger(), kind=kind, subject=subject, limit=limit)
    total = count_documents(app_state.ledger(), kind=kind, subject=subject)
    if as_json:
        print_json([document.to_dict() for document in documents])
        return
    table = new_table(
        "编号", "时间", "类别", "模板", "对象", "标题", "经办人", "文件",
        title=_title(len(documents), total), wide_only=("模板", "文件"), wide=wide,
    )  # fmt: skip
    for document in documents:
        when = format_stamp(document.created_at, workspace.settings.office.time_zone)
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


def _title(shown: int, total: int) -> str:
    """``文书 109 份，显示最近 50 份`` when a limit cut the list, else ``文书 109 份``."""
    return f"文书 {total} 份" if shown >= total else f"文书 {total} 份，显示最近 {shown} 份"
