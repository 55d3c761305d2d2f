"""Generated documents: where a filled template lands, and its record in the ledger.

Every printed paper (notice, receipt, certificate, pass) is filled here from a
template, recorded (template, values, operator, time, SHA-256) and journalled in one
ledger write, and published under a unique readable name in ``records/generated/YYYY/MM/``
only after that write commits.  What goes into the values is the caller's business.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import sqlalchemy as sa

from recordkit.core.atomic import fsync_directory
from recordkit.core.config import office_phone
from recordkit.core.dates import chinese_date
from recordkit.core.errors import ConflictError, LedgerError, ValidationError
from recordkit.core.personal import mask_values
from recordkit.core.unitcodes import parse_unit_code
from recordkit.documents.pdf import PdfError, convert_to_pdf
from recordkit.ledger import journal
from recordkit.ledger.db import bulk_insert, refuse_unknown_unit
from recordkit.ledger.schema import documents

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from recordkit.core.config import Settings
    from recordkit.core.workspace import Workspace
    from recordkit.documents.templates.engine import Prefilled, Template, TemplateLibrary
    from recordkit.ledger.db import Ledger

T = TypeVar("T")

log = logging.getLogger(__name__)

#: Where a paper waits, under its document id, between its render and the commit that numbers it.
PENDING_FOLDER = ".pending"

#: Every kind of document recordkit records, as `docs list --kind` names them: the templates' kinds
#: (their designs'), a batch's 送达签收表, the monthly report's files.
DOCUMENT_KINDS = ("通知", "催缴通知书", "证明", "出门条", "收据", "装修", "送达签收表", "月度报表")

#: The key of a merged print file's values listing the units it holds a copy for.
MERGED_RECIPIENTS = "收件"
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
    """The values every document gets (``office_context``), dated today."""
    return office_context(workspace.settings, today or dt.date.today())


def office_context(settings: Settings, day: dt.date) -> dict[str, str]:
    """The values every document gets: the office, the estate, its full address (小区地址, the street address and
    the estate's name), the office phone and ``day`` in Chinese (a receipt's: its day of payment).

    The office phone as written: a template that prints it refuses one ``core.config.office_phone`` refuses as it is
    taken to fill (``_printable``), one that does not print it is filled all the same."""
    office = settings.office
    return {
        "物业服务中心": office.name,
        "小区": office.estate,
        "小区地址": f"{office.address.strip()}{office.estate}",
        "物业电话": settings.notices.phone,
        "日期": chinese_date(day),
    }


def unit_address(common: Mapping[str, str], code: str) -> str:
    """A unit's full address on paper: "江宁市秦淮区幸福路88号幸福里小区1栋1单元101室" (the estate's
    address from ``common_context`` and the unit's display form)."""
    return f"{common['小区地址']}{parse_unit_code(code).display}"


def _library(workspace: Workspace, library: TemplateLibrary | None) -> TemplateLibrary:
    if library is not None:
        return library
    # docxtpl, jinja2 and lxml (~0.1 s) are needed to fill a template, not to list what was printed
    # (docs list, receipt list stay light): loaded on first use
    from recordkit.documents.templates.engine import TemplateLibrary

    return TemplateLibrary.for_workspace(workspace)


def _printable(workspace: Workspace, library: TemplateLibrary | None, name: str) -> Template:
    """The template ``name`` to fill (``checks.printable``: an office's template the check fails is refused), before
    anything is written: ``ConfigError`` for an office phone ``core.config.office_phone`` refuses when the template
    prints it (``designs.office_phone_variables``: an office's own template without it prints whatever the phone)."""
    # With the engine: needed to fill a template, not to list what was printed: loaded on first use
    from recordkit.documents.templates.checks import printable
    from recordkit.documents.templates.designs import office_phone_variables  # loaded on first use: python-docx

    template = printable(_library(workspace, library), name)
    if template.variables & office_phone_variables(name):
        office_phone(workspace.settings)
    return template


def safe_file_stem(text: str) -> str:
    """A file-name-safe version of a title or subject: no separators, no control characters."""
    cleaned = _UNSAFE_NAME.sub("-", text).strip(" .-")
    return cleaned[:_MAX_NAME_CHARS] or "文书"


