"""``recordkit serve``: the archive room in a browser (the web application is ``recordkit.web``)."""

from __future__ import annotations

import errno
import socket

import typer

from recordkit.cli._app import state
from recordkit.core.errors import ConflictError, LedgerError, UsageError

#: What this module adds to the root command; the root loads it when one of its names is typed.
commands = typer.Typer()


@commands.command("serve")
def serve_command(
    ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", "--host", help="监听地址：默认只有本机能打开；其他地址必须先建立账户。"),
    port: int = typer.Option(8080, "--port", help="端口（0 表示任选一个空闲端口）。"),
    threads: int = typer.Option(8, "--threads", help="同时处理的请求数。"),
) -> None:
    """在浏览器中使用档案室：检索（带页面预览）、查看档案、复核、借阅与归还。

    默认只在本机（127.0.0.1）提供，不需要登录，以本机操作员的身份（档案管理员）操作；
    在办公室网络上提供（--host 0.0.0.0 或本机的局域网地址）时必须先用 recordkit users add 建立账户，
    所有人都要登录；建了账户以后本机也要登录（网页开着时建的第一个账户，从下一次操作起）。

    例：recordkit serve --port 8080
    """
    from waitress import create_server

    from recordkit.archive.archivist import refuse_a_new_ledger_beside_the_archive
    from recordkit.archive.pages import start_renderer
    from recordkit.web.accounts import any_user
    from recordkit.web.app import accounts_required, create_app

    if not 0 <= port <= 65535:
        raise UsageError(f"端口应在 0 到 65535 之间（写的是 {port}）")
    if not 1 <= threads <= 64:
        raise UsageError(f"--threads 应在 1 到 64 之间（写的是 {threads}）")
    app_state = state(ctx)
    # A mistyped schema (or address) beside a filed archive: a settings mistake (exit 3), not a ledger away (exit 7).
    refuse_a_new_ledger_beside_the_archive(app_state.workspace(), "档案室网页没有启动")
    # Never a new ledger: a mistyped address or schema made an empty one (29 tables) that the page then lent from.
    workspace, ledger = app_state.workspace(), app_state.ledger(create=False)
    required = accounts_required(host, any_user(ledger))
    if required and ledger.read_only():
        # Every sign-in writes (its failures are counted in the ledger, against guessed passwords): on a replica, or
        # a SQLite file this service account may only read, nobody could sign in.
        raise LedgerError(
            f"台账数据库 {ledger.where} {ledger.read_only_said}：档案室网页要登录（已经建立了账户，或在办公室网络上提供），"
            f"而登录要写入台账（登录失败的次数记在台账里，防止猜密码）：请{ledger.writes_need('recordkit serve')}"
        )
    app = create_app(workspace, accounts_required=required, ledger=ledger)
    try:
        server = create_server(app, host=host, port=port, threads=threads, ident="recordkit")
    except OSError as err:
        refusal = _listen_refused(host, port, err)
        if refusal is None:
            raise
        raise refusal from None
    start_renderer(workspace)  # the page-image reader process, so that the first page shown does not wait
    shown_host = f"[{host}]" if ":" in host else host
    typer.echo(f"档案室网页已启动：http://{shown_host}:{server.effective_port}/ （按 Ctrl+C 停止）", err=False)
    if required:
        typer.echo("需要登录：账户用 recordkit users add 建立")
    else:
        typer.echo(f"只有本机能打开，不需要登录；以 {workspace.settings.operator_name}（档案管理员）的身份操作")
    try:
        server.run()
    except KeyboardInterrupt:
        typer.echo("档案室网页已停止")
    finally:
        server.close()


def _listen_refused(host: str, port: int, err: OSError) -> Exception | None:
    """What the clerk is told when the address cannot be listened on (a port another program holds, one below
    1024, an address this computer does not have), or None for another failure."""
    if isinstance(err, socket.gaierror):
        return UsageError(f"--host {host} 不是能识别的地址：请写这台电脑的局域网 IP 地址，或去掉 --host 只在本机使用")
    if err.errno == errno.EADDRINUSE:
        return ConflictError(
            f"端口 {port} 已被占用（另一个 recordkit serve 或别的程序正在用）：请先停掉它，或换一个端口，例如 --port {port + 1 if port < 65535 else 8081}"
        )
    if err.errno == errno.EACCES:
        return UsageError(
            f"没有权限使用端口 {port}（1024 以下的端口要管理员权限）：请用 1024 以上的端口，例如 --port 8080"
        )
    if err.errno == errno.EADDRNOTAVAIL:
        return UsageError(
            f"这台电脑没有地址 {host}：请写这台电脑的局域网 IP 地址，或用 --host 0.0.0.0 在这台电脑的所有地址上提供"
        )
    return None
