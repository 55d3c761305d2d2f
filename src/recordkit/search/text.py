"""How text becomes search tokens: the same folding and tokens for documents and for queries.

Owns normalisation (NFKC, case fold in NFKC, one kind of dash, one space for a run of one or two blanks, three for a
wider one; a line or page break between two CJK characters is layout, not a word boundary, and is removed, with a hyphen
left before it, and so is a blank or two a form pads a name with, 张 伟) and the token stream with positions:
each run of CJK characters as its bigrams followed by its last character, whole runs of letters and
digits, then canonical tokens for unit codes, days, months, archive numbers (a line that ends in a code's
separator goes on in the next one; two numbers on neighbouring lines are never one code), phone numbers
(however grouped, in their one stored form, as ``core.personal`` reads them to mask them) and ID numbers (however
grouped, their digits alone, as masking reads them).  A query term is the
phrase of its own stream, its last character a prefix: holding the phrase means containing the term.
Pure functions on strings; knows nothing of the index or of the archive.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections.abc import Iterable

from recordkit.core.dates import DateError, parse_date, parse_month
from recordkit.core.errors import ValidationError
from recordkit.core.personal import (
    BLANK,
    GAP_BLANKS,
    id_numbers_in_folded,
    phones_in_folded,
    read_id_number,
    read_phone,
)
from recordkit.core.unitcodes import CODE_CHARACTERS, CODE_DIGITS, find_unit_codes, parse_unit_code

# Dash look-alikes NFKC leaves alone; copied Word text and OCR are full of them.  Two marks of a PDF's text layer
# go with them: pdfium writes U+FFFE for a hyphen that ends a line after a letter (and leaves out the line end:
# "业主档-↵案" is read "业主档\ufffe案", "HT-↵2026-00003" "HT\ufffe2026-00003"), given back as the hyphen and the
# line end it stands for.
_DASHES = str.maketrans({**dict.fromkeys("‐‑‒–—―−─﹘﹣－", "-"), "\ufffe": "-\n"})
# A soft hyphen (U+00AD) is never printed but at a line end, and the invisible format characters text pasted from a
# web page or a chat brings along (a zero-width blank U+200B, a joiner U+200D, a word joiner U+2060, a BOM U+FEFF,
# direction marks) are never printed at all: no word boundary (停车\u200b管理 is 停车管理), all are left out —
# before normalising: left in, one keeps apart what it stands between (e, U+00AD, U+0301), which would be joined only
# when the folded text is folded again.  Tabs and line ends (control characters) are layout, and stay.
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]")
# A run of blanks up to the widest gap (``core.personal.GAP_BLANKS``: one or two) is one space, a wider run (a
# table's columns, three blanks or more) three: a name a form pads (张 伟, 张　伟, 张  伟) is read as one word, two
# columns are not, masking hides the numbers whose groups the same gaps part, and folding a folded text changes
# nothing.
_BLANKS_RUN = re.compile(rf"{BLANK}+")
_WIDE_FROM = GAP_BLANKS + 1


def _one_space(run: re.Match[str]) -> str:
    """A run of blanks as ``fold`` writes it: one space, or three for a wide one (one pass, a call per run only:
    a page of Chinese has a few runs, where a look-around pattern would be tried at every character)."""
    return " " if len(run.group()) < _WIDE_FROM else "   "


# Han (with extensions and compatibility forms), kana, hangul: text without spaces between words.
CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f"
_RUNS = re.compile(rf"(?P<cjk>[{CJK}]+)|(?P<word>[^\W_{CJK}]+)")
# The run tokens in one findall: at each CJK character the look-ahead takes its bigram (or the character alone at
# its run's end) and the match moves on by that one character; a run of letters and digits is taken whole.
_RUN_TOKENS = re.compile(rf"(?=([{CJK}][{CJK}]?|[^\W_{CJK}]+))(?:[{CJK}]|[^\W_{CJK}]+)")
_CJK_RUNS = re.compile(rf"[{CJK}]+")
_WORD_RUNS = re.compile(rf"[^\W_{CJK}]+")
_WORD_CHAR = re.compile(rf"[^\W_{CJK}]")
_HAS_DASH = re.compile("[" + "".join(chr(c) for c in _DASHES) + "]")

# Where a line may end inside a code or date: after its separator (3-2-↵1201, HT-2018-↵00417, 2025-03-↵15) or
# next to a Chinese marker (2026年11↵月3日), never right before a separator nor between two digits — a line that
# starts with "-1201" or "1103" below one ending in "3-2" or "2026" holds another number (a table's next column,
# a refund, a page number), and a PDF does not break a line there.  Blanks on the line are as before.
_BLANKS = r"[^\S\n]*"
_WHITESPACE = re.compile(r"\s+")
# Dates the office writes: 2025年3月15日, 2025-03-15, 2025.3.15, 2025/03/15, and 20250315 when it is a real
# day (one token: d:2025-03-15).
_DATES = re.compile(
    r"(?<![0-9])(?P<y>[12][0-9]{3})(?:\s*年\s*(?P<m1>[0-9]{1,2})\s*月\s*(?P<d1>[0-9]{1,2})\s*[日号]?"
    rf"|{_BLANKS}(?P<sep>[-/.])\s*(?P<m2>[0-9]{{1,2}}){_BLANKS}(?P=sep)\s*(?P<d2>[0-9]{{1,2}})"
    rf"|{_BLANKS}(?P<m3>[01][0-9])(?P<d3>[0-3][0-9]))(?![0-9])"
)
# Months: 2024年5月, 2024-05, 2024.5, 2024/05 not followed by a day (one token: m:2024-05; every day gives its
# month's token too, so that 2024年5月 finds 2024-05-08).
_MONTHS = re.compile(
    r"(?<![0-9])(?P<y>[12][0-9]{3})(?:\s*年\s*(?P<m1>[0-9]{1,2})\s*月(?!\s*[0-9])"
    rf"|{_BLANKS}(?P<sep>[-/.])\s*(?P<m2>[0-9]{{1,2}})(?![0-9])(?!{_BLANKS}(?P=sep)\s*[0-9]))"
)
# A line or page break (with the blanks around it, and a hyphen a PDF's text layer left before it) between two
# CJK characters: layout, not a boundary.  Chinese is not hyphenated: such a hyphen only marks the line end.  A
# folded text's one space (one or two blanks written) between two CJK characters is read the same: a form's
# padding inside a name (业主：张 伟).
# (The look-ahead for a blank or hyphen first lets the regex engine skip to one: a third faster on prose.)
_CJK_GAP = rf"(?:{_BLANKS}(?:-{_BLANKS})?\n\s*| )"
_CJK_BREAK = re.compile(rf"(?=[\s-])(?<=[{CJK}]){_CJK_GAP}(?=[{CJK}])")
# Characters a canonical token may hold besides letters and digits (the index keeps them inside a token).
TOKEN_CHARS = ":-"
_NOT_IN_TOKEN = re.compile(r"[^\w:-]|_")
_DIGIT = re.compile(r"[0-9]")
#: What may stand after the dash of a 档号 (or of a query term's letters and digits, ``term_pattern``): blanks, and
#: a line end with blanks after it.
CODE_LINE_END = rf"{_BLANKS}(?:\n{_BLANKS})?"
# 档号: YZ-2026-00001 (prefix letters, year, serial), kept whole; a line may end after either dash.
_ARCHIVE_NO = re.compile(
    rf"(?<![0-9a-z])[a-z]{{1,4}}-{CODE_LINE_END}[0-9]{{4}}-{CODE_LINE_END}[0-9]{{3,6}}(?![0-9a-z])"
)

UNIT_PREFIX, DATE_PREFIX, MONTH_PREFIX, NUMBER_PREFIX, PHONE_PREFIX = "u:", "d:", "m:", "n:", "t:"
ID_NUMBER_PREFIX = "i:"

# A long text's canonical tokens are looked for only in the runs between its prose: Han, kana and hangul
# characters (and CJK punctuation) that no canonical pattern holds or looks at.  Every pattern needs an
# ASCII letter, digit, blank or one of its own characters on both sides of a boundary it tests, so a prose
# character stops every match and every look-around just as the one ``_SEPARATOR`` between two kept runs
# does; runs without a digit (or a Chinese numeral) hold no token.  Same tokens, a text a third as long
# (tests/test_search_analysis.py checks the tokens against the whole text).
_PROSE_RANGES = (
    (0x3001, 0x303F),
    (0x3040, 0x30FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xAC00, 0xD7AF),
    (0xF900, 0xFAFF),
    (0x20000, 0x3134F),
)
CANONICAL_CHARACTERS = CODE_CHARACTERS | frozenset(
    char for pattern in (_DATES, _MONTHS, _ARCHIVE_NO) for char in pattern.pattern if ord(char) > 127
)


def _ranges_without(ranges: tuple[tuple[int, int], ...], kept: frozenset[str]) -> str:
    """A regex character class body: ``ranges`` less the characters in ``kept``."""
    parts: list[str] = []
    for low, high in ranges:
        start = low
        for code in sorted(ord(char) for char in kept if low <= ord(char) <= high):
            if code > start:
                parts.append(f"{chr(start)}-{chr(code - 1)}")
            start = code + 1
        if start <= high:
            parts.append(f"{chr(start)}-{chr(high)}")
    return "".join(parts)


_CODE_RUNS = re.compile(f"[^{_ranges_without(_PROSE_RANGES, CANONICAL_CHARACTERS)}]+")
_CODE_DIGIT = re.compile("[" + "".join(sorted(CODE_DIGITS)) + "]")
_SEPARATOR = "。"
#: Texts longer than this are cut to their code runs first (below it, cutting costs more than it saves).
_CUT_FROM = 160


def code_runs(folded: str) -> str:
    """The runs of ``folded`` that can hold a canonical token, in order, ``_SEPARATOR`` between two."""
    return _SEPARATOR.join([run for run in _CODE_RUNS.findall(folded) if _CODE_DIGIT.search(run)])


# The full-width punctuation of Chinese prose that NFKC changes (，；：（）！？ and the ideographic space), each
# with what NFKC makes of it: one ASCII character, its whole compatibility decomposition (。、“” stay as they are).
_PROSE_PUNCTUATION = tuple((char, unicodedata.normalize("NFKC", char)) for char in "，；：（）！？\u3000")


def _nfkc(text: str) -> str:
    """``unicodedata.normalize("NFKC", text)``, faster for Chinese prose: its full-width punctuation replaced
    first (by str.replace), so that most texts are then already in NFKC, which ``is_normalized`` tells at once;
    a text with anything else to change (full-width letters and digits, compatibility ideographs) is normalised
    whole.  The same result: a character replaced by its whole decomposition, which is a single ASCII character,
    leaves the text's decomposition and so its NFKC as they were."""
    # is_normalized answers most texts at once; normalize alone re-composes even text already in NFKC (~35 µs
    # for 300 characters, against ~2 µs for the replacements).
    if unicodedata.is_normalized("NFKC", text):
        return text
    replaced = text
    for char, ascii_char in _PROSE_PUNCTUATION:
        if char in replaced:
            replaced = replaced.replace(char, ascii_char)
    return replaced if unicodedata.is_normalized("NFKC", replaced) else unicodedata.normalize("NFKC", text)


