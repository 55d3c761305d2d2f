"""The archive-room web page against a hostile or careless request: where signing in may send the browser,
what a page shows of ID and phone numbers, control characters in a form, a burst of password guesses, and
query keys that are no page's own."""

from __future__ import annotations

import datetime as dt
import html as html_text
import re
import threading
from typing import Any

import pytest
import sqlalchemy as sa

from recordkit.archive.archivist import get_item, lend, list_loans
from recordkit.archive.intake import update_and_index
from recordkit.core.workspace import Workspace
from recordkit.ledger import journal
from recordkit.ledger.db import Ledger
from recordkit.web import accounts
from recordkit.web.app import create_app
from tests.web_helpers import Browser, add_user, demo, demo_ledger, text_of  # noqa: F401

PASSWORD = "correct horse 1"


def signed_in(demo: Workspace, demo_ledger: Ledger, name: str, role: str) -> Browser:
    add_user(demo, demo_ledger, name, role, PASSWORD)
    browser = Browser(create_app(demo, accounts_required=True, ledger=demo_ledger))
    assert browser.login(name, PASSWORD).status_code == 302
    return browser


# -- where signing in sends the browser ---------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/x",
        "/\t/evil.example",
        "/\n/evil.example",
        "/\r/evil.example",
        "/\r\nSet-Cookie: x=1",
        "/ /evil.example",
        "/\u3000/evil.example",
        "/\u200b/evil.example",
        "/\\evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "／／evil.example",
        "evil.example",
    ],
)
def test_signing_in_never_sends_the_browser_to_another_host(demo: Workspace, demo_ledger: Ledger, target: str) -> None:
    add_user(demo, demo_ledger, "王档案", "archivist", PASSWORD)
    browser = Browser(create_app(demo, accounts_required=True, ledger=demo_ledger))
    browser.get("/login")
    done = browser.post("/login", {"name": "王档案", "password": PASSWORD, "next": target})
    assert done.status_code == 302
    assert done.headers["Location"] == "/search"


def test_signing_in_returns_to_the_page_asked_for(demo: Workspace, demo_ledger: Ledger) -> None:
    add_user(demo, demo_ledger, "王档案", "archivist", PASSWORD)
    browser = Browser(create_app(demo, accounts_required=True, ledger=demo_ledger))
    asked = browser.get("/item/GC-2026-00004?zoom=1")
    assert asked.status_code == 302
    browser.get(asked.headers["Location"])  # the login page, with next= in its form
    done = browser.post("/login", {"name": "王档案", "password": PASSWORD, "next": "/item/GC-2026-00004?zoom=1"})
    assert done.headers["Location"] == "/item/GC-2026-00004?zoom=1"


# -- a redirect to an item's current number -------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    ["_method=POST", "_external=1", "_external=1&_scheme=javascript", "_scheme=x", "_anchor=x", "other=1"],
)
def test_a_redirect_to_the_current_number_keeps_only_the_pages_own_query(
    demo: Workspace, demo_ledger: Ledger, query: str
) -> None:
    local = Browser(create_app(demo, accounts_required=False, ledger=demo_ledger))
    moved = local.get(f"/item/gc-2026-00004?{query}&zoom=1", headers={"Host": "127.0.0.1:8080"})
    assert moved.status_code == 302
    assert moved.headers["Location"] == "/item/GC-2026-00004?zoom=1"


# -- ID and phone numbers on the pages ----------------------------------------------------------------

PHONE, PHONE_MASKED = "13812345678", "138****5678"
ID_NUMBER, ID_MASKED = "110101199003071233", "110101********1233"


def private_views(ledger: Ledger) -> int:
    with ledger.read() as conn:
        return len([entry for entry in journal.recent(conn, 50) if entry.action == "private.view"])


def lent_with_numbers(demo_ledger: Ledger) -> None:
    """GC-2026-00004 lent to a borrower written with a phone number, the reason naming an ID number."""
    due = dt.date.today() + dt.timedelta(days=7)
    lend(demo_ledger, "GC-2026-00004", f"王工{PHONE}", due, "测试管理员", f"工程部{PHONE}", f"核对身份证{ID_NUMBER}")


