"""The demo's archive room: scans filed from the inbox, the bad ones quarantined, loans out and overdue."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import time_machine

import recordkit.demo.estate as demo_estate_module
import recordkit.demo.scans as demoscans
from recordkit.archive import extract
from recordkit.archive.archivist import list_items, list_loans, verify
from recordkit.core.workspace import open_workspace
from recordkit.demo.estate import DemoReport, build_demo
from recordkit.ledger import journal
from recordkit.ledger.db import open_ledger
from tests.extract_helpers import CountingEngine


def test_the_demo_files_its_inbox(tmp_path: Path, demo_estate: DemoReport) -> None:
    report = demo_estate
    counts = dict(report.counts)
    assert (counts["档案（扫描件归档）"], counts["  其中待复核"], counts["  隔离"]) == (47, 1, 2)
    workspace = open_workspace(tmp_path / "demo", environ={})
    with open_ledger(workspace.database_url) as ledger:
        items = list_items(ledger)
        loans = list_loans(ledger)
        overdue = list_loans(ledger, overdue=True, today=dt.date.today())
        assert verify(workspace, ledger, "检查").ok
        with ledger.read() as conn:
            assert journal.verify(conn).ok
    categories = {item.category for item in items}
    assert categories == {"业主档案", "工程档案", "合同协议档案", "财务档案", "未分类"}
    assert sum(item.category == "业主档案" for item in items) == 39
    assert max(item.pages or 0 for item in items) == 5
    assert any(" 购房合同（复印件）_" in item.original_name for item in items)  # the GBK name, readable
    assert (len(loans), len(overdue), sum(loan.confidential for loan in loans)) == (3, 1, 1)
    inbox = tmp_path / "demo" / "records" / "inbox"
    assert sorted(p.name for p in inbox.rglob("*") if p.is_file()) == ["~$保洁服务合同.docx"]
    notes = sorted(p.name.split("_", 1)[1] for p in (tmp_path / "demo" / "records" / "quarantine").glob("*.原因.txt"))
    assert notes == ["产权证明-又扫了一遍.pdf.原因.txt", "扫描中断.pdf.原因.txt"]


def test_the_demo_owner_files_are_dated_when_the_owner_moved_in(tmp_path: Path, demo_estate: DemoReport) -> None:
    # The 入住登记表 scanned for a unit is the one filled in on the day the roster says its owner moved in:
    # not one dated before the building was delivered, nor one for a unit nobody has moved into.
    workspace = open_workspace(tmp_path / "demo", environ={})
    with open_ledger(workspace.database_url) as ledger, ledger.read() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT a.unit, a.doc_date, u.move_in_date FROM archive_items a JOIN units u ON u.code = a.unit"
                " WHERE a.title = '入住登记表' ORDER BY a.unit"
            )
        ).all()
    assert len(rows) == 12
    assert [(unit, str(filed)) for unit, filed, _ in rows] == [(unit, str(moved)) for unit, _, moved in rows]


def test_the_demo_buys_its_flats_before_moving_in_and_draws_them_before_the_first_handover(
    tmp_path: Path, demo_estate: DemoReport
) -> None:
    """The demo's 购房合同 was dated 2018-05-08 whatever its unit (an owner who had moved in in 2016 bought in 2018) and
    filed without a date, and its 竣工图纸 2019-06-20, years after the first owners moved in.  A flat is bought before
    it is handed over, so before it is moved into; the as-built drawings are made before the first handover."""
    workspace = open_workspace(tmp_path / "demo", environ={})
    with open_ledger(workspace.database_url) as ledger, ledger.read() as conn:
        contracts = conn.execute(
            sa.text(
                "SELECT a.unit, a.doc_date, u.move_in_date FROM archive_items a JOIN units u ON u.code = a.unit"
                " WHERE a.title LIKE '%购房合同%'"
            )
        ).all()
        drawings = conn.execute(sa.text("SELECT doc_date FROM archive_items WHERE title LIKE '%竣工%'")).scalars().all()
        first_move_in = conn.execute(sa.text("SELECT MIN(move_in_date) FROM units")).scalar()
    assert len(contracts) == 1
    assert [unit for unit, signed, moved in contracts if signed is None or str(signed) >= str(moved)] == []
    assert len(drawings) == 1
    assert [str(drawn) for drawn in drawings if drawn is None or str(drawn) >= str(first_move_in)] == []


def test_the_demo_renovation_papers_are_those_of_its_renovations(tmp_path: Path, demo_estate: DemoReport) -> None:
    # The application form and the agreement scanned into the archive belong to the two renovations the
    # office registered (not to two other flats with no renovation on the books).
    workspace = open_workspace(tmp_path / "demo", environ={})
    with open_ledger(workspace.database_url) as ledger, ledger.read() as conn:
        scanned = conn.execute(
            sa.text("SELECT unit, title FROM archive_items WHERE title IN ('装修申请表', '装修协议') ORDER BY title")
        ).all()
        registered = conn.execute(
            sa.text("SELECT u.code FROM renovations r JOIN units u ON u.id = r.unit_id ORDER BY r.seq")
        ).scalars()
        first, second = registered
    assert [tuple(row) for row in scanned] == [(second, "装修协议"), (first, "装修申请表")]


def test_the_demo_built_early_in_a_year_files_no_paper_from_the_months_to_come(tmp_path: Path) -> None:
    # An office trying the demo in March 2027: its maintenance records and receipt stubs are of the months
    # before (they were of September to November of the demo's own year: half a year ahead).
    with time_machine.travel(dt.datetime(2027, 3, 10, 9, 0, tzinfo=dt.UTC), tick=True):
        build_demo(tmp_path / "demo", min_units=10)
    workspace = open_workspace(tmp_path / "demo", environ={})
    with open_ledger(workspace.database_url) as ledger, ledger.read() as conn:
        filed = conn.execute(
            sa.text(
                "SELECT title, doc_date FROM archive_items WHERE category IN ('工程档案', '财务档案')"
                " AND title NOT LIKE '%竣工%' ORDER BY doc_date, title"
            )
        ).all()
        latest = conn.execute(sa.text("SELECT MAX(doc_date) FROM archive_items")).scalar()
    assert [(title, str(day)) for title, day in filed] == [
        ("电梯维保记录", "2026-12-15"),
        ("2027年1月收据存根", "2027-01-01"),
        ("供水维保记录", "2027-01-15"),
        ("消防维保记录", "2027-01-15"),
        ("电梯维保记录", "2027-02-15"),
    ]
    assert str(latest) <= "2027-03-10"


#: What a paper original of each kind of file is borrowed for (the demo's engineer borrowed a 产权证明 to
#: "核对装修图纸"): the reasons a clerk would write in the loan book, by the file's category.
REASONS_BY_KIND = {
    "业主档案": {"产权核对", "办理过户", "核对入住日期", "业主信息核对"},
    "工程档案": {"核对装修图纸", "设备检修查阅", "改造工程查阅"},
    "合同协议档案": {"合同续签", "合同条款核对"},
    "财务档案": {"年度审计", "账目核对"},
}


def test_each_demo_loan_has_a_reason_that_fits_its_file(tmp_path: Path, demo_estate: DemoReport) -> None:
    workspace = open_workspace(tmp_path / "demo", environ={})
    with open_ledger(workspace.database_url) as ledger, ledger.read() as conn:
        loans = conn.execute(
            sa.text(
                "SELECT l.borrower, a.category, a.title, l.reason FROM archive_loans l"
                " JOIN archive_items a ON a.id = l.item_id ORDER BY l.id"
            )
        ).all()
    assert len(loans) == 4
    misfits = [tuple(loan) for loan in loans if loan.reason not in REASONS_BY_KIND.get(loan.category, set())]
    assert misfits == []
    # The engineer borrows the engineering drawings (of the one building of the tests' 80-unit demo); the accountant an
    # owner's move-in form, as before.
    assert [(loan.borrower, loan.category, loan.title) for loan in loans if loan.borrower in ("王工", "李会计")] == [
        ("王工", "工程档案", "1号楼给排水竣工图纸"),
        ("李会计", "业主档案", "入住登记表"),
    ]


@pytest.fixture
def drawn_texts(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """What the demo writes on each scan it makes, by the scan's SHA-256 (the ledger's ``archive_items.sha256``): the
    lines of its first page (later pages repeat its title).  The pages are images; reading them back by OCR would
    take minutes, so the lines are taken as they are drawn."""
    texts: dict[str, list[str]] = {}
    real = demoscans.scan_bytes

    def spy(kind: str, seed: int, pages: int = 1, lines: Sequence[str] | None = None) -> bytes:
        made = real(kind, seed, pages, lines)
        texts[hashlib.sha256(made).hexdigest()] = list(lines or [])
        return made

    monkeypatch.setattr(demoscans, "scan_bytes", spy)
    monkeypatch.setattr(demo_estate_module, "scan_bytes", spy)
    return texts


def archive_texts(folder: Path, drawn: dict[str, list[str]]) -> list[tuple[str, str, list[str]]]:
    """Each filed item of the demo in ``folder``: (archive number, filed at, its title and the lines on its page)."""
    workspace = open_workspace(folder, environ={})
    with open_ledger(workspace.database_url) as ledger, ledger.read() as conn:
        rows = conn.execute(sa.text("SELECT archive_no, filed_at, title, sha256 FROM archive_items")).all()
    return [(number, str(filed_at), [title, *drawn.get(sha, [])]) for number, filed_at, title, sha in rows]


#: A building named in a text (3号楼, 3栋, 二期1号楼) and a unit code after 房号：.
BUILDING_NAMED = re.compile(r"(二期)?([0-9]+)(?:号楼|栋|幢)")
UNIT_NAMED = re.compile(r"房号：(\S+)")


#: A seed whose first phase begins with small buildings (66, 44, 44 and 44 flats): a demo of one, two or four buildings
#: in 200 units at most, where the default seed's first four hold 858 (the test built a 1,200-unit demo for them).
SMALL_BUILDINGS_SEED = 8114


@pytest.mark.parametrize(("size", "buildings_built"), [(10, 1), (100, 2), (180, 4)])
def test_the_demo_archive_names_only_buildings_and_units_of_its_estate(
    run_cli: Any,
    tmp_path: Path,
    drawn_texts: dict[str, list[str]],
    size: int,
    buildings_built: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The 竣工图纸 was titled 3号楼 whatever the demo's size: the smallest demo (--units 10) has one building, a
    slightly larger one two.  Every building and unit its archive names, in titles and on the pages, is one of its
    estate, and so is the building whose owners it suggests listing: 3号楼 once there is one (of four: not the last),
    else the last."""
    # The pages' lines are taken as drawn (``drawn_texts``): the demo's OCR of one scan, most of a small demo's time,
    # reads them with a stand-in engine.
    monkeypatch.setattr(extract, "load_engine", CountingEngine)
    folder = tmp_path / "演示"
    result = run_cli("demo", str(folder), "--seed", str(SMALL_BUILDINGS_SEED), "--units", str(size))
    assert result.exit_code == 0, result.stderr
    workspace = open_workspace(folder, environ={})
    with open_ledger(workspace.database_url) as ledger, ledger.read() as conn:
        buildings = {tuple(row) for row in conn.execute(sa.text("SELECT DISTINCT phase, building FROM units"))}
        codes = set(conn.execute(sa.text("SELECT code FROM units")).scalars())
    named_buildings, named_units = set(), set()
    for _, _, lines in archive_texts(folder, drawn_texts):
        for line in lines:
            named_buildings |= {(phase or "", number) for phase, number in BUILDING_NAMED.findall(line)}
            named_units |= set(UNIT_NAMED.findall(line))
    # The building the demo suggests listing too (``owners list --building 3`` was refused by a one-building demo).
    named_buildings |= {("", number) for number in re.findall(r"owners list --building ([0-9]+)", result.stdout)}
    assert named_buildings and named_units  # the drawings name their building, the owner files their units
    assert named_buildings - buildings == set()
    assert named_units - codes == set()
    assert len({number for phase, number in buildings if not phase and number}) == buildings_built
    drawings = [title for _, _, (title, *_) in archive_texts(folder, drawn_texts) if "竣工图纸" in title]
    assert drawings == [f"{min(buildings_built, 3)}号楼给排水竣工图纸"]


