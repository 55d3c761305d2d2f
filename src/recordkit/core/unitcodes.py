"""Unit codes: the canonical code of every kind of unit (``3-2-1201``, ``5-1201``, ``别墅12``,
``商铺S-101``, ``车位B1-023``, ``储藏室3-12``, with an optional phase ``二期·3-2-1201``).

Owns parsing every spelling the office writes, building a code from spreadsheet cells, spotting a
code inside a file name and the display form printed on paper (``3栋2单元1201室``).  Knows nothing of
the ledger or the settings: whether the unit exists is for the caller to ask, and the estate's
phases come in as a plain spelling → name mapping (``phase_spellings``).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from recordkit.core.errors import NotFoundError, ValidationError

__all__ = [
    "no_such_unit",
    "no_such_units",
    "unit_not_in_ledger",
    "DWELLINGS",
    "RENOVATED",
    "KINDS",
    "Building",
    "KIND_WORDS",
    "UnitCode",
    "find_unit_code",
    "find_unit_codes",
    "fold_spelling",
    "high_rise_code_in",
    "parse_building",
    "parse_phase",
    "parse_unit_code",
    "parse_unit_kind",
    "begins_a_building",
    "phase_spellings",
    "unit_code_from_parts",
]

#: The kinds of unit, in the order listings sort them.
FLAT, VILLA, SHOP, PARKING, STOREROOM = "住宅", "别墅", "商铺", "车位", "储藏室"
KINDS = (FLAT, VILLA, SHOP, PARKING, STOREROOM)
#: The kinds people live in: nobody lives in a shop, a parking space or a storeroom (no 居住证明 for one).
DWELLINGS = (FLAT, VILLA)
#: The kinds that are fitted out (装修: registered, billed a deposit, given passes).  Nobody fits out a parking space;
#: a storeroom is kept as it was handed over: water, power or partitions put in one to be lived in are a violation to
#: stop, not works to register, and a coat of paint needs no deposit.
RENOVATED = (FLAT, VILLA, SHOP)

#: Words a clerk writes for each kind (in a code or in a 房屋类型 cell).
KIND_WORDS: dict[str, tuple[str, ...]] = {
    FLAT: ("住宅", "普通住宅", "高层住宅", "多层住宅", "洋房", "公寓", "住房"),
    VILLA: ("别墅", "独栋别墅", "联排别墅", "双拼别墅", "叠拼别墅"),
    SHOP: ("商铺", "底商", "门面", "门市", "店铺", "铺位", "商业", "商铺房"),
    PARKING: ("车位", "停车位", "地下车位", "地下停车位", "地面车位", "机械车位", "车库"),
    STOREROOM: ("储藏室", "储藏间", "储物间", "地下室", "杂物间", "储物室"),
}
_WORD_KIND = {word: kind for kind, words in KIND_WORDS.items() for word in words}
# The words that may stand in a code (a flat is never named by a word inside its code).
_CODE_WORDS = "|".join(
    sorted((w for k, ws in KIND_WORDS.items() if k != FLAT for w in ws if w != "商业"), key=len, reverse=True)
)

_EXAMPLE = "应写成 楼栋-单元-房号，例如 3-2-1201 或 5栋1201室（别墅、商铺、车位如 12号别墅、商铺S-101、车位B1-023）"

# Dash look-alikes that NFKC leaves alone (or maps only for some forms);
# scanners' file names and copied Word text are full of them.
_DASHES = str.maketrans(dict.fromkeys("‐‑‒–—―−─﹘﹣－", "-") | dict.fromkeys("•・･‧∙", "·"))

# Canonical parts, as stored in UnitCode.  Leading zeros are gone and a part
# is never zero: an empty Excel cell read as 0 must not become a unit.
_BUILDING_CANON = re.compile(r"(?P<letter>[A-Z]?)(?P<number>[1-9][0-9]{0,3})?")
_ENTRANCE_CANON = re.compile(r"[1-9][0-9]?")
_ROOM_CANON = re.compile(r"(?P<number>[1-9][0-9]{0,4})(?P<letter>[A-Z]?)")
# A building without 单元 numbers its rooms floor by floor: at least three digits (101, 1201), so
# that "3-2" is never read as building 3, room 2.
_FLOOR_ROOM_CANON = re.compile(r"[1-9][0-9]{2,4}[A-Z]?")
# Its building has at most three digits, so that "2024-1201" is no code.
_FLOOR_BUILDING_CANON = re.compile(r"[A-Z]?(?:[1-9][0-9]{0,2})?")
# The number of a villa, shop, parking space or storeroom: letters and digits, at most three
# segments joined by "-", kept as painted (B1-023 keeps its zero).
_LABEL_SEGMENT = r"[A-Z0-9]{1,5}"
_LABEL_CANON = re.compile(rf"(?=[A-Z-]*[0-9]){_LABEL_SEGMENT}(?:-{_LABEL_SEGMENT}){{0,2}}")
# A phase's name: Chinese, letters or digits, no separator.
_PHASE_CANON = re.compile(r"[^\s\-_/·#]{1,16}")

# Raw parts as written.  The digit limits (building 4, entrance 2, room 5
# significant digits) keep a long number such as a scan serial from passing
# for a building when a code is searched for inside a file name.  ``zeros`` is how
# many leading zeros a part may carry: any number in a cell, at most one inside a
# longer text, where "SJ2026-000001_3-2-1201" must not yield building 1 (000001).
# A line may end after a separator (a PDF's "3-2-↵1201"), never before one: a line that starts with "-1201"
# below one ending in "3" or "3-2" holds another number (a refund, a page number "- 1 -").
_SEP = r"[^\S\n]*[-_/]\s*"
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

_BUILDING_ONLY = _raw_parts("0*")[0]
# A ground-floor shop in a roster: 单元 0 ("3-0-101", "3栋0单元101").
_ZERO_ENTRANCE = re.compile(
    rf"{_BUILDING_ONLY}(?:{_BUILDING_MARKER}{_AFTER_MARKER}|{_SEP})0+(?:{_ENTRANCE_MARKER}{_AFTER_MARKER}|{_SEP})"
    rf"(?P<room>0*[1-9][0-9]{{0,4}}[A-Z]?)(?:{_ROOM_MARKER})?"
)
# A building without 单元 has at most three digits (``_FLOOR_BUILDING_CANON``).
_FLOOR_BUILDING_ONLY = r"(?P<building>[A-Z](?:0*[1-9][0-9]{0,2})?|0*[1-9][0-9]{0,2})"
# Buildings without 单元: "5栋1201", "A座1201室", "5-1201", "5#1201".
_NO_ENTRANCE = re.compile(
    rf"{_FLOOR_BUILDING_ONLY}{_BUILDING_MARKER}{_AFTER_MARKER}(?P<room>0*[1-9][0-9]{{2,4}}[A-Z]?)(?:{_ROOM_MARKER})?"
    rf"|(?P<building2>[A-Z](?:[1-9][0-9]{{0,2}})?|[1-9][0-9]{{0,2}}){_SEP}(?P<room2>[1-9][0-9]{{2,4}}[A-Z]?)"
)
# "2栋3楼5号": floor and number; the room is floor × 100 + number, as the door says (305).
_FLOOR_NUMBER = re.compile(
    rf"{_FLOOR_BUILDING_ONLY}\s*(?:号楼|栋|幢|座|#){_AFTER_MARKER}(?P<floor>0*[1-9][0-9]?)\s*(?:楼|层|F)\s*"
    rf"(?P<number>0*[1-9][0-9]{{0,2}})\s*[室号]?"
)
# Inside a longer text only the form with both markers is safe ("5栋1201室"; "3号楼2026年" is no code).
_NO_ENTRANCE_EMBEDDED = re.compile(
    r"(?<![0-9A-Z])(?P<building>[A-Z](?:0?[1-9][0-9]{0,2})?|0?[1-9][0-9]{0,2})\s*(?:号楼|栋|幢|座)\s*"
    r"(?P<room>0?[1-9][0-9]{2,4}[A-Z]?)\s*室"
)

_LABEL_RAW = rf"{_LABEL_SEGMENT}(?:\s*[-_/]\s*{_LABEL_SEGMENT}){{0,2}}"
_WORD_FIRST = re.compile(
    rf"(?:{_BUILDING_ONLY}{_BUILDING_MARKER}{_AFTER_MARKER})?(?P<word>{_CODE_WORDS})\s*(?:[-_/:：]\s*)?"
    rf"(?P<label>{_LABEL_RAW})\s*(?:号|室)?"
)
_WORD_LAST = re.compile(
    rf"(?:{_BUILDING_ONLY}{_BUILDING_MARKER}{_AFTER_MARKER})?(?P<label>{_LABEL_RAW})\s*(?:号|室|栋|幢)?\s*"
    rf"(?P<word>{_CODE_WORDS})"
)
_WORD_EMBEDDED = re.compile(
    rf"(?<![0-9A-Z])(?P<word>{_CODE_WORDS})\s*(?:[-_]\s*)?(?P<label>{_LABEL_RAW})(?![0-9A-Z])"
    rf"|(?<![0-9A-Z-])(?P<label2>{_LABEL_RAW})\s*号?\s*(?P<word2>别墅)"
)

# Two characters every word of _CODE_WORDS holds (储藏室 holds 储藏, 地下停车位 holds 车位, ...).
_WORD_STEMS = ("别墅", "商铺", "底商", "门面", "门市", "店铺", "铺位", "车位", "车库", "储藏", "储物", "地下室", "杂物")

# A date written with separators: 4-digit first part, a month, a day.
_DATE = re.compile(
    r"(?<![0-9A-Z])[0-9]{4}\s*([-_/.])\s*(?:0?[1-9]|1[0-2])\s*\1\s*"
    r"(?:0?[1-9]|[12][0-9]|3[01])(?![0-9A-Z])"
)

# Chinese numerals before a marker: 九幢, 二单元, 十二号楼, 三楼.  Read with cn2an.
_CN_NUMERAL = re.compile(r"[零〇一二两三四五六七八九十百千]+(?=\s*(?:号楼|栋|幢|座|单元|楼|层|号|室|#))")
# A phase written without a name list: 一期, 第二期, 2期, A区.
#: A 分期 cell holding only a number: that 期.
_BARE_PHASE_NUMBER = re.compile(r"[0-9]{1,2}")
_GENERIC_PHASE = re.compile(r"第?(?P<name>[0-9]{1,2}|[零〇一二两三四五六七八九十]{1,3}|[A-Z])(?P<marker>[区期])")

_BUILDING_SUFFIXES = ("#楼", "号楼", "栋", "幢", "座", "#", "楼")
_ENTRANCE_SUFFIXES = ("单元",)
_ROOM_SUFFIXES = ("室", "号")
_KIND_ORDER = {kind: index for index, kind in enumerate(KINDS)}
# A building number at the end of a 楼栋 label (二期10, A区B): ``Building.of_typed``.
_GROUP_BUILDING = re.compile(r"[A-Z]?(?:[1-9][0-9]{0,3})?$")


def _natural(text: str) -> tuple[tuple[int, int | str], ...]:
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in re.findall(r"[0-9]+|[^0-9]+", text))


@dataclass(frozen=True)
class UnitCode:
    """One unit, always in canonical form: ``str(code) == "3-2-1201"``.

    A flat (住宅) has a building ``3`` / ``A3`` / ``B``, an entrance ``2`` (empty in a building without
    单元, whose room then has at least three digits) and a room ``1201`` / ``1201A``.  A villa, shop,
    parking space or storeroom has only its number, kept in ``room`` (``A12``, ``S-101``, ``B1-023``);
    its code is the kind's name and the number (``商铺S-101``).  ``phase`` is the 区/期 the unit lies
    in, empty when the estate has none; its code starts with it (``二期·3-2-1201``).
    Codes are deliberately not orderable (string order would put building 10 before 2): sort with
    ``sorted(codes, key=lambda c: c.sort_key)``.
    Constructing one directly with a non-canonical part raises ``ValueError``;
    clerk input goes through ``parse_unit_code`` or ``unit_code_from_parts``.
    """

    building: str
    entrance: str
    room: str
    kind: str = FLAT
    phase: str = ""

    def __post_init__(self) -> None:
        if self.kind == FLAT:
            valid = (
                bool(self.building)
                and _BUILDING_CANON.fullmatch(self.building) is not None
                and (
                    _ENTRANCE_CANON.fullmatch(self.entrance) is not None
                    and _ROOM_CANON.fullmatch(self.room) is not None
                    or self.entrance == ""
                    and _FLOOR_BUILDING_CANON.fullmatch(self.building) is not None
                    and _FLOOR_ROOM_CANON.fullmatch(self.room) is not None
                )
            )
        else:
            valid = (
                self.kind in KINDS
                and self.building == ""
                and self.entrance == ""
                and _LABEL_CANON.fullmatch(self.room) is not None
            )
        if not valid or (self.phase and not _PHASE_CANON.fullmatch(self.phase)):
            raise ValueError(
                f"not a canonical unit code: {self.building!r}, {self.entrance!r}, {self.room!r}, "
                f"{self.kind!r}, {self.phase!r}"
            )

    def __str__(self) -> str:
        phase = f"{self.phase}·" if self.phase else ""
        if self.kind != FLAT:
            return f"{phase}{self.kind}{self.room}"
        if not self.entrance:
            return f"{phase}{self.building}-{self.room}"
        return f"{phase}{self.building}-{self.entrance}-{self.room}"

    @property
    def display(self) -> str:
        """The unit as paper names it: ``3栋2单元1201室``, ``5栋1201室``, ``12号别墅``, ``商铺S-101``,
        ``地下车位B1-023``, ``储藏室3-12``; a phase comes first (``二期3栋2单元1201室``).
        ``parse_unit_code`` reads it back to the same code (given the estate's phases)."""
        if self.kind == FLAT:
            entrance = f"{self.entrance}单元" if self.entrance else ""
            text = f"{self.building}栋{entrance}{self.room}室"
        elif self.kind == VILLA:
            text = f"{self.room}号别墅" if self.room[-1].isdigit() else f"别墅{self.room}"
        elif self.kind == PARKING:
            text = ("地下车位" if re.match(r"B[0-9]", self.room) else "车位") + self.room
        else:
            text = f"{self.kind}{self.room}"
        return self.phase + text

    @property
    def sort_key(self) -> tuple[Any, ...]:
        """Natural order: its group's (``Building.sort_key``: phase, kind, building), then 2 before 10 (lettered buildings
        after numbered ones), entrance, and room 201 before 1201 before 1201A; other kinds by number."""
        group = Building.of_unit(self).sort_key
        if self.kind != FLAT:
            return (*group, 0, 0, "", _natural(self.room))
        room = re.fullmatch(r"(?P<number>[0-9]+)(?P<letter>[A-Z]?)", self.room)
        assert room is not None  # checked in __post_init__
        return (*group, int(self.entrance or 0), int(room["number"]), room["letter"], ())


@dataclass(frozen=True)
class Building:
    """One building of flats, in canonical form: ``number`` as in a unit code (``3``, ``A3``) and the
    phase it stands in (empty when the estate has none, or for the phase written without a name).
    ``str()`` is how the code of its units starts (``二期·1``), ``display`` how paper names it (``二期1栋``).

    Villas, shops, parking spaces and storerooms stand in no building: a phase's units of one such
    ``kind`` are grouped as one (``number`` empty): ``二期别墅``, ``商铺`` — as the monthly report's 楼栋
    column names them."""

    phase: str
    number: str
    kind: str = FLAT

    @classmethod
    def of_unit(cls, code: UnitCode) -> Building:
        """The group ``code`` stands in: its building, or its phase's units of its kind."""
        return cls(code.phase, code.building) if code.building else cls(code.phase, "", code.kind)

    @classmethod
    def of_typed(cls, typed: str, phases: Iterable[str]) -> Building:
        """The group a 楼栋 label names, as ``typed`` writes it (``二期10``, ``第一期别墅``, ``A区B``, ``3``): the longest
        of ``phases`` (the estate's phase names: required, since a guess splits ``PARK3`` as phase PAR, building K3) it
        starts with when the rest is a kind or a building number (``PARK3`` of phase PARK is building 3); else guessed —
        a phase the estate never declared (二期10 of the generic 二期) —: a kind at its end, else the building number
        there; the phase before it."""
        for phase in sorted((phase for phase in phases if phase and typed.startswith(phase)), key=len, reverse=True):
            rest = typed[len(phase) :]
            if rest in KINDS[1:]:
                return cls(phase, "", rest)
            if _BUILDING_CANON.fullmatch(rest) and rest:
                return cls(phase, rest)
        kind = next((kind for kind in KINDS[1:] if typed.endswith(kind)), None)
        if kind is not None:
            return cls(typed[: -len(kind)], "", kind)
        building = _GROUP_BUILDING.search(typed)
        assert building is not None  # it matches the empty text at the end
        return cls(typed[: building.start()], building.group())

    @property
    def sort_key(self) -> tuple[Any, ...]:
        """Natural order, as ``UnitCode.sort_key`` begins: phase (``_phase_order``: 一期, 二期 … 十期, A区, then
        named ones), kind (flats first), building 2 before 10, lettered buildings after numbered ones."""
        if self.kind != FLAT:
            return (_phase_order(self.phase), _KIND_ORDER[self.kind], "", 0)
        building = _BUILDING_CANON.fullmatch(self.number)
        assert building is not None  # a canonical building number
        return (_phase_order(self.phase), 0, building["letter"], int(building["number"] or 0))

    @property
    def part(self) -> str:
        """What the group is named by after its phase: the building's number, or the kind."""
        return self.number if self.kind == FLAT else self.kind

    def __str__(self) -> str:
        return f"{self.phase}·{self.part}" if self.phase else self.part

    @property
    def display(self) -> str:
        return f"{self.phase}{self.number}栋" if self.kind == FLAT else self.typed

    @property
    def typed(self) -> str:
        """How a clerk types it for ``--building`` (``3``, ``二期1``, ``二期别墅``), and how the monthly
        report's 楼栋 column names it."""
        return f"{self.phase}{self.part}"


class PhaseEntry(Protocol):
    """One phase as recordkit.toml declares it (``[[office.phases]]``)."""

    @property
    def name(self) -> str: ...

    @property
    def spellings(self) -> tuple[str, ...]: ...


def phase_spellings(entries: Iterable[PhaseEntry]) -> dict[str, str]:
    """The estate's phases as the mapping the parsers take: every spelling (and the name itself),
    normalized, → the phase's name.  ``ValidationError`` for a name that cannot stand in a code, a
    spelling given to two phases, or two phases of one number (2期 and 二期, 第二期 and 二期: a code's 第二期
    would go to either)."""
    table: dict[str, str] = {}
    # A numbered spelling's number (二期 for 2期, 第二期) → the first phase spelt so, and how (for the message).
    numbers: dict[str, tuple[str, str]] = {}
    for entry in entries:
        name = _normalize(entry.name).strip()
        if not _PHASE_CANON.fullmatch(name) or name[-1].isdigit():
            raise ValidationError(
                f"分区名称“{entry.name}”无效：应为不含空格和横线的名称，不以数字结尾，例如 一期、香榭丽舍"
            )
        for spelling in (entry.name, *entry.spellings):
            key = _normalize(spelling).strip()
            if not key:
                continue
            if table.get(key, name) != name:
                raise ValidationError(f"分区写法“{spelling}”同时属于“{table[key]}”和“{name}”")
            table[key] = name
            if numbered := _GENERIC_PHASE.fullmatch(key):
                number = _generic_phase_name(numbered)
                first, first_spelling = numbers.setdefault(number, (name, key))
                if first != name:
                    raise ValidationError(
                        f"分区{_spelt(first, first_spelling)}和{_spelt(name, key)}是同一个编号（{number}），请合并或改名"
                    )
    return table


def _spelt(name: str, spelling: str) -> str:
    """A phase as a message names it: “二期”, or “香榭丽舍”（写法“3期”） when one of its spellings is meant."""
    return f"“{name}”" if spelling == name else f"“{name}”（写法“{spelling}”）"


def fold_spelling(text: str) -> str:
    """NFKC (full-width digits, letters, dashes), one kind of dash and dot, upper case: how a code a
    clerk typed (a unit, a receipt number) is compared."""
    return unicodedata.normalize("NFKC", text).translate(_DASHES).upper()


def _normalize(text: str) -> str:
    """``fold_spelling``, a run of dashes as one."""
    return re.sub(r"-{2,}", "-", fold_spelling(text))  # "3——2——1201"


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def as_typed(typed: str, folded: str, fold: Callable[[str], str] = _nfkc) -> str:
    """The part of ``typed``, a text as the clerk typed it, that ``fold`` (NFKC unless told) makes ``folded``, a part
    of the folded text a message names (房号“３－２－１２０ＸＹ”中的房号“１２０ＸＹ”, not “120XY”; a name ＡＢＣ物业, kept as
    ABC物业): what the clerk finds again in what they typed.  ``folded`` itself when no part of ``typed`` folds to it
    (a Chinese numeral read as a digit)."""
    if folded in typed:
        return folded
    for start in range(len(typed)):
        for end in range(start + 1, len(typed) + 1):
            if fold(typed[start:end]) == folded:
                return typed[start:end]
    return folded


def _arabic(numeral: str) -> str:
    import cn2an  # loaded on first use: only a code written in Chinese numerals needs it

    try:
        return str(int(cn2an.cn2an(numeral, "smart")))
    except (ValueError, KeyError, TypeError):
        return numeral


@functools.lru_cache(maxsize=64)
def _phase_order(phase: str) -> tuple[int, int, int, str, str]:
    """A phase's place in a list: none first; then the numbered ones by their number (一期, 第一期, 2期, 三期 … 十期,
    never by their characters: 三 before 二), the lettered ones by letter (A区, B区); then the others by name."""
    generic = _GENERIC_PHASE.fullmatch(phase)
    if not phase or generic is None:
        return (1 if phase else 0, 0, 0, "", phase)
    name = generic["name"]
    if name.isascii() and name.isalpha():
        return (1, -1, ord(name), generic["marker"], phase)  # before a named phase, after every numbered one
    number = name if name.isdigit() else _below_a_hundred(name) or _arabic(name)
    return (1, -2, int(number), generic["marker"], phase) if number.isdigit() else (1, 0, 0, "", phase)


_CN_DIGITS = "一二三四五六七八九"
_BELOW_A_HUNDRED = re.compile(rf"(?P<tens>[{_CN_DIGITS}]?十)?(?P<ones>[{_CN_DIGITS}])?")


def _below_a_hundred(numeral: str) -> str:
    """一 … 九十九 in digits, "" for any other numeral: a phase's number, read without loading cn2an (``_arabic``),
    which a command that only lists units must not pay for."""
    match = _BELOW_A_HUNDRED.fullmatch(numeral)
    if not numeral or match is None:
        return ""
    tens = match["tens"]
    ones = _CN_DIGITS.index(match["ones"]) + 1 if match["ones"] else 0
    return str((_CN_DIGITS.index(tens[0]) + 1 if len(tens) == 2 else 1) * 10 + ones if tens else ones)


def _arabic_numerals(text: str) -> str:
    """九幢二单元 → 9幢2单元: Chinese numerals standing before a marker become digits."""
    if not _CN_NUMERAL.search(text):
        return text
    return _CN_NUMERAL.sub(lambda match: _arabic(match.group()), text)


def _strip_zeros(digits: str) -> str:
    return digits.lstrip("0")


def _clean_building(building: str) -> str:
    letter = building[:1] if building[:1].isalpha() else ""
    return letter + _strip_zeros(building[len(letter) :])


def _clean_room(room: str) -> str:
    room_letter = room[-1] if room[-1].isalpha() else ""
    return _strip_zeros(room[: len(room) - len(room_letter)]) + room_letter


def _code_from_match(match: re.Match[str], phase: str = "") -> UnitCode:
    return UnitCode(
        building=_clean_building(match["building"]),
        entrance=_strip_zeros(match["entrance"]),
        room=_clean_room(match["room"]),
        phase=phase,
    )


def _label(text: str) -> str:
    return re.sub(r"\s*[-_/]\s*", "-", text.strip())


def _kind_code(word: str, label: str, building: str | None, phase: str) -> UnitCode:
    kind = _WORD_KIND[word]
    cleaned = _label(label)
    if building:
        cleaned = f"{_clean_building(building)}-{cleaned}"
    return UnitCode("", "", cleaned, kind=kind, phase=phase)


#: What a unit naming a phase the estate does not have asks: of the command line's user, the setting that lists the
#: phases; of the web page's, who never edits recordkit.toml, the unit again, or the administrator.
PHASES_ADVICE = "请检查 recordkit.toml 的 [[office.phases]]"
PHASES_ADVICE_ON_PAGE = "请核对房号；本小区的分区如有遗漏，请管理员检查设置"


def _canonical_phase(raw: str, phases: Mapping[str, str] | None, shown: str, *, cell: bool = False) -> str:
    """The phase's name for ``raw`` (normalized), written in the code ``shown``; with ``cell``, ``raw`` is a
    whole 分期 cell (``shown`` as typed): a bare number there is that 期 (2 → 二期, as 2期), never a phase
    called "2" (a phase name ending in a digit would run into the building: ``phase_spellings`` refuses one).  A
    numbered phase of ``phases`` takes every numeral spelling of its number (2期 takes 二期, 第二期, 第2期)."""
    name = raw.strip()
    where = f"分期“{shown}”" if cell else f"房号“{shown}”中的分区“{as_typed(shown, name, _normalize)}”"
    generic = _GENERIC_PHASE.fullmatch(name + "期" if cell and _BARE_PHASE_NUMBER.fullmatch(name) else name)
    if phases:
        if name in phases:
            return phases[name]
        if generic is not None:
            canonical = _generic_phase_name(generic)
            if canonical in phases:
                return phases[canonical]
            # A numbered phase is one whatever its numeral: 二期, 第二期 and 第2期 name the phase declared as 2期.
            same = {
                phases[spelling]
                for spelling in phases
                if (declared := _GENERIC_PHASE.fullmatch(spelling)) and _generic_phase_name(declared) == canonical
            }
            if len(same) == 1:
                return same.pop()
        known = "、".join(dict.fromkeys(phases.values()))
        raise ValidationError(
            f"{where}不在本小区的分区中（{known}），{PHASES_ADVICE}",
            form_message=f"{where}不在本小区的分区中（{known}），{PHASES_ADVICE_ON_PAGE}",
        )
    if generic is not None:
        return _generic_phase_name(generic)
    if cell and (not _PHASE_CANON.fullmatch(name) or name[-1].isdigit()):
        raise ValidationError(f"{where}无效，应写分区名称，例如 二期、第二期、2期 或 A区")
    if not _PHASE_CANON.fullmatch(name):
        raise ValidationError(f"{where}无效，例如 二期·3-2-1201 或 二期3栋2单元1201室")
    return name


def parse_phase(text: str | int | float, phases: Mapping[str, str] | None = None) -> str:
    """A 分期 cell (``二期``、``第二期``、``2期``、a bare ``2``、``A区``, or a spelling of ``phases``) to the
    phase's name.  ``ValidationError`` starting with 分期 for a cell that names no phase (of ``phases`` when
    given), or one ending in a digit that is not a bare number (``B2``: a building, not a phase)."""
    if isinstance(text, float) and text.is_integer():
        text = int(text)  # Excel hands a typed 2 back as 2.0
    shown = str(text).strip()
    return _canonical_phase(_normalize(shown).strip(), phases, shown, cell=True)


def _generic_phase_name(match: re.Match[str]) -> str:
    name = match["name"]
    if name.isdigit():
        name = _chinese_below_a_hundred(int(name)) or _chinese(int(name))
    return name + match["marker"]


def _chinese(number: int) -> str:
    import cn2an  # loaded on first use: only a phase numbered 100 or more needs it

    return str(cn2an.an2cn(str(number)))


def _chinese_below_a_hundred(number: int) -> str:
    """1 … 99 in Chinese numerals (2 二, 10 十, 12 十二, 20 二十), "" for any other: a phase written in digits (2期)
    named without loading cn2an, which every command pays for when it reads the estate's phases."""
    if not 0 < number < 100:
        return ""
    tens, ones = divmod(number, 10)
    written = ("" if tens < 2 else _CN_DIGITS[tens - 1]) + ("十" if tens else "")
    return written + (_CN_DIGITS[ones - 1] if ones else "")


# A phase spelling that could itself begin a building number (A, P2): not split off before a letter or digit.
_BUILDING_START = re.compile(r"[A-Z]?[0-9]*")


def begins_a_building(spelling: str) -> bool:
    """Whether a phase's spelling (a key of ``phase_spellings``' table) could itself begin a building number (A, P2):
    written right before a building's number it is read as part of it (A3 is building A3, not phase A's 3:
    ``_split_phase``), so that phase's buildings are typed with the dot (A·3) or another spelling (A区3)."""
    return bool(spelling) and _BUILDING_START.fullmatch(spelling) is not None


def _split_phase(normalized: str, phases: Mapping[str, str] | None, shown: str) -> tuple[str, str]:
    """The phase written at the start of a code (canonical name, or "") and the rest."""
    if "·" in normalized:
        raw, rest = normalized.split("·", 1)
        # Without the estate's phases a code with its dot is the code it is: 第一期·1-1-101 (a phase named 第一期, as a
        # command read it with the phases or the ledger keeps it) stays 第一期, never the generic 一期 of no unit.
        if not phases and _PHASE_CANON.fullmatch(raw.strip()):
            return raw.strip(), rest.strip()
        return _canonical_phase(raw, phases, shown), rest.strip()
    if phases:
        for spelling in sorted(phases, key=len, reverse=True):
            if normalized.startswith(spelling) and len(normalized) > len(spelling):
                rest = normalized[len(spelling) :]
                if begins_a_building(spelling) and rest[:1].isalnum():
                    continue  # "A" must not eat the A of "A3-2-101" or "A座"; "PARK" cannot start a building: PARK3 is its 3
                return phases[spelling], rest.lstrip(" -_/")
    generic = _GENERIC_PHASE.match(normalized)
    if generic is not None and len(normalized) > generic.end():
        return _canonical_phase(generic.group(), phases, shown), normalized[generic.end() :].lstrip(" -_/")
    return "", normalized


def _parse_body(body: str, phase: str) -> UnitCode | None:
    """The code in ``body`` (normalized, phase gone), or None when no grammar reads it."""
    if _DATE.fullmatch(body):
        return None
    if match := _FULL.fullmatch(body):
        return _code_from_match(match, phase)
    if match := _ZERO_ENTRANCE.fullmatch(body):
        return _kind_code("商铺", _clean_room(match["room"]), match["building"], phase)
    if match := _FLOOR_NUMBER.fullmatch(body):
        number = int(match["number"])
        door = number if number >= 100 else int(match["floor"]) * 100 + number
        if _FLOOR_ROOM_CANON.fullmatch(str(door)):
            return UnitCode(_clean_building(match["building"]), "", str(door), phase=phase)
    if match := _NO_ENTRANCE.fullmatch(body):
        building, room = match["building"] or match["building2"], match["room"] or match["room2"]
        return UnitCode(_clean_building(building), "", _clean_room(room), phase=phase)
    for grammar in (_WORD_FIRST, _WORD_LAST):
        if (match := grammar.fullmatch(body)) and _LABEL_CANON.fullmatch(_label(match["label"])):
            return _kind_code(match["word"], match["label"], match["building"], phase)
    return None


_PART_NAMES = {"building": "楼栋", "entrance": "单元", "room": "房号"}
_PART_EXPECTED = {
    "building": "应为数字或一个字母加数字，例如 3、A3 或 B",
    "entrance": "应为数字，例如 2",
    "room": "应为数字，末尾可带一个字母，例如 1201 或 1201A",
}
_LABEL_EXPECTED = "应为字母和数字（可用横线分成至多三段，每段至多5位）"
_KIND_EXAMPLES = {
    VILLA: "12号别墅 或 别墅A12",
    SHOP: "商铺S-101 或 1栋底商101",
    PARKING: "车位B1-023 或 地下车位023",
    STOREROOM: "储藏室12 或 3栋储藏室05",
}
# Three parts written with markers or separators, whatever each part holds: to say which one is wrong.
_LOOSE_PARTS = re.compile(
    r"(?P<building>[^\s\-_/#栋幢座楼单元室]+?)\s*(?:#\s*楼|号楼|栋|幢|座|#|楼|[-_/])\s*(?:[-_/]\s*)?"
    r"(?P<entrance>[^\s\-_/单元室]+?)\s*(?:单元|[-_/])\s*(?:[-_/]\s*)?"
    r"(?P<room>[^\s\-_/室]+?)\s*室?"
)


def _diagnosis(shown: str, body: str) -> str:
    """Why ``body`` is no code, naming the part that is wrong where one can be told."""
    for word in sorted(_WORD_KIND, key=len, reverse=True):
        if word in body and _WORD_KIND[word] != FLAT:
            kind = _WORD_KIND[word]
            label = body.replace(word, "", 1).strip(" -_/:：号室")
            return (
                f"房号“{shown}”中的{kind}编号“{as_typed(shown, label, _normalize)}”无效，{_LABEL_EXPECTED}，例如 {_KIND_EXAMPLES[kind]}"
                if label
                else f"房号“{shown}”缺少{kind}编号，例如 {_KIND_EXAMPLES[kind]}"
            )
    loose = _LOOSE_PARTS.fullmatch(body)
    if loose is not None and not _DATE.fullmatch(body):
        patterns = {"building": _BUILDING_RAW, "entrance": _ENTRANCE_RAW, "room": _ROOM_RAW}
        for part, pattern in patterns.items():
            if re.fullmatch(pattern, loose[part]) is None:
                return (
                    f"房号“{shown}”中的{_PART_NAMES[part]}“{as_typed(shown, loose[part], _normalize)}”无效，{_PART_EXPECTED[part]}；"
                    "房号可写成 3-2-1201 或 3栋2单元1201室"
                )
    return f"房号“{shown}”无法识别，{_EXAMPLE}"


def parse_unit_code(text: str, *, phases: Mapping[str, str] | None = None) -> UnitCode:
    """Read a unit code written any way the office writes one.

    Flats: ``3-2-1201``, ``3栋2单元1201室``, ``3幢2单元1201``, ``3号楼2单元1201``, ``3#2-1201``,
    ``九幢二单元101``, ``3_2_1201``, full-width forms, long dashes and spaces around the parts; without
    单元: ``5栋1201``, ``A座1201``, ``B2栋1412室``, ``2栋3楼5号`` (room 305), ``5-1201``.  Other kinds:
    ``12号别墅``, ``别墅A12``, ``商铺S-101``, ``底商101``, ``1栋底商101``, ``3-0-101`` (单元 0: a shop),
    ``车位B1-023``, ``地下车位 B1-023``, ``储藏室12``, ``3栋地下室05``.  Letters are upper-cased, leading
    zeros of buildings and rooms dropped (a shop's or parking space's number is kept as painted).
    A phase comes first: ``二期·3-2-1201``, ``二期3栋2单元1201室``, ``A区5栋1201``, or any spelling
    in ``phases`` (from ``phase_spellings``); when ``phases`` is given an unknown phase is an error.
    Without ``phases`` a code written with its dot is read as the code it is (``第一期·1-1-101`` of a phase named
    第一期 stays so): a code a command read with the phases, or one the ledger keeps, reads back unchanged.

    Raises ``ValidationError`` naming the input, the part that is wrong where it can tell, and
    valid examples, when the text is not one unit code (a date such as ``2026-11-02`` is not).
    """
    shown = text.strip()
    if not shown:
        raise ValidationError(f"房号不能为空，{_EXAMPLE}")
    phase, body = _split_phase(_normalize(shown), phases, shown)
    body = _arabic_numerals(body.strip())
    code = _parse_body(body, phase)
    if code is None:
        raise ValidationError(_diagnosis(shown, body))
    return code


def high_rise_code_in(label: str) -> UnitCode | None:
    """The flat a villa's number ``label`` spells — in a building with 单元, its room a floor and a door (``3-2-1201``,
    ``A-1-101``) — or None.  A villa is a house numbered by itself (``12号别墅``, ``别墅A-12``): such a number is a flat's
    code given the wrong kind."""
    try:
        code = parse_unit_code(label)
    except ValidationError:
        return None
    return code if code.kind == FLAT and code.entrance and _FLOOR_ROOM_CANON.fullmatch(code.room) else None


def parse_unit_kind(text: str) -> str:
    """A 房屋类型 cell as one of ``KINDS``: 住宅, 别墅 (独栋别墅 …), 商铺 (底商, 门面 …), 车位
    (停车位, 车库 …), 储藏室 (地下室, 储物间 …).  ``ValidationError`` lists the kinds."""
    word = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text)))
    if word in _WORD_KIND:
        return _WORD_KIND[word]
    raise ValidationError(
        f"房屋类型“{str(text).strip()}”无效，应为 {'、'.join(KINDS)} 之一（或 地下室、底商、停车位 等）"
    )


