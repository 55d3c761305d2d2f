"""Numbers as clerks type them off paper or a chat: the spellings the work-order and renovation tests both read
(``core.numbering``), written out by hand rather than made by the code under test."""

from __future__ import annotations


def full_width(text: str) -> str:
    """``text`` as a Chinese input method's full-width mode types it: ``ＧＤ２０２６－１``."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def spellings_of_the_first(said: str) -> tuple[str, ...]:
    """2026's first number under the prefix ``said`` as clerks type it: without or with zeros (any width), in lower
    case, full-width, with a long dash, with blanks around it."""
    return (
        f"{said}2026-1",
        f"{said.lower()}2026-1",
        full_width(f"{said}2026-1"),
        f"{said}2026-0001",
        f"{said}2026-000001",
        f"{said}2026—1",
        f"{said}2026–0001",
        f"{said}2026–000001",
        f"  {said}2026-1 ",
    )


def not_the_first(said: str, other_kind: str) -> tuple[str, ...]:
    """Text that names no 2026's first number under ``said``: a tail after it, a pass's number, another prefix,
    another year or sequence, a number of ``other_kind``."""
    return (
        f"{said}2026-1abc",
        f"{said}2026-1-1",
        f"X{said}2026-1",
        f"{said}2025-1",
        f"{said}2026-2",
        other_kind,
    )