#: A date written in a text: a day (2005年1月15日), a month (2004年11月收据存根) or a year (保洁服务合同（2005年度）).
DATE_WRITTEN = re.compile(r"([0-9]{4})年(?:([0-9]{1,2})月(?:([0-9]{1,2})日)?|度)")


def test_no_paper_of_a_demo_built_years_ago_is_dated_after_it_was_filed(
    run_cli: Any, tmp_path: Path, drawn_texts: dict[str, list[str]]
) -> None:
    """A demo built as of 2005-01-03 filed its scans in December 2026 (归档时间 the machine's day; 装修申请表 and the
    unrecognised photo numbered YZ-2026 and WF-2026).  Its scans are filed that morning, and no date written on them
    (a day, a month, a year) begins after it."""
    today = dt.date(2005, 1, 3)
    folder = tmp_path / "演示"
    result = run_cli("demo", str(folder), "--today", str(today), "--units", "10")
    assert result.exit_code == 0, result.stderr
    filed_on, dated, late = set(), 0, []
    for number, filed_at, lines in archive_texts(folder, drawn_texts):
        filed = dt.date.fromisoformat(filed_at[:10])
        filed_on.add(filed)
        for written in (found for line in lines for found in DATE_WRITTEN.finditer(line)):
            dated += 1
            year, month, day = written.groups()
            if dt.date(int(year), int(month or 1), int(day or 1)) > filed:  # the first day it can mean
                late.append((number, written[0], str(filed)))
    assert filed_on == {today}
    assert dated > 40  # every scan but the unrecognised photo carries its date
    assert late == []
    workspace = open_workspace(folder, environ={})
    with open_ledger(workspace.database_url) as ledger, ledger.read() as conn:
        years = conn.execute(sa.text("SELECT DISTINCT year FROM archive_items WHERE doc_date IS NULL")).scalars().all()
    assert years == [2005]  # the undated ones are numbered in the year they were filed
