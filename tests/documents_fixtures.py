"""What the notice and certificate tests share: a workspace on the test ledger holding the small
estate, and reading back what was generated."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from docx import Document

from recordkit.core.workspace import Workspace, open_workspace
from recordkit.documents import pdf
from recordkit.ledger.db import Ledger, open_ledger
from tests.fees_fixtures import small_estate


@pytest.fixture
def ws(workspace: Workspace, ledger_url: str) -> Workspace:
    return open_workspace(workspace.root, environ={"RECORDKIT_DATABASE_URL": ledger_url})


@pytest.fixture
def estate(ws: Workspace, tmp_path: Path) -> Iterator[Ledger]:
    ledger = open_ledger(ws.database_url)
    small_estate(ledger, tmp_path)
    yield ledger
    ledger.close()


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
