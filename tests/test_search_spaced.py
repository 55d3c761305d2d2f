"""Names a form pads with blanks (``业主：张 伟``) and phone numbers written with dashes, blanks or brackets
(``138-0013-8000``, ``0755 8888 6666``, ``（0755）88886666``), searched through the commands on both index backends.

A run of one or two blanks (half- or full-width) between two Chinese characters is read as a line end inside a
word is: no boundary, so ``张伟`` and ``"张 伟"`` find ``张 伟``; three blanks or more are a table's columns, and
punctuation (``张。 伟``) still ends the word.  The expected hits are worked out by hand from the texts below.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from recordkit.core.workspace import Workspace
from recordkit.search.query import highlight_spans
from recordkit.search.text import fold, token_stream
from tests.search_helpers import cli_hits, search_ws, write_docx  # noqa: F401  (fixture ws: each backend in turn)

#: (file name, the document's text), filed in this order as 合同协议档案 of 2026: HT-2026-00001, -00002, …
DOCUMENTS = [
    ("入住登记表.docx", "业主：张 伟，房号3-2-1201。"),  # one blank
    ("装修申请表.docx", "申请人：张\u3000伟，施工单位：安达装饰。"),  # a full-width blank
    ("车位租赁协议.docx", "承租人：张  伟，车位B1-023。"),  # two blanks
    ("钥匙交接记录.docx", "备用钥匙已交给张。 伟强签收。"),  # near miss: a full stop between 张 and 伟
    ("住户信息表.docx", "姓名   李   伟   性别   男"),  # a table's columns: three blanks are a boundary
    ("产权证明.docx", "兹证明房屋产权人为张伟。"),  # written together
    ("联系单.docx", "业主联系电话：138-0013-8000。"),  # a mobile with dashes
    ("租户登记表.docx", "租户手机 138 0013 8000，单位电话0755-8888 6666。"),  # with blanks; a landline grouped
    ("回访记录.docx", "回访电话13800138000，已接通。"),  # the mobile as digits
    ("前台值班表.docx", "前台电话0755-88886666，24小时值班。"),  # the landline as stored
    ("设备铭牌.docx", "设备序列号138-0013-8000-01。"),  # near miss: a dashed code holding the digits
    ("服务名片.docx", "服务热线（0755）8888 6666，全天接听。"),  # the area code in brackets
    ("报修回执.docx", "维修电话 0755 88886666。"),  # a blank after the area code
    ("收费通知.docx", "客服电话0755 8888 6666，缴费请到物业服务中心。"),  # blanks after both groups
    ("银行账户.docx", "开户账号6222 0755 8888 6666 123。"),  # near miss: a bank card's groups
    ("抄表记录.docx", "流水号 0755 8888 6666 0132，读数 0 755 8888。"),  # near miss: a group after it; a table row
    ("租户联系卡.docx", "联系电话 138 0013 8000 0755 8888 6666。"),  # a landline right after a grouped mobile
    ("传真记录.docx", "传真075588886666，请勿拨打。"),  # a landline written as one run of digits
    ("境外来函.docx", "回电请拨 +86 755 8888 6666 或 +86 138 0013 8000。"),  # after the country code
    ("总机名录.docx", "北京总机01088886666，上海分部02161234567。"),  # landlines as one run of digits
    ("海外联络.docx", "深圳办事处 +86 (0)755 2345 6789，北京联络处+86(0)10-6588-1234。"),  # the trunk prefix (0)
    ("退款账户.docx", "退押金账户 6222 138 0013 8000。"),  # near miss: a bank card's tail looks like a mobile
    ("港澳来函.docx", "回电请拨 86 (0)755 3456 7890，传真86(0)10-6588-4321。"),  # 86 without + before the (0)
    ("分部通讯录.docx", "杭州分部电话0571 8666 1234。"),  # a landline in groups, searched for as one run
    ("门岗联系卡.docx", "门岗电话8666-1234，值班室 866 5678。"),  # local numbers without the area code
    ("工资卡.docx", "工资卡号 6222 8666 1234 5678，开户行工商银行。"),  # near miss: a local number's groups in a card
    ("保安排班表.docx", "保安室电话 8666 1234，夜间值班。"),  # a local number in its 4-4 groups
    ("物业值班表.docx", "值班电话 8666 1234 139 1234 5678。"),  # a mobile right after it: two phones
    ("门岗值班表.docx", "门岗电话 8666 1234 2026-12-08 启用。"),  # a date right after it: not one more group
    ("停水公告.docx", "2026-12-08 0755 8888 6666 停水咨询。"),  # a landline a date before it (index version 12)
    ("停电公告.docx", "咨询 0755 8888 6666 2026-12-09 起。"),  # and one a date after it
    ("批次标签.docx", "批次 0211 8666 1234，箱号 075 8666 1234。"),  # near miss: no area code has these shapes
]


@pytest.fixture
def numbers(ws: Workspace, tmp_path: Path, run_cli: Any) -> dict[str, str]:
    """The documents filed by ``recordkit file`` (which indexes them): 档号 by file name."""
    filed = file_documents(tmp_path, run_cli, DOCUMENTS)
    assert list(filed.values()) == [f"HT-2026-{n:05d}" for n in range(1, len(DOCUMENTS) + 1)]
    return filed


def file_documents(tmp_path: Path, run_cli: Any, documents: list[tuple[str, str]]) -> dict[str, str]:
    """Each (file name, text) of ``documents`` written as a .docx and filed by ``recordkit file`` (which indexes it)
    as a 合同协议档案 of 2026-11-20: 档号 by file name."""
    filed: dict[str, str] = {}
    for name, text in documents:
        path = write_docx(tmp_path / "来件" / name, text)
        result = run_cli("file", str(path), "--category", "合同协议档案", "--date", "2026-11-20", "--json")
        assert result.exit_code == 0, result.output
        [outcome] = json.loads(result.stdout)
        filed[name] = outcome["archive_no"]
    return filed


def hits(run_cli: Any, query: str, *flags: str) -> list[str]:
    return cli_hits(run_cli, query, "--sort", "档号", *flags)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("张伟", [1, 2, 3, 6]),
        ('"张 伟"', [1, 2, 3, 6]),  # typed with the blank, quoted: both forms
        ('"张\u3000伟"', [1, 2, 3, 6]),
        ("张", [1, 2, 3, 4, 6]),
        ("伟", [1, 2, 3, 4, 5, 6]),
        ("交给张", [4]),
        ("张伟强", []),  # 张。 伟强: the full stop ends the word
        ("李伟", []),  # three blanks: two columns of a table
        ("李", [5]),
    ],
)
def test_a_name_padded_with_blanks_is_found(
    numbers: dict[str, str], run_cli: Any, query: str, expected: list[int]
) -> None:
    assert hits(run_cli, query) == [f"HT-2026-{n:05d}" for n in expected]


def test_the_snippet_marks_the_name_as_written(numbers: dict[str, str], run_cli: Any) -> None:
    result = run_cli("search", "张伟", "--json", "--sort", "档号")
    assert result.exit_code == 0, result.output
    marked = [
        hit["snippet"][start:end] for hit in json.loads(result.stdout)["hits"] for start, end in hit["highlights"]
    ]
    assert marked == ["张 伟", "张\u3000伟", "张  伟", "张伟"]


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("业主：张 伟", ["业主", "主", "张伟", "伟"]),
        ("业主：张\u3000伟", ["业主", "主", "张伟", "伟"]),
        ("业主：张  伟", ["业主", "主", "张伟", "伟"]),
        ("业主：张   伟", ["业主", "主", "张", "伟"]),  # three blanks: a boundary
        ("交给张。 伟强", ["交给", "给张", "张", "伟强", "强"]),
        ("张 3号", ["张", "3", "号"]),  # a blank before a digit stays a boundary
    ],
)
def test_the_tokens_of_a_padded_name(text: str, tokens: list[str]) -> None:
    assert token_stream(fold(text)) == tokens


def test_blanks_folded_again_stay_as_they_were() -> None:
    # A folded query is folded again by whatever reads it (the hand-made index of the benchmark): three blanks
    # must stay three, not become the one blank a name's padding is.
    assert fold("维修 \u3000  保养") == fold(fold("维修 \u3000  保养")) == "维修   保养"
    assert fold("张\u3000 伟") == fold(fold("张\u3000 伟")) == "张 伟"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("13800138000", [7, 8, 9, 17, 19]),
        ("138-0013-8000", [7, 8, 9, 17, 19]),
        ('"138 0013 8000"', [7, 8, 9, 17, 19]),
        ("138 0013 8000", [7, 8, 9, 17, 19]),  # typed in groups without quotes: the number all the same
        ("+8613800138000", [7, 8, 9, 17, 19]),
        # Every form finds every other, the run of digits (传真075588886666, HT-2026-00018) too.
        ("0755-88886666", [8, 10, 12, 13, 14, 17, 18, 19, 30, 31]),
        ('"0755-8888 6666"', [8, 10, 12, 13, 14, 17, 18, 19, 30, 31]),
        ("0755-8888-6666", [8, 10, 12, 13, 14, 17, 18, 19, 30, 31]),
        ('"0755 8888 6666"', [8, 10, 12, 13, 14, 17, 18, 19, 30, 31]),
        ("0755 8888 6666", [8, 10, 12, 13, 14, 17, 18, 19, 30, 31]),
        ('"0755 88886666"', [8, 10, 12, 13, 14, 17, 18, 19, 30, 31]),
        ('"(0755) 8888 6666"', [8, 10, 12, 13, 14, 17, 18, 19, 30, 31]),
        ("（0755）88886666", [8, 10, 12, 13, 14, 17, 18, 19, 30, 31]),
        ("075588886666", [8, 10, 12, 13, 14, 17, 18, 19, 30, 31]),
        ("电话 -075588886666", [7, 9, 24, 25, 27, 28, 29]),
        ('"+86 755 8888 6666"', [8, 10, 12, 13, 14, 17, 18, 19, 30, 31]),
        ("+86-755-88886666", [8, 10, 12, 13, 14, 17, 18, 19, 30, 31]),
        ("010-8888-6666", [20]),
        ('"010 88886666"', [20]),
        ("021-6123-4567", [20]),
        ("02161234567", [20]),
        ("0755-23456789", [21]),
        ("01065881234", [21]),
        ('"+86 (0)755 2345 6789"', [21]),
        ("+86(0)10-6588-1234", [21]),
        ("0755-34567890", [23]),
        ("075534567890", [23]),
        ('"86 (0)755 3456 7890"', [23]),
        ("010-6588-4321", [23]),
        ("86(0)10-6588-4321", [23]),
        ("0755-88886666 OR 075588886666", [8, 10, 12, 13, 14, 17, 18, 19, 30, 31]),
        # No area code, typed as one run: the digits as written, whole or in the 4-4 groups of a local number, alone
        # or after its area code (after a mobile, after the country code too), never inside a longer run of groups
        # (the bank card 6222 0755 8888 6666 123, the serial number 0755 8888 6666 0132).
        ("88886666", [8, 10, 12, 13, 14, 17, 19, 30, 31]),
        # A landline written in groups, typed as one run with its area code or without.
        ("057186661234", [24]),
        ("0571-86661234", [24]),
        # not the card 6222 8666 1234 5678 (HT-2026-00026); beside a mobile, a second phone, as masking reads it; a
        # date after it, as masking reads it; not after a group no area code is (0211, 075: HT-2026-00032), which
        # masking leaves as written
        ("86661234", [24, 25, 27, 28, 29]),
        ("8665678", [25]),  # 7 digits: the 3-4 groups
        ("电话 -86661234", [7, 8, 9, 10, 13, 14, 17]),  # nor 门岗电话 8666 1234 2026-12-08
        ("0013", [7, 8, 11, 17, 19, 22]),  # a group of digits is still found as written
        ("13900139000", []),
    ],
)
def test_a_phone_written_with_dashes_or_blanks_is_found(
    numbers: dict[str, str], run_cli: Any, query: str, expected: list[int]
) -> None:
    assert hits(run_cli, query) == [f"HT-2026-{n:05d}" for n in expected]


def test_a_phone_found_is_still_masked_unless_asked(numbers: dict[str, str], run_cli: Any) -> None:
    def marked(*flags: str) -> list[str]:
        result = run_cli("search", "13800138000", "--json", "--sort", "档号", *flags)
        assert result.exit_code == 0, result.output
        found = json.loads(result.stdout)["hits"]
        return [hit["snippet"][start:end] for hit in found for start, end in hit["highlights"]]

    assert marked() == ["138-****-8000", "138 **** 8000", "138****8000", "138 **** 8000", "138 **** 8000"]
    assert marked("--show-private") == [
        "138-0013-8000",
        "138 0013 8000",
        "13800138000",
        "138 0013 8000",
        "138 0013 8000",
    ]
    result = run_cli("search", "0755-88886666", "--json", "--sort", "档号")
    found = json.loads(result.stdout)["hits"]
    assert [hit["snippet"] for hit in found] == [
        "…机 138 **** 8000，单位电话0755-**** 6666。",  # 20 characters before the number
        "前台电话0755-****6666，24小时值班。",
        "服务热线（0755）**** 6666，全天接听。",
        "维修电话 0755 ****6666。",
        "客服电话0755 **** 6666，缴费请到物业服务中心。",
        "联系电话 138 **** 8000 0755 **** 6666。",
        "传真0755****6666，请勿拨打。",
        "回电请拨 +86 755 **** 6666 或 +86 138 **** 8000。",
        "2026-12-08 0755 **** 6666 停水咨询。",
        "咨询 0755 **** 6666 2026-12-09 起。",
    ]
    assert [hit["snippet"][start:end] for hit in found for start, end in hit["highlights"]] == [
        "0755-**** 6666",
        "0755-****6666",
        "0755）**** 6666",
        "0755 ****6666",
        "0755 **** 6666",
        "0755 **** 6666",
        "0755****6666",
        "755 **** 6666",
        "0755 **** 6666",
        "0755 **** 6666",
    ]
    # Written as one run of digits it is masked too, and shown whole when asked.
    found = json.loads(run_cli("search", "01088886666", "--json").stdout)["hits"]
    assert [hit["snippet"] for hit in found] == ["北京总机010****6666，上海分部021****4567。"]
    found = json.loads(run_cli("search", "021-61234567", "--json", "--show-private").stdout)["hits"]
    assert [hit["snippet"][start:end] for hit in found for start, end in hit["highlights"]] == ["02161234567"]
    # After the country code and the trunk prefix (0): masked as written, marked from the (0).
    found = json.loads(run_cli("search", "0755-23456789", "--json").stdout)["hits"]
    assert [hit["snippet"] for hit in found] == ["深圳办事处 +86 (0)755 **** 6789，北京联络处+86(0)10-****-1234。"]
    assert [hit["snippet"][start:end] for hit in found for start, end in hit["highlights"]] == ["(0)755 **** 6789"]
    # 86 without + or 00 before the trunk prefix (0): the country code all the same.
    found = json.loads(run_cli("search", "0755-3456-7890", "--json").stdout)["hits"]
    assert [hit["snippet"] for hit in found] == ["回电请拨 86 (0)755 **** 7890，传真86(0)10-****-4321。"]
    assert [hit["snippet"][start:end] for hit in found for start, end in hit["highlights"]] == ["(0)755 **** 7890"]


def test_digit_groups_that_are_no_landline_are_no_phone(numbers: dict[str, str], run_cli: Any) -> None:
    """No landline is masked inside them; the 19 digits of a bank card are masked as one (first 4, last 4), and so
    are an old card's 15 digits whose last groups look like a mobile (shown whole before)."""
    result = run_cli("search", "开户账号 OR 流水号 OR 退押金账户 OR 批次", "--json", "--sort", "档号")
    assert result.exit_code == 0, result.output
    assert [hit["snippet"] for hit in json.loads(result.stdout)["hits"]] == [
        "开户账号6222 **** **** ***6 123。",
        "流水号 0755 8888 6666 0132，读数 0 755 8888。",
        "退押金账户 6222 *** **** 8000。",
        "批次 0211 8666 1234，箱号 075 8666 1234。",
    ]


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("电话：138-0013-8000", ["电话", "话", "138", "0013", "8000", "t:13800138000"]),
        ("138 0013 8000", ["138", "0013", "8000", "t:13800138000"]),
        ("13800138000", ["13800138000", "t:13800138000"]),
        ("+86 138 0013 8000", ["86", "138", "0013", "8000", "t:13800138000"]),
        ("0755-8888 6666", ["0755", "8888", "6666", "t:0755-88886666"]),
        ("0755-88886666", ["0755", "88886666", "t:0755-88886666"]),
        ("0755 8888 6666", ["0755", "8888", "6666", "t:0755-88886666"]),
        ("(0755) 88886666", ["0755", "88886666", "t:0755-88886666"]),
        ("（０７５５）８８８８－６６６６", ["0755", "8888", "6666", "t:0755-88886666"]),
        ("账号6222 0755 8888 6666 123", ["账号", "号", "6222", "0755", "8888", "6666", "123"]),  # a card's groups
        ("读数 0 755 8888", ["读数", "数", "0", "755", "8888"]),  # a table row
        (
            "138 0013 8000 0755 8888 6666",  # a landline beside a grouped mobile: two phones
            ["138", "0013", "8000", "0755", "8888", "6666", "t:13800138000", "t:0755-88886666"],
        ),
        (
            "0755 8888 6666 138-0013-8000",
            ["0755", "8888", "6666", "138", "0013", "8000", "t:0755-88886666", "t:13800138000"],
        ),
        (
            "6222 138 0013 8000 0755 8888 6666 0132",  # one run of groups: no phone
            ["6222", "138", "0013", "8000", "0755", "8888", "6666", "0132"],
        ),
        ("6222 138 0013 8000", ["6222", "138", "0013", "8000"]),  # a card's tail
        ("6222 0755 138 0013 8000", ["6222", "0755", "138", "0013", "8000"]),
        ("3-2-1201 138 0013 8000", ["3", "2", "1201", "138", "0013", "8000", "u:3-2-1201", "t:13800138000"]),
        ("075588886666", ["075588886666", "t:0755-88886666"]),  # one run of digits: the area code by the plan
        ("02161234567", ["02161234567", "t:021-61234567"]),
        ("6222075588886666", ["6222075588886666"]),  # a longer run holding one: no phone
        ("075588886666.50", ["075588886666", "50"]),  # an amount
        # After the country code the area code's 0 is dropped: the landline all the same (but not after a bare 86).
        ("+86 755 8888 6666", ["86", "755", "8888", "6666", "t:0755-88886666"]),
        ("+86 (755) 88886666", ["86", "755", "88886666", "t:0755-88886666"]),
        ("+86 (0)755 8888 6666", ["86", "0", "755", "8888", "6666", "t:0755-88886666"]),  # the trunk prefix
        ("+86(0)10-8888-6666", ["86", "0", "10", "8888", "6666", "t:010-88886666"]),
        ("0086 10 6588 1234", ["0086", "10", "6588", "1234", "t:010-65881234"]),
        ("86 755 8888 6666", ["86", "755", "8888", "6666"]),
        # ... unless the trunk prefix (0) follows it, which makes the 86 the country code.
        ("86 (0)755 8888 6666", ["86", "0", "755", "8888", "6666", "t:0755-88886666"]),
        ("86(0)10-8888-6666", ["86", "0", "10", "8888", "6666", "t:010-88886666"]),
        ("1986 (0)755 8888 6666", ["1986", "0", "755", "8888", "6666"]),  # a year: no 86 of its own
        ("86 (0)755 0888 6666", ["86", "0", "755", "0888", "6666"]),  # no local number
        ("序列号138-0013-8000-01", ["序列", "列号", "号", "138", "0013", "8000", "01"]),  # a dashed code
        ("金额13800138000.50", ["金额", "额", "13800138000", "50"]),  # an amount
    ],
)
def test_the_tokens_of_a_phone(text: str, tokens: list[str]) -> None:
    assert token_stream(fold(text)) == tokens


