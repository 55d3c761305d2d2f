"""Paper that prints right, read back from the PDF LibreOffice makes (what the printer gets).

Every built-in template's output, a merged reminder of many households (one page each; with
--duplex each on an odd page, the back left blank), and a reminder for two years of debt (one A4
page).  No page may be empty (except a duplex back) or hold only the seal block.

Locally these tests skip without LibreOffice; under CI=true they fail, as CI installs it.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from recordkit.billing.arrears import list_arrears
from recordkit.core.workspace import Workspace, open_workspace
from recordkit.documents import pdf
from recordkit.documents.generated import list_documents
from recordkit.documents.notices import make_notices, remind, select_recipients
from recordkit.documents.templates.engine import BUILTIN_DIR
from recordkit.ledger.db import Ledger, open_ledger
from recordkit.renovations.records import list_renovations
from tests.conftest import copy_demo
from tests.documents_fixtures import estate, pdf_text, soffice, ws  # noqa: F401 (fixtures)
from tests.fees_fixtures import CASHIER, bill_months

DAY = dt.date(2026, 11, 23)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, _demo_template: Any) -> Iterator[tuple[Workspace, Ledger]]:
    root = copy_demo(_demo_template, tmp_path_factory.mktemp("paper") / "demo").root
    workspace = open_workspace(root, environ={})
    ledger = open_ledger(workspace.database_url)
    yield workspace, ledger
    ledger.close()


def only_the_seal(page: str, office: str) -> bool:
    """A page holding nothing but the signature block: office, 盖章处, a date (or blank lines)."""
    rest = page.replace(office, "").replace("（盖章处）", "")
    rest = re.sub(r"\d{4}年\d{1,2}月\d{1,2}日", "", rest)
    rest = re.sub(r"[_：:（）()签字盖章日期经办人收款人业主签收]", "", rest)
    return rest == ""


#: What a clerk must never see on paper: a system account signing it, a UTC or ISO time stamp.
NOT_ON_PAPER = re.compile(r"\broot\b|administrator|UTC|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}|\+00:00", re.IGNORECASE)


def assert_prints_right(name: str, pages: list[str], office: str) -> None:
    assert pages, f"{name}: the PDF has no page"
    for number, page in enumerate(pages, 1):
        assert page, f"{name}: page {number} of {len(pages)} is empty"
        assert not only_the_seal(page, office), f"{name}: page {number} holds only the seal block: {page}"
        assert not NOT_ON_PAPER.search(page), f"{name}: page {number} shows {NOT_ON_PAPER.search(page)}: {page}"


# Values for the built-in notices the demo estate does not print.
NOTICE_VALUES: dict[str, dict[str, str]] = {
    "停水通知": {
        "停水原因": "管网维修",
        "停水范围": "1栋",
        "停水时间": "2026年12月5日8:00",
        "恢复时间": "2026年12月5日18:00",
    },
    "停电通知": {
        "停电原因": "线路检修",
        "停电范围": "1栋",
        "停电时间": "2026年12月5日8:00",
        "恢复时间": "2026年12月5日18:00",
    },
    "电梯维保通知": {
        "维保单位": "安达电梯维保有限公司",
        "电梯位置": "1栋1单元",
        "维保时间": "2026年12月6日9:00",
        "结束时间": "2026年12月6日12:00",
    },
    "温馨提示": {"提示内容": "冬季天干物燥，请您注意用火用电安全，外出时关闭燃气阀门。"},
    "装修违规整改通知": {"违规事项": "擅自拆改承重墙", "整改期限": "2026年12月10日"},
}


def test_every_builtin_template_prints_without_blank_or_seal_only_pages(
    soffice: str, demo: tuple[Workspace, Ledger]
) -> None:
    workspace, ledger = demo
    office = workspace.settings.office.name
    unit = select_recipients(ledger, everyone=True)[0].unit
    # A 装修违规整改通知 goes only to works whose deposit is held: the demo's renovation still under way.
    works = next(renovation.unit for renovation in list_renovations(ledger) if renovation.status != "refunded")
    for name, values in NOTICE_VALUES.items():
        to = select_recipients(ledger, unit=works if name == "装修违规整改通知" else unit)
        make_notices(workspace, ledger, name, to, values, CASHIER, today=DAY)
    printed: dict[str, Path] = {}
    for document in list_documents(workspace, ledger, limit=100_000):
        if document.path.suffix == ".docx" and "合并打印" not in document.title:
            printed.setdefault(document.template, document.path)
    builtin = {path.stem for path in BUILTIN_DIR.glob("*.docx")}
    missing = builtin - set(printed) - {"收据-241"}  # the 241 mm continuous form is its own paper
    assert missing == set(), f"no output of {sorted(missing)} to check"
    names = sorted(set(printed) & builtin)
    pdfs = pdf.convert_to_pdf([printed[name] for name in names], soffice=soffice)
    counts = {}
    for name, path in zip(names, pdfs, strict=True):
        pages = pdf_text(path)
        assert_prints_right(name, pages, office)
        counts[name] = len(pages)
    # The numbered receipt: its number, the day written the Chinese way and the clerk who took the money.
    receipt_page = pdf_text(pdfs[names.index("收据")])[0]
    assert re.search(r"编号：SJ\d{4}-\d{6}收款日期：\d{4}年\d{1,2}月\d{1,2}日", receipt_page), receipt_page
    assert receipt_page.count("收款人：演示管理员") == 3  # three parts (存根、收据、记账) on one A4 sheet
    # One sheet each, but the management agreement (its clauses run to more pages).
    assert {name: count for name, count in counts.items() if name != "装饰装修管理协议"} == dict.fromkeys(
        (name for name in names if name != "装饰装修管理协议"), 1
    )


def _as_printed(code: str) -> str:
    """How paper writes the demo's units, worked out here by hand: 3-2-1201 is 3栋2单元1201室,
    二期·2-202 is 二期2栋202室, 二期·别墅5 is 二期5号别墅, 车位B1-012 is 地下车位B1-012; a shop
    (商铺S-102) is written as its code."""
    if flat := re.fullmatch(r"(\d+)-(\d+)-(\d+)", code):
        return "{}栋{}单元{}室".format(*flat.groups())
    if phased := re.fullmatch(r"(.+期)·(\d+)-(\d+)", code):
        return "{}{}栋{}室".format(*phased.groups())
    if villa := re.fullmatch(r"(.+期)·别墅(\d+)", code):
        return "{}{}号别墅".format(*villa.groups())
    if code.startswith("车位B"):
        return f"地下{code}"
    return code


def _households(ledger: Ledger, min_months: int) -> list[str]:
    return [row.unit for row in list_arrears(ledger, dt.date.today(), min_months=min_months) if row.owner]


@pytest.mark.parametrize("duplex", [False, True], ids=["simplex", "duplex"])
def test_a_merged_reminder_gives_each_household_its_own_page(
    soffice: str, demo: tuple[Workspace, Ledger], duplex: bool
) -> None:
    workspace, ledger = demo
    office = workspace.settings.office.name
    households = _households(ledger, 6)
    assert len(households) >= 10, "the demo estate should have at least 10 households to remind"
    batch = remind(workspace, ledger, CASHIER, min_months=6, merge=True, duplex=duplex, pdf=True)
    assert batch is not None and batch.pdf_problem is None
    pages = pdf_text(batch.pdfs[0].path)
    if duplex:
        # Each household on one sheet, its back blank, the last one's too (12 households, 24 pages).
        assert len(pages) == 2 * len(households)
        assert all(page == "" for page in pages[1::2]), "a duplex back must stay blank"
        fronts = pages[0::2]
    else:
        assert len(pages) == len(households)
        fronts = pages
    assert_prints_right("催缴通知书合并打印", fronts, office)
    shown = [re.search(r"您名下.+?小区(\S+?)尚有", page).group(1) for page in fronts]  # type: ignore[union-attr]
    assert sorted(shown) == sorted(map(_as_printed, households))
    assert all(page.startswith("催缴通知书尊敬的") and "（盖章处）" in page for page in fronts)


def test_two_years_of_debt_fit_one_a4_page(soffice: str, ws: Workspace, estate: Ledger) -> None:  # noqa: F811
    months = [f"{2025 + i // 12}-{i % 12 + 1:02d}" for i in range(24)]  # 2025-01 … 2026-12, billing's first month on
    bill_months(estate, *months)
    # As of 1 December 2026, the day the 24th bill falls due (arrears of a day to come are refused).
    batch = remind(ws, estate, CASHIER, min_months=24, as_of=dt.date(2026, 12, 1), pdf=True)
    assert batch is not None and batch.pdf_problem is None and batch.pdfs
    for document in batch.pdfs:
        pages = pdf_text(document.path)
        assert len(pages) == 1, f"{document.path.name} runs to {len(pages)} pages"
        assert "2025年1月–2026年12月（24个月）物业服务费" in pages[0]
        assert_prints_right(document.path.name, pages, ws.settings.office.name)


def _page_lines(path: Path) -> list[list[str]]:
    """Each page's lines as LibreOffice laid them out (a number broken over two lines shows here)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(path))
    try:
        return [
            [line.strip() for line in document[i].get_textpage().get_text_range().splitlines() if line.strip()]
            for i in range(len(document))
        ]
    finally:
        document.close()


