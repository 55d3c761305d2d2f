"""An import, a payment or a bill armed to commit inside another command's reads: the shared setup of the tests that
prove a listing or a paper is one moment of the ledger (a unit's owner and its co-owners read in one read transaction,
a reminder's arrears and its table, a 缴费证明's check and its figures)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from recordkit.ledger.db import Ledger
from recordkit.owners.roster import import_owners
from tests.conftest import write_sheet

HEADERS = ("楼栋", "单元", "房号", "建筑面积", "业主姓名", "联系电话", "身份证号", "入住日期", "状态", "关系")
# ID numbers with valid check digits (GB 11643), worked out by hand.
ZHANG_WEI = "110101199003071233"
ZHOU_LI = "320102199205110865"


def an_import_before_the_co_owners_are_read(
    ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, status: str = "已交付"
) -> list[bool]:
    """1-1-101 imported as 张伟 with co-owner 王芳 (``status`` its 状态); then, armed: a clerk's import of 李娜 with
    co-owner 赵磊 commits just before the next read of co-owners is made.  Returns the list that holds True once that
    import ran."""
    import recordkit.owners.contacts as contacts

    return an_import_before(ledger, tmp_path, monkeypatch, contacts, "_co_owner_query", status)


def an_import_before(
    ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, module: Any, name: str, status: str = "已交付"
) -> list[bool]:
    """As ``an_import_before_the_co_owners_are_read``, the import armed to commit when ``module.name`` is first
    called (a read made after the co-owners', say)."""
    before = [["1", "1", "101", 90, "张伟", "13812345678", ZHANG_WEI, None, status, "业主"]]
    before.append(["1", "1", "101", None, "王芳", None, None, None, None, "共有人"])
    import_owners(ledger, write_sheet(tmp_path / "名册.xlsx", before, HEADERS), "测试员")
    after = [["1", "1", "101", 90, "李娜", "13900001111", ZHOU_LI, None, status, "业主"]]
    after.append(["1", "1", "101", None, "赵磊", None, None, None, None, "共有人"])
    return an_import_armed(ledger, write_sheet(tmp_path / "名册2.xlsx", after, HEADERS), monkeypatch, module, name)


def an_import_armed(ledger: Ledger, sheet: Path, monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[bool]:
    """A clerk's import of ``sheet`` armed to commit when ``module.name`` is first called.  Returns the list that holds
    True once that import ran."""
    return a_write_armed(monkeypatch, module, name, lambda: import_owners(ledger, sheet, "测试员"))


def a_write_armed(monkeypatch: pytest.MonkeyPatch, module: Any, name: str, write: Callable[[], object]) -> list[bool]:
    """``write`` (a cashier's payment, say) armed to commit when ``module.name`` is first called.  Returns the list that
    holds True once it ran."""
    armed = getattr(module, name)
    written: list[bool] = []

    def write_first(*args: Any, **kwargs: Any) -> Any:
        if not written:
            written.append(True)
            write()
        return armed(*args, **kwargs)

    monkeypatch.setattr(module, name, write_first)
    return written


def a_write_before_the_statement(ledger: Ledger, words: str, write: Callable[[], object]) -> list[bool]:
    """``write`` armed to commit just before the first statement ``ledger`` sends that holds ``words`` (its SQL, as
    the server gets it), whichever function sends it.  Returns the list that holds True once it ran."""
    written: list[bool] = []

    def write_first(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not written and words in statement:
            written.append(True)
            write()

    sa.event.listen(ledger.engine, "before_cursor_execute", write_first)
    return written