@pytest.mark.parametrize("gap", [" ", "  ", "\t", "\u3000", "\u3000\u3000", " \t", "   ", "\t\t\t"], ids=repr)
def test_a_phone_the_index_reads_is_masked(gap: str) -> None:
    """Masking is never narrower than the index: a number whose groups the fold joins into a phone's token is
    masked in a snippet; one whose groups stand a table's columns apart (three blanks) is neither."""
    from recordkit.core.personal import mask_in_text

    for text, masked, token in [
        (f"138{gap}0013{gap}8000", f"138{gap}****{gap}8000", "t:13800138000"),
        (f"0755{gap}8888{gap}6666", f"0755{gap}****{gap}6666", "t:0755-88886666"),
    ]:
        indexed = token in token_stream(fold(text))
        assert indexed == (len(gap) < 3)
        assert mask_in_text(text) == (masked if indexed else text)


def test_a_phone_padded_with_blanks_is_found_and_masked(ws: Workspace, tmp_path: Path, run_cli: Any) -> None:
    path = write_docx(tmp_path / "来件" / "租户登记表.docx", "租户手机 138  0013  8000，单位电话0755  8888 6666。")
    assert run_cli("file", str(path), "--category", "合同协议档案", "--date", "2026-11-20").exit_code == 0
    for query, snippet in [
        ("13800138000", "租户手机 138  ****  8000，单位电话0755  **** 6666。"),
        ("0755-88886666", "…138  ****  8000，单位电话0755  **** 6666。"),  # 20 characters before the number
    ]:
        result = run_cli("search", query, "--json")
        assert result.exit_code == 0, result.output
        assert [hit["snippet"] for hit in json.loads(result.stdout)["hits"]] == [snippet]


