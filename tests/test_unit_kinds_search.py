"""Search finds units of every kind (issue 15): a villa's, shop's or parking space's code is one token,
whatever its spelling; a building and a year are no unit."""

from __future__ import annotations

from pathlib import Path

import pytest

from recordkit.archive.archivist import Archivist
from recordkit.archive.rules import FilingRules, Metadata, metadata_from_name
from recordkit.core.config import ArchiveSettings
from recordkit.core.workspace import Workspace
from recordkit.ledger.db import Ledger
from recordkit.search.indexer import update_index
from recordkit.search.query import search
from tests.archive_helpers import archive_ledger  # noqa: F401  (fixture ledger)
from tests.search_helpers import (
    search_ws,  # noqa: F401  (fixture ws: each backend in turn)
    write_docx,
)


def test_search_finds_units_of_new_kinds_by_any_spelling(ws: Workspace, ledger: Ledger, tmp_path: Path) -> None:
    clerk = Archivist(ws, ledger, "档案员")
    numbers = {}
    for name, text in (
        ("甲.docx", "地下车位 B1-023 租赁合同，租期一年。"),
        ("乙.docx", "12号别墅 装修申请，已审批。"),
        ("丙.docx", "5栋1201室 入伙资料。"),
        ("丁.docx", "车位B1-024 与 3-2-1201 一并办理。"),
        ("戊.docx", "3号楼2026年维保记录。"),
    ):
        outcome = clerk.file(write_docx(tmp_path / name, text), Metadata(category="工程档案", title=name[:-5]))
        assert outcome.item is not None
        numbers[name[:-5]] = outcome.item.archive_no
    update_index(ws, ledger)

    def hits(query: str) -> set[str]:
        found = {hit.archive_no for hit in search(ws, query, limit=100).hits}
        return {name for name, number in numbers.items() if number in found}

    assert hits("车位B1-023") == {"甲"}
    assert hits("地下车位b1-023") == {"甲"}
    assert hits("别墅12") == {"乙"}
    assert hits("12号别墅") == {"乙"}
    assert hits("5栋1201室") == {"丙"}
    assert hits("5栋1201") == {"丙"}  # searched as written
    assert hits("3栋2单元1201室") == {"丁"}


@pytest.mark.parametrize(
    ("stem", "unit"),
    [
        ("车位B1-023_租赁合同", "车位B1-023"),
        ("12号别墅 装修申请", "别墅12"),
        ("5栋1201 产权证明", "5-1201"),
        ("商铺S-101_租赁合同", "商铺S-101"),
        ("九幢二单元101 入伙资料", "9-2-101"),
        ("400-8208 客服热线", None),  # a bare number pair is no flat without 单元
        ("图纸_123-4567", None),
        ("3号楼2026年维保记录", None),
    ],
)
def test_file_names_name_units_of_every_kind(stem: str, unit: str | None) -> None:
    assert metadata_from_name(stem, FilingRules.from_settings(ArchiveSettings())).unit == unit
