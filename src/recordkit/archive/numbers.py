"""Which catalogued item a 档号 as a clerk types it names: written in full, as said aloud or read off a box label
(``YZ-2026-1``, ``yz2026-001``), current or former (a number it had before its category was corrected).  Reads the
catalogue only; numbering new items is ``archivist``'s.  Light: the journal's listing uses it without the readers."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from recordkit.ledger.schema import archive_aliases, archive_items

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

#: A 档号 as said aloud or read off a box label: the prefix, the year and the sequence without its leading zeros
#: (``YZ-2026-1``, ``YZ2026-1`` for YZ-2026-00001), after ``normalise_no``.
SAID_ALOUD = re.compile(r"(?P<prefix>[A-Z]{1,16})-?(?P<year>[0-9]{4})-(?P<seq>[0-9]{1,9})")


def normalise_no(text: str) -> str:
    """A typed 档号 folded as numbers are compared: full-width to half-width, blanks around it dropped, upper case."""
    return unicodedata.normalize("NFKC", str(text)).strip().upper()


def item_row(conn: Connection, number: str) -> Any:
    """The catalogue row of the item whose 档号 is, or was before its category was corrected, ``number`` (already
    ``normalise_no``-ed) — written in full or as said aloud (``SAID_ALOUD``: its prefix, year and sequence, whatever
    the zeros); None when there is none."""
    said = SAID_ALOUD.fullmatch(number)
    ways: list[Callable[[Any], Any]] = [lambda table: table.c.archive_no == number]
    if said is not None:
        parts = (said["prefix"], int(said["year"]), int(said["seq"]))
        ways.append(
            lambda table: sa.and_(table.c.prefix == parts[0], table.c.year == parts[1], table.c.seq == parts[2])
        )
    for named in ways:  # the current number first, then a former one (archive_aliases)
        row = conn.execute(sa.select(archive_items).where(named(archive_items))).first()
        if row is None:
            row = conn.execute(
                sa.select(archive_items)
                .join(archive_aliases, archive_aliases.c.item_id == archive_items.c.id)
                .where(named(archive_aliases))
            ).first()
        if row is not None:
            return row
    return None


def item_numbers(conn: Connection, typed: str) -> list[str]:
    """Every 档号 of the item ``typed`` names (``item_row``): its current number, then those it had before, oldest
    first — the keys its journal entries are under; empty when ``typed`` names no item."""
    row = item_row(conn, normalise_no(typed))
    if row is None:
        return []
    former = conn.execute(
        sa.select(archive_aliases.c.archive_no)
        .where(archive_aliases.c.item_id == row.id)
        .order_by(archive_aliases.c.id)
    ).scalars()
    return [row.archive_no, *former]
