"""The token stream of a few thousand varied texts against what it must be, worked out here without the project's
tokenizer (issue 17, build speed: the tokens are made faster, and not one of them may change).

Each text is made of pieces whose tokens are known as they are written: unit codes (3-2-1201, 3栋2单元1201室,
full-width digits …), days (2026年3月5日 and four other spellings), months, 档号, runs of letters and digits (with
full-width forms) and Chinese prose (a line break inside a word of it now and then), with punctuation and blanks
between (a blank between two Chinese characters is no boundary, as a line break there).  The expected stream: each run of CJK characters as its bigrams then its last character, each run of
letters and digits whole (found by a loop over characters below), then the canonical tokens — days (each with
its month), months, 档号, unit codes, in the order written, each once — from the pieces that were put in.
"""

from __future__ import annotations

import datetime as dt
import random

import pytest

from recordkit.search.text import CANONICAL_CHARACTERS, fold, token_stream

# Han, kana, hangul: the characters written without spaces between words.
CJK_RANGES = (
    (0x3040, 0x30FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xAC00, 0xD7AF),
    (0xF900, 0xFAFF),
    (0x20000, 0x3134F),
)
# Prose holding no character a unit code, a day or a 档号 is written with (checked below).
PROSE = ["电梯维修", "业主投诉", "竣工资料", "消防检查", "保养记录", "满意度回访", "钢丝绳", "霞", "カタカナ", "한국어"]
PUNCTUATION = ["，", "。", "、", "；", " ", "\n", "（", "）", ""]
WORDS = ["abc123", "ＡＢＣ", "PDF", "v2", "H2O", "１２３", "ｘ７"]
WIDE = str.maketrans(
    "0123456789-ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "０１２３４５６７８９－ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ",
)


def is_cjk(char: str) -> bool:
    return any(low <= ord(char) <= high for low, high in CJK_RANGES)


def expected_runs(folded: str) -> list[str]:
    """Bigrams and last character of each CJK run, each run of letters and digits whole (a loop per character)."""
    tokens: list[str] = []
    index = 0
    while index < len(folded):
        start = index
        if is_cjk(folded[index]):
            while index < len(folded) and is_cjk(folded[index]):
                index += 1
            run = folded[start:index]
            tokens += [run[at : at + 2] for at in range(len(run) - 1)] + [run[-1]]
        elif folded[index].isalnum():
            while index < len(folded) and folded[index].isalnum() and not is_cjk(folded[index]):
                index += 1
            tokens.append(folded[start:index])
        else:
            index += 1
    return tokens


def joined(folded: str) -> str:
    """``folded`` without the line breaks and the single blanks between two CJK characters (the pieces put them
    nowhere else, and never two blanks together)."""
    return "".join(
        char
        for at, char in enumerate(folded)
        if not (char in "\n " and 0 < at < len(folded) - 1 and is_cjk(folded[at - 1]) and is_cjk(folded[at + 1]))
    )


def unit_piece(rng: random.Random) -> tuple[str, list[str]]:
    building, entrance = rng.randint(1, 30), rng.randint(1, 6)
    room = rng.randint(1, 33) * 100 + rng.randint(1, 4)
    written = rng.choice(
        [
            f"{building}-{entrance}-{room}",
            f"{building}栋{entrance}单元{room}",
            f"{building}栋{entrance}单元{room}室",
            f"{building}#{entrance}-{room}",
            f"{building}号楼{entrance}单元{room}室",
        ]
    )
    if rng.random() < 0.2:
        written = written.translate(WIDE)
    return written, [f"u:{building}-{entrance}-{room}"]


def other_unit_piece(rng: random.Random) -> tuple[str, list[str]]:
    building, room = rng.randint(1, 30), rng.randint(3, 25) * 100 + rng.randint(1, 9)
    letter, number = rng.choice("ABCD"), rng.randint(1, 99)
    return rng.choice(
        [
            (f"{building}栋{room}室", [f"u:{building}-{room}"]),
            (f"{letter}座{room}室", [f"u:{letter.lower()}-{room}"]),
            (f"{number}号别墅", [f"u:别墅{number}"]),
            (f"车位B1-{number:03d}", [f"u:车位b1-{number:03d}"]),
        ]
    )


def day_piece(rng: random.Random) -> tuple[str, list[str]]:
    day = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(4000))
    written = rng.choice(
        [
            f"{day.year}年{day.month}月{day.day}日",
            day.isoformat(),
            f"{day.year}.{day.month}.{day.day}",
            f"{day.year}/{day.month:02d}/{day.day:02d}",
            f"{day:%Y%m%d}",
        ]
    )
    return written, [f"d:{day.isoformat()}"]


def month_piece(rng: random.Random) -> tuple[str, list[str]]:
    year, month = rng.randint(2015, 2026), rng.randint(1, 12)
    return rng.choice([f"{year}年{month}月", f"{year}-{month:02d}"]), [f"m:{year}-{month:02d}"]


def number_piece(rng: random.Random) -> tuple[str, list[str]]:
    prefix, year, serial = rng.choice(["YZ", "GC", "HT", "CW"]), rng.randint(2018, 2026), rng.randint(1, 99999)
    written = f"{prefix}-{year}-{serial:05d}"
    if rng.random() < 0.3:
        written = written.lower()
    elif rng.random() < 0.2:
        written = written.translate(WIDE)
    return written, [f"n:{prefix.lower()}-{year}-{serial:05d}"]


def not_a_token_piece(rng: random.Random) -> tuple[str, list[str]]:
    """Letters and digits that are no canonical token: words, numbers, a day or month that does not exist."""
    return rng.choice([*WORDS, "1201", "20250230", "2026年13月", "2025-02-30"]), []


def prose_piece(rng: random.Random) -> tuple[str, list[str]]:
    word = rng.choice(PROSE)
    if len(word) > 1 and rng.random() < 0.2:  # a line of a PDF ends inside the word
        cut = rng.randrange(1, len(word))
        word = word[:cut] + "\n" + word[cut:]
    return word, []


KINDS = ("d:", "m:", "n:", "u:")
PIECES = (unit_piece, other_unit_piece, day_piece, month_piece, number_piece, not_a_token_piece)


def text_and_expected(rng: random.Random) -> tuple[str, list[str]]:
    """A text of prose and pieces (a piece always between two prose words, so no two pieces touch) and its
    expected token stream."""
    parts: list[str] = []
    canonical: list[str] = []
    for _ in range(rng.randint(1, 40)):
        parts.append(prose_piece(rng)[0] + rng.choice(PUNCTUATION))
        written, tokens = rng.choice(PIECES)(rng)
        parts.append(written + rng.choice(PUNCTUATION))
        canonical += tokens
    parts.append(prose_piece(rng)[0])
    text = "".join(parts)
    # The canonical tokens: days, each followed by its month, then months, 档号 and units, each kind in the order
    # written, each token once.
    days = [token for token in canonical if token.startswith("d:")]
    ordered = [token for day in days for token in (day, "m:" + day[2:9])]
    ordered += [token for kind in KINDS[1:] for token in canonical if token.startswith(kind)]
    return text, expected_runs(joined(fold(text))) + list(dict.fromkeys(ordered))


def test_prose_holds_no_canonical_character() -> None:
    assert not set("".join(PROSE)) & CANONICAL_CHARACTERS


@pytest.mark.parametrize("seed", range(8))
def test_token_stream_is_what_the_pieces_give(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(500):
        text, expected = text_and_expected(rng)
        assert token_stream(fold(text)) == expected, text
