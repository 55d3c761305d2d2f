"""Issue 19: accounts of the web page (``web.accounts``) and ``recordkit users``: scrypt hashes with the
parameters in them, password rules, roles, disabled accounts, the journal, and the throttling of failed
sign-ins on a fixed clock (kept in the ledger: a restart forgets none).  Library tests run on SQLite and
PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import threading
import zoneinfo
from typing import Any

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from recordkit.cli import app
from recordkit.core.errors import ConflictError, NotFoundError, UsageError, ValidationError
from recordkit.core.workspace import Workspace
from recordkit.ledger import journal
from recordkit.ledger.db import Ledger, open_ledger
from recordkit.ledger.schema import web_login_failures, web_users
from recordkit.web import accounts
from recordkit.web.accounts import (
    LoginRefused,
    User,
    add_user,
    any_user,
    authenticate,
    disable_user,
    enable_user,
    get_user,
    list_users,
    set_password,
)

T0 = dt.datetime(2026, 12, 2, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai
WRONG = "用户名或密码不对：请重新输入（连续输错 5 次将暂停登录 15 分钟）"


def at(minutes: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def hashes(ledger: Ledger) -> dict[str, str]:
    with ledger.read() as conn:
        return dict(conn.execute(sa.select(web_users.c.name, web_users.c.password_hash)).all())


def journal_rows(ledger: Ledger) -> list[journal.JournalEntry]:
    with ledger.read() as conn:
        return list(reversed(journal.recent(conn, 100)))


def fail(ledger: Ledger, name: str, minutes: float, client: str = "192.168.1.20") -> str:
    with pytest.raises(LoginRefused) as refused:
        authenticate(ledger, name, "wrong-password", client=client, now=at(minutes))
    return refused.value.message


# -- passwords and accounts ------------------------------------------------------------------------


def test_passwords_are_kept_as_salted_scrypt_with_their_parameters(ledger: Ledger) -> None:
    add_user(ledger, "王芳", "档案管理员", "王芳的密码2026", operator="站长")
    add_user(ledger, "李明", "查阅", "王芳的密码2026", operator="站长")
    kept = hashes(ledger)
    for stored in kept.values():
        method, salt, key = stored.split("$")
        assert method == "scrypt:32768:8:1"  # N=2**15, r=8, p=1: at least the n=2**14
        assert len(salt) == 24 and len(key) == 44  # 16 and 32 bytes, base64
        assert "王芳的密码" not in stored and "2026" not in stored
    assert kept["王芳"] != kept["李明"]  # a salt of its own each
    assert accounts.verify_password("王芳的密码2026", kept["王芳"])
    assert not accounts.verify_password("王芳的密码2027", kept["王芳"])
    assert not accounts.verify_password("王芳的密码2026", "plain:王芳的密码2026")


def test_a_hash_with_weaker_parameters_still_verifies() -> None:
    import base64
    import hashlib

    salt = b"0123456789abcdef"
    key = hashlib.scrypt("老密码12345".encode(), salt=salt, n=2**14, r=8, p=1, dklen=32)
    stored = f"scrypt:16384:8:1${base64.b64encode(salt).decode()}${base64.b64encode(key).decode()}"
    assert accounts.verify_password("老密码12345", stored)
    assert not accounts.verify_password("老密码12346", stored)
    assert not accounts.verify_password("老密码12345", stored.replace("16384", str(2**24)))  # too costly: refused


@pytest.mark.parametrize(
    ("name", "password", "message"),
    [
        ("王芳", "short7!", "密码太短：至少 8 个字符，没有保存"),
        ("wangfang", "WangFang", "密码不能与用户名相同，没有保存"),
        ("王芳", " " * 9, "密码不能全是空格，没有保存"),
        ("王 芳", "long-enough-1", "用户名“王 芳”不能用：只能用汉字、字母、数字和 _ . -，不能有空格，最多 32 个字"),
        ("  ", "long-enough-1", "用户名不能为空"),
    ],
)
def test_bad_names_and_passwords_are_refused_and_nothing_is_written(
    ledger: Ledger, name: str, password: str, message: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        add_user(ledger, name, "查阅", password, operator="站长")
    assert refused.value.message == message
    assert list_users(ledger) == [] and not any_user(ledger) and journal_rows(ledger) == []


def test_roles_by_their_chinese_word_or_code_and_what_each_may_do(ledger: Ledger) -> None:
    assert accounts.ROLES == {"reader": "查阅", "archivist": "档案管理员"}
    assert add_user(ledger, "李明", "查阅", "long-enough-1", operator="站长") == User("李明", "reader", False)
    assert add_user(ledger, "王芳", "archivist", "long-enough-1", operator="站长").role == "archivist"
    with pytest.raises(UsageError) as unknown:
        add_user(ledger, "赵六", "管理员", "long-enough-1", operator="站长")
    assert unknown.value.message == "没有角色“管理员”：只能是 查阅 或 档案管理员"
    reader, archivist = get_user(ledger, "李明"), get_user(ledger, "王芳")
    assert reader is not None and archivist is not None
    actions = ("search", "view", "lend", "review", "private")
    assert [a for a in actions if reader.can(a)] == ["search", "view"]
    assert [a for a in actions if archivist.can(a)] == list(actions)
    assert not archivist.can("delete")
    assert not User("停用的", "archivist", True).can("search")


def test_a_taken_name_is_a_conflict(ledger: Ledger) -> None:
    add_user(ledger, "王芳", "查阅", "long-enough-1", operator="站长")
    with pytest.raises(ConflictError) as taken:
        add_user(ledger, "王芳", "档案管理员", "long-enough-2", operator="站长")
    assert taken.value.message == "账户 王芳 已存在：改密码用 recordkit users passwd 王芳"
    assert [a.role for a in list_users(ledger)] == ["reader"]


def test_every_change_is_journalled_with_the_operator_and_never_the_password(ledger: Ledger) -> None:
    add_user(ledger, "王芳", "档案管理员", "first-password-1", operator="站长")
    set_password(ledger, "王芳", "second-password-2", operator="站长")
    disable_user(ledger, "王芳", operator="主任")
    enable_user(ledger, "王芳", operator="主任")
    rows = journal_rows(ledger)
    assert [(r.action, r.entity, r.key, r.operator) for r in rows] == [
        ("user.add", "web_user", "王芳", "站长"),
        ("user.passwd", "web_user", "王芳", "站长"),
        ("user.disable", "web_user", "王芳", "主任"),
        ("user.enable", "web_user", "王芳", "主任"),
    ]
    assert rows[0].after == {"name": "王芳", "role": "archivist", "disabled": False}
    assert rows[2].before == {"name": "王芳", "role": "archivist", "disabled": False}
    assert rows[2].after == {"name": "王芳", "role": "archivist", "disabled": True}
    everything = json.dumps([(r.before, r.after) for r in rows], ensure_ascii=False)
    assert "password-" not in everything and "scrypt" not in everything
    assert [journal.action_label(r.action) for r in rows] == [
        "新增网页账户",
        "修改网页账户密码",
        "停用网页账户",
        "启用网页账户",
    ]
    with ledger.read() as conn:
        assert journal.verify(conn).ok


# -- signing in ------------------------------------------------------------------------------------


def test_the_right_password_signs_in_and_a_wrong_one_or_an_unknown_name_does_not(ledger: Ledger) -> None:
    add_user(ledger, "王芳", "档案管理员", "right-password-1", operator="站长")
    user = authenticate(ledger, "王芳", "right-password-1", client="192.168.1.20", now=at(0))
    assert user == User("王芳", "archivist", False)
    assert list_users(ledger)[0].last_login_at == at(0).isoformat(timespec="microseconds")
    assert fail(ledger, "王芳", 1) == WRONG
    assert fail(ledger, "没有这个人", 1) == WRONG  # the same words: names cannot be guessed
    assert journal_rows(ledger)[-1].action == "user.add"  # signing in changes no account


def test_a_disabled_account_cannot_sign_in_even_with_its_password(ledger: Ledger) -> None:
    add_user(ledger, "李明", "查阅", "right-password-1", operator="站长")
    disable_user(ledger, "李明", operator="站长")
    with pytest.raises(LoginRefused) as refused:
        authenticate(ledger, "李明", "right-password-1", client="192.168.1.20", now=at(0))
    assert refused.value.message == "账户 李明 已停用：请联系档案管理员"
    user = get_user(ledger, "李明")
    assert user is not None and user.disabled and not user.can("view")
    with pytest.raises(ConflictError) as again:
        disable_user(ledger, "李明", operator="站长")
    assert again.value.message == "账户 李明 已经是停用状态，没有改动"
    enable_user(ledger, "李明", operator="站长")
    assert authenticate(ledger, "李明", "right-password-1", client="192.168.1.20", now=at(1)).name == "李明"


def test_five_failures_lock_the_name_for_fifteen_minutes_even_for_the_right_password(ledger: Ledger) -> None:
    add_user(ledger, "王芳", "档案管理员", "right-password-1", operator="站长")
    for minute in range(5):  # 10:00 .. 10:04
        assert fail(ledger, "王芳", minute) == WRONG
    shanghai = zoneinfo.ZoneInfo("Asia/Shanghai")
    with pytest.raises(LoginRefused) as locked:
        authenticate(ledger, "王芳", "right-password-1", client="192.168.1.20", now=at(5), zone=shanghai)
    # locked from the fifth failure (10:04) for 15 minutes: until 10:19, 14 minutes from 10:05
    assert locked.value.message == "登录失败次数过多，已暂停登录：请 14 分钟后（10:19 以后）再试"
    assert locked.value.retry_at == at(19)
    with pytest.raises(LoginRefused) as other_client:  # the name is locked, wherever it is typed
        authenticate(ledger, "王芳", "right-password-1", client="192.168.1.30", now=at(18.5))
    assert other_client.value.message == "登录失败次数过多，已暂停登录：请 1 分钟后再试"
    assert authenticate(ledger, "王芳", "right-password-1", client="192.168.1.20", now=at(19)).name == "王芳"


def test_the_lock_survives_a_restart(ledger_url: str) -> None:
    with open_ledger(ledger_url) as first:
        add_user(first, "王芳", "档案管理员", "right-password-1", operator="站长")
        for minute in range(5):
            fail(first, "王芳", minute)
    with open_ledger(ledger_url) as second, pytest.raises(LoginRefused) as locked:  # the service restarted
        authenticate(second, "王芳", "right-password-1", client="192.168.1.20", now=at(6))
    assert locked.value.message == "登录失败次数过多，已暂停登录：请 13 分钟后再试"


def test_failures_spread_beyond_the_window_do_not_lock_and_a_success_forgets_them(ledger: Ledger) -> None:
    add_user(ledger, "王芳", "档案管理员", "right-password-1", operator="站长")
    for minute in (0, 5, 10, 16, 17):  # never five within 15 minutes
        fail(ledger, "王芳", minute)
    assert authenticate(ledger, "王芳", "right-password-1", client="192.168.1.20", now=at(18)).name == "王芳"
    for minute in (19, 20, 21, 22):  # four more after the success: the earlier ones no longer count
        fail(ledger, "王芳", minute)
    assert authenticate(ledger, "王芳", "right-password-1", client="192.168.1.20", now=at(23)).name == "王芳"
    with ledger.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(web_login_failures)).scalar() == 0


def test_one_address_guessing_many_names_is_locked_too(ledger: Ledger) -> None:
    add_user(ledger, "王芳", "档案管理员", "right-password-1", operator="站长")
    for number in range(20):  # 20 names, 4 tries each at most: no name is locked, the address is
        fail(ledger, f"user{number % 5}", number * 0.5, client="10.0.0.66")
    with pytest.raises(LoginRefused) as locked:
        authenticate(ledger, "王芳", "right-password-1", client="10.0.0.66", now=at(10))
    assert locked.value.message == "登录失败次数过多，已暂停登录：请 15 分钟后再试"
    assert authenticate(ledger, "王芳", "right-password-1", client="192.168.1.20", now=at(10)).name == "王芳"


@pytest.mark.parametrize("name", ["王\x00芳", "\x00"])
def test_a_name_with_a_nul_is_refused_before_the_ledger_is_asked(ledger: Ledger, name: str) -> None:
    """PostgreSQL refuses a NUL in text: a DataError there was a 503 (the database unreachable) on the page."""
    add_user(ledger, "王芳", "档案管理员", "right-password-1", operator="站长")
    with pytest.raises(ValidationError, match="用户名里有控制字符"):
        authenticate(ledger, name, "right-password-1", client="192.168.1.20", now=at(0))
    with ledger.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(web_login_failures)).scalar() == 0


def guesses_at_once(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch, attempts: list[tuple[str, str]]
) -> tuple[list[str], list[str]]:
    """Sign in with each (name, client) of ``attempts`` at once, each in its own thread and with a wrong
    password; the refusals' messages, and the names whose password was checked (once per check)."""
    checked: list[str] = []
    real = accounts.verify_password
    barrier = threading.Barrier(len(attempts))
    names = dict(hashes(ledger).items())

    def verify(password: str, stored: str) -> bool:
        checked.append(next((name for name, kept in names.items() if kept == stored), "?"))
        return real(password, stored)

    monkeypatch.setattr(accounts, "verify_password", verify)
    messages: list[str] = []

    def guess(name: str, client: str) -> None:
        barrier.wait()
        try:
            authenticate(ledger, name, "wrong-password", client=client, now=at(0))
        except LoginRefused as refused:
            messages.append(refused.message)

    threads = [threading.Thread(target=guess, args=attempt) for attempt in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return messages, checked


def test_guesses_made_at_once_are_counted_before_any_password_is_checked(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_user(ledger, "王芳", "档案管理员", "right-password-1", operator="站长")
    messages, checked = guesses_at_once(ledger, monkeypatch, [("王芳", f"10.0.0.{n}") for n in range(16)])
    assert len(messages) == 16
    assert checked == ["王芳"] * 5, "no more than 5 passwords of one name are ever checked"
    assert messages.count(WRONG) == 5
    with pytest.raises(LoginRefused, match="登录失败次数过多"):
        authenticate(ledger, "王芳", "right-password-1", client="192.168.1.20", now=at(1))


def test_guesses_from_one_address_at_once_stop_at_its_limit(ledger: Ledger, monkeypatch: pytest.MonkeyPatch) -> None:
    messages, checked = guesses_at_once(ledger, monkeypatch, [(f"user{n}", "10.0.0.66") for n in range(26)])
    assert len(messages) == 26 and len(checked) == 20 and messages.count(WRONG) == 20


def test_a_new_password_replaces_the_old_and_lifts_the_lock(ledger: Ledger) -> None:
    add_user(ledger, "王芳", "档案管理员", "old-password-1", operator="站长")
    before = hashes(ledger)["王芳"]
    for minute in range(5):
        fail(ledger, "王芳", minute)
    set_password(ledger, "王芳", "new-password-2", operator="站长", now=at(5))
    assert hashes(ledger)["王芳"] != before
    with pytest.raises(LoginRefused) as old:
        authenticate(ledger, "王芳", "old-password-1", client="192.168.1.20", now=at(7))
    assert old.value.message == WRONG  # wrong, and no longer locked: the failures were forgotten
    assert authenticate(ledger, "王芳", "new-password-2", client="192.168.1.20", now=at(8)).name == "王芳"
    with pytest.raises(NotFoundError) as unknown:
        set_password(ledger, "没有这个人", "new-password-2", operator="站长")
    assert unknown.value.message == "没有账户 没有这个人：用 recordkit users list 查看已有账户"
    with pytest.raises(ValidationError):
        set_password(ledger, "王芳", "王芳", operator="站长")


def test_the_accounts_module_loads_no_web_framework() -> None:
    code = (
        "import sys, recordkit.web.accounts, recordkit.cli.users;"
        "print([m for m in ('flask', 'werkzeug', 'jinja2', 'starlette') if m in sys.modules])"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


# -- recordkit users -------------------------------------------------------------------------------


@pytest.fixture
def users_cli(cli_env: dict[str, str]) -> Any:
    runner = CliRunner()

    def run(*args: str, stdin: str | None = None) -> Any:
        return runner.invoke(app, ["users", *args], env={**cli_env, "RECORDKIT_OPERATOR": "站长"}, input=stdin)

    return run


def test_users_add_asks_twice_and_list_shows_the_account(users_cli: Any, workspace: Workspace) -> None:
    added = users_cli("add", "王芳", "--role", "档案管理员", stdin="right-password-1\nright-password-1\n")
    assert added.exit_code == 0, added.output
    assert added.stdout.splitlines()[-1] == "已新增账户 王芳（档案管理员）"
    assert "right-password-1" not in added.stdout  # typed without echo
    piped = users_cli("add", "李明", "--role", "查阅", "--password-stdin", stdin="reader-password-1\n")
    assert piped.exit_code == 0 and piped.stdout.strip() == "已新增账户 李明（查阅）"
    listed = json.loads(users_cli("list", "--json").stdout)
    assert [(a["name"], a["role"], a["role_label"], a["disabled"], a["created_by"]) for a in listed] == [
        ("李明", "reader", "查阅", False, "站长"),
        ("王芳", "archivist", "档案管理员", False, "站长"),
    ]
    assert all("hash" not in key for key in listed[0])
    table = users_cli("list")
    assert table.exit_code == 0
    assert "网页账户 2 个" in table.stdout
    assert [line.split("│")[1:4] for line in table.stdout.splitlines() if "王芳" in line] == [
        [" 王芳   ", " 档案管理员 ", " 可登录 "]
    ]
    with open_ledger(workspace.database_url) as ledger:
        assert authenticate(ledger, "王芳", "right-password-1", client="127.0.0.1").role == "archivist"
        assert authenticate(ledger, "李明", "reader-password-1", client="127.0.0.1").role == "reader"


def test_users_add_refuses_before_asking_for_a_password(users_cli: Any) -> None:
    users_cli("add", "王芳", "--role", "查阅", "--password-stdin", stdin="right-password-1\n")
    for args, code, message in (
        (("add", "王芳", "--role", "查阅"), 8, "错误：账户 王芳 已存在：改密码用 recordkit users passwd 王芳"),
        (("add", "赵六", "--role", "管理员"), 2, "错误：没有角色“管理员”：只能是 查阅 或 档案管理员"),
        (("passwd", "没有这个人"), 6, "错误：没有账户 没有这个人：用 recordkit users list 查看已有账户"),
    ):
        result = users_cli(*args)  # no input at all: a prompt would abort instead
        assert (result.exit_code, result.stderr.strip()) == (code, message)
        assert "密码" not in result.stdout


def test_users_add_with_two_different_passwords_or_a_short_one_saves_nothing(users_cli: Any) -> None:
    mismatch = users_cli("add", "王芳", "--role", "查阅", stdin="right-password-1\nright-password-2\n")
    assert (mismatch.exit_code, mismatch.stderr.strip()) == (2, "错误：两次输入的密码不一致，没有保存：请重新运行")
    short = users_cli("add", "王芳", "--role", "查阅", "--password-stdin", stdin="short\n")
    assert (short.exit_code, short.stderr.strip()) == (5, "错误：密码太短：至少 8 个字符，没有保存")
    empty = users_cli("add", "王芳", "--role", "查阅", "--password-stdin", stdin="")
    assert (empty.exit_code, empty.stderr.strip()) == (
        2,
        "错误：标准输入没有密码：用 --password-stdin 时请把密码作为一行输入",
    )
    listed = users_cli("list")
    assert listed.stdout.strip() == "还没有网页账户：用 recordkit users add 姓名 --role 档案管理员 新增"


def test_users_disable_and_passwd(users_cli: Any, workspace: Workspace) -> None:
    users_cli("add", "李明", "--role", "查阅", "--password-stdin", stdin="reader-password-1\n")
    disabled = users_cli("disable", "李明")
    assert (disabled.exit_code, disabled.stdout.strip()) == (0, "已停用账户 李明（查阅）")
    again = users_cli("disable", "李明")
    assert (again.exit_code, again.stderr.strip()) == (8, "错误：账户 李明 已经是停用状态，没有改动")
    assert json.loads(users_cli("list", "--json").stdout)[0]["disabled"] is True
    assert "已停用" in users_cli("list").stdout
    changed = users_cli("passwd", "李明", stdin="reader-password-2\nreader-password-2\n")
    assert changed.exit_code == 0 and changed.stdout.splitlines()[-1] == "已修改账户 李明 的密码"
    enabled = users_cli("enable", "李明")
    assert (enabled.exit_code, enabled.stdout.strip()) == (0, "已启用账户 李明（查阅）")
    with open_ledger(workspace.database_url) as ledger:
        assert authenticate(ledger, "李明", "reader-password-2", client="127.0.0.1").name == "李明"
        assert [(r.action, r.operator) for r in journal_rows(ledger)] == [
            ("user.add", "站长"),
            ("user.disable", "站长"),
            ("user.passwd", "站长"),
            ("user.enable", "站长"),
        ]


def test_a_name_differing_only_in_case_or_width_is_the_same_account(users_cli: Any, workspace: Workspace) -> None:
    """``users add wang`` then ``users add Ｗａｎｇ`` made two accounts (names were only NFC-normalised): the
    clerk who signs in as Wang could not tell which she is.  Names are compared NFKC + casefold: the second is
    refused as taken (exit 8, naming the account there), and the account signs in however its name is typed,
    its failed sign-ins counted together."""
    added = users_cli("add", "wang", "--role", "查阅", "--password-stdin", stdin="right-password-1\n")
    assert added.exit_code == 0, added.output
    for typed in ("Ｗａｎｇ", "WANG"):
        taken = users_cli("add", typed, "--role", "档案管理员", "--password-stdin", stdin="other-password-2\n")
        assert (taken.exit_code, taken.stdout, taken.stderr) == (
            8,
            "",
            "错误：账户 wang 已存在（用户名不分大小写和全角半角）：改密码用 recordkit users passwd wang\n",
        )
    assert [a["name"] for a in json.loads(users_cli("list", "--json").stdout)] == ["wang"]
    with open_ledger(workspace.database_url) as ledger:
        for minute, typed in enumerate(("Ｗａｎｇ", "WANG", "wang ")):
            assert authenticate(ledger, typed, "right-password-1", client="127.0.0.1", now=at(minute)).name == "wang"
        for minute, typed in enumerate(("Wang", "WANG", "ｗａｎｇ", "wAng", "wanG")):
            fail(ledger, typed, 10 + minute)
        with pytest.raises(LoginRefused, match="^登录失败次数过多"):
            authenticate(ledger, "wang", "right-password-1", client="192.168.1.30", now=at(15))