def _case_folded(normal: str) -> str:
    """The case folding of a text in NFKC, in NFKC again: folding case can take a text out of it (ß before an accent
    is ss and the accent, which NFKC composes with the second s: ś; a Greek letter's iota subscript becomes an ι
    that takes a following accent), and then ``fold`` of a folded text would differ from it."""
    folded = normal.casefold()
    if folded == normal or unicodedata.is_normalized("NFKC", folded):
        return folded
    return unicodedata.normalize("NFKC", folded)


def fold(text: str) -> str:
    """NFKC (full-width ＡＢ１２ → AB12), case fold (in NFKC again), one kind of dash, a run of one or two blanks as
    one space, a wider run (``_WIDE_FROM``) as three.  Folding a folded text changes nothing.

    Used on both sides: the document text as stored and every query term.
    """
    normal = _nfkc(_INVISIBLE.sub("", text))
    folded = _case_folded(normal)
    if _HAS_DASH.search(folded):
        folded = folded.translate(_DASHES)
    return _BLANKS_RUN.sub(_one_space, folded).strip()


# Characters NFKC never joins to what stands before them: starters that are no second half of a composition —
# Latin, general punctuation, CJK punctuation, kana, ideographs, hangul syllables, full-width ASCII — but the soft
# hyphen and the invisible characters, which fold leaves out (``_INVISIBLE``): each goes with the piece before it, and
# what follows it joins that piece.  A text normalised in pieces cut before each is normalised as a whole
# (composition only joins a piece's own characters: e + U+0301, ｶ + ﾞ), which lets fold_with_offsets tell where
# each folded character came from.
_STARTERS = (
    r"\x00-\u00ac\u00ae-\u02ff\u2000-\u200a\u2010-\u2029\u202f-\u205f"
    r"\u3000-\u3029\u3030-\u303f\u3040-\u3098\u309d-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
    r"\uac00-\ud7a3\uf900-\ufaff\uff01-\uff5e\U00020000-\U0003134f"
)
_PIECE_STARTS = re.compile(f"[{_STARTERS}]")
_JOINS_BEFORE = re.compile(f"[^{_STARTERS}]")


