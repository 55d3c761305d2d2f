"""Numbers too large for Decimal's context (1e308) are refused with the clerk's message, not exit 70."""

from __future__ import annotations

import pytest

from recordkit.billing.bills import parse_reading
from recordkit.billing.rules import parse_rate
from recordkit.core.errors import ValidationError
from recordkit.core.money import parse_amount
from recordkit.owners.roster import parse_area


@pytest.mark.parametrize(
    ("parse", "error", "message"),
    [
        (parse_area, ValueError, "1e308 过大，请检查单位是否为平方米"),
        (parse_reading, ValueError, "读数 1e308 过大，请检查"),
        (parse_rate, ValidationError, "收费标准“1e308”过大，请检查单位是否为元"),
        (parse_amount, ValidationError, "金额“1e308”不是数字，应写成 1234.50 这样的数字（元，最多两位小数）"),
    ],
)
def test_1e308_is_refused_in_words(parse: object, error: type[Exception], message: str) -> None:
    with pytest.raises(error) as caught:
        parse("1e308")  # type: ignore[operator]
    assert str(caught.value) == message