#: ID numbers written whole and in groups (the text of each document, filed in this order as HT-2026-00001, …).
ID_DOCUMENTS = [
    ("身份证复印件.docx", "业主张海鹏，身份证号 110101 19900307 1233。"),  # in groups, blanks
    ("购房合同.docx", "买受人李秀英，身份证号码：110101199003071250。"),  # whole
    ("租赁合同.docx", "承租人证件号 440301-19850612-002X，已核验。"),  # in groups, dashes, an X
    ("入住登记表.docx", "老证件号 110101 900307 123，已换新证。"),  # the first-generation number of the first
    ("流水单.docx", "流水号 110101199003071233001，金额 100 元。"),  # near miss: the digits inside a longer run
]


@pytest.fixture
def id_numbers(ws: Workspace, tmp_path: Path, run_cli: Any) -> None:
    file_documents(tmp_path, run_cli, ID_DOCUMENTS)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # Whole, written in groups; and its first-generation number (the card before, 15 digits, no 19, no check
        # digit: 110101 900307 123), one person's two numbers, as the owners' roster matches them.
        ("110101199003071233", [1, 4]),
        ("110101 19900307 1233", [1, 4]),
        ('"110101 19900307 1233"', [1, 4]),
        ("110101-19900307-1233", [1, 4]),
        ("110101199003071250", [2]),  # whole, written whole
        ("110101 19900307 1250", [2]),  # in groups, written whole
        ("１１０１０１１９９００３０７１２５０", [2]),  # full-width
        ("44030119850612002X", [3]),  # the check letter in either case, the groups dashed
        ("44030119850612002x", [3]),
        ("440301 19850612 002X", [3]),
        ("110101900307123", [1, 4]),  # a first-generation number finds the 18-digit one too
        ("110101 900307 123", [1, 4]),
        ("110101900307125", []),  # another person's: its 18-digit form ends 125X
        ("110101199003071234", []),
    ],
)
def test_an_id_number_written_whole_or_in_groups_is_found(
    id_numbers: None, run_cli: Any, query: str, expected: list[int]
) -> None:
    assert hits(run_cli, query) == [f"HT-2026-{n:05d}" for n in expected]


