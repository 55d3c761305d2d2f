"""Unit codes: the canonical ``building-entrance-room`` form (``3-2-1201``).

Owns parsing every spelling the office writes, building a code from three
spreadsheet cells and spotting a code inside a file name.  Knows nothing of the
ledger: whether the unit exists is for the caller to ask.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from recordkit.core.errors import ValidationError

__all__ = [
    "UnitCode",
    "find_unit_code",
    "parse_unit_code",
    "unit_code_from_parts",
]

_EXAMPLE = "应写成 楼栋-单元-房号，例如 3-2-1201"

# Dash look-alikes that NFKC leaves alone (or maps only for some forms);
# scanners' file names and copied Word text are full of them.
_DASHES = str.maketrans(dict.fromkeys("‐‑‒–—―−─﹘﹣－", "-"))

# Canonical parts, as stored in UnitCode.  Leading zeros are gone and a part
# is never zero: an empty Excel cell read as 0 must not become a unit.
_BUILDING_CANON = re.compile(r"(?P<letter>[A-Z]?)(?P<number>[1-9][0-9]{0,3})?")
_ENTRANCE_CANON = re.compile(r"[1-9][0-9]?")
_ROOM_CANON = re.compile(r"(?P<number>[1-9][0-9]{0,4})(?P<letter>[A-Z]?)")

# Raw parts as written.  The digit limits (building 4, entrance 2, room 5
# significant digits) keep a long number such as a scan serial from passing
# for a building when a code is searched for inside a file name.  ``zeros`` is how
# many leading zeros a part may carry: any number in a cell, at most one inside a
# longer text, where "SJ2026-000001_3-2-1201" must not yield building 1 (000001).
_SEP = r"\s*[-_/]\s*"
_AFTER_MARKER = r"\s*(?:[-_/]\s*)?"
_BUILDING_MARKER = r"\s*(?:#\s*楼|号楼|栋|幢|座|#|楼)"
_ENTRANCE_MARKER = r"\s*单元"
_ROOM_MARKER = r"\s*[室号]"


def _raw_parts(zeros: str) -> tuple[str, str, str]:
    return (
        rf"(?P<building>[A-Z](?:{zeros}[1-9][0-9]{{0,3}})?|{zeros}[1-9][0-9]{{0,3}})",
        rf"(?P<entrance>{zeros}[1-9][0-9]?)",
        rf"(?P<room>{zeros}[1-9][0-9]{{0,4}}[A-Z]?)",
    )


def _grammar(zeros: str) -> str:
    building, entrance, room = _raw_parts(zeros)
    return (
        rf"{building}(?:{_BUILDING_MARKER}{_AFTER_MARKER}|{_SEP})"
        rf"{entrance}(?:{_ENTRANCE_MARKER}{_AFTER_MARKER}|{_SEP})"
        rf"{room}(?:{_ROOM_MARKER})?"
    )


_BUILDING_RAW, _ENTRANCE_RAW, _ROOM_RAW = _raw_parts("0*")
_FULL = re.compile(_grammar("0*"))
# Inside a longer text a code must not be glued to other letters or digits:
# "20261102" or "IMG3-2-1201" hold no code.
_EMBEDDED = re.compile(rf"(?<![0-9A-Z]){_grammar('0?')}(?![0-9A-Z])")

# A date written with separators: 4-digit first part, a month, a day.
_DATE = re.compile(
    r"(?<![0-9A-Z])[0-9]{4}\s*([-_/.])\s*(?:0?[1-9]|1[0-2])\s*\1\s*"
    r"(?:0?[1-9]|[12][0-9]|3[01])(?![0-9A-Z])"
)

_BUILDING_SUFFIXES = ("#楼", "号楼", "栋", "幢", "座", "#", "楼")
_ENTRANCE_SUFFIXES = ("单元",)
_ROOM_SUFFIXES = ("室", "号")


@dataclass(frozen=True)
class UnitCode:
    """One unit, always in canonical form: ``str(code) == "3-2-1201"``.

    Parts are strings without leading zeros: building ``3`` / ``A3`` / ``B``,
    entrance ``2``, room ``1201`` / ``1201A``.  Codes are deliberately not
    orderable (string order would put building 10 before 2): sort with
    ``sorted(codes, key=lambda c: c.sort_key)``.
    Constructing one directly with a non-canonical part raises ``ValueError``;
    clerk input goes through ``parse_unit_code`` or ``unit_code_from_parts``.
    """

    building: str
    entrance: str
    room: str

    def __post_init__(self) -> None:
        if (
            not self.building
            or not _BUILDING_CANON.fullmatch(self.building)
            or not _ENTRANCE_CANON.fullmatch(self.entrance)
            or not _ROOM_CANON.fullmatch(self.room)
        ):
            raise ValueError(f"not a canonical unit code: {self.building!r}, {self.entrance!r}, {self.room!r}")

    def __str__(self) -> str:
        return f"{self.building}-{self.entrance}-{self.room}"

    @property
    def sort_key(self) -> tuple[str, int, int, int, str]:
        """Natural order: building 2 before 10 (lettered buildings after
        numbered ones), then entrance, then room 201 before 1201 before 1201A."""
        building = _BUILDING_CANON.fullmatch(self.building)
        room = _ROOM_CANON.fullmatch(self.room)
        assert building is not None and room is not None  # checked in __post_init__
        return (
            building["letter"],
            int(building["number"] or 0),
            int(self.entrance),
            int(room["number"]),
            room["letter"],
        )


def _normalize(text: str) -> str:
    """NFKC (full-width digits, letters, dashes), one kind of dash, upper case."""
    folded = unicodedata.normalize("NFKC", text).translate(_DASHES).upper()
    return re.sub(r"-{2,}", "-", folded)  # "3——2——1201"


def _strip_zeros(digits: str) -> str:
    return digits.lstrip("0")


def _code_from_match(match: re.Match[str]) -> UnitCode:
    building = match["building"]
    letter = building[:1] if building[:1].isalpha() else ""
    room = match["room"]
    room_letter = room[-1] if room[-1].isalpha() else ""
    return UnitCode(
        building=letter + _strip_zeros(building[len(letter) :]),
        entrance=_strip_zeros(match["entrance"]),
        room=_strip_zeros(room[: len(room) - len(room_letter)]) + room_letter,
    )


def parse_unit_code(text: str) -> UnitCode:
    """Read a unit code written any way the office writes one.

    Accepts ``3-2-1201``, ``3栋2单元1201室``, ``3幢2单元1201``, ``3号楼2单元1201``,
    ``3#2-1201``, ``3#楼2单元1201``, ``3栋-2单元-1201``, ``3_2_1201``,
    ``3/2/1201``, full-width forms, long dashes and spaces around the parts.
    Building letters are upper-cased (``a3`` → ``A3``), leading zeros dropped.

    Raises ``ValidationError`` naming the input and the expected form when the
    text is not one unit code (a date such as ``2026-11-02`` is not).
    """
    shown = text.strip()
    if not shown:
        raise ValidationError(f"房号不能为空，{_EXAMPLE}")
    normalized = _normalize(shown)
    match = _FULL.fullmatch(normalized)
    if match is None or _DATE.fullmatch(normalized):
        raise ValidationError(f"房号“{shown}”无法识别，{_EXAMPLE}")
    return _code_from_match(match)


def find_unit_code(text: str) -> UnitCode | None:
    """Return the first unit code written inside ``text``, or ``None``.

    Meant for file and folder names: ``3-2-1201_产权证明_20261102.pdf``,
    ``业主档案/3#2-1201/产权证明.pdf``.  A code must not touch other letters or
    digits, and dates (``2026-11-02``, ``2026/11/02``) are never taken for one.
    """
    normalized = _normalize(text)
    # Blank out dates first, so that "2026-11-02-3-2-1201" still yields 3-2-1201
    # and no part of a date is read as a building or an entrance.
    without_dates = _DATE.sub(" ", normalized)
    match = _EMBEDDED.search(without_dates)
    return None if match is None else _code_from_match(match)


_PART_NAMES = {"building": "楼栋", "entrance": "单元", "room": "房号"}
_PART_EXPECTED = {
    "building": "应为数字或一个字母加数字，例如 3、A3 或 B",
    "entrance": "应为数字，例如 2",
    "room": "应为数字，末尾可带一个字母，例如 1201 或 1201A",
}


def _invalid_part_message(part: str, value: str | int | float | None) -> str:
    shown = value.strip() if isinstance(value, str) else str(value)
    return f"{_PART_NAMES[part]}“{shown}”无效，{_PART_EXPECTED[part]}"


# A sheet repeats its buildings and entrances thousands of times; typed, so that
# True (refused) and 1 (building 1) are not the same key.
@functools.lru_cache(maxsize=4096, typed=True)
def _clean_part(
    part: str,
    value: str | int | float | None,
    suffixes: tuple[str, ...],
    pattern: str,
) -> str:
    """One spreadsheet cell as checked raw text: suffix and spaces gone."""
    name = _PART_NAMES[part]
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValidationError(f"{name}不能为空，请填写{name}")
    invalid = ValidationError(_invalid_part_message(part, value))
    if isinstance(value, bool):  # bool is an int; TRUE in a cell is not a number
        raise invalid
    if isinstance(value, float):
        # Excel hands numbers over as floats: 3.0 is building 3, 3.5 is a typo.
        if not value.is_integer():
            raise invalid
        value = int(value)
    if isinstance(value, int):
        cleaned = str(value)
    else:
        cleaned = re.sub(r"\s+", "", _normalize(value))
        for suffix in suffixes:
            if cleaned.endswith(suffix) and len(cleaned) > len(suffix):
                cleaned = cleaned[: -len(suffix)]
                break
    if re.fullmatch(pattern, cleaned) is None:
        raise invalid
    return cleaned


def unit_code_from_parts(
    building: str | int | float | None,
    entrance: str | int | float | None,
    room: str | int | float | None,
) -> UnitCode:
    """Build a unit code from the three cells of a spreadsheet row.

    Each cell may be text (``"3栋"``, ``"2单元"``, ``"1201室"``, full-width or
    with spaces), an int or a whole float as Excel delivers it (``3.0``);
    an empty cell may arrive as ``None``.  Suffixes 栋/幢/号楼/#/楼/座, 单元 and
    室/号 are dropped, leading zeros too.

    Raises ``ValidationError`` naming the first part (楼栋, 单元 or 房号) that is
    empty, not a whole number, or not of the expected form.
    """
    raw = "-".join(
        (
            _clean_part("building", building, _BUILDING_SUFFIXES, _BUILDING_RAW),
            _clean_part("entrance", entrance, _ENTRANCE_SUFFIXES, _ENTRANCE_RAW),
            _clean_part("room", room, _ROOM_SUFFIXES, _ROOM_RAW),
        )
    )
    match = _FULL.fullmatch(raw)
    assert match is not None  # each part matched its own pattern above
    return _code_from_match(match)


def find_unit_codes(text: str, normalized: bool = False) -> list[UnitCode]:
    """Every unit code written inside ``text`` (in order, repeats kept), by the rules of ``find_unit_code``.

    Meant for the full text of a document, whose unit codes the search index keeps in canonical form;
    ``normalized`` says the text is NFKC with one kind of dash already (only upper-cased here).
    """
    without_dates = _DATE.sub(" ", text.upper() if normalized else _normalize(text))
    return [_code_from_match(match) for match in _EMBEDDED.finditer(without_dates)]
