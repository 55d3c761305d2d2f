"""Generated documents: where a filled template lands, and its record in the ledger.

Every printed paper (notice, receipt, certificate, pass) is filled here from a
template, written to ``records/generated/YYYY/MM/`` under a unique readable name,
and recorded (template, values, operator, time, SHA-256) and journalled in the same
ledger write.  What goes into the values is the caller's business.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import sqlalchemy as sa

from recordkit.core.atomic import write_bytes
from recordkit.core.personal import mask_values
from recordkit.documents.pdf import PdfError, convert_to_pdf
from recordkit.documents.templates.engine import Template, TemplateLibrary, chinese_date
from recordkit.ledger import journal
from recordkit.ledger.db import bulk_insert
from recordkit.ledger.schema import documents

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from recordkit.core.workspace import Workspace
    from recordkit.ledger.db import Ledger

T = TypeVar("T")

_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')
_MAX_NAME_CHARS = 80


@dataclass(frozen=True)
class DocumentRequest:
    """One document to make: its values and what it is about."""

    context: Mapping[str, Any]
    subject: str
    title: str


@dataclass(frozen=True)
class GeneratedDocument:
    id: int
    kind: str
    template: str
    subject: str
    title: str
    path: Path
    sha256: str
    operator: str
    created_at: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "template": self.template,
            "subject": self.subject,
            "title": self.title,
            "path": str(self.path),
            "sha256": self.sha256,
            "operator": self.operator,
            "created_at": self.created_at,
        }


def common_context(workspace: Workspace, today: dt.date | None = None) -> dict[str, str]:
    """The values every document gets: the office, the estate and today's date in Chinese."""
    return {
        "物业服务中心": workspace.settings.office.name,
        "小区": workspace.settings.office.estate,
        "日期": chinese_date(today or dt.date.today()),
    }


def safe_file_stem(text: str) -> str:
    """A file-name-safe version of a title or subject: no separators, no control characters."""
    cleaned = _UNSAFE_NAME.sub("-", text).strip(" .-")
    return cleaned[:_MAX_NAME_CHARS] or "文书"


def _free_path(folder: Path, stem: str, taken: set[Path]) -> Path:
    candidate = folder / f"{stem}.docx"
    number = 2
    while candidate.exists() or candidate in taken:
        candidate = folder / f"{stem}_{number}.docx"
        number += 1
    taken.add(candidate)
    return candidate


def output_folder(workspace: Workspace, when: dt.datetime) -> Path:
    return workspace.records_subdir("generated") / f"{when:%Y}" / f"{when:%m}"


def generate(
    workspace: Workspace,
    ledger: Ledger,
    template_name: str,
    context: Mapping[str, Any],
    *,
    operator: str,
    kind: str,
    subject: str,
    title: str,
    library: TemplateLibrary | None = None,
) -> GeneratedDocument:
    """Fill one template, write it under ``records/generated/`` and record it.

    Raises ``NotFoundError`` for an unknown template and ``TemplateError`` when the
    values do not fit it; nothing is written then.
    """
    request = DocumentRequest(context=context, subject=subject, title=title)
    return generate_many(workspace, ledger, template_name, [request], operator=operator, kind=kind, library=library)[0]