def test_an_id_number_found_is_still_masked_unless_asked(id_numbers: None, run_cli: Any) -> None:
    def snippets(query: str, *flags: str) -> list[str]:
        result = run_cli("search", query, "--json", "--sort", "档号", *flags)
        assert result.exit_code == 0, result.output
        return [hit["snippet"] for hit in json.loads(result.stdout)["hits"]]

    def marked(query: str, *flags: str) -> list[str]:
        result = run_cli("search", query, "--json", "--sort", "档号", *flags)
        assert result.exit_code == 0, result.output
        found = json.loads(result.stdout)["hits"]
        return [hit["snippet"][start:end] for hit in found for start, end in hit["highlights"]]

    assert snippets("110101 19900307 1250") == ["买受人李秀英，身份证号码：110101********1250。"]
    assert marked("110101199003071233") == ["110101 ******** 1233", "110101 ****** 123"]
    assert marked("110101199003071233", "--show-private") == ["110101 19900307 1233", "110101 900307 123"]
    assert snippets("110101199003071233", "--show-private") == [
        "业主张海鹏，身份证号 110101 19900307 1233。",
        "老证件号 110101 900307 123，已换新证。",
    ]


@pytest.mark.parametrize(
    ("text", "token"),
    [
        ("110101 19900307 1233", "i:110101199003071233"),
        ("110101-19900307-123X", "i:11010119900307123x"),
        ("110101199003071233", "i:110101199003071233"),
        ("110101  19900307  1233", "i:110101199003071233"),  # two blanks: a form's padding
        ("110101 900307 123", "i:110101199003071233"),  # a first-generation number as its 18-digit form
        ("身份证号11010119900307↵1233".replace("↵", "\n"), "i:110101199003071233"),  # a line end inside it
    ],
)
def test_the_token_of_an_id_number(text: str, token: str) -> None:
    assert token in token_stream(fold(text))