def paper_stem(title: str, subject: str) -> str:
    """The file name of a paper, ``title_subject`` made safe: when that is too long, the title is
    shortened, never the subject, so that each file of a batch still names its unit."""
    whole = _UNSAFE_NAME.sub("-", f"{title}_{subject}").strip(" .-")
    if len(whole) <= _MAX_NAME_CHARS:
        return whole or "文书"
    tail = f"_{safe_file_stem(subject)}"[: _MAX_NAME_CHARS // 2]
    return safe_file_stem(title)[: _MAX_NAME_CHARS - len(tail)] + tail


def _free_path(
    conn: Connection, workspace: Workspace, folder: Path, stem: str, taken: set[Path], suffix: str = ".docx"
) -> Path:
    # A paper committed by another clerk may not be published yet: the ledger knows its name.
    candidate = folder / f"{stem}{suffix}"
    number = 2
    while candidate.exists() or candidate in taken or _recorded(conn, workspace, candidate):
        candidate = folder / f"{stem}_{number}{suffix}"
        number += 1
    taken.add(candidate)
    return candidate


def _recorded(conn: Connection, workspace: Workspace, path: Path) -> bool:
    relative = path.relative_to(workspace.root).as_posix()
    return conn.execute(_DOCUMENT_AT, {"path": relative}).first() is not None


_DOCUMENT_AT = sa.select(documents.c.id).where(documents.c.path == sa.bindparam("path")).limit(1)


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
    companions: Sequence[Companion] = (),
) -> list[GeneratedDocument]:
    """Fill one document per request, all recorded in one ledger write with the ``companions`` (a
    batch's 送达签收表), which come last in the list returned.

    Every request's values are checked against the template before the first file is
    written.  Names are chosen under the ledger's write lock, so two clerks never pick the
    same one; the files appear under them only after the commit (see ``papers_after_commit``):
    all of them, or none.
    """
    template = _printable(workspace, library, template_name)
    for request in requests:
        template.check_context(request.context)
    # Filled before the ledger's write lock is taken: a slow template never holds up the cashier.
    rendered = []
    for request in requests:
        rendered.append(template.render_bytes(request.context))
        if progress:
            progress(1)
    recover_papers(workspace, ledger)
    with papers_after_commit() as written, ledger.write() as conn:
        made = write_documents(
            conn, workspace, template, requests, operator=operator, kind=kind, written=written, rendered=rendered
        )
        return made + write_companions(conn, workspace, companions, operator=operator, written=written)


@dataclass(frozen=True)
class PendingPaper:
    """A rendered paper waiting for its ledger commit: the temporary file and the name it will get."""

    temp: Path
    target: Path


def pending_folder(workspace: Workspace) -> Path:
    """``records/generated/.pending``: papers rendered but not yet published (same file system)."""
    folder = workspace.records_subdir("generated") / PENDING_FOLDER
    folder.mkdir(exist_ok=True)
    return folder


@contextmanager
def papers_after_commit() -> Iterator[list[PendingPaper]]:
    """A list to note each paper rendered inside a ledger write; published once the block succeeds.

    Put it outside the ``Ledger.write()`` whose rows describe the papers: when the block fails
    (a template error, a full disk, a failed commit) the temporaries are removed and no paper
    appears; when it succeeds the commit has happened, and only then does each paper get its
    name.  A ``kill -9`` in between leaves a temporary that ``recover_papers`` settles.
    """
    pending: list[PendingPaper] = []
    try:
        yield pending
    except BaseException:
        for paper in pending:
            paper.temp.unlink(missing_ok=True)
        raise
    publish(pending)


def publish(papers: Sequence[PendingPaper]) -> None:
    """Give each committed paper its name, never over an existing file (``ConflictError`` then)."""
    for paper in papers:
        _publish_one(paper.temp, paper.target)
    for folder in {paper.target.parent for paper in papers}:
        fsync_directory(folder)


