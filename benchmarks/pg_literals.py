"""The PostgreSQL index's tsvectors as literals, written by the rules one token at a time: what a careful
engineer writes first (``bench_pg_copy.py``'s baseline, sent by COPY's text format) and what the tests hold
``postgresql.tsvectors``' binary form to (through the server, and decoded).  Positions, weights, the 256
positions a lexeme, 16383 as the last position, a lexeme's first 2,046 bytes, the trigram and pair rules as
written (``_trigram``, ``_pair``); no tsvector's size limit (none of these texts comes near it)."""

from __future__ import annotations

from recordkit.search.backends import postgresql


def quoted(token: str) -> str:
    """``token`` as a literal's lexeme: its first 2,046 bytes (whole characters), quotes and backslashes escaped."""
    cut = token.encode()[:2046].decode(errors="ignore")
    return "'" + cut.replace("\\", "\\\\").replace("'", "''") + "'"


def literals(columns: list[tuple[str, str]], filed_at: str = "") -> tuple[str, str, str]:
    """``tsv``, ``tri`` and ``pairs`` of (weight letter, tokens joined by spaces) columns, in order; ``tsv`` with
    the month of ``filed_at`` (``f:202508``, no position) when there is one."""
    positions: dict[str, list[str]] = {}
    trigrams: dict[str, None] = {}
    pairs: dict[str, None] = {}
    position = 0
    for weight, tokens in columns:
        before = ""
        for token in tokens.split():
            position += 1
            if token == "-":
                before = ""
                continue
            found = positions.setdefault(token, [])
            if len(found) < 256:
                found.append(f"{min(position, 16383)}{weight}")
            if before:
                if (trigram := postgresql._trigram(before, token)) is not None:
                    trigrams[trigram] = None
                elif (pair := postgresql._pair(before, token)) is not None:
                    pairs[pair] = None
            before = token
        position += 1
    month = [quoted("f:" + filed_at[:4] + filed_at[5:7])] if filed_at else []
    return (
        " ".join([*month, *(f"{quoted(token)}:{','.join(found)}" for token, found in positions.items())]),
        " ".join(quoted(trigram) for trigram in trigrams),
        " ".join(quoted(pair) for pair in pairs),
    )
