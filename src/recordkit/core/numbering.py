"""A document's number as a clerk types it — a prefix, a four-digit year, a dash and a sequence: ``GD2026-1``,
``ｚｘ２０２６－０００１``, ``GD2026—1`` — read to the form the ledger writes at a given width, and the one way such a
number finds its row.  Knows no table: the caller hands in its queries.  A receipt number, whose pattern the office
sets, is read by ``billing.receipts``; a 档号 by ``archive.numbers``."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from recordkit.core.unitcodes import fold_spelling

#: The prefix as the office configured it (``GD``, ``zx``, ``报修-``), the year, the sequence with or without its zeros.
#: The year is one of this century or the last: ``ZX2026-0001-01`` (a pass) is no prefix ``ZX2026-`` and year 0001.
_SERIAL = re.compile(r"(?P<prefix>.*?)(?P<year>(?:19|20)[0-9]{2})-(?P<seq>[0-9]{1,9})")


def fold_number(text: str) -> str:
    """A number as typed, compared as written: full-width forms, any dash and lower case folded, blanks around it
    dropped."""
    return fold_spelling(str(text)).strip()


@dataclass(frozen=True)
class Serial:
    """A number's parts: its prefix (folded), year and sequence."""

    prefix: str
    year: int
    seq: int

    def written(self, width: int) -> str:
        """As the ledger writes it, the sequence ``width`` digits wide: ``GD2026-000001``."""
        return f"{self.prefix}{self.year:04d}-{self.seq:0{width}d}"


def read_serial(text: str) -> Serial | None:
    """The parts of the number ``text`` is, folded (``fold_number``), when it is that number and nothing more; None
    otherwise (text after the number, ``GD2026-1abc``, is no number)."""
    match = _SERIAL.fullmatch(fold_number(text))
    return Serial(match["prefix"], int(match["year"]), int(match["seq"])) if match else None


def stored_form(text: str, width: int) -> str:
    """The number ``text`` names as the ledger writes it with a sequence ``width`` digits wide (``GD2026-000001`` from
    ``gd2026—1``); other text folded as typed, to be found by nothing."""
    serial = read_serial(text)
    return serial.written(width) if serial else fold_number(text)


def find_numbered(
    wanted: str, width: int, by_number: Callable[[str], Any], by_serial: Callable[[int, int], Any]
) -> Any:
    """The row whose number is ``wanted`` (a ``stored_form``): ``by_number(wanted)``, else — the prefix stored as it
    was configured, which may be in lower case (``gd2026-000001``) — ``by_serial(year, seq)`` when that row's number
    reads the same; None when there is none.  Each callable returns a row with a ``number``, or None."""
    row = by_number(wanted)
    if row is None and (serial := read_serial(wanted)) is not None:
        row = by_serial(serial.year, serial.seq)
        if row is not None and stored_form(row.number, width) != wanted:
            return None
    return row
