"""``recordkit db``: the ledger database itself (bring its tables up to date)."""

from __future__ import annotations

import typer

from recordkit.cli._app import state

#: What this module adds to the root command; the root loads it when one of its names is typed.
commands = typer.Typer()

db_app = typer.Typer(help="台账数据库：升级表结构。\n\n例：recordkit db upgrade", no_args_is_help=True)
commands.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade(ctx: typer.Context) -> None:
    """把台账数据库升级到最新表结构（首次使用时也会自动进行）。

    例：recordkit db upgrade
    """
    from recordkit.ledger.db import open_workspace_ledger

    with open_workspace_ledger(state(ctx).workspace(), migrate=False) as ledger:
        before = ledger.revision()
        after = ledger.upgrade()
        where = ledger.where
    if before == after:
        typer.echo(f"台账数据库 {where} 已是最新版本（{after}）")
    else:
        typer.echo(f"台账数据库 {where} 已从 {before or '空库'} 升级到 {after}")
