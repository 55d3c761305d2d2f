"""Search on real documents (issue 16): a word broken by a line or page end is still one word, in a .docx,
a PDF's text layer and an OCR'd scan; eight-digit days and year-months are dates.

The expected hits are computed here without the project's code: a plain substring search of the
NFKC-folded text with the line breaks between two CJK characters removed.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from recordkit.archive import extract
from recordkit.archive.archivist import Archivist
from recordkit.archive.extract import PageText
from recordkit.archive.rules import FilingRules, Metadata, metadata_from_name
from recordkit.core.config import ArchiveSettings
from recordkit.core.workspace import Workspace
from recordkit.ledger.db import Ledger
from recordkit.search.indexer import update_index
from recordkit.search.query import search
from recordkit.search.text import fold, fold_with_offsets, token_stream
from tests.archive_helpers import archive_ledger  # noqa: F401  (fixture ledger)
from tests.search_helpers import (
    search_ws,  # noqa: F401  (fixture ws: each backend in turn)
    write_docx,
)

_HAN = "\u3400-\u4dbf\u4e00-\u9fff"

# (file name, paragraphs of a .docx); each paragraph break may fall inside a word.
DOCX = {
    "竣工验收.docx": ["二期工程移交：设计图纸、竣", "工资料、设备说明书各一套。"],
    "客服岗位.docx": ["客服主管负责日常投", "诉的受理与回访。"],
    "回访记录.docx": ["本月回访业主四十户，满", "意度九成以上。"],
    "投诉台账.docx": ["三月投诉登记：噪音投诉两起。"],
    "工资表.docx": ["保洁员工资表（不含竣工奖励）。"],
    "分行.docx": ["电梯", "", "维保合同续签。"],  # a paragraph between two words is no word either
}


def ground_truth(texts: dict[str, str], word: str) -> set[str]:
    """Items whose text contains ``word``: NFKC, lower case, line breaks and one or two blanks between Han
    characters removed (from both)."""

    def folded(text: str) -> str:
        text = unicodedata.normalize("NFKC", text).lower()
        return re.sub(rf"(?<=[{_HAN}])(?:[ \t]*\n\s*| {{1,2}})(?=[{_HAN}])", "", text)

    wanted = folded(word)
    return {number for number, text in texts.items() if wanted in folded(text)}


@pytest.fixture
def filed(ws: Workspace, ledger: Ledger, tmp_path: Path) -> dict[str, str]:
    """The .docx files filed and indexed: 档号 → the text as written (paragraphs one per line)."""
    clerk = Archivist(ws, ledger, "档案员")
    texts: dict[str, str] = {}
    for name, paragraphs in DOCX.items():
        outcome = clerk.file(write_docx(tmp_path / name, *paragraphs), Metadata(category="工程档案", title="文件"))
        assert outcome.item is not None
        texts[outcome.item.archive_no] = "\n".join(paragraphs)
    update_index(ws, ledger)
    return texts


def found(ws: Workspace, query: str) -> set[str]:
    return {hit.archive_no for hit in search(ws, query, limit=100).hits}


@pytest.mark.parametrize("word", ["竣工资料", "投诉", "满意度", "工资", "电梯维保", "诉的受理", "竣工", "资料", "梯维"])
def test_words_across_paragraph_breaks_in_docx(filed: dict[str, str], ws: Workspace, word: str) -> None:
    expected = ground_truth(filed, word)
    assert found(ws, word) == expected
    assert expected or word == "梯维"  # the ground truth is not vacuous


def test_the_broken_words_named_in_the_issue(filed: dict[str, str], ws: Workspace) -> None:
    by_name = dict(zip(DOCX, filed, strict=True))
    assert found(ws, "竣工资料") == {by_name["竣工验收.docx"]}
    assert found(ws, "投诉") == {by_name["客服岗位.docx"], by_name["投诉台账.docx"]}
    assert found(ws, "满意度") == {by_name["回访记录.docx"]}
    assert found(ws, "工资") == {by_name["竣工验收.docx"], by_name["工资表.docx"]}  # 竣\n工资料 holds 工资


def test_the_snippet_shows_the_word_across_the_break(filed: dict[str, str], ws: Workspace) -> None:
    [hit] = search(ws, "满意度").hits
    assert "满 意度" in hit.snippet  # the line end is shown as a space, the whole word highlighted
    start, end = hit.highlights[0]
    assert hit.snippet[start:end] == "满 意度"


def test_a_word_across_a_pdf_page_break_and_ocr_lines(
    ws: Workspace, ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clerk = Archivist(ws, ledger, "档案员")
    scan = tmp_path / "客服记录.png"
    Image.new("L", (64, 64), 255).save(scan)
    pdf = write_docx(tmp_path / "图纸目录.docx", "占位")
    texts = {
        "客服记录.png": "客服中心负责日常投\n诉处理，满\n意度回访。",  # OCR lines
        "图纸目录.docx": "第一页：设计图纸、竣\f工资料清单",  # a page break inside a word
    }

    class Lines:
        def recognize(self, image: Any) -> tuple[str, float | None]:
            return texts["客服记录.png"], 0.93

    def read(path: Path, ocr: bool, engine: Any, settings: Any, limits: Any = None) -> tuple[list[PageText], bool]:
        if path.suffix == ".png":
            return [PageText(1, engine.recognize(None)[0], "ocr", 0.93)], False
        first, second = texts["图纸目录.docx"].split("\f")
        return [PageText(1, first, "text", None), PageText(2, second, "text", None)], False

    monkeypatch.setattr(extract, "load_engine", lambda: Lines())
    monkeypatch.setattr(extract, "_read", read)
    numbers = {}
    for path in (scan, pdf):
        outcome = clerk.file(path, Metadata(category="工程档案", title="记录"))
        assert outcome.item is not None
        numbers[path.name] = outcome.item.archive_no
    update_index(ws, ledger)
    truth = {numbers[name]: text.replace("\f", "\n") for name, text in texts.items()}
    for word in ("投诉", "满意度", "竣工资料", "诉处理", "工资"):
        assert found(ws, word) == ground_truth(truth, word) != set(), word


def test_a_text_holding_nul_characters_is_indexed_and_found(
    ws: Workspace, ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Some PDFs' extracted text holds NUL characters, which PostgreSQL refuses in any text: the item is still
    indexed (incrementally and by a rebuild, with the others), its words on both sides found, the snippet clean."""
    clerk = Archivist(ws, ledger, "档案员")
    texts = {"乙": "水泵\x00\x00维修记录。", "甲": "电梯维修记录。"}

    def read(path: Path, ocr: bool, engine: Any, settings: Any, limits: Any = None) -> tuple[list[PageText], bool]:
        [text] = [text for title, text in texts.items() if path.stem.endswith(title)]
        return [PageText(1, text, "text", None)], False

    monkeypatch.setattr(extract, "_read", read)
    numbers = {}
    for title in texts:
        outcome = clerk.file(write_docx(tmp_path / f"{title}.docx", title), Metadata(category="工程档案", title=title))
        assert outcome.item is not None
        numbers[title] = outcome.item.archive_no
    for rebuild in (False, True):
        update_index(ws, ledger, rebuild=rebuild)
        assert found(ws, "维修记录") == set(numbers.values())
        # Two NULs are read as two blanks between Chinese characters: no boundary, as a form's padding (张  伟).
        assert found(ws, "水泵") == found(ws, "泵维") == {numbers["乙"]}
        [hit] = search(ws, "水泵").hits
        assert "\x00" not in hit.snippet and "水泵" in hit.snippet