def _publish_one(temp: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(temp, target)  # a hard link fails on an existing name: a paper is never overwritten
    except FileExistsError:
        if not _same_paper(temp, target):
            raise ConflictError(
                f"文书 {target.name} 已存在且内容不同，没有覆盖：新的一份在 {temp}，请核对后手工处理"
            ) from None
    except FileNotFoundError:
        # Another clerk's recovery published this very paper (and removed the temporary) first.
        if not target.is_file():
            raise
        return
    temp.unlink(missing_ok=True)


def _same_paper(temp: Path, target: Path) -> bool:
    try:
        return os.path.samefile(temp, target) or temp.read_bytes() == target.read_bytes()
    except FileNotFoundError:  # published by another clerk's recovery meanwhile
        return target.is_file()


@dataclass(frozen=True)
class RecoveredPapers:
    published: list[Path]
    removed: list[Path]


def recover_papers(workspace: Workspace, ledger: Ledger) -> RecoveredPapers:
    """Settle papers a crash left between render and publication.

    A temporary whose document row was committed is published under its name (the ledger
    says it was issued, so its paper must exist); one whose write never committed is removed
    (its number was never taken and will be printed once, by the next clerk).  Runs under the
    ledger's write lock, so no other clerk is between render and commit meanwhile.  Cheap when
    nothing is pending: one directory listing, no ledger access.
    """
    folder = workspace.records_dir / "generated" / PENDING_FOLDER
    temps = sorted(folder.glob("*.pending")) if folder.is_dir() else []
    if not temps:
        return RecoveredPapers([], [])
    published: list[Path] = []
    removed: list[Path] = []
    with ledger.write() as conn:
        for temp in temps:
            row = None
            if temp.stem.isdigit():
                row = conn.execute(
                    sa.select(documents.c.path, documents.c.sha256).where(documents.c.id == int(temp.stem))
                ).first()
            try:
                data = temp.read_bytes()
            except FileNotFoundError:  # its own clerk published it after we listed the folder
                continue
            if row is not None and hashlib.sha256(data).hexdigest() == row.sha256:
                target = workspace.root / row.path
                try:
                    _publish_one(temp, target)
                except ConflictError as err:  # a stranger's file holds the name: keep both, say so
                    log.error("%s", err.message)
                    continue
                fsync_directory(target.parent)
                published.append(target)
            else:
                temp.unlink(missing_ok=True)
                removed.append(temp)
    for path in published:
        log.warning("published a paper a crash left unpublished: %s", path)
    for path in removed:
        log.warning("removed a paper whose ledger write never committed: %s", path)
    return RecoveredPapers(published, removed)


#: How often a paper is filled again (outside the lock) when the ledger changed it between its fill and
#: its write; each retry means another clerk changed this very paper meanwhile, so a few are plenty.
FILL_ATTEMPTS = 8


class _PaperChanged(Exception):
    """Raised inside a ledger write to roll it back: the prefilled paper no longer fits it."""


@dataclass(frozen=True)
class AlsoPrinted:
    """A further paper printed in the same ledger write as a change's own (``record_and_print``'s ``also``): its
    template and kind, what it says (``paper``: None when the change makes none — a refund that kept nothing issues
    no receipt), and the context keys only the write knows (``numbers``)."""

    template_name: str
    kind: str
    paper: Callable[[Connection, Any], DocumentRequest | None]
    numbers: Sequence[str] = ()


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
    preview: Callable[[Connection], T] | None = None,
    numbers: Sequence[str] = (),
    finish: Callable[[Connection, T, GeneratedDocument], None] | None = None,
) -> tuple[T, GeneratedDocument]:
    """Make a ledger change and print the paper that goes with it in ONE ledger write.

    ``change(conn)`` writes the change and returns what it made; ``paper(conn, made)`` says
    what to print; ``finish(conn, made, document)`` writes what refers to the paper's record (a
    certificate's row).  If the template cannot be filled, the disk is full or the commit fails,
    neither the change nor the file remains; the paper is published under its number only
    after the commit, so a crash never leaves a numbered paper the ledger does not know (and
    ``recover_papers`` publishes one the ledger knows): no number is ever printed twice.

    The paper is filled BEFORE the write lock is taken, from what the change is expected to make:
    ``preview(conn)`` says so from a read transaction without writing; without it the change is
    tried in a write that is rolled back (``Ledger.trial``, a short turn of the lock).  ``numbers``
    are the context keys that only the write can know (the receipt's number): the paper is filled
    with stand-ins for them and the numbers put in after the commit's rows are written.  No
    template is ever filled under the lock: if something else on the paper changed meanwhile (another
    clerk paid the same unit), the write is rolled back and the paper filled again outside the lock,
    up to ``FILL_ATTEMPTS`` times (then ``LedgerError``: the clerk tries again).
    """

    def finish_one(conn: Connection, made: T, documents: list[GeneratedDocument | None]) -> None:
        if finish is not None and documents[0] is not None:
            finish(conn, made, documents[0])

    made, (document,) = record_and_print_all(
        workspace,
        ledger,
        change,
        [AlsoPrinted(template_name, kind, paper, numbers)],
        operator=operator,
        library=library,
        preview=preview,
        finish=finish_one,
    )
    assert document is not None  # ``paper`` always says what to print
    return made, document