def _embedded_codes(without_dates: str) -> list[UnitCode]:
    found: list[tuple[int, int, UnitCode]] = []
    for match in _EMBEDDED.finditer(without_dates):
        found.append((match.start(), -match.end(), _code_from_match(match)))
    # Plain substring tests first: most texts hold neither 室 nor a kind's word, and a scan of a long
    # document with these patterns costs more than the old grammar alone.
    rooms = "室" in without_dates
    for match in _NO_ENTRANCE_EMBEDDED.finditer(without_dates) if rooms else ():
        code = UnitCode(_clean_building(match["building"]), "", _clean_room(match["room"]))
        found.append((match.start(), -match.end(), code))
    words = any(stem in without_dates for stem in _WORD_STEMS)
    for match in _WORD_EMBEDDED.finditer(without_dates) if words else ():
        word, label = match["word"] or match["word2"], match["label"] or match["label2"]
        if _LABEL_CANON.fullmatch(_label(label)):
            found.append((match.start(), -match.end(), _kind_code(word, label, None, "")))
    found.sort(key=lambda item: (item[0], item[1]))
    codes: list[UnitCode] = []
    end = -1
    for start, negative_end, code in found:
        if start >= end:
            codes.append(code)
            end = -negative_end
    return codes


def find_unit_code(text: str) -> UnitCode | None:
    """Return the first unit code written inside ``text``, or ``None``.

    Meant for file and folder names: ``3-2-1201_产权证明_20261102.pdf``,
    ``业主档案/3#2-1201/产权证明.pdf``, ``车位B1-023_租赁合同.pdf``, ``5栋1201室 入伙资料.pdf``.
    A code must not touch other letters or digits, dates (``2026-11-02``, ``2026/11/02``) are never
    taken for one, and a building without 单元 counts only with both 栋 and 室 written.
    """
    codes = find_unit_codes(text)
    return codes[0] if codes else None


