"""``recordkit cert``: numbered certificates (证明) and goods exit passes (出门条)."""

from __future__ import annotations

import typer

from recordkit.cli._app import state
from recordkit.cli._options import coming_date, estate_unit, optional_date

#: What this module adds to the root command; the root loads it when one of its names is typed.
commands = typer.Typer()

cert_app = typer.Typer(
    help="证明与出门条：居住证明、缴费证明（有欠费时不能开具）、物品出门条，均有编号。\n\n"
    "例：recordkit cert make 居住证明 --unit 3-2-1201",
    no_args_is_help=True,
)
commands.add_typer(cert_app, name="cert")


@cert_app.command("make")
def cert_make(
    ctx: typer.Context,
    kind: str = typer.Argument(..., help="居住证明、缴费证明 或 出门条（放行条）。"),
    unit: str = typer.Option(..., "--unit", help="房号，例如 3-2-1201。"),
    purpose: str | None = typer.Option(None, "--purpose", help="证明的用途，例如 子女入学（居住证明、缴费证明）。"),
    items: str | None = typer.Option(None, "--items", help='出门条放行的物品，逗号分隔，例如 "冰箱1台,洗衣机1台"。'),
    valid_until: str | None = typer.Option(
        None,
        "--valid-until",
        help="出门条有效期至（默认开具当天，最多 7 天以后），例如 2026-12-05，也可写 明天、后天。",
    ),
    carrier: str | None = typer.Option(None, "--carrier", help="出门条的携物人（默认业主本人）。"),
    despite_arrears: str | None = typer.Option(
        None,
        "--despite-arrears",
        help="房屋有欠费时仍开出门条的原因，例如 租户退租，经理同意（欠费金额和原因记入操作日志）；不写时有欠费就拒绝。",
    ),
    tenant: str | None = typer.Option(
        None,
        "--tenant",
        help="为租户开具居住证明：写这户已登记、在租期内的租户姓名（租户用 owners contact add 登记），例如 赵磊。",
    ),
    pdf: bool = typer.Option(False, "--pdf", help="同时用 LibreOffice 转成 PDF；没有安装时仍生成 .docx。"),
    date: str | None = typer.Option(None, "--date", help="开具日期，印在证明上（默认今天），例如 2026-11-23。"),
) -> None:
    """开具有编号的证明或出门条（也叫放行条）；缴费证明和出门条在房屋有欠费时拒绝开具并说明欠多少。

    例：recordkit cert make 出门条 --unit 3-2-1201 --items "冰箱1台,旧沙发1件" --valid-until 2026-12-05
    """
    unit = estate_unit(ctx, unit)
    from recordkit.documents.certificates import make_certificate

    app_state = state(ctx)
    today = optional_date(date, "开具日期")
    certificate = make_certificate(
        app_state.workspace(),
        app_state.ledger(),  # what is owed is read, never billed: no fee-rule sync here
        kind,
        unit,
        app_state.operator_name,
        purpose=purpose,
        items=items,
        valid_until=None if valid_until is None else coming_date(valid_until, "有效期", today),
        carrier=carrier,
        despite_arrears=despite_arrears,
        tenant=tenant,
        pdf=pdf,
        today=today,
    )
    root = app_state.workspace().root
    holder = f"，租户 {certificate.tenant}" if certificate.tenant else ""
    typer.echo(
        f"已开具{certificate.kind} {certificate.number}（{certificate.unit}{holder}）："
        f"{certificate.document.path.relative_to(root)}"
    )
    if certificate.arrears_fen:
        from recordkit.core.money import format_yuan

        typer.echo(
            f"房屋 {certificate.unit} 尚欠费用 {format_yuan(certificate.arrears_fen)} 元，"
            f"按 --despite-arrears 放行：{(despite_arrears or '').strip()}（已记入操作日志）"
        )
    if certificate.pdf is not None:
        typer.echo(f"PDF：{certificate.pdf.path.relative_to(root)}")
    if certificate.pdf_problem:
        typer.echo(f"注意：{certificate.pdf_problem}", err=True)