@pytest.mark.parametrize("role", ["reader", "archivist"])
def test_the_loan_history_and_the_loans_list_mask_numbers(demo: Workspace, demo_ledger: Ledger, role: str) -> None:
    lent_with_numbers(demo_ledger)
    browser = signed_in(demo, demo_ledger, "小李", role)
    for url in ("/item/GC-2026-00004", "/loans"):
        page = browser.get(url)
        html = page.get_data(as_text=True)
        assert page.status_code == 200
        assert PHONE not in html and ID_NUMBER not in html, url
        assert f"王工{PHONE_MASKED}" in text_of(page), url
    history = text_of(browser.get("/item/GC-2026-00004"))
    assert f"工程部{PHONE_MASKED}" in history and f"核对身份证{ID_MASKED}" in history
    assert private_views(demo_ledger) == 0


def test_an_archivist_sees_the_loans_numbers_only_when_asking_and_it_is_journalled(
    demo: Workspace, demo_ledger: Ledger
) -> None:
    lent_with_numbers(demo_ledger)
    archivist = signed_in(demo, demo_ledger, "王档案", "archivist")
    shown = archivist.get("/item/GC-2026-00004?private=1").get_data(as_text=True)
    assert f"王工{PHONE}" in shown and f"核对身份证{ID_NUMBER}" in shown
    assert private_views(demo_ledger) == 1


def test_lending_and_returning_say_so_with_the_numbers_masked(demo: Workspace, demo_ledger: Ledger) -> None:
    update_and_index(demo, demo_ledger, "GC-2026-00004", "测试管理员", title=f"电梯维保记录（联系人{PHONE}）")
    archivist = signed_in(demo, demo_ledger, "王档案", "archivist")
    archivist.get("/item/GC-2026-00004")
    due = (dt.date.today() + dt.timedelta(days=7)).isoformat()
    lent = archivist.post("/item/GC-2026-00004/lend", {"borrower": f"王工{PHONE}", "due": due, "reason": "年检"})
    assert lent.status_code == 302
    page = archivist.get("/item/GC-2026-00004")
    assert PHONE not in page.get_data(as_text=True)
    assert f"已借出 GC-2026-00004（电梯维保记录（联系人{PHONE_MASKED}））给“王工{PHONE_MASKED}”" in text_of(page)
    again = archivist.post("/item/GC-2026-00004/lend", {"borrower": "别人", "due": due, "reason": "年检"})
    assert again.status_code == 409 and PHONE not in again.get_data(as_text=True)
    assert archivist.post("/item/GC-2026-00004/return", {}).status_code == 302
    page = archivist.get("/item/GC-2026-00004")
    assert PHONE not in page.get_data(as_text=True)
    assert f"借阅人 王工{PHONE_MASKED}" in text_of(page)
    assert private_views(demo_ledger) == 0


_UPDATE_FORM = re.compile(r'<form method="post" action="(/item/[^"]+/update)"[^>]*>(.*?)</form>', re.S)


def update_form(page: Any) -> tuple[str, dict[str, str]]:
    """The first review form on ``page`` and what a browser submits of it untouched."""
    found = _UPDATE_FORM.search(page.get_data(as_text=True))
    assert found is not None
    body, fields = found.group(2), {}
    for tag in re.findall(r"<input [^>]*>", body):
        name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
        if name and (" checked" in tag or 'type="checkbox"' not in tag):
            fields[name.group(1)] = html_text.unescape(value.group(1) if value else "")
    for name, select in re.findall(r'<select name="([^"]+)">(.*?)</select>', body, re.S):
        # a browser sends the selected option, else the first; an option's value, else its text
        options = re.findall(r"<option([^>]*)>([^<]*)</option>", select)
        attributes, text = next((option for option in options if " selected" in option[0]), options[0])
        value = re.search(r'value="([^"]*)"', attributes)
        fields[name] = html_text.unescape(value.group(1) if value else text)
    return html_text.unescape(found.group(1)), fields


