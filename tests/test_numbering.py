"""``core.numbering``: a work order's or a renovation's number as a clerk types it, read to the stored form."""

from __future__ import annotations

import pytest

from recordkit.core.numbering import Serial, find_numbered, read_serial, stored_form


@pytest.mark.parametrize(
    ("typed", "width", "stored"),
    [
        ("gd2026-1", 6, "GD2026-000001"),
        ("ＧＤ２０２６－１", 6, "GD2026-000001"),
        ("GD2026—1", 6, "GD2026-000001"),
        ("GD2026-0000001", 6, "GD2026-000001"),
        (" zx2026–12 ", 4, "ZX2026-0012"),
        ("报修-2026-1", 6, "报修-2026-000001"),
        ("GD2026-1234567", 6, "GD2026-1234567"),
        # Not a number of this shape: folded as typed, to be found by nothing.
        ("GD2026-1abc", 6, "GD2026-1ABC"),
        ("GD26-1", 6, "GD26-1"),
        # A pass number (a registration's number and the pass's sequence) is not read as a prefix "ZX2026-" and a
        # year 0001: no number of this shape, left as typed.
        ("ZX2026-0001-01", 4, "ZX2026-0001-01"),
        ("GD2026-000001-01", 6, "GD2026-000001-01"),
        ("", 6, ""),
    ],
)
def test_a_number_is_read_to_its_stored_form(typed: str, width: int, stored: str) -> None:
    assert stored_form(typed, width) == stored


def test_the_parts_of_a_number() -> None:
    assert read_serial("zx2026-0001") == Serial("ZX", 2026, 1)
    assert read_serial("ZX2026-1-1") is None


def test_a_prefix_stored_in_lower_case_is_found_by_year_and_sequence_when_it_reads_the_same() -> None:
    class Row:
        def __init__(self, number: str) -> None:
            self.number = number

    stored = {(2026, 1): Row("gd2026-000001")}
    none = lambda exact: None  # noqa: E731
    assert find_numbered("GD2026-000001", 6, none, lambda y, s: stored.get((y, s))).number == "gd2026-000001"
    assert find_numbered("WX2026-000001", 6, none, lambda y, s: stored.get((y, s))) is None
    assert find_numbered("GD2026-000002", 6, none, lambda y, s: stored.get((y, s))) is None
