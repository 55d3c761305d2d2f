"""Money as integer fen: reading an amount a cashier typed, writing it in figures and in capitals.

Owns the three conversions between text and fen; no float ever holds an amount.
Knows nothing of bills, payments or the ledger.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from recordkit.core.errors import ValidationError

__all__ = ["CAPITALS_LIMIT_FEN", "amount_in_capitals", "decimal_number", "format_yuan", "parse_amount", "yuan"]

#: Amounts in capitals stop below 万亿 元 (one trillion yuan), in fen.
CAPITALS_LIMIT_FEN = 10**12 * 100

_EXAMPLE = "应写成 1234.50 这样的数字（元，最多两位小数）"
# Thousands separators as typed: 1,234.50 / 1，234.50 (full-width comma folds to "," under NFKC).
# Digits are 0-9 only (re.ASCII): NFKC folds full-width ３ to 3 but leaves other scripts' digits
# (Arabic-Indic ٣), which Decimal would read; no exponent (1E2), no underscore (1_50), no stray commas.
_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?$|^[+-]?\.\d+$", re.ASCII)


def decimal_number(folded: str) -> Decimal | None:
    """The number ``folded`` (already NFKC-folded) writes, or None when it is not written the way a
    clerk writes a number: optional sign, digits 0-9 with optional thousands groups (``1,234``),
    optional decimals.  Amounts (``parse_amount``) and fee rates (``billing.rules.parse_rate``)
    read numbers by this one rule."""
    if not _NUMBER.match(folded):
        return None
    return Decimal(folded.replace(",", ""))


def parse_amount(text: str, allow_zero: bool = False) -> int:
    """An amount in 元 as typed at the counter, in fen: ``"1,234.50"`` → ``123450``.

    Accepts thousands separators — a comma or a space, only between real thousands groups —, full-width
    digits and punctuation (``１２３４．５``), a leading ``¥``/``￥`` and a trailing ``元``.  Raises ``ValidationError`` (in
    Chinese) for text that is not a number, for zero (unless ``allow_zero``: a
    deduction of nothing, however written), for a negative amount, for more than
    two decimals (below one fen) and for amounts of 万亿 元 or more.
    """
    shown = str(text).strip()
    folded = unicodedata.normalize("NFKC", shown).removeprefix("¥").removeprefix("￥").strip()
    # A space inside the figure groups thousands as a comma does (1 000), and is read as one: dropped
    # anywhere, it joined two numbers into one ("3 0" was 30.00, "100 50" 10,050.00).
    folded = re.sub(r"\s+", ",", folded.removesuffix("元").strip())
    if not folded:
        raise ValidationError(f"金额不能为空，{_EXAMPLE}")
    value = decimal_number(folded)
    if value is None:
        raise ValidationError(f"金额“{shown}”不是数字，{_EXAMPLE}")
    if value < 0:
        raise ValidationError(f"金额不能为负数：{shown}")
    if value == 0:
        if allow_zero:
            return 0
        raise ValidationError("金额不能为 0")
    if value != value.quantize(Decimal("0.01")):
        raise ValidationError(f"金额“{shown}”超过两位小数：最小单位是分，例如 1234.56")
    fen = int(value * 100)
    if fen >= CAPITALS_LIMIT_FEN:
        raise ValidationError(f"金额“{shown}”过大：不能达到万亿元")
    return fen


def yuan(fen: int) -> Decimal:
    """Fen as an exact ``Decimal`` of 元 with two places (for spreadsheet cells)."""
    return Decimal(fen).scaleb(-2)


def format_yuan(fen: int) -> str:
    """Fen in figures with thousands separators and two decimals: ``123450`` → ``"1,234.50"``."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole:,}.{cents:02d}"


def amount_in_capitals(fen: int) -> str:
    """Fen in Chinese capitals as the People's Bank rules for vouchers require.

    ``100_550`` → ``"壹仟零伍元伍角整"``; ``0`` → ``"零元整"``.  ``整`` follows 元 when
    there are no 角 or 分, and 角 when there are no 分 (《会计基础工作规范》第五十二条 asks for it
    there, 《支付结算办法》 allows it), never 分; a zero in the 角 place before 分 is
    written (``壹佰万元零柒分``); zeros in the middle of the yuan become one 零
    (``壹拾万零伍元伍角整``).

    Where the rules allow two forms, recordkit writes the shorter one, everywhere:
    no 零 between 元 and 角 when the units of 元 are zero (``1,680.32`` →
    ``壹仟陆佰捌拾元叁角贰分``, ``107,000.53`` → ``壹拾万柒仟元伍角叁分``), and no
    零 when the zeros end at a 万 or 亿 boundary followed by a non-zero 仟
    (``壹拾万柒仟``) — as the People's Bank's own example writes it.

    The conversion is cn2an's ``rmb`` mode (a maintained library): it gives every
    form of the issue's table and agreed with a rule-by-rule reference on 300,000
    amounts.  Raises ``ValidationError`` for a negative amount or one of 万亿 元 or more.
    """
    if fen < 0:
        raise ValidationError(f"负数金额不能写成大写：{format_yuan(fen)}")
    if fen >= CAPITALS_LIMIT_FEN:
        raise ValidationError(f"金额 {format_yuan(fen)} 过大：大写金额只写到万亿元以下")
    # loaded on first use: cn2an takes ~0.1 s to import, and only receipts need capitals
    import cn2an

    whole, cents = divmod(fen, 100)
    capitals = str(cn2an.an2cn(f"{whole}.{cents:02d}", "rmb"))
    # cn2an ends an amount of 角 without 分 at the 角; the accounting rules want 整 there too.
    return capitals + "整" if capitals.endswith("角") else capitals
