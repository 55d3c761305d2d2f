"""Numbers too large for Decimal's context (1e308) are refused with the clerk's message, not exit 70."""

from __future__ import annotations

import pytest

from recordkit.billing.bills import parse_reading
from recordkit.billing.rules import parse_rate
from recordkit.core.errors import ValidationError
from recordkit.core.money import parse_amount
from recordkit.owners.roster_sheet import parse_area


@pytest.mark.parametrize(
    ("parse", "error", "message"),
    [
        # An area typed as text is read as an amount is: an exponent is not how a clerk writes a number.
        (parse_area, ValueError, "“1e308” 不是数字"),
        # Typed as text, a reading is read as an amount is; as a number cell it is too large (below).
        (parse_reading, ValueError, "“1e308” 不是数字：读数应写成 1234.5 或 1,234.5 这样的数字"),
        # A rate is read as an amount is: an exponent is not how a clerk writes a number.
        (parse_rate, ValidationError, "收费标准“1e308”不是数字，应写成 2.35 这样的金额（元，最多四位小数）"),
        (parse_amount, ValidationError, "金额“1e308”不是数字，应写成 1234.50 这样的数字（元，最多两位小数）"),
    ],
)
def test_1e308_is_refused_in_words(parse: object, error: type[Exception], message: str) -> None:
    with pytest.raises(error) as caught:
        parse("1e308")  # type: ignore[operator]
    assert str(caught.value) == message


def test_an_area_cell_of_1e308_is_refused_in_words() -> None:
    with pytest.raises(ValueError) as caught:
        parse_area(1e308)
    assert str(caught.value) == "1e+308 过大，请检查单位是否为平方米"


def test_a_reading_cell_of_1e308_is_refused_in_words() -> None:
    with pytest.raises(ValueError) as caught:
        parse_reading(1e308)
    assert str(caught.value) == "读数 1e+308 过大，请检查"


def test_a_rate_of_four_hundred_digits_is_refused_in_words() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_rate("1" + "0" * 400)
    assert str(caught.value) == f"收费标准“1{'0' * 400}”过大，请检查单位是否为元"
