"""The faster tokenizer (issue 16, build speed) gives the very same tokens: a long text's canonical tokens
(unit codes, days, months, 档号) are looked for only in its code runs, and must be exactly those the whole
text gives, in the same order, for any text — including codes and dates right beside prose, across line
breaks and blanks, written with Chinese numerals, and characters whose upper case is ASCII."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from recordkit.search.text import CANONICAL_CHARACTERS, canonical_tokens, code_runs, fold, token_stream

FRAGMENTS = [
    "3栋2单元1201室",
    "3#2-1201",
    "3 - 2 - 1201",
    "九幢二单元一〇一",
    "十二号楼3单元502",
    "5栋1201室",
    "a座1201室",
    "车位b1-023",
    "地下车位 b1-023",
    "12号别墅",
    "别墅a12",
    "储藏室12",
    "商铺s-101",
    "2024年5月8日",
    "2024 年 5 月",
    "2024-05-08",
    "2024.5.8",
    "2024/05",
    "20190508",
    "20250230",
    "202405",
    "yz-2026-00001",
    "gc-2019-000123",
    "1201",
    "ı3-2-1201",
    "3-2-1201ı",
]
PROSE = "的电梯维修保养记录业主物业投诉满意度竣工资料。、カタ한국"
ALPHABET = PROSE + "".join(sorted(CANONICAL_CHARACTERS)) + "0123456789abcxyzABC-_/.#:,; \n"


def outcome(text: str, cut: bool) -> object:
    """The tokens, or the kind of error (the unit-code reader refuses some run-together codes either way)."""
    try:
        return canonical_tokens(text, cut=cut)
    except ValueError as err:
        return type(err).__name__


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(alphabet=ALPHABET, max_size=12)), max_size=60))
def test_code_runs_give_the_tokens_of_the_whole_text(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert outcome(text, cut=True) == outcome(text, cut=False)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS + list(PROSE) + [" ", "\n", "，"]), min_size=40, max_size=200))
def test_folded_documents_give_the_same_stream(pieces: list[str]) -> None:
    folded = fold("".join(pieces))
    assert outcome(folded, cut=True) == outcome(folded, cut=False)


def test_code_runs_keep_only_what_can_hold_a_token() -> None:
    text = "经查，业主张伟（3栋2单元1201室）于2024年5月8日报修，电梯维保单位已处理；档号yz-2026-00001。"
    assert code_runs(fold(text)) == "(3栋2单元1201室)。2024年5月8日。号yz-2026-00001"
    assert canonical_tokens(fold(text * 3)) == [
        "d:2024-05-08",
        "m:2024-05",
        "n:yz-2026-00001",
        "u:3-2-1201",
    ]
    assert token_stream(fold(text * 3))[-4:] == ["d:2024-05-08", "m:2024-05", "n:yz-2026-00001", "u:3-2-1201"]
