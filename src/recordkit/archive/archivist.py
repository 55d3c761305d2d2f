"""The archive: filing a scan (number, placement, sidecar, ledger row), the catalogue, loans, verify.

Filing is crash-safe: under the ledger's global write lock the scan is copied to a temporary
file in its target folder, fsynced and published under its name with a hard link (its JSON sidecar
first; an existing file is never replaced), the row committed, and only then is the inbox file
removed.  ``recover`` finishes or rolls back what a killed filer left, and stops filing when the
ledger does not match the archive tree (a ledger restored from an older copy, or a new empty one).
What a scan *is* (category, unit, …) is decided in ``archive_rules``; reading the file in ``scans``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import hashlib
import json
import logging
import os
import re
import shutil
import stat
import sys
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import asdict, dataclass, field, replace
from functools import partial
from json.encoder import encode_basestring
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from recordkit.archive.numbers import item_row, normalise_no
from recordkit.archive.rules import (
    BROKEN_LINK,
    FIELD_LIMITS,
    FUTURE_DATE_ADVICE,
    MAX_SCANNER_SIDECAR_BYTES,
    MAX_TITLE_CHARS,
    NOT_SAID,
    SIDECAR_EXTENSIONS,
    Category,
    FilingRules,
    Metadata,
    Resolved,
    WrittenFloat,
    archived_extension,
    check_place_label,
    decode_text,
    format_archive_no,
    metadata_from_folder,
    metadata_from_name,
    metadata_from_sidecar,
    numbers_in_name,
    parse_archive_no,
    parse_retention,
    parse_sidecar,
    place_label,
    place_label_too_long,
    plain_title,
    reasons_about_unit,
    remade_title,
    resolve,
    safe_extension,
    safe_title,
    scan_as_matched,
    sequence_year,
    sidecar_as_read,
    sidecar_refusal,
    sidecar_value,
    title_too_long,
    why_not_filed,
    windows_name,
)
from recordkit.archive.scans import (
    ACCEPTED_EXTENSIONS,
    EMPTY_LEFT_REASON,
    RENAMED_SHORTER,
    ScanRejected,
    precheck,
    read_pages,
    send_again,
    sha256_of,
)
from recordkit.core.atomic import fsync_directory, fsync_path, write_bytes
from recordkit.core.config import spaced
from recordkit.core.dates import (
    check_not_future,
    check_not_past,
    check_within_a_year,
    office_time,
    parse_date,
    years_after,
)
from recordkit.core.errors import (
    ConfigError,
    ConflictError,
    IntegrityError,
    LedgerError,
    NotFoundError,
    RecordkitError,
    UsageError,
    ValidationError,
    WorkspaceError,
    storage_error,
)
from recordkit.core.filenames import (
    as_written,
    hidden_characters,
    printable,
    readable_name,
    shown_plainly,
    without_hidden,
)
from recordkit.core.personal import has_letter, mask_in_text, named_in_sentence, reason_problem, says_something
from recordkit.core.unitcodes import parse_unit_code
from recordkit.ledger import journal
from recordkit.ledger.db import (
    EMPTY_FILE_FOUND_AGAIN,
    SQLITE_FOUND_AGAIN,
    bulk_insert,
    holds_no_ledger,
    in_batches,
    ledger_where,
    missing_unit,
    read_workspace_ledger,
    refuse_unknown_unit,
    sqlite_file,
    sqlite_ledger_not_there,
)
from recordkit.ledger.schema import archive_aliases, archive_items, archive_loans, units
from recordkit.owners.contacts import one_person_as_kept

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from recordkit.archive.watch_lock import RunningService
    from recordkit.core.workspace import Workspace
    from recordkit.ledger.db import Ledger

log = logging.getLogger(__name__)

#: Called inside the filing transaction, just before its commit, with the items it files.
BeforeCommit = Callable[["Connection", list["ArchiveItem"]], None]
#: How one batch of a filing is filed (``Archivist.file_paths``): the files, each with the folder its folder names
#: count from, and the folders listed in the filing's pass (``FolderListings``); its outcomes, in order.
FileBatch = Callable[[Sequence[tuple[Path, "Path | None"]], "FolderListings"], list["FilingOutcome"]]

SIDECAR_SCHEMA = 1
SIDECAR_SUFFIX = ".json"
TEMP_PREFIX = ".~recordkit-"
NOTE_SUFFIX = ".原因.txt"
_CHUNK = 1 << 20
#: Files per ledger transaction at most: a burst is filed in batches of up to this many (the whole
#: ready set when smaller), one commit and one fsync per folder for each, a few queries per batch.
#: Under the lock a file costs well under a millisecond, so a clerk filing at the same moment waits
#: a fraction of a second at most.
BATCH_SIZE = 250
#: Threads placing a batch's files: each mostly waits for its fsyncs, which the disk serves together.
PLACING_THREADS = 16
_READ_ONLY = stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH


# -- what a filed item is -------------------------------------------------------------------


#: The fields whose values recur from item to item (a category, a unit, who filed it): one string each, however
#: many items hold it (with the slots, 100,000 items read by ``list_items`` in 188 MB instead of 240 MB).
_SHARED = ("prefix", "category", "unit", "source", "retention", "box", "shelf", "filed_by")


#: An item's fields a person wrote (or a file name carried): where a phone or ID number may stand (``masked``).
_WRITTEN = ("title", "topic", "note", "box", "shelf", "path", "original_name", "source")


@dataclass(frozen=True, slots=True)
class ArchiveItem:
    """One filed item, as its ledger row and its sidecar hold it.  (Slots, and the values many items share held
    once, ``_SHARED``: a rebuild of a million items holds every one of them.)"""

    archive_no: str
    prefix: str
    year: int
    seq: int
    category: str
    unit: str | None
    title: str
    topic: str | None
    doc_date: dt.date | None
    pages: int | None
    size: int
    sha256: str
    path: str
    original_name: str
    source: str
    source_mtime_ns: int
    retention: str
    box: str | None
    shelf: str | None
    confidential: bool
    needs_review: bool
    review_reasons: tuple[str, ...]
    note: str | None
    filed_by: str
    filed_at: str

    def row(self) -> dict[str, Any]:
        # Every field is a plain value: a shallow copy (asdict's deep one costs more than the insert).
        values = {name: getattr(self, name) for name in self.__dataclass_fields__}
        values["review_reasons"] = json.dumps(list(self.review_reasons), ensure_ascii=False)
        return values

    @classmethod
    def from_row(cls, row: Any) -> ArchiveItem:
        values = {name: getattr(row, name) for name in cls.__dataclass_fields__}
        for name in _SHARED:
            if values[name] is not None:
                values[name] = sys.intern(values[name])
        values["review_reasons"] = tuple(json.loads(values["review_reasons"] or "[]"))
        values["confidential"], values["needs_review"] = bool(values["confidential"]), bool(values["needs_review"])
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        values = {name: getattr(self, name) for name in self.__dataclass_fields__}  # plain values: shallow
        values["doc_date"] = self.doc_date.isoformat() if self.doc_date else None
        values["review_reasons"] = list(self.review_reasons)
        return values

    def masked(self) -> ArchiveItem:
        """The item as listed without ``--show-private``: a phone or ID number a clerk wrote in its title, topic,
        note, box or shelf (and so in its file names) or a review reason masked where it stands, as ``search``
        and the web page show it."""
        texts: dict[str, Any] = {name: mask_in_text(value) for name in _WRITTEN if (value := getattr(self, name))}
        return replace(self, **texts, review_reasons=tuple(mask_in_text(reason) for reason in self.review_reasons))

    def sidecar(self, extra: dict[str, Any] | None = None, former_numbers: Sequence[str] = ()) -> dict[str, Any]:
        """Everything about the item, so that the catalogue can be rebuilt from the sidecars alone (with the
        numbers it had before its category was corrected, when it had any)."""
        return {
            "schema": SIDECAR_SCHEMA,
            **self.to_dict(),
            "file_name": Path(self.path).name,
            **({"former_numbers": list(former_numbers)} if former_numbers else {}),
            **({"scanner_sidecar": extra} if extra else {}),
        }

    @classmethod
    def from_sidecar(cls, data: dict[str, Any]) -> ArchiveItem:
        """The item a sidecar describes (its values' types checked by ``_plain_sidecar``), without control
        characters, as a scanner's sidecar is read: none reaches the ledger through a repair."""
        values: dict[str, Any] = {
            name: printable(value) if isinstance(value, str) else value
            for name, value in ((name, data.get(name)) for name in cls.__dataclass_fields__)
        }
        values["doc_date"] = _written_day(values["doc_date"])
        values["review_reasons"] = tuple(printable(reason) for reason in values["review_reasons"] or ())
        if values["confidential"] is None or isinstance(values["confidential"], bool):
            values["confidential"] = bool(values["confidential"])  # else as written: ``reconcile`` reads it
        values["needs_review"] = bool(values["needs_review"])
        return cls(**values)


def _written_day(value: Any) -> Any:
    """A sidecar's ``doc_date`` as recordkit writes it (``2026-11-01``) as that day, nothing as None; any other value
    as written (``2026年11月1日``, ``20261101``, ``"下周"``), for ``reconcile`` to read as filing reads a date."""
    if value is None or value == "":
        return None
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:  # 2026-02-30: said by ``reconcile`` as filing says it
            pass
    return value


@dataclass(frozen=True)
class FilingOutcome:
    """What happened to one file: filed, already filed (a re-run), quarantined, refused, left waiting, or left where
    it is as empty (``Archivist.quarantine_empty`` off)."""

    source: str  # the name as people read it
    status: str  # filed / already_filed / quarantined / refused / waiting / empty; left_alone: ``file --json``
    item: ArchiveItem | None = None
    reason: str = ""
    quarantine_path: str | None = None
    #: Filed (or found filed), but its name in the inbox or the quarantine could not be removed: this account may not
    #: (a folder of another account).  The archive is whole; the copy left there is for a clerk to delete.
    left_behind: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "status": self.status,
            "archive_no": self.item.archive_no if self.item else None,
            "path": self.item.path if self.item else None,
            "reason": self.reason,
            "quarantine_path": self.quarantine_path,
            "left_behind": self.left_behind,
            "item": self.item.to_dict() if self.item else None,
        }

    def masked(self) -> FilingOutcome:
        """The outcome as ``recordkit file`` says it without ``--show-private``: a phone or ID number in the file's
        name, its archived path, the reason or the quarantine's name masked as ``ArchiveItem.masked`` masks an item."""
        return replace(
            self,
            source=mask_in_text(self.source),
            item=self.item.masked() if self.item else None,
            reason=mask_in_text(self.reason),
            quarantine_path=mask_in_text(self.quarantine_path) if self.quarantine_path else None,
        )


MISMATCH_ADVICE = "为免覆盖已归档的文件，已停止归档：请先核对数据库地址，再运行 recordkit archive verify --repair"
#: The same advice as the web page gives it (``RecordkitError.form_message``): in words, the page has no command line.
MISMATCH_ADVICE_FORM = "为免覆盖已归档的文件，已停止：请管理员在服务器上核对数据库地址并检查档案文件"
#: What the web page asks where the command line names ``recordkit archive verify`` (a file missing or changed).
CHECK_FILES = "请管理员在服务器上检查档案文件"


class ArchiveMismatch(IntegrityError):
    """The ledger does not match the archive tree: a number it would hand out is already on disk, or
    archived files have no row and no filing was interrupted (a ledger restored from an older copy, a
    database URL pointing at a new empty ledger).  Filing stops: nothing may be overwritten."""


class OutsideArchive(IntegrityError):
    """An item's ledger path leads outside records/archive/ (a row damaged before repair refused such paths): its
    file is not the archive's to change; ``recordkit archive verify --repair`` mends the row."""


class ArchiveAway(WorkspaceError):
    """records/archive holds no file at all while the catalogue has items: a clerk's PC sharing the PostgreSQL
    ledger (the archive is on the office's server), or the archive's disk not mounted — at a command's start, or
    dropped while the filing service runs.  Nothing is filed: a scan would stay where nothing on the server finds
    it; the service keeps the files in the inbox until the archive is back."""


class _Duplicate(Exception):
    def __init__(self, item: ArchiveItem) -> None:
        super().__init__(item.archive_no)
        self.item = item


class _AlreadyFiled(Exception):
    def __init__(self, item: ArchiveItem, seen: os.stat_result) -> None:
        super().__init__(item.archive_no)
        self.item = item
        self.seen = seen  # the inbox file found filed: only it is removed


@dataclass(frozen=True)
class _Prepared:
    """A file read and understood, ready to be numbered and placed under the lock."""

    path: Path
    shown: str
    in_inbox: bool
    before: os.stat_result
    pages: int | None
    sha: str
    extra: dict[str, Any] | None
    resolved: Resolved
    source: str
    synced: bool = False  # its data fsynced when it was read (``_read_files``): a link then needs no fsync


#: The scanner sidecars beside a scan as they were looked at (name, size, mtime each; ``_companion_marks``), None when
#: one could not be looked at.
_Marks = tuple[tuple[str, int, int], ...] | None


@dataclass(frozen=True)
class ReadAhead:
    """What reading a file found (its pages, or what refused it, and its SHA-256), and the file it was
    found of: ``key`` (device, inode, size, mtime) taken before the reading and again after it.  Valid
    for filing only while the file still has that key (``read_key``); the watcher reads a file while
    its stability window runs, and files it once stable without reading it again."""

    key: tuple[int, int, int, int]
    kind: str | None
    pages: int | None | Exception
    sha: str | None
    synced: bool = False
    #: What the file was taken for (category, unit, title … from its folder, name and scanner sidecar),
    #: and the scanner sidecars it was read with (name, size, mtime): kept while these are unchanged.
    prepared: _Prepared | None = None
    companions: _Marks = None


_NO_STATUS = os.stat_result((0,) * 10)


def read_key(status: os.stat_result) -> tuple[int, int, int, int]:
    """What must not have changed since a file was read for the reading to stand: the very same file
    (device and inode: not another one renamed over it), of the same size and modification time."""
    return (status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns)


def _extension(path: Path) -> str:
    """The extension a file's kind is told by (``.pdf``; a name's last one, lower case; ``合同.pdf `` is a PDF)."""
    name = windows_name(path.name)
    return safe_extension(name) or os.path.splitext(name)[1].lower()


def _stands(reading: ReadAhead) -> bool:
    """A reading of an unchanged file stands: its pages and hash, or its refusal (``ScanRejected``); an
    error of the moment (the scanner still holding the file on a share) is tried again."""
    return not isinstance(reading.pages, Exception) or isinstance(reading.pages, ScanRejected)


@dataclass(frozen=True)
class PreparedBatch:
    """Files read and understood before their ledger write (``Archivist.prepare``): each entry's
    ``_Prepared`` or what refused it, and the listing of each source folder."""

    entries: list[tuple[Path, Path | None]]
    found: list[_Prepared | Exception]
    listings: FolderListings
    #: Each inbox file's scanner sidecars as they were before it was understood (``_companion_marks``).
    companions: dict[Path, _Marks] = field(default_factory=dict)
    #: What was seen of each refused file as it was read: its refusal stands for that very file only.
    refused: dict[Path, os.stat_result] = field(default_factory=dict)


@dataclass(frozen=True)
class _Reading:
    """What reading one file found (``Archivist._read_files``): its kind (None when the cheap checks
    refused it), its status before reading, its pages or what refused it, its SHA-256, and whether its
    data was fsynced."""

    kind: str | None
    before: os.stat_result | None
    pages: int | None | Exception
    sha: str | None
    synced: bool = False
    ahead: ReadAhead | None = None  # the reading ahead this one comes from


class _PlaceFailed(Exception):
    """Placing one file of a batch failed: the batch is rolled back; ``error`` says why."""

    def __init__(self, error: BaseException) -> None:
        super().__init__(str(error))
        self.error = error


class _Changed(Exception):
    """The source changed or vanished while it was being filed: leave it for a later try."""


# -- filing ---------------------------------------------------------------------------------


def _add_former_number(conn: Connection, item_id: int, number: str, parts: tuple[str, int, int], operator: str) -> None:
    """Register ``number`` (its prefix, year and sequence ``parts``) as a former number of item ``item_id``: it
    finds the item and is never handed out again."""
    prefix, year, seq = parts
    conn.execute(
        archive_aliases.insert().values(
            item_id=item_id,
            archive_no=number,
            prefix=prefix,
            year=year,
            seq=seq,
            changed_at=_now(),
            changed_by=operator,
        )
    )


def _now(moment: dt.datetime | None = None) -> str:
    """``moment`` (default the computer's present one) as the ledger keeps it: ISO, to the second, with its offset."""
    return (moment or dt.datetime.now().astimezone()).isoformat(timespec="seconds")


def _note_time(moment: dt.datetime) -> str:
    """A quarantine note's time as a clerk reads it (``2026-12-06 07:30:00+08:00``, the office's clock), its offset
    kept so that a program reads the very moment (``list_quarantined``, ``core.dates.stamp_as_written``)."""
    return moment.isoformat(sep=" ", timespec="seconds")


def _relative(workspace: Workspace, path: Path) -> str:
    try:
        return path.relative_to(workspace.root).as_posix()
    except ValueError:
        return str(path)


def _path_on_page(workspace: Workspace, ledger_path: str) -> str:
    """A ledger path as a web page shows it: as the workspace names it, never the server's own folders (an absolute
    path inside the workspace made relative to it, one outside it by its file name alone)."""
    if not os.path.isabs(ledger_path):
        return ledger_path
    path = Path(ledger_path)
    return _relative(workspace, path) if path.is_relative_to(workspace.root) else path.name


#: What the quarantine puts between a scan's name and the suffix of its sidecar ``X.txt``: ``X.pdf.说明.txt``.
QUARANTINED_SIDECAR = ".说明"


def _case_variants(name: str) -> tuple[str, ...]:
    """``name`` and ``name`` with its extension in lower and in upper case (``SCAN0001.PDF``, ``SCAN0001.pdf``):
    Windows scanners and clerks mix the two, and a Windows share takes them for one name."""
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem:
        return (name,)
    return tuple(dict.fromkeys((name, f"{stem}.{extension.lower()}", f"{stem}.{extension.upper()}")))


#: A sidecar's suffix as written in lower or upper case (``X.pdf.json``, ``SCAN0001.TXT``).
_SIDECAR_SUFFIXES = tuple(dict.fromkeys((*SIDECAR_EXTENSIONS, *(suffix.upper() for suffix in SIDECAR_EXTENSIONS))))


def _sidecar_names(path: Path) -> list[str]:
    """The names a sidecar of ``path`` may have, the exact ones first: ``X.pdf.json``, ``X.pdf.txt``, ``X.json``,
    ``X.txt``, then with the suffix or the scan's extension in the other case (``SCAN0001.TXT`` beside
    ``SCAN0001.PDF``, ``SCAN0002.PDF.JSON`` beside ``SCAN0002.pdf``); each of the scan's name as written and as a
    sidecar is matched to it (``scan_as_matched``: 扫描001 .pdf as 扫描001.pdf)."""
    names = dict.fromkeys((path.name, scan_as_matched(path.name)))
    stems = [(name, os.path.splitext(name)[0]) for name in names]
    exact = [base + suffix for name, stem in stems for base in (name, stem) for suffix in SIDECAR_EXTENSIONS]
    other = [
        base + suffix for name, stem in stems for base in (*_case_variants(name), stem) for suffix in _SIDECAR_SUFFIXES
    ]
    return [name for name in dict.fromkeys((*exact, *other, *_kept_beside(path))) if name != path.name]


def _kept_beside(path: Path) -> list[str]:
    """X.pdf.说明.txt: a sidecar X.txt as the quarantine renamed it, put back with its scan; X.pdf.原因.txt: the
    quarantine's own note, put back with it (it goes with its scan, and is never read as a sidecar)."""
    return [path.name + QUARANTINED_SIDECAR + suffix for suffix in SIDECAR_EXTENSIONS] + [path.name + NOTE_SUFFIX]


def _remove_filed(path: Path, filed: os.stat_result, listing: _Listing | None = None) -> bool:
    """``path`` (a filed scan's name in the inbox or the quarantine) removed with its sidecars and its quarantine note,
    only while it still names the very file ``filed`` (its device and inode); whether it was removed (False: taken
    away meanwhile, or a new file under its name, which stays)."""
    try:
        now = path.lstat()
    except FileNotFoundError:
        return False  # taken away meanwhile (another filer removed it with its sidecars)
    if (now.st_dev, now.st_ino) != (filed.st_dev, filed.st_ino):
        log.warning("not removing %s: a new file took its name after it was filed", printable(str(path)))
        return False
    for companion in _companions(path, listing):
        companion.unlink(missing_ok=True)
    path.unlink(missing_ok=True)
    return True


def _contested_reason(contested: list[Path], rivals: list[str]) -> str:
    """Why a scan was filed without the sidecars another scan of its folder claims as well (``_sidecars_of``)."""
    sidecars = "、".join(shown_plainly(readable_name(sidecar.name)) for sidecar in contested)
    scans = "、".join(shown_plainly(readable_name(name)) for name in rivals)
    return f"说明文件 {sidecars} 也对得上扫描件 {scans}，不知道是哪一个的，都没有采用：请按说明文件核对后改正登记"


def _is_note_of(companion: Path, path: Path) -> bool:
    """``companion`` is the quarantine's note on ``path`` (``X.pdf.原因.txt``), put back beside it: why it was
    quarantined once, no scanner's sidecar."""
    return companion.name == path.name + NOTE_SUFFIX


def _companions(path: Path, listing: _Listing | None = None) -> list[Path]:
    """The sidecars a scan takes (``_sidecars_of``): they describe it, are read with it and go with it."""
    return _sidecars_of(path, listing)[0]


def _sidecars_of(path: Path, listing: _Listing | None = None) -> tuple[list[Path], list[Path], list[str]]:
    """Sidecars next to a scan (``_sidecar_names``), also under a name written otherwise before its suffix or at the
    end of its stem (``sidecar_as_read``: 扫描001.pdf .json, 扫描001.pdf..json): those it takes, those another scan of
    its folder claims as well (``_claimants``: 扫描001.pdf.json of 扫描001.pdf and 扫描001 .pdf, whose names as matched
    are one; 扫描001.txt of 扫描001.pdf and 扫描001.jpg), which neither takes, and the names of those other scans.  A
    sidecar naming another scan whole (扫描001.pdf.json beside 扫描001.pdf.jpg) is not this one's.  The quarantine's own
    files (``_kept_beside``) are always the scan's.  ``listing``: the names of the regular files in the scan's folder,
    when a batch has listed it; else listed now."""
    if listing is None:
        listing = _regular_files(path.parent)
    found: dict[str, None] = {}  # (in order, once each)
    for name in _sidecar_names(path):
        found.update(dict.fromkeys(([name] if name in listing else []) + listing.sidecars_as_read.get(name, [])))
    own = set(_kept_beside(path))
    taken: list[Path] = []
    contested: list[Path] = []
    rivals: dict[str, None] = {}
    for name in found:
        claimants = [] if name in own else _claimants(name, listing)
        if claimants and path.name not in claimants:
            continue  # another scan's, named whole
        others = [claimant for claimant in claimants if claimant != path.name]
        (contested if others else taken).append(path.with_name(name))
        rivals.update(dict.fromkeys(others))
    return taken, contested, list(rivals)


def _claimants(sidecar: str, listing: _Listing) -> list[str]:
    """The scans of ``listing`` a sidecar's name describes: those whose name as matched it names whole
    (``扫描001.pdf`` of 扫描001.pdf.json: 扫描001.pdf, 扫描001 .pdf), else those of the stem it names (``扫描001`` of
    扫描001.txt: 扫描001.pdf, 扫描001.jpg)."""
    read = sidecar_as_read(sidecar)
    described = read[: -len(os.path.splitext(read)[1])]
    return listing.scans_as_matched.get(_matched_key(described)) or listing.scans_of_stem.get(described, [])


