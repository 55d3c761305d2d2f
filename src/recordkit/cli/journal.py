"""``recordkit journal``: the audit journal of every change to the ledger — list it, verify its hash chain."""

from __future__ import annotations

import typer

from recordkit.cli._app import app, console, new_table, print_json, state

journal_app = typer.Typer(
    help="操作日志（journal）：查看与防篡改校验。\n\n例：recordkit journal verify", no_args_is_help=True
)
app.add_typer(journal_app, name="journal")


@journal_app.command("verify")
def journal_verify(ctx: typer.Context) -> None:
    """逐条校验操作日志的哈希链：有人手工改动、插入或删除记录时，指出第一条被破坏的记录。

    例：recordkit journal verify
    """
    from recordkit.core.errors import IntegrityError
    from recordkit.ledger import journal

    with state(ctx).ledger().read() as conn:
        result = journal.verify(conn)
    if not result.ok:
        raise IntegrityError(f"操作日志校验失败：{result.reason}。此前的 {result.rows_checked} 条记录完好")
    typer.echo(f"操作日志完好：共 {result.rows_checked} 条记录，哈希链完整")


ACTION_LABELS = {
    "unit.create": "新增房屋",
    "unit.update": "修改房屋",
    "owner.create": "新增业主",
    "owner.update": "修改业主",
    "private.view": "查看未打码个人信息",
    "document.generate": "生成文书",
    # Issue 4: fees and receipts
    "fee_item.seed": "从配置写入收费项目",
    "fee_item.add": "新增收费项目",
    "fee_rate.set": "调整收费标准",
    "reading.create": "录入抄表读数",
    "reading.update": "修改抄表读数",
    "bill.month": "月度出账",
    "bill.rebill": "按新标准重算账单",
    "bill.remove": "删除账单",
    "receipt.issue": "收款开收据",
    "receipt.void": "作废收据",
    "receipt.reprint": "补打收据",
}


@journal_app.command("list")
def journal_list(
    ctx: typer.Context,
    limit: int = typer.Option(30, "--limit", "-n", min=1, help="显示最近多少条。"),
    key: str | None = typer.Option(None, "--key", help="只看某个对象，例如房号 3-2-1201。"),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出。"),
) -> None:
    """查看最近的操作日志（谁、何时、做了什么）。个人信息在这里不显示。

    例：recordkit journal list --limit 10
    """
    from recordkit.ledger import journal

    with state(ctx).ledger().read() as conn:
        entries = journal.recent(conn, limit=limit, entity_key=key)
    rows = [
        {
            "id": e.id,
            "at": e.at,
            "operator": e.operator,
            "action": e.action,
            "action_label": ACTION_LABELS.get(e.action, e.action),
            "key": e.key,
        }
        for e in entries
    ]
    if as_json:
        print_json(rows)
        return
    table = new_table("序号", "时间（UTC）", "经办人", "操作", "对象")
    for e in entries:
        table.add_row(str(e.id), e.at[:19].replace("T", " "), e.operator, ACTION_LABELS.get(e.action, e.action), e.key)
    console().print(table)
