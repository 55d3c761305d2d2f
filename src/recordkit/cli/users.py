"""``recordkit users``: the accounts of the web page (add, list, disable, enable, passwd).

Passwords are typed twice with hidden input, or read from standard input with ``--password-stdin``
(scripts); they are never arguments, so they stay out of shell history and process lists."""

from __future__ import annotations

import sys

import typer

from recordkit.cli._app import console, new_table, print_json, state
from recordkit.core.dates import format_stamp
from recordkit.core.errors import UsageError

#: What this module adds to the root command; the root loads it when one of its names is typed.
commands = typer.Typer()
users_app = typer.Typer(
    help="网页账户：新增、列出、停用、启用、改密码（网页在办公室网络上提供时需要登录）。\n\n"
    "例：recordkit users add 王芳 --role 档案管理员",
    no_args_is_help=True,
)
commands.add_typer(users_app, name="users")

PASSWORD_STDIN_HELP = "从标准输入读取密码（一行，供脚本使用），不提示输入。"


def _new_password(from_stdin: bool) -> str:
    """The password from standard input's first line, or typed twice without echo."""
    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            raise UsageError("标准输入没有密码：用 --password-stdin 时请把密码作为一行输入")
        return line.rstrip("\r\n")
    first = typer.prompt("密码", hide_input=True, prompt_suffix="：")
    second = typer.prompt("再输入一次密码", hide_input=True, prompt_suffix="：")
    if first != second:
        raise UsageError("两次输入的密码不一致，没有保存：请重新运行")
    return str(first)


@users_app.command("add")
def users_add(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="用户名（登录时输入），例如 王芳。"),
    role: str = typer.Option(..., "--role", help="角色：查阅（只能检索、查看）或 档案管理员（还可复核、借阅）。"),
    password_stdin: bool = typer.Option(False, "--password-stdin", help=PASSWORD_STDIN_HELP),
) -> None:
    """新增网页账户（记入操作日志，不记密码）。密码至少 8 个字符，不能与用户名相同。

    例：recordkit users add 王芳 --role 档案管理员
    """
    from recordkit.web.accounts import add_user, check_new_account

    app_state = state(ctx)
    ledger = app_state.ledger()
    checked, code = check_new_account(ledger, name, role)  # refused before the password is asked for
    user = add_user(ledger, checked, code, _new_password(password_stdin), operator=app_state.operator_name)
    typer.echo(f"已新增账户 {user.name}（{user.role_label}）")


@users_app.command("list")
def users_list(
    ctx: typer.Context,
    as_json: bool = typer.Option(
        False, "--json", help="以 JSON 输出（name、role、role_label、disabled、created_at、last_login_at 等）。"
    ),
) -> None:
    """列出网页账户：角色、是否停用、创建人、最近登录（时间按办公室时区显示）。

    例：recordkit users list
    """
    from recordkit.web.accounts import list_users

    app_state = state(ctx)
    accounts = list_users(app_state.ledger())
    if as_json:
        print_json([account.to_dict() for account in accounts])
        return
    if not accounts:
        typer.echo("还没有网页账户：用 recordkit users add 姓名 --role 档案管理员 新增")
        return
    zone = app_state.workspace().settings.office.time_zone
    table = new_table(
        "用户名", "角色", "状态", "创建时间", "创建人", "改密码时间", "最近登录", title=f"网页账户 {len(accounts)} 个"
    )
    for account in accounts:
        table.add_row(
            account.name,
            account.role_label,
            "已停用" if account.disabled else "可登录",
            format_stamp(account.created_at, zone),
            account.created_by,
            format_stamp(account.password_changed_at, zone),
            format_stamp(account.last_login_at, zone) if account.last_login_at else "",
        )
    console().print(table)


@users_app.command("disable")
def users_disable(ctx: typer.Context, name: str = typer.Argument(..., help="用户名。")) -> None:
    """停用账户：不能再登录，已登录的网页下一次操作时退出（记入操作日志）。

    例：recordkit users disable 王芳
    """
    _set_disabled(ctx, name, True)


@users_app.command("enable")
def users_enable(ctx: typer.Context, name: str = typer.Argument(..., help="用户名。")) -> None:
    """重新启用停用的账户（记入操作日志）。

    例：recordkit users enable 王芳
    """
    _set_disabled(ctx, name, False)


def _set_disabled(ctx: typer.Context, name: str, disabled: bool) -> None:
    from recordkit.web.accounts import disable_user, enable_user

    app_state = state(ctx)
    change = disable_user if disabled else enable_user
    user = change(app_state.ledger(), name, operator=app_state.operator_name)
    typer.echo(f"已{'停用' if disabled else '启用'}账户 {user.name}（{user.role_label}）")


@users_app.command("passwd")
def users_passwd(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="用户名。"),
    password_stdin: bool = typer.Option(False, "--password-stdin", help=PASSWORD_STDIN_HELP),
) -> None:
    """修改账户的密码（记入操作日志，不记密码）；该账户的登录失败记录随之清除，已登录的网页下一次操作时退出。

    例：recordkit users passwd 王芳
    """
    from recordkit.web.accounts import require_user, set_password

    app_state = state(ctx)
    ledger = app_state.ledger()
    user = require_user(ledger, name)  # refused before the password is asked for
    user = set_password(ledger, user.name, _new_password(password_stdin), operator=app_state.operator_name)
    typer.echo(f"已修改账户 {user.name} 的密码")