def test_the_review_form_never_shows_or_saves_back_a_masked_title(demo: Workspace, demo_ledger: Ledger) -> None:
    title = f"业主联系单（电话{PHONE}，身份证{ID_NUMBER}）"
    update_and_index(demo, demo_ledger, "GC-2026-00004", "测试管理员", title=title)
    archivist = signed_in(demo, demo_ledger, "王档案", "archivist")
    page = archivist.get("/item/GC-2026-00004")
    html = page.get_data(as_text=True)
    assert PHONE not in html and ID_NUMBER not in html
    assert f"电话{PHONE_MASKED}，身份证{ID_MASKED}" in text_of(page)
    action, fields = update_form(page)
    assert action == "/item/GC-2026-00004/update" and PHONE_MASKED not in "".join(fields.values())
    archivist.post(action, {**fields, "date": "2026-11-16"})  # the form as shown, with one change
    item = get_item(demo_ledger, "GC-2026-00004")
    assert item.title == title and item.doc_date == dt.date(2026, 11, 16)
    # An old or forged form carrying the masked title changes nothing either.
    archivist.post(action, {**fields, "title": f"业主联系单（电话{PHONE_MASKED}，身份证{ID_MASKED}）"})
    assert get_item(demo_ledger, "GC-2026-00004").title == title
    assert private_views(demo_ledger) == 0
    # Asked for the full numbers (journalled), the field holds the real title and may be changed.
    shown = archivist.get("/item/GC-2026-00004?private=1")
    action, fields = update_form(shown)
    assert fields["title"] == title and private_views(demo_ledger) == 1
    archivist.post(action, fields)
    assert get_item(demo_ledger, "GC-2026-00004").title == title
    archivist.post(action, {**fields, "title": f"业主联系单（电话{PHONE}）"})
    assert get_item(demo_ledger, "GC-2026-00004").title == f"业主联系单（电话{PHONE}）"


def test_the_review_list_never_shows_a_full_number_in_its_forms(demo: Workspace, demo_ledger: Ledger) -> None:
    from recordkit.archive.archivist import list_items

    [first, *_] = list_items(demo_ledger, review=True)
    title = f"业主联系单（电话{PHONE}）"
    update_and_index(demo, demo_ledger, first.archive_no, "测试管理员", title=title)
    archivist = signed_in(demo, demo_ledger, "王档案", "archivist")
    page = archivist.get("/review")
    assert PHONE not in page.get_data(as_text=True)
    assert f"业主联系单（电话{PHONE_MASKED}）" in text_of(page)
    action, fields = update_form(page)
    archivist.post(action, fields)
    assert get_item(demo_ledger, first.archive_no).title == title


def test_saving_the_review_of_an_unclassified_item_keeps_it_unclassified_unless_a_category_is_chosen(
    demo: Workspace, demo_ledger: Ledger
) -> None:
    """The demo's photo IMG_0042.jpg is 未分类 (WF-2026-00001), no category the select offers.  Its form as shown,
    with only the date filled in, sets the date and leaves the item where it is: never refiled under the
    select's first category (业主档案, a new YZ number)."""
    archivist = signed_in(demo, demo_ledger, "王档案", "archivist")
    page = archivist.get("/review")
    assert "类别 未分类（请选择）" in text_of(page)
    action, fields = update_form(page)
    assert action == "/item/WF-2026-00001/update"
    assert archivist.post(action, {**fields, "date": "2026-11-20"}).status_code == 302
    item = get_item(demo_ledger, "WF-2026-00001")
    assert (item.archive_no, item.category, item.doc_date) == ("WF-2026-00001", "未分类", dt.date(2026, 11, 20))
    # Chosen, the category is taken.
    action, fields = update_form(archivist.get("/item/WF-2026-00001"))
    archivist.post(action, {**fields, "category": "工程档案"})
    assert get_item(demo_ledger, "WF-2026-00001").category == "工程档案"