def test_folding_is_nfkc_of_the_whole_text_however_it_gets_there() -> None:
    """``fold`` replaces Chinese prose's full-width punctuation before asking whether anything else needs NFKC:
    the result is the standard's all the same, checked here against ``unicodedata.normalize`` of the whole text
    (full-width letters and digits, compatibility ideographs, combining marks after replaced characters, the
    ideographic space, texts already in NFKC), case folded and put in NFKC again (ß before an accent)."""
    pieces = [
        "业主", "物业费", "，", "；", "：", "（", "）", "！", "？", "\u3000", "。", "、", "“", "”", "Ａ", "ｂ", "１２",
        "\u0301", "\u0327", "\uf900", "\u2474", "ﾊﾟ", "ｶ", "\u00bd", "e\u0301", "3-2-1201", " ", "\n", "ß", "Σ",
    ]  # fmt: skip
    rng = random.Random(7)
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randrange(1, 40))) for _ in range(3000)]
    texts += ["，\u0301", "（\u0327ａ）", "业主，物业：费用（１２月）！", "ascii only"]
    for text in texts:
        expected = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
        expected = expected.translate(str.maketrans(dict.fromkeys("‐‑‒–—―−─﹘﹣－", "-")))
        # One or two blanks are one space; three or more (a table's columns) three.
        expected = re.sub(r"[^\S\n]+", lambda run: " " if len(run.group()) < 3 else "   ", expected)
        assert fold(text) == expected.strip(), repr(text)