def test_the_monthly_summary_tables_fit_a4_without_breaking_a_number(
    soffice: str, demo: tuple[Workspace, Ledger], tmp_path: Path
) -> None:
    from docx import Document

    from recordkit.reports import monthly_report

    workspace, ledger = demo
    last_month = dt.date.today().replace(day=1) - dt.timedelta(days=1)  # the demo's last full month
    month = f"{last_month.year}-{last_month.month:02d}"
    report = monthly_report(workspace, ledger, month, CASHIER, tmp_path, pdf=True, today=dt.date.today())
    assert report.pdf_problem is None
    summary_pdf = next(path for path in report.pdfs if path.stem.startswith("月度工作总结"))
    pages = _page_lines(summary_pdf)
    fee_table = Document(str(report.summary)).tables[0]
    figures = [cell.text for row in fee_table.rows[1:] for cell in row.cells[1:]]
    assert len(figures) >= 12 and any(len(figure) >= 10 for figure in figures)
    lines = [line for page in pages for line in page]
    broken = [figure for figure in figures if not any(figure in line for line in lines)]
    assert broken == [], f"figures broken over two lines: {broken}"
    total_row = [cell.text for cell in fee_table.rows[-1].cells]
    assert total_row[0] == "合计"
    # The whole table, 合计 row included, on the page that holds its heading.
    heading_page = next(i for i, page in enumerate(pages) if "附表一：收费汇总（按收费项目）" in page)
    assert any(line.startswith("合计") and total_row[1] in line for line in pages[heading_page])
    assert_prints_right("月度工作总结", ["".join(page) for page in pages], workspace.settings.office.name)