def test_saving_one_field_never_undoes_another_clerks_change_made_since(demo: Workspace, demo_ledger: Ledger) -> None:
    """Two archivists open GC-2026-00004.  One refiles it as a contract with a new title (HT-2026-00002); the other,
    whose page still shows the old ones, then sets only the date: the item keeps the first one's category, number
    and title, and takes the date — not refiled back under 工程档案 with a third number."""
    first = signed_in(demo, demo_ledger, "王档案", "archivist")
    add_user(demo, demo_ledger, "李档案", "archivist", PASSWORD)
    second = Browser(create_app(demo, accounts_required=True, ledger=demo_ledger))
    second.login("李档案", PASSWORD)
    action, stale = update_form(second.get("/item/GC-2026-00004"))
    action, fields = update_form(first.get("/item/GC-2026-00004"))
    first.post(action, {**fields, "category": "合同协议档案", "title": "电梯维保合同"})
    moved = get_item(demo_ledger, "GC-2026-00004")
    assert (moved.archive_no, moved.category, moved.title) == ("HT-2026-00002", "合同协议档案", "电梯维保合同")
    assert second.post(action, {**stale, "date": "2026-11-16"}).status_code == 302
    item = get_item(demo_ledger, "GC-2026-00004")
    assert (item.archive_no, item.category, item.title, item.doc_date) == (
        "HT-2026-00002", "合同协议档案", "电梯维保合同", dt.date(2026, 11, 16)
    )  # fmt: skip
    # A field the second clerk does change is changed.
    second.post(action, {**stale, "title": "电梯维保合同（2026）"})
    assert get_item(demo_ledger, "HT-2026-00002").title == "电梯维保合同（2026）"


# -- the address the browser asked for ----------------------------------------------------------------


@pytest.mark.parametrize("host", ["127.0.0.1:8080", "localhost:8080", "LOCALHOST", "[::1]:8080"])
def test_without_accounts_the_page_answers_to_this_computers_names(
    demo: Workspace, demo_ledger: Ledger, host: str
) -> None:
    with demo_ledger.read() as conn:  # the demo's first 入住登记表, whatever its 档号 (the demo's numbering may change)
        number = conn.execute(
            sa.text("SELECT archive_no FROM archive_items WHERE title = '入住登记表' ORDER BY archive_no LIMIT 1")
        ).scalar_one_or_none()
    assert number is not None
    browser = Browser(create_app(demo, accounts_required=False, ledger=demo_ledger))
    page = browser.get(f"/item/{number}", headers={"Host": host})
    assert page.status_code == 200 and "入住登记表" in text_of(page)


@pytest.mark.parametrize("host", ["rebind.example:8080", "rebind.example@127.0.0.1:8080", "192.168.1.20:8080"])
def test_without_accounts_another_sites_name_gets_nothing(demo: Workspace, demo_ledger: Ledger, host: str) -> None:
    """A site whose name an attacker points at 127.0.0.1 (DNS rebinding) is the page's origin to the browser: it
    neither reads an owner's file with the full numbers nor lends an original with the form's token."""
    browser = Browser(create_app(demo, accounts_required=False, ledger=demo_ledger))
    browser.get("/item/GC-2026-00004")  # the clerk's own page: the token a same-origin script could read
    before = list_loans(demo_ledger, include_returned=True)
    shown = browser.get("/search?q=身份证&private=1", headers={"Host": host})
    assert shown.status_code == 400
    assert "只能在本机用 127.0.0.1 或 localhost 打开" in text_of(shown) and "YZ-" not in text_of(shown)
    lent = browser.post("/item/GC-2026-00004/lend", {"borrower": "王工", "due": "2027-01-01"}, headers={"Host": host})
    assert lent.status_code == 400
    assert list_loans(demo_ledger, include_returned=True) == before and private_views(demo_ledger) == 0


def test_with_accounts_any_name_reaches_the_sign_in_page(demo: Workspace, demo_ledger: Ledger) -> None:
    """Served on the office network the page has a name of the network's (and users sign in): not refused."""
    add_user(demo, demo_ledger, "王档案", "archivist", PASSWORD)
    browser = Browser(create_app(demo, accounts_required=True, ledger=demo_ledger))
    assert browser.get("/login", headers={"Host": "archive.office.lan:8080"}).status_code == 200


# -- password guesses sent at once --------------------------------------------------------------------