@pytest.mark.parametrize(
    ("text", "folded", "origins"),
    [
        ("张\n  伟", "张\n 伟", [0, 1, 2, 4, 5]),  # blanks after a line end: one space, as fold writes them
        ("  电梯 \n", "电梯", [2, 3, 6]),  # blanks and line ends at either end: left out, as fold's strip does
        ("维修\u3000\u3000\u3000保养", "维修   保养", [0, 1, 2, 3, 4, 5, 6, 7]),  # a table's columns: three spaces
        ("Cafe\u0301 账单", "café 账单", [0, 1, 2, 3, 5, 6, 7, 8]),  # e and its accent composed: from the e
        ("ｶﾞｽ代\n 缴费", "ガス代\n 缴费", [0, 2, 3, 4, 5, 6, 7, 8]),  # half-width kana and its voicing mark
        ("业主档\ufffe  案", "业主档-\n 案", [0, 1, 2, 3, 3, 4, 6, 7]),  # pdfium's line-end hyphen, then blanks
        ("ß\u00ad费", "ss费", [0, 0, 2, 3]),  # one character folded to two, a soft hyphen to none
        ("ß\u0301费", "s\u015b费", [0, 0, 2, 3]),  # ss and the accent, which composes with the second s
        ("停车\u200b管理", "停车管理", [0, 1, 3, 4, 5]),  # a zero-width blank left out: no word boundary
        ("\ufeff张\u200b伟", "张伟", [1, 3, 4]),  # a BOM before, a zero-width blank inside
    ],
)
def test_fold_with_offsets_gives_folds_text_and_where_each_character_was(
    text: str, folded: str, origins: list[int]
) -> None:
    assert fold(text) == folded
    assert fold_with_offsets(text) == (folded, origins)


def test_fold_with_offsets_folds_as_fold_does_with_line_ends_blanks_and_cjk() -> None:
    """Texts as documents hold them (line ends with blanks before and after, a form's padding, a table's columns,
    full-width characters, CJK): ``fold_with_offsets`` gives exactly ``fold``'s text, and each folded character
    comes from a character of the text that folds to it (a blank from a blank, a line end from a line end)."""
    pieces = [
        "业主", "张", "伟", "电梯维修", "，", "。", "\n", " ", "  ", "   ", "\u3000", "\t", "\u00a0", "Ａ", "ｂ", "１２",
        "HT-2026-", "00003", "－", "—", "\ufffe", "\u00ad", "e\u0301", "ﾊﾟ", "ß", "\u2474", "㎡",
        "\u200b", "\u200d", "\u2060", "\ufeff", "\u202e",
    ]  # fmt: skip
    rng = random.Random(11)
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randrange(1, 30))) for _ in range(2000)]
    for text in texts:
        folded, origins = fold_with_offsets(text)
        assert folded == fold(text), repr(text)
        assert len(origins) == len(folded) + 1 and origins[-1] == len(text), repr(text)
        assert origins[:-1] == sorted(origins[:-1]), repr(text)
        for char, origin in zip(folded, origins, strict=False):
            written = text[origin]
            if char.isspace():
                assert written.isspace() or written == "\ufffe", repr(text)
            else:
                assert (
                    char in unicodedata.normalize("NFKC", written).casefold() or char == "-" or (written in "ﾊﾟe\u0301")
                ), repr(text)


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("ß\u0301", "s\u015b"),  # ß is ss, and s with the acute accent is one character, ś
        ("\u1e9e\u0301", "s\u015b"),  # capital ẞ likewise
        ("\u03aa\u0301", "\u0390"),  # Ϊ́: ϊ and the accent are ΐ
        ("\u1fb4\u0301", "\u03ac\u03af"),  # ᾴ: ά and its iota subscript as ι, which takes the accent: ί
        ("业主 ＡＢ１２ Straße", "业主 ab12 strasse"),  # CJK and ASCII as before
    ],
)
def test_fold_of_a_character_that_case_folding_takes_apart(text: str, folded: str) -> None:
    assert fold(text) == folded
    assert fold_with_offsets(text)[0] == folded


