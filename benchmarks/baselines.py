"""The issue's two library baselines for ``bench_search.py``: Whoosh used as designed and Tantivy with positions.

Both index the very tokens recordkit's FTS5 index holds (``recordkit.search.indexer.make_doc``: the same
folding, CJK bigrams, canonical unit/date/档号 tokens, one token stream per weighted column) and answer the
same parsed queries (``recordkit.search.query.parse_query``) with the same exactness: a term is a phrase
of its tokens with positions, a term ending in a single CJK character ends in a prefix, filters on
category and date, exclusions.  Ranking is each library's own BM25 (Whoosh: BM25F with the column
weights as field boosts; Tantivy: BM25 with boosted per-field queries).  Each search opens the index and a
searcher, as ``recordkit search`` opens its index.  Neither library is a dependency of recordkit: they are
the ``bench`` extra, and a missing one is skipped with a printed line.
"""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from recordkit.archive.archivist import ArchiveItem
from recordkit.archive.extract import stored_text
from recordkit.core.workspace import Workspace
from recordkit.search.backends.base import COLUMNS, IndexDoc, Phrase
from recordkit.search.backends.sqlite import WEIGHTS
from recordkit.search.indexer import make_doc
from recordkit.search.query import Query, parse_query

WEIGHT = dict(zip(COLUMNS, WEIGHTS, strict=True))


def make_docs(workspace: Workspace, items: Sequence[ArchiveItem]) -> list[IndexDoc]:
    """recordkit's tokens of every item (timed as part of each baseline's build, as in recordkit's)."""
    return [make_doc(item, (), stored_text(workspace, item), "") for item in items]


def _phrases(query: Query) -> tuple[list[list[Phrase]], list[Phrase]]:
    return [[term.phrase for term in group] for group in query.groups], [term.phrase for term in query.excluded]


class WhooshBaseline:
    """Whoosh used as designed: one TEXT field per column with positions (phrase=True), BM25F with the column
    weights as field boosts, phrases as ``Sequence`` (the last token a ``Prefix`` when the term ends in one CJK
    character), filters as ID terms and a term range."""

    name = "Whoosh（按设计使用）"

    def __init__(self, folder: Path) -> None:
        self.folder = folder / "whoosh-baseline"

    @staticmethod
    def available() -> str | None:
        try:
            import whoosh  # noqa: F401
        except ImportError:
            return "Whoosh 未安装（pip install '.[bench]'），跳过"
        return None

    def _schema(self) -> Any:
        from whoosh import analysis, fields

        tokens = analysis.SpaceSeparatedTokenizer()
        return fields.Schema(
            archive_no=fields.ID(stored=True, unique=True),
            category=fields.ID(),
            date=fields.ID(),
            **{column: fields.TEXT(analyzer=tokens, phrase=True, field_boost=WEIGHT[column]) for column in COLUMNS},
        )

    def build(self, docs: Iterable[IndexDoc]) -> None:
        from whoosh import index

        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        writer = index.create_in(str(self.folder), self._schema()).writer(limitmb=256)
        for doc in docs:
            writer.add_document(**self._fields(doc))
        writer.commit()

    def add(self, docs: Iterable[IndexDoc]) -> None:
        from whoosh import index

        writer = index.open_dir(str(self.folder)).writer()
        for doc in docs:
            writer.update_document(**self._fields(doc))
        writer.commit()

    @staticmethod
    def _fields(doc: IndexDoc) -> dict[str, str]:
        values = {column: doc.columns.get(column, "") for column in COLUMNS}
        return {"archive_no": doc.archive_no, "category": doc.category, "date": doc.date, **values}

    def _phrase(self, phrase: Phrase) -> Any:
        from whoosh import query as q

        options = []
        for column in COLUMNS:
            parts = [q.Term(column, token) for token in phrase.tokens]
            if phrase.prefix:
                parts[-1] = q.Prefix(column, phrase.tokens[-1])
            options.append(parts[0] if len(parts) == 1 else q.Sequence(parts))
        return q.Or(options)

    def _query(self, query: Query) -> Any:
        from whoosh import query as q

        groups, excluded = _phrases(query)
        parts: list[Any] = [q.Or([self._phrase(phrase) for phrase in group]) for group in groups]
        if query.category:
            parts.append(q.Term("category", query.category))
        if query.date_from or query.date_to:
            low = query.date_from.isoformat() if query.date_from else "0"
            high = query.date_to.isoformat() if query.date_to else "9"
            parts.append(q.TermRange("date", low, high))
        found = q.And(parts) if len(parts) > 1 else parts[0]
        if excluded:
            found = q.AndNot(found, q.Or([self._phrase(phrase) for phrase in excluded]))
        return found

    def search(self, text: str, limit: int | None) -> list[str]:
        from whoosh import index

        with index.open_dir(str(self.folder)).searcher() as searcher:
            return [hit["archive_no"] for hit in searcher.search(self._query(parse_query(text)), limit=limit)]

    def size(self) -> float:
        return sum(p.stat().st_size for p in self.folder.rglob("*") if p.is_file()) / 1e6


