"""Helpers of the web tests: the demo estate (built once, copied per test), users, and a test client
that carries the CSRF token of the page it last opened, as a browser's form does."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from recordkit.core.workspace import Workspace, open_workspace
from recordkit.ledger.db import Ledger, open_ledger
from recordkit.web import accounts


def add_user(workspace: Workspace, ledger: Ledger, name: str, role: str, password: str) -> None:
    """A web account, as ``recordkit users add`` makes it."""
    accounts.add_user(ledger, name, role, password, operator="测试管理员")


@pytest.fixture
def demo(demo_estate: Any) -> Workspace:
    """A copy of the demo estate of this test's own (with its search index)."""
    return open_workspace(demo_estate.root, environ={"RECORDKIT_OPERATOR": "本机管理员"})


@pytest.fixture
def demo_ledger(demo: Workspace) -> Iterator[Ledger]:
    with open_ledger(demo.database_url) as ledger:
        yield ledger


_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Browser:
    """A Flask test client that remembers the CSRF token of the last page, as a browser's form would."""

    def __init__(self, app: Any) -> None:
        self.client = app.test_client()
        self.token = ""

    def get(self, url: str, **kwargs: Any) -> Any:
        response = self.client.get(url, **kwargs)
        found = _CSRF.search(response.get_data(as_text=True)) if response.mimetype == "text/html" else None
        if found:
            self.token = found.group(1)
        return response

    def post(self, url: str, data: dict[str, str], *, token: bool = True, **kwargs: Any) -> Any:
        form = {**data, **({"csrf_token": self.token} if token else {})}
        response = self.client.post(url, data=form, **kwargs)
        found = _CSRF.search(response.get_data(as_text=True)) if response.mimetype == "text/html" else None
        if found:
            self.token = found.group(1)
        return response

    def login(self, name: str, password: str) -> Any:
        self.get("/login")
        return self.post("/login", {"name": name, "password": password})


def text_of(response: Any) -> str:
    """The page's words, without tags (what a reader sees)."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()
