"""The archive room's search page used with its filters alone (房号, 类别), no words typed."""

from __future__ import annotations

from typing import Any

from recordkit.core.workspace import Workspace
from recordkit.ledger.db import open_ledger
from recordkit.web.app import create_app
from tests.web_helpers import Browser, text_of


def filters_page(workspace: Workspace, run_cli: Any, **filters: str) -> tuple[int, str]:
    """The search page asked with ``filters`` alone after the index is built: its status and its words."""
    assert run_cli("index").exit_code == 0
    with open_ledger(workspace.database_url) as ledger:
        page = Browser(create_app(workspace, accounts_required=False, ledger=ledger)).get(
            "/search", query_string=filters
        )
    return page.status_code, text_of(page)


def test_a_search_by_filters_alone_that_finds_nothing_says_so_in_words(workspace: Workspace, run_cli: Any) -> None:
    """Before, the page said 没有找到包含“”的档案: quotes around nothing, since no words were typed."""
    status, words = filters_page(workspace, run_cli, category="工程档案", **{"from": "2024-01"})
    assert status == 200, words
    assert "找到 0 条" in words
    assert "没有符合筛选条件的档案" in words
    assert "“”" not in words


def test_filters_written_in_the_query_box_that_find_nothing_say_so_in_words(workspace: Workspace, run_cli: Any) -> None:
    """The filters typed in the box itself (``category:工程档案 date:2024``, no words) read 没有找到包含“category:
    工程档案 date:2024”的档案, as if the filters were words looked for."""
    status, words = filters_page(workspace, run_cli, q="category:工程档案 date:2024")
    assert status == 200, words
    assert "没有符合筛选条件的档案" in words
    assert "没有找到包含" not in words


def test_a_search_by_a_unit_the_ledger_does_not_have_names_it(workspace: Workspace, run_cli: Any) -> None:
    """A unit typed wrong (9-9-909: the ledger has no units here, nor is anything filed under it) read 找到 0 条 /
    没有符合筛选条件的档案, as if nothing of the unit were filed: the page says there is no such unit, in its own
    words (no command line on a web page), as ``recordkit search --unit`` does."""
    status, words = filters_page(workspace, run_cli, unit="9-9-909", category="工程档案")
    assert status == 400, words
    assert "台账中没有房屋 9-9-909：请核对房号" in words
    assert "没有符合筛选条件的档案" not in words and "recordkit" not in words.replace("recordkit 档案室", "")


def test_a_search_by_an_owner_the_ledger_does_not_have_names_it(workspace: Workspace, run_cli: Any) -> None:
    """An owner typed wrong (张伪: no owner's name here contains it) read 找到 0 条, as if nothing of the owner were
    filed: the page says there is no such owner, in its own words, as ``recordkit search --owner`` does."""
    assert run_cli("index").exit_code == 0
    with open_ledger(workspace.database_url) as ledger:
        page = Browser(create_app(workspace, accounts_required=False, ledger=ledger)).get(
            "/search", query_string={"owner": "张伪"}
        )
    words = text_of(page)
    assert page.status_code == 400, words
    assert "台账中没有姓名包含“张伪”的业主：请核对业主姓名" in words
    assert "没有符合筛选条件的档案" not in words and "recordkit" not in words.replace("recordkit 档案室", "")
