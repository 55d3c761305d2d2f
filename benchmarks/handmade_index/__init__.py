"""The hand-made search index of recordkit before issue 16 (Whoosh used as a blob store: hashed posting
buckets, candidate sets intersected in Python, each candidate checked against its stored text), kept
verbatim from tag ``archive-layout-done`` as the baseline of ``benchmarks/bench_search.py``.  Not part
of the package; needs ``whoosh-reloaded``, which the package no longer depends on."""
