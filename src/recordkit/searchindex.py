"""The Whoosh index of the archive: every line of Whoosh code of recordkit is in this module.

Owns the index folder (``records/index/whoosh/``), its schema and stored schema version, the one
writer lock, adding/replacing/deleting documents, the atomic swap of a rebuild, and the candidate
search (postings without positions, ranked by BM25).  What a token is belongs to ``searchtext``;
what a query means and whether a candidate really contains it belongs to ``search``.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import datetime as dt
import json
import logging
import os
import shutil
import time
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh import fields as whoosh_fields
from whoosh.system import pack_uint

from recordkit.errors import ConflictError, IntegrityError, NotFoundError

log = logging.getLogger(__name__)

#: Bump when the schema or the tokens change: an index of another version is never read, it is rebuilt.
SCHEMA_VERSION = 1
VERSION_FILE = "recordkit-index.json"
LIVE_FOLDER = "whoosh"
NEW_PREFIX = "whoosh.new-"
LOCK_FILE = "whoosh.lock"
#: Metadata tokens count this many times over text tokens, so that title and metadata hits rank first.
META_WEIGHT = 5
REBUILD_MESSAGE = "请运行 recordkit index --rebuild 重建索引（原索引不会被删除，重建期间仍可检索）"


@dataclass(frozen=True)
class IndexDoc:
    """One archive item as the index holds it."""

    archive_no: str
    tokens: Mapping[str, int]  # token → weight (count, metadata counted META_WEIGHT times)
    text: str  # metadata lines then the document's text, NFKC (what is checked and shown)
    body_start: int  # where the document's own text starts in ``text``
    signature: str  # changes whenever what is indexed of the item would change
    state: str  # "ok", "pending" (OCR not done yet) or "failed" (metadata only)
    unit: str = ""
    category: str = ""
    date: str = ""  # ISO
    owners: tuple[str, ...] = ()  # folded names
    shown: Mapping[str, Any] = field(default_factory=dict)  # title, path, source_name, … for results


@dataclass(frozen=True)
class Filters:
    unit: str | None = None  # canonical code
    category: str | None = None
    owner: str | None = None  # folded name
    date_from: str | None = None  # ISO, inclusive
    date_to: str | None = None


@dataclass(frozen=True)
class Candidate:
    docnum: int
    score: float
    archive_no: str
    text: str
    body_start: int
    canonical: frozenset[str]
    shown: Mapping[str, Any]


class Tokens(whoosh_fields.KEYWORD):
    """A field fed with counted tokens from searchtext: no analyzer pass over thousands of token strings.

    Frequencies without positions: candidates are checked against the stored text instead of by
    phrase queries, which are slow on common words.  (Pickled into the index: keep name and module.)
    """

    def index(self, value: Any, **kwargs: Any) -> Iterator[tuple[bytes, int, float, bytes]]:
        for token, weight in value.items():
            yield token.encode("utf-8"), weight, float(weight), pack_uint(weight)


def _schema() -> Any:
    fields = whoosh_fields
    return fields.Schema(
        archive_no=fields.ID(stored=True, unique=True, sortable=True),
        tok=Tokens(scorable=True),
        unit=fields.ID(), category=fields.ID(), date=fields.ID(), owner=fields.KEYWORD(),
        sig=fields.ID(sortable=True), state=fields.ID(sortable=True),
        data=fields.STORED(),
    )


def _fields(doc: IndexDoc) -> dict[str, Any]:
    canonical = sorted(token for token in doc.tokens if ":" in token)
    data = {"z": zlib.compress(doc.text.encode("utf-8"), 1), "b": doc.body_start, "c": canonical, **doc.shown}
    fields: dict[str, Any] = {"archive_no": doc.archive_no, "tok": doc.tokens, "sig": doc.signature,
                              "state": doc.state, "data": data}
    for name, value in (("unit", doc.unit), ("category", doc.category), ("date", doc.date),
                        ("owner", " ".join(doc.owners))):
        if value:
            fields[name] = value
    return fields


def _corrupt(folder: Path, err: BaseException) -> IntegrityError:
    log.error("search index %s unreadable: %r", folder, err)
    return IntegrityError(f"检索索引已损坏，无法读取（{type(err).__name__}）：{REBUILD_MESSAGE}")


class SearchIndex:
    """The index folder of one workspace (``records/index``).  Readers need no lock; one writer at a time."""

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = index_dir
        self.live = index_dir / LIVE_FOLDER

    # -- opening ---------------------------------------------------------------------------------

    def exists(self) -> bool:
        return self.live.is_dir()

    def _check_version(self, folder: Path) -> None:
        try:
            stored = json.loads((folder / VERSION_FILE).read_text(encoding="utf-8"))["schema_version"]
        except FileNotFoundError:
            stored = None
        except (OSError, ValueError, KeyError, TypeError) as err:
            raise _corrupt(folder, err) from None
        if stored != SCHEMA_VERSION:
            raise IntegrityError(f"检索索引的版本（{'未知' if stored is None else stored}）与本程序（{SCHEMA_VERSION}）不符：{REBUILD_MESSAGE}")

    def _open(self) -> Any:
        from whoosh import index

        for attempt in range(50):
            # A rebuild's swap without RENAME_EXCHANGE leaves the name empty for an instant.
            if self.live.is_dir() or not any(self.index_dir.glob(NEW_PREFIX + "*")):
                break
            time.sleep(0.02 * (attempt + 1))
        if not self.live.is_dir():
            raise NotFoundError("检索索引还没有建立：请先运行 recordkit index")
        self._check_version(self.live)
        try:
            return index.open_dir(str(self.live))
        except Exception as err:  # noqa: BLE001 - every way Whoosh fails on a damaged folder
            raise _corrupt(self.live, err) from None

    @contextmanager
    def searcher(self) -> Iterator[IndexSearcher]:
        """A consistent view for searching; ``IntegrityError`` when the index is damaged or of another version,
        ``NotFoundError`` when it was never built."""
        ix = self._open()
        try:
            whoosh_searcher = ix.searcher()
        except Exception as err:  # noqa: BLE001
            raise _corrupt(self.live, err) from None
        try:
            yield IndexSearcher(whoosh_searcher, self.live)
        finally:
            whoosh_searcher.close()
            ix.close()

    # -- writing ---------------------------------------------------------------------------------

    @contextmanager
    def lock(self, timeout: float) -> Iterator[None]:
        """The one writer lock (an flock: a killed holder releases it).  ``ConflictError`` on timeout."""
        from filelock import FileLock, Timeout

        self.index_dir.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(self.index_dir / LOCK_FILE))
        try:
            lock.acquire(timeout=timeout)
        except Timeout:
            raise ConflictError(f"检索索引正由另一个进程更新（归档服务、夜间任务或其他文员），等了 {timeout:g} 秒"
                                "仍未结束：请稍后再运行 recordkit index") from None
        try:
            yield
        finally:
            lock.release()

    def signatures(self) -> dict[str, tuple[str, str]]:
        """archive_no → (signature, state) of every document, read from columns (no stored fields)."""
        ix = self._open()
        try:
            with ix.reader() as reader:
                numbers = reader.column_reader("archive_no")
                sigs = reader.column_reader("sig")
                states = reader.column_reader("state")
                return {numbers[n]: (sigs[n], states[n]) for n in range(reader.doc_count_all())
                        if not reader.is_deleted(n)}
        except (IntegrityError, NotFoundError):
            raise
        except Exception as err:  # noqa: BLE001
            raise _corrupt(self.live, err) from None
        finally:
            ix.close()

    def update(self, docs: Iterable[IndexDoc], delete: Iterable[str] = ()) -> int:
        """Replace or add ``docs`` and delete the ``delete`` numbers in one commit (call under ``lock``).

        Whoosh writes new segment files and then renames its table of contents: a crash at any
        point leaves the previous generation readable.  Returns the number of documents written.
        """
        ix = self._open()
        try:
            writer = ix.writer(limitmb=128)
        except Exception as err:  # noqa: BLE001
            ix.close()
            raise _corrupt(self.live, err) from None
        written = 0
        try:
            for number in delete:
                writer.delete_by_term("archive_no", number)
            for doc in docs:
                writer.update_document(**_fields(doc))
                written += 1
        except BaseException:
            writer.cancel()
            ix.close()
            raise
        writer.commit()
        ix.close()
        return written

    def rebuild(self, docs: Iterable[IndexDoc]) -> int:
        """Build a new index beside the live one and swap the folders atomically (call under ``lock``).

        Searches keep answering from the old index until the swap.  A failure leaves the live index
        as it was and removes the half-built one.
        """
        from whoosh import index

        self.index_dir.mkdir(parents=True, exist_ok=True)
        for stale in self.index_dir.glob(NEW_PREFIX + "*"):  # left by a killed rebuild (we hold the lock)
            shutil.rmtree(stale, ignore_errors=True)
        stamp = dt.datetime.now().strftime("%Y%m%d%H%M%S")
        new = self.index_dir / f"{NEW_PREFIX}{stamp}-{os.getpid()}"
        new.mkdir()
        try:
            ix = index.create_in(str(new), _schema())
            writer = ix.writer(limitmb=256)
            written = 0
            try:
                for doc in docs:
                    writer.add_document(**_fields(doc))
                    written += 1
            except BaseException:
                writer.cancel()
                raise
            writer.commit()
            ix.close()
            (new / VERSION_FILE).write_text(json.dumps({"schema_version": SCHEMA_VERSION, "built": stamp}),
                                            encoding="utf-8")
            _fsync_tree(new)
            _swap(new, self.live)
        except BaseException:
            shutil.rmtree(new, ignore_errors=True)
            raise
        shutil.rmtree(new, ignore_errors=True)  # after the exchange: the old index
        return written


def _fsync_tree(folder: Path) -> None:
    for path in folder.iterdir():
        with open(path, "rb") as stream:
            os.fsync(stream.fileno())
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _swap(new: Path, live: Path) -> None:
    """Make ``new`` the live folder; afterwards ``new`` holds the old index (or nothing)."""
    if not live.exists():
        os.rename(new, live)
        new.mkdir()
        return
    libc_name = ctypes.util.find_library("c")
    if libc_name:
        libc = ctypes.CDLL(libc_name, use_errno=True)
        renameat2 = getattr(libc, "renameat2", None)
        if renameat2 is not None:
            # One system call: a reader sees the old folder or the new one, never neither.
            if renameat2(_AT_FDCWD, os.fsencode(new), _AT_FDCWD, os.fsencode(live), _RENAME_EXCHANGE) == 0:
                return
    old = live.with_name(live.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    os.rename(live, old)
    os.rename(new, live)
    os.rename(old, new)


class IndexSearcher:
    """Candidates for a query: documents holding all its tokens, best BM25 score first."""

    def __init__(self, searcher: Any, folder: Path) -> None:
        self._searcher = searcher
        self._folder = folder

    def doc_count(self) -> int:
        return int(self._searcher.doc_count())

    def _query(self, groups: Sequence[Sequence[Sequence[str]]]) -> Any:
        from whoosh import query

        def alternative(tokens: Sequence[str]) -> Any:
            terms = [query.Term("tok", token) for token in tokens]
            return terms[0] if len(terms) == 1 else query.And(terms)

        parts = [alternative(group[0]) if len(group) == 1 else query.Or([alternative(a) for a in group])
                 for group in groups]
        if not parts:
            return query.Every()
        return parts[0] if len(parts) == 1 else query.And(parts)

    @staticmethod
    def _filter(filters: Filters) -> Any:
        from whoosh import query

        parts: list[Any] = []
        for name, value in (("unit", filters.unit), ("category", filters.category), ("owner", filters.owner)):
            if value:
                parts.append(query.Term(name, value))
        if filters.date_from or filters.date_to:
            parts.append(query.TermRange("date", filters.date_from, filters.date_to))
        return query.And(parts) if parts else None

    def candidates(self, groups: Sequence[Sequence[Sequence[str]]], excluded: Sequence[str], filters: Filters,
                   batch: int) -> Iterator[Candidate]:
        """Documents that hold, for every group, all tokens of one of its alternatives, none of the
        ``excluded`` tokens, and pass ``filters``; best first, fetched ``batch`` at a time (growing)."""
        from whoosh import query

        q = self._query(groups)
        filter_query = self._filter(filters)
        mask = query.Or([query.Term("tok", token) for token in excluded]) if excluded else None
        seen = 0
        size = batch
        try:
            while True:
                results = self._searcher.search(q, limit=size, filter=filter_query, mask=mask)
                top = results.top_n[seen:]
                for score, docnum in top:
                    data = self._searcher.stored_fields(docnum)
                    stored = data["data"]
                    yield Candidate(docnum, float(score), data["archive_no"],
                                    zlib.decompress(stored["z"]).decode("utf-8"), stored["b"],
                                    frozenset(stored["c"]), stored)
                seen += len(top)
                if len(results.top_n) < size:
                    return
                size *= 4
        except (GeneratorExit, IntegrityError):
            raise
        except Exception as err:  # noqa: BLE001
            raise _corrupt(self._folder, err) from None

    def count(self, groups: Sequence[Sequence[Sequence[str]]], excluded: Sequence[str], filters: Filters) -> int:
        """How many documents are candidates (exact; no scoring)."""
        from whoosh import query

        q = self._query(groups)
        if excluded:
            q = query.AndNot(q, query.Or([query.Term("tok", token) for token in excluded]))
        filter_query = self._filter(filters)
        if filter_query is not None:
            q = query.And([q, filter_query])
        try:
            return sum(1 for _ in q.docs(self._searcher))
        except Exception as err:  # noqa: BLE001
            raise _corrupt(self._folder, err) from None
