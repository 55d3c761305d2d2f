"""The Whoosh index of the archive: every line of Whoosh code of recordkit is in this module.

Owns the index folder (``records/index/whoosh/``), its schema and stored schema version, the one
writer lock, adding/replacing/deleting documents, the atomic swap of a rebuild, and the candidate
search (postings without positions, ranked by BM25).  What a token is belongs to ``searchtext``;
what a query means and whether a candidate really contains it belongs to ``search``.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil
import time
import zlib
from array import array
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout
from whoosh import fields as whoosh_fields
from whoosh import index as whoosh_index
from whoosh import query as whoosh_query

from recordkit.core.errors import ConflictError, IntegrityError, NotFoundError

log = logging.getLogger(__name__)

#: Bump when the schema or the tokens change: an index of another version is never read, it is rebuilt.
SCHEMA_VERSION = 1
VERSION_FILE = "recordkit-index.json"
LIVE_FOLDER = "whoosh"  # a symbolic link to the generation in use: whoosh.gen-…
NEW_PREFIX = "whoosh.gen-"
#: A replaced generation is removed this long after, when no search can still be reading it.
KEEP_OLD_SECONDS = 600
LOCK_FILE = "whoosh.lock"
REBUILD_MESSAGE = "请运行 recordkit index --rebuild 重建索引（原索引不会被删除，重建期间仍可检索）"


@dataclass(frozen=True)
class IndexDoc:
    """One archive item as the index holds it."""

    archive_no: str
    tokens: frozenset[str]  # every token of its metadata and text
    meta_tokens: frozenset[str]  # those of its metadata (title, 档号, unit, …): they rank first
    text: str  # metadata lines then the document's text, as written (what is shown)
    folded: str  # searchtext.fold(text): what is checked
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

    def __bool__(self) -> bool:
        return any((self.unit, self.category, self.owner, self.date_from, self.date_to))


@dataclass(frozen=True)
class Candidate:
    iid: int
    text: str
    folded: str
    body_start: int
    canonical: frozenset[str]
    source: IndexSearcher

    def shown(self) -> tuple[str, Mapping[str, Any]]:
        return self.source.shown(self.iid)


# How the index is laid out in Whoosh.  Whoosh writes each posting (term, document) and each term's
# posting block in Python, tens of µs apiece; an item has about 800 distinct bigrams and unigrams, so
# one Whoosh document per item with its tokens as terms cannot be built at 450 items/s.  Instead:
#   item   one per archive item: 档号, its internal number (iid), signature, filter fields, and its text
#          (as written and folded, compressed) for checking candidates and snippets;
#   post   one of BUCKETS buckets of tokens (by a hash of the token), each token with the packed iids
#          of the items holding it; every write adds a generation of buckets;
#   dead   iids no longer current (an item changed or removed since its postings were written);
#   meta   the next iid and how many generations were written since the last compaction.
# Whoosh keeps it all consistent: one commit, a crash leaves the previous generation.  ``update`` of
# the nightly run merges the generations once there are COMPACT_AFTER of them.
META_KEY = "\x00meta"
META_PREFIX = "m\x1f"
BUCKETS = 1024
UPDATE_DOCUMENTS = 16  # the buckets of one update travel in this many Whoosh documents
COMPACT_AFTER = 16


def bucket_of(token: str) -> str:
    return str(zlib.crc32(token.encode("utf-8")) % BUCKETS)


def _schema() -> Any:
    fields = whoosh_fields
    return fields.Schema(
        kind=fields.ID(),
        archive_no=fields.ID(unique=True, stored=True),
        iid=fields.ID(),
        bucket=fields.KEYWORD(),
        unit=fields.ID(),
        category=fields.ID(),
        date=fields.ID(),
        owner=fields.KEYWORD(),
        data=fields.STORED(),
    )


def _write_item(writer: Any, doc: IndexDoc, iid: int) -> None:
    """The item (small: read for every candidate and by the nightly run) and its text (read to check)."""
    canonical = sorted(token for token in doc.tokens if ":" in token)
    fields: dict[str, Any] = {
        "kind": "item",
        "archive_no": doc.archive_no,
        "iid": str(iid),
        "data": {"i": iid, "s": doc.signature, "t": doc.state, **doc.shown},
    }
    for name, value in (
        ("unit", doc.unit),
        ("category", doc.category),
        ("date", doc.date),
        ("owner", " ".join(doc.owners)),
    ):
        if value:
            fields[name] = value
    writer.add_document(**fields)
    writer.add_document(
        kind="text",
        iid=f"t{iid}",
        data={
            "z": zlib.compress(doc.text.encode("utf-8"), 1),
            "f": zlib.compress(doc.folded.encode("utf-8"), 1),
            "b": doc.body_start,
            "c": canonical,
        },
    )


class _Postings:
    """token → iids, gathered while items are written, then written as buckets."""

    def __init__(self) -> None:
        self.ids: dict[str, array] = {}

    def add(self, iid: int, doc: IndexDoc) -> None:
        ids = self.ids
        for token in doc.tokens:
            found = ids.get(token)
            if found is None:
                ids[token] = found = array("I")
            found.append(iid)
        for token in doc.meta_tokens:
            key = META_PREFIX + token
            found = ids.get(key)
            if found is None:
                ids[key] = found = array("I")
            found.append(iid)

    def buckets(self) -> dict[str, dict[str, bytes]]:
        shards: dict[str, dict[str, bytes]] = {}
        for token, found in self.ids.items():
            shards.setdefault(bucket_of(token), {})[token] = found.tobytes()
        return shards


def _write_buckets(writer: Any, postings: _Postings, documents: int = BUCKETS) -> None:
    """The buckets as ``documents`` Whoosh documents (a small update: few documents, less overhead)."""
    grouped: dict[int, tuple[list[str], dict[str, bytes]]] = {}
    for bucket, tokens in postings.buckets().items():
        names, merged = grouped.setdefault(int(bucket) % documents, ([], {}))
        names.append(bucket)
        merged.update(tokens)
    for names, merged in grouped.values():
        writer.add_document(kind="post", bucket=" ".join(names), data={"p": merged})


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
        return self.live.exists()

    def _check_version(self, folder: Path) -> None:
        try:
            stored = json.loads((folder / VERSION_FILE).read_text(encoding="utf-8"))["schema_version"]
        except FileNotFoundError:
            stored = None
        except (OSError, ValueError, KeyError, TypeError) as err:
            raise _corrupt(folder, err) from None
        if stored != SCHEMA_VERSION:
            raise IntegrityError(
                f"检索索引的版本（{'未知' if stored is None else stored}）与本程序（{SCHEMA_VERSION}）不符：{REBUILD_MESSAGE}"
            )

    def _open(self) -> Any:
        if not self.live.is_dir():
            raise NotFoundError("检索索引还没有建立：请先运行 recordkit index")
        # Whoosh opens segment files lazily by path: a search keeps to the generation it started on.
        folder = Path(os.path.realpath(self.live))
        self._check_version(folder)
        try:
            return whoosh_index.open_dir(str(folder))
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
        self.index_dir.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(self.index_dir / LOCK_FILE))
        try:
            lock.acquire(timeout=timeout)
        except Timeout:
            raise ConflictError(
                f"检索索引正由另一个进程更新（归档服务、夜间任务或其他文员），等了 {timeout:g} 秒"
                "仍未结束：请稍后再运行 recordkit index"
            ) from None
        try:
            yield
        finally:
            lock.release()

    def signatures(self, numbers: Iterable[str] | None = None) -> dict[str, tuple[str, str, int]]:
        """archive_no → (signature, state, iid) of every item, or only of ``numbers`` (the filing hook's few),
        from the small item documents (no text is read)."""
        ix = self._open()
        try:
            with ix.searcher() as searcher:
                return _signatures(searcher, numbers)
        except (IntegrityError, NotFoundError):
            raise
        except Exception as err:  # noqa: BLE001
            raise _corrupt(self.live, err) from err
        finally:
            ix.close()

    def update(
        self,
        docs: Iterable[IndexDoc],
        delete: Iterable[str] = (),
        compact: bool = False,
        current: Mapping[str, int] | None = None,
    ) -> int:
        """Replace or add ``docs`` and delete the ``delete`` numbers in one commit (call under ``lock``).

        Whoosh writes new segment files and then renames its table of contents: a crash at any
        point leaves the previous generation readable.  With ``compact`` (the nightly run) the
        generations of postings are merged into one once there are ``COMPACT_AFTER`` of them.
        ``current`` (档号 → iid, from ``signatures`` under the same lock) saves reading every item again.
        Returns the number of items written.
        """
        self.remove_old_generations()
        ix = self._open()
        try:
            writer = ix.writer(limitmb=128, compound=False)
        except Exception as err:  # noqa: BLE001
            ix.close()
            raise _corrupt(self.live, err) from None
        written = 0
        try:
            with ix.searcher() as searcher:
                meta = _meta(searcher)
                current = dict(current) if current is not None else _current_iids(searcher)
                dead: list[int] = []
                postings = _Postings()
                for number in delete:
                    if number in current:
                        dead.append(current[number])
                        writer.delete_by_term("iid", str(current[number]))
                        writer.delete_by_term("iid", f"t{current[number]}")
                next_iid = meta["next"]
                for doc in docs:
                    if doc.archive_no in current:
                        dead.append(current[doc.archive_no])
                        writer.delete_by_term("iid", str(current[doc.archive_no]))
                        writer.delete_by_term("iid", f"t{current[doc.archive_no]}")
                    _write_item(writer, doc, next_iid)
                    postings.add(next_iid, doc)
                    next_iid += 1
                    written += 1
                generations = meta["generations"] + 1
                if compact and generations >= COMPACT_AFTER:
                    _compact(searcher, writer, postings, set(dead))
                    generations = 1
                else:
                    _write_buckets(writer, postings, UPDATE_DOCUMENTS)
                    if dead:
                        writer.add_document(kind="dead", data={"d": array("I", dead).tobytes()})
                writer.update_document(
                    kind="meta", archive_no=META_KEY, data={"next": next_iid, "generations": generations}
                )
        except BaseException:
            writer.cancel()
            ix.close()
            raise
        writer.commit()
        ix.close()
        return written

    def rebuild(self, docs: Iterable[IndexDoc]) -> int:
        """Build a new generation beside the live one and switch the ``whoosh`` link to it atomically
        (call under ``lock``).  Searches keep answering from the old generation, which is removed
        KEEP_OLD_SECONDS later.  A failure leaves the live index as it was and removes the half-built one.
        """
        self.index_dir.mkdir(parents=True, exist_ok=True)
        self.remove_old_generations()
        stamp = dt.datetime.now().strftime("%Y%m%d%H%M%S%f")
        new = self.index_dir / f"{NEW_PREFIX}{stamp}-{os.getpid()}"
        new.mkdir()
        try:
            ix = whoosh_index.create_in(str(new), _schema())
            writer = ix.writer(limitmb=256, compound=False)
            written = 0
            postings = _Postings()
            try:
                for doc in docs:
                    _write_item(writer, doc, written)
                    postings.add(written, doc)
                    written += 1
                _write_buckets(writer, postings)
                writer.add_document(kind="meta", archive_no=META_KEY, data={"next": written, "generations": 1})
            except BaseException:
                writer.cancel()
                raise
            writer.commit()
            ix.close()
            (new / VERSION_FILE).write_text(
                json.dumps({"schema_version": SCHEMA_VERSION, "built": stamp}), encoding="utf-8"
            )
            _fsync_tree(new)
            self._switch(new)
        except BaseException:
            shutil.rmtree(new, ignore_errors=True)
            raise
        return written

    def _switch(self, new: Path) -> None:
        link = self.index_dir / f".{LIVE_FOLDER}.link-{os.getpid()}"
        link.unlink(missing_ok=True)
        os.symlink(new.name, link)
        if self.live.is_dir() and not self.live.is_symlink():  # an index of before the link: moved aside
            os.rename(self.live, self.index_dir / f"{NEW_PREFIX}old-{os.getpid()}")
        os.replace(link, self.live)  # one rename: a reader sees the old generation or the new one
        handle = os.open(self.index_dir, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)

    def remove_old_generations(self, now: float | None = None) -> None:
        """Remove generations replaced more than KEEP_OLD_SECONDS ago (and half-built ones as old)."""
        current = os.path.realpath(self.live) if self.live.exists() else None
        moment = time.time() if now is None else now
        for folder in self.index_dir.glob(NEW_PREFIX + "*"):
            if str(folder.resolve()) == current:
                continue
            try:
                if moment - folder.stat().st_mtime > KEEP_OLD_SECONDS:
                    shutil.rmtree(folder, ignore_errors=True)
            except FileNotFoundError:
                continue


def _items(searcher: Any) -> Iterator[Mapping[str, Any]]:
    """The stored data of every live item (small: the texts are in their own documents)."""
    for docnum in whoosh_query.Term("kind", "item").docs(searcher):
        yield searcher.stored_fields(docnum)


def _signatures(searcher: Any, numbers: Iterable[str] | None = None) -> dict[str, tuple[str, str, int]]:
    if numbers is None:
        items: Iterable[Mapping[str, Any]] = _items(searcher)
    else:
        found = (searcher.document_number(archive_no=number) for number in numbers)
        items = (searcher.stored_fields(docnum) for docnum in found if docnum is not None)
    return {item["archive_no"]: (item["data"]["s"], item["data"]["t"], item["data"]["i"]) for item in items}


def _meta(searcher: Any) -> dict[str, int]:
    docnum = searcher.document_number(archive_no=META_KEY)
    return searcher.stored_fields(docnum)["data"] if docnum is not None else {"next": 0, "generations": 0}


def _current_iids(searcher: Any) -> dict[str, int]:
    return {item["archive_no"]: item["data"]["i"] for item in _items(searcher)}


def _dead(searcher: Any) -> set[int]:
    dead: set[int] = set()
    for docnum in whoosh_query.Term("kind", "dead").docs(searcher):
        dead.update(array("I", searcher.stored_fields(docnum)["data"]["d"]))
    return dead


def _compact(searcher: Any, writer: Any, fresh: _Postings, dead: set[int]) -> None:
    """Merge every generation of postings (and the new one) into one, dropping dead iids."""
    dead |= _dead(searcher)
    merged = _Postings()
    for docnum in whoosh_query.Term("kind", "post").docs(searcher):
        for token, packed in searcher.stored_fields(docnum)["data"]["p"].items():
            found = array("I", packed)
            if dead:
                found = array("I", (iid for iid in found if iid not in dead))
            if found:
                merged.ids.setdefault(token, array("I")).extend(found)
    for token, found in fresh.ids.items():
        merged.ids.setdefault(token, array("I")).extend(found)
    writer.delete_by_term("kind", "post")
    writer.delete_by_term("kind", "dead")
    _write_buckets(writer, merged)


def _fsync_tree(folder: Path) -> None:
    for path in folder.iterdir():
        with open(path, "rb") as stream:
            os.fsync(stream.fileno())
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


class IndexSearcher:
    """Set algebra over the postings of one consistent view, and the stored items."""

    def __init__(self, searcher: Any, folder: Path) -> None:
        self._searcher = searcher
        self._folder = folder
        self._buckets: dict[int, dict[str, bytes]] = {}
        try:
            self._dead = _dead(searcher)
        except Exception as err:  # noqa: BLE001
            raise _corrupt(folder, err) from None

    def _guarded(self, work: Any, *args: Any) -> Any:
        try:
            return work(*args)
        except (IntegrityError, NotFoundError):
            raise
        except Exception as err:  # noqa: BLE001 - every way Whoosh fails on a damaged folder
            raise _corrupt(self._folder, err) from err

    def postings(self, token: str, meta: bool = False) -> set[int]:
        """The live items holding ``token`` (with ``meta``: in their metadata)."""
        return self._guarded(self._postings, META_PREFIX + token if meta else token)

    def _postings(self, token: str) -> set[int]:
        found: set[int] = set()
        key = bucket_of(token).encode("ascii")
        reader = self._searcher.reader()
        if ("bucket", key) not in reader:
            return found
        for docnum in reader.postings("bucket", key).all_ids():
            bucket = self._buckets.get(docnum)
            if bucket is None:
                bucket = self._buckets[docnum] = self._searcher.stored_fields(docnum)["data"]["p"]
            packed = bucket.get(token)
            if packed:
                found.update(array("I", packed))
        return found - self._dead if self._dead else found

    def filtered(self, filters: Filters) -> set[int]:
        """The live items passing ``filters``."""
        return self._guarded(self._filtered, filters)

    def _filtered(self, filters: Filters) -> set[int]:
        parts: list[Any] = [whoosh_query.Term("kind", "item")]
        for name, value in (("unit", filters.unit), ("category", filters.category), ("owner", filters.owner)):
            if value:
                parts.append(whoosh_query.Term(name, value))
        if filters.date_from or filters.date_to:
            parts.append(whoosh_query.TermRange("date", filters.date_from, filters.date_to))
        stored = self._searcher.stored_fields
        return {stored(docnum)["data"]["i"] for docnum in whoosh_query.And(parts).docs(self._searcher)}

    def item(self, iid: int) -> Candidate:
        """The text of an item, to check and show; its metadata (``shown``) only when ``shown`` is read."""
        return self._guarded(self._item, iid)

    def _item(self, iid: int) -> Candidate:
        docnum = self._searcher.document_number(iid=f"t{iid}")
        if docnum is None:
            raise LookupError(f"text of item {iid} missing")
        text = self._searcher.stored_fields(docnum)["data"]
        return Candidate(
            iid,
            zlib.decompress(text["z"]).decode("utf-8"),
            zlib.decompress(text["f"]).decode("utf-8"),
            text["b"],
            frozenset(text["c"]),
            self,
        )

    def shown(self, iid: int) -> tuple[str, Mapping[str, Any]]:
        """档号 and what results show of an item (title, path, …)."""
        return self._guarded(self._shown, iid)

    def _shown(self, iid: int) -> tuple[str, Mapping[str, Any]]:
        docnum = self._searcher.document_number(iid=str(iid))
        if docnum is None:
            raise LookupError(f"item {iid} missing")
        stored = self._searcher.stored_fields(docnum)
        return stored["archive_no"], stored["data"]

    def doc_count(self) -> int:
        return len(self.filtered(Filters()))