@functools.lru_cache(maxsize=65536)
def _fold_piece(piece: str) -> str:
    """``fold`` of a piece of text before its blanks: no soft hyphen nor invisible character, NFKC, case fold, one
    kind of dash."""
    return _case_folded(unicodedata.normalize("NFKC", _INVISIBLE.sub("", piece))).translate(_DASHES)


def _piece_origins(piece: str, start: int, width: int) -> list[int]:
    """Where each of the ``width`` characters of a piece's fold came from: the first character of the piece whose
    fold up to it is that long (ｶﾞｽ → ガス: ガ from ｶ, ス from ｽ)."""
    lengths = [len(_fold_piece(piece[: end + 1])) for end in range(len(piece))]
    return [start + next((i for i, length in enumerate(lengths) if length > k), len(piece) - 1) for k in range(width)]


def _folded_characters(text: str) -> tuple[str, list[int]]:
    """``text`` normalised, case folded and its dashes made one, as ``fold`` does before the blanks, with where
    each character came from."""
    if _JOINS_BEFORE.search(text) is None:  # each character a piece of its own (most texts: one call per character)
        folds = list(map(_fold_piece, text))
        normal = "".join(folds)
        if len(normal) == len(text) and "" not in folds:  # each character folded to one
            return normal, list(range(len(text)))
        return normal, [index for index, piece in enumerate(folds) for _ in piece]
    bounds = [0, *(match.start() for match in _PIECE_STARTS.finditer(text, 1)), len(text)]
    pieces: list[str] = []
    origins: list[int] = []
    for start, end in itertools.pairwise(bounds):
        piece = _fold_piece(text[start:end])
        pieces.append(piece)
        origins += [start] * len(piece) if end - start == 1 else _piece_origins(text[start:end], start, len(piece))
    return "".join(pieces), origins


def fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """``fold(text)`` exactly, with where each folded character came from in ``text`` (and one more entry,
    ``len(text)``): to show a match in the words as they were written.  A run of blanks comes from its first
    blank (a wide run's three spaces from its first three)."""
    normal, origins = _folded_characters(text)
    pieces: list[str] = []
    kept: list[int] = []
    done = 0
    for run in _BLANKS_RUN.finditer(normal):
        spaces = _one_space(run)
        pieces += [normal[done : run.start()], spaces]
        kept += origins[done : run.start() + len(spaces)]
        done = run.end()
    pieces.append(normal[done:])
    kept += origins[done:]
    folded = "".join(pieces)
    start, end = len(folded) - len(folded.lstrip()), len(folded.rstrip())
    return folded[start:end], [*kept[start:end], len(text)]


def join_cjk_lines(folded: str) -> str:
    """``folded`` with every line or page break between two CJK characters removed ("竣\\n工资料" → "竣工资料"), and
    every space there that stands for one or two blanks ("张 伟" → "张伟")."""
    return _CJK_BREAK.sub("", folded)


@functools.lru_cache(maxsize=8192)
def _date_token(year: str, month: str, day: str) -> str | None:
    """d:2025-03-15 for a real day; None for one that does not exist (2025-02-30 is no date token)."""
    try:
        return DATE_PREFIX + parse_date(f"{year}-{month}-{day}").isoformat()
    except DateError:
        return None


