"""Helpers of the web tests: the demo estate (built once, copied per test), the app on it, users, and a
signed-in test client that carries the CSRF token of the page it last opened.

Until rk19b's ``recordkit.web.accounts`` lands, a small stand-in with the same interface is put in its
place here (tests only).
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from recordkit.core.errors import RecordkitError
from recordkit.core.workspace import Workspace, open_workspace
from recordkit.ledger.db import Ledger, open_ledger


def _install_standins() -> None:  # pragma: no cover - removed once rk19b is merged
    try:
        import recordkit.web.accounts  # noqa: F401
    except ImportError:
        accounts = types.ModuleType("recordkit.web.accounts")
        roles = {"reader": "查阅", "archivist": "档案管理员"}
        allowed = {"reader": {"search", "view"}, "archivist": {"search", "view", "lend", "review", "private"}}

        @dataclasses.dataclass(frozen=True)
        class User:
            name: str
            role: str
            disabled: bool

            def can(self, action: str) -> bool:
                return not self.disabled and action in allowed.get(self.role, set())

        class LoginRefused(RecordkitError):
            exit_code = 1

        store: dict[str, tuple[User, str]] = {}
        failures: dict[tuple[str, str], int] = {}

        def authenticate(ledger: Any, name: str, password: str, *, client: str) -> User:
            key = (name, client)
            if failures.get(key, 0) >= 5:
                raise LoginRefused("登录失败次数太多，请 15 分钟后再试")
            found = store.get(name)
            if found is None or found[1] != password or found[0].disabled:
                failures[key] = failures.get(key, 0) + 1
                raise LoginRefused("用户名或密码不对")
            failures.pop(key, None)
            return found[0]

        def get_user(ledger: Any, name: str) -> User | None:
            found = store.get(name)
            return found[0] if found else None

        def any_user(ledger: Any) -> bool:
            return bool(store)

        for name, value in {
            "ROLES": roles, "User": User, "LoginRefused": LoginRefused, "authenticate": authenticate,
            "get_user": get_user, "any_user": any_user, "_store": store, "_failures": failures,
        }.items():  # fmt: skip
            setattr(accounts, name, value)
        sys.modules["recordkit.web.accounts"] = accounts


_install_standins()


def add_user(workspace: Workspace, ledger: Ledger, name: str, role: str, password: str) -> None:
    """A web account, as ``recordkit users add`` makes it."""
    import recordkit.web.accounts as accounts

    store = getattr(accounts, "_store", None)
    if store is not None:  # the stand-in
        store[name] = (accounts.User(name, role, False), password)
        return
    raise NotImplementedError  # replaced by the real call once accounts land


def clear_users() -> None:
    import recordkit.web.accounts as accounts

    for name in ("_store", "_failures"):
        found = getattr(accounts, name, None)
        if found is not None:
            found.clear()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo estate, built once per test session (with its search index)."""
    from recordkit.demo.estate import build_demo

    root = tmp_path_factory.mktemp("web-demo") / "demo"
    build_demo(root, min_units=80)
    return root


@pytest.fixture
def demo(demo_template: Path, tmp_path: Path) -> Workspace:
    """A copy of the demo estate of this test's own."""
    root = tmp_path / "demo"
    shutil.copytree(demo_template, root, symlinks=True)
    return open_workspace(root, environ={"RECORDKIT_OPERATOR": "本机管理员"})


@pytest.fixture
def demo_ledger(demo: Workspace) -> Iterator[Ledger]:
    with open_ledger(demo.database_url) as ledger:
        yield ledger
    clear_users()


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