def generate_many(
    workspace: Workspace,
    ledger: Ledger,
    template_name: str,
    requests: Sequence[DocumentRequest],
    *,
    operator: str,
    kind: str,
    library: TemplateLibrary | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[GeneratedDocument]:
    """Fill one document per request, all recorded in one ledger write.

    Every request's values are checked against the template before the first file is
    written.  The files are written under the ledger's write lock, so two clerks never
    pick the same name; if the ledger write fails, the files written are removed.
    """
    template = (library or TemplateLibrary.for_workspace(workspace)).get(template_name)
    for request in requests:
        template.check_context(request.context)
    with files_removed_on_failure() as written, ledger.write() as conn:
        return write_documents(
            conn, workspace, template, requests, operator=operator, kind=kind, written=written, progress=progress
        )


@contextmanager
def files_removed_on_failure() -> Iterator[list[Path]]:
    """A list to note each file written in; if the block fails, those files are removed.

    Put it outside the ``Ledger.write()`` whose rows describe the files, so that a failed
    commit takes the files with it.
    """
    written: list[Path] = []
    try:
        yield written
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise


def record_and_print(
    workspace: Workspace,
    ledger: Ledger,
    template_name: str,
    change: Callable[[Connection], T],
    paper: Callable[[Connection, T], DocumentRequest],
    *,
    operator: str,
    kind: str,
    library: TemplateLibrary | None = None,
) -> tuple[T, GeneratedDocument]:
    """Make a ledger change and print the paper that goes with it in ONE ledger write.

    ``change(conn)`` writes the change and returns what it made; ``paper(conn, made)`` says
    what to print.  If the template cannot be filled, the disk is full or the commit fails,
    neither the change nor the file remains: the paper of a registration, a refund or a
    receipt never goes missing while the ledger says it was issued.
    """
    template = (library or TemplateLibrary.for_workspace(workspace)).get(template_name)
    with files_removed_on_failure() as written, ledger.write() as conn:
        made = change(conn)
        document = write_documents(
            conn, workspace, template, [paper(conn, made)], operator=operator, kind=kind, written=written
        )[0]
    return made, document


def write_documents(
    conn: Connection,
    workspace: Workspace,
    template: Template,
    requests: Sequence[DocumentRequest],
    *,
    operator: str,
    kind: str,
    written: list[Path],
    progress: Callable[[int], None] | None = None,
) -> list[GeneratedDocument]:
    """Fill, write and record documents inside the caller's ``Ledger.write()`` (``conn``).

    Each file's path is appended to ``written`` as soon as it exists (see
    ``files_removed_on_failure``).  Raises ``TemplateError`` when a request's values do
    not fit the template.
    """
    now = dt.datetime.now(dt.UTC)
    folder = output_folder(workspace, now.astimezone())
    taken: set[Path] = set()
    records = []
    for request in requests:
        path = _free_path(folder, safe_file_stem(f"{request.title}_{request.subject}"), taken)
        data = template.render_bytes(request.context)
        _write_new(path, data)
        written.append(path)
        records.append(_record_row(workspace, template, kind, request, path, data, operator, now))
        if progress:
            progress(1)
    return _insert(conn, workspace, records, operator)


def generate_merged(
    workspace: Workspace,
    ledger: Ledger,
    template_name: str,
    requests: Sequence[DocumentRequest],
    *,
    operator: str,
    kind: str,
    subject: str,
    title: str,
    library: TemplateLibrary | None = None,
) -> GeneratedDocument:
    """One print file holding every request's copy, each on its own page; recorded as one document."""
    template = (library or TemplateLibrary.for_workspace(workspace)).get(template_name)
    now = dt.datetime.now(dt.UTC)
    folder = output_folder(workspace, now.astimezone())
    data = template.render_merged_bytes(request.context for request in requests)
    summary = DocumentRequest(
        context={"份数": len(requests), "收件": [r.subject for r in requests]}, subject=subject, title=title
    )
    with files_removed_on_failure() as written, ledger.write() as conn:
        path = _free_path(folder, safe_file_stem(f"{title}_{subject}"), set())
        _write_new(path, data)
        written.append(path)
        row = _record_row(workspace, template, kind, summary, path, data, operator, now)
        return _insert(conn, workspace, [row], operator)[0]


def _write_new(path: Path, data: bytes) -> None:
    write_bytes(path, data)


def _values_json(values: Mapping[str, Any]) -> str:
    """What a document was made from, as the ledger keeps it: personal data masked (the paper has it)."""

    return json.dumps(mask_values(values), ensure_ascii=False, default=str, sort_keys=True)


def _record_row(
    workspace: Workspace,
    template: Template,
    kind: str,
    request: DocumentRequest,
    path: Path,
    data: bytes,
    operator: str,
    now: dt.datetime,
) -> dict[str, Any]:
    return {
        "kind": kind,
        "template": template.name,
        "origin": template.origin,
        "subject": request.subject,
        "title": request.title,
        "path": path.relative_to(workspace.root).as_posix(),
        "sha256": hashlib.sha256(data).hexdigest(),
        "values_json": _values_json(request.context),
        "operator": operator,
        "created_at": now.isoformat(timespec="seconds"),
    }


def _insert(
    conn: Connection, workspace: Workspace, rows: list[dict[str, Any]], operator: str
) -> list[GeneratedDocument]:
    first_id = (conn.execute(sa.select(sa.func.max(documents.c.id))).scalar() or 0) + 1
    for offset, row in enumerate(rows):
        row["id"] = first_id + offset
    bulk_insert(conn, documents, rows)
    # The journal holds what was printed and where, never the values (they may hold ID numbers).
    journal.record(
        conn,
        operator,
        [
            journal.Change(
                "document.generate",
                "document",
                row["path"],
                None,
                {key: row[key] for key in ("kind", "template", "origin", "subject", "title", "sha256")},
            )
            for row in rows
        ],
    )
    return [_to_document(workspace, row) for row in rows]


def _to_document(workspace: Workspace, row: Mapping[Any, Any]) -> GeneratedDocument:
    return GeneratedDocument(
        id=row["id"],
        kind=row["kind"],
        template=row["template"],
        subject=row["subject"],
        title=row["title"],
        path=workspace.root / row["path"],
        sha256=row["sha256"],
        operator=row["operator"],
        created_at=row["created_at"],
    )


def list_documents(
    workspace: Workspace,
    ledger: Ledger,
    *,
    kind: str | None = None,
    subject: str | None = None,
    limit: int | None = None,
) -> list[GeneratedDocument]:
    """Generated documents, newest first, optionally of one kind or about one subject."""

    query = sa.select(documents).order_by(documents.c.id.desc())
    if kind:
        query = query.where(documents.c.kind == kind)
    if subject:
        query = query.where(documents.c.subject == subject)
    if limit:
        query = query.limit(limit)
    with ledger.read() as conn:
        return [_to_document(workspace, row._mapping) for row in conn.execute(query)]


@dataclass(frozen=True)
class FileRecord:
    """A file made beside the filled documents (a sign-off sheet, a PDF) to record as generated."""

    path: Path
    kind: str
    template: str
    subject: str
    title: str
    values: Mapping[str, Any]


def free_path(workspace: Workspace, stem: str, suffix: str) -> Path:
    """A new, unused path for a generated file in this month's folder."""
    folder = output_folder(workspace, dt.datetime.now().astimezone())
    candidate = folder / f"{safe_file_stem(stem)}{suffix}"
    number = 2
    while candidate.exists():
        candidate = folder / f"{safe_file_stem(stem)}_{number}{suffix}"
        number += 1
    return candidate


def record_files(
    workspace: Workspace, ledger: Ledger, files: Sequence[FileRecord], operator: str
) -> list[GeneratedDocument]:
    """Record files already written (sheets, PDFs) in the documents table and the journal."""
    if not files:
        return []
    now = dt.datetime.now(dt.UTC)
    rows = [
        {
            "kind": f.kind,
            "template": f.template,
            "origin": "",
            "subject": f.subject,
            "title": f.title,
            "path": f.path.relative_to(workspace.root).as_posix(),
            "sha256": hashlib.sha256(f.path.read_bytes()).hexdigest(),
            "values_json": _values_json(dict(f.values)),
            "operator": operator,
            "created_at": now.isoformat(timespec="seconds"),
        }
        for f in files
    ]
    with ledger.write() as conn:
        return _insert(conn, workspace, rows, operator)


def pdf_copies(
    workspace: Workspace, ledger: Ledger, documents: Sequence[GeneratedDocument], operator: str
) -> tuple[list[GeneratedDocument], str | None]:
    """PDF copies of generated documents in one LibreOffice run, recorded as generated documents too.

    Returns (the PDFs, None), or ([], the reason) when no PDF could be made: the .docx
    files stand either way.
    """

    try:
        paths = convert_to_pdf([document.path for document in documents])
    except PdfError as err:
        return [], err.message
    files = [
        FileRecord(
            path,
            document.kind,
            document.template,
            document.subject,
            f"{document.title}（PDF）",
            {"来源": document.path.relative_to(workspace.root).as_posix()},
        )
        for path, document in zip(paths, documents, strict=True)
    ]
    try:
        return record_files(workspace, ledger, files, operator), None
    except BaseException:
        for path in paths:
            path.unlink(missing_ok=True)
        raise
