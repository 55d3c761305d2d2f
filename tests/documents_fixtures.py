"""What the notice and certificate tests share: a workspace on the test ledger holding the small
estate, and reading back what was generated."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from docx import Document

from recordkit.billing.rules import add_rule
from recordkit.core.config import RenovationSettings
from recordkit.core.workspace import Workspace, open_workspace
from recordkit.documents import pdf
from recordkit.ledger.db import Ledger, open_ledger
from recordkit.renovations.registration import RegistrationRequest, register
from tests.fees_fixtures import CASHIER, small_estate


@pytest.fixture
def ws(workspace: Workspace, ledger_url: str) -> Workspace:
    return open_workspace(workspace.root, environ={"RECORDKIT_DATABASE_URL": ledger_url})


@pytest.fixture
def estate(ws: Workspace, tmp_path: Path) -> Iterator[Ledger]:
    ledger = open_ledger(ws.database_url)
    small_estate(ledger, tmp_path)
    yield ledger
    ledger.close()


#: What a renovation registered for a 装修违规整改通知 is registered with: works from 20 November 2026 (before the
#: tests' notices, the suite's today after them) to the end of January.
WORKS = ("安居装饰", "王强", "13600001111", "2026-11-20", "2027-01-31")


def works_under_way(ledger: Ledger, *units: str) -> None:
    """A renovation registered on each of ``units``, its deposit held: what a 装修违规整改通知 is sent about."""
    add_rule(ledger, CASHIER, "装修押金", "oneoff", "2000", "2025-01")
    add_rule(ledger, CASHIER, "装修垃圾清运费", "oneoff", "500", "2025-01")
    for unit in units:
        register(ledger, RenovationSettings(), CASHIER, RegistrationRequest(unit, *WORKS), today=dt.date(2026, 11, 20))


def works_under_way_in(workspace: Workspace, *units: str) -> None:
    """``works_under_way`` in the ledger of ``workspace`` (the one its commands use), no registration form printed."""
    with open_ledger(workspace.database_url) as ledger:
        works_under_way(ledger, *units)


def paragraphs(path: Path) -> list[str]:
    return [p.text for p in Document(str(path)).paragraphs]


def generated(ws: Workspace) -> list[Path]:
    return sorted(p for p in ws.records_subdir("generated").rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def soffice() -> str:
    """LibreOffice's binary: skipped locally without it, a failure under CI=true (CI installs it)."""
    binary = pdf.find_soffice()
    if binary is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but LibreOffice (soffice) is not installed: .ci/run must install libreoffice-writer")
        pytest.skip("LibreOffice (soffice) not installed")
    return binary


def pdf_text(path: Path) -> list[str]:
    """Each page's text, without the spaces PDF text extraction puts between scripts and at line ends."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(path))
    try:
        return ["".join(document[i].get_textpage().get_text_range().split()) for i in range(len(document))]
    finally:
        document.close()