def _matched_key(name: str) -> str:
    """A scan's name as its sidecars are matched to it (``scan_as_matched``), its extension in lower case."""
    stem, extension = os.path.splitext(scan_as_matched(name))
    return stem + extension.lower()


def _stem_as_matched(name: str) -> str:
    """A scan's stem as a sidecar without its extension is matched to it (``scans_of_stem``: 扫描001 of 扫描001.txt)."""
    return os.path.splitext(_matched_key(name))[0]


def _companion_marks(path: Path, listing: _Listing) -> _Marks:
    """The scanner sidecars beside ``path`` as they are now (name, size, mtime); None when one cannot
    be looked at."""
    marks = []
    for companion in _companions(path, listing):
        try:
            status = companion.stat()
        except OSError:
            return None
        marks.append((companion.name, status.st_size, status.st_mtime_ns))
    return tuple(marks)


class _Listing(set[str]):
    """The names of the regular files in a folder; the sidecars' among them written otherwise by the names they are
    read as (``sidecar_as_read``: 扫描001.pdf.json → [扫描001.pdf .json]); the accepted files' by the names their
    sidecars are matched to (``_matched_key``: 扫描001.pdf → [扫描001.pdf, 扫描001 .pdf]), and by its stem
    (``scans_of_stem``: 扫描001 → [扫描001.jpg, 扫描001.pdf]).  ``present``: every name in
    the folder, ``others`` (links, folders …) too, and ``scans_by_stem`` those of an accepted file's name by its stem
    as matched (``scan_as_matched``), each with its extension in lower case: what tells a sidecar
    (``is_sidecar_of_a_scan``) — a scan's link or folder of a scan's name keeps its sidecar out of the filing."""

    def __init__(self, names: Iterable[str] = (), others: Iterable[str] = ()) -> None:
        super().__init__(names)
        self.present = frozenset((*self, *others))
        self.sidecars_as_read: dict[str, list[str]] = {}
        self.scans_as_matched: dict[str, list[str]] = {}
        self.scans_by_stem: dict[str, list[tuple[str, str]]] = {}
        self.scans_of_stem: dict[str, list[str]] = {}
        for name in sorted(self):
            if (read := sidecar_as_read(name)) != name:
                self.sidecars_as_read.setdefault(read, []).append(name)
            elif safe_extension(windows_name(name)):
                key = _matched_key(name)
                self.scans_as_matched.setdefault(key, []).append(name)
                self.scans_of_stem.setdefault(_stem_as_matched(name), []).append(name)
        for name in self.present:
            if safe_extension(windows_name(name)):
                stem, extension = os.path.splitext(scan_as_matched(name))
                self.scans_by_stem.setdefault(stem, []).append((name, extension.lower()))


def _regular_files(folder: Path) -> _Listing:
    """The names in ``folder``, its regular files apart (one listing; empty when it cannot be read)."""
    regular: list[str] = []
    others: list[str] = []
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                (regular if entry.is_file(follow_symlinks=False) else others).append(entry.name)
    except OSError:
        return _Listing()
    return _Listing(regular, others)


class FolderListings(dict[Path, _Listing]):
    """The folders one pass looks into — a rescan of the inbox, a ``recordkit file`` of a folder, a batch the
    service files —, each listed at its first look and that listing shared by every later look of the pass (is this
    .txt a scan's sidecar? which sidecars does this scan take?): a folder of a thousand scans with their sidecars
    costs one listing, not one per file.  A file that arrives in a folder after its listing is seen by the next
    pass."""

    def of(self, folder: Path) -> _Listing:
        """The listing of ``folder`` in this pass (listed now at its first look)."""
        listing = self.get(folder)
        if listing is None:
            listing = self[folder] = _regular_files(folder)
        return listing


#: The time a quarantined file's name starts with (``20261205-090428_购房合同.pdf``; ``20261205-090428-2_购房合同.pdf``
#: for the second file of that name in that second: a count written ``_2_`` could not be told from a name's own
#: ``2_``), and that start as read back — every such start, as a file quarantined again once put back, by a
#: recordkit before this rule, wore one stamp after another.
QUARANTINE_STAMP = "%Y%m%d-%H%M%S"
_QUARANTINE_STAMP = re.compile(r"^(?:[0-9]{8}-[0-9]{6}(?:-[0-9]+)?_)+")


def _described_scan(path: Path) -> str | None:
    """The scan a sidecar names by its own name (``X.pdf`` of ``X.pdf.json``), or None for any other file."""
    name = sidecar_as_read(path.name)  # (扫描001.pdf .json names 扫描001.pdf)
    stem = name[: -len(path.suffix)] if path.suffix.lower() in SIDECAR_EXTENSIONS else ""
    return stem if stem and safe_extension(stem) and stem[: -len(safe_extension(stem))] else None


def walk_entries(top: Path) -> Iterator[tuple[str, list[str], list[os.DirEntry[str]]]]:
    """``os.walk(top)`` as ``Archivist.expand`` walks a folder — top-down, the folder names it yields pruned by the
    caller, a link to a folder listed but never walked into, a folder that cannot be listed passed over — but each file
    given as its ``os.DirEntry``: whether it is a link is known from the listing, without a stat of each file."""
    pending = [os.fspath(top)]
    while pending:
        folder = pending.pop()
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError:
            continue
        folders = [entry for entry in entries if _is_folder(entry)]
        names = [entry.name for entry in folders]
        yield folder, names, [entry for entry in entries if not _is_folder(entry)]
        links = {entry.name for entry in folders if entry.is_symlink()}
        pending += [os.path.join(folder, name) for name in reversed(names) if name not in links]