@pytest.mark.parametrize(
    "text",
    ["110101   19900307   1233", "110101199003071233001", "A110101199003071233", "110101 19901307 1233"],
)
def test_no_id_number_token_where_masking_sees_none(text: str) -> None:
    assert not [token for token in token_stream(fold(text)) if token.startswith("i:")]


@pytest.mark.parametrize(
    "text",
    ["总机010-5881234", "传真+86105881234", "电话 +86 10 588 1234", "(010)5881234", "电话：010 588 1234、8666 1234"],
)
def test_no_phone_token_for_a_beijing_number_of_7_digits(text: str) -> None:
    """010 and 02x take an 8-digit number: 7 digits after one, dashed or not, is no phone (masking shows it)."""
    assert not [token for token in token_stream(fold(text)) if token.startswith("t:")]


#: Several numbers after one phone label (filed in this order as HT-2026-00001, …): each a phone of its own.
PHONE_LIST_DOCUMENTS = [
    ("值班表.docx", "值班电话 138 0013 8000 8666 1234。"),  # a local number after a mobile
    ("联系单.docx", "联系电话：8666 1234，8666 5678。"),
    ("门岗表.docx", "门岗电话 8666 5678 / 8666 4321。"),
    ("保安表.docx", "座机 8666 4321 或 8666 1234。"),
    ("回访单.docx", "电话：13800138000、8666 9876。"),
    ("分部表.docx", "电话 0755-8888 6666 8666 2468。"),  # a local number after a landline
    ("流水单.docx", "流水号 138 0013 8000 8666 2468。"),  # near miss: no phone label, a run of groups
    ("登记表.docx", "电话 8666 1357 房号 1201 8666 9876。"),  # near miss: after a word, a group before it
    ("紧急联系.docx", "紧急电话 +86 138 0013 8000 8666 1470。"),  # a mobile after the country code
    ("物业电话.docx", "电话：8666 1470；8666 2580。"),  # ； between
    ("深圳分部.docx", "电话 +86 755 8888 6666 8666 1471。"),  # a landline after the country code
    ("深圳前台.docx", "电话 +86 (0)755 8888 6666 8666 1472。"),  # and the trunk prefix (0)
    ("深圳门岗.docx", "电话 (0755) 8888 6666 8666 1473。"),  # the area code in brackets
    ("深圳值班.docx", "电话 0755-8888 6666、8666 1474。"),
    ("北京传真.docx", "传真0105881234。"),  # near miss: 010 and 7 digits is no Beijing number
    ("杭州分部.docx", "电话 8666 1476 057188886666。"),  # a landline as one run of digits after a local number
    ("香港来电.docx", "电话 86 755 8888 6666 8666 1477。"),  # near miss: a bare 86 is no country code
    ("北京分部.docx", "电话：0105881234、8666 1478。"),  # after an item that is no phone
    ("广州分部.docx", "电话：8666 1479、0105881234；020 8888 6666 8666 1480。"),  # a landline a group after it
    ("北京旧号.docx", "总机010-5881234，传真+86105881234，电话：010 588 1234、8666 1481。"),  # 010 and 7 digits
]


