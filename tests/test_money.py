"""Money: amounts typed at the counter, figures and capitals (pure functions, table tests)."""

from __future__ import annotations

import pytest

from recordkit.core.errors import ValidationError
from recordkit.core.money import amount_in_capitals, format_yuan, parse_amount, yuan

# Every example of the issue, and the form recordkit picks where the rules allow two.
CAPITALS = [
    ("0.05", "伍分"),
    ("0.50", "伍角整"),
    ("10.00", "壹拾元整"),
    ("1,010.00", "壹仟零壹拾元整"),
    ("325.04", "叁佰贰拾伍元零肆分"),
    ("1,409.50", "壹仟肆佰零玖元伍角整"),
    ("16,409.02", "壹万陆仟肆佰零玖元零贰分"),
    ("100,005.50", "壹拾万零伍元伍角整"),
    ("1,000,000.07", "壹佰万元零柒分"),
    ("100,000,000.00", "壹亿元整"),
    # the two optional cases: no 零 between 元 and 角 (README "大写金额")
    ("1,680.32", "壹仟陆佰捌拾元叁角贰分"),
    ("107,000.53", "壹拾万柒仟元伍角叁分"),
    # more of the rules
    ("0.01", "壹分"),
    ("1.00", "壹元整"),
    ("10.05", "壹拾元零伍分"),
    ("6,007.14", "陆仟零柒元壹角肆分"),
    ("100,010.00", "壹拾万零壹拾元整"),
    ("30,200.00", "叁万零贰佰元整"),
    ("100,000,010.00", "壹亿零壹拾元整"),
    ("999,999,999,999.99", "玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
    # a 角 alone, a 分 after zero 元 units, a zero inside the 元 and a 角 after it, a round 万, zeros across 万 to 亿
    ("0.10", "壹角整"),
    ("100.05", "壹佰元零伍分"),
    ("1,001.10", "壹仟零壹元壹角整"),
    ("10,000.00", "壹万元整"),
    ("100,000,001.00", "壹亿零壹元整"),
    # 角 and no 分: 整 after the 角 (《会计基础工作规范》第五十二条; 《支付结算办法》 allows it)
    ("1,649.50", "壹仟陆佰肆拾玖元伍角整"),
    ("30.20", "叁拾元贰角整"),
]


@pytest.mark.parametrize(("typed", "capitals"), CAPITALS, ids=[c[0] for c in CAPITALS])
def test_amount_in_capitals(typed: str, capitals: str) -> None:
    assert amount_in_capitals(parse_amount(typed)) == capitals


def test_zero_in_capitals() -> None:
    assert amount_in_capitals(0) == "零元整"


@pytest.mark.parametrize(
    ("fen", "message"),
    [
        (-1, "负数金额不能写成大写：-0.01"),
        (10**14, "金额 1,000,000,000,000.00 过大：大写金额只写到万亿元以下"),
    ],
)
def test_capitals_refuses_negative_and_trillions(fen: int, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        amount_in_capitals(fen)
    assert caught.value.message == message


@pytest.mark.parametrize(
    ("typed", "fen"),
    [
        ("1,234.50", 123450),
        ("1234.5", 123450),
        ("1234", 123400),
        ("0.01", 1),
        (".5", 50),
        ("１２３４．５０", 123450),
        ("１，２３４.５", 123450),
        ("￥1,234.50", 123450),
        ("¥ 88", 8800),
        ("300元", 30000),
        (" 12.30 ", 1230),
        ("999999999999.99", 99999999999999),
        # A space where a comma would group thousands; beside the ¥ and the 元.
        ("1 000", 100000),
        ("１　２３４.５", 123450),
        ("12 345 678.90", 1234567890),
        ("￥ 100 元", 10000),
    ],
)
def test_parse_amount_accepts(typed: str, fen: int) -> None:
    assert parse_amount(typed) == fen


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("0", "金额不能为 0"),
        ("0.00", "金额不能为 0"),
        ("-5", "金额不能为负数：-5"),
        ("abc", "金额“abc”不是数字，应写成 1234.50 这样的数字（元，最多两位小数）"),
        ("12.345", "金额“12.345”超过两位小数：最小单位是分，例如 1234.56"),
        ("1,23.5", "金额“1,23.5”不是数字，应写成 1234.50 这样的数字（元，最多两位小数）"),
        ("1e3", "金额“1e3”不是数字，应写成 1234.50 这样的数字（元，最多两位小数）"),
        ("NaN", "金额“NaN”不是数字，应写成 1234.50 这样的数字（元，最多两位小数）"),
        ("", "金额不能为空，应写成 1234.50 这样的数字（元，最多两位小数）"),
        ("1000000000000", "金额“1000000000000”过大：不能达到万亿元"),
        # A space inside the figure not grouping thousands joined two numbers: "3 0" was 30.00, "100 50" 10,050.00.
        ("3 0", "金额“3 0”不是数字，应写成 1234.50 这样的数字（元，最多两位小数）"),
        ("100 50", "金额“100 50”不是数字，应写成 1234.50 这样的数字（元，最多两位小数）"),
        ("1 000 0", "金额“1 000 0”不是数字，应写成 1234.50 这样的数字（元，最多两位小数）"),
        ("12.3 4", "金额“12.3 4”不是数字，应写成 1234.50 这样的数字（元，最多两位小数）"),
    ],
)
def test_parse_amount_refuses(typed: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_amount(typed)
    assert caught.value.message == message
    assert caught.value.exit_code == 5


@pytest.mark.parametrize("typed", ["0", "0.0", "0.00", "０", "０.００", "0元", "¥0", "-0"])
def test_a_zero_amount_is_read_where_zero_is_allowed(typed: str) -> None:
    # A deduction of nothing (renovation refund --deduct) however the clerk typed it.
    assert parse_amount(typed, allow_zero=True) == 0
    assert parse_amount("200.50", allow_zero=True) == 20050
    with pytest.raises(ValidationError, match="金额不能为负数"):
        parse_amount("-1", allow_zero=True)


@pytest.mark.parametrize(
    ("fen", "text"),
    [
        (0, "0.00"),
        (5, "0.05"),
        (123450, "1,234.50"),
        (100000000, "1,000,000.00"),
        (-123450, "-1,234.50"),
    ],
)
def test_format_yuan(fen: int, text: str) -> None:
    assert format_yuan(fen) == text


def test_yuan_is_exact() -> None:
    assert str(yuan(123456789)) == "1234567.89"
    assert str(yuan(10)) == "0.10"