def _is_folder(entry: os.DirEntry[str]) -> bool:
    """As ``os.walk`` tells a folder (a link to one too), a file whose type cannot be read not one."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def is_sidecar_of_a_scan(path: Path, listings: FolderListings | None = None) -> bool:
    """A .json/.txt next to an accepted file of the same name: it describes that file, it is not filed.
    ``listings``: the folders the pass has listed (its folder listed there at its first look); else listed now."""
    if path.suffix.lower() not in SIDECAR_EXTENSIONS:
        return False
    stem = sidecar_as_read(path.name)[: -len(path.suffix)]  # (扫描001.pdf .json describes 扫描001.pdf)
    for kept in (QUARANTINED_SIDECAR, NOTE_SUFFIX.removesuffix(".txt")):  # X.pdf.说明.txt, X.pdf.原因.txt
        if stem.endswith(kept) and safe_extension(stem[: -len(kept)]):
            stem = stem.removesuffix(kept)
            break
    listing = (FolderListings() if listings is None else listings).of(path.parent)
    if safe_extension(stem) and not listing.present.isdisjoint(_case_variants(stem)):
        return True
    return _names_a_scan(stem, path.name, listing)


def _names_a_scan(stem: str, own_name: str, listing: _Listing) -> bool:
    """A sidecar's name without its suffix, as read (``sidecar_as_read``: ``扫描001.pdf`` or ``扫描001``), names an
    accepted file of ``listing`` other than the sidecar ``own_name`` itself, as its sidecars are matched to it
    (``scan_as_matched``: 扫描001 .pdf is 扫描001.pdf): by the stem (``扫描001`` of 扫描001.txt), or by the stem and
    the extension in either case (``扫描001.pdf`` of 扫描001.pdf.json names 扫描001 .PDF)."""
    if any(name != own_name for name, _ in listing.scans_by_stem.get(stem, ())):
        return True
    named_stem, named_extension = os.path.splitext(stem)
    return any(
        name != own_name and extension == named_extension.lower()
        for name, extension in listing.scans_by_stem.get(named_stem, ())
    )


class Archivist:
    """Files scans into one workspace's archive.  One per process; safe beside other processes."""

    def __init__(self, workspace: Workspace, ledger: Ledger, operator: str) -> None:
        self.workspace = workspace
        self.ledger = ledger
        self.operator = operator
        self.settings = workspace.settings.archive
        self.limits = workspace.settings.limits
        office = workspace.settings.office
        self.rules = FilingRules.from_settings(self.settings, office.phase_table(), office.time_zone)
        self.inbox = workspace.records_subdir("inbox").resolve()
        self.archive_dir = workspace.records_subdir("archive")
        self.quarantine_dir = workspace.records_subdir("quarantine")
        self._quarantine_text = os.path.realpath(self.quarantine_dir)
        self._tree_numbers: dict[Path, set[str]] = {}
        self._inside: dict[str, bool] = {}
        self._folders: dict[tuple[str, int | None], Path] = {}  # target folders of this batch: inside records/archive?
        self._archive_root = self.archive_dir.resolve()
        self._root_text = os.fspath(workspace.root)
        self._inbox_text = os.fspath(self.inbox)
        self._inbox_prefix = os.path.join(self._inbox_text, "")
        self._folder_metadata: dict[tuple[Path, Path], Metadata] = {}  # what a source folder says, kept
        #: An unexpected error while filing one file quarantines that file at once (``recordkit file``,
        #: ``watch --once``: nothing is retried for ever), or, when False, is raised for the caller to
        #: retry (the running service, which quarantines after ``watcher.MAX_FAILURES`` tries).
        self.quarantine_on_error = True
        #: An empty file is quarantined (the service, once it has been empty for ``watcher.EMPTY_SECONDS``), or, when
        #: False, left where it is with outcome ``empty`` (``recordkit file``: the scanner may not have written it yet).
        self.quarantine_empty = True
        #: The workspace's own files and folders a folder's walk left out (``expand``), relative to the workspace.
        self.left_out: set[str] = set()
        #: The filing service running on the workspace, when a folder's walk leaves the inbox to it (``expand``; set
        #: by ``intake.leave_inbox_to_service``).
        self.inbox_served: RunningService | None = None
        #: The hidden files and broken links a folder's walk left where they are (``expand``, ``left_alone``), as
        #: shown, with why.
        self.not_filed: dict[str, str] = {}

    # The entry points for files: every failure of one file becomes that file's outcome.
    def file(
        self, path: Path, flags: Metadata | None = None, now: dt.datetime | None = None, base: Path | None = None
    ) -> FilingOutcome:
        """File one scan.  Never raises for a bad file: it is quarantined (inbox) or refused (elsewhere).

        Raises ``LedgerError`` when the ledger cannot be written (the file stays where it is).
        """
        return self.file_many([(path, base)], flags, now)[0]

    def file_many(
        self,
        paths: Sequence[tuple[Path, Path | None]],
        flags: Metadata | None = None,
        now: dt.datetime | None = None,
        before_commit: BeforeCommit | None = None,
        listings: FolderListings | None = None,
    ) -> list[FilingOutcome]:
        """File several scans in one ledger transaction (one commit, one fsync per folder): what the
        watcher does with a burst.  Each ``(path, base)`` gets its own outcome, in order; ``base`` is
        the folder whose sub-folders tell category and unit (the inbox for inbox files).
        ``before_commit`` is called with the transaction and the items it files, placed, just before the
        commit (the search index of a PostgreSQL ledger writes its rows in the same transaction).
        ``listings``: the folders listed in the pass this batch is part of (``prepare``)."""
        return self.file_prepared(self.prepare(paths, flags, listings=listings), now, before_commit)

    def prepare(
        self,
        paths: Sequence[tuple[Path, Path | None]],
        flags: Metadata | None = None,
        read: Mapping[Path, ReadAhead] | None = None,
        listings: FolderListings | None = None,
    ) -> PreparedBatch:
        """The first half of ``file_many``, which needs no lock and writes nothing: each file looked at,
        validated (what decides quarantine), its pages counted, hashed, its metadata gathered.  Safe in
        another thread while the previous batch is filed (``file_prepared``): the watcher reads the next
        batch meanwhile.  ``read``: readings made before (``read_ahead``), used for a file only when it is
        still the file that was read (``ReadAhead.key``); the others are read now.  ``listings``: the folders the
        pass has listed (``recordkit file`` of a folder: its walk's), else each source folder is listed once for
        this batch.  Raises ``ReaderStopped`` when the service is stopping."""
        entries = [(self.as_inbox_sees(raw), None if base is None else self.as_inbox_sees(base)) for raw, base in paths]
        listings = FolderListings() if listings is None else listings
        if self.rules.phases and entries:  # read per batch: the service runs on while units are imported
            with self.ledger.read() as conn:
                self.rules = replace(self.rules, flat_phases=_phases_of_flats_without_entrance(conn))
        companions: dict[Path, _Marks] = {}
        refused: dict[Path, os.stat_result] = {}
        found = self._prepare_many(entries, flags or Metadata(), listings, read or {}, companions, refused)
        return PreparedBatch(entries, found, listings, companions, refused)

    def as_inbox_sees(self, raw: Path) -> Path:
        """``raw`` made absolute; a path that reaches the inbox through a link (records/inbox linked to the
        scanner's share) as the inbox's own path, so that it is an inbox file, moved when filed, as the
        service sees it.  Only the folders are resolved: a link among the scans is refused, never followed."""
        absolute = os.path.abspath(raw)
        folder, name = os.path.split(absolute)
        real = Path(os.path.realpath(folder), name) if name else Path(os.path.realpath(absolute))
        return real if self.in_inbox(real) else Path(absolute)

    def readings(self, batch: PreparedBatch) -> dict[Path, ReadAhead]:
        """What preparing ``batch`` read of its inbox files, as readings that stand for a later try while each file
        is unchanged (``read_key``) and its scanner sidecars too: the files a ledger or a disk refused wait in the
        inbox, and are not read (hashed, their pages counted) again at every try while they wait."""
        kept: dict[Path, ReadAhead] = {}
        for (path, base), found in zip(batch.entries, batch.found, strict=True):
            if isinstance(found, Exception) or base is not None or not found.in_inbox:
                continue  # a refusal is found again (cheaply, mostly); a folder being filed is read again
            kind = ACCEPTED_EXTENSIONS.get(_extension(path))
            companions = batch.companions.get(path)  # taken before it was understood: a change since shows
            kept[path] = ReadAhead(
                read_key(found.before), kind, found.pages, found.sha, found.synced, found, companions
            )
        return kept

    def read_ahead(self, paths: Sequence[Path]) -> dict[Path, ReadAhead]:
        """The expensive part of ``prepare`` for files that may not be complete yet: each file's first
        bytes and size checked, its pages counted in the reader processes and its SHA-256, with the
        key of the file read.  Decides nothing and writes nothing: a refusal found here is kept, and
        becomes the file's outcome only if it is still the same file once stable.  A file that
        changed while it was read (or is no longer a regular file) is left out.  Raises
        ``ReaderStopped`` when the service is stopping."""
        found: dict[Path, ReadAhead] = {}
        # What each file is taken for (its folder, name and scanner sidecars: Python, in this process) is
        # worked out beside the reading (the reader processes, the hashing threads), not after it.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="recordkit-understanding") as beside:
            understanding = beside.submit(self._understand_all, paths)
            readings = self._read_files([(path, None) for path in paths])
            understood = understanding.result()
        for path, reading, (companions, taken) in zip(paths, readings, understood, strict=True):
            before = reading.before
            if before is None:
                continue  # gone
            prepared = None
            if reading.sha is not None and not isinstance(reading.pages, Exception) and taken is not None:
                prepared = replace(taken, before=before, pages=reading.pages, sha=reading.sha)
            try:
                after = path.lstat()
            except OSError:
                continue
            if stat.S_ISREG(after.st_mode) and read_key(after) == read_key(before):
                found[path] = ReadAhead(
                    read_key(before), reading.kind, reading.pages, reading.sha, reading.synced, prepared, companions
                )
        return found

    def _understand_all(self, paths: Sequence[Path]) -> list[tuple[_Marks, _Prepared | None]]:
        """For each inbox file being read ahead: its scanner sidecars as they are now (name, size, mtime;
        looked at before they are read), and what it is taken for (a ``_Prepared`` whose status, pages and
        hash are filled in from the reading), or None when that fails (worked out again once stable,
        where an error counts)."""
        listings = FolderListings()
        understood: list[tuple[_Marks, _Prepared | None]] = []
        for path in paths:
            listing = listings.of(path.parent)
            companions = _companion_marks(path, listing)
            try:
                # The status, pages and hash are placeholders here: ``read_ahead`` puts the reading's in.
                taken: _Prepared | None = self._prepared(path, None, Metadata(), _NO_STATUS, None, "", listing)
            except Exception:  # noqa: BLE001 - taken for what it is once stable, where an error counts
                taken = None
            understood.append((companions, taken))
        return understood

    def file_prepared(
        self, batch: PreparedBatch, now: dt.datetime | None = None, before_commit: BeforeCommit | None = None
    ) -> list[FilingOutcome]:
        """The second half of ``file_many``: the prepared files numbered, placed and committed in one ledger
        transaction (``before_commit`` as there); the refused ones quarantined (inbox) or refused (elsewhere)."""
        stamp = now or dt.datetime.now().astimezone()
        outcomes: list[FilingOutcome | None] = [None] * len(batch.entries)
        ready: list[tuple[int, _Prepared]] = []
        for index, found in enumerate(batch.found):
            if isinstance(found, _Prepared):
                ready.append((index, found))
            else:  # turned into this file's outcome
                path = batch.entries[index][0]
                outcomes[index] = self._outcome_of(
                    path, found, batch.refused.get(path), batch.listings.get(path.parent)
                )
        if ready:
            try:
                results = self._commit(ready, stamp, before_commit)
            except Exception as err:
                if stops_filing(err) or (len(ready) == 1 and not self.quarantine_on_error):
                    raise
                # Something unexpected in one file spoilt the batch (rolled back): one by one, so that
                # only that file fails, and the others are filed.
                results = {}
                for index, prepared in ready:
                    try:
                        results |= self._commit([(index, prepared)], stamp, before_commit)
                    except Exception as one:  # noqa: BLE001 - this file's outcome, unless it stops filing
                        if stops_filing(one):
                            raise
                        results[index] = one
            filed = []
            for index, prepared in ready:
                outcome = results[index]
                if isinstance(outcome, BaseException):
                    outcome = self._outcome_of(
                        prepared.path, outcome, prepared.before, batch.listings.get(prepared.path.parent)
                    )
                elif outcome.status == "filed":
                    if self._remove_source(
                        prepared.path,
                        prepared.in_inbox or self.in_quarantine(prepared.path),
                        prepared.before,
                        batch.listings.get(prepared.path.parent),
                    ):
                        outcome = replace(outcome, left_behind=True)
                    filed.append(f"{printable(outcome.source)} → {outcome.item.archive_no}")  # type: ignore[union-attr]
                outcomes[index] = outcome
            if filed:  # one record per batch: a burst's log is written in a few calls, not a thousand
                log.info("filed %d: %s", len(filed), "; ".join(filed))
        return [outcome for outcome in outcomes if outcome is not None]

    def _outcome_of(
        self, path: Path, err: BaseException, seen: os.stat_result | None = None, listing: _Listing | None = None
    ) -> FilingOutcome:
        """What ``err`` makes of the file at ``path``, refused as ``seen`` (its status when read): quarantined (inbox)
        or refused (elsewhere), already filed, or waiting.  ``listing``: its folder's in the batch (its sidecars go
        with it), else listed now."""
        shown = readable_name(self._shown(path))
        in_inbox = self.in_inbox(path)
        if isinstance(err, ScanRejected) and err.kind == "empty" and not self.quarantine_empty:
            if seen is not None and _changed_since(path, seen):  # written since it was read: no longer empty
                return FilingOutcome(shown, "waiting", reason="文件在归档过程中有变化，稍后再试")
            return FilingOutcome(shown, "empty", reason=EMPTY_LEFT_REASON)
        if isinstance(err, ScanRejected):
            reason = err.reason_for(in_inbox)
            if err.kind == "unsupported" and in_inbox and (filed := self._filed_before_its_sidecar(path)) is not None:
                # Its scan was filed before it came (written by hand afterwards, or late by the scanner): putting
                # the scan back beside it, as the note would say, only quarantines the scan as a copy.
                reason = _late_sidecar_reason(path, filed)
            return self._reject(path, shown, in_inbox, reason, seen, listing)
        if isinstance(err, _Duplicate):
            reason = (
                f"与已归档的 {err.item.archive_no}（{err.item.title}）内容完全相同"
                f"（SHA-256 {err.item.sha256[:12]}…），没有重复归档"
            )
            return self._reject(path, shown, in_inbox, reason, seen, listing)
        if isinstance(err, _AlreadyFiled):
            left = self._remove_source(path, in_inbox or self.in_quarantine(path), err.seen, listing)
            reason = f"已归档为 {err.item.archive_no}"
            return FilingOutcome(shown, "already_filed", err.item, reason=reason, left_behind=left)
        if isinstance(err, _Changed):
            return FilingOutcome(shown, "waiting", reason="文件在归档过程中有变化，稍后再试")
        if isinstance(err, FileNotFoundError):  # another filer took it between our look and our read
            return FilingOutcome(shown, "waiting", reason="文件已不在原处（可能已被另一个进程归档）")
        if stops_filing(err):
            raise err
        # Anything else is this file's own fault (a name too long, a reader that gave up): it is
        # quarantined once, with its note, and the batch goes on.  Never retried for ever.
        if isinstance(err, OSError) and err.errno == errno.ENAMETOOLONG:
            advice = send_again(RENAMED_SHORTER, in_inbox)
            reason = f"文件名太长（{len(os.fsencode(path.name))} 字节），无法处理：{advice}"
        elif not self.quarantine_on_error:
            raise err
        else:
            log.error("filing %s failed", printable(shown), exc_info=err)
            reason = f"读取或归档这个文件时出错（{type(err).__name__}），无法归档：详情见 records/logs/ 中的日志"
        return self._reject(path, shown, in_inbox, reason, seen, listing)

    def _filed_before_its_sidecar(self, path: Path) -> list[ArchiveItem] | None:
        """For a scanner's sidecar alone in the inbox (``X.pdf.json``, ``X.json``, ``X.txt``): every item filed from a
        scan of its name in its folder, its extension in either case (``SCAN0001.PDF`` of ``SCAN0001.TXT``, as the
        sidecars of a scan are matched to it), whose scan was made within ``SIDECAR_NEAR`` of the sidecar (both of
        ``扫描303.pdf`` and ``扫描303.jpg``, which neither took it; never a scan of a name the scanner used months
        ago) — in filing order, none when such scans were filed but none then —, or None (not a sidecar's name, or
        no scan of its name filed)."""
        if path.suffix.lower() not in SIDECAR_EXTENSIONS:
            return None
        # The scans are those the first pass found its claimants among (``_claimants``): by the name as matched, its
        # blank dropped as Windows drops it (扫描001.pdf and 扫描001 .pdf of 扫描001.pdf.json), else by the stem; the
        # names kept as shown (``<U+200B>``, GBK read, NFD as a Mac sent it) read back and folded alike, which no
        # prefix of the name in SQL can do: the folder's items are looked through.
        described = _described_scan(path)
        read = sidecar_as_read(path.name)
        stem = readable_name(read[: -len(os.path.splitext(read)[1])])
        key = _matched_key(readable_name(described)) if described else None
        folder = shown_plainly(readable_name(_relative(self.workspace, path.parent)))
        with self.ledger.read() as conn:
            sources = conn.execute(
                sa.select(archive_items.c.id, archive_items.c.source).where(
                    archive_items.c.source.startswith(folder + "/", autoescape=True)
                )
            ).all()
            ids = [
                row.id
                for row in sources
                if row.source.rpartition("/")[0] == folder
                and safe_extension(windows_name(name := as_written(row.source.rpartition("/")[2])))
                and (_matched_key(name) == key if key else _stem_as_matched(name) == stem)
            ]
            rows = (
                conn.execute(
                    sa.select(archive_items).where(archive_items.c.id.in_(ids)).order_by(archive_items.c.id)
                ).all()
                if ids
                else []
            )
        if not rows:
            return None
        made = path.stat().st_mtime_ns
        return [ArchiveItem.from_row(row) for row in rows if abs(row.source_mtime_ns - made) <= SIDECAR_NEAR_NS]

    def _shown(self, path: Path) -> str:
        if self.in_inbox(path):
            return shown_plainly(path.relative_to(self.inbox).as_posix())
        return shown_plainly(_relative(self.workspace, path))

    def in_quarantine(self, path: Path) -> bool:
        """The file lies in records/quarantine/ (its own folder, where every quarantined file is put)."""
        return os.path.realpath(os.path.dirname(os.path.abspath(path))) == self._quarantine_text

    def in_inbox(self, path: Path) -> bool:
        """The file lies in the inbox (it is moved, or quarantined, when filed); elsewhere it stays."""
        # Lexically, as ``is_relative_to``, on the text (paths here are absolute and normalised): it is
        # asked several times of every file of a burst.
        text = os.fspath(path)
        return text == self._inbox_text or text.startswith(self._inbox_prefix)

    def _prepare_many(
        self,
        entries: Sequence[tuple[Path, Path | None]],
        flags: Metadata,
        listings: FolderListings,
        read: Mapping[Path, ReadAhead],
        companions: dict[Path, _Marks],
        refused: dict[Path, os.stat_result] | None = None,
    ) -> list[_Prepared | Exception]:
        """Everything that needs no lock, for each ``(path, base)``: look at the file, count its pages,
        hash it, gather its metadata; a file's refusal (``ScanRejected``) or error is its result.
        ``listings`` gets the names in each source folder, listed once for the batch; ``companions``, each
        file's scanner sidecars as they were before it was understood."""
        results: list[_Prepared | Exception] = []
        for (path, base), reading in zip(entries, self._read_files(entries, read), strict=True):
            try:
                if isinstance(reading.pages, Exception):
                    raise reading.pages
                assert reading.before is not None and reading.sha is not None
                listing = listings.of(path.parent)
                ahead = reading.ahead
                marks = _companion_marks(path, listing) if base is None else None
                if base is None:
                    companions[path] = marks
                if (
                    ahead is not None
                    and ahead.prepared is not None
                    and base is None
                    and flags == Metadata()
                    and ahead.companions is not None
                    and marks == ahead.companions
                ):  # taken for what it was taken for when read ahead: its scanner sidecars are unchanged
                    results.append(replace(ahead.prepared, before=reading.before, synced=reading.synced))
                    continue
                prepared = self._prepared(path, base, flags, reading.before, reading.pages, reading.sha, listing)
                results.append(replace(prepared, synced=reading.synced))
            except Exception as err:  # noqa: BLE001 - this file's outcome
                results.append(err)
                if refused is not None and reading.before is not None:
                    refused[path] = reading.before
        return results

    def _read_files(
        self, entries: Sequence[tuple[Path, Path | None]], read: Mapping[Path, ReadAhead] | None = None
    ) -> list[_Reading]:
        """Each file read: its kind, its status before reading, its pages or what refused it, its SHA-256.
        The validation that decides quarantine comes first and whole (a corrupt or encrypted file never
        reaches the numbering): the cheap checks here, then the pages of every PDF and image in one call
        to the reader processes (``scans.read_pages``), while the files that passed the cheap checks are
        hashed beside it — an inbox scan's data also fsynced there, as its archive name will be a hard
        link to this very file.  A file whose reading in ``read`` is of this very file (same key) is not
        read again."""
        results = [_Reading(None, None, None, None)] * len(entries)
        checked: list[tuple[int, str, os.stat_result]] = []
        for index, (path, _) in enumerate(entries):
            before = None
            try:
                before = path.stat()
                if path.is_symlink():  # a link could point anywhere on the server: only real files are filed
                    raise ScanRejected("这是一个链接（快捷方式），不是文件本身：请放入文件本身")
                if not path.is_file():
                    raise ScanRejected("不是普通文件（管道、设备或套接字），没有打开，无法归档")
                known = read.get(path) if read else None
                if known is not None and known.key == read_key(before) and _stands(known):
                    results[index] = _Reading(known.kind, before, known.pages, known.sha, known.synced, known)
                    continue
                if (described := _described_scan(path)) is not None:
                    raise ScanRejected(
                        f"这是扫描件 {readable_name(described)} 的说明文件，但旁边没有这个扫描件，没有归档："
                        "请把扫描件和说明文件放在一起后再归档",
                        "unsupported",
                    )
                checked.append((index, precheck(path, _extension(path), self.limits), before))
            except Exception as err:  # noqa: BLE001 - this file's outcome
                results[index] = _Reading(None, before, err, None)
        if checked:
            with ThreadPoolExecutor(max_workers=min(4, len(checked))) as pool:
                digests = [
                    pool.submit(sha256_of, entries[index][0], self.in_inbox(entries[index][0]))
                    for index, _, _ in checked
                ]
                pages = read_pages([(kind, entries[index][0]) for index, kind, _ in checked], self.limits)
            for (index, kind, before), found, digest in zip(checked, pages, digests, strict=True):
                if isinstance(found, Exception):  # the reader's refusal first, as it decides the quarantine
                    results[index] = _Reading(kind, before, found, None)
                    continue
                try:
                    results[index] = _Reading(kind, before, found, digest.result(), self.in_inbox(entries[index][0]))
                except Exception as err:  # noqa: BLE001 - this file's outcome
                    results[index] = _Reading(kind, before, err, None)
        return results

    def _prepared(
        self,
        path: Path,
        base: Path | None,
        flags: Metadata,
        before: os.stat_result,
        pages: int | None,
        sha: str,
        listing: _Listing | None = None,
    ) -> _Prepared:
        in_inbox = self.in_inbox(path)
        extra, resolved = self._metadata(path, flags, self.inbox if in_inbox else base, listing)
        return _Prepared(
            path,
            readable_name(self._shown(path)),
            in_inbox,
            before,
            pages,
            sha,
            extra,
            resolved,
            shown_plainly(readable_name(_relative(self.workspace, path))),
        )

    def _commit(
        self, ready: Sequence[tuple[int, _Prepared]], stamp: dt.datetime, before_commit: BeforeCommit | None = None
    ) -> dict[int, FilingOutcome | BaseException]:
        """Under the write lock: number and record each prepared file, place them all (copy, fsync,
        rename; the fsyncs run side by side, which the disk does for the price of about one), fsync
        their folders, journal, commit.  A file's own refusal (duplicate, already filed) is its
        result; a failure while placing rolls the batch back and removes what it had placed."""

        results: dict[int, FilingOutcome | BaseException] = {}
        placed: list[str | Path] = []  # only what this call published: a rollback never removes anything else
        self._tree_numbers, self._inside, self._folders = {}, {}, {}  # this batch's listings and folders
        try:
            with self.ledger.write() as conn:
                if catalogued := _catalogued_elsewhere(conn, self.archive_dir):
                    # The archive's disk dropped since this process began (a NAS mount gone while the service
                    # runs): placed now, the files would land on this computer's own disk, under the mount point.
                    raise archive_elsewhere(catalogued, "recordkit file 或归档服务", _FILED_ELSEWHERE)
                # A few queries for the whole batch, not a few per file: what is filed with these
                # hashes, which of the units exist, and (per category and year) the last number.
                known = _filed_with(conn, {prepared.sha for _, prepared in ready})
                units_known = _units_known(conn, {p.resolved.metadata.unit or "" for _, p in ready} - {""})
                last: dict[tuple[str, int], int] = {}
                planned = []
                for index, prepared in ready:
                    try:
                        item = self._plan_one(conn, prepared, stamp, known, units_known, last)
                    except (_Duplicate, _AlreadyFiled, _Changed, ScanRejected, FileNotFoundError) as err:
                        results[index] = err
                        continue
                    known[item.sha256] = item  # a second copy in the same batch is a duplicate of this one
                    last[(item.prefix, item.year)] = item.seq
                    planned.append((index, prepared, item))

                def record() -> None:  # the rows and the journal, written while the sidecars' fsyncs run
                    bulk_insert(conn, archive_items, [item.row() for _, _, item in planned])
                    if planned:
                        changes = [
                            journal.Change("archive.file", "archive_item", item.archive_no, None, _journal_view(item))
                            for _, _, item in planned
                        ]
                        journal.record(conn, self.operator, changes)

                self._place_all(planned, placed, meanwhile=record)
                for folder in {self.workspace.root / Path(item.path).parent for _, _, item in planned}:
                    fsync_directory(folder)  # the new names are on disk before the commit
                if planned and before_commit is not None:
                    before_commit(conn, [item for _, _, item in planned])
                for index, prepared, item in planned:
                    results[index] = FilingOutcome(prepared.shown, "filed", item)
        except _PlaceFailed as failed:
            _remove_published(placed)
            if len(ready) == 1:
                return {ready[0][0]: failed.error}
            raise failed.error from None
        except BaseException:
            _remove_published(placed)  # rolled back: no file without its row
            raise
        return results

    def holds_files(self) -> bool:
        """Whether records/archive holds any file (the archive is here: its disk mounted, not a clerk's PC)."""
        return _holds_a_file(self.archive_dir)

    def _plan_one(
        self,
        conn: Connection,
        prepared: _Prepared,
        stamp: dt.datetime,
        known: dict[str, ArchiveItem],
        units_known: set[str],
        last: dict[tuple[str, int], int],
    ) -> ArchiveItem:
        """The item ``prepared`` becomes: its number after ``last`` (the batch's numbers so far), checked
        against ``known`` (the items filed with the batch's hashes) and ``units_known``."""
        path, before, sha = prepared.path, prepared.before, prepared.sha
        current = path.stat()  # FileNotFoundError: another filer took it meanwhile (its own outcome), not a change
        if (current.st_size, current.st_mtime_ns) != (before.st_size, before.st_mtime_ns):
            raise _Changed()
        existing = known.get(sha)
        if existing is not None:
            if existing.source == prepared.source and existing.source_mtime_ns == before.st_mtime_ns:
                raise _AlreadyFiled(existing, before)  # a run killed after its commit, before removing the inbox file
            raise _Duplicate(existing)
        reasons = list(prepared.resolved.review_reasons)
        for written in prepared.resolved.named_numbers:
            # A name carrying a filed item's 档号 (a supplement, a page scanned again): not numbered without a word.
            if (row := item_row(conn, written)) is not None:
                also = f"（{row.archive_no}）" if row.archive_no != written else ""
                reasons.append(f"文件名里的档号 {written} 已是《{row.title}》{also}，请在复核时决定")
        unit = prepared.resolved.metadata.unit
        if unit and unit not in units_known:
            reasons.append(missing_unit(conn, unit))
        item = self._new_item(
            conn, prepared.resolved, reasons, prepared.pages, before, sha, path, prepared.source, stamp, last
        )
        if not self._inside_archive(os.path.join(self._root_text, item.path)):
            raise ScanRejected("归档位置不在档案目录内，已拒绝")  # never outside records/archive
        return item

    def _inside_archive(self, target: str) -> bool:
        """``target`` lies inside records/archive, links in its folders followed (each folder resolved once
        per batch): its name is one plain component, and a name already there is never replaced."""
        folder, name = os.path.split(target)
        if name in ("", ".", "..") or (os.altsep and os.altsep in name):
            return False
        inside = self._inside.get(folder)
        if inside is None:
            inside = self._inside[folder] = Path(folder).resolve().is_relative_to(self._archive_root)
        return inside

    def _place_all(
        self,
        planned: Sequence[tuple[int, _Prepared, ArchiveItem]],
        placed: list[str | Path],
        meanwhile: Callable[[], None] | None = None,
    ) -> None:
        """Each planned file's sidecar, then the file, published under their names only if free
        (``ArchiveMismatch`` when taken), durable before the commit; what was published is added to
        ``placed`` (sidecar before its file), for the caller to remove on a rollback.

        In three steps, so that the threads do nothing but wait for the disk: this thread writes every
        sidecar to a temporary name; their fsyncs go to the placing threads together (the disk serves
        many for about the price of one, and no new file is created while they run, which on ext4
        would wait for the journal); then, in order, each sidecar is published once durable and its
        scan linked into the archive (unchanged since it was hashed, made read-only); last, the scans
        that cannot be linked (another disk, or not from the inbox) are copied, in the threads.  Spread
        over the threads, the Python and the syscalls between the fsyncs only took turns for the GIL.
        ``meanwhile`` (the ledger's rows) is called while the fsyncs run; what it raises is raised as is."""
        if not planned:
            if meanwhile is not None:
                meanwhile()
            return
        targets = [os.path.join(self._root_text, item.path) for _, _, item in planned]
        try:  # each target folder made once, not once per file
            for folder in {os.path.dirname(target) for target in targets}:
                os.makedirs(folder, exist_ok=True)
        except Exception as err:
            raise _PlaceFailed(err) from err

        prefix = f"{TEMP_PREFIX}{os.getpid()}-"
        temps: list[tuple[int, str]] = []  # temporary sidecars, open: closed and removed in the end
        fsynced: list[Future[None]] = []
        try:
            try:
                for (_, prepared, item), target in zip(planned, targets, strict=True):
                    folder, name = os.path.split(target)
                    temp = os.path.join(folder, f"{prefix}{name}{SIDECAR_SUFFIX}")
                    descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
                    temps.append((descriptor, temp))
                    _write_all(descriptor, _sidecar_bytes(prepared, item))
                    os.fchmod(descriptor, _READ_ONLY)
                pool = _placing_pool()
                # One task per thread, each a run of the sidecars in order: published run by run when done.
                step = -(-len(temps) // PLACING_THREADS)
                runs = [range(start, min(start + step, len(temps))) for start in range(0, len(temps), step)]
                fsynced = [pool.submit(_fsync_all, [temps[index][0] for index in run]) for run in runs]
            except Exception as err:
                raise _PlaceFailed(err) from err
            try:
                if meanwhile is not None:
                    meanwhile()
                self._publish_all(planned, targets, temps, fsynced, step, placed)
            finally:
                wait(fsynced)  # no descriptor closed under an fsync in hand
        finally:
            for descriptor, temp in temps:
                os.close(descriptor)
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(temp)

    @staticmethod
    def _publish_all(
        planned: Sequence[tuple[int, _Prepared, ArchiveItem]],
        targets: Sequence[str],
        temps: Sequence[tuple[int, str]],
        fsynced: Sequence[Future[None]],
        step: int,
        placed: list[str | Path],
    ) -> None:
        """In order, each sidecar published once durable (its run of fsyncs done), then its scan linked."""
        try:
            pool = _placing_pool()
            copies = []
            for index, ((_, prepared, _), target, (_, temp)) in enumerate(zip(planned, targets, temps, strict=True)):
                if index % step == 0:
                    fsynced[index // step].result()
                sidecar_path = target + SIDECAR_SUFFIX
                _publish_new(temp, sidecar_path)
                placed.append(sidecar_path)
                if prepared.in_inbox and _link_new(prepared.path, target):
                    placed.append(target)
                    _check_linked(prepared, target)
                else:
                    copies.append((prepared, target))
            for future in [pool.submit(_copy_in, prepared, Path(target), placed) for prepared, target in copies]:
                future.result()
        except Exception as err:
            raise _PlaceFailed(err) from err

    def _metadata(
        self, path: Path, flags: Metadata, base: Path | None, listing: _Listing | None = None
    ) -> tuple[dict[str, Any] | None, Resolved]:
        pairs: dict[str, Any] | None = None
        sidecar, problems = Metadata(), []
        taken, contested, rivals = _sidecars_of(path, listing)
        if contested:
            problems.append(_contested_reason(contested, rivals))
        for companion in taken:
            if _is_note_of(companion, path):
                continue
            try:
                with companion.open("rb") as stream:
                    raw = stream.read(MAX_SCANNER_SIDECAR_BYTES + 1)
                pairs = parse_sidecar(raw, companion.suffix)
            except ValidationError as err:
                problems.append(f"说明文件 {readable_name(companion.name)}：{err.message}")
                continue
            except OSError:
                continue
            sidecar, found_problems = metadata_from_sidecar(pairs, self.rules.phases)
            problems += found_problems
            break
        folder = Metadata()
        if base is not None and path.parent.is_relative_to(base):
            # The folders below the inbox (or below a folder given to `recordkit file`) tell category and unit.
            folder = self._folder_says(path.parent, base)
        plain = windows_name(path.name)  # (合同.pdf. is titled 合同, as 合同.pdf is)
        name, suffix = readable_name(plain), os.path.splitext(plain)[1]
        stem = name[: -len(suffix)] if suffix else name
        # A file put back from the quarantine, as its note says, still wears the quarantine's time: that is no
        # date of the document (20261205-090428_购房合同_20190915 was made in 2019) and no part of its title.
        stem = _QUARANTINE_STAMP.sub("", stem) or stem
        if hidden := hidden_characters(stem):
            # Stripped, not quarantined: the scan itself is good; only its name could mislead on screen.
            stem = without_hidden(stem)
            problems.append(
                f"原文件名含有不可见的控制或排版方向字符（{'、'.join(hidden)}，如从右到左覆盖），"
                "已从题名中去掉：请核对题名"
            )
        from_name = metadata_from_name(stem, self.rules, folder.phase)
        resolved = resolve(flags, sidecar, folder, from_name, self.rules, stem, problems)
        # The item's sidecar keeps the scanner's plain values; a list or an object (of any depth) is not written back.
        kept = (
            None
            if pairs is None
            else {key: value for key, value in pairs.items() if not isinstance(value, list | dict)}
        )
        return kept, replace(resolved, named_numbers=numbers_in_name(stem, self.rules))

    def _folder_says(self, folder: Path, base: Path) -> Metadata:
        """``metadata_from_folder`` of ``folder`` below ``base``, worked out once per folder (a burst's
        scans share a few folders); forgotten when many folders were seen."""
        said = self._folder_metadata.get((folder, base))
        if said is None:
            if len(self._folder_metadata) >= 1024:
                self._folder_metadata.clear()
            parts = [
                readable_name(windows_name(part)) for part in folder.relative_to(base).parts
            ]  # (1-1-105. is 1-1-105)
            said = self._folder_metadata[(folder, base)] = metadata_from_folder(parts, self.rules)
        return said

    def _new_item(
        self,
        conn: Connection,
        resolved: Resolved,
        reasons: list[str],
        pages: int | None,
        before: os.stat_result,
        sha: str,
        path: Path,
        source: str,
        stamp: dt.datetime,
        last: dict[tuple[str, int], int],
    ) -> ArchiveItem:
        category, meta = resolved.category, resolved.metadata
        # 年度 is the year the document was made (DA/T 22), else the year it is filed.
        made = meta.doc_date.year if meta.doc_date else stamp.year
        archive_no, year, seq = self._next_number(conn, category, made, last)
        extension = archived_extension(windows_name(path.name))
        file_name = archived_name(archive_no, meta.title or "", extension)
        relative = Path("records", "archive", category.name, str(made), file_name).as_posix()
        return ArchiveItem(
            archive_no=archive_no,
            prefix=category.prefix,
            year=year,
            seq=seq,
            category=category.name,
            unit=meta.unit,
            title=meta.title or "",
            topic=meta.topic,
            doc_date=meta.doc_date,
            pages=pages,
            size=before.st_size,
            sha256=sha,
            path=relative,
            original_name=shown_plainly(readable_name(path.name)),
            source=source,
            source_mtime_ns=before.st_mtime_ns,
            retention=meta.retention or category.retention,
            box=place_label(meta.box),
            shelf=place_label(meta.shelf),
            confidential=bool(meta.confidential),
            needs_review=bool(reasons),
            review_reasons=tuple(reasons),
            note=meta.note,
            filed_by=self.operator,
            filed_at=stamp.isoformat(timespec="seconds"),
        )

    def _next_number(
        self, conn: Connection, category: Category, made: int, last: dict[tuple[str, int], int] | None = None
    ) -> tuple[str, int, int]:
        """The next 档号 of ``category`` for a document made in ``made``: (number, sequence year, seq).

        Numbers an item had before its category was corrected count as taken: no number is handed out
        twice.  ``last`` holds the last numbers a batch has given so far in this transaction (else the
        ledger is asked).  The ledger's number is checked against the tree: a number whose file or
        sidecar is already there means the ledger is older than the archive (``ArchiveMismatch``), and
        that file must never be overwritten."""
        year = sequence_year(self.settings.number_pattern, made)
        key = (category.prefix, year)
        if last is None or key not in last:
            highest = last_seq(conn, category.prefix, year)
            if last is not None:
                last[key] = highest
        else:
            highest = last[key]
        seq = highest + 1
        archive_no = format_archive_no(self.settings.number_pattern, category.prefix, made, seq)
        if safe_title(archive_no) in self._numbers_in_tree(self._number_folder(category.name, made if year else None)):
            said = (
                f"台账与档案目录不一致：档号 {archive_no} 在档案目录中已有文件，台账中却没有这个档号"
                "（台账可能是从旧备份恢复的，或数据库地址指向了新的空台账）。"
            )
            raise ArchiveMismatch(said + MISMATCH_ADVICE, form_message=said + MISMATCH_ADVICE_FORM)
        return archive_no, year, seq

    def _number_folder(self, category: str, made: int | None) -> Path:
        """The folder whose files hold the numbers of ``category`` (and year ``made``): made once per batch."""
        folder = self._folders.get((category, made))
        if folder is None:
            folder = self.archive_dir / category
            folder = self._folders[(category, made)] = folder / str(made) if made is not None else folder
        return folder

    def _numbers_in_tree(self, folder: Path) -> set[str]:
        """The archive numbers whose files or sidecars lie in ``folder`` (and below): every name's part
        before an ``_``.  Read once per batch (a listing, not the files)."""
        numbers = self._tree_numbers.get(folder)
        if numbers is None:
            numbers = set()
            for path in _walk_files(folder):
                name, start = path.name, 0
                while (cut := name.find("_", start)) > 0:
                    numbers.add(name[:cut])
                    start = cut + 1
            self._tree_numbers[folder] = numbers
        return numbers

    def _remove_source(
        self, path: Path, removable: bool, filed: os.stat_result, listing: _Listing | None = None
    ) -> bool:
        """The inbox's (or the quarantine's, ``removable``) name of a file now filed removed, with its sidecars and
        its quarantine note — only while it still names the very file ``filed`` (its device and inode): a scanner
        that wrote a new scan under the same name meanwhile (``scan.pdf.tmp`` renamed over ``scan.pdf``) keeps it, to
        be filed in its turn.  A quarantined scan filed straight from there (``recordkit file records/quarantine/…``)
        is no longer listed as waiting, as one put back into the inbox is not.

        True when the name stays because this account may not remove it (an inbox folder of another account): the
        file is filed all the same — its outcome says so, and a clerk deletes the copy; filed again, the ledger finds
        it already filed (its SHA-256, name and mtime)."""
        if not removable:
            return False  # a clerk's own file (or records/generated/) stays where it is
        try:
            _remove_filed(path, filed, listing)
        except PermissionError:
            log.warning("filed %s, but may not remove it from where it was: it stays there", printable(str(path)))
            return True
        return False

    def _reject(
        self,
        path: Path,
        shown: str,
        in_inbox: bool,
        reason: str,
        seen: os.stat_result | None = None,
        listing: _Listing | None = None,
    ) -> FilingOutcome:
        if not in_inbox:
            return FilingOutcome(shown, "refused", reason=reason)
        if seen is not None and _changed_since(path, seen):
            # The scanner wrote it again since it was read (an empty file it had only opened, a new scan renamed
            # over the name): this reason is not the file's now.  Judged again once stable.
            return FilingOutcome(shown, "waiting", reason="文件在归档过程中有变化，稍后再试")
        moved = self.quarantine(path, reason, listing)
        if moved is None:
            return FilingOutcome(shown, "waiting", reason="文件已不在原处（可能已被另一个进程归档）")
        log.warning("quarantined %s: %s", printable(shown), reason)
        return FilingOutcome(
            shown,
            "quarantined",
            reason=reason,
            quarantine_path=_relative(self.workspace, moved),
            left_behind=os.path.lexists(path),
        )

    def quarantine(self, path: Path, reason: str, listing: _Listing | None = None) -> Path | None:
        """Move an inbox file (and its sidecars) to records/quarantine/ with a note saying why.

        Each file gets its own name and its own note, even two files of the same name in the same
        second, in one process or two: the note's name is taken with ``O_EXCL`` first, and nothing
        in the quarantine is ever replaced.  None when the file was gone (another filer took it).  A file this account
        may not remove from its folder (one of another account) is quarantined all the same, its name left where it
        was (``os.path.lexists`` says so): a clerk deletes it, and the service does not quarantine it again until it
        changes — never a new copy and note at each pass.  ``listing``: the names in its folder, when a batch has
        listed it; else listed now."""
        if (already := self._quarantined_before(path)) is not None:
            return already  # left where it was by an earlier pass (a folder of another account): one copy, one note
        moment = self._office_now()
        note = (
            f"文件：{readable_name(self._shown(path))}\n原因：{reason}\n时间：{_note_time(moment)}\n"
            f"处理：改正后把文件放回 records/inbox/ 即可重新归档；不需要的文件可以直接删除。\n"
        )
        target, note_path = self._reserve_quarantine(windows_name(path.name), note, moment)
        try:
            _move_new(path, target)
        except FileNotFoundError:  # another filer took it: no note without a file
            note_path.unlink(missing_ok=True)
            return None
        except PermissionError:
            if not os.path.lexists(target):  # not even linked: nothing in the quarantine without its file
                note_path.unlink(missing_ok=True)
                raise
            log.warning("quarantined %s, but may not remove it from where it was", printable(str(path)))
        for companion in _companions(path, listing):
            if _is_note_of(companion, path):  # the note of its quarantine before: the new note says why now
                companion.unlink(missing_ok=True)
                continue
            if companion.name.startswith(path.name + "."):
                name = target.name + companion.name[len(path.name) :]
            else:
                name = f"{target.name}{QUARANTINED_SIDECAR}{companion.suffix}"
            try:
                _move_new(companion, target.with_name(name))
            except OSError:
                pass
        return target

    def _quarantined_before(self, path: Path) -> Path | None:
        """The quarantine's name of the very file at ``path`` (the same device and inode: a quarantine is a hard link)
        when an earlier pass quarantined it but could not remove it from where it was, else None.  Looked for only
        when the file has another name (``st_nlink``), so a quarantine of thousands is not listed at every pass."""
        try:
            status = path.stat(follow_symlinks=False)
            if status.st_nlink < 2:
                return None
            with os.scandir(self.quarantine_dir) as entries:
                for entry in entries:
                    if entry.inode() == status.st_ino and entry.stat(follow_symlinks=False).st_dev == status.st_dev:
                        return Path(entry.path)
        except OSError:
            return None
        return None

    def _office_now(self) -> dt.datetime:
        """Now on the office's clock (``[office] time_zone``), whatever this machine's zone: the quarantine's names and
        notes are read by the clerks."""
        return office_time(dt.datetime.now(dt.UTC), self.workspace.settings.office.time_zone)

    def _reserve_quarantine(self, name: str, note: str, moment: dt.datetime) -> tuple[Path, Path]:
        """A free name in records/quarantine/ for a file, starting with ``moment`` (the note's), and its note written
        under the matching name (created with ``O_EXCL``: a name another file or process holds is never shared)."""
        stamp = moment.strftime(QUARANTINE_STAMP)
        # Without invisible format characters, as a filed title is: a right-to-left override (U+202E) in the name
        # would turn it around on every screen that lists the quarantine (收据\u202efdp.exe.docx shown as 收据xcod.exe.pdf).
        plain = without_hidden(readable_name(name))
        shown = _QUARANTINE_STAMP.sub("", plain) or plain  # one stamp, the new one
        stem, extension = os.path.splitext(shown)
        extension = extension if safe_title(extension) == extension.lstrip(".") and len(extension) <= 8 else ""
        readable = (safe_title(stem) or "无名文件") + (f".{safe_title(extension)}" if extension else "")
        self.quarantine_dir.mkdir(parents=True, exist_ok=True)
        number = 1
        while True:
            target = self.quarantine_dir / (f"{stamp}_{readable}" if number == 1 else f"{stamp}-{number}_{readable}")
            number += 1
            note_path = target.with_name(target.name + NOTE_SUFFIX)
            if target.exists():
                continue
            try:
                descriptor = os.open(note_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                continue
            try:
                with os.fdopen(descriptor, "wb") as stream:
                    stream.write(note.encode("utf-8"))
                    stream.flush()
                    os.fsync(stream.fileno())
            except OSError:  # (a full disk: no empty note left without its file)
                note_path.unlink(missing_ok=True)
                raise
            return target, note_path

    # -- many files -------------------------------------------------------------------------

    def file_paths(
        self,
        paths: Iterable[Path],
        flags: Metadata | None = None,
        progress: Callable[[int, int | None], None] | None = None,
        *,
        file_batch: FileBatch | None = None,
        recover: bool = False,
    ) -> list[FilingOutcome]:
        """File every given file (folders: every file below them, temporary files and sidecars skipped), ``BATCH_SIZE``
        per transaction, ``progress`` told after each; each folder listed once for the whole filing (``FolderListings``:
        a file that arrives meanwhile waits for the next).  ``NotFoundError`` for a path that does not exist, before
        anything is filed (``expand``).

        ``file_batch``: how each batch is filed; by default ``file_many`` with ``flags``, the archive and the ledger
        alone — ``recordkit file`` (``intake.file_paths``) indexes each batch too and notes the inbox folders it
        emptied, which this package cannot (the index is ``search``'s).  ``recover``: first, once the paths are looked
        at, finish or roll back what a killed filing left half-done (``recover``) — ``recordkit file`` does, as no
        service may have run since the kill; the service recovers when it starts and after a lost ledger, not at each
        pass, and a test that kills a filing recovers where it chooses.  ``flags``: the metadata typed on the command
        line; its unit the ledger lacks raises ``NotFoundError`` (``no_such_unit``) before anything is filed — one read
        from a file's name or sidecar is filed and listed for review."""
        listings = FolderListings()
        files = list(self.expand(paths, listings))
        if flags is not None and flags.unit:
            with self.ledger.read() as conn:  # typed: refused as every command refuses it, never filed for review
                refuse_unknown_unit(conn, flags.unit)
        if recover:
            self.recover()
        if file_batch is None:
            file_batch = partial(self._file_batch_alone, flags=flags)
        outcomes: list[FilingOutcome] = []
        for start in range(0, len(files), BATCH_SIZE):
            outcomes += file_batch(files[start : start + BATCH_SIZE], listings)
            if progress:
                progress(len(outcomes), len(files))
        return outcomes

    def _file_batch_alone(
        self, files: Sequence[tuple[Path, Path | None]], listings: FolderListings, flags: Metadata | None
    ) -> list[FilingOutcome]:
        """``file_paths``' batch by default (``FileBatch``): ``file_many``, the archive and the ledger alone."""
        return self.file_many(files, flags, listings=listings)

    def expand(
        self, paths: Iterable[Path], listings: FolderListings | None = None
    ) -> Iterator[tuple[Path, Path | None]]:
        """Each file to file and the folder its folder names count from: a folder given — the workspace's folder
        for a file in the workspace below it (``recordkit file /``: never ``home`` and the user's name) —; for a
        file named itself, ``_named_base``.

        A folder's walk leaves out the workspace's own files — records/ but its inbox (the ledger, the
        archive, generated papers, the quarantine, the caches), templates/ and recordkit.toml — and names them in
        ``left_out``: ``recordkit file .`` in the workspace files what waits in the inbox, never the
        ledger's database or the archive's own files again.  A file named twice (``file 扫描件 扫描件/业主档案``,
        two patterns matching it) is given once, as first named.  A hidden file or a broken link met in a walk is
        left where it is and named in ``not_filed`` (``left_alone``); a broken link named itself raises
        ``NotFoundError``, as a path that does not exist does.  ``listings``: the folders the filing lists, each once
        (which files are sidecars, ``left_alone``), for its batches to share."""
        listings = FolderListings() if listings is None else listings
        own = tuple(
            path.resolve()
            for path in (self.workspace.records_dir, self.workspace.templates_dir, self.workspace.config_file)
        )
        given: set[str] = set()

        def first_time(path: Path) -> bool:
            where = os.path.abspath(path)  # the name given, not where a link points
            if where in given:
                return False
            given.add(where)
            return True

        for path in paths:
            if path.is_dir():
                given_folder = Path(os.path.abspath(path))
                workspace_below = self._workspace_below(given_folder)
                for folder, dirs, files in walk_entries(path):
                    dirs[:] = sorted(
                        d for d in dirs if not self.hidden_folder(d) and not self._own(Path(folder, d), own)
                    )
                    counted_from = given_folder  # (a file's folders are read from there)
                    if workspace_below is not None and Path(os.path.abspath(folder)).is_relative_to(workspace_below):
                        counted_from = workspace_below  # never the folders above the workspace
                    resolved_folder = Path(os.path.realpath(folder))
                    holds_own = self._holds_own_files(resolved_folder, own)  # (once a folder, not once a file)
                    for entry in sorted(files, key=lambda entry: entry.name):
                        candidate, link = Path(folder) / entry.name, entry.is_symlink()  # (known from the listing)
                        known = (None, None) if link else (resolved_folder / entry.name, holds_own)  # (a link resolved)
                        if self._own(candidate, own, *known):
                            continue
                        if why := self.left_alone(candidate, link, listings):
                            self.not_filed[self._shown(candidate)] = why
                        elif why is None and first_time(candidate):
                            yield candidate, counted_from
            elif not path.exists():
                if path.is_symlink():
                    raise NotFoundError(f"{readable_name(str(path))}：{BROKEN_LINK}")
                raise NotFoundError(f"找不到文件 {readable_name(str(path))}：请检查路径")
            elif first_time(path):
                yield path, self._named_base(path, own)

    def _named_base(self, path: Path, own: tuple[Path, ...]) -> Path | None:
        """The folder whose sub-folders tell a file named itself its category and unit.  Below the current folder:
        typed as a path from it, the current folder, so that ``扫描件/业主档案/1-1-101/产权证明.pdf`` reads as
        ``recordkit file .`` reads it (1-1-101's, 扫描件 its topic); in the workspace, never a folder above the
        workspace's own (``_workspace_below``: run from ``/`` or a home folder); outside the workspace and typed as an
        absolute path (``~/扫描/3-2-1201/产权证明.pdf``), its own folder's parent: the folders above it (``home``, the
        user's name, ``mnt``) are no office's filing, the file's own folder alone is read.  None, its own name alone,
        for a file elsewhere (``../``, another absolute path) and for one of the workspace's own (``_is_own``), which
        ``file .`` never reads (``records/quarantine`` names no category).  A hidden folder on the way is never read
        (``rules.organised_folders``)."""
        here = Path(os.path.abspath(os.curdir))
        named = Path(os.path.abspath(path))
        resolved = named.resolve()
        if not named.is_relative_to(here) or self._is_own(resolved, own):
            return None
        if resolved.is_relative_to(self.workspace.root.resolve()):
            workspace_below = self._workspace_below(here)
            return workspace_below if workspace_below is not None and named.is_relative_to(workspace_below) else here
        return named.parent.parent if path.is_absolute() else here

    def _workspace_below(self, folder: Path) -> Path | None:
        """The workspace's folder as written below ``folder`` (absolute), when it lies below it, else None: a file in
        the workspace reads its folders from there, never the folders above it."""
        real = Path(os.path.realpath(folder))
        root = self.workspace.root.resolve()
        if real == root or not root.is_relative_to(real):
            return None
        return folder / root.relative_to(real)

    def _own(
        self, path: Path, own: tuple[Path, ...], resolved: Path | None = None, folder_holds_own: bool | None = None
    ) -> bool:
        """Whether ``path`` (met in a folder's walk) is one of the workspace's own files or folders (``expand``);
        remembered in ``left_out`` as the clerk sees it.  ``resolved``: where it is, when known (a file that is no
        link: its resolved folder and its name), saving a stat of each folder above it; ``folder_holds_own``: for
        such a file, its folder's ``_holds_own_files``, asked once for all its files."""
        resolved = path.resolve() if resolved is None else resolved
        if resolved == self.inbox and self.inbox_served is not None:
            return True  # the running service files it (said by the caller, from ``inbox_served``)
        is_own = self._is_own(resolved, own) if folder_holds_own is None else folder_holds_own or resolved in own
        if not is_own:
            return False
        try:
            shown = resolved.relative_to(self.workspace.root.resolve()).as_posix()
        except ValueError:
            shown = str(resolved)
        self.left_out.add(readable_name(shown))
        return True

    def _is_own(self, resolved: Path, own: tuple[Path, ...]) -> bool:
        """``resolved`` lies in one of the workspace's ``own`` files or folders, and is neither the inbox, in it, nor
        a folder holding it (which a walk goes through)."""
        if resolved == self.inbox or self.inbox.is_relative_to(resolved):
            return False
        return self._holds_own_files(resolved, own)

    def _holds_own_files(self, folder: Path, own: tuple[Path, ...]) -> bool:
        """The files lying in ``folder`` (resolved) are the workspace's own, whatever their names: it is one of the
        ``own`` folders or lies in one, and is neither the inbox nor in it.  (A file in another folder is its own
        only when it is one of ``own`` itself: recordkit.toml.)"""
        if folder == self.inbox or folder.is_relative_to(self.inbox):
            return False
        return any(folder == root or folder.is_relative_to(root) for root in own)

    def hidden_folder(self, name: str) -> bool:
        """A folder never walked, nor said: an ignored name, or a hidden one (a Mac's .Trashes, a sync tool's own)."""
        return why_not_filed(name, self.settings.ignore_patterns) is not None

    def left_alone(self, path: Path, link: bool | None = None, listings: FolderListings | None = None) -> str | None:
        """Why a file met in a watched folder or a folder given to ``file`` is not filed itself, asked once of each
        file: to be said to a clerk, who may mend it, ``HIDDEN_FILE`` (a hidden name that is not one of the ignored)
        or ``BROKEN_LINK`` (a link to nothing, never followed); ``NOT_SAID`` for a temporary file, another computer's
        system file (``rules.why_not_filed``) or a scan's sidecar (``is_sidecar_of_a_scan``), never filed and never
        said; None for a file to file.  ``link``: whether it is a link, when its folder's listing said so
        (``walk_entries``); ``listings``: the folders the pass has listed (``FolderListings``)."""
        if (why := why_not_filed(path.name, self.settings.ignore_patterns)) is not None:
            return why
        link = path.is_symlink() if link is None else link
        if link and not path.exists():
            return BROKEN_LINK
        return NOT_SAID if is_sidecar_of_a_scan(path, listings) else None

    # -- crash recovery ---------------------------------------------------------------------

    def recover(self, repair: bool = False) -> list[str]:
        """Finish or roll back filings a killed process left half-done; returns what was done (Chinese).

        Under the write lock nobody else is between "published" and "committed", so a file in
        records/archive/ without a row was left by a process that died: with a sound sidecar and
        a free number it is completed (the inbox copy is then recognised as already filed, and the
        sidecar's former numbers are registered again), else removed (the inbox copy is filed again).
        Temporary files are removed.

        A placed file is removed only when its very bytes (SHA-256) are still in records/inbox/, where
        it was filed from, and no row holds them: then the next filing files them again.  A clerk's
        file outside the inbox does not count (``recordkit file`` leaves it where it is, nothing files
        it again), and any other file is kept and reported, never removed.  Archived files without a
        row that no inbox copy explains were not left by a crash of the service: the ledger is older
        than the archive (restored from a backup, or a new empty ledger), or a clerk's filing died.
        Then, unless ``repair`` (``archive verify --repair``, which rebuilds their rows from the tree,
        former numbers included, and catches a restored row up with a file renumbered since),
        ``ArchiveMismatch`` stops filing before anything is touched.
        """
        with self.ledger.write() as conn:
            done = self._recover(conn, repair)
        if not done:
            # The check found nothing to finish and wrote nothing: no change of this command was saved (a
            # Ctrl+C before the first batch is "已取消，没有保存任何改动", exit 130, not "已保存", exit 0).
            self.ledger.commits -= 1
        return done

    def _recover(self, conn: Connection, repair: bool = False) -> list[str]:
        done: list[str] = []
        rows = {row.path for row in conn.execute(sa.select(archive_items.c.path))}
        if rows and not repair and not _holds_a_file(self.archive_dir):
            # A clerk's PC sharing the PostgreSQL ledger (the archive is on the server), or the archive's disk not
            # mounted: filed here, a scan would stay on this computer, where nothing on the server finds it.
            raise archive_elsewhere(len(rows), "recordkit file 或归档服务", _FILED_ELSEWHERE)
        orphans: list[tuple[Path, str]] = []
        lone_sidecars: list[tuple[Path, str]] = []
        for path in sorted(_walk_files(self.archive_dir)):
            relative = _relative(self.workspace, path)
            if path.name.startswith(TEMP_PREFIX):
                path.unlink(missing_ok=True)
                done.append(f"删除未完成的临时文件 {readable_name(relative)}")
            elif path.name.endswith(SIDECAR_SUFFIX):
                main = path.with_name(path.name[: -len(SIDECAR_SUFFIX)])
                if not path.exists():  # removed with its file just above
                    continue
                if not main.exists() and _relative(self.workspace, main) not in rows:
                    left = _read_sidecar(main)
                    if left is not None and self._waiting_in_inbox(conn, left, None):  # killed between sidecar and file
                        path.unlink(missing_ok=True)
                        done.append(f"删除没有文件的说明 {readable_name(relative)}（归档未完成，已回退）")
                    elif self._copy_of_filed(conn, left, None):  # a renumbering killed around its commit
                        path.unlink(missing_ok=True)
                        done.append(f"删除没有文件的说明 {readable_name(relative)}（改类别或题名未完成）")
                    else:
                        lone_sidecars.append((path, relative))
            elif relative not in rows:
                if self._copy_of_filed(conn, _read_sidecar(path), path):
                    _remove_placed([path])
                    done.append(
                        f"删除 {readable_name(relative)}：改类别或题名时中断留下的同一文件的另一个名字"
                        "（台账登记的文件完好）"
                    )
                else:
                    orphans.append((path, relative))
        # In number order, so that completing never leaves a gap: the files of a batch are placed side
        # by side, and a kill may leave number 8 placed while 6 and 7 are not.
        sound: list[tuple[str, int, int, Path, str, ArchiveItem | None, str, bool]] = []
        unexplained: list[str] = []
        for path, relative in orphans:
            # Rebuilt from the tree: the file's own place, size and hash; the sidecar only describes it.
            item, why = self._item_from_tree(path, relative)
            if item is not None:
                waiting = self._waiting_in_inbox(conn, item, path)
                sound.append((item.prefix, item.year, item.seq, path, relative, item, why, waiting))
                if not waiting:
                    unexplained.append(relative)
            else:
                sound.append(("", 0, 0, path, relative, None, why, False))
                if path.with_name(path.name + SIDECAR_SUFFIX).exists():
                    unexplained.append(relative)
        unexplained += [relative for _, relative in lone_sidecars]
        if unexplained and not repair:
            raise ArchiveMismatch(
                f"台账与档案目录不一致：档案目录中有 {len(unexplained)} 个文件在台账中没有记录"
                f"（如 {readable_name(unexplained[0])}），台账可能是从旧备份恢复的，或数据库地址指向了新的空台账；"
                f"上次用 recordkit file 归档收件箱以外的文件时被强行终止，也会这样。{MISMATCH_ADVICE}"
            )
        for path, relative in lone_sidecars:  # its number stays taken until it is looked at
            moved = self._quarantine_stray(
                path, "档案目录中有一个说明文件，但没有对应的文件，也没有台账记录，已移出档案目录"
            )
            done.append(f"{readable_name(relative)}：说明文件没有对应的文件，已移到隔离区 {readable_name(moved)}")
        next_seq: dict[tuple[str, int], int] = {}
        for prefix, year, seq, path, relative, item, why, waiting in sorted(sound, key=lambda entry: entry[:3]):
            if item is None:  # not recordkit's: put there by hand, or its sidecar is gone; never deleted
                reason = f"档案目录中有一个没有登记、{why}的文件，已移出档案目录"
                moved = self._quarantine_stray(path, reason)
                done.append(f"{readable_name(relative)}：没有登记的文件（{why}），已移到隔离区 {readable_name(moved)}")
                continue
            if repair and self._relocate_row(conn, item, relative, done):
                continue
            key = (prefix, year)
            if key not in next_seq:
                next_seq[key] = last_seq(conn, prefix, year) + 1
            holder = self._number_holder(conn, item.archive_no, prefix, year, seq)
            same_bytes = conn.execute(sa.select(archive_items).where(archive_items.c.sha256 == item.sha256)).first()
            former = _former_in_sidecar(path)
            if (
                holder is None
                and same_bytes is None
                and (seq == next_seq[key] or (seq > next_seq[key] and not waiting))
            ):
                # The next number: complete it.  (A later one whose scan is no longer in the inbox is
                # completed too: keeping the file matters more than a gap, which verify then shows.)
                conn.execute(archive_items.insert().values(**item.row()))
                journal.record(
                    conn,
                    self.operator,
                    [journal.Change("archive.recover", "archive_item", item.archive_no, None, _journal_view(item))],
                )
                next_seq[key] = max(next_seq[key], seq + 1)
                if why:  # the sidecar's own path was wrong: set right, and said
                    _rewrite_sidecar(path.with_name(path.name + SIDECAR_SUFFIX), item)
                    done.append(f"{item.archive_no}：{why}，说明文件已改正")
                # Its scan still in the inbox: a filing cut short before its commit.  Else the ledger lost the row
                # (a ledger lost or restored from an older backup, or a `recordkit file` outside the inbox cut short):
                # the registration is rebuilt from the sidecar, which is all that is known.
                done.append(
                    f"补全中断的归档 {item.archive_no}（{readable_name(relative)}）"
                    if waiting
                    else f"按说明文件重建档案登记 {item.archive_no}（{readable_name(relative)}）"
                )
                if former:
                    item_id = conn.execute(
                        sa.select(archive_items.c.id).where(archive_items.c.archive_no == item.archive_no)
                    ).scalar_one()
                    self._restore_former_numbers(conn, item_id, item, former, done, next_seq)
                continue
            if waiting:  # its very bytes wait in the inbox, and no row holds them: filed again from there
                _remove_placed([path])
                done.append(f"回退中断的归档：删除 {readable_name(relative)}（原件仍在收件箱，会重新归档）")
                continue
            if (
                repair
                and holder is None
                and same_bytes is not None
                and self._catch_up_row(conn, same_bytes, item, relative, why, former, done, next_seq)
            ):
                continue
            # Nothing else holds these bytes for sure: the file stays where it is, for a person to look at.
            if holder is not None:
                done.append(
                    f"{readable_name(relative)}：档号 {item.archive_no} 在台账中已是 {holder} 的档号，"
                    "收件箱中也没有原件，保留文件，请人工核对"
                )
            elif same_bytes is not None:
                done.append(
                    f"{readable_name(relative)}：台账中的 {same_bytes.archive_no} 是内容相同的档案，"
                    "收件箱中没有原件，保留文件，请人工核对"
                )
            else:
                done.append(f"{readable_name(relative)}：档号已被占用且收件箱中没有原件，保留文件，请人工核对")
        for line in done:
            log.warning("recover: %s", line)
        return done

    def _number_holder(self, conn: Connection, archive_no: str, prefix: str, year: int, seq: int) -> str | None:
        """The current 档号 of the item that has (or had, before its category was corrected) this number; None."""
        for table in (archive_items, archive_aliases):
            query = sa.select(table.c.id if table is archive_items else table.c.item_id).where(
                (table.c.archive_no == archive_no)
                | ((table.c.prefix == prefix) & (table.c.year == year) & (table.c.seq == seq))
            )
            found = conn.execute(query).first()
            if found is not None:
                return str(
                    conn.execute(sa.select(archive_items.c.archive_no).where(archive_items.c.id == found[0])).scalar()
                )
        return None

    def _restore_former_numbers(
        self,
        conn: Connection,
        item_id: int,
        item: ArchiveItem,
        former: Sequence[str],
        done: list[str],
        next_seq: dict[tuple[str, int], int],
    ) -> None:
        """The former numbers a sidecar lists, registered again for the item (row ``item_id``) where free:
        an old number finds the item and is never handed out again.  One another item has (or had) is not
        registered, and said; so is one this office's number pattern does not make."""
        known = set(
            conn.execute(sa.select(archive_aliases.c.archive_no).where(archive_aliases.c.item_id == item_id)).scalars()
        )
        for number in former:
            if number == item.archive_no or number in known:
                continue
            parsed = parse_archive_no(self.settings.number_pattern, number) if len(number) <= 40 else None
            if parsed is None:
                done.append(
                    f"{item.archive_no}：说明文件中的曾用档号“{printable(number)}”不是本处档号的格式，未登记，请人工核对"
                )
                continue
            prefix, year, seq = parsed
            holder = self._number_holder(conn, number, prefix, year, seq)
            if holder is not None:
                done.append(
                    f"{item.archive_no}：说明文件中的曾用档号 {number} 在台账中已是 {holder} 的档号，未登记，请人工核对"
                )
                continue
            _add_former_number(conn, item_id, number, (prefix, year, seq), self.operator)
            known.add(number)
            next_seq.pop((prefix, year), None)  # its sequence has a higher number now: asked again
            done.append(f"{item.archive_no}：按说明文件恢复曾用档号 {number}")

    def _catch_up_row(
        self,
        conn: Connection,
        row: Any,
        item: ArchiveItem,
        relative: str,
        why: str,
        former: Sequence[str],
        done: list[str],
        next_seq: dict[tuple[str, int], int],
    ) -> bool:
        """A row older than its file (a ledger restored from a backup made before the item's category was
        corrected): the row's file is gone, the same bytes lie under a new number whose sidecar lists the
        row's number as a former one.  The row is brought up to the file (number, category, title …, the
        保密 flag never cleared; its loans follow), its former numbers registered.  False, changing
        nothing, for any other row."""
        registered = _in_archive(self.workspace, row.path)
        if row.archive_no not in former or (registered is not None and registered.exists()):
            return False
        before = ArchiveItem.from_row(row)
        after = replace(item, confidential=item.confidential or before.confidential)
        conn.execute(archive_items.update().where(archive_items.c.id == row.id).values(**after.row()))
        journal.record(
            conn,
            self.operator,
            [
                journal.Change(
                    "archive.renumber",  # as the lost correction was journalled: the loans follow the item
                    "archive_item",
                    after.archive_no,
                    _journal_view(before) | {"archive_no": before.archive_no, "doc_date": before.doc_date},
                    _journal_view(after)
                    | {"box": after.box, "shelf": after.shelf, "doc_date": after.doc_date}
                    | {"archive_no": after.archive_no, "former_archive_no": before.archive_no},
                )
            ],
        )
        if after != item or why:
            placed = self.workspace.root / relative
            _rewrite_sidecar(placed.with_name(placed.name + SIDECAR_SUFFIX), after)
        done.append(
            f"{before.archive_no}：台账记录早于改类别重新编号（台账从旧备份恢复），已按档案目录中的文件和说明文件"
            f"改为 {after.archive_no}（{readable_name(relative)}）"
        )
        self._restore_former_numbers(conn, row.id, after, former, done, next_seq)
        return True

    def _item_from_tree(self, path: Path, relative: str) -> tuple[ArchiveItem | None, str]:
        """The item an archived file without a row is, from where it lies and what it holds: the
        sidecar is believed only where the file agrees with it (its hash, the number in its name, the
        category folder); its ``path`` is never used.  (None, why) when they disagree; else (item,
        what in the sidecar was not believed, or "")."""
        on_disk = _read_sidecar(path)
        if on_disk is None:
            return None, "也没有有效说明文件"
        if sha256_of(path) != on_disk.sha256:
            return None, "文件内容与说明文件中的 SHA-256 不符"
        try:
            made = int(path.parent.name)
        except ValueError:
            made = -1
        pattern = self.settings.number_pattern
        if (
            path.parent.parent.parent != self.archive_dir
            or path.parent.parent.name != on_disk.category
            or not path.name.startswith(safe_title(on_disk.archive_no) + "_")
            or on_disk.year != sequence_year(pattern, made)
            or format_archive_no(pattern, on_disk.prefix, made, on_disk.seq) != on_disk.archive_no
        ):
            return None, f"说明文件中的档号 {printable(on_disk.archive_no)} 与文件名或所在文件夹不符"
        why = []
        if on_disk.path != relative:
            why.append(
                f"说明文件中的位置“{printable(on_disk.path)}”不可信，未采用，按文件实际位置 {readable_name(relative)} 登记"
            )
        checked, refused = self._described_as_filed(on_disk, path)
        said = [f"{reason}{_how_to_correct(checked.archive_no, name)}" for name, reason in refused]
        return replace(checked, path=relative, size=path.stat().st_size), "；".join(why + said)

    def _described_as_filed(self, item: ArchiveItem, path: Path) -> tuple[ArchiveItem, list[tuple[str, str]]]:
        """An item rebuilt from its sidecar alone, each described field as filing would take it (``_as_filed``), and
        why a value was not: there is no ledger value to keep, so the field is left empty — the title the file's name
        holds, the category's 保管期限, a 保密 that cannot be read as confidential — and the item listed for review
        with the reason (each refusal returned with its field's name)."""
        changes: dict[str, Any] = {}
        refused: list[tuple[str, str]] = []
        for name in _CHECKED_AS_FILED:
            try:
                changes[name] = _as_filed(name, getattr(item, name), self.rules.phases)
            except ValidationError as err:
                refused.append((name, f"说明文件中 {_FIELD_LABELS[name]}：{sidecar_refusal(name, err)}"))
                changes[name] = None
        if not refused:
            return replace(item, **changes), []
        category = self.rules.category(item.category) or self.rules.unknown
        named = path.stem[len(safe_title(item.archive_no)) + 1 :]
        changes["title"] = changes["title"] or named or plain_title(category, changes["unit"])
        changes["retention"] = changes["retention"] or category.retention
        # a 保密 that cannot be read may say 机密 in a word of its own: kept from view until a person has looked
        changes["confidential"] = changes["confidential"] is not False
        # the review reason without the command line's advice: the web page shows it too
        reasons = (*item.review_reasons, *(reason for _, reason in refused))
        return replace(item, **changes, needs_review=True, review_reasons=reasons), refused

    def _relocate_row(self, conn: Connection, item: ArchiveItem, relative: str, done: list[str]) -> bool:
        """A row of this very file (same number, same hash) whose path leads nowhere, or out of the
        archive (an older repair believed a sidecar): it is set to where the file lies."""
        row = conn.execute(sa.select(archive_items).where(archive_items.c.archive_no == item.archive_no)).first()
        if row is None or row.sha256 != item.sha256:
            return False
        registered = _in_archive(self.workspace, row.path)
        if registered is not None and registered.is_file():
            return False
        before = ArchiveItem.from_row(row)
        after = replace(before, path=relative)
        conn.execute(archive_items.update().where(archive_items.c.id == row.id).values(path=relative))
        journal.record(
            conn,
            self.operator,
            [
                journal.Change(
                    "archive.rebuild", "archive_item", item.archive_no, _journal_view(before), _journal_view(after)
                )
            ],
        )
        done.append(
            f"{item.archive_no}：台账中登记的位置“{printable(row.path)}”没有这个文件，已改为文件实际位置 {readable_name(relative)}"
        )
        return True

    def _quarantine_stray(self, path: Path, reason: str) -> str:
        moment = self._office_now()
        note = (
            f"文件：{readable_name(_relative(self.workspace, path))}\n原因：{reason}\n时间：{_note_time(moment)}\n"
            "处理：确认后放回 records/inbox/ 即可正式归档。\n"
        )
        target, _ = self._reserve_quarantine(windows_name(path.name), note, moment)
        _move_new(path, target)
        broken_sidecar = path.with_name(path.name + SIDECAR_SUFFIX)
        if broken_sidecar.exists():
            _move_new(broken_sidecar, target.with_name(target.name + SIDECAR_SUFFIX))
        return _relative(self.workspace, target)

    def _copy_of_filed(self, conn: Connection, described: ArchiveItem | None, path: Path | None) -> bool:
        """The file (or, with ``path`` None, the lone sidecar) is a second name of an item whose registered
        file is present: what a renumbering or renaming (``update_item`` with a new category or title) leaves when killed
        between publishing the new name and removing the old.  Nothing is lost by removing it: the
        registered file holds the very same bytes (checked)."""
        if described is None:
            return False
        row = conn.execute(sa.select(archive_items.c.path).where(archive_items.c.sha256 == described.sha256)).first()
        registered = _in_archive(self.workspace, row.path) if row is not None else None
        if registered is None or not registered.is_file() or (path is not None and registered == path):
            return False
        return path is None or sha256_of(path) == described.sha256

    def _waiting_in_inbox(self, conn: Connection, item: ArchiveItem, placed: Path | None) -> bool:
        """The very bytes of ``item`` (its SHA-256) are still in records/inbox/, where it was filed from, and
        no row holds them: the next filing files them again, so its placed copy (``placed``, or None for a
        sidecar whose file is gone) may go.  A file outside the inbox never counts: ``recordkit file``
        leaves it where it is, and nothing files it again."""
        source = Path(item.source) if os.path.isabs(item.source) else self.workspace.root / item.source
        try:
            if not self.in_inbox(Path(os.path.abspath(source))) or not source.resolve().is_relative_to(self.inbox):
                return False
            status = source.lstat()
            if not stat.S_ISREG(status.st_mode) or status.st_size != item.size:
                return False
            # The inbox name of a scan linked into the archive is the very same file; else its bytes are hashed.
            if (
                not (placed is not None and os.path.samestat(status, placed.stat()))
                and sha256_of(source) != item.sha256
            ):
                return False
        except OSError:
            return False
        return conn.execute(sa.select(archive_items.c.id).where(archive_items.c.sha256 == item.sha256)).first() is None


def _changed_since(path: Path, seen: os.stat_result) -> bool:
    """Whether ``path`` is no longer the file ``seen`` was (another file under its name, or written to since)."""
    try:
        now = path.stat()
    except OSError:
        return False  # gone, or not to be looked at: the quarantine says so in its own way
    return read_key(now) != read_key(seen)


def _filed_with(conn: Connection, digests: set[str]) -> dict[str, ArchiveItem]:
    """The filed items with these SHA-256s, by SHA-256 (one query)."""
    if not digests:
        return {}
    rows = conn.execute(sa.select(archive_items).where(archive_items.c.sha256.in_(sorted(digests))))
    return {row.sha256: ArchiveItem.from_row(row) for row in rows}


def _phases_of_flats_without_entrance(conn: Connection) -> frozenset[str]:
    """The phases whose flats the ledger holds without 单元 (二期·1-101): where a bare 1-101 may be read (one query)."""
    query = sa.select(units.c.phase).where(
        units.c.kind == "住宅", units.c.phase != "", units.c.entrance == "", units.c.building != ""
    )
    return frozenset(phase for (phase,) in conn.execute(query.distinct()))


def _units_known(conn: Connection, codes: set[str]) -> set[str]:
    """Which of these unit codes the ledger has (one query)."""
    if not codes:
        return set()
    return {code for (code,) in conn.execute(sa.select(units.c.code).where(units.c.code.in_(sorted(codes))))}


#: How near in time a scan is made to a sidecar that describes it: the scanner writes both at once, an archivist
#: writes one by hand the same day; a scan of the same name further apart is another paper (a counter come round).
SIDECAR_NEAR_NS = 24 * 3600 * 10**9


def _late_sidecar_reason(path: Path, filed: Sequence[ArchiveItem]) -> str:
    """The quarantine note of a sidecar whose scan was filed before it came (``_filed_before_its_sidecar``): the
    item it describes, each it may describe, or none that can be told, and what to do."""
    if not filed:
        described = _described_scan(path) or path.name[: -len(path.suffix)]
        return (
            f"这是扫描件 {readable_name(described)} 的说明文件，但旁边没有这个扫描件；以前归档过同名的扫描件，"
            "但都不是与它同一天扫描的，看不出它说的是哪一件，说明文件没有用上：请把扫描件和说明文件放在一起后再归档；"
            "扫描件已归档的，请按说明文件核对是哪一件后改正它的登记"
        )
    names = " 或 ".join(dict.fromkeys(readable_name(item.original_name) for item in filed))
    items = "、".join(f"{item.archive_no}（{item.title}）" for item in filed)
    if len(filed) == 1:
        return (
            f"这是扫描件 {names} 的说明文件，但扫描件在它之前已归档为 {items}，说明文件没有用上："
            f"请按说明文件核对后改正 {filed[0].archive_no} 的登记"
        )
    return (
        f"这是扫描件 {names} 的说明文件，但扫描件在它之前已归档为 {items}，不知道说的是哪一件，说明文件没有用上："
        "请按说明文件核对是哪一件后改正它的登记"
    )


def stops_filing(err: BaseException) -> bool:
    """The error is not one file's: the ledger, the disk or the archive tree refuses (or the process is
    being stopped), so filing stops instead of quarantining the file in hand."""
    if isinstance(err, OSError):
        return storage_error(err) is not None
    return not isinstance(err, Exception) or (isinstance(err, RecordkitError) and not isinstance(err, ValidationError))


def _raw_name(path: Path) -> str:
    """The name's exact bytes as hex when it is not UTF-8 (a GBK name from a Windows scanner)."""
    raw = os.fsencode(path.name)
    try:
        raw.decode("utf-8")
        return path.name
    except UnicodeDecodeError:
        return raw.hex()


def _remove_placed(placed: Iterable[Path]) -> None:
    # The file before its sidecar: a kill in between leaves a sidecar without a file, which recovery
    # removes, never a file without a sidecar, which it could not tell from one put there by hand.
    for path in placed:
        path.unlink(missing_ok=True)
        path.with_name(path.name + SIDECAR_SUFFIX).unlink(missing_ok=True)


def _remove_published(published: Sequence[str | Path]) -> None:
    """Roll back what one filing call published (and nothing else): files first, then sidecars."""
    names = [os.fspath(path) for path in published]
    for name in [n for n in names if not n.endswith(SIDECAR_SUFFIX)] + [n for n in names if n.endswith(SIDECAR_SUFFIX)]:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(name)


#: link() errors of file systems without hard links (some network shares): an O_EXCL copy instead.
_NO_LINKS = {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK, errno.ENOSYS}


def _publish_new(temp: str | Path, target: str | Path) -> None:
    """Give the finished, fsynced ``temp`` the name ``target``, which must be free: a hard link (atomic,
    and it fails when the name exists, where a rename would replace it), or an ``O_EXCL`` copy where
    the file system has no hard links.  ``ArchiveMismatch`` when ``target`` exists.  ``temp`` stays."""
    try:
        try:
            os.link(temp, target)
        except OSError as err:
            if isinstance(err, FileExistsError) or err.errno not in _NO_LINKS:
                raise
            _copy_exclusive(Path(temp), Path(target))
    except FileExistsError:
        raise _name_taken(target) from None


def _name_taken(target: str | Path) -> ArchiveMismatch:
    said = (
        f"台账与档案目录不一致：档案目录中已有 {readable_name(os.path.basename(target))}，台账中却没有它"
        "（台账可能是从旧备份恢复的，或数据库地址指向了新的空台账）。"
    )
    return ArchiveMismatch(said + MISMATCH_ADVICE, form_message=said + MISMATCH_ADVICE_FORM)


def _new_name_taken(target: Path, archive_no: str) -> ArchiveMismatch:
    """An update's new name (``target``, the file's or its sidecar's) already in the folder: a rename killed before
    its commit left it there (``recover`` not yet run), or another file has that very name.  Nothing is replaced."""
    said = (
        f"档案目录中已有 {readable_name(target.name)}，{archive_no} 的文件不能改成这个名字"
        "（多半是上次改题名中断时留下的，或是同名的另一个文件），什么也没有修改："
    )
    return ArchiveMismatch(
        said + "请先运行 recordkit archive verify --repair，再重新修改", form_message=said + CHECK_FILES
    )


def _link_new(source: Path, target: str | Path) -> bool:
    """A second name ``target`` for the file ``source`` (the same file system): True when made, False
    where the file systems differ or have no hard links (the caller copies).  ``ArchiveMismatch`` when
    ``target`` exists: an archived file is never replaced."""
    try:
        os.link(source, target, follow_symlinks=False)
    except FileExistsError:
        raise _name_taken(target) from None
    except OSError as err:
        if isinstance(err, FileNotFoundError) or err.errno not in _NO_LINKS:
            raise
        return False
    return True


def _move_new(source: Path, target: Path) -> None:
    """Move ``source`` to ``target``, which must not exist (``FileExistsError``): a hard link and an
    unlink, never a rename that could replace a file; a copy where the two are on different disks."""
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError as err:
        if isinstance(err, FileNotFoundError | FileExistsError) or err.errno not in _NO_LINKS:
            raise
        if os.path.lexists(target):
            raise FileExistsError(errno.EEXIST, "exists", str(target)) from None
        shutil.move(str(source), str(target))
        return
    source.unlink()


def _copy_exclusive(source: Path, target: Path) -> None:
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        with os.fdopen(descriptor, "wb") as writer, source.open("rb") as reader:
            shutil.copyfileobj(reader, writer, _CHUNK)
            writer.flush()
            os.fsync(writer.fileno())
        os.chmod(target, _READ_ONLY)
    except BaseException:
        target.unlink(missing_ok=True)  # ours: created by the O_EXCL open above
        raise


def _write_new(target: Path, data: bytes) -> None:
    """Temporary file beside ``target``, fsync, read-only, published only if ``target`` does not exist
    (``ArchiveMismatch`` otherwise); the folder is fsynced by the batch."""
    temp = target.with_name(f"{TEMP_PREFIX}{os.getpid()}-{target.name}")
    try:
        with temp.open("wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp, _READ_ONLY)
        _publish_new(temp, target)
    finally:
        temp.unlink(missing_ok=True)


_placing: tuple[int, ThreadPoolExecutor] | None = None
_placing_lock = threading.Lock()


def _placing_pool() -> ThreadPoolExecutor:
    """The placing threads, started once per process (not once per batch; a forked child, which has
    none of its parent's threads, starts its own)."""
    global _placing
    with _placing_lock:
        if _placing is None or _placing[0] != os.getpid():
            _placing = (os.getpid(), ThreadPoolExecutor(PLACING_THREADS, thread_name_prefix="recordkit-placing"))
        return _placing[1]


def _forget_placing() -> None:
    """In a forked child: neither the parent's placing threads nor the state of their lock."""
    global _placing, _placing_lock
    _placing, _placing_lock = None, threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_placing)


def _sidecar_bytes(prepared: _Prepared, item: ArchiveItem) -> bytes:
    sidecar = item.sidecar(prepared.extra)
    raw = _raw_name(prepared.path)
    if raw != prepared.path.name:
        sidecar["original_name_bytes"] = raw
    return sidecar_json(sidecar).encode("utf-8")


_SCALARS: dict[Any, str] = {None: "null", True: "true", False: "false"}


def _json_value(value: Any) -> str:
    """One sidecar value as ``json.dumps(…, ensure_ascii=False, indent=2)`` writes it at the top level."""
    if isinstance(value, str):
        return encode_basestring(value)  # the C encoder of a string
    if type(value) is int:
        return int.__repr__(value)
    if value is None or isinstance(value, bool):
        return _SCALARS[value]
    if not value and isinstance(value, list | dict):
        return "[]" if isinstance(value, list) else "{}"
    return json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n  ")  # a list or dict: rare


def sidecar_json(data: dict[str, Any]) -> str:
    """``json.dumps(data, ensure_ascii=False, indent=2)``, the same text, in a fraction of the time (with an
    indent the standard library encodes in Python, value by value): each top-level string and number
    goes through the C string encoder, and only a list or dict value (rare in a sidecar) the slow way."""
    if not data:
        return "{}"
    body = ",\n".join(f"  {encode_basestring(str(key))}: {_json_value(value)}" for key, value in data.items())
    return "{\n" + body + "\n}"


def _fsync_all(descriptors: Sequence[int]) -> None:
    for descriptor in descriptors:
        os.fsync(descriptor)


def _write_all(descriptor: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(descriptor, view) :]


def _check_linked(prepared: _Prepared, target: str) -> None:
    """A scan moved into the archive by a hard link (its archive name ``target``): unchanged since it
    was hashed (its size and mtime, else ``_Changed``: left for a later try), made read-only.  Its
    data was fsynced when it was read (else now); the new name is made durable by the folder's
    fsync, once per batch."""
    now = os.stat(target)
    if (now.st_size, now.st_mtime_ns) != (prepared.before.st_size, prepared.before.st_mtime_ns):
        raise _Changed()  # written to since it was hashed
    os.chmod(target, _READ_ONLY)
    if not prepared.synced:
        fsync_path(Path(target))  # the scanner's data on disk before the commit that names it


def _copy_in(prepared: _Prepared, target: Path, placed: list[str | Path]) -> None:
    """A scan that cannot be linked (a clerk's own folder, another disk) copied to a temporary name
    beside ``target``, checked against its hash, fsynced and published (added to ``placed``)."""
    temp = target.with_name(f"{TEMP_PREFIX}{os.getpid()}-{target.name}")
    digest = hashlib.sha256()
    try:
        with prepared.path.open("rb") as reader, temp.open("wb") as writer:
            while chunk := reader.read(_CHUNK):
                digest.update(chunk)
                writer.write(chunk)
            writer.flush()
            os.fsync(writer.fileno())
        if digest.hexdigest() != prepared.sha:
            raise _Changed()
        os.chmod(temp, _READ_ONLY)
        _publish_new(temp, target)
        placed.append(target)
    finally:
        temp.unlink(missing_ok=True)


def _journal_view(item: ArchiveItem) -> dict[str, Any]:
    return {
        "category": item.category,
        "unit": item.unit,
        "title": item.title,
        "path": item.path,
        "sha256": item.sha256,
        "pages": item.pages,
        "needs_review": item.needs_review,
        "confidential": item.confidential,
    }


def _walk_files(folder: Path) -> Iterator[Path]:
    for current, _dirs, names in os.walk(folder):
        for name in names:
            yield Path(current) / name


def _catalogued_elsewhere(conn: Connection, archive_dir: Path) -> int:
    """How many items the catalogue holds when ``archive_dir`` (records/archive) holds no file at all (0 when it holds
    one, as it does but on a clerk's PC or an unmounted disk: the walk stops at the first file, the count is asked
    only when there is none)."""
    if _holds_a_file(archive_dir):
        return 0
    return int(conn.execute(sa.select(sa.func.count()).select_from(archive_items)).scalar_one())


def _holds_a_file(folder: Path) -> bool:
    """Whether anything but a folder lies below ``folder`` (as ``_walk_files`` would find it): stops at the first,
    without listing a year's folder of thousands whole as ``os.walk`` does (asked at every batch the service files)."""
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if not entry.is_dir():  # a link to a folder is a folder, not followed (as os.walk tells them)
                    return True
                if not entry.is_symlink() and _holds_a_file(Path(entry.path)):
                    return True
    except OSError:  # gone or unreadable: nothing found there, as os.walk finds nothing
        return False
    return False


#: A sidecar recordkit writes is a few kilobytes; a bigger one is not read (it is data, and hostile until checked).
MAX_SIDECAR_BYTES = 256 * 1024
_TEXT_FIELDS = {"archive_no", "prefix", "category", "title", "sha256", "path", "original_name", "source"}
_TEXT_FIELDS |= {"retention", "filed_by", "filed_at"}
_OPTIONAL_TEXT_FIELDS = {"unit", "topic", "box", "shelf", "note"}
_INT_FIELDS = {"year", "seq", "size", "source_mtime_ns"}
_MAX_TEXT = 1024


def _read_sidecar(path: Path) -> ArchiveItem | None:
    """The item the sidecar of ``path`` describes, or None when it is missing, too big, not JSON, or a
    value has the wrong type or an absurd size.  What it says is data to compare, never an instruction."""
    try:
        with path.with_name(path.name + SIDECAR_SUFFIX).open("rb") as stream:
            raw = stream.read(MAX_SIDECAR_BYTES + 1)
        if len(raw) > MAX_SIDECAR_BYTES:
            return None
        # Read as the scanner's sidecars are: a sidecar saved again by Windows Notepad starts with a BOM or is
        # in GBK, and is still the item's description (a clerk's corrections are adopted, not overwritten).
        data = json.loads(decode_text(raw), parse_float=WrittenFloat)  # a fraction refused as written (1.5e3)
        if not isinstance(data, dict) or not _plain_sidecar(data):
            return None
        return ArchiveItem.from_sidecar(data)
    except (OSError, ValueError, TypeError, KeyError, RecursionError):
        return None


def _former_in_sidecar(path: Path) -> list[str]:
    """The former numbers the sidecar of ``path`` lists (data, as the rest of it: checked before use)."""
    return _kept_in_sidecar(path.with_name(path.name + SIDECAR_SUFFIX))[1]


def _plain_sidecar(data: dict[str, Any]) -> bool:
    """Whether the values of an item's sidecar have the types its fields hold.  A field a hand-edited sidecar may
    change (``_CHECKED_AS_FILED``) may hold any other JSON value (``"盒号": true``, ``"保密": "是"``, ``"日期":
    20261201``): checked by ``reconcile`` as filing checks a scanner's (``rules.sidecar_value``), that field alone
    refused, the others compared as usual."""

    def text(value: Any, optional: bool, name: str = "") -> bool:
        if name in _CHECKED_AS_FILED:  # any value, of any length: ``reconcile`` says what is wrong with it
            return True
        return (value is None and optional) or (isinstance(value, str) and len(value) <= _MAX_TEXT)

    def number(value: Any, optional: bool = False) -> bool:
        return (value is None and optional) or (isinstance(value, int) and not isinstance(value, bool) and value >= 0)

    reasons = data.get("review_reasons")
    return (
        all(text(data.get(name), False, name) for name in _TEXT_FIELDS)
        and all(text(data.get(name), True, name) for name in _OPTIONAL_TEXT_FIELDS)
        and all(number(data.get(name)) and data[name] < 1 << 63 for name in _INT_FIELDS)
        and number(data.get("pages"), True)
        and text(data.get("doc_date"), True, "doc_date")
        and isinstance(data.get("needs_review"), bool | None)
        and (reasons is None or (isinstance(reasons, list) and all(text(r, False) for r in reasons[:100])))
    )


def _in_archive(workspace: Workspace, relative: str) -> Path | None:
    """The archived file a ledger path names, or None when that path leads outside records/archive/."""
    if not relative or os.path.isabs(relative) or "\\" in relative:
        return None
    path = workspace.root / relative
    archive_dir = workspace.records_subdir("archive").resolve()
    return path if path.resolve().is_relative_to(archive_dir) else None


def archived_file(workspace: Workspace, item: ArchiveItem) -> Path:
    """The archived original of ``item``, from its ledger path only: ``NotFoundError`` when that path leads
    outside records/archive/ or the file is not there (run ``recordkit archive verify``)."""
    path = _in_archive(workspace, item.path)
    if path is None or not path.is_file():
        if (elsewhere := kept_elsewhere(workspace, item)) is not None:
            raise elsewhere
        raise NotFoundError(
            f"{item.archive_no} 的文件不在档案库中：请运行 recordkit archive verify 检查",
            form_message=f"{item.archive_no} 的文件不在档案库中：{CHECK_FILES}",
        )
    return path


def files_here(workspace: Workspace, items: Iterable[ArchiveItem]) -> set[str]:
    """The 档号 of those of ``items`` whose archived file is on this computer, as ``archived_file`` finds it (a
    path leading outside records/archive/ is not here), nothing read nor hashed: a search page's thumbnails (a
    clerk's PC holds none of the server's files)."""
    return {
        item.archive_no for item in items if (path := _in_archive(workspace, item.path)) is not None and path.is_file()
    }


def no_archive_here(workspace: Workspace) -> bool:
    """records/archive holds no file at all (the walk stops at the first file): asked once a catalogued file is found
    missing, this computer is not where the archive is kept, or its disk is not mounted."""
    return not _holds_a_file(workspace.records_dir / "archive")


def kept_elsewhere(workspace: Workspace, item: ArchiveItem) -> NotFoundError | None:
    """What the web page (and the command line) say of ``item``'s file missing here when records/archive holds no
    file at all — a clerk's PC sharing the PostgreSQL ledger, the archive on the office's server, or the archive's
    disk not mounted —: that the file is on the server and its page is opened there, not that the server's files need
    checking.  None when the archive has files here (then this item's own file is missing)."""
    if not no_archive_here(workspace):
        return None
    return NotFoundError(
        f"{item.archive_no} 的文件不在这台电脑上：records/archive 里一个档案文件也没有。"
        "请在存放档案的电脑（一般是办公室服务器）上查看；如果这台就是存放档案的电脑，请检查 records/archive 所在的磁盘是否接好",
        form_message=_on_the_server(item, "：请打开服务器上的档案网页查看"),
    )


def _on_the_server(item: ArchiveItem, what: str) -> str:
    """What the web page on a computer without the archive's files says of ``item`` (``what``: what to do, on the
    server's page): its original is kept on the server."""
    return (
        f"这台电脑上没有档案文件，{item.archive_no} 的原件存放在服务器上{what}。"
        "如果这就是服务器上的档案网页，请管理员检查存放档案的磁盘是否接好"
    )


# -- the catalogue --------------------------------------------------------------------------


def _no_such_item(number: str) -> NotFoundError:
    return NotFoundError(
        f"没有档号为 {number} 的档案：请用 recordkit archive list 查看已归档的档案",
        form_message=f"没有档号为 {number} 的档案：请在检索页查找",
    )


def get_item(ledger: Ledger, archive_no: str) -> ArchiveItem:
    """One item by its 档号; ``NotFoundError`` when there is none."""

    number = normalise_no(archive_no)
    with ledger.read() as conn:
        row = item_row(conn, number)
    if row is None:
        raise _no_such_item(number)
    return ArchiveItem.from_row(row)


def items_by_number(ledger: Ledger, numbers: Iterable[str]) -> dict[str, ArchiveItem]:
    """The items of these current 档号 (``in_batches`` of them: any number), by number; a number no item has is left
    out."""
    wanted = sorted({normalise_no(number) for number in numbers})
    if not wanted:
        return {}
    with ledger.read() as conn:
        rows = [
            row
            for batch in in_batches(wanted)
            for row in conn.execute(sa.select(archive_items).where(archive_items.c.archive_no.in_(batch)))
        ]
    return {row.archive_no: ArchiveItem.from_row(row) for row in rows}


def last_seq(conn: Connection, prefix: str, year: int) -> int:
    """The highest sequence number given out for ``prefix`` and ``year`` (0: none), former numbers included."""
    highest = 0
    for table in (archive_items, archive_aliases):
        found = conn.execute(
            sa.select(sa.func.max(table.c.seq)).where(table.c.prefix == prefix, table.c.year == year)
        ).scalar()
        highest = max(highest, int(found or 0))
    return highest


def former_numbers(ledger: Ledger, numbers: Iterable[str] | None = None) -> dict[str, tuple[str, ...]]:
    """档号 → the numbers the item had before (oldest first), of every item that had any, or of ``numbers``."""
    with ledger.read() as conn:
        return former_numbers_in(conn, numbers)


def former_numbers_in(conn: Connection, numbers: Iterable[str] | None = None) -> dict[str, tuple[str, ...]]:
    """``former_numbers`` as seen by the transaction ``conn`` (a correction's own, before its commit); ``numbers``
    read ``in_batches``: a filing batch of any size."""
    query = (
        sa.select(archive_items.c.archive_no, archive_aliases.c.archive_no)
        .join(archive_aliases, archive_aliases.c.item_id == archive_items.c.id)
        .order_by(archive_aliases.c.id)
    )
    if numbers is None:
        queries: Iterable[sa.Select[Any]] = [query]
    else:
        queries = (query.where(archive_items.c.archive_no.in_(batch)) for batch in in_batches(list(numbers)))
    found: dict[str, list[str]] = {}
    for current, former in (row for each in queries for row in conn.execute(each)):
        found.setdefault(current, []).append(former)
    return {current: tuple(old) for current, old in found.items()}


def list_items(
    ledger: Ledger,
    category: str | None = None,
    unit: str | None = None,
    review: bool = False,
    rules: FilingRules | None = None,
    box: str | None = None,
    shelf: str | None = None,
) -> list[ArchiveItem]:
    """Items in 档号 order, optionally of one category (name or alias), one unit, one 盒号 or 架位 (exactly, as
    stored: ``place_label``, so ``Ａ－１－２`` is the box A-1-2), or needing review.

    ``NotFoundError`` (``no_such_unit``) for a unit neither the ledger nor any item has, ``UsageError``
    (``no_such_category``) for a category none of the office's ``rules`` is, when nothing was listed: a typo, never
    an empty list.  ``recordkit archive list`` and the web page's 档案目录 list through it.
    """

    query = sa.select(archive_items).order_by(archive_items.c.prefix, archive_items.c.year, archive_items.c.seq)
    if category:
        found = rules.category(category) if rules else None
        query = query.where(archive_items.c.category == (found.name if found else category.strip()))
    code = str(parse_unit_code(unit)) if unit else None
    if code is not None:
        query = query.where(archive_items.c.unit == code)
    for column, label in ((archive_items.c.box, box), (archive_items.c.shelf, shelf)):
        if label is not None:
            query = query.where(column == place_label(label))
    if review:
        query = query.where(archive_items.c.needs_review.is_(True))
    with ledger.read() as conn:
        items = [ArchiveItem.from_row(row) for row in conn.execute(query)]
        if not items:
            refuse_unknown_unit(conn, code, filed=True)
    if not items and category and rules is not None and rules.category(category) is None:
        raise rules.no_such_category(category)  # (a typo listed 档案 0 件, as if none were filed)
    return items


@dataclass(frozen=True)
class QuarantinedFile:
    """A file in records/quarantine/ with what its note says: where it came from, why, when."""

    path: str  # inside the workspace, as it lies in the quarantine
    source: str  # the file as it was sent ("文件：")
    reason: str
    at: str  # when it was quarantined, as the note says
    present: bool  # the file is still there (a note whose file was deleted or put back is listed too)
    #: The 档号 this copy was filed as, when the listing found it filed already and removed it (``list_quarantined``):
    #: listed that once, as ``FILED_AND_REMOVED``.
    filed_as: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


_NOTE_KEYS = {"文件": "source", "原因": "reason", "时间": "at"}

#: What the quarantine's listing says of a copy it found filed already, as it removes it.
FILED_AND_REMOVED = "已归档，已从隔离区移除"


def list_quarantined(workspace: Workspace, ledger: Ledger, *, remove_filed: bool = True) -> list[QuarantinedFile]:
    """The quarantined files, oldest first, each with the reason its note gives.  A copy the ledger holds as filed
    from there — a filing from the quarantine (``recordkit file records/quarantine/…``) cut short between its commit
    and the copy's removal — is removed as that filing would have (its note and sidecars with it) and listed this once
    with ``filed_as``; nothing else is moved.  Without ``remove_filed`` (a person who may only look: the web page's
    查阅 account) such a copy is left where it is and not listed: it is no file waiting to be filed."""
    folder = workspace.records_dir / "quarantine"
    if not folder.is_dir():
        return []
    found = []
    for note in sorted(folder.glob("*" + NOTE_SUFFIX)):
        try:
            lines = note.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            continue
        values = {"source": "", "reason": "", "at": ""}
        for line in lines:
            key, colon, value = line.partition("：")
            if colon and key.strip() in _NOTE_KEYS:
                values[_NOTE_KEYS[key.strip()]] = value.strip()
        target = note.with_name(note.name[: -len(NOTE_SUFFIX)])
        found.append(QuarantinedFile(_relative(workspace, target), present=target.exists(), **values))
    renumbered = _numbers_now(ledger, [entry.reason for entry in found])
    found = [replace(entry, reason=_with_numbers_now(entry.reason, renumbered)) for entry in found]
    filed = _filed_copies(workspace, ledger, [entry.path for entry in found if entry.present], remove=remove_filed)
    if not remove_filed:
        return [entry for entry in found if entry.path not in filed]
    return [
        replace(entry, present=False, filed_as=filed[entry.path]) if entry.path in filed else entry for entry in found
    ]


# What may be a 档号 inside a note's words (``WF-2026-00003``, as the office's pattern writes it): looked up, never parsed.
_NUMBER_WRITTEN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{1,16}[-A-Za-z0-9]*[0-9](?![0-9])")


def _numbers_now(ledger: Ledger, texts: Iterable[str]) -> dict[str, str]:
    """Of the 档号 written in ``texts`` (quarantine notes), each one an item had before it was renumbered (a category
    corrected) → the item's number now."""
    return renumbered_as(ledger, sorted({found[0] for text in texts for found in _NUMBER_WRITTEN.finditer(text)}))


def renumbered_as(ledger: Ledger, numbers: Sequence[str]) -> dict[str, str]:
    """Of ``numbers`` (as written: not folded), each one an item had before it was renumbered → the item's number now
    (``in_batches`` of them: any number)."""
    if not numbers:
        return {}
    query = sa.select(archive_aliases.c.archive_no, archive_items.c.archive_no).join(
        archive_items, archive_items.c.id == archive_aliases.c.item_id
    )
    with ledger.read() as conn:
        return {
            former: now
            for batch in in_batches(numbers)
            for former, now in conn.execute(query.where(archive_aliases.c.archive_no.in_(batch)))
        }


def _with_numbers_now(reason: str, renumbered: Mapping[str, str]) -> str:
    """A note's ``reason`` with each item's number as it is now (a late sidecar's note, written when its scan was
    WF-2026-00003, names HT-2026-00003 once it is renumbered), the old one said after it; the note itself unchanged."""
    said = [
        number
        for number in dict.fromkeys(found[0] for found in _NUMBER_WRITTEN.finditer(reason))
        if number in renumbered
    ]
    if not said:
        return reason
    now = _NUMBER_WRITTEN.sub(lambda found: renumbered.get(found[0], found[0]), reason)
    return now + "".join(f"（档号 {number} 已改为 {renumbered[number]}）" for number in said)


def _filed_copies(workspace: Workspace, ledger: Ledger, paths: Sequence[str], *, remove: bool) -> dict[str, str]:
    """Of the quarantine's files at ``paths`` (inside the workspace), those the ledger holds as filed from there — by
    the rule filing itself tells an already filed file by (its source, modification time and SHA-256), and with their
    archived file in place —, removed when ``remove`` says so; each one's 档号.  A copy of a filed item sent from
    elsewhere (a duplicate, quarantined as such) is no item's source and stays."""
    sources = {shown_plainly(readable_name(path)): path for path in paths}
    if not sources:
        return {}
    with ledger.read() as conn:
        rows = [
            row
            for batch in in_batches(list(sources))
            for row in conn.execute(sa.select(archive_items).where(archive_items.c.source.in_(batch)))
        ]
    filed_as = {}
    for row in rows:
        item = ArchiveItem.from_row(row)
        path = sources[item.source]
        copy = workspace.root / path
        archived = _in_archive(workspace, item.path)
        try:
            seen = copy.stat()
            if seen.st_mtime_ns != item.source_mtime_ns or archived is None or not archived.is_file():
                continue  # (an archived file gone is ``archive verify``'s to tell: the copy may be all there is)
            if sha256_of(copy) != item.sha256 or (remove and not _remove_filed(copy, seen)):
                continue
        except OSError as err:  # unreadable, or the disk would not let it go: listed as it is
            log.warning("could not remove %s, filed as %s: %s", printable(path), item.archive_no, err)
            continue
        if remove:
            log.info("removed %s from the quarantine: filed as %s", printable(path), item.archive_no)
        filed_as[path] = item.archive_no
    return filed_as


#: What a clerk who retypes the unit an item is filed under, which the ledger lacks (read from a scan's name), is told
#: besides the refusal: the unit is first added to the roster, then the item confirmed.
_FILED_UNDER_A_MISSING_UNIT = "这件档案登记的已是这一户：房号没错的，请先在业主名册中加上这一户并导入，再复核"
#: What that refusal adds when only 复核 was refused (``--reviewed``, the page's 已复核 box, ticked on an item to
#: review): the other corrections are saved without it, said by the command line and by the page in their own words.
_SAVE_WITHOUT_REVIEW = (
    "；现在只改题名等其他内容的，不加 --reviewed",
    "；现在只改题名等其他内容的，请取消勾选“已复核”再保存",
)


class NoChange(UsageError):
    """The corrections asked for are what the item holds already: nothing was written (not the journal either).
    Not a failure: the command line says it and exits 0."""


def archive_missing_said(catalogued: int) -> str:
    """What a computer where not one of the ``catalogued`` items' files is is told (``archive_elsewhere``, doctor)."""
    return f"这台电脑上找不到档案文件：台账里的 {catalogued} 件档案，records/archive 里一件也没有"


#: What the computer that keeps the archive does when records/archive holds none of the catalogue's files.
CHECK_THE_ARCHIVE_DISK = "请检查 records/archive 所在的磁盘是否接好"


def archive_elsewhere(catalogued: int, command: str, here: str) -> ArchiveAway:
    """The refusal of ``command`` on a computer where not one of the ``catalogued`` items' files is: a clerk's PC
    sharing the PostgreSQL ledger (the archive is on the office's server), or an archive disk not mounted;
    ``here`` says what running it there would do."""
    return ArchiveAway(
        f"{archive_missing_said(catalogued)}。"
        f"请在存放档案的电脑（一般是办公室服务器）上运行 {command}（{here}；这台电脑照常检索）。"
        f"如果这台就是存放档案的电脑，{CHECK_THE_ARCHIVE_DISK}"
    )


def _file_not_here(workspace: Workspace, item: ArchiveItem) -> WorkspaceError:
    """The refusal of a correction where the item's file is not: a clerk's PC sharing a PostgreSQL ledger (the
    archive is on the office's server), or a file gone from the archive.  Made there, the correction went into
    the ledger and a stray sidecar on the PC, the server's sidecar kept the old values (``archive verify --repair``
    would have put them back), and a new category stopped with an internal error."""
    return WorkspaceError(
        f"{item.archive_no} 的档案文件 {item.path} 不在这台电脑上，什么也没有改动：改正要同时改文件旁的说明文件，"
        "请在存放档案的电脑（一般是办公室服务器）上改，或打开服务器上的档案网页改。"
        "如果这台就是存放档案的电脑，请先运行 recordkit archive verify 查找这个文件",
        form_message=(
            _on_the_server(item, "，没有改动：请打开服务器上的档案网页改正")
            if no_archive_here(workspace)
            else f"{item.archive_no} 的档案文件在服务器上找不到，没有改动：请管理员检查档案文件"
        ),
    )


def check_title_says_something(title: str) -> None:
    """``ValidationError`` when a title a clerk typed has no letter, digit nor Chinese character: ",," would stand
    as the item's title in every listing and hit, and in its file's name."""
    if not says_something(safe_title(title)):
        raise ValidationError(
            "题名不能只有标点：请用 --title 写明题名，例如 --title 3号楼给排水竣工图纸",
            form_message="题名不能只有标点：请写明题名，例如 3号楼给排水竣工图纸",
        )


def update_item(
    workspace: Workspace,
    ledger: Ledger,
    archive_no: str,
    operator: str,
    *,
    unit: str | None = None,
    title: str | None = None,
    box: str | None = None,
    shelf: str | None = None,
    confidential: bool | None = None,
    reviewed: bool = False,
    category: str | None = None,
    doc_date: dt.date | None = None,
    before_commit: BeforeCommit | None = None,
) -> ArchiveItem:
    """Correct an item after review, or record where its paper original was put (盒号, 架位).

    The sidecar is rewritten first, then the row (the catalogue follows the sidecar); journalled.
    The file is named for its number and title (``archived_name``): a new title (typed, or made anew of a new unit)
    renames it in its folder, and a new category gives the item the next number of that category and moves its file
    to that category's folder under the new number — either published beside the old name without ever replacing
    a file, the row committed, then the old name removed (a kill in between left to ``recover``); the old
    number is kept as a former number (``archive_aliases``), which still finds the item.  A new date
    changes the ledger and the sidecar, not the number.

    ``NotFoundError`` for an unknown 档号 or a unit the ledger does not have (``no_such_unit``: typed, never stored for
    review), ``ValidationError`` for a bad unit (read with the estate's phases: one
    not among them is refused), a date after today, or a control or
    invisible format character (a NUL, a right-to-left override) in the title, 盒号 or 架位, or a 盒号 or 架位 of
    punctuation alone (``says_something``), ``UsageError`` for an
    unknown category or nothing to change, ``NoChange`` when the corrections are what the item holds already (a
    unit in another spelling); nothing is changed then.  ``before_commit`` is called with the
    transaction and the corrected item (its former numbers already recorded) just before the commit, as
    in filing.
    """

    changes: dict[str, Any] = {}
    for label, text in (("题名", title), ("盒号", box), ("架位", shelf)):
        # PostgreSQL refuses a NUL in text (SQLite keeps it, and ``db move`` fails on the row later); a
        # right-to-left override turns the title around on screen and paper
        if text and hidden_characters(text.strip()):
            raise ValidationError(f"{label}里有控制字符（如 NUL、换行）或不可见的格式字符，没有修改：请重新输入")
    # the estate's phases, as filing reads a unit: 二区1-1-101 is 二期's where 二区 is its other name
    rules = FilingRules.from_settings(workspace.settings.archive, workspace.settings.office.phase_table())
    if unit is not None:
        changes["unit"] = str(parse_unit_code(unit, phases=rules.phases or None))
    if title is not None:
        if not safe_title(title):
            raise UsageError("题名不能为空")
        check_title_says_something(title)
        if (too_long := title_too_long(title)) is not None:  # never cut unsaid: the clerk shortens it
            raise UsageError(too_long)
        changes["title"] = safe_title(title)
    for name, value in (("box", box), ("shelf", shelf)):
        if value is not None:
            if (too_long := place_label_too_long(name, value)) is not None:  # as stored: ㍿ is 株式会社
                raise UsageError(too_long)
            check_place_label(name, value)
            changes[name] = place_label(value)
    if confidential is not None:
        changes["confidential"] = confidential
    if doc_date is not None:
        # as filing takes none (``rules.resolve``): a day after today is a year mistyped, and a new category
        # would number the item in that year for good
        changes["doc_date"] = check_not_future(doc_date, "文件日期", "请按文件上写的日期改正，核对年份")
    moved_to = _category_named(rules, category) if category is not None else None
    if not changes and not reviewed and moved_to is None:
        raise UsageError(
            "没有要修改的内容：请写 --unit、--title、--category、--date、--box、--shelf、--confidential 或 --reviewed"
        )
    number = normalise_no(archive_no)
    placed: list[Path] = []  # what a renumbering published: removed again when the change is not committed
    old_file: Path | None = None
    try:
        with ledger.write() as conn:
            row = item_row(conn, number)
            if row is None:
                raise _no_such_item(number)
            before = ArchiveItem.from_row(row)
            renumber = moved_to is not None and moved_to.name != before.category
            # a title recordkit made of the item's category and unit (its file's name held no words, or kept its
            # phase for want of a unit) says the new ones
            remade = None
            if "title" not in changes and ("unit" in changes or renumber):
                now_in = moved_to if renumber and moved_to is not None else rules.category(before.category)
                remade = remade_title(
                    before.title,
                    (rules.category(before.category) or rules.unknown, before.unit),
                    (now_in or rules.unknown, changes.get("unit", before.unit)),
                    rules.phases,
                )
            if remade is not None and _title_made(conn, row.id, before):
                changes["title"] = remade
            else:
                remade = None
            reasons = [
                reason
                for reason in before.review_reasons
                if not (
                    "unit" in changes and ("房号" in reason or "没有房屋" in reason or reasons_about_unit([reason]))
                )
                and not (renumber and _about_category(reason, before.category))
            ]
            after = replace(before, **changes)
            # a unit typed, or the one it stays on when reviewed (the command line's --reviewed alone, the page's
            # 已复核 ticked with the unit left as it is): a unit the ledger lacks refused, as every command refuses
            # it, never cleared from the review on a unit no one finds
            if "unit" in changes or reviewed:
                # the unit the service filed it under, retyped or confirmed: said so, with what confirms it
                also = _FILED_UNDER_A_MISSING_UNIT if after.unit == before.unit else ""
                try:
                    refuse_unknown_unit(conn, after.unit, also=also)
                except NotFoundError as err:
                    if "unit" in changes:
                        raise
                    # only the review kept it: how to save the rest, in the words of where it is shown
                    command, page = _SAVE_WITHOUT_REVIEW
                    raise NotFoundError(err.message + command, form_message=err.form_message + page) from None
            if renumber and moved_to is not None and moved_to.name == rules.unit_category and after.unit is None:
                reasons.append(f"{moved_to.name}没有识别出房号")
            if reviewed:
                reasons = []
            after = replace(after, review_reasons=tuple(reasons), needs_review=bool(reasons))
            if after == before and not renumber:
                # a unit typed in another spelling (3栋2单元1201室 for 3-2-1201), a title with other blanks, the
                # box it is in already: no entry in the journal for a change that changed nothing
                raise NoChange(f"没有改动：{before.archive_no}（{before.title}）已是这样", form_message="没有改动")
            inside = _in_archive(workspace, before.path)
            if inside is None:  # a row damaged before repair learned to refuse such paths
                said = f"{before.archive_no} 在台账里的位置 {{}} 不在档案目录中："
                raise OutsideArchive(
                    said.format(before.path) + "请先运行 recordkit archive verify --repair",
                    form_message=said.format(_path_on_page(workspace, before.path))
                    + "请管理员在服务器上检查并修复档案文件后再改",
                )
            path = inside
            if not path.is_file():
                raise _file_not_here(workspace, before)
            sidecar_path = path.with_name(path.name + SIDECAR_SUFFIX)
            extra, _ = _kept_in_sidecar(sidecar_path)
            former = [
                old
                for (old,) in conn.execute(
                    sa.select(archive_aliases.c.archive_no)
                    .where(archive_aliases.c.item_id == row.id)
                    .order_by(archive_aliases.c.id)
                )
            ]
            action = "archive.update"
            if renumber and moved_to is not None:
                action = "archive.renumber"
                after = _renumbered(Archivist(workspace, ledger, operator), conn, before, after, moved_to, rules)
                _add_former_number(conn, row.id, before.archive_no, (before.prefix, before.year, before.seq), operator)
                former.append(before.archive_no)
            elif after.title != before.title:  # typed, or made anew of a new unit: the name says the title
                named = archived_name(after.archive_no, after.title, safe_extension(before.path))
                after = replace(after, path=PurePosixPath(before.path).with_name(named).as_posix())
            if after.path != before.path:  # published under the new name beside the old, the old removed once committed
                old_file = path
                target = workspace.root / after.path
                target.parent.mkdir(parents=True, exist_ok=True)
                new_sidecar = target.with_name(target.name + SIDECAR_SUFFIX)
                data = json.dumps(after.sidecar(extra, former), ensure_ascii=False, indent=2).encode("utf-8")
                try:
                    _write_new(new_sidecar, data)
                    placed.append(new_sidecar)
                    _publish_new(path, target)  # a second name for the very same file: nothing is copied
                except ArchiveMismatch:
                    raise _new_name_taken(new_sidecar if not placed else target, before.archive_no) from None
                placed.append(target)
                fsync_directory(target.parent)
            else:
                write_bytes(
                    sidecar_path, json.dumps(after.sidecar(extra, former), ensure_ascii=False, indent=2).encode("utf-8")
                )
                os.chmod(sidecar_path, _READ_ONLY)
            conn.execute(archive_items.update().where(archive_items.c.id == row.id).values(**after.row()))
            view = {"box": after.box, "shelf": after.shelf, "doc_date": after.doc_date}
            journal.record(
                conn,
                operator,
                [
                    journal.Change(
                        action,
                        "archive_item",
                        after.archive_no,
                        _journal_view(before) | {"archive_no": before.archive_no, "doc_date": before.doc_date},
                        _journal_view(after)
                        | view
                        | ({"archive_no": after.archive_no, "former_archive_no": before.archive_no} if renumber else {})
                        | ({_TITLE_MADE: True} if remade is not None and after.title != before.title else {}),
                    )
                ],
            )
            if before_commit is not None:
                before_commit(conn, [after])
    except BaseException:
        _remove_published(placed)
        raise
    if old_file is not None:  # committed: the old name goes (a kill before this leaves it to recovery)
        _remove_placed([old_file])
        fsync_directory(old_file.parent)
    return after


#: Marks an update's journal entry whose new title recordkit made (``_title_made``), not the clerk.
_TITLE_MADE = "title_made"


def _title_made(conn: Connection, item_id: int, item: ArchiveItem) -> bool:
    """``item``'s title (one reading as recordkit makes them, ``rules.remade_title``) is the one it made, never words
    a person gave it: no correction in the journal, under any of its numbers, set the title (one recordkit re-derived
    on a new unit or category is marked ``_TITLE_MADE``).  A title a sidecar or a flag gave at filing in those very
    words cannot be told from one made, and is taken as made."""
    keys = [
        item.archive_no,
        *conn.execute(sa.select(archive_aliases.c.archive_no).where(archive_aliases.c.item_id == item_id)).scalars(),
    ]
    return not any(
        entry.before is not None
        and entry.after is not None
        and entry.before.get("title") != entry.after.get("title")
        and not entry.after.get(_TITLE_MADE)
        for entry in journal.recent(conn, journal.count(conn, keys), keys)
    )


def _category_named(rules: FilingRules, name: str) -> Category:
    """The configured category ``name`` (or an alias) stands for; ``UsageError`` for any other, 未分类 included."""
    found = rules.category(name)
    if found is None:
        raise UsageError(f"档案类别“{name.strip()}”不存在，应为 {'、'.join(rules.names)} 之一")
    if not found.known:
        raise UsageError(
            f"“{found.name}”只用于无法判断类别的档案，不能把档案改为这一类：应为 {'、'.join(rules.names)} 之一"
        )
    return found


def _about_category(reason: str, category: str) -> bool:
    """A review reason the category's correction settles (it was not known, or not the unit category's unit)."""
    return reason == "无法判断档案类别" or reason.startswith("类别“") or reason == f"{category}没有识别出房号"


def _renumbered(
    archivist: Archivist,
    conn: Connection,
    before: ArchiveItem,
    after: ArchiveItem,
    category: Category,
    rules: FilingRules,
) -> ArchiveItem:
    """``after`` under the next number of ``category``, in that category's folder for the year the document
    was made (else filed), named as filing names a file (``档号_题名.扩展名``, with the title as corrected).
    The retention follows the new category when it was the old category's default."""
    made = after.doc_date.year if after.doc_date else dt.datetime.fromisoformat(before.filed_at).year
    archive_no, year, seq = archivist._next_number(conn, category, made)
    name = archived_name(archive_no, after.title, safe_extension(Path(before.path).name))
    relative = Path("records", "archive", category.name, str(made), name).as_posix()
    previous = rules.category(before.category)
    retention = (
        category.retention if previous is not None and before.retention == previous.retention else before.retention
    )
    return replace(
        after,
        archive_no=archive_no,
        prefix=category.prefix,
        year=year,
        seq=seq,
        category=category.name,
        path=relative,
        retention=retention,
    )


def archived_name(archive_no: str, title: str, extension: str) -> str:
    """The name an archived file has: ``档号_题名`` and its extension (its scan's when filed, then kept)."""
    return f"{safe_title(archive_no)}_{title}{extension}"


def _kept_in_sidecar(sidecar_path: Path) -> tuple[dict[str, Any] | None, list[str]]:
    """What a rewritten sidecar keeps of the old one: the scanner's own sidecar and the former numbers."""
    try:
        if sidecar_path.stat().st_size <= MAX_SIDECAR_BYTES:
            data = json.loads(decode_text(sidecar_path.read_bytes()))
            extra, former = data.get("scanner_sidecar"), data.get("former_numbers")
            return (
                extra if isinstance(extra, dict) else None,
                [n for n in former if isinstance(n, str)][:100] if isinstance(former, list) else [],
            )
    except (OSError, ValueError, AttributeError, RecursionError):
        pass
    return None, []


# -- loans ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Loan:
    archive_no: str
    title: str
    confidential: bool
    borrower: str
    dept: str | None
    reason: str | None
    due: dt.date
    lent_on: dt.date
    lent_by: str
    returned_at: str | None = None
    returned_by: str | None = None
    #: The loan's row in the ledger: a form that returns "this" loan names it (``return_item``).
    loan_id: int | None = field(default=None, compare=False)

    def overdue(self, today: dt.date) -> bool:
        return self.returned_at is None and self.due < today

    def days_late(self, today: dt.date) -> int:
        """The days ``today`` is past the 应还日期 (0 on or before it): the 逾期 N 天 a list or a return says."""
        return max(0, (today - self.due).days)

    def masked(self) -> Loan:
        """The loan as listed without ``--show-private``: a phone or ID number in the item's title or written in the
        borrower, dept or reason masked where it stands (``ArchiveItem.masked``)."""
        texts: dict[str, Any] = {
            name: mask_in_text(value)
            for name in ("title", "borrower", "dept", "reason")
            if (value := getattr(self, name))
        }
        return replace(self, **texts)

    def to_dict(self, today: dt.date | None = None) -> dict[str, Any]:
        values = asdict(self)
        del values["loan_id"]
        values["due"], values["lent_on"] = self.due.isoformat(), self.lent_on.isoformat()
        values["overdue"] = self.overdue(today or dt.date.today())
        values["days_overdue"] = self.days_late(today or dt.date.today()) if values["overdue"] else 0
        return values


def lent_note(loan: Loan) -> str:
    """What a lend says once done (``archive lend``, the web page's lend): ``已借出 档号（题名）给“借阅人”（部门），
    应还日期 …`` — masked (``Loan.masked``: the title, the borrower, the dept), the borrower quoted
    (``named_in_sentence``), the dept where the loan has one."""
    shown = loan.masked()
    dept = f"（{shown.dept}）" if shown.dept else ""
    who = named_in_sentence(shown.borrower) + dept
    return f"已借出 {shown.archive_no}（{shown.title}）给{who}，应还日期 {shown.due.isoformat()}"


def paper_state(out: Loan | None) -> str:
    """Where an item's paper original is, as ``archive show`` and the item page say it: ``已借出：借阅人，应还 …``
    for the loan not returned (``out``), else ``在库``."""
    return f"已借出：{out.borrower}，应还 {out.due.isoformat()}" if out else "在库"


def returned_note(loan: Loan, today: dt.date) -> str:
    """What a return says once done (``archive return``, the web page's return): ``已归还 档号（题名），借阅人 …``,
    masked as ``lent_note``, and ``，逾期 N 天`` where ``today`` is past the 应还日期."""
    shown = loan.masked()
    late = f"，逾期 {days} 天" if (days := loan.days_late(today)) else ""
    return f"已归还 {shown.archive_no}（{shown.title}），借阅人 {shown.borrower}{late}"


def _loan_query() -> Any:
    return sa.select(
        archive_items.c.archive_no,
        archive_items.c.title,
        archive_items.c.confidential,
        archive_loans.c.borrower,
        archive_loans.c.dept,
        archive_loans.c.reason,
        archive_loans.c.due,
        archive_loans.c.lent_on,
        archive_loans.c.lent_by,
        archive_loans.c.returned_at,
        archive_loans.c.returned_by,
        archive_loans.c.id,
    ).select_from(archive_loans.join(archive_items, archive_items.c.id == archive_loans.c.item_id))


def _loan(row: Any) -> Loan:
    return Loan(
        row.archive_no,
        row.title,
        bool(row.confidential),
        row.borrower,
        row.dept,
        row.reason,
        row.due,
        row.lent_on,
        row.lent_by,
        row.returned_at,
        row.returned_by,
        row.id,
    )


def latest_due(lent_on: dt.date) -> dt.date:
    """The latest 应还日期 of a loan made on ``lent_on``: the same day a year later (28 February for a 29th).
    A paper original out longer is a year typed wrong (2099 for 2026), never noticed as overdue."""
    return years_after(lent_on)


def lend(
    ledger: Ledger,
    archive_no: str,
    borrower: str,
    due: dt.date,
    operator: str,
    dept: str | None = None,
    reason: str | None = None,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
) -> Loan:
    """Lend the paper original of an item on ``today`` (default ``now``'s day), recorded as lent at ``now`` (an aware
    moment, default the computer's: the demo's loans are lent on their own days).  ``NotFoundError`` for an unknown
    档号, ``ConflictError`` when it is out already, ``UsageError`` for a confidential item without a reason,
    ``ValidationError`` for a due date in the past, a borrower that is no one person's name (``one_person_as_kept``, as
    a receipt's payer: a control or invisible format character, more than 64 characters, two names with a blank
    between; the name kept cleaned of its extra blanks), a control
    character (a NUL, a line break …) in the dept or reason, an invisible format character in the dept, a dept
    without a letter or a reason of punctuation alone (``reason_problem``), or a due date more than a year after
    ``today`` (``latest_due``)."""

    today = today or (now.date() if now is not None else dt.date.today())
    borrower, dept, reason = borrower.strip(), (dept or "").strip() or None, (reason or "").strip() or None
    if not borrower:
        raise UsageError("请用 --to 写明借阅人姓名", form_message="请在“借阅人”一栏写明借阅人姓名")
    borrower = one_person_as_kept(borrower, "借阅人", "一次只借给一位借阅人")  # as the counter's payer: Li  Si is Li Si
    for label, text in (("部门", dept), ("原因", reason)):
        # PostgreSQL refuses a NUL in text (SQLite keeps it, and ``db move`` fails on the row later)
        if text and any(unicodedata.category(char) in ("Cc", "Zl", "Zp") for char in text):
            raise ValidationError(f"{label}里有控制字符（如 NUL、换行），没有借出：请重新输入")
    if dept is not None and hidden_characters(dept):  # a right-to-left override turns the lists of loans around
        raise ValidationError("部门里有不可见的格式字符（如从右到左覆盖），没有借出：请重新输入")
    if dept is not None and not has_letter(dept):  # ",," would stand beside the borrower in every list of loans
        said = f"部门“{dept}”没有汉字或字母，不是部门名称："
        raise ValidationError(
            said + "请用 --dept 写借阅人的部门，例如 --dept 工程部；不知道的不写",
            form_message=said + "请在“部门”一栏写借阅人的部门，例如 工程部；不知道的不写",
        )
    if reason is not None and (problem := reason_problem(reason, "借阅原因", "--reason")) is not None:
        # ",," would stand as the reason a confidential file went out.
        raise ValidationError(problem, form_message=reason_problem(reason, "借阅原因", None))
    if len(dept or "") > 64:
        raise UsageError("部门最多 64 个字")
    check_not_past(due, "应还日期", today)
    check_within_a_year(
        due,
        today,
        "应还日期最迟为借出后一年（{since} 借出，最迟 {latest}）：{day} 请检查年份；借阅期满仍要用的，归还后再借",
    )
    number = normalise_no(archive_no)
    with ledger.write() as conn:
        item = item_row(conn, number)
        if item is None:
            raise _no_such_item(number)
        number = item.archive_no  # a former number finds the item; the loan is its current number's
        if item.confidential and not reason:
            raise UsageError(
                f"{number} 是保密档案，借阅必须写明原因：--reason 借阅原因",
                form_message=f"{number} 是保密档案，借阅必须写明原因：请在“原因”一栏写明",
            )
        out = conn.execute(
            _loan_query().where(archive_loans.c.item_id == item.id, archive_loans.c.returned_at.is_(None))
        ).first()
        if out is not None:
            already = (
                f"{number} 的纸质原件已借出（借阅人 {out.borrower}，应还日期 {out.due.isoformat()}），归还后才能再借"
            )
            raise ConflictError(
                f"{already}：recordkit archive return {number}", form_message=f"{already}：请先点本页的“归还”"
            )
        values = {
            "item_id": item.id,
            "borrower": borrower,
            "dept": dept,
            "reason": reason,
            "due": due,
            "lent_on": today,
            "lent_by": operator,
            "lent_at": _now(now),
        }
        conn.execute(archive_loans.insert().values(**values))
        journal.record(
            conn,
            operator,
            [
                journal.Change(
                    "archive.lend",
                    "archive_loan",
                    number,
                    None,
                    {
                        "borrower": borrower,
                        "dept": dept,
                        "reason": reason,
                        "due": due.isoformat(),
                        "confidential": bool(item.confidential),
                    },
                )
            ],
        )
    return Loan(number, item.title, bool(item.confidential), borrower, dept, reason, due, today, operator)


def return_item(
    ledger: Ledger, archive_no: str, operator: str, loan_id: int | None = None, now: dt.datetime | None = None
) -> Loan:
    """Take a lent original back, recorded as returned at ``now`` (an aware moment, default the computer's).  ``NotFoundError`` for an unknown 档号, ``ConflictError`` when it is not out,
    or when ``loan_id`` (the loan a page showed as out) is given and the original is out on another loan: it was
    returned and lent again since that page was opened, and the loan out now is not the one meant."""

    number = normalise_no(archive_no)
    with ledger.write() as conn:
        item = item_row(conn, number)
        if item is None:
            raise _no_such_item(number)
        number = item.archive_no
        out = conn.execute(
            _loan_query().where(archive_loans.c.item_id == item.id, archive_loans.c.returned_at.is_(None))
        ).first()
        if out is None:
            raise ConflictError(f"{number} 的纸质原件没有借出，不需要归还")
        if loan_id is not None and out.id != loan_id:
            raise ConflictError(
                f"{number} 的纸质原件已归还后又借给了{named_in_sentence(out.borrower)}（{out.lent_on.isoformat()} 借出），"
                "没有归还：请刷新页面，看清借阅人后再操作"
            )
        at = _now(now)
        conn.execute(
            archive_loans.update().where(archive_loans.c.id == out.id).values(returned_at=at, returned_by=operator)
        )
        journal.record(
            conn,
            operator,
            [
                journal.Change(
                    "archive.return",
                    "archive_loan",
                    number,
                    {"borrower": out.borrower, "due": out.due.isoformat()},
                    {"returned_at": at},
                )
            ],
        )
    return replace(_loan(out), returned_at=at, returned_by=operator)


def list_loans(
    ledger: Ledger,
    overdue: bool = False,
    include_returned: bool = False,
    today: dt.date | None = None,
    archive_no: str | None = None,
) -> list[Loan]:
    """Loans, open ones only unless ``include_returned``; ``overdue`` keeps those past their due date."""

    today = today or dt.date.today()
    query = _loan_query().order_by(archive_loans.c.due, archive_loans.c.id)
    if not include_returned:
        query = query.where(archive_loans.c.returned_at.is_(None))
    if archive_no:
        query = query.where(archive_items.c.archive_no == normalise_no(archive_no))
    with ledger.read() as conn:
        loans = [_loan(row) for row in conn.execute(query)]
    return [loan for loan in loans if not overdue or loan.overdue(today)]


# -- verify ---------------------------------------------------------------------------------


@dataclass
class VerifyReport:
    checked: int = 0
    problems: list[str] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)
    #: The items whose file is not on this computer, each with where its line stands in ``problems``.
    missing: list[tuple[int, ArchiveItem]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def mostly_elsewhere(self) -> bool:
        """More than half of the catalogued files are not on this computer: most likely a clerk's PC holding a few
        copies, the archive kept on another computer — not a server that lost them (a rescan is not the advice)."""
        return 2 * len(self.missing) > self.checked


def verify(
    workspace: Workspace,
    ledger: Ledger,
    operator: str,
    repair: bool = False,
    progress: Callable[[int, int | None], None] | None = None,
) -> VerifyReport:
    """Check that every archived file matches the SHA-256 of its sidecar and ledger row, that no
    file lacks a row and no row lacks a file.  With ``repair``: finish or roll back half-done
    filings, rebuild catalogue rows from the sidecars, and rewrite missing sidecars from the rows.
    Problems that cannot be repaired (a changed or missing file) stay in ``problems``.
    """

    archivist = Archivist(workspace, ledger, operator)
    report = VerifyReport()
    # (before a repair, too: on a clerk's PC every row would lack its file)
    refuse_elsewhere(workspace, ledger, "recordkit archive verify --repair" if repair else "recordkit archive verify")
    if repair:
        report.repaired += archivist.recover(repair=True)
    with ledger.read() as conn:
        items = [
            ArchiveItem.from_row(row) for row in conn.execute(sa.select(archive_items).order_by(archive_items.c.id))
        ]
    known = {item.path for item in items}
    for done, item in enumerate(items, start=1):
        report.checked += 1
        _verify_item(workspace, ledger, operator, item, repair, report, archivist.rules.phases)
        if progress:
            progress(done, len(items))
    if report.mostly_elsewhere:
        for at, item in report.missing:
            report.problems[at] = f"{item.archive_no}：台账有记录，但文件 {item.path} 在这台电脑上找不到"
    for path in sorted(_walk_files(archivist.archive_dir)):
        relative = _relative(workspace, path)
        if path.name.endswith(SIDECAR_SUFFIX):
            main = relative[: -len(SIDECAR_SUFFIX)]
            if main not in known:
                report.problems.append(f"说明文件 {readable_name(relative)} 没有对应的台账记录")
            continue
        if relative not in known:
            what = "未完成的归档临时文件" if path.name.startswith(TEMP_PREFIX) else "没有台账记录"
            report.problems.append(f"{readable_name(relative)}：{what}（运行 recordkit archive verify --repair）")
    return report


#: What filing on a computer without the archive would do.
_FILED_ELSEWHERE = (
    "在这里归档，文件会留在这台电脑上，档案网页、档案检查和夜间索引都找不到它；扫描件请放进服务器的收件箱 records/inbox"
)
#: What ``archive verify`` on a computer without the archive would say.
_CHECKED_ELSEWHERE = "在这里核对，每件都会显示为“不见了”，要求重新扫描"
#: What ``archive review --quarantine`` and ``--ocr`` there would say: the quarantine and the texts read are the server's.
REVIEWED_ELSEWHERE = "在这里看，隔离区总是空的、识别结果一页也没有：没能归档的文件和识别出的文字都在服务器上"


def catalogued_elsewhere(workspace: Workspace, ledger: Ledger) -> int:
    """How many items the catalogue holds when records/archive holds no file at all — a clerk's PC sharing the
    PostgreSQL ledger (the archive, and with it the quarantine, on the office's server), or the archive's disk not
    mounted —, else 0 (a new archive with nothing filed yet is not elsewhere).  A server's look stops at the first
    file it finds (``_catalogued_elsewhere``)."""
    with ledger.read() as conn:
        return _catalogued_elsewhere(conn, workspace.records_dir / "archive")


def refuse_elsewhere(workspace: Workspace, ledger: Ledger, command: str, here: str = _CHECKED_ELSEWHERE) -> None:
    """``archive_elsewhere`` (``here``: what ``command`` would do on this computer) when the catalogue has items and
    records/archive holds no file at all: not one of theirs, nor any other (a ledger restored from an older backup
    names old places of files that are here, which a repair puts right)."""
    if catalogued := catalogued_elsewhere(workspace, ledger):
        raise archive_elsewhere(catalogued, command, here)


def refuse_filing_elsewhere(workspace: Workspace, ledger: Ledger) -> None:
    """``refuse_elsewhere`` for filing (``recordkit file`` or the service): before the service takes its lock, so
    that a clerk's PC without the archive is refused with nothing written there."""
    refuse_elsewhere(workspace, ledger, "recordkit file 或归档服务", _FILED_ELSEWHERE)


def archive_without_its_ledger(
    workspace: Workspace, where: str, ledgers_beside: list[str], *, repairing: bool = False
) -> tuple[str, str] | None:
    """What to say, and what to do, of the ledger at ``where`` not made yet while records/archive holds what was
    filed already: those documents' ledger is elsewhere — the address or schema in the settings mistyped
    (``ledgers_beside``: the schemas of that database holding a ledger), or the workspace's own SQLite ledger left
    behind by an address changed without ``recordkit db move``; and, where that ledger is truly lost, the archive's
    registrations rebuilt from its tree — by ``archive verify --repair``, or, said to that repair itself
    (``repairing``), by it once ``db upgrade`` has made the new ledger on purpose.  None where nothing was filed: a
    new estate."""
    if no_archive_here(workspace):
        return None
    schema = workspace.settings.database.schema
    settings = workspace.settings.database.address_named()
    beside = f"（这个数据库里有台账的模式：{'、'.join(ledgers_beside)}）" if ledgers_beside else ""
    mistyped = f"{settings} 写错了{beside}"
    fix = f"把{spaced(settings)} 改成这些档案所在的台账"
    # The one way on when that ledger is truly gone: the archive's registrations rebuilt from its tree.
    lost = (
        "；这个小区的台账确实丢失、又没有备份的，先运行 recordkit db upgrade 在这里新建台账，"
        "再运行 recordkit archive verify --repair 按档案目录重建档案登记（收费记录只能从备份恢复）"
        if repairing
        else "；台账确实丢失、又没有备份的，档案登记可以用 recordkit archive verify --repair 按档案目录重建"
        "（收费记录只能从备份恢复）"
    )
    own = workspace.records_dir / "ledger.sqlite3"
    if not workspace.settings.database.url and holds_no_ledger(own):
        # the workspace's own ledger file itself gone, or of 0 bytes (a copy cut short, a full disk)
        said, _new_workspace = sqlite_ledger_not_there(own, workspace.settings.database)
        found_again = EMPTY_FILE_FOUND_AGAIN if own.exists() else SQLITE_FOUND_AGAIN
        return f"{said}，而 records/archive 里已经有归档的文件", found_again + lost
    if own.is_file() and own.stat().st_size > 0:  # the one-PC ledger an office moving to PostgreSQL leaves behind
        return (
            f"{where}：这里还没有台账，而 records/archive 里已经有归档的文件：它们的台账在别处——{mistyped}，"
            "或者这个工作区原来的台账 records/ledger.sqlite3 还没有用 recordkit db move 搬过来",
            f"{fix}；要把 records/ledger.sqlite3 的台账搬到这里的，先删去{spaced(settings)}，"
            f"再运行 recordkit db move --to 这里的地址{f' --schema {schema}' if schema else ''}{lost}",
        )
    return (
        f"{where}：这里还没有台账，而 records/archive 里已经有归档的文件：它们的台账在别处，多半是{spaced(mistyped)}",
        fix + lost,
    )


def rebuilding_a_lost_ledger(workspace: Workspace) -> str:
    """What ``archive verify --repair`` — the way every refusal of a ledger not there beside a filed archive names
    where it is truly lost — tells before it makes a new ledger there: a SQLite file gone or of 0 bytes (which file it
    writes into, and that an empty one is replaced), or a PostgreSQL schema (or database) holding no ledger (where, and
    the database's schemas that do hold one: a mistyped name shows); "" where the ledger is there, or is one this
    account was never granted (its opening says so).  Refused, nothing made: a PostgreSQL ledger this account may not
    make, with the grants to ask for (``LedgerError``, before anything else: the IT person gives them in any case);
    where records/archive holds nothing filed, as every other command refuses such a ledger (``ConfigError``: nothing
    to rebuild from, and a new estate's ledger is ``db upgrade``'s to make); and where the filed archive's ledger is
    most likely elsewhere — other schemas of the database hold a ledger (a mistyped name), or the workspace's own
    SQLite ledger is left behind —, as the services refuse it (``archive_without_its_ledger``): a new ledger there is
    made on purpose by ``db upgrade``, then repaired.  Asked before the ledger is opened (opening makes it)."""
    file = sqlite_file(workspace.database_url)
    if file is not None:
        if not holds_no_ledger(file):
            return ""
        said, fix = sqlite_ledger_not_there(file, workspace.settings.database)
        was = (
            f"台账文件 {file} 是个空文件（0 字节），里面没有台账：已把这个空文件换成新建的台账"
            if file.exists()
            else f"台账文件 {file} 不见了：已在这个位置新建台账"
        )
    else:
        with read_workspace_ledger(workspace) as ledger:
            if ledger.revision() is not None or ledger.not_granted():
                return ""
            said, fix = ledger.no_ledger_said()
            if not ledger.may_create():
                grants = ledger.grants_to_ask(schema_missing=not ledger.schema_exists())
                raise LedgerError(
                    f"{said}，数据库账户 {ledger.account_name} 不能在这里建台账：{grants}；这里什么也没有新建"
                )
            where, beside = ledger.where, ledger.ledger_schemas()
        own = workspace.records_dir / "ledger.sqlite3"
        elsewhere = beside or not holds_no_ledger(own)
        if elsewhere and (told := archive_without_its_ledger(workspace, where, beside, repairing=True)) is not None:
            raise ConfigError(f"{told[0]}：{told[1]}；档案登记没有重建，这里什么也没有新建")
        was = f"{said}：已在这里新建台账"
    if no_archive_here(workspace):
        raise ConfigError(
            f"{said}，而 records/archive 里没有归档的文件，没有可以重建的档案登记：{fix}；这里什么也没有新建"
        )
    return f"注意：{was}，按 records/archive 里的说明文件重建档案登记；收费记录和业主名册不在档案里，只能从备份恢复"


def refuse_a_new_ledger_beside_the_archive(workspace: Workspace, not_done: str, *, made_on_purpose: str = "") -> None:
    """``ConfigError`` (``archive_without_its_ledger``) before a service or command opens a ledger not made yet, while
    records/archive holds what was filed already (the one sign that this workspace had a ledger): the filing service
    would make an empty ledger (a mistyped schema: a new schema in the shared database), then refuse the archive as
    not that ledger's; the web page would stop, and be started again every few seconds; an import of the roster would
    make a new, empty ledger in place of a lost one, receipts numbered from 1 again.  ``not_done`` says what did not
    happen (归档服务没有启动).  A command that makes ledgers (the import) says ``made_on_purpose``: how to make a new
    one all the same; with nothing filed it goes on, but for a SQLite file of 0 bytes, which it refuses as every
    command does (``sqlite_ledger_not_there``: ``db upgrade`` makes a ledger there on purpose).  The services, with
    nothing filed, are refused a PostgreSQL schema not made yet too, as every command not meant to make a ledger is
    (``Ledger.no_ledger_said``), rather than a ledger away that systemd waits for.  Nothing is made."""
    file = sqlite_file(workspace.database_url)
    schema_missing = None
    # (a SQLite ledger not made yet — no file, or one of 0 bytes — is not opened: opening would make it, or refuse)
    if file is not None and holds_no_ledger(file):
        where, ledgers_beside = ledger_where(workspace.database_url, ""), []
    else:  # (asked, never changed: a dry run's ledger file left as it was, ``upgrades=False``)
        with read_workspace_ledger(workspace) as ledger:
            if ledger.revision() is not None:
                return
            schema_missing = None if made_on_purpose or ledger.schema_exists() else ledger.no_ledger_said()
            # (one this account may not make, or may not see — a schema not granted to it —: its first use says so)
            if schema_missing is None and not ledger.may_create():
                return
            where, ledgers_beside = ledger.where, ledger.ledger_schemas()
    told = archive_without_its_ledger(workspace, where, ledgers_beside) or schema_missing
    if told is None and made_on_purpose and file is not None and file.exists():
        # a 0-byte file, nothing filed: still no new ledger (a copy cut short, a full disk), as every command says
        said, fix = sqlite_ledger_not_there(file, workspace.settings.database)
        raise ConfigError(f"{said}：{fix}；{not_done}，这里什么也没有新建")
    if told is not None:
        said, fix = told
        anew = f"；{made_on_purpose}" if made_on_purpose else ""
        raise ConfigError(f"{said}：{fix}{anew}；{not_done}，这里什么也没有新建")


def _verify_item(
    workspace: Workspace,
    ledger: Ledger,
    operator: str,
    item: ArchiveItem,
    repair: bool,
    report: VerifyReport,
    phases: Mapping[str, str],
) -> None:
    found = _in_archive(workspace, item.path)
    if found is None:  # never followed: nothing is read or written outside records/archive/
        report.problems.append(
            f"{item.archive_no}：台账中登记的位置“{printable(item.path)}”不在档案目录内"
            "（运行 recordkit archive verify --repair，按档案目录中的文件改正）"
        )
        return
    path = found
    if not path.is_file():
        # (reworded by ``verify`` when most are missing: then the archive is most likely kept on another computer)
        report.missing.append((len(report.problems), item))
        report.problems.append(f"{item.archive_no}：台账有记录，但文件 {item.path} 不见了（请从纸质原件重新扫描归档）")
        return
    if sha256_of(path) != item.sha256:
        report.problems.append(f"{item.archive_no}：文件 {item.path} 的内容与登记的 SHA-256 不符（文件被改动或损坏）")
        return
    sidecar_path = path.with_name(path.name + SIDECAR_SUFFIX)
    on_disk = _read_sidecar(path)
    if on_disk == item:
        return
    if on_disk is not None and on_disk.sha256 == item.sha256 and on_disk.archive_no == item.archive_no:
        merged, adopted, refused = reconcile(item, on_disk, phases)
        if not repair:
            differing = [_FIELD_LABELS[name] for name in _FIELD_LABELS if getattr(item, name) != getattr(on_disk, name)]
            report.problems.append(
                f"{item.archive_no}：台账记录与说明文件不一致：{'、'.join(differing)}"
                "（运行 recordkit archive verify --repair）"
            )
            return
        if merged != item:  # the descriptive fields follow the sidecar, the catalogue's source
            with ledger.write() as conn:
                conn.execute(
                    archive_items.update()
                    .where(archive_items.c.archive_no == item.archive_no)
                    .values(**{k: v for k, v in merged.row().items() if k != "archive_no"})
                )
                journal.record(
                    conn,
                    operator,
                    [
                        journal.Change(
                            "archive.rebuild",
                            "archive_item",
                            item.archive_no,
                            _journal_view(item),
                            _journal_view(merged),
                        )
                    ],
                )
            report.repaired.append(f"{item.archive_no}：台账记录已按说明文件重建（{'；'.join(adopted)}）")
        if merged != on_disk:  # what was not believed is set right in the sidecar too
            _rewrite_sidecar(sidecar_path, merged)
        report.repaired += [f"{item.archive_no}：{line}" for line in refused]
        return
    if repair:
        _rewrite_sidecar(sidecar_path, item)
        report.repaired.append(f"{item.archive_no}：说明文件缺失或损坏，已按台账记录重写")
    else:
        report.problems.append(
            f"{item.archive_no}：说明文件 {item.path}{SIDECAR_SUFFIX} 缺失或与台账不符"
            "（运行 recordkit archive verify --repair）"
        )


#: Every field of an item as verify names it.  Those in ``_TRUSTED_FIELDS`` say which file this is
#: and where it lies: the ledger and the tree decide them, a sidecar saying otherwise is not believed.
_FIELD_LABELS = {
    "archive_no": "档号",
    "prefix": "类别前缀",
    "year": "年度",
    "seq": "流水号",
    "category": "类别",
    "unit": "房号",
    "title": "题名",
    "topic": "主题",
    "doc_date": "文件日期",
    "pages": "页数",
    "size": "大小",
    "sha256": "SHA-256",
    "path": "位置",
    "original_name": "原文件名",
    "source": "来源",
    "source_mtime_ns": "来源修改时间",
    "retention": "保管期限",
    "box": "盒号",
    "shelf": "架位",
    "confidential": "保密",
    "needs_review": "待复核",
    "review_reasons": "复核原因",
    "note": "备注",
    "filed_by": "归档人",
    "filed_at": "归档时间",
}
#: The words of the journal entries of an item and of its loans (``_journal_view``, ``lend``, ``return_item``), as a
#: page shows them.
JOURNAL_LABELS = {
    **_FIELD_LABELS,
    "former_archive_no": "原档号",
    "borrower": "借阅人",
    "dept": "部门",
    "reason": "借阅原因",
    "due": "应还日期",
    "returned_at": "归还时间",
}
_TRUSTED_FIELDS = (
    "archive_no",
    "prefix",
    "year",
    "seq",
    "category",
    "size",
    "sha256",
    "path",
    "original_name",
    "source",
    "source_mtime_ns",
    "filed_by",
    "filed_at",
)


#: The most characters of a value a repair's line shows; a longer one is cut there and says how long it was.
_SHOWN_VALUE_CHARS = 200


def _shown_value(value: Any) -> str:
    """A field's value in a repair's line: a NUL a row still holds shown as <U+0000>, not as nothing; a value longer
    than ``_SHOWN_VALUE_CHARS`` as shown cut there (before a <U+…> the cut would fall in), ending …（共 N 字）, N its
    whole length as shown, <U+202E> eight characters: what the clerk sees of it, of which the line lists the first
    ones (a bare … may end a value itself)."""
    if value is None or value == ():
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    written = "、".join(value) if isinstance(value, tuple) else str(value)
    text = printable(shown_plainly(written))
    if len(text) <= _SHOWN_VALUE_CHARS:
        return text
    cut = _SHOWN_VALUE_CHARS
    if (escape := _CUT_ESCAPE.search(text, max(0, cut - _LONGEST_ESCAPE), cut)) is not None:
        cut = escape.start()
    return f"{text[:cut]}…（共 {len(text)} 字）"


#: A hidden character as ``shown_plainly`` writes it (``<U+202E>``) begun before a cut and not ended by it.
_CUT_ESCAPE = re.compile(r"<U\+[0-9A-F]{0,6}$|<U$|<$")
_LONGEST_ESCAPE = len("<U+10FFFF>")


#: The descriptive fields a hand-edited sidecar may change, each taken only as filing would take it from a scanner's
#: sidecar (``rules.sidecar_value``), and the ``archive update`` option that puts it right where there is one.
_CHECKED_AS_FILED = {
    "unit": "--unit",
    "title": "--title",
    "topic": None,
    "doc_date": "--date",
    "retention": None,
    "box": "--box",
    "shelf": "--shelf",
    "confidential": "--confidential 或 --not-confidential",
    "note": None,
}
#: Of them, those an item always has: a sidecar emptying one is refused.
_REQUIRED = ("title", "retention")


def reconcile(
    row: ArchiveItem, sidecar: ArchiveItem, phases: Mapping[str, str] | None = None
) -> tuple[ArchiveItem, list[str], list[str]]:
    """What the catalogue row of one file becomes when its sidecar says otherwise: the descriptive
    fields (unit, title, 盒号 …) follow the sidecar where filing would take its value (``_as_filed``: a unit read
    with the estate's ``phases``); which file it is and where it lies stay as the ledger has them; the 保密 flag is
    never cleared.  Returns the row, the changes taken from the sidecar, and the disagreements not taken (each in
    Chinese, with what to do)."""
    changes: dict[str, Any] = {}
    adopted: list[str] = []
    refused: list[str] = []
    for name, label in _FIELD_LABELS.items():
        mine, theirs = getattr(row, name), getattr(sidecar, name)
        if mine == theirs:
            continue
        if name in _TRUSTED_FIELDS:
            refused.append(f"说明文件中的{label}“{_shown_value(theirs)}”与台账不符，未采用，说明文件已按台账改正")
            continue
        if name in _CHECKED_AS_FILED:
            written = theirs
            try:
                theirs = _as_filed(name, theirs, phases)
            except ValidationError as err:
                refused.append(_not_taken(row.archive_no, name, sidecar_refusal(name, err), mine))
                continue
            if mine == theirs:  # the same value in another spelling (3栋2单元1201): the sidecar is set right, said
                refused.append(f"说明文件中{label}“{_shown_value(written)}”的写法已按台账统一为 {_shown_value(mine)}")
                continue
        if name == "confidential" and mine:
            refused.append("说明文件中去掉了保密标记，未采用：仍是保密档案，说明文件已改正")
            continue
        changes[name] = theirs
        adopted.append(f"{label}：{_shown_value(mine)} → {_shown_value(theirs)}")
    return replace(row, **changes), adopted, refused


def _as_filed(name: str, value: Any, phases: Mapping[str, str] | None) -> Any:
    """A hand-edited sidecar's ``value`` of the field ``name`` as filing takes it (a title as its file name
    holds it, a date or a 保密 written as a person writes them read, 保密 not said as not confidential);
    ``ValidationError`` where filing would not take it (a date after today among them), where it empties a field
    an item always has, or where it is longer than the ledger keeps (``FIELD_LIMITS``: filing cuts a scanner's,
    with a reason)."""
    if isinstance(value, str) and len(value) > _MAX_TEXT:  # a letter pasted in: refused before it is read
        raise _too_long(name, len(value))
    taken: Any = value  # None, or a date in recordkit's own form read already (``_written_day``)
    if value is not None and not isinstance(value, dt.date):
        taken = sidecar_value(name, value, phases)
    if name == "title" and taken is not None:
        if (too_long := title_too_long(taken)) is not None:  # never cut unsaid, as ``archive update --title``
            raise ValidationError(f"{too_long.removesuffix('：请改短一些')}，没有采用：请改短一些")
        taken = safe_title(taken) or None
    if name == "confidential":
        return bool(taken)
    if name == "doc_date" and taken is not None:  # as filing takes none (``rules.resolve``): a year mistyped
        return check_not_future(taken, "日期", FUTURE_DATE_ADVICE)
    if taken is None and name in _REQUIRED:
        raise ValidationError(f"{_FIELD_LABELS[name]}不能为空")
    if taken is not None and len(taken) > _TEXT_LIMITS.get(name, _MAX_TEXT):
        # never cut unsaid, as ``archive update`` refuses it: the ledger holds no more (PostgreSQL refuses it)
        raise _too_long(name, len(taken))
    return taken


#: The most characters a hand-edited sidecar's text may hold, by field (others: ``_MAX_TEXT``).
_TEXT_LIMITS = {**FIELD_LIMITS, "title": MAX_TITLE_CHARS}


def _too_long(name: str, length: int) -> ValidationError:
    """The refusal of a sidecar's text of ``length`` characters, longer than its field holds."""
    limit = _TEXT_LIMITS.get(name, _MAX_TEXT)
    return ValidationError(f"{_FIELD_LABELS[name]}最多 {limit} 个字，现在 {length} 个字，没有采用：请改短一些")


def _not_taken(archive_no: str, name: str, why: str, mine: Any) -> str:
    """A repair's line for a sidecar value not taken: why, what the ledger keeps, and how to change it."""
    said = f"说明文件中 {_FIELD_LABELS[name]}：{why}；台账仍是“{_shown_value(mine)}”，说明文件已按台账改正"
    return said + _how_to_correct(archive_no, name)


def _how_to_correct(archive_no: str, name: str) -> str:
    """A repair's advice for a field not taken from a sidecar: the ``archive update`` option that sets it, if any."""
    option = _CHECKED_AS_FILED[name]
    return "" if option is None else f"（改正请用 recordkit archive update {archive_no} {option}）"


def _rewrite_sidecar(sidecar_path: Path, item: ArchiveItem) -> None:
    """The sidecar of an archived file rewritten from its row (the scanner's own sidecar and the item's
    former numbers kept)."""
    extra, former = _kept_in_sidecar(sidecar_path)
    sidecar_path.unlink(missing_ok=True)
    write_bytes(sidecar_path, json.dumps(item.sidecar(extra, former), ensure_ascii=False, indent=2).encode("utf-8"))
    os.chmod(sidecar_path, _READ_ONLY)


def require_ok(report: VerifyReport) -> None:
    """``IntegrityError`` naming how many problems there are, when there are any."""
    if not report.ok:
        said = f"档案检查发现 {len(report.problems)} 处问题（共检查 {report.checked} 件）"
        if report.mostly_elsewhere:
            said += (
                f"，其中 {len(report.missing)} 件档案的文件在这台电脑上找不到："
                "如果档案存放在另一台电脑（一般是办公室服务器）上，请在那台电脑上运行 recordkit archive verify"
            )
        raise IntegrityError(said)


def flag_metadata(
    category: str | None,
    unit: str | None,
    title: str | None,
    date: str | None,
    box: str | None,
    shelf: str | None,
    confidential: bool | None,
    retention: str | None,
    rules: FilingRules,
) -> Metadata:
    """The command's flags as the first metadata source; ``UsageError``/``ValidationError`` for bad ones — a
    date after today among them (typed by the clerk: refused at the door, where a sidecar's or a file name's is
    only left out for review), a title too long to keep whole (``title_too_long``) and a title, 盒号 or 架位 with a
    control or invisible format character, or of punctuation alone (``check_title_says_something``,
    ``check_place_label``)."""

    if category is not None and rules.category(category) is None:
        raise UsageError(f"档案类别“{category}”不存在，应为 {'、'.join(rules.names)} 之一")
    for label, text in (("题名", title), ("盒号", box), ("架位", shelf)):
        # as ``update_item`` refuses them: a right-to-left override turns the title (and the file's name) around
        if text and hidden_characters(text.strip()):
            raise ValidationError(f"{label}里有控制字符（如 NUL、换行）或不可见的格式字符，没有归档：请重新输入")
    if title and (too_long := title_too_long(title)) is not None:  # typed by the clerk: never cut unsaid
        raise UsageError(too_long)
    if title and title.strip():
        check_title_says_something(title)
    for name, typed in (("box", box), ("shelf", shelf)):
        if typed and (too_long := place_label_too_long(name, typed)) is not None:  # typed: never cut unsaid
            raise UsageError(too_long)
        check_place_label(name, typed)
    return Metadata(
        category=rules.category(category).name if category else None,  # type: ignore[union-attr]
        unit=str(parse_unit_code(unit)) if unit else None,
        title=title.strip() if title and title.strip() else None,
        doc_date=(
            check_not_future(parse_date(date, "文件日期"), "文件日期", "请按文件上写的日期填写，核对年份")
            if date
            else None
        ),
        box=place_label(box),
        shelf=place_label(shelf),
        confidential=confidential,
        retention=parse_retention(retention) if retention else None,
    )


__all__ = [
    "CHECK_THE_ARCHIVE_DISK",
    "REVIEWED_ELSEWHERE",
    "ArchiveAway",
    "ArchiveItem",
    "Archivist",
    "FilingOutcome",
    "FolderListings",
    "Loan",
    "VerifyReport",
    "archive_elsewhere",
    "archive_missing_said",
    "archive_without_its_ledger",
    "archived_file",
    "catalogued_elsewhere",
    "files_here",
    "flag_metadata",
    "former_numbers",
    "get_item",
    "kept_elsewhere",
    "no_archive_here",
    "items_by_number",
    "last_seq",
    "latest_due",
    "lend",
    "list_items",
    "list_loans",
    "rebuilding_a_lost_ledger",
    "refuse_a_new_ledger_beside_the_archive",
    "refuse_elsewhere",
    "renumbered_as",
    "require_ok",
    "return_item",
    "update_item",
    "verify",
]