@pytest.fixture
def phone_lists(ws: Workspace, tmp_path: Path, run_cli: Any) -> None:
    file_documents(tmp_path, run_cli, PHONE_LIST_DOCUMENTS)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("86661234", [1, 2, 4]),
        ("86665678", [2, 3]),
        ("86664321", [3, 4]),
        ("86669876", [5]),
        ("86662468", [6]),
        ("86661357", [8]),
        ("86661470", [9, 10]),
        ("86662580", [10]),
        ("86661471", [11]),
        ("86661472", [12]),
        ("86661473", [13]),
        ("86661474", [14]),
        ("0755 8888 6666", [6, 11, 12, 13, 14]),
        ("075588886666", [6, 11, 12, 13, 14]),
        ("0105881234", [15, 18, 19]),  # as the digits written, not as a phone: no phone's token
        ("010-5881234", [20]),  # as the digits written (北京旧号): 010 and 7 digits is no phone
        ("588 1234", [20]),  # as the digits written
        ("86661476", [16]),
        ("0571 8888 6666", [16]),
        ("057188886666", [16]),
        ("88886666", [6, 11, 12, 13, 14, 19]),  # not 16: a landline written as one run, as anywhere
        ("86661477", []),
        ("86661478", [18]),
        ("86661479", [19]),
        ("86661480", [19]),
        ("020 8888 6666", [19]),
        ("010 588 1234", [20]),  # as the digits written, not as a phone
        ("+86 10 5881234", []),  # no phone: 010 takes 8 digits, dashed or not, after the country code too
        ("86661481", [20]),
    ],
)
def test_each_number_after_one_phone_label_is_found(
    phone_lists: None, run_cli: Any, query: str, expected: list[int]
) -> None:
    assert hits(run_cli, query) == [f"HT-2026-{n:05d}" for n in expected]