@functools.lru_cache(maxsize=4096)
def _month_token(year: str, month: str) -> str | None:
    """m:2024-05 for a real month, else None."""
    try:
        return MONTH_PREFIX + str(parse_month(f"{year}-{month}"))
    except DateError:
        return None


def _day_of(match: re.Match[str]) -> str | None:
    return _date_token(match["y"], match["m1"] or match["m2"] or match["m3"], match["d1"] or match["d2"] or match["d3"])


def canonical_tokens(folded: str, cut: bool = True) -> list[str]:
    """Unit codes (every spelling → u:3-2-1201), days (d:2025-03-15), months (m:2025-03, also of every day),
    档号 (n:yz-2026-00001), phone numbers (138-0013-8000 → t:13800138000) and ID numbers (110101 19900307 1233 →
    i:110101199003071233, as masking reads them) in ``folded``.  With ``cut`` (the default) a long text is first cut
    to its ``code_runs``, which gives the same tokens; ``cut=False`` reads the whole text (what tests compare with)."""
    if not _DIGIT.search(folded):  # every canonical token holds a digit
        return []
    if cut and len(folded) > _CUT_FROM:
        folded = code_runs(folded)
    found: list[str] = []
    for match in _DATES.finditer(folded):
        token = _day_of(match)
        if token:
            found += [token, MONTH_PREFIX + token[2:9]]
    for match in _MONTHS.finditer(folded):
        token = _month_token(match["y"], match["m1"] or match["m2"])
        if token:
            found.append(token)
    found += [_archive_number(match.group()) for match in _ARCHIVE_NO.finditer(folded)]
    without_numbers = _ARCHIVE_NO.sub(" ", folded)
    found += [UNIT_PREFIX + str(code).casefold() for code in find_unit_codes(without_numbers, normalized=True)]
    found += [PHONE_PREFIX + phone for phone in phones_in_folded(folded)]
    found += [ID_NUMBER_PREFIX + number.casefold() for number in id_numbers_in_folded(folded)]
    return [_whole(token) for token in dict.fromkeys(found)]


def _archive_number(written: str) -> str:
    """n:ht-2018-00417 for a 档号 as ``_ARCHIVE_NO`` found it, the blanks and line end inside it left out."""
    return NUMBER_PREFIX + _WHITESPACE.sub("", written)


@functools.lru_cache(maxsize=65536)
def _whole(token: str) -> str:
    # The index splits tokens at anything but letters, digits and TOKEN_CHARS: nothing else may be inside one.
    return _NOT_IN_TOKEN.sub("-", token)


def _run_tokens(folded: str) -> list[str]:
    # The slow part of a big build: one findall, no Python loop per run or per character.
    return _RUN_TOKENS.findall(folded)


