"""The hand-made search index of recordkit before issue 16 (Whoosh used as a blob store: hashed posting
buckets, candidate sets intersected in Python, each candidate checked against its stored text), the baseline
of ``benchmarks/bench_search.py``.  Its index store (``index``) is kept verbatim from tag
``archive-layout-done``; its own tokens, candidate search and checks too, while what it shares unchanged with
recordkit (folding, the query language, the result types, the report of a run) is imported from
``recordkit.search``.  Not part of the package; needs ``whoosh-reloaded`` (the ``bench`` extra)."""