def test_each_number_after_one_phone_label_is_masked(phone_lists: None, run_cli: Any) -> None:
    result = run_cli("search", "电话 OR 座机 OR 流水号 OR 传真", "--json", "--sort", "档号")
    assert result.exit_code == 0, result.output
    assert [hit["snippet"] for hit in json.loads(result.stdout)["hits"]] == [
        "值班电话 138 **** 8000 **** 1234。",
        "联系电话：**** 1234，**** 5678。",
        "门岗电话 **** 5678 / **** 4321。",
        "座机 **** 4321 或 **** 1234。",
        "电话：138****8000、**** 9876。",
        "电话 0755-**** 6666 **** 2468。",
        "流水号 138 **** 8000 8666 2468。",
        "电话 **** 1357 房号 1201 8666 9876。",
        "紧急电话 +86 138 **** 8000 **** 1470。",
        "电话：**** 1470；**** 2580。",
        "电话 +86 755 **** 6666 **** 1471。",
        "电话 +86 (0)755 **** 6666 **** 1472。",
        "电话 (0755) **** 6666 **** 1473。",
        "电话 0755-**** 6666、**** 1474。",
        "传真0105881234。",
        "电话 **** 1476 0571****6666。",
        "电话 86 755 8888 6666 8666 1477。",
        "电话：0105881234、**** 1478。",
        "电话：**** 1479、0105881234；020 **** 6666 **** 1480。",
        "总机010-5881234，传真+86105881234，电话：010 588 1234、**** 1481。",
    ]
    found = json.loads(run_cli("search", "86661234", "--json", "--sort", "档号").stdout)["hits"]
    assert [hit["snippet"][start:end] for hit in found for start, end in hit["highlights"]] == [
        "**** 1234",
        "**** 1234",
        "**** 1234",
    ]
    # The list's landline written as one run of digits is found as the phone it is masked as, marked whole.
    found = json.loads(run_cli("search", "0571-88886666", "--json", "--show-private").stdout)["hits"]
    assert [hit["snippet"][start:end] for hit in found for start, end in hit["highlights"]] == ["057188886666"]


