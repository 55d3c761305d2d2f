"""How long a sign-in to the archive-room web page holds: a password changed by ``recordkit users passwd``
ends the sessions signed in with the old one, a session left unused for hours ends, and an account added while
a page served on this computer runs asks for sign-in from the next request on."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import time_machine
from typer.testing import CliRunner

from recordkit.cli import app as cli_app
from recordkit.core.workspace import Workspace
from recordkit.ledger.db import Ledger, open_ledger
from recordkit.web import accounts
from recordkit.web.app import create_app
from tests.web_helpers import Browser, text_of

PASSWORD = "correct horse 1"
PASSWORD_CHANGED = "密码已更改，请重新登录"
IDLE = "长时间未操作，已自动退出，请重新登录"


@pytest.fixture
def web_ledger(workspace: Workspace) -> Iterator[Ledger]:
    with open_ledger(workspace.database_url) as ledger:
        yield ledger


def users(workspace: Workspace, *args: str, stdin: str | None = None) -> Any:
    """``recordkit users …`` in another terminal, as the office's administrator."""
    return CliRunner().invoke(
        cli_app,
        ["users", *args],
        env={"RECORDKIT_HOME": str(workspace.root), "RECORDKIT_OPERATOR": "站长", "RECORDKIT_DATABASE_URL": None},
        input=stdin,
    )


def signed_in(workspace: Workspace, ledger: Ledger, name: str = "王档案") -> Browser:
    accounts.add_user(ledger, name, "archivist", PASSWORD, operator="站长")
    browser = Browser(create_app(workspace, accounts_required=True, ledger=ledger))
    assert browser.login(name, PASSWORD).status_code == 302
    assert browser.get("/loans").status_code == 200
    return browser


def sent_to_login(browser: Browser, url: str = "/loans") -> str:
    """The words of the login page a request to ``url`` is sent to (it must be sent there)."""
    response = browser.get(url)
    assert response.status_code == 302 and "/login" in response.headers["Location"], response.status_code
    login = browser.get(response.headers["Location"])
    assert login.status_code == 200 and 'id="login-button"' in login.get_data(as_text=True)
    return text_of(login)


# -- a password changed ---------------------------------------------------------------------------------


def test_a_password_changed_on_the_command_line_signs_the_open_page_out(
    workspace: Workspace, web_ledger: Ledger
) -> None:
    browser = signed_in(workspace, web_ledger)
    changed = users(workspace, "passwd", "王档案", "--password-stdin", stdin="a new password 2\n")
    assert changed.exit_code == 0, changed.output
    assert PASSWORD_CHANGED in sent_to_login(browser)
    assert browser.get("/loans").status_code == 302, "still signed out: the message is said once, the door stays shut"
    assert browser.login("王档案", PASSWORD).status_code == 403  # the old password is gone
    assert browser.login("王档案", "a new password 2").status_code == 302
    page = browser.get("/loans")
    assert page.status_code == 200 and "王档案（档案管理员）" in text_of(page)
    assert PASSWORD_CHANGED not in text_of(page)


def test_another_accounts_password_change_leaves_a_session_alone(workspace: Workspace, web_ledger: Ledger) -> None:
    browser = signed_in(workspace, web_ledger)
    accounts.add_user(web_ledger, "小李", "reader", PASSWORD, operator="站长")
    accounts.set_password(web_ledger, "小李", "a new password 2", operator="站长")
    assert browser.get("/loans").status_code == 200


# -- a session left unused --------------------------------------------------------------------------------


