"""PDF copies of generated .docx files, through LibreOffice headless in one batch call.

One ``soffice --convert-to pdf`` process converts every file of a batch (starting
LibreOffice takes seconds; once per file would take minutes for a building).  The
fonts a document uses are embedded by LibreOffice's PDF export, so a printer without
Chinese fonts prints the same page.  What to do with the PDFs is the caller's business.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from recordkit.core.atomic import write_bytes
from recordkit.core.errors import RecordkitError

INSTALL_HINT = "请安装 LibreOffice（Debian/Ubuntu：sudo apt-get install libreoffice-writer fonts-noto-cjk）"


class PdfError(RecordkitError):
    """No PDF could be made: LibreOffice is missing or failed.  The .docx files stay as they are."""


def find_soffice() -> str | None:
    """The LibreOffice binary on PATH, or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_pdf(paths: Sequence[Path], soffice: str | None = None, timeout: float | None = None) -> list[Path]:
    """Convert .docx (and .xlsx) files to PDF beside them (``a.docx`` → ``a.pdf``) in one LibreOffice run.

    Returns the PDF paths in the order of ``paths``.  Raises ``PdfError`` when LibreOffice
    is not installed, fails, or leaves a file unconverted; PDFs already moved into place
    are removed then, so a batch is converted whole or not at all.
    """
    if not paths:
        return []
    binary = soffice or find_soffice()
    if binary is None:
        raise PdfError(f"没有找到 LibreOffice，未生成 PDF（.docx 文件已生成，可直接用 Word/WPS 打印）。{INSTALL_HINT}")
    with tempfile.TemporaryDirectory(prefix="recordkit-pdf-") as scratch:
        work = Path(scratch)
        inbox, outbox = work / "in", work / "out"
        inbox.mkdir()
        # Short neutral names: no two inputs clash in the one output folder, and no owner's
        # name reaches the command line (process lists are visible to other users).
        names = [f"{index:06d}{path.suffix.lower() or '.docx'}" for index, path in enumerate(paths)]
        for name, path in zip(names, paths, strict=True):
            os.symlink(path.resolve(), inbox / name)
        # Writer's PDF filter for .docx as before; an .xlsx (the monthly report) needs Calc's, which
        # the bare "pdf" target picks per file.
        # The blank backs a double-sided print file asks for (each household on an odd page) must
        # reach the PDF: Writer's filter drops "automatically inserted blank pages" unless told not to.
        target = (
            'pdf:writer_pdf_Export:{"IsSkipEmptyPages":{"type":"boolean","value":"false"}}'
            if all(name.endswith(".docx") for name in names)
            else "pdf"
        )
        command = [
            binary,
            "--headless",
            "--norestore",
            "--nologo",
            "--nodefault",
            "--nolockcheck",
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--convert-to",
            target,
            "--outdir",
            str(outbox),
            *(str(inbox / name) for name in names),
        ]
        environment = {**os.environ, "HOME": str(work)}
        try:
            finished = subprocess.run(
                command, capture_output=True, timeout=timeout or 120 + 2 * len(paths), env=environment, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as err:
            raise PdfError(f"LibreOffice 转换 PDF 失败（{type(err).__name__}），未生成 PDF；.docx 文件已生成") from err
        produced = [outbox / f"{index:06d}.pdf" for index in range(len(paths))]
        missing = [path for path, pdf in zip(paths, produced, strict=True) if not pdf.is_file()]
        if missing:
            reason = finished.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [
                f"退出码 {finished.returncode}"
            ]
            raise PdfError(
                f"LibreOffice 有 {len(missing)} 个文件没有转换成 PDF（{reason[0][:200]}），未生成 PDF；.docx 文件已生成"
            )
        return _move_into_place(paths, produced)


def _move_into_place(paths: Sequence[Path], produced: Sequence[Path]) -> list[Path]:
    placed: list[Path] = []
    try:
        for path, pdf in zip(paths, produced, strict=True):
            # A PDF may be read by whoever may read its source: a private report's stays private.
            placed.append(
                write_bytes(path.with_suffix(".pdf"), pdf.read_bytes(), mode=stat.S_IMODE(path.stat().st_mode))
            )
    except BaseException:
        for target in placed:
            target.unlink(missing_ok=True)
        raise
    return placed