def test_folding_a_folded_text_changes_nothing() -> None:
    """A query copied from a snippet (the text as folded) must fold as the text did: ``fold`` is idempotent for every
    character of the BMP alone and before a combining acute accent (ß + U+0301 and Greek letters with an iota
    subscript folded to a text that NFKC composes again)."""
    changed = []
    for code in range(0x10000):
        if 0xD800 <= code < 0xE000:  # surrogates: no character alone
            continue
        for text in (chr(code), chr(code) + "\u0301"):
            once = fold(text)
            if fold(once) != once:
                changed.append(f"U+{code:04X}{' U+0301' if len(text) > 1 else ''}")
    assert changed == []


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("e\u00ad\u0301", "\u00e9"),  # the soft hyphen left out, then e and the accent composed: é
        ("Cafe\u00ad\u0301 账单", "caf\u00e9 账单"),
        ("ｶ\u00adﾞ", "ガ"),  # a half-width kana and its voicing mark
        ("\u1100\u00ad\u1161", "가"),  # two hangul jamo: one syllable
        ("ß\u00ad\u0301", "s\u015b"),
        ("e\u200d\u0301", "\u00e9"),  # a zero-width joiner is left out as well (it stayed, keeping the accent apart)
    ],
)
def test_a_soft_hyphen_before_a_combining_mark_folds_as_if_never_written(text: str, folded: str) -> None:
    """A soft hyphen is left out before normalising, so that what stood on either side of it is joined at once (it
    was left out after: fold gave e + U+0301, which folded again gave é)."""
    assert fold(text) == folded
    assert fold(folded) == folded
    assert fold_with_offsets(text)[0] == folded


#: Characters that change or join others when folded: the soft hyphen, joiners, combining marks, a Greek iota
#: subscript, full-width and half-width forms, compatibility forms (ligatures, squared and circled signs, a Roman
#: numeral), the hangul jamo that compose, ß, dashes, pdfium's line-end mark, blanks and a line end.
_TRICKY = [
    "e", "E", "s", "ß", "ẞ", "Σ", "ι", "ϊ", "\u0345", "\u00ad", "\u200d", "\u200c", "\u2060", "\ufeff",
    "\u0301", "\u0308", "\u0327", "\u0338", "\u3099", "ｶ", "ﾞ", "Ａ", "１", "ﬁ", "㎡", "①", "Ⅻ", "\u1100", "\u1161",
    "\u11a8", "－", "—", "\ufffe", " ", "\u3000", "\t", "\n", "张", "=", "<",
]  # fmt: skip


def test_folding_twice_is_folding_once_for_every_short_text_of_tricky_characters() -> None:
    """``fold(fold(x)) == fold(x)`` and ``fold_with_offsets`` folds alike, for every text of up to three characters
    from ``_TRICKY`` (each order: a mark after a soft hyphen, a joiner before a mark, a jamo after a space …)."""
    broken = []
    for size in (1, 2, 3):
        for chars in itertools.product(_TRICKY, repeat=size):
            text = "".join(chars)
            once = fold(text)
            if fold(once) != once or fold_with_offsets(text)[0] != once:
                broken.append(text)
    assert broken == []