def record_and_print_all(
    workspace: Workspace,
    ledger: Ledger,
    change: Callable[[Connection], T],
    papers: Sequence[AlsoPrinted],
    *,
    operator: str,
    library: TemplateLibrary | None = None,
    preview: Callable[[Connection], T] | None = None,
    finish: Callable[[Connection, T, list[GeneratedDocument | None]], None] | None = None,
) -> tuple[T, list[GeneratedDocument | None]]:
    """``record_and_print`` with several papers (a refund's 退款单 and the 收据 of what it kept), one document per
    paper in their order (None for a paper the change did not make), all recorded in the change's ledger write and
    published after its commit — all of them or none.  Each is filled before the lock, as ``record_and_print``'s."""
    templates = [_printable(workspace, library, spec.template_name) for spec in papers]
    for _attempt in range(FILL_ATTEMPTS):
        prefilled = _prefill(ledger, templates, papers, preview or change, trial=preview is None)
        recover_papers(workspace, ledger)
        try:
            with papers_after_commit() as written, ledger.write() as conn:
                made = change(conn)
                documents: list[GeneratedDocument | None] = []
                for spec, template, filled in zip(papers, templates, prefilled, strict=True):
                    request = spec.paper(conn, made)
                    if request is None or filled is None:
                        if request is not None or filled is not None:
                            raise _PaperChanged  # a paper the preview did not expect, or one it did not make
                        documents.append(None)
                        continue
                    data = filled.complete(request.context)
                    if data is None:
                        raise _PaperChanged
                    document = write_documents(
                        conn,
                        workspace,
                        template,
                        [request],
                        operator=operator,
                        kind=spec.kind,
                        written=written,
                        rendered=[data],
                    )[0]
                    documents.append(document)
                if finish is not None:
                    finish(conn, made, documents)
        except _PaperChanged:
            log.info(
                "%s: filled again outside the write lock (the paper changed since it was prefilled)", papers[0].kind
            )
            continue
        return made, documents
    raise LedgerError(
        f"{papers[0].kind}填写期间台账上的内容被其他操作反复改动（已重试 {FILL_ATTEMPTS} 次），没有开具：请稍后再试一次"
    )


def _prefill(
    ledger: Ledger,
    templates: Sequence[Template],
    papers: Sequence[AlsoPrinted],
    expect: Callable[[Connection], T],
    *,
    trial: bool,
) -> list[Prefilled | None]:
    """The papers filled from what ``expect`` says the write will make (errors are the write's own:
    an unknown unit or a refused payment is refused here already, before anything is filled)."""
    with ledger.trial() if trial else ledger.read() as conn:
        made = expect(conn)
        requests = [spec.paper(conn, made) for spec in papers]
    return [
        None if request is None else template.prefill(request.context, spec.numbers)
        for template, spec, request in zip(templates, papers, requests, strict=True)
    ]


def write_documents(
    conn: Connection,
    workspace: Workspace,
    template: Template,
    requests: Sequence[DocumentRequest],
    *,
    operator: str,
    kind: str,
    written: list[PendingPaper],
    rendered: Sequence[bytes],
) -> list[GeneratedDocument]:
    """Record documents inside the caller's ``Ledger.write()`` (``conn``).

    ``rendered`` holds the papers, one per request, filled BEFORE the lock was taken: no template
    is filled while the lock is held.  Each is written to a temporary file noted in ``written``
    (see ``papers_after_commit``, which publishes it after the commit).
    """
    return _record_staged(
        conn,
        workspace,
        [
            _Staged(
                paper_stem(request.title, request.subject),
                ".docx",
                data,
                partial(_record_row, workspace, template, kind, request),
            )
            for request, data in zip(requests, rendered, strict=True)
        ],
        operator,
        written,
    )