class TantivyBaseline:
    """Tantivy with positions: one ``whitespace``-tokenized field per column (index_option=position), BM25,
    per-column queries boosted by the column weights, phrases as phrase queries (``phrase_prefix_query``
    or a prefix regex when the term ends in one CJK character), filters as a raw term and an integer range."""

    name = "Tantivy（带位置）"

    def __init__(self, folder: Path) -> None:
        self.folder = folder / "tantivy-baseline"
        self._schema: Any = None

    @staticmethod
    def available() -> str | None:
        try:
            import tantivy  # noqa: F401
        except ImportError:
            return "tantivy 未安装（pip install '.[bench]'），跳过"
        return None

    def _make_schema(self) -> Any:
        import tantivy

        builder = tantivy.SchemaBuilder()
        builder.add_text_field("archive_no", stored=True, tokenizer_name="raw")
        builder.add_text_field("category", tokenizer_name="raw")
        builder.add_integer_field("date", indexed=True, fast=True)
        for column in COLUMNS:
            builder.add_text_field(column, tokenizer_name="whitespace", index_option="position")
        return builder.build()

    def build(self, docs: Iterable[IndexDoc]) -> None:
        import tantivy

        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        self._schema = self._make_schema()
        index = tantivy.Index(self._schema, path=str(self.folder))
        writer = index.writer(heap_size=256_000_000, num_threads=1)
        for doc in docs:
            writer.add_document(self._document(doc))
        writer.commit()
        writer.wait_merging_threads()

    def add(self, docs: Iterable[IndexDoc]) -> None:
        import tantivy

        index = tantivy.Index(self._schema, path=str(self.folder))
        writer = index.writer(heap_size=64_000_000, num_threads=1)
        for doc in docs:
            writer.delete_documents_by_term("archive_no", doc.archive_no)
            writer.add_document(self._document(doc))
        writer.commit()
        writer.wait_merging_threads()

    @staticmethod
    def _document(doc: IndexDoc) -> Any:
        import tantivy

        values: dict[str, Any] = {column: doc.columns.get(column, "") for column in COLUMNS}
        date = int(doc.date.replace("-", "")) if doc.date else 0
        return tantivy.Document(archive_no=doc.archive_no, category=doc.category, date=date, **values)

    def _phrase(self, phrase: Phrase) -> Any:
        import tantivy

        q, occur, schema = tantivy.Query, tantivy.Occur, self._schema
        options = []
        for column in COLUMNS:
            tokens = list(phrase.tokens)
            if len(tokens) == 1 and phrase.prefix:
                found = q.regex_query(schema, column, re.escape(tokens[0]) + ".*")
            elif phrase.prefix:
                found = q.phrase_prefix_query(schema, column, tokens)
            elif len(tokens) == 1:
                found = q.term_query(schema, column, tokens[0])
            else:
                found = q.phrase_query(schema, column, tokens)
            options.append((occur.Should, q.boost_query(found, WEIGHT[column])))
        return q.boolean_query(options)

    def _query(self, query: Query) -> Any:
        import tantivy

        q, occur = tantivy.Query, tantivy.Occur
        groups, excluded = _phrases(query)
        parts = [(occur.Must, q.boolean_query([(occur.Should, self._phrase(p)) for p in group])) for group in groups]
        if query.category:
            parts.append((occur.Must, q.term_query(self._schema, "category", query.category)))
        if query.date_from or query.date_to:
            low = int(query.date_from.strftime("%Y%m%d")) if query.date_from else 1
            high = int(query.date_to.strftime("%Y%m%d")) if query.date_to else None
            parts.append((occur.Must, q.range_query(self._schema, "date", tantivy.FieldType.Integer, low, high)))
        parts += [(occur.MustNot, self._phrase(phrase)) for phrase in excluded]
        return q.boolean_query(parts)

    def search(self, text: str, limit: int | None) -> list[str]:
        import tantivy

        index = tantivy.Index.open(str(self.folder))
        searcher = index.searcher()
        found = self._query(parse_query(text))
        if limit is None:
            limit = max(1, searcher.num_docs)
        return [searcher.doc(address)["archive_no"][0] for _score, address in searcher.search(found, limit).hits]

    def size(self) -> float:
        return sum(p.stat().st_size for p in self.folder.rglob("*") if p.is_file()) / 1e6


def timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


BASELINES = (WhooshBaseline, TantivyBaseline)