def test_forty_guesses_at_once_get_five_passwords_checked(
    demo: Workspace, demo_ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_user(demo, demo_ledger, "王档案", "archivist", PASSWORD)
    app = create_app(demo, accounts_required=True, ledger=demo_ledger)
    checks: list[str] = []
    real = accounts.verify_password
    monkeypatch.setattr(accounts, "verify_password", lambda *args: checks.append("checked") or real(*args))
    browsers = [Browser(app) for _ in range(40)]  # forty browsers, each with its own session and form
    for browser in browsers:
        browser.get("/login")
    barrier = threading.Barrier(len(browsers))
    statuses: list[int] = []

    def guess(browser: Browser, number: int) -> None:
        barrier.wait()
        statuses.append(browser.post("/login", {"name": "王档案", "password": f"guess-{number:04d}"}).status_code)

    threads = [threading.Thread(target=guess, args=(browser, n)) for n, browser in enumerate(browsers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert statuses == [403] * 40
    assert len(checks) == 5
    late = browsers[0].post("/login", {"name": "王档案", "password": PASSWORD})
    assert late.status_code == 403 and "登录失败次数过多" in text_of(late)


# -- control characters in a form ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/item/GC-2026-00004/lend", {"borrower": "x\x00y", "due": "2027-01-01"}),
        ("/item/GC-2026-00004/lend", {"borrower": "王工", "due": "2027-01-01", "reason": "\x00"}),
        ("/item/GC-2026-00004/lend", {"borrower": "王工", "due": "2027-01-01", "dept": "工程\x1b部"}),
        ("/item/GC-2026-00004/update", {"title": "a\x00b"}),
    ],
)
def test_a_control_character_in_a_form_is_refused_with_a_chinese_message(
    demo: Workspace, demo_ledger: Ledger, url: str, data: dict[str, str]
) -> None:
    archivist = signed_in(demo, demo_ledger, "王档案", "archivist")
    archivist.get("/item/GC-2026-00004")
    title = get_item(demo_ledger, "GC-2026-00004").title
    refused = archivist.post(url, data)
    assert refused.status_code == 400
    assert "提交的内容或地址里有控制字符（如 NUL）" in text_of(refused)
    assert not [loan for loan in list_loans(demo_ledger, include_returned=True) if loan.archive_no == "GC-2026-00004"]
    assert get_item(demo_ledger, "GC-2026-00004").title == title


def test_a_control_character_in_a_sign_in_name_or_a_search_is_refused(demo: Workspace, demo_ledger: Ledger) -> None:
    archivist = signed_in(demo, demo_ledger, "王档案", "archivist")
    assert archivist.get("/search?q=a%00b").status_code == 400
    visitor = Browser(create_app(demo, accounts_required=True, ledger=demo_ledger))
    refused = visitor.login("王\x00档案", PASSWORD)
    assert refused.status_code == 400 and "控制字符" in text_of(refused)
    assert visitor.get("/search").status_code == 302  # not signed in


# -- a save that changes nothing ---------------------------------------------------------------------------


def test_a_unit_retyped_in_another_spelling_is_no_change_and_writes_no_journal_entry(
    demo: Workspace, demo_ledger: Ledger
) -> None:
    """3栋2单元1201室 typed over 3-2-1201 on the review form wrote an entry 修改档案信息 that changed nothing and
    said 已更新; it says 没有改动 and writes nothing, on the page as on the command line."""
    from typer.testing import CliRunner

    from recordkit.archive.archivist import list_items
    from recordkit.cli import app as cli_app

    item = next(item for item in list_items(demo_ledger) if item.unit and re.fullmatch(r"\d+-\d+-\d+", item.unit))
    assert not item.needs_review
    building, entrance, room = item.unit.split("-")
    with demo_ledger.read() as conn:
        entries = journal.recent(conn, 100, entity_key=item.archive_no)
    archivist = signed_in(demo, demo_ledger, "王档案", "archivist")
    action, fields = update_form(archivist.get(f"/item/{item.archive_no}"))
    saved = archivist.post(action, {**fields, "unit": f"{building}栋{entrance}单元{room}室"})
    assert saved.status_code == 302
    page = text_of(archivist.get(saved.headers["Location"]))
    assert "没有改动" in page and "已更新" not in page
    result = CliRunner().invoke(
        cli_app,
        ["archive", "update", item.archive_no, "--unit", f"{building}栋{entrance}单元{room}室"],
        env={"RECORDKIT_HOME": str(demo.root)},
    )
    assert result.exit_code == 0 and "没有改动" in result.stdout and "已更新" not in result.stdout
    assert get_item(demo_ledger, item.archive_no) == item
    with demo_ledger.read() as conn:
        assert journal.recent(conn, 100, entity_key=item.archive_no) == entries
    # a real change is still made and said
    action, fields = update_form(archivist.get(f"/item/{item.archive_no}"))
    changed = archivist.post(action, {**fields, "title": item.title + "（复印）"})
    assert "已更新" in text_of(archivist.get(changed.headers["Location"]))


def test_a_review_title_over_sixty_characters_is_refused_with_the_limit_and_the_form_keeps_it(
    demo: Workspace, demo_ledger: Ledger
) -> None:
    """A title of 61 characters was saved cut to 60 without a word; it is refused with the limit and the count,
    the form shows what was typed, nothing is saved — and archive update --title says the same."""
    from typer.testing import CliRunner

    from recordkit.cli import app as cli_app

    long_title = "二号楼地下室水泵房" * 6 + "巡检记录与维修单据汇总"  # 54 + 11 characters
    assert len(long_title) == 65
    before = get_item(demo_ledger, "GC-2026-00004")
    archivist = signed_in(demo, demo_ledger, "王档案", "archivist")
    action, fields = update_form(archivist.get("/item/GC-2026-00004"))
    refused = archivist.post(action, {**fields, "title": long_title, "unit": "", "date": "2026-11-16"})
    assert refused.status_code == 400
    assert "题名最多 60 个字，现在 65 个字" in text_of(refused)
    _, shown = update_form(refused)
    assert (shown["title"], shown["date"]) == (long_title, "2026-11-16")  # what was typed, to shorten
    assert shown["was_title"] == before.title  # and what the item holds, as the form first showed it
    assert get_item(demo_ledger, "GC-2026-00004") == before
    result = CliRunner().invoke(
        cli_app, ["archive", "update", "GC-2026-00004", "--title", long_title], env={"RECORDKIT_HOME": str(demo.root)}
    )
    assert (result.exit_code, result.stderr.strip()) == (2, "错误：题名最多 60 个字，现在 65 个字")
    assert get_item(demo_ledger, "GC-2026-00004") == before
    # sixty characters are taken whole
    archivist.post(action, {**fields, "title": long_title[:60]})
    assert get_item(demo_ledger, "GC-2026-00004").title == long_title[:60]


def test_a_review_title_of_rare_characters_too_long_for_a_file_name_is_refused_not_cut(
    demo: Workspace, demo_ledger: Ledger
) -> None:
    """51 characters, 40 of them 𠮷 (four bytes each in a file name, a common character three): within 60 characters
    but not within the file name's room, it was saved cut without a word.  Refused, the form keeps it, nothing saved;
    archive update --title says the same."""
    from typer.testing import CliRunner

    from recordkit.cli import app as cli_app

    long_title = (
        "𠮷" * 40 + "门店装修图纸汇总与验收"
    )  # 40 × 4 + 11 × 3 = 193 bytes: as much room as 65 common characters
    assert len(long_title) == 51 and len(long_title.encode("utf-8")) == 193
    said = (
        "题名太长：生僻字和表情符号在文件名里占的位置多，这个题名放不进文件名"
        "（最多相当于 60 个常用字，现在相当于 65 个）：请改短一些"
    )
    before = get_item(demo_ledger, "GC-2026-00004")
    archivist = signed_in(demo, demo_ledger, "王档案", "archivist")
    action, fields = update_form(archivist.get("/item/GC-2026-00004"))
    refused = archivist.post(action, {**fields, "title": long_title})
    assert refused.status_code == 400
    assert said in text_of(refused)
    _, shown = update_form(refused)
    assert shown["title"] == long_title
    assert get_item(demo_ledger, "GC-2026-00004") == before
    result = CliRunner().invoke(
        cli_app, ["archive", "update", "GC-2026-00004", "--title", long_title], env={"RECORDKIT_HOME": str(demo.root)}
    )
    assert (result.exit_code, result.stderr.strip()) == (2, f"错误：{said}")
    assert get_item(demo_ledger, "GC-2026-00004") == before
    # 45 of them fit (180 bytes): taken whole
    fitting = "𠮷" * 45
    archivist.post(action, {**fields, "title": fitting})
    assert get_item(demo_ledger, "GC-2026-00004").title == fitting