@dataclass(frozen=True)
class Companion:
    """A file made in memory beside a batch's papers (its 送达签收表): recorded in the same ledger
    write and published with them after its commit, so that there is never one without the other."""

    stem: str  # its file name without the suffix; ``_2`` is added when taken
    suffix: str
    data: bytes
    kind: str
    template: str
    subject: str
    title: str
    values: Mapping[str, Any]


def write_companions(
    conn: Connection,
    workspace: Workspace,
    companions: Sequence[Companion],
    *,
    operator: str,
    written: list[PendingPaper],
) -> list[GeneratedDocument]:
    """Record ``companions`` inside the caller's ``Ledger.write()``, each staged in ``written`` as a paper is."""
    if not companions:
        return []
    return _record_staged(
        conn,
        workspace,
        [
            _Staged(
                safe_file_stem(companion.stem),
                companion.suffix,
                companion.data,
                partial(_companion_row, workspace, companion),
            )
            for companion in companions
        ],
        operator,
        written,
    )


def _companion_row(
    workspace: Workspace, companion: Companion, path: Path, data: bytes, operator: str, now: dt.datetime
) -> dict[str, Any]:
    record = FileRecord(path, companion.kind, companion.template, companion.subject, companion.title, companion.values)
    return _file_row(workspace, record, data, operator, now)


@dataclass(frozen=True)
class _Staged:
    """A paper to record and stage: its file name's stem and suffix, its bytes, and its ledger row as made from
    the free path it gets, its bytes, the operator and the moment (``_record_row``, ``_file_row``)."""

    stem: str
    suffix: str
    data: bytes
    row: Callable[[Path, bytes, str, dt.datetime], dict[str, Any]]


def _record_staged(
    conn: Connection, workspace: Workspace, papers: Sequence[_Staged], operator: str, written: list[PendingPaper]
) -> list[GeneratedDocument]:
    """Record ``papers`` inside the caller's ``Ledger.write()``: each under a free name in this month's folder,
    numbered after the last document, its bytes staged in ``written`` for publication after the commit; recorded at
    the workspace's present moment (``Workspace.now``: the demo's day for a demo built as of an earlier one)."""
    now = workspace.now().astimezone(dt.UTC)
    folder = output_folder(workspace, now.astimezone())
    first_id = _next_document_id(conn)
    taken: set[Path] = set()
    rows = []
    for offset, paper in enumerate(papers):
        path = _free_path(conn, workspace, folder, paper.stem, taken, paper.suffix)
        row = paper.row(path, paper.data, operator, now)
        row["id"] = first_id + offset
        _stage(workspace, row["id"], path, paper.data, written)
        rows.append(row)
    return _insert(conn, workspace, rows, operator)


def _stage(workspace: Workspace, document_id: int, target: Path, data: bytes, written: list[PendingPaper]) -> None:
    """Write a recorded paper's bytes to its temporary under ``.pending`` and note it for publication."""
    temp = pending_folder(workspace) / f"{document_id}.pending"
    temp.unlink(missing_ok=True)  # left by a write that never committed: its id is free again
    written.append(PendingPaper(temp, target))
    _write_new(temp, data)


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
    duplex: bool = False,
    companions: Sequence[Companion] = (),
) -> list[GeneratedDocument]:
    """One print file holding every request's copy, each starting on a new page (an odd page with
    ``duplex``: printed double-sided, no copy lands on the back of another); recorded as one document,
    in one ledger write with the ``companions`` (see ``generate_many``), which follow it in the list."""
    template = _printable(workspace, library, template_name)
    data = template.render_merged_bytes((request.context for request in requests), duplex=duplex)
    summary = DocumentRequest(
        context={"份数": len(requests), MERGED_RECIPIENTS: [r.subject for r in requests]}, subject=subject, title=title
    )
    recover_papers(workspace, ledger)
    with papers_after_commit() as written, ledger.write() as conn:
        made = write_documents(
            conn, workspace, template, [summary], operator=operator, kind=kind, written=written, rendered=[data]
        )
        return made + write_companions(conn, workspace, companions, operator=operator, written=written)