def test_line_breaks_between_other_characters_still_separate_words() -> None:
    assert token_stream(fold("ab\ncd")) == ["ab", "cd"]
    assert token_stream(fold("电梯\n2号")) == ["电梯", "梯", "2", "号"]
    assert token_stream(fold("竣\n工")) == ["竣工", "工"]


def test_eight_digit_days_are_days(ws: Workspace, ledger: Ledger, tmp_path: Path) -> None:
    clerk = Archivist(ws, ledger, "档案员")
    for name, text in (
        ("巡检.docx", "OCR 识别：巡检日期20190508，正常。"),
        ("流水号.docx", "流水号20191340，不是日期。"),
    ):
        clerk.file(write_docx(tmp_path / name, text), Metadata(category="工程档案", title=name[:-5]))
    update_index(ws, ledger)
    for query in ("2019-05-08", "2019年5月8日", "20190508", "2019.5.8"):
        assert [hit.title for hit in search(ws, query).hits] == ["巡检"], query
    assert [hit.title for hit in search(ws, "2019年5月").hits] == ["巡检"]  # the day's month
    assert search(ws, "20191340").hits[0].title == "流水号"  # not a date: found as a number


@pytest.mark.parametrize(
    ("name", "title", "day"),
    [
        ("电梯维保记录_2024年5月", "电梯维保记录", dt.date(2024, 5, 1)),
        ("二次供水巡检_2024-05", "二次供水巡检", dt.date(2024, 5, 1)),
        ("水费台账_202405", "水费台账", dt.date(2024, 5, 1)),
        ("维保记录_2024年13月", "维保记录_2024年13月", None),
        ("3-2-1201_产权证明_20261102", "产权证明", dt.date(2026, 11, 2)),  # a whole day wins
    ],
)
def test_a_year_month_in_a_file_name_is_the_documents_month(name: str, title: str, day: dt.date | None) -> None:
    meta = metadata_from_name(name, FilingRules.from_settings(ArchiveSettings()))
    assert (meta.title, meta.doc_date) == (title.replace("_", " "), day)


def test_a_scan_named_by_its_month_is_filed_in_that_year(ws: Workspace, ledger: Ledger, tmp_path: Path) -> None:
    scan = tmp_path / "电梯维保记录_2024年5月.tif"
    Image.new("L", (64, 64), 255).save(scan)
    outcome = Archivist(ws, ledger, "档案员").file(scan)
    assert outcome.item is not None
    assert (outcome.item.archive_no, outcome.item.title, outcome.item.doc_date) == (
        "GC-2024-00001",
        "电梯维保记录",
        dt.date(2024, 5, 1),
    )
    update_index(ws, ledger, ocr=False)
    assert [hit.archive_no for hit in search(ws, "date:2024-05").hits] == ["GC-2024-00001"]
    assert [hit.archive_no for hit in search(ws, "2024年5月").hits] == ["GC-2024-00001"]


def test_a_quoted_phrase_is_found_as_written(ws: Workspace, ledger: Ledger, tmp_path: Path) -> None:
    clerk = Archivist(ws, ledger, "档案员")
    texts = {}
    for name, text in (
        ("甲.docx", "电梯维修 保养完成。"),
        ("乙.docx", "电梯维修，保养完成。"),
        ("丙.docx", "维修保养"),
    ):
        outcome = clerk.file(write_docx(tmp_path / name, text), Metadata(category="工程档案", title=name[:-5]))
        assert outcome.item is not None
        texts[outcome.item.archive_no] = text
    update_index(ws, ledger)
    assert found(ws, '"维修 保养"') == ground_truth(texts, "维修 保养") != set()
    assert found(ws, '"维修，保养"') == ground_truth(texts, "维修，保养") != set()
    assert found(ws, '维修 -"维修，保养"') == set(texts) - ground_truth(texts, "维修，保养")
    assert search(ws, '"维修 保养"').total == 2  # 维修 保养 and 维修保养: a blank between Han is no boundary