def _clean_text(value: str) -> str:
    return _arabic_numerals(re.sub(r"\s+", "", _normalize(value)))


def _without_suffix(cleaned: str, suffixes: tuple[str, ...]) -> str:
    """``cleaned`` less the first of ``suffixes`` it ends with (never all of it: "栋" stays "栋")."""
    for suffix in suffixes:
        if cleaned.endswith(suffix) and len(cleaned) > len(suffix):
            return cleaned[: -len(suffix)]
    return cleaned


#: A whole number as text with zeros after its point: 101.0, 1201.00 (as pandas and some systems write a number to
#: a CSV).
_WHOLE_WITH_ZEROS = re.compile(r"(\d+)\.0+")


_Cell = TypeVar("_Cell", bound=str | int | float | None)


def _whole_number(value: _Cell) -> _Cell | int:
    """A unit part's cell as the number it is when it holds a whole one: a float (3.0, as Excel hands numbers over) or
    text with only zeros after the point (``101.0`` in a CSV) is that int; anything else as it is (3.5, ``101.5``)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and (whole := _WHOLE_WITH_ZEROS.fullmatch(_normalize(value).strip())) is not None:
        return int(whole[1])
    return value


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
    # Excel hands numbers over as floats, a CSV may hold them as 101.0: 3.0 is building 3, 3.5 is a typo.
    value = _whole_number(value)
    if isinstance(value, float):
        raise invalid
    if isinstance(value, int):
        cleaned = str(value)
    else:
        cleaned = _without_suffix(_clean_text(value), suffixes)
    if re.fullmatch(pattern, cleaned) is None:
        raise invalid
    return cleaned


def _invalid_part_message(part: str, value: str | int | float | None) -> str:
    shown = value.strip() if isinstance(value, str) else str(value)
    return f"{_PART_NAMES[part]}“{shown}”无效，{_PART_EXPECTED[part]}"


def _entrance_number(entrance: str | int | float | None) -> int | None:
    """0 or -1 when the 单元 cell says so (a shop, a storeroom), else None."""
    if isinstance(entrance, bool) or entrance is None:
        return None
    entrance = _whole_number(entrance)
    if isinstance(entrance, (int, float)):
        return int(entrance) if entrance in (0, -1) else None
    cleaned = _clean_text(entrance).removesuffix("单元")
    return int(cleaned) if re.fullmatch(r"0+|-0*1", cleaned) else None


def _is_blank(value: str | int | float | None) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _label_part(part: str, value: str | int | float | None, suffixes: tuple[str, ...], kind: str) -> str:
    """A building or room cell as a segment of the number of a ``kind`` (villa, shop …); ``ValidationError`` saying
    how that kind is numbered for a cell that is none (别墅 beside A座)."""
    value = _whole_number(value)
    cleaned = _without_suffix(_clean_text(str(value)), suffixes)
    if isinstance(value, bool) or not re.fullmatch(_LABEL_RAW, cleaned):
        raise ValidationError(
            f"{_PART_NAMES[part]}“{str(value).strip()}”无效：{kind}编号{_LABEL_EXPECTED}，例如 {_KIND_EXAMPLES[kind]}"
        )
    return _label(cleaned)


def parse_building(text: str, *, phases: Mapping[str, str] | None = None) -> Building:
    """The building a clerk names (``3``, ``3栋``, ``A座``, ``九幢``, ``二期1``, ``二期·1栋``), with the phase
    written before it read as in ``parse_unit_code`` (``phases`` from the estate's settings).  A building
    written without a phase is the one whose units' codes carry none (``1`` is 1栋 of 1-1-101, not of
    二期·1-101).  A kind of unit that stands in no building (``别墅``, ``二期商铺``, ``车位``: also
    ``停车位``, ``地下室`` …, as ``parse_unit_kind``) names the group of those units (``Building.kind``).
    ``ValidationError`` for anything else."""
    shown = text.strip()
    normalized = _arabic_numerals(_normalize(shown)).strip()
    phase, body = _split_phase(normalized, phases, shown)
    if _WORD_KIND.get(body, FLAT) != FLAT:
        return Building(phase, "", _WORD_KIND[body])
    body = _without_suffix(_clean_text(body), _BUILDING_SUFFIXES)
    if not re.fullmatch(_BUILDING_RAW, body):
        raise ValidationError(
            f"楼栋“{shown}”无效，应写楼栋号，例如 3、3栋、A座，分区的楼写作 二期1；别墅、商铺、车位、储藏室写作 别墅、二期商铺"
        )
    return Building(phase, _clean_building(body))


def unit_code_from_parts(
    building: str | int | float | None,
    entrance: str | int | float | None,
    room: str | int | float | None,
    *,
    kind: str | None = None,
    phase: str | None = None,
    phases: Mapping[str, str] | None = None,
) -> UnitCode:
    """Build a unit code from the cells of a spreadsheet row.

    Each cell may be text (``"3栋"``, ``"2单元"``, ``"1201室"``, ``"九幢"``, full-width or with
    spaces), an int or a whole float as Excel delivers it (``3.0``); an empty cell may arrive as
    ``None``.  Suffixes 栋/幢/号楼/#/楼/座, 单元 and 室/号 are dropped, leading zeros too.
    单元 0 is a shop (``商铺3-101``), 单元 -1 a storeroom (``储藏室3-5``).  ``kind`` (one of
    ``KINDS``, or a word ``parse_unit_kind`` reads) says what the row is: a flat may then have no
    单元, and another kind takes its number from the building and room cells (either may be empty).
    ``phase`` is the row's 区/期 cell, read by ``parse_phase`` (a bare number is that 期).  A flat's room
    cell that is exactly 单元-房号 (``2-1201``, ``2单元1201室``) beside a blank 单元 is that 单元 and room: the
    caller passes ``kind`` 住宅 with a blank 单元 only for a sheet without a 单元 column.

    Raises ``ValidationError`` naming the first part (楼栋, 单元 or 房号) that is
    empty, not a whole number, or not of the expected form.
    """
    phase_name = parse_phase(phase, phases) if phase is not None and str(phase).strip() else ""
    unit_kind = parse_unit_kind(kind) if kind is not None and str(kind).strip() else None
    special = _entrance_number(entrance)
    if unit_kind is None and special is not None:
        unit_kind = SHOP if special == 0 else STOREROOM
    if unit_kind is not None and unit_kind != FLAT:
        segments = [
            _label_part(part, value, suffixes, unit_kind)
            for part, value, suffixes in (("building", building, _BUILDING_SUFFIXES), ("room", room, _ROOM_SUFFIXES))
            if not _is_blank(value)
        ]
        if not _is_blank(entrance) and special is None:
            segments.insert(1, _label_part("entrance", entrance, _ENTRANCE_SUFFIXES, unit_kind))
        if not segments:
            raise ValidationError(f"房号不能为空，请填写{unit_kind}编号，例如 {_KIND_EXAMPLES[unit_kind]}")
        if segments and segments[0].isdigit() and len(segments) > 1:
            segments[0] = _strip_zeros(segments[0]) or "0"
        label = "-".join(segments)
        if not _LABEL_CANON.fullmatch(label):
            raise ValidationError(f"{unit_kind}编号“{label}”无效，{_LABEL_EXPECTED}，例如 {_KIND_EXAMPLES[unit_kind]}")
        return UnitCode("", "", label, kind=unit_kind, phase=phase_name)
    clean_building = _clean_part("building", building, _BUILDING_SUFFIXES, _BUILDING_RAW)
    if unit_kind == FLAT and _is_blank(entrance) and (both := _entrance_and_room(room)) is not None:
        entrance, room = both
    if unit_kind == FLAT and _is_blank(entrance):
        if not _FLOOR_BUILDING_CANON.fullmatch(_clean_building(clean_building)):
            raise ValidationError(f"楼栋“{clean_building}”无效：没有单元的楼栋号最多三位数字，例如 5、A12")
        clean_room = _clean_part("room", room, _ROOM_SUFFIXES, _ROOM_RAW)
        if not _FLOOR_ROOM_CANON.fullmatch(_clean_room(clean_room)):
            raise ValidationError(f"房号“{clean_room}”无效：没有单元的楼栋，房号应至少三位，例如 1201 或 305")
        return UnitCode(_clean_building(clean_building), "", _clean_room(clean_room), phase=phase_name)
    raw = "-".join(
        (
            clean_building,
            _clean_part("entrance", entrance, _ENTRANCE_SUFFIXES, _ENTRANCE_RAW),
            _clean_part("room", room, _ROOM_SUFFIXES, _ROOM_RAW),
        )
    )
    match = _FULL.fullmatch(raw)
    assert match is not None  # each part matched its own pattern above
    return _code_from_match(match, phase_name)


# A room cell that holds its 单元 too (2-1201, 2单元1201室), as exports that keep only the building apart write it.
# The room is numbered floor by floor (at least three digits, no leading zero): 12-01 may be floor 12, room 01.
_ENTRANCE_AND_ROOM = re.compile(
    rf"{_ENTRANCE_RAW}(?:{_ENTRANCE_MARKER}{_AFTER_MARKER}|{_SEP})(?P<room>{_FLOOR_ROOM_CANON.pattern})(?:{_ROOM_MARKER})?"
)


def _entrance_and_room(room: str | int | float | None) -> tuple[str, str] | None:
    """The 单元 and room a flat's room cell holds both of, when it is exactly 单元-房号 (``2-1201``, ``2单元1201室``);
    None for any other cell (a room alone, a number)."""
    if not isinstance(room, str) or (match := _ENTRANCE_AND_ROOM.fullmatch(_clean_text(room))) is None:
        return None
    return match["entrance"], match["room"]


def find_unit_codes(text: str, normalized: bool = False) -> list[UnitCode]:
    """Every unit code written inside ``text`` (in order, repeats kept), by the rules of ``find_unit_code``.

    Meant for the full text of a document, whose unit codes the search index keeps in canonical form;
    ``normalized`` says the text is NFKC with one kind of dash already (only upper-cased here).
    """
    without_dates = _DATE.sub(" ", text.upper() if normalized else _normalize(text))
    return _embedded_codes(_arabic_numerals(without_dates))


#: Every character other than ASCII that ``find_unit_codes`` can take into a code or look at around one (the
#: markers 栋 单元 室 …, the words of villas, shops and parking spaces, Chinese numerals).  A long text is cut
#: into the runs between other (Han, kana, hangul) characters before codes are looked for (``search.text``):
#: a pattern ``find_unit_codes`` comes to use must be listed here too (tests/test_search_tokens_fast.py).
CODE_CHARACTERS = frozenset(
    char
    for pattern in (_DATE, _CN_NUMERAL, _EMBEDDED, _NO_ENTRANCE_EMBEDDED, _WORD_EMBEDDED)
    for char in pattern.pattern
    if ord(char) > 127
)
#: What ``find_unit_codes`` reads as a digit (the numerals of ``_CN_NUMERAL``'s leading class too): a code holds one.
CODE_DIGITS = frozenset("0123456789") | frozenset(_CN_NUMERAL.pattern[1 : _CN_NUMERAL.pattern.index("]")])


def unit_not_in_ledger(code: object, elsewhere: Iterable[str] = (), also: str = "") -> str:
    """The words of one unit the ledger does not have, where a sheet's row or an archive item's review names it:
    台账中没有房屋 B-1-2004, asking about ``elsewhere``, the units of the same code in the estate's other phases
    (``ledger.db.unknown_units`` finds them): 台账中没有房屋 B-1-2004：是不是指 巴塞罗纳·B-1-2004 或 香榭丽舍·B-1-2004？
    ``also``, a command's own advice, is a sentence of its own before the question, which ends the message:
    台账中没有房屋 B-1-2004，公共区域请用 --place。是不是指 …？"""
    others = list(elsewhere)
    said = f"台账中没有房屋 {code}"
    if not others:
        return f"{said}，{also}" if also else said
    return f"{said}，{also}。{_asked_about(others)}" if also else f"{said}：{_asked_about(others)}"


def _asked_about(others: list[str]) -> str:
    return f"是不是指 {' 或 '.join(others)}？"


def no_such_unit(code: object, elsewhere: Iterable[str] = (), also: str = "") -> NotFoundError:
    """The refusal of a unit the ledger does not have (a typo, a unit not imported yet), in every command's words
    (the archive room's search page, which has no command line: check the unit).  ``elsewhere`` are the units of
    the same code in the estate's other phases (``ledger.db.unknown_unit`` finds them): 3-2-1202 typed without its
    phase asks whether one of those was meant.  ``also``: a command's own advice after it (公共区域请用 --place)."""
    return no_such_units({code: elsewhere}, also)


def no_such_units(missing: Mapping[object, Iterable[str]], also: str = "") -> NotFoundError:
    """``no_such_unit`` of several units a command was given at once (``fees bill --unit A --unit B``), each unit
    with the units of its code in other phases: 台账中没有房屋 9-9-909、B-1-2004（是不是指 巴塞罗纳·B-1-2004 或
    香榭丽舍·B-1-2004？）：请用 recordkit owners list 查看已有房号.  One unit with such units only asks about them."""
    found = {code: list(others) for code, others in missing.items()}
    if len(found) == 1 and (only := next(iter(found.items())))[1]:
        asked = unit_not_in_ledger(*only, also=also)
        return NotFoundError(asked, form_message=asked)
    named = "、".join(f"{code}（{_asked_about(others)}）" if others else str(code) for code, others in found.items())
    return NotFoundError(
        f"台账中没有房屋 {named}：请用 recordkit owners list 查看已有房号{'，' + also if also else ''}",
        form_message=f"台账中没有房屋 {named}：请核对房号{'，' + also if also else ''}",
    )