def test_a_landline_of_a_phone_list_is_marked_as_one_alone_is(phone_lists: None, run_cli: Any) -> None:
    """A list's landline found by its area code and number is marked in the snippet from its area code to its last
    digit, masked, as a landline alone is (``+86 755 **** 6666``: from the 7 after the country code; ``(0)755``: from
    the trunk prefix's bracket; ``0755)``: inside the brackets)."""
    found = json.loads(run_cli("search", "0755 8888 6666", "--json", "--sort", "档号").stdout)["hits"]
    assert [hit["snippet"] for hit in found] == [
        "电话 0755-**** 6666 **** 2468。",
        "电话 +86 755 **** 6666 **** 1471。",
        "电话 +86 (0)755 **** 6666 **** 1472。",
        "电话 (0755) **** 6666 **** 1473。",
        "电话 0755-**** 6666、**** 1474。",
    ]
    assert [hit["snippet"][start:end] for hit in found for start, end in hit["highlights"]] == [
        "0755-**** 6666",
        "755 **** 6666",
        "(0)755 **** 6666",
        "0755) **** 6666",
        "0755-**** 6666",
    ]


#: The same landline twice: in brackets a gap after another group of digits (part of a longer run, shown as written,
#: no phone) and dashed (a phone, masked).
WRITTEN_TWICE = "旧号 0215881234 (0755)88886666 0755-8888 6666。"


def test_a_phone_written_twice_is_marked_where_it_is_read(ws: Workspace, tmp_path: Path, run_cli: Any) -> None:
    """The snippet marks the copy read as the phone (masked), never the one shown whole as the hit (it marked both,
    and the snippet started at the one shown whole); asked to show everything, still only the one read."""
    file_documents(tmp_path, run_cli, [("号码对照.docx", WRITTEN_TWICE)])
    for query in ("0755 8888 6666", "075588886666"):
        found = json.loads(run_cli("search", query, "--json").stdout)["hits"]
        assert [hit["snippet"] for hit in found] == ["…1234 (0755)88886666 0755-**** 6666。"]
        assert [hit["snippet"][start:end] for hit in found for start, end in hit["highlights"]] == ["0755-**** 6666"]
    found = json.loads(run_cli("search", "0755 8888 6666", "--json", "--show-private").stdout)["hits"]
    assert [hit["snippet"][start:end] for hit in found for start, end in hit["highlights"]] == ["0755-8888 6666"]


def test_the_page_marks_a_phone_written_twice_where_it_is_read() -> None:
    assert highlight_spans(WRITTEN_TWICE, "0755 8888 6666") == [(29, 43)]


def test_a_local_number_after_a_3_digit_area_code_is_found_only_of_8_digits(
    ws: Workspace, tmp_path: Path, run_cli: Any
) -> None:
    """A local number typed as one run (5881234) is found as its groups after an area code only where the area code
    takes a number of its length: 010 takes 8 digits, so 010 588 1234 is a run of groups, no number after an area code
    (as masking shows it), while 0571 588 1234 is one; 010 5881 2345 is one too."""
    file_documents(
        tmp_path,
        run_cli,
        [
            ("北京旧号.docx", "旧总机 010 588 1234。"),
            ("杭州分部.docx", "总机 0571 588 1234。"),
            ("北京总机.docx", "总机 010 5881 2345。"),
        ],
    )
    assert hits(run_cli, "5881234") == ["HT-2026-00002"]
    assert hits(run_cli, "58812345") == ["HT-2026-00003"]