def _write_new(path: Path, data: bytes) -> None:
    """Write a new file and fsync it: it must be whole on disk before the commit that names it."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o644)
    with os.fdopen(descriptor, "wb") as stream:
        stream.write(data)
        stream.flush()
        os.fsync(stream.fileno())


_LAST_DOCUMENT_ID = sa.select(sa.func.max(documents.c.id))


def _next_document_id(conn: Connection) -> int:
    return int(conn.execute(_LAST_DOCUMENT_ID).scalar() or 0) + 1


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
    if any("id" not in row for row in rows):
        first_id = _next_document_id(conn)
        for offset, row in enumerate(rows):
            row.setdefault("id", first_id + offset)
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
    """Generated documents, newest first, optionally of one kind or about one subject (``_about``).
    ``ValidationError`` for a kind no document is of nor any recordkit makes (a typo, or a template's
    name), ``NotFoundError`` for a unit ``subject`` the ledger does not have: never an empty list."""

    query = sa.select(documents).order_by(documents.c.id.desc())
    if kind:
        query = query.where(documents.c.kind == kind)
    if subject:
        query = query.where(_about(subject))
    if limit:
        query = query.limit(limit)
    with ledger.read() as conn:
        found = [_to_document(workspace, row._mapping) for row in conn.execute(query)]
        if not found and kind:
            _check_kind(conn, kind)
        if not found:
            refuse_unknown_unit(conn, subject or None)
        return found


def _check_kind(conn: Connection, kind: str) -> None:
    """``ValidationError`` naming the kinds when ``kind`` is none recordkit makes nor any document's
    (an office's template, or another version's kind, keeps its own); a template's name says its kind."""
    if (
        kind in DOCUMENT_KINDS
        or conn.execute(sa.select(documents.c.id).where(documents.c.kind == kind).limit(1)).first()
    ):
        return
    known = "、".join(DOCUMENT_KINDS)
    of_template = conn.execute(sa.select(documents.c.kind).where(documents.c.template == kind).limit(1)).scalar()
    if of_template is not None:
        raise ValidationError(f"“{kind}”是模板，不是类别：请用 --kind {of_template}（类别有：{known}）")
    raise ValidationError(f"没有“{kind}”这一类文书，类别有：{known}")


def count_documents(ledger: Ledger, *, kind: str | None = None, subject: str | None = None) -> int:
    """How many generated documents ``list_documents`` would list without a limit."""
    query = sa.select(sa.func.count()).select_from(documents)
    if kind:
        query = query.where(documents.c.kind == kind)
    if subject:
        query = query.where(_about(subject))
    with ledger.read() as conn:
        return int(conn.execute(query).scalar_one())


def _about(subject: str) -> Any:
    """Documents about ``subject``: made for it, or a merged print file holding its copy (whose own
    subject is the building or 全体; the units it holds are its values' ``MERGED_RECIPIENTS`` list)."""
    item = json.dumps(subject, ensure_ascii=False)  # as ``_values_json`` writes it
    pattern = "%" + json.dumps(MERGED_RECIPIENTS, ensure_ascii=False) + ": [%" + _like_literal(item) + "%"
    return sa.or_(documents.c.subject == subject, documents.c.values_json.like(pattern, escape="\\"))


def _like_literal(text: str) -> str:
    """``text`` matched as it is by a LIKE whose escape character is a backslash."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@dataclass(frozen=True)
class FileRecord:
    """A file made beside the filled documents (a sign-off sheet, a PDF) to record as generated."""

    path: Path
    kind: str
    template: str
    subject: str
    title: str
    values: Mapping[str, Any]


def record_files(
    workspace: Workspace, ledger: Ledger, files: Sequence[FileRecord], operator: str
) -> list[GeneratedDocument]:
    """Record files already written (sheets, PDFs) in the documents table and the journal, at the workspace's present
    moment (``Workspace.now``)."""
    if not files:
        return []
    now = workspace.now().astimezone(dt.UTC)
    rows = [_file_row(workspace, f, f.path.read_bytes(), operator, now) for f in files]
    with ledger.write() as conn:
        return _insert(conn, workspace, rows, operator)


def _file_row(workspace: Workspace, f: FileRecord, data: bytes, operator: str, now: dt.datetime) -> dict[str, Any]:
    return {
        "kind": f.kind,
        "template": f.template,
        "origin": "",
        "subject": f.subject,
        "title": f.title,
        "path": f.path.relative_to(workspace.root).as_posix(),
        "sha256": hashlib.sha256(data).hexdigest(),
        "values_json": _values_json(dict(f.values)),
        "operator": operator,
        "created_at": now.isoformat(timespec="seconds"),
    }


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