def test_a_session_unused_for_eight_hours_is_signed_out(workspace: Workspace, web_ledger: Ledger) -> None:
    start = dt.datetime.now(dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        browser = signed_in(workspace, web_ledger)
        # used all day, with pauses under eight hours: still signed in at night
        for _ in range(4):
            clock.shift(dt.timedelta(hours=7, minutes=59))
            assert browser.get("/loans").status_code == 200
        clock.shift(dt.timedelta(hours=8, minutes=1))  # left signed in overnight
        assert IDLE in sent_to_login(browser)
        assert browser.get("/loans").status_code == 302
        assert browser.login("王档案", PASSWORD).status_code == 302
        assert browser.get("/loans").status_code == 200


def test_a_session_used_just_under_eight_hours_ago_holds(workspace: Workspace, web_ledger: Ledger) -> None:
    start = dt.datetime.now(dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        browser = signed_in(workspace, web_ledger)
        clock.shift(dt.timedelta(hours=8) - dt.timedelta(seconds=1))
        assert browser.get("/loans").status_code == 200


# -- accounts added while the page runs -------------------------------------------------------------------


def test_an_account_added_while_a_local_page_runs_asks_for_sign_in_at_the_next_request(
    workspace: Workspace, web_ledger: Ledger
) -> None:
    browser = Browser(create_app(workspace, accounts_required=False, ledger=web_ledger))
    assert browser.get("/loans").status_code == 200  # no accounts: this computer's operator, unasked
    added = users(workspace, "add", "王档案", "--role", "档案管理员", "--password-stdin", stdin=PASSWORD + "\n")
    assert added.exit_code == 0, added.output
    sent_to_login(browser)
    # no form is taken unsigned any more either
    assert browser.post("/logout", {}).headers["Location"].endswith("/login")
    assert browser.login("王档案", PASSWORD).status_code == 302
    page = browser.get("/loans")
    assert page.status_code == 200 and "王档案（档案管理员）" in text_of(page)


def test_a_local_page_that_asked_for_sign_in_keeps_asking_when_every_account_is_disabled(
    workspace: Workspace, web_ledger: Ledger
) -> None:
    browser = Browser(create_app(workspace, accounts_required=False, ledger=web_ledger))
    assert browser.get("/loans").status_code == 200
    accounts.add_user(web_ledger, "王档案", "archivist", PASSWORD, operator="站长")
    assert users(workspace, "disable", "王档案").exit_code == 0
    sent_to_login(browser)
    refused = browser.login("王档案", PASSWORD)
    assert refused.status_code == 403 and "账户 王档案 已停用" in text_of(refused)
    assert browser.get("/loans").status_code == 302


# -- a page on a ledger that takes no writes ----------------------------------------------------------------


READ_ONLY_SIGN_IN = (
    "这个网页连着只能读的台账（从库），不能在这里登录：请到连着主库的档案室网页（一般是办公室服务器上的）登录"
)


@pytest.mark.postgres
def test_a_local_page_on_a_read_only_ledger_that_sees_an_account_says_where_to_sign_in(
    workspace: Workspace, postgres_ledger_url: str
) -> None:
    """A page served on a clerk's PC without accounts, on a replica (or a database set read-only): an account added on
    the primary reaches it and the page asks for sign-in, which it cannot take (each sign-in is counted in the
    ledger).  It said so with a 503 page after the password was typed; the sign-in page now says at once, in
    Chinese, that sign-in is on the main server, offers no form, and no session is left behind."""
    from tests.conftest import set_database

    set_database(postgres_ledger_url, "SET default_transaction_read_only = on")
    with open_ledger(postgres_ledger_url) as ledger:
        browser = Browser(create_app(workspace, accounts_required=False, ledger=ledger))
        assert browser.get("/loans").status_code == 200  # no accounts: this computer's operator, unasked
        set_database(postgres_ledger_url, "RESET default_transaction_read_only")  # the primary, elsewhere
        with open_ledger(postgres_ledger_url) as primary:
            accounts.add_user(primary, "王档案", "archivist", PASSWORD, operator="站长")
        set_database(postgres_ledger_url, "SET default_transaction_read_only = on")
        ledger.engine.dispose()  # (its connections opened while the primary wrote: the replica's are read-only)
        asked = browser.get("/loans")
        assert asked.status_code == 302 and "/login" in asked.headers["Location"]
        shown = browser.get(asked.headers["Location"])
        tried = browser.post("/login", {"name": "王档案", "password": PASSWORD})
        assert shown.status_code == 503 and 'name="password"' not in shown.get_data(as_text=True)
        assert text_of(shown) == f"登录 · recordkit 档案室 登录档案室 {READ_ONLY_SIGN_IN}"
        assert tried.status_code == 503 and READ_ONLY_SIGN_IN in text_of(tried)
        assert "Set-Cookie" not in tried.headers  # no session written, not even half of one
        assert browser.get("/loans").status_code == 302  # still not signed in
    set_database(postgres_ledger_url, "RESET default_transaction_read_only")


SQLITE_READ_ONLY_SIGN_IN = (
    "运行这个网页的系统账户不能写入台账，而登录要写入台账，所以不能在这里登录："
    "请管理员让这个账户能写入台账文件和它所在的文件夹"
)


def test_a_page_whose_account_may_only_read_the_sqlite_ledger_says_so_instead_of_a_sign_in_form(
    workspace: Workspace, web_ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page served under a service account that may only read records/ledger.sqlite3 offered the sign-in form and
    answered the password with "无法访问台账数据库 …：attempt to write a readonly database" (503).  Its sign-in page
    now says why no one can sign in there and what the administrator does, and offers no form.
    (Tests run as root, who may write everything: the one function that decides is told the account may not.)"""
    accounts.add_user(web_ledger, "王档案", "archivist", PASSWORD, operator="站长")
    monkeypatch.setattr("recordkit.ledger.db.sqlite_takes_writes", lambda _file: False)
    browser = Browser(create_app(workspace, accounts_required=True, ledger=web_ledger))
    asked = browser.get("/loans")
    assert asked.status_code == 302 and "/login" in asked.headers["Location"]
    shown = browser.get(asked.headers["Location"])
    assert shown.status_code == 503 and 'name="password"' not in shown.get_data(as_text=True)
    assert text_of(shown) == f"登录 · recordkit 档案室 登录档案室 {SQLITE_READ_ONLY_SIGN_IN}"
    assert browser.get("/loans").status_code == 302  # not signed in


@pytest.mark.postgres
def test_a_loan_refused_by_a_read_only_ledger_asks_for_the_primarys_page_not_a_setting(
    workspace: Workspace, postgres_ledger_url: str, tmp_path: Path
) -> None:
    """A page on a replica (started on this computer without accounts): lending said 请把这台电脑的 [database] url
    改为主库的地址, a setting of recordkit.toml the page's user never edits.  The page now sends them to the page on
    the primary, or the administrator; the command line keeps its words."""
    from recordkit.core.errors import LedgerError
    from recordkit.ledger.db import display_url
    from tests.conftest import set_database
    from tests.search_helpers import file_documents

    with open_ledger(postgres_ledger_url) as ledger:
        [item] = file_documents(
            workspace, ledger, tmp_path, [("电梯.docx", "工程档案", None, "电梯维保", None, "维保")]
        ).values()
        set_database(postgres_ledger_url, "SET default_transaction_read_only = on")
        try:
            ledger.engine.dispose()  # (its connections opened before: a replica's are read-only)
            browser = Browser(create_app(workspace, accounts_required=False, ledger=ledger))
            assert browser.get(f"/item/{item.archive_no}").status_code == 200
            lent = browser.post(f"/item/{item.archive_no}/lend", {"borrower": "王工", "due": "2027-01-01"})
            with pytest.raises(LedgerError) as caught:
                accounts.add_user(ledger, "王档案", "archivist", PASSWORD, operator="站长")
        finally:
            set_database(postgres_ledger_url, "RESET default_transaction_read_only")
    said = (
        f"台账数据库 {display_url(postgres_ledger_url)} 只能读（从库，或设置了 default_transaction_read_only）："
        "检索和查看可以，收款、归档、借阅等写入要连主库，"
    )
    assert lent.status_code == 503
    assert said + "请到连着主库的档案室网页操作，或请管理员让这个网页连主库；什么也没有写入" in text_of(lent)
    assert "recordkit.toml" not in text_of(lent) and "[database]" not in text_of(lent)
    assert (
        caught.value.message == said + "请把这台电脑上 recordkit.toml 的 [database] url 改为主库的地址；什么也没有写入"
    )


def test_a_sign_in_sent_to_a_page_that_offers_no_form_gets_its_read_only_answer(
    workspace: Workspace, web_ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sign-in page on a ledger the page cannot write offers no form, so no CSRF token: a sign-in sent there
    anyway (a form opened before, a script) got the 400 page 「表单缺少安全校验码或已过期」, which sends the clerk back
    to a page without a form.  It now gets the page's own 503 answer, why no one signs in there; nothing of a session
    is kept.  On a ledger that takes writes a sign-in without its token is still refused (400)."""
    accounts.add_user(web_ledger, "王档案", "archivist", PASSWORD, operator="站长")
    browser = Browser(create_app(workspace, accounts_required=True, ledger=web_ledger))
    refused = browser.post("/login", {"name": "王档案", "password": PASSWORD}, token=False)
    assert refused.status_code == 400 and "表单缺少安全校验码或已过期" in text_of(refused)
    monkeypatch.setattr("recordkit.ledger.db.sqlite_takes_writes", lambda _file: False)
    for token in ({}, {"csrf_token": "forged"}):
        tried = browser.post("/login", {"name": "王档案", "password": PASSWORD, **token}, token=False)
        assert tried.status_code == 503, text_of(tried)
        assert text_of(tried) == f"登录 · recordkit 档案室 登录档案室 {SQLITE_READ_ONLY_SIGN_IN}"
        assert "Set-Cookie" not in tried.headers
    assert browser.get("/loans").status_code == 302  # not signed in


def test_a_page_on_a_moved_ledger_asks_the_administrator_in_words_for_the_page(
    workspace: Workspace, web_ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page still on a ledger moved away (``recordkit db move``) told its users to change 「recordkit.toml 的
    [database] url」, a file they never open: on every page, and on a write sent before the page looked again (a
    sign-in, here).  Both now ask the administrator to change the ledger's address in the settings; the command
    line keeps naming the setting."""
    from recordkit.ledger import journal
    from recordkit.ledger.db import LEDGER_MOVED

    monkeypatch.setattr("recordkit.web.context.MOVED_CHECK_SECONDS", 3600.0)  # the page looks once, at its start
    accounts.add_user(web_ledger, "王档案", "archivist", PASSWORD, operator="站长")
    browser = Browser(create_app(workspace, accounts_required=True, ledger=web_ledger))
    assert browser.get("/login").status_code == 200  # looked: not moved
    target = "postgresql://db.example/recordkit"
    with web_ledger.write() as conn:
        moved_at = dt.datetime(2026, 12, 4, 9, 30, tzinfo=dt.UTC)
        journal.record(conn, "站长", [journal.Change(LEDGER_MOVED, "ledger", target, None, {"to": target})], moved_at)
    said = (
        f"这个台账（sqlite:///{workspace.records_dir / 'ledger.sqlite3'}）已于 2026-12-04 搬到 {target}，不能再写入："
    )

    refused = browser.post("/login", {"name": "王档案", "password": PASSWORD})
    assert refused.status_code == 503
    assert text_of(refused) == (
        f"出错了 · recordkit 档案室 出错了（503） {said}"
        "请管理员把设置中的台账数据库地址改为新地址，并重启归档服务和网页服务 回到检索页"
    )
    shown = Browser(create_app(workspace, accounts_required=True, ledger=web_ledger)).get("/login")
    assert shown.status_code == 503
    assert text_of(shown) == (
        f"出错了 · recordkit 档案室 出错了（503） 台账已于 2026-12-04 搬到 {target}，这个网页还连着原来的台账"
        f"（sqlite:///{workspace.records_dir / 'ledger.sqlite3'}）：请管理员把设置中的台账数据库地址改为新地址后重启网页服务"
        " 回到检索页"
    )
    added = CliRunner().invoke(
        cli_app,
        ["fees", "rules", "add", "物业服务费", "--kind", "area", "--rate", "2.35", "--from", "2026-01"],
        env={"RECORDKIT_HOME": str(workspace.root), "RECORDKIT_OPERATOR": "站长", "RECORDKIT_DATABASE_URL": None},
    )
    assert added.exit_code == 7
    assert said + "请把 recordkit.toml 的 [database] url（和 schema）改为新地址" in added.stderr.replace("\n", "")


@pytest.mark.postgres
def test_a_page_whose_connections_go_through_a_pool_asks_the_administrator_in_words_for_the_page(
    workspace: Workspace, postgres_ledger_url: str
) -> None:
    """A pool put in front of the database a page of an estate with its own schema reads (its ``options`` dropped:
    the connection is in the default schema, another estate's) is refused as the connection opens, as it should
    be; the page said 「请让 [database] url 直连 PostgreSQL（不经连接池）」, a setting its users never see.  It now
    asks the administrator to connect the page's service to the database directly."""
    from tests.conftest import through_pgbouncer

    with open_ledger(through_pgbouncer(postgres_ledger_url), schema="estate_west", migrate=False) as ledger:
        shown = Browser(create_app(workspace, accounts_required=True, ledger=ledger)).get("/login")
    assert shown.status_code == 503  # (a server error, 500, before: nothing the page did wrong)
    assert html.unescape(text_of(shown)) == (
        "出错了 · recordkit 档案室 出错了（503） 连到 PostgreSQL 的连接没有进入这个小区的模式 estate_west（数据库说 "
        'search_path 是 "$user", public）：多半是经过了连接池。为免读写到别的小区的台账，网页不使用这个连接，'
        "什么也没有读写：请管理员让网页服务直连数据库（不经连接池） 回到检索页"
    )


@pytest.mark.postgres
def test_a_page_that_sees_two_ledgers_asks_the_administrator_in_words_for_the_page(
    workspace: Workspace, postgres_url: str
) -> None:
    """An estate without a schema (its ledger in public) whose database gets a second estate's ledger in the schema
    named like the account: a new connection, which would take that one for its own, is refused, as it should be;
    the page told its users to write [database] schema in recordkit.toml.  It now asks the administrator to name
    the estate's schema in the settings."""
    account = sa.engine.make_url(postgres_url).username
    open_ledger(postgres_url).close()  # the estate's own, in public
    open_ledger(postgres_url, schema=str(account)).close()  # another estate's, later
    with open_ledger(postgres_url, migrate=False) as ledger:
        shown = Browser(create_app(workspace, accounts_required=True, ledger=ledger)).get("/login")
    assert shown.status_code == 503
    assert html.unescape(text_of(shown)) == (
        f'出错了 · recordkit 档案室 出错了（503） 数据库账户 {account} 连上后，search_path（"$user", public）里有 2 个'
        f"模式都存着台账：{account}、public。设置里没有写明本小区的台账在哪个模式，数据库会用排在前面的 {account}，"
        "那可能是别的小区的台账：网页不使用这个连接，什么也没有读写。请管理员在设置中写明本小区台账所在的模式 回到检索页"
    )


def test_a_page_kept_read_only_by_files_a_reader_left_sends_the_administrator_to_doctor(
    workspace: Workspace, web_ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The ledger file and its folder writable, its -shm left read-only by a reader: the sign-in page asked the
    administrator to let the account write the ledger file and its folder, which it may.  It now says the files
    SQLite left beside the ledger are the cause and sends the administrator to doctor, which names them.  (Tests
    run as root, who may write every file: the functions that decide are told the account may not.)"""
    accounts.add_user(web_ledger, "王档案", "archivist", PASSWORD, operator="站长")
    shm = workspace.records_dir / "ledger.sqlite3-shm"
    monkeypatch.setattr("recordkit.ledger.db.sqlite_takes_writes", lambda _file: False)
    monkeypatch.setattr("recordkit.ledger.db.sqlite_leftovers", lambda _file: [shm])
    shown = Browser(create_app(workspace, accounts_required=True, ledger=web_ledger)).get("/login")
    assert shown.status_code == 503 and 'name="password"' not in shown.get_data(as_text=True)
    assert text_of(shown) == (
        "登录 · recordkit 档案室 登录档案室 运行这个网页的系统账户不能写入台账旁边 SQLite 留下的文件，而登录要写入台账，"
        "所以不能在这里登录：请管理员运行 recordkit doctor，按其中的说明处理"
    )


def test_a_wrong_password_is_refused_in_words_and_counted(workspace: Workspace, web_ledger: Ledger) -> None:
    """A wrong password on the web page: 403, the login page again with the Chinese refusal (which says how many
    tries are left before a pause), nobody signed in, and the failure counted for that name (the throttling's count
    goes up by one each time; a right password afterwards clears it)."""

    def failures() -> int:
        with web_ledger.read() as conn:
            query = sa.text("SELECT count(*) FROM web_login_failures WHERE user_name = '王档案'")
            return int(conn.execute(query).scalar_one())

    accounts.add_user(web_ledger, "王档案", "archivist", PASSWORD, operator="站长")
    browser = Browser(create_app(workspace, accounts_required=True, ledger=web_ledger))
    assert failures() == 0
    for tries in (1, 2):
        wrong = browser.login("王档案", "correct horse 2")
        assert wrong.status_code == 403
        assert "用户名或密码不对：请重新输入（连续输错 5 次将暂停登录 15 分钟）" in text_of(wrong)
        assert 'id="login-problem"' in wrong.get_data(as_text=True)
        assert failures() == tries
        assert browser.get("/loans").status_code == 302  # not signed in
    assert browser.login("王档案", PASSWORD).status_code == 302
    assert failures() == 0
