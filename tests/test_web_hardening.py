"""The archive-room web page against a hostile or careless request: where signing in may send the browser,
what a page shows of ID and phone numbers, control characters in a form, a burst of password guesses, and
query keys that are no page's own."""

from __future__ import annotations

import pytest

from recordkit.core.workspace import Workspace
from recordkit.ledger.db import Ledger
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
    moved = local.get(f"/item/gc-2026-00004?{query}&zoom=1", headers={"Host": "evil.example"})
    assert moved.status_code == 302
    assert moved.headers["Location"] == "/item/GC-2026-00004?zoom=1"