def token_stream(folded: str) -> list[str]:
    """The tokens of a folded text in order, for an index with positions: each CJK run as its bigrams then
    its last character (which also keeps a phrase from running on into the next run), each run of letters
    and digits whole, then the canonical tokens.  Line breaks between CJK characters are removed first."""
    joined = join_cjk_lines(folded)
    return _run_tokens(joined) + canonical_tokens(joined)


def term_stream(folded: str) -> tuple[list[str], bool]:
    """The phrase a document containing the query term ``folded`` holds, and whether its last token is a
    prefix.  A term ending in a CJK run of two or more characters ends with that run's last bigram (the
    document's run may go on after it, so its closing character is left out); one ending in a single CJK
    character ends with that character as a prefix (梯 stands first in 梯维 or alone at the end of a run)."""
    tokens = _run_tokens(join_cjk_lines(folded))
    runs = list(_RUNS.finditer(join_cjk_lines(folded)))
    if not runs or runs[-1].lastgroup != "cjk":
        return tokens, False
    if len(runs[-1].group()) > 1:
        return tokens[:-1], False
    return tokens, True


def has_separators(folded: str) -> bool:
    """The term holds blanks or punctuation between its runs (``"维修 保养"``): its phrase, which skips them,
    also matches other separators, so a match must be checked against the text."""
    return bool(_RUNS.sub("", join_cjk_lines(folded)))


def canonical_term(folded: str) -> str | None:
    """The one canonical token a whole query term stands for (a unit code, a day, a month, a 档号, a phone or ID
    number written as a text writes one), or None."""
    if _ARCHIVE_NO.fullmatch(folded):
        return _archive_number(folded)
    if match := _DATES.fullmatch(folded):
        return _day_of(match)
    if match := _MONTHS.fullmatch(folded):
        return _month_token(match["y"], match["m1"] or match["m2"])
    if (phone := read_phone(folded)) is not None:
        return _whole(PHONE_PREFIX + phone)
    if (number := read_id_number(folded)) is not None:
        return ID_NUMBER_PREFIX + number.casefold()
    if any(c.isdigit() for c in folded) and len(folded) <= 24:
        try:
            code = parse_unit_code(folded)
        except ValidationError:
            return None
        # Only a spelling the index also reads inside a text stands for the token (5栋1201 without 室, or
        # a phase, is searched as written: the document may hold it just so).
        if find_unit_codes(folded, normalized=True) != [code]:
            return None
        return _whole(UNIT_PREFIX + str(code).casefold())
    return None


@functools.lru_cache(maxsize=1024)
def term_pattern(folded: str) -> re.Pattern[str]:
    """Where the term stands in a folded text (for the snippet): the folded substring, across a line break
    between two CJK characters (as ``join_cjk_lines`` joins them) and after a dash between two letters or digits
    (``0571-↵88886666``), and a term that starts or ends with a letter or digit must not touch
    another one there (``ab12`` is not inside ``ab123``), just as runs of letters and digits are whole tokens."""
    folded = join_cjk_lines(folded)  # "张 伟" typed stands where 张伟 does, written either way
    head = r"(?<![^\W_" + CJK + r"])" if _WORD_CHAR.match(folded[:1]) else ""
    tail = r"(?![^\W_" + CJK + r"])" if _WORD_CHAR.match(folded[-1:]) else ""
    body = ""
    for index, char in enumerate(folded):
        body += re.escape(char)
        if index + 1 < len(folded) and _CJK_RUNS.fullmatch(char) and _CJK_RUNS.fullmatch(folded[index + 1]):
            body += f"(?:{_CJK_GAP})?"
        elif char == "-" and _WORD_CHAR.match(folded[index - 1 : index]) and _WORD_CHAR.match(folded[index + 1 :]):
            body += CODE_LINE_END
    return re.compile(head + body + tail)


def join_fields(parts: Iterable[str | None]) -> str:
    """Metadata and text as one stored text, one field per line (no query term spans two lines)."""
    return "\n".join(part.strip() for part in parts if part and part.strip())
