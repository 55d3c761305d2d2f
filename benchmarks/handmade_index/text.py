"""How text becomes search tokens: the same folding and tokens for documents and for queries.

Owns normalisation (NFKC, case fold, one kind of dash, one space; one or two blanks between two CJK characters
removed, a name a form pads: 张 伟) and the tokens: CJK character bigrams and unigrams, whole runs of letters and
digits, and canonical tokens for unit codes, dates, archive numbers and phone numbers.  Pure functions on strings; knows nothing of the index or of the archive.
"""

from __future__ import annotations

import re
from collections import Counter

from recordkit.core.dates import DateError, parse_date
from recordkit.core.errors import ValidationError
from recordkit.core.personal import phones_in_text, read_phone
from recordkit.core.unitcodes import find_unit_codes, parse_unit_code
from recordkit.search.text import CJK, fold

# Dash look-alikes NFKC leaves alone; copied Word text and OCR are full of them.
_DASHES = str.maketrans(dict.fromkeys("‐‑‒–—―−─﹘﹣－", "-"))
_SPACES = re.compile(r"[^\S\n]+")

# Han (with extensions and compatibility forms), kana, hangul: text without spaces between words.
_RUNS = re.compile(rf"(?P<cjk>[{CJK}]+)|(?P<word>[^\W_{CJK}]+)")
_CJK_RUNS = re.compile(rf"[{CJK}]+")
_WORD_RUNS = re.compile(rf"[^\W_{CJK}]+")
_WORD_CHAR = re.compile(rf"[^\W_{CJK}]")
_HAS_DASH = re.compile("[" + "".join(chr(c) for c in _DASHES) + "]")
# The one space recordkit's fold leaves for one or two blanks, between two CJK characters (业主：张 伟).
_PADDING = re.compile(rf"(?<=[{CJK}]) (?=[{CJK}])")

# Dates the office writes: 2025年3月15日, 2025-03-15, 2025.3.15, 2025/03/15 (one token: d:2025-03-15).
_DATES = re.compile(
    r"(?<![0-9])(?P<y>[12][0-9]{3})\s*(?:年\s*(?P<m1>[0-9]{1,2})\s*月\s*(?P<d1>[0-9]{1,2})\s*[日号]?"
    r"|(?P<sep>[-/.])\s*(?P<m2>[0-9]{1,2})\s*(?P=sep)\s*(?P<d2>[0-9]{1,2}))(?![0-9])"
)
# 档号: YZ-2026-00001 (prefix letters, year, serial), kept whole.
_ARCHIVE_NO = re.compile(r"(?<![0-9a-z])[a-z]{1,4}-[0-9]{4}-[0-9]{3,6}(?![0-9a-z])")

UNIT_PREFIX, DATE_PREFIX, NUMBER_PREFIX, PHONE_PREFIX = "u:", "d:", "n:", "t:"


def fold_unpadded(text: str) -> str:
    """recordkit's ``fold`` with a name's padding removed (张 伟 → 张伟): what is tokenized and checked."""
    return _PADDING.sub("", fold(text))


def _date_token(year: str, month: str, day: str) -> str | None:
    """d:2025-03-15 for a real day; None for one that does not exist (2025-02-30 is no date token)."""
    try:
        return DATE_PREFIX + parse_date(f"{year}-{month}-{day}").isoformat()
    except DateError:
        return None


def canonical_tokens(folded: str) -> list[str]:
    """Unit codes (every spelling → u:3-2-1201), dates (d:2025-03-15) and 档号 (n:yz-2026-00001) in ``folded``."""
    found: list[str] = []
    for match in _DATES.finditer(folded):
        token = _date_token(match["y"], match["m1"] or match["m2"], match["d1"] or match["d2"])
        if token:
            found.append(token)
    found += [NUMBER_PREFIX + match.group() for match in _ARCHIVE_NO.finditer(folded)]
    if any(c.isdigit() for c in folded):
        without_numbers = _ARCHIVE_NO.sub(" ", folded)
        found += [UNIT_PREFIX + str(code).casefold() for code in find_unit_codes(without_numbers, normalized=True)]
        found += [PHONE_PREFIX + phone for phone in phones_in_text(folded)]
    return found


def document_tokens(folded: str) -> Counter[str]:
    """Every token of a document's folded text, with its count: CJK bigrams and unigrams, word runs, canonical."""
    counts: Counter[str] = Counter()
    for match in _RUNS.finditer(folded):
        run = match.group()
        if match.lastgroup == "cjk":
            counts.update(run)
            counts.update(run[i : i + 2] for i in range(len(run) - 1))
        else:
            counts[run] += 1
    counts.update(canonical_tokens(folded))
    return counts


def token_set(folded: str) -> set[str]:
    """The tokens of a document's folded text (no counts): CJK unigrams and bigrams, word runs, canonical."""
    tokens: set[str] = set()
    for run in _CJK_RUNS.findall(folded):
        tokens.update(run)
        tokens.update([run[i : i + 2] for i in range(len(run) - 1)])
    tokens.update(_WORD_RUNS.findall(folded))
    tokens.update(canonical_tokens(folded))
    return tokens


def canonical_term(folded: str) -> str | None:
    """The one canonical token a whole query term stands for (a unit code, a date, a 档号), or None."""
    if _ARCHIVE_NO.fullmatch(folded):
        return NUMBER_PREFIX + folded
    if (phone := read_phone(folded)) is not None:
        return PHONE_PREFIX + phone
    if match := _DATES.fullmatch(folded):
        return _date_token(match["y"], match["m1"] or match["m2"], match["d1"] or match["d2"])
    if any(c.isdigit() for c in folded) and len(folded) <= 24:
        try:
            return UNIT_PREFIX + str(parse_unit_code(folded)).casefold()
        except ValidationError:
            return None
    return None


def term_tokens(folded: str) -> list[str]:
    """The tokens every document containing the query term ``folded`` has (a necessary condition).

    A CJK run of one character gives its unigram, longer runs their bigrams; word runs stay whole.
    """
    tokens: list[str] = []
    for match in _RUNS.finditer(folded):
        run = match.group()
        if match.lastgroup == "cjk":
            tokens += [run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)]
        else:
            tokens.append(run)
    return list(dict.fromkeys(tokens))


def term_pattern(folded: str) -> re.Pattern[str]:
    """What "the text contains this term" means: the folded substring, and a term that starts or ends
    with a letter or digit must not touch another one there (``ab12`` is not inside ``ab123``),
    just as runs of letters and digits are whole tokens."""
    head = r"(?<![^\W_" + CJK + r"])" if _WORD_CHAR.match(folded[:1]) else ""
    tail = r"(?![^\W_" + CJK + r"])" if _WORD_CHAR.match(folded[-1:]) else ""
    return re.compile(head + re.escape(folded) + tail)
