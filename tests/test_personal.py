"""Owners' personal data: ID check digit, ID and phone validation, masking."""

from __future__ import annotations

import datetime
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recordkit.core.errors import ValidationError
from recordkit.core.personal import (
    id_number_check_digit,
    is_masked,
    mask_id_number,
    mask_in_text,
    mask_in_text_between,
    mask_phone,
    name_problem,
    phones_in_text,
    reason_problem,
    validate_id_number,
    validate_phone,
)
from tests.search_helpers import PAGE_PIECES

# Check digits worked out by hand: sum of digit × weight (7 9 10 5 8 4 2 1 6 3
# 7 9 10 5 8 4 2), remainder mod 11, then 0→1 1→0 2→X 3→9 … 10→2.
#   11010519491231002: sum 167, 167 mod 11 = 2  → X  (the GB 11643 example)
#   44052418800101001: sum 195, 195 mod 11 = 8  → 4  (the GB 11643 example)
#   11010119900307123: sum 174, 174 mod 11 = 9  → 3
#   32010619850615201: sum 249, 249 mod 11 = 7  → 5
#   32010619850615203: sum 253, 253 mod 11 = 0  → 1
#   32010619850615209: sum 265, 265 mod 11 = 1  → 0
#   31011520000229456: sum 214, 214 mod 11 = 5  → 7
HAND_COMPUTED = [
    ("11010519491231002", "X"),
    ("44052418800101001", "4"),
    ("11010119900307123", "3"),
    ("32010619850615201", "5"),
    ("32010619850615203", "1"),
    ("32010619850615209", "0"),
    ("31011520000229456", "7"),
]


@pytest.mark.parametrize(("first17", "expected"), HAND_COMPUTED)
def test_id_number_check_digit_hand_computed(first17: str, expected: str) -> None:
    assert id_number_check_digit(first17) == expected


@pytest.mark.parametrize(
    "first17",
    ["", "1101051949123100", "110105194912310021", "1101051949123100X", "１１０１０５１９４９１２３１００２"],
)
def test_id_number_check_digit_needs_17_ascii_digits(first17: str) -> None:
    with pytest.raises(ValueError):
        id_number_check_digit(first17)


def _random_first17(rng: random.Random) -> str:
    region = f"{rng.randint(110000, 829999):06d}"
    birth = datetime.date(1900, 1, 1) + datetime.timedelta(days=rng.randint(0, 46000))
    sequence = f"{rng.randint(0, 999):03d}"
    return f"{region}{birth:%Y%m%d}{sequence}"


def test_any_17_digits_with_their_check_digit_validate() -> None:
    rng = random.Random(11643)
    seen_check_chars = set()
    for _ in range(2000):
        first17 = _random_first17(rng)
        check = id_number_check_digit(first17)
        seen_check_chars.add(check)
        assert validate_id_number(first17 + check) == first17 + check
    assert seen_check_chars == set("0123456789X")


def test_any_single_wrong_digit_or_check_char_is_caught() -> None:
    # MOD 11-2 catches every single substitution; region and sequence digits are
    # changed here so that the birth date stays valid.
    rng = random.Random(7064)
    for _ in range(300):
        first17 = _random_first17(rng)
        number = first17 + id_number_check_digit(first17)
        position = rng.choice([0, 1, 2, 3, 4, 5, 14, 15, 16])
        digit = rng.choice([d for d in "0123456789" if d != number[position]])
        altered = number[:position] + digit + number[position + 1 :]
        with pytest.raises(ValidationError, match="^身份证号校验位错误$"):
            validate_id_number(altered)
        wrong_check = rng.choice([c for c in "0123456789X" if c != number[17]])
        with pytest.raises(ValidationError, match="^身份证号校验位错误$"):
            validate_id_number(number[:17] + wrong_check)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("11010519491231002X", "11010519491231002X"),
        ("11010519491231002x", "11010519491231002X"),
        ("110101199003071233", "110101199003071233"),
        ("310115200002294567", "310115200002294567"),  # 29 February 2000
        (" 110105 19491231 002X ", "11010519491231002X"),
        ("１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X"),
        ("１１０１０５１９４９１２３１００２ｘ", "11010519491231002X"),
        # First-generation numbers: 15 digits, born 19YYMMDD, kept as written (never made 18 digits).
        ("110105491231002", "110105491231002"),
        (" 110105 491231 002 ", "110105491231002"),
        ("１１０１０５４９１２３１００２", "110105491231002"),
        ("310115960229456", "310115960229456"),  # 29 February 1996
    ],
)
def test_validate_id_number_accepts(text: str, expected: str) -> None:
    assert validate_id_number(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "身份证号应为18位或15位（现在是0位）"),
        ("11010519491231002", "身份证号应为18位或15位（现在是17位）"),
        ("11010519491231002X1", "身份证号应为18位或15位（现在是19位）"),
        ("1101054912310021", "身份证号应为18位或15位（现在是16位）"),
        ("11010549123100X", "15位身份证号只能由数字组成"),
        ("11010549123100x", "15位身份证号只能由数字组成"),
        ("110105491331002", "身份证号中的出生日期无效"),  # month 13
        ("110105490229002", "身份证号中的出生日期无效"),  # 1949 was no leap year
        ("110105491200002", "身份证号中的出生日期无效"),  # day 0
        ("310115000229456", "身份证号中的出生日期无效"),  # 19YY: 29 February 1900, no leap year
        ("11010519491231002Y", "身份证号只能由数字和末位X组成"),
        ("1101051949123100X2", "身份证号只能由数字和末位X组成"),
        ("110105-1949123100X", "身份证号只能由数字和末位X组成"),
        ("110105194902301234", "身份证号中的出生日期无效"),  # 30 February
        ("110105190002291234", "身份证号中的出生日期无效"),  # 1900 was no leap year
        ("110105202513011234", "身份证号中的出生日期无效"),  # month 13
        ("110105202512001234", "身份证号中的出生日期无效"),  # day 0
        ("440524188001010014", "身份证号中的出生日期无效"),  # 1880: before 1900
        ("110105194912310021", "身份证号校验位错误"),
        ("110101199003071234", "身份证号校验位错误"),
    ],
)
def test_validate_id_number_reasons(text: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_id_number(text)
    assert caught.value.message == message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("13812345678", "13812345678"),
        ("19912345678", "19912345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("+8613812345678", "13812345678"),
        ("8613812345678", "13812345678"),
        ("0086 138-1234-5678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        ("＋８６　１３８１２３４５６７８", "13812345678"),
        ("0755-82345678", "0755-82345678"),
        ("0755 82345678", "0755-82345678"),
        ("075582345678", "0755-82345678"),
        ("0755-8234-5678", "0755-82345678"),
        ("0755—82345678", "0755-82345678"),
        ("０７５５－８２３４５６７８", "0755-82345678"),
        ("010-82345678", "010-82345678"),
        ("01082345678", "010-82345678"),
        ("02087654321", "020-87654321"),
        ("0571-8765432", "0571-8765432"),
        ("0755-82345678-801", "0755-82345678-801"),
        ("0755-82345678转801", "0755-82345678-801"),
        # A local number without its area code: 7 or 8 digits, not starting with 0 or 1.
        ("88886666", "88886666"),
        ("8888-6666", "88886666"),
        ("8888 6666", "88886666"),
        ("８８８８－６６６６", "88886666"),
        ("2345678", "2345678"),
        ("234-5678", "2345678"),
    ],
)
def test_validate_phone_accepts(text: str, expected: str) -> None:
    assert validate_phone(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "12345678901",  # 12 is no mobile prefix
        "1381234567",
        "138123456789",
        "+8713812345678",
        "8813812345678",
        "0755-123456",
        "0755-123456789",
        "755-12345678",
        "07555-12345678",
        "0755-12345678-1234567",
        "12345678",
        "08886666",  # 0: an area code with too few digits after it
        "1888-6666",
        "888666",  # 6 digits
        "888866661",  # 9 digits
        "88-886666",  # grouped unlike a local number (3-4 or 4-4)
        "8888--6666",
        "8888-6666-",
        "138l2345678",
        "电话13812345678",
    ],
)
def test_validate_phone_refuses(text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_phone(text)
    assert caught.value.message == f"联系电话“{text}”不是有效的手机号或固定电话"


@pytest.mark.parametrize(
    ("text", "area"),
    [
        ("0211-8888666", "0211"),  # 02x is a 3-digit code: 021, then a number
        ("(0211)8888666", "0211"),
        ("0101-88886666", "0101"),  # 010 likewise
        ("075-12345678", "075"),  # codes from 03 to 09 have 4 digits
        ("011-88886666", "011"),  # 010 is the only code 01 starts
        ("019-8888666", "019"),
        ("(012)88886666", "012"),
        ("01188886666", "011"),  # one run of digits: 011 and 8 digits, as 010 and 8 digits would be read
    ],
)
def test_validate_phone_refuses_an_area_code_no_numbering_plan_has(text: str, area: str) -> None:
    # 0211-8888666 was taken at the counter as a landline of area code 0211, which no city has
    with pytest.raises(ValidationError) as caught:
        validate_phone(text)
    assert caught.value.message == (
        f"联系电话“{text}”的区号“{area}”不存在：四位区号以 03–09 开头，010 和 02X 是三位区号，请核对后改正"
    )


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("021-18888666", "18888666"),  # a local number never starts with 1 (a mobile's or a service number's digit)
        ("0755-12345678", "12345678"),
        ("(0755)12345678", "12345678"),
        ("0755 1234 5678", "12345678"),
        ("02118888666", "18888666"),  # one run of digits: 021, then a number
        ("010-12345678", "12345678"),
        ("0755-08886666", "08886666"),  # nor with 0 (an area code's digit)
        ("0571-1234567", "1234567"),
        ("0755-12345678-801", "12345678"),  # with an extension after it
    ],
)
def test_validate_phone_refuses_a_landline_whose_local_number_starts_with_0_or_1(text: str, number: str) -> None:
    # 021-18888666 and 0755-12345678 were taken at the counter: no city's local number starts with 0 or 1
    with pytest.raises(ValidationError) as caught:
        validate_phone(text)
    assert caught.value.message == (
        f"联系电话“{text}”的号码“{number}”不存在：区号后面的号码以 2–9 开头，不以 0 或 1 开头，请核对后改正"
    )


@pytest.mark.parametrize(
    ("text", "number", "area"),
    [
        ("010-5881234", "5881234", "010"),  # 010 and 02x take 8 digits: no Beijing or Shanghai number has 7
        ("0215881234", "5881234", "021"),  # one run of digits: 021, then 7
        ("(010)5881234", "5881234", "010"),
        ("010 588 1234", "5881234", "010"),
        ("029-2345678-801", "2345678", "029"),  # with an extension after it
        ("021-5881234转12", "5881234", "021"),
    ],
)
def test_validate_phone_refuses_a_3_digit_area_code_with_a_7_digit_number(text: str, number: str, area: str) -> None:
    # 010-5881234 was taken at the counter, though a text's 010-5881234 is no phone (neither masked nor found as one)
    with pytest.raises(ValidationError) as caught:
        validate_phone(text)
    assert caught.value.message == (
        f"联系电话“{text}”的号码“{number}”只有 7 位：区号 {area} 后应是 8 位号码，请核对后改正"
    )


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("010-58812345", "010-58812345"),
        ("(010)58812345", "010-58812345"),
        ("021 5881 2345", "021-58812345"),
        ("0911-2345678", "0911-2345678"),  # a 4-digit area code takes 7 digits or 8
        ("09112345678", "0911-2345678"),
        ("(0911)2345678", "0911-2345678"),
        ("0571-8661234-801", "0571-8661234-801"),
    ],
)
def test_validate_phone_takes_a_landline_of_a_length_its_area_code_takes(text: str, stored: str) -> None:
    assert validate_phone(text) == stored


def test_a_phone_written_with_the_country_code_and_010_and_7_digits_stays_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        validate_phone("+86 10 5881234")
    assert caught.value.message == "联系电话“+86 10 5881234”不是有效的手机号或固定电话"


def test_a_landline_an_older_version_kept_with_010_and_7_digits_is_still_masked() -> None:
    assert mask_phone("010-5881234") == "010-***1234"
    assert mask_phone("021-5881234-12") == "021-***1234-12"


def test_a_landline_an_older_version_kept_with_its_number_starting_with_1_is_still_masked() -> None:
    assert mask_phone("021-18888666") == "021-****8666"
    assert mask_phone("0755-12345678-801") == "0755-****5678-801"


def test_a_phone_an_older_version_kept_with_such_an_area_code_is_still_masked() -> None:
    assert mask_phone("0211-8888666") == "0211-***8666"
    assert mask_phone("0211-8888666-801") == "0211-***8666-801"
    assert mask_phone("011-88886666") == "011-****6666"


def test_a_number_of_such_an_area_code_in_a_text_is_still_read_and_masked() -> None:
    # refused as new input, 011-88886666 on a page filed before is still the phone the index finds and masking hides
    assert phones_in_text("业主电话 011-88886666，请联系") == ["011-88886666"]
    assert mask_in_text("业主电话 011-88886666，请联系") == "业主电话 011-****6666，请联系"


def test_validate_phone_quotes_input_without_surrounding_spaces() -> None:
    with pytest.raises(ValidationError) as caught:
        validate_phone("  1381234567 ")
    assert caught.value.message == "联系电话“1381234567”不是有效的手机号或固定电话"


@pytest.mark.parametrize(
    ("phone", "expected"),
    [
        ("13812345678", "138****5678"),
        ("+86 138 1234 5678", "138****5678"),
        ("0755-12345678", "0755-****5678"),
        ("075512345678", "0755-****5678"),
        ("010-1234567", "010-***4567"),
        ("0755-12345678-801", "0755-****5678-801"),
        ("88886666", "****6666"),  # a local number: the last 4 show
        ("8888-6666", "****6666"),
        ("2345678", "***5678"),
        ("12345678", "****5678"),  # not a valid number: only the last 4 show
        ("1234567", "***4567"),
        ("123456", "******"),
        ("12", "**"),
        ("", ""),
        ("138****5678", "138****5678"),  # already masked
    ],
)
def test_mask_phone(phone: str, expected: str) -> None:
    assert mask_phone(phone) == expected


@pytest.mark.parametrize(
    ("idno", "expected"),
    [
        ("110101199003071234", "110101********1234"),
        ("11010519491231002X", "110105********002X"),
        (" 110105 19491231 002X ", "110105********002X"),
        ("110105491231002", "110105******002"),  # first generation: first 6, last 3
        ("110101491231123", "110101******123"),
        ("11010549123100", "11**********00"),  # neither 18 nor 15 long: first 2 and last 2, as another document's
        ("1234", "****"),
        ("", ""),
        ("110101********1234", "110101********1234"),  # already masked
    ],
)
def test_mask_id_number(idno: str, expected: str) -> None:
    assert mask_id_number(idno) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("138****5678", True),
        ("110101********1234", True),
        ("138＊＊＊＊5678", True),
        ("*", True),
        ("13812345678", False),
        ("", False),
    ],
)
def test_is_masked(text: str, expected: bool) -> None:
    assert is_masked(text) is expected


def test_masked_values_are_recognised_as_masked() -> None:
    assert is_masked(mask_phone("13812345678"))
    assert is_masked(mask_id_number("11010519491231002X"))


def test_ids_and_phones_inside_text_are_masked_and_nothing_else() -> None:
    from recordkit.core.personal import mask_in_text

    text = "业主张伟（身份证号：110101199003071233，电话13812345678，座机0755-86001234）于2025年3月15日签收，房号3-2-1201。"
    assert mask_in_text(text) == (
        "业主张伟（身份证号：110101********1233，电话138****5678，座机0755-****1234）"
        "于2025年3月15日签收，房号3-2-1201。"
    )
    # A receipt number or a long archive number is not an ID number.
    assert (
        mask_in_text("收据SJ2026-000001，档号YZ-2026-00001，金额12345678901元")
        == "收据SJ2026-000001，档号YZ-2026-00001，金额12345678901元"
    )


def test_stored_values_are_masked_by_key_and_inside_text() -> None:
    from recordkit.core.personal import mask_values

    values = {"负责人电话": "13812345678", "卡片行": [{"左": {"正文": "身份证号：110101199003071233"}}], "张数": 3}
    assert mask_values(values) == {
        "负责人电话": "138****5678",
        "卡片行": [{"左": {"正文": "身份证号：110101********1233"}}],
        "张数": 3,
    }


def test_mask_in_text_masks_numbers_inside_free_text() -> None:
    from recordkit.core.personal import mask_in_text

    assert mask_in_text("业主张伟，身份证110101199003071233，手机13812345678。") == (
        "业主张伟，身份证110101********1233，手机138****5678。"
    )
    # Longer digit runs (a receipt number) and unit codes are not personal data (a card's number is: BANK_CARDS).
    assert mask_in_text("编号62220212345678901234 房号3-2-1201 SJ2026-000123") == (
        "编号62220212345678901234 房号3-2-1201 SJ2026-000123"
    )


# Phones and ID numbers as documents and OCR write them, each with its masked form typed out by hand: the
# same 3 + 4 digits visible as the plain form, separators and full-width digits kept as written.
WRITTEN_FORMS_MASKED = [
    # The reviewer's sentence: full-width mobile, full-width ID number, dashed mobile.
    (
        "联系电话：１３９１２３４４３２１，身份证号：３１０１０４１９８５０６０１００２７。紧急联系人电话139-8765-4321。",
        "联系电话：１３９****４３２１，身份证号：３１０１０４********００２７。紧急联系人电话139-****-4321。",
    ),
    ("手机13812345678。", "手机138****5678。"),
    ("手机１３８１２３４５６７８。", "手机１３８****５６７８。"),
    ("手机138 1234 5678。", "手机138 **** 5678。"),
    ("手机138-1234-5678。", "手机138-****-5678。"),
    ("手机138－1234－5678。", "手机138－****－5678。"),
    ("手机138\u30001234\u30005678。", "手机138\u3000****\u30005678。"),
    ("手机１３８－１２３４－５６７８。", "手机１３８－****－５６７８。"),
    ("手机+86 138 1234 5678。", "手机+86 138 **** 5678。"),
    ("手机+8613812345678。", "手机+86138****5678。"),
    ("手机(+86)13812345678。", "手机(+86)138****5678。"),
    ("手机（＋８６）１３８１２３４５６７８。", "手机（＋８６）１３８****５６７８。"),
    ("手机+86-138-1234-5678。", "手机+86-138-****-5678。"),
    # The country code without + (as exported by phones and other systems), and mixed separators.
    ("手机8613812345678。", "手机86138****5678。"),
    ("手机008613812345678。", "手机0086138****5678。"),
    ("手机００８６１３８１２３４５６７８。", "手机００８６１３８****５６７８。"),
    ("手机86 138 1234 5678。", "手机86 138 **** 5678。"),
    ("手机86-138-1234-5678。", "手机86-138-****-5678。"),
    ("手机0086-138-1234-5678。", "手机0086-138-****-5678。"),
    ("手机138 1234-5678。", "手机138 ****-5678。"),
    ("手机138-1234 5678。", "手机138-**** 5678。"),
    ("手机１３８\u3000１２３４－５６７８。", "手机１３８\u3000****－５６７８。"),
    ("手机+86 138-1234 5678。", "手机+86 138-**** 5678。"),
    ("联系人王芳 8613912345678，李强 138-8765 4321", "联系人王芳 86139****5678，李强 138-**** 4321"),
    ("身份证号110101199003071233。", "身份证号110101********1233。"),
    ("身份证号１１０１０１１９９００３０７１２３３。", "身份证号１１０１０１********１２３３。"),
    ("身份证号11010519491231002X。", "身份证号110105********002X。"),
    ("身份证号11010519491231002x。", "身份证号110105********002x。"),
    ("身份证号１１０１０５１９４９１２３１００２Ｘ。", "身份证号１１０１０５********００２Ｘ。"),
    ("身份证号110101 19900307 1233。", "身份证号110101 ******** 1233。"),
    # A first-generation number (15 digits, no check digit) where its province code and birth date stand.
    ("身份证号110105491231002。", "身份证号110105******002。"),
    ("身份证号１１０１０５４９１２３１００２。", "身份证号１１０１０５******００２。"),
    ("身份证号110105 491231 002。", "身份证号110105 ****** 002。"),
    ("身份证号:440301800229123,电话略", "身份证号:440301******123,电话略"),
    # Landlines as before (dashed form only), now also with full-width digits and dash.
    ("座机0755-86001234。", "座机0755-****1234。"),
    ("座机0755-86001234-801。", "座机0755-****1234-801。"),
    ("座机０７５５－８６００１２３４。", "座机０７５５－****１２３４。"),
    # The number after the area code in two groups (0755-8888 6666 was shown whole).
    ("单位电话0755-8888 6666。", "单位电话0755-**** 6666。"),
    ("单位电话0755-8888-6666。", "单位电话0755-****-6666。"),
    # 010 and 02x take an 8-digit number: 7 digits after one is no landline in today's plan, dashed or not, after the
    # country code too (masked as 010-*** 6666 and +8610***1234, and found as 010-5881234, before)
    ("总机010-888 6666", "总机010-888 6666"),
    (
        "总机010-5881234、+86105881234、+86 10 5881234、(010)5881234、010 588 1234、021-6123456",
        "总机010-5881234、+86105881234、+86 10 5881234、(010)5881234、010 588 1234、021-6123456",
    ),
    ("总机010-58812345、+861058812345、(021) 5881 2345", "总机010-****2345、+8610****2345、(021) **** 2345"),
    # The area code set apart by a blank or brackets, as rosters and forms write it (shown whole before).
    ("单位电话0755 8888 6666。", "单位电话0755 **** 6666。"),
    ("单位电话 0755 88886666", "单位电话 0755 ****6666"),
    ("单位电话0755 8888-6666。", "单位电话0755 ****-6666。"),
    ("单位电话(0755) 8888 6666。", "单位电话(0755) **** 6666。"),
    ("单位电话(0755)88886666。", "单位电话(0755)****6666。"),
    ("单位电话（０７５５）８８８８　６６６６。", "单位电话（０７５５）****　６６６６。"),
    ("总机010 6588 1234，传真021 5888 6666", "总机010 **** 1234，传真021 **** 6666"),
    ("电话0571 8666123", "电话0571 ***6123"),  # a 7-digit local number
    ("TEL 0755 8888 6666", "TEL 0755 **** 6666"),  # a word before the blank is no group of digits
    # Beside a whole mobile: two phones, each masked.
    ("联系电话13800138000 0755 88886666", "联系电话138****8000 0755 ****6666"),
    ("联系电话0755 8888 6666 13800138000", "联系电话0755 **** 6666 138****8000"),
    # Groups two blanks, a tab or two ideographic spaces apart, as forms padded with blanks write them: the search
    # reads them as one blank, so they are masked as with one (shown whole before), the blanks kept as written.
    ("手机138  0013 8000。", "手机138  **** 8000。"),
    ("手机138\t0013\t8000。", "手机138\t****\t8000。"),
    ("手机１３８\u3000\u3000００１３－８０００", "手机１３８\u3000\u3000****－８０００"),
    ("手机+86  138  0013  8000", "手机+86  138  ****  8000"),
    ("座机0755  8888 6666。", "座机0755  **** 6666。"),
    ("座机0755\t88886666", "座机0755\t****6666"),
    ("座机0755-8888  6666", "座机0755-****  6666"),
    ("座机(0755)  8888\t6666", "座机(0755)  ****\t6666"),
    ("身份证号110101  19900307  1233。", "身份证号110101  ********  1233。"),
    ("身份证号110101\t19900307 1233。", "身份证号110101\t******** 1233。"),
    ("身份证号110105  491231  002。", "身份证号110105  ******  002。"),
    ("联系电话13800138000\t0755\t88886666", "联系电话138****8000\t0755\t****6666"),
    ("联系电话0755  8888 6666  13800138000", "联系电话0755  **** 6666  138****8000"),
    # A grouped mobile beside a landline: two phones, each masked (the landline was shown whole).
    ("电话138 0013 8000 0755 8888 6666", "电话138 **** 8000 0755 **** 6666"),
    ("电话138-0013-8000  0755 88886666", "电话138-****-8000  0755 ****6666"),
    ("电话0755 8888 6666 138 0013 8000", "电话0755 **** 6666 138 **** 8000"),
    # After the country code, where the area code's 0 is dropped (shown whole before): as a landline, as written.
    ("电话+86 755 8888 6666", "电话+86 755 **** 6666"),
    ("电话+86 755 88886666", "电话+86 755 ****6666"),
    ("电话+86-755-88886666", "电话+86-755-****6666"),
    ("电话+86 (755) 8888 6666", "电话+86 (755) **** 6666"),
    ("电话0086 755 8888 6666", "电话0086 755 **** 6666"),
    ("电话(+86) 10 6588 1234", "电话(+86) 10 **** 1234"),
    ("电话+8675588886666", "电话+86755****6666"),
    ("电话（＋８６）７５５－８８８８　６６６６", "电话（＋８６）７５５－****　６６６６"),
    ("电话+86 0755 8888 6666", "电话+86 0755 **** 6666"),  # the 0 kept all the same
    ("电话+86 (0755) 88886666", "电话+86 (0755) ****6666"),
    ("手机+86 138 0013 8000，座机+86 755 8888 6666", "手机+86 138 **** 8000，座机+86 755 **** 6666"),
    # A landline written as one run of digits, its area code told by the numbering plan (shown whole before): the
    # area code and the last 4 digits stay, as in the grouped forms.
    ("传真075588886666。", "传真0755****6666。"),
    ("座机075586001234", "座机0755****1234"),
    ("总机01088886666，", "总机010****6666，"),
    ("电话02161234567", "电话021****4567"),
    ("电话05718666123", "电话0571***6123"),  # a 7-digit local number
    ("传真０７５５８８８８６６６６", "传真０７５５****６６６６"),
    ("Tel:075588886666", "Tel:0755****6666"),
    ("联系电话13800138000 075588886666", "联系电话138****8000 0755****6666"),  # beside a mobile: two phones
    ("电话075588886666、13800138000", "电话0755****6666、138****8000"),
    # The trunk prefix (0) after the country code, as letterheads write it (shown whole before): read as absent.
    ("电话+86 (0)755 8888 6666", "电话+86 (0)755 **** 6666"),
    ("电话+86(0)10-8888-6666", "电话+86(0)10-****-6666"),
    ("电话+86 (0) 21 6123 4567", "电话+86 (0) 21 **** 4567"),
    ("电话0086(0)75588886666", "电话0086(0)755****6666"),
    ("电话＋８６（０）７５５　８８８８６６６６", "电话＋８６（０）７５５　****６６６６"),
    # 86 without + or 00 before the trunk prefix (0): the (0) makes it the country code (shown whole before).
    ("电话86 (0)755 8888 6666", "电话86 (0)755 **** 6666"),
    ("电话86(0)10-8888-6666", "电话86(0)10-****-6666"),
    ("Tel: 86 (0) 21 6123 4567", "Tel: 86 (0) 21 **** 4567"),
    ("电话８６（０）７５５　８８８８６６６６", "电话８６（０）７５５　****６６６６"),
    # A mobile in groups after a group of digits that is no card's (a code's end, the country code), or written
    # whole after one: a phone all the same.
    ("房号3-2-1201 138 0013 8000", "房号3-2-1201 138 **** 8000"),
    ("电话0086 138 0013 8000", "电话0086 138 **** 8000"),
    ("尾号1201 13800138000", "尾号1201 138****8000"),
    # A room number before a mobile in groups: no card begins 1, 2 or 3 (UnionPay 62, Visa 4, Mastercard 5, the
    # old domestic cards 9): a phone, masked — when in doubt the number stays hidden.
    ("房号1201 138 0013 8000", "房号1201 138 **** 8000"),
    ("2301室 3302 139 0013 9000", "2301室 3302 139 **** 9000"),
    ("电话(0755) 8888 6666 138 0013 8000", "电话(0755) **** 6666 138 **** 8000"),  # a landline's groups: no card's
]


@pytest.mark.parametrize(
    ("text", "phones"),
    [
        ("电话138-0013-8000，手机138 0013 8000", ["13800138000"]),
        ("+86 139 0013 9000、0755-8888 6666、0571-\n88886666", ["13900139000", "0755-88886666", "0571-88886666"]),
        ("序列号138-0013-8000-01，金额13800138000.50元，本地88886666", []),  # a code, an amount, no area code
        ("座机0755 8888 6666，(0755) 88886666、（０５７１）８６６６　１２３４", ["0755-88886666", "0571-86661234"]),
        ("总机010 6588 1234，手机138 0013 8000", ["010-65881234", "13800138000"]),
        ("账号6222 0755 8888 6666 123，读数 0 755 8888，日期 2026 12 08", []),  # an account, a table row, a day
        ("手机138  0013\t8000，座机0755\u3000\u30008888 6666", ["13800138000", "0755-88886666"]),
        # A landline beside a mobile written in groups: two phones (the index read only the mobile).
        ("联系电话 138 0013 8000 0755 8888 6666", ["13800138000", "0755-88886666"]),
        ("电话138-0013-8000  0755 88886666", ["13800138000", "0755-88886666"]),
        ("电话0755 8888 6666 138 0013 8000", ["0755-88886666", "13800138000"]),
        ("电话138 0013 8000\t(0755) 8888 6666", ["13800138000", "0755-88886666"]),
        # ... and the longer runs around them still none: an account, a group after the landline, a day.
        ("账号6222 0212 3456 7890，卡号6222 0755 8888 6666", []),
        ("流水号 138 0013 8000 0755 8888 6666 0132", ["13800138000"]),
        ("日期 2026 12 08 0755 8888", []),
        # After the country code the area code's 0 is dropped: the same landline.
        (
            "电话+86 755 8888 6666、+86-755-88886666、+86 (755) 8888 6666、0086 755 8888 6666、+86 0755 88886666",
            ["0755-88886666"],
        ),
        ("总机+86 10 6588 1234，手机+86 138 0013 8000", ["010-65881234", "13800138000"]),
        # Written as one run of digits: the same landline.
        (
            "传真075588886666、总机01088886666、电话02161234567、0755-88886666",
            ["0755-88886666", "010-88886666", "021-61234567"],
        ),
        ("流水号6222075588886666，订单号120755888866，时间2026120800，金额075588886666.00元", []),
        # The trunk prefix (0) after the country code: the same landline.
        ("电话+86 (0)755 8888 6666、+86(0)10-8888-6666", ["0755-88886666", "010-88886666"]),
        ("电话86 (0)755 8888 6666、86(0)10-8888-6666", ["0755-88886666", "010-88886666"]),
        # A card's tail is no mobile, nor is a landline after it; one that is no card's is.
        ("卡号6222 138 0013 8000，6222 138 0013 8000 0755 8888 6666", []),
        ("房号3-2-1201 138 0013 8000，0086 139 0013 9000", ["13800138000", "13900139000"]),
        ("房号1201 138 0013 8000，卡号9558 0212 138 0013 8000", ["13800138000"]),
        # A phone list's landline written as one run of digits: read as a text's is, after a local number too.
        ("传真0105881234、传真 8666 1234、0105881234", []),
        ("电话 8666 1234 057188886666，传真 8666 1234、09112345678", ["0911-2345678", "0571-88886666"]),
        # A list's landline after an item that is no phone (010 and 7 digits), a group after it: read by the list.
        (
            "电话：0105881234、0755 8888 6666 8666 1234，传真：12、+86 21 6123 4567 8666 5678",
            ["0755-88886666", "021-61234567"],
        ),
        # 010 and 02x and 7 digits: no landline, however written (010-5881234 was read as one).
        (
            "北京010-5881234、+86105881234、+86 10 5881234、(010)5881234、010 588 1234，上海021-6123456、02161234567",
            ["021-61234567"],
        ),
        ("电话：010-5881234、+86 10 6588 1234 8666 5678", ["010-65881234"]),
        # After a bare 86 no landline, in a list as alone.
        ("电话 86 755 8888 6666，电话 13800138000、86 755 8888 6666，回电 86 755 8888 6666", ["13800138000"]),
    ],
)
def test_the_phones_in_a_text_in_their_stored_form(text: str, phones: list[str]) -> None:
    from recordkit.core.personal import phones_in_text

    assert phones_in_text(text) == phones


@pytest.mark.parametrize(
    ("query", "phone"),
    [
        ("075588886666", "0755-88886666"),
        ("０７５５８８８８６６６６", "0755-88886666"),
        ("01065881234", "010-65881234"),
        ("05718666123", "0571-8666123"),  # a 7-digit number
        ("075508886666", None),  # no number starts with 0
        ("00012345678", None),  # 000 is no area code
        ("0755888866661", None),  # 9 digits after the area code
        ("0105881234", None),  # 10 digits: as in a text, no landline written as one run
        ("01165881234", None),  # 011 is no area code
        ("075588886666.50", None),
    ],
)
def test_a_landline_typed_as_one_run_of_digits(query: str, phone: str | None) -> None:
    """A query is read as a text is: the same landline, which a text holds written either way."""
    from recordkit.core.personal import phones_in_text, read_phone

    assert read_phone(query) == phone
    assert phones_in_text(f"传真{query}。") == ([] if phone is None else [phone])


@pytest.mark.parametrize(
    ("query", "phone"),
    [
        ("86 (0)755 8888 6666", "0755-88886666"),
        ("86(0)10-8888-6666", "010-88886666"),
        ("８６（０）２１　６１２３　４５６７", "021-61234567"),
        ("86 755 8888 6666", None),  # without the (0): as likely groups of a longer run
        ("86 (0)755 0888 6666", None),  # no local number starts with 0
    ],
)
def test_86_before_the_trunk_prefix_is_the_country_code(query: str, phone: str | None) -> None:
    """``86`` without ``+`` or ``00`` is the country code when the trunk prefix ``(0)`` follows it: typed as a
    query and standing in a text alike."""
    from recordkit.core.personal import phones_in_text, read_phone

    assert read_phone(query) == phone
    assert phones_in_text(f"回电请拨 {query}。") == ([] if phone is None else [phone])


@pytest.mark.parametrize(("text", "expected"), WRITTEN_FORMS_MASKED)
def test_mask_in_text_masks_every_written_form(text: str, expected: str) -> None:
    from recordkit.core.personal import mask_in_text

    assert mask_in_text(text) == expected


# A number a PDF's line end (or a narrow table cell) cut, as its text layer keeps it: masked as one, the line end
# kept where it was; numbers that only stand on neighbouring lines are left as written.
CUT_BY_A_LINE_END = [
    ("联系电话138-\n1234-5678", "联系电话138-\n****-5678"),
    ("联系电话1381234\n5678。", "联系电话138****\n5678。"),
    ("联系电话 138 1234 \n 5678", "联系电话 138 **** \n 5678"),
    ("手机138\n1234\n5678", "手机138\n****\n5678"),
    ("手机１３８１２３４\n５６７８", "手机１３８****\n５６７８"),
    ("身份证号11010119900307\n1233", "身份证号110101********\n1233"),
    ("身份证号110101\n199003071233", "身份证号110101\n********1233"),
    ("身份证号110101\n19900307\n1233", "身份证号110101\n********\n1233"),
    ("身份证号110105491231\n002", "身份证号110105******\n002"),
    ("座机0755-\n86001234", "座机0755-\n****1234"),
    ("年度 2026\n1103 室", "年度 2026\n1103 室"),
    ("金额 1201\n5678 元", "金额 1201\n5678 元"),
    ("合计 13812345678901\n2", "合计 13812345678901\n2"),
]


@pytest.mark.parametrize(("text", "expected"), CUT_BY_A_LINE_END)
def test_a_number_a_line_end_cut_is_masked_as_one(text: str, expected: str) -> None:
    from recordkit.core.personal import mask_in_text

    assert mask_in_text(text) == expected


# Numbers that are not a phone or an ID number, in the same widths and groupings: left exactly as written.
NOT_PERSONAL = [
    "2024-05-01",
    "20240501",
    "２０２４－０５－０１",
    "２０２４０５０１",
    "金额12345678901元",
    "金额13812345678.00元",
    "金额１３８１２３４５６７８．５０元",
    "档号YZ-2026-00001",
    "房号3-2-1201",
    "房号３－２－１２０１",
    "编号613812345678",  # 11 digits inside a longer run
    "编号138123456789",
    "编号１３８１２３４５６７８９",
    "编号+86138123456789",
    "编号138 1234 56789",
    "编号138-1234-5678-01",  # a dashed code that goes on
    "编号9-138-1234-5678",
    "编号110101-19900307-1233-01",
    "编号18613812345678",  # 86 + a mobile inside a longer run
    "编号0086138123456789",
    "金额8613812345678.00元",
    "编号138 1234-5678-01",  # mixed separators, then a dashed code that goes on
    "编号9-138 1234-5678",
    "编号1381234 5678",  # one separator: not a 3-4-4 grouping
    "日期2026-12-05，房号3-2-1201，档号YZ-2026-00001，金额1380.00元",
    # 15 digits without a first-generation ID's province code or birth date.
    "注册号110105000012345",  # month 00
    "编号110105491331002",  # month 13
    "编号440301790229123",  # 29 February 1979 never was
    "串号990105491231002",  # 99 is no province
    "金额110105491231002.00元",
    "编号110105-491231-002-01",
    # Runs of digits with blanks that are no landline with its area code set apart.
    "流水号 0755 8888 6666 0132",  # another group after it
    "车位B1-023 8888 6666",  # 023 is an area code, but here the end of a parking space's code
    "房号3-2-1201 0755 8888",  # no local number of 7 or 8 digits
    "读数 0 755 8888 6666",  # a table row: 0 and 755 are two cells
    "日期 2026 12 08，2026 1208",
    "金额 0755 元，合计 0755 8888.66 元",
    "编号 0001 2345 6789",  # 000 is no area code
    "编号 0755 0888 6666",  # no local number starts with 0
    "编号(0123) 4567 8901",  # 012 is no area code
    "档号YZ-2026-0755 8888 6666",  # a dash and a group before it: the end of a code
    # The same runs with the wider gaps a phone's groups may have (two blanks, a tab): still no phone.
    "流水号 0755  8888  6666  0132",
    "流水号 0755\t8888\t6666\t0132",
    "车位B1-023  8888 6666",
    "读数 0  755  8888  6666",
    "日期 2026  12  08，2026\t1208",
    "编号138  1234  56789",
    "编号1381234  5678",
    "编号138  1234-5678-01",
    "编号110101  19900307-1233",  # a gap, then a dash: no ID number's grouping
    "档号YZ-2026-0755  8888 6666",
    # A grouped mobile's digits inside a longer run are no mobile, so no landline beside one either.
    "编号138 0013 80001 0755 8888 6666",
    "日期2026 12 08 0755 8888",
    # After a country code, what is no landline: 86 without + or 00 (as likely a group of a longer run), a group
    # after it, a group before it, no local number (0 first, too short), no area code.
    "编号86 755 8888 6666",
    "编号+86 755 8888 6666 0132",
    "编号+86 755 0888 6666",
    "编号+86 755 8888",
    "编号+86 001 8888 6666",
    "编号+86 755 8888 6666.50",
    "编号+86 (0)755 8888 6666 0132",  # the trunk prefix changes none of it: a group after it
    "编号+86 (0)755 0888 6666",
    "编号+86 (0)001 8888 6666",
    # 86 and (0) followed by no landline, or 86 the end of a longer number or code: no country code.
    "编号86 (0)755 0888 6666",
    "编号86 (0)755 8888",
    "编号86 (0)755 8888 6666 0132",
    "账号6222 86 (0)755 8888 6666",
    "始建于1986 (0)755 8888 6666",
    "编号1986(0)75588886666",
    "型号B86 (0)755 8888 6666",
    "比例0.86 (0)755 8888 6666",
    "得分86 (0)，另计 0 分",
    # Runs of digits that are no landline written as one run: a longer run holding one, an order number starting 1,
    # a day and hour, an amount, the end of a code, no area code, too short or too long, a group beside it.
    "订单号120755888866",
    "流水号0755888866661234",
    "时间2026120800，日期 2026120800",
    "金额075588886666.00元，比例0.01088886666",
    "档号HT-075588886666，编号075588886666-01",
    "编号A075588886666，075588886666B",
    "编号0105881234",  # 010 and 7 digits: 10 digits
    "编号01165881234",  # 011 is no area code
    "编号00065881234",
    "编号075508886666",  # no local number starts with 0
    "编号01018886666",  # nor with 1
    "编号0755888866661",  # 13 digits
    "账号6222 075588886666",
    "流水号 075588886666 0132",
]


# A bank card's number on a refund form or a deposit slip (16-19 digits, UnionPay 62, Visa 4, Mastercard 5, the old
# domestic cards 9), whole or in groups: the first 4 and the last 4 digits stay, as the banks show one (shown whole
# before).
BANK_CARDS = [
    ("开户行：中国工商银行  卡号：6222 0212 3456 7890 123", "开户行：中国工商银行  卡号：6222 **** **** ***0 123"),
    ("卡号：6222021234567890123，户名：张伟", "卡号：6222***********0123，户名：张伟"),
    ("卡号6222 0212 3456 7890", "卡号6222 **** **** 7890"),
    ("卡号6222-0212-3456-7890，", "卡号6222-****-****-7890，"),
    ("卡号６２２２　０２１２　３４５６　７８９０", "卡号６２２２　****　****　７８９０"),
    ("Visa 4367 4212 3456 7890  金额 5000.00", "Visa 4367 **** **** 7890  金额 5000.00"),
    ("账号6222 0755 8888 6666 123", "账号6222 **** **** ***6 123"),
    ("卡号6222 0212 138 0013 8000", "卡号6222 **** *** **** 8000"),  # a mobile's shape at its end: the card's
    ("卡号9558 8012 3456 7890 12，手机138 0013 8000", "卡号9558 **** **** **90 12，手机138 **** 8000"),
    # Shown whole before as accounts or long numbers: a card's shape and length, so masked (a number too many hidden
    # rather than an owner's card shown); its groups one or two blanks or a tab apart, as the search reads them.
    ("账号6222  0212  3456  7890  123", "账号6222  ****  ****  ***0  123"),
    ("账号6222  0755  8888  6666  123", "账号6222  ****  ****  ***6  123"),
    ("账号6222\t0755 8888 6666", "账号6222\t**** **** 6666"),
    ("账号6222 0086 755 8888 6666", "账号6222 **** *** **** 6666"),
    ("流水号6222075588886666", "流水号6222********6666"),
    ("账号6222021234567890123 房号3-2-1201", "账号6222***********0123 房号3-2-1201"),
    # An old 15-digit card, a card's first group and a mobile's 3-4-4 groups after it (shown whole before: no phone,
    # and 15 digits no card's length); a first-generation ID number of 15 digits stays an ID number's mask.
    ("卡号6222 138 0013 8000", "卡号6222 *** **** 8000"),
    ("卡号6222  138  0013\t8000", "卡号6222  ***  ****\t8000"),
    ("卡号６２２２　１３８　００１３　８０００", "卡号６２２２　***　****　８０００"),
    ("身份证号440301 900307 123，卡号6222 138 0013 8000", "身份证号440301 ****** 123，卡号6222 *** **** 8000"),
    ("身份证号 440301900307123", "身份证号 440301******123"),
    # Shown whole before: an old 15-digit card in dashed groups, as its blank groups are masked.
    ("卡号6222-138-0013-8000，", "卡号6222-***-****-8000，"),
    ("卡号６２２２－１３８－００１３－８０００", "卡号６２２２－***－****－８０００"),
    # Shown whole before: a card with more groups after it (over 19 digits in groups: a card and a serial, a card and
    # a phone, a longer account), the whole run masked as a card, since which of its digits are the card's is not
    # told by the groups.
    ("卡号6222 0212 3456 7890 1234。", "卡号6222 **** **** **** 1234。"),
    ("卡号6222-0212-3456-7890-1234", "卡号6222-****-****-****-1234"),
    ("账号6222 0755 8888 6666 0132 1234", "账号6222 **** **** **** **** 1234"),
    ("卡号6222 138 0013 8000 0755 8888 6666", "卡号6222 *** **** **** **** **** 6666"),
    ("编号9138 0013 8000 0755 8888 6666", "编号9138 **** **** **** **** 6666"),
    ("卡号6222 0212 3456 7890 138 0013 8000", "卡号6222 **** **** **** *** **** 8000"),
    # A date or a time written after a card was read as more of its groups (6222 **** **** **** ****-12-08): the card
    # is masked, the date or time shown as written; a month or day no date has leaves the run one number.
    ("卡号6222 0212 3456 7890 2026-12-08到期", "卡号6222 **** **** 7890 2026-12-08到期"),
    ("卡号6222 0212 3456 7890 2026/12/08", "卡号6222 **** **** 7890 2026/12/08"),
    ("卡号6222 0212 3456 7890 2026.12.08", "卡号6222 **** **** 7890 2026.12.08"),
    (
        "卡号６２２２　０２１２　３４５６　７８９０　２０２６－１２－０８",
        "卡号６２２２　****　****　７８９０　２０２６－１２－０８",
    ),
    ("卡号6222 0212 3456 7890 12:30转账", "卡号6222 **** **** 7890 12:30转账"),
    ("卡号6222 138 0013 8000 2026-12-08", "卡号6222 *** **** 8000 2026-12-08"),
    ("卡号6222 0212 3456 7890 2026-13-08", "卡号6222 **** **** **** ****-13-08"),
    # A landline or a labelled local number with a date after it was taken for part of a longer run and shown whole.
    ("0755 8888 6666 2026-12-08", "0755 **** 6666 2026-12-08"),
    ("电话 8666 1234 2026-12-08", "电话 **** 1234 2026-12-08"),
    # A date or a time written before a card or a landline was read as a group of a longer run: the number was shown
    # whole.  Now masked as without the date; a number before it that is no date still makes the run longer.
    ("2026-12-08 6222 0212 3456 7890", "2026-12-08 6222 **** **** 7890"),
    ("2026-12-08 0755 8888 6666", "2026-12-08 0755 **** 6666"),
    ("2026.12.08 6222 0212 3456 7890", "2026.12.08 6222 **** **** 7890"),
    ("2026/12/08  0755 8888 6666", "2026/12/08  0755 **** 6666"),
    ("2026-1-8 6222 0212 3456 7890", "2026-1-8 6222 **** **** 7890"),
    ("12:30 6222 0212 3456 7890", "12:30 6222 **** **** 7890"),
    ("8:30 0755 8888 6666", "8:30 0755 **** 6666"),
    ("２０２６－１２－０８　０７５５　８８８８　６６６６", "２０２６－１２－０８　０７５５　****　６６６６"),
    ("2026-13-08 0755 8888 6666", "2026-13-08 0755 8888 6666"),
    # The date that ends a code (a contract's number HT-2026-12-08) is a date all the same: the card after it masked.
    ("合同HT-2026-12-08 6222 0202 1234 5678 901", "合同HT-2026-12-08 6222 **** **** ***8 901"),
    ("合同HT-2026-12-08 0755 8888 6666", "合同HT-2026-12-08 0755 **** 6666"),
    # A date with 年月日 after a card: its year was read as a fifth group and the card's last 4 digits hidden.
    ("卡号6222 0212 3456 7890 2026年12月8日到期", "卡号6222 **** **** 7890 2026年12月8日到期"),
    ("0755 8888 6666 2026年12月8日", "0755 **** 6666 2026年12月8日"),
]


def test_a_dashed_run_no_landline_can_be_is_no_phone() -> None:
    """0212-3456-7890 (the tail of a card's number in dashed groups): 02x area codes have 3 digits, and 021 and
    2-3456-7890 make no number either.  Reading it raised 联系电话“0212-3456-7890”不是有效的手机号或固定电话."""
    from recordkit.core.personal import phones_in_text, read_phone

    assert phones_in_text("卡号：6222-0212-3456-7890，电话0755-8888-6666") == ["0755-88886666"]
    assert read_phone("0212-3456-7890") is None


def test_a_dashed_number_after_a_four_digit_code_starting_01_or_02_is_no_landline() -> None:
    """Beijing's 010 and the 02x codes are the only area codes starting 01 or 02, all of 3 digits: 0212-3456-7890 (a
    serial, an archive number) was masked as a dashed landline, 0212-****-7890; it is shown as written, and a real
    landline after 010 or 021 is still masked."""
    from recordkit.core.personal import mask_in_text

    assert mask_in_text("编号0212-3456-7890，档号0198-1234-5678。") == "编号0212-3456-7890，档号0198-1234-5678。"
    assert mask_in_text("电话010-8888-6666，021-3456-7890，0755-8888-6666") == (
        "电话010-****-6666，021-****-7890，0755-****-6666"
    )


# A local number without its area code right after a phone label (shown whole before): masked as mask_phone masks
# one, its last 4 digits kept; anywhere else 7 or 8 digits are as likely an amount, a serial or an archive number.
LABELLED_LOCAL_NUMBERS = [
    ("电话：8666 1234", "电话：**** 1234"),
    ("联系电话 86661234", "联系电话 ****1234"),
    ("联系电话：8666-1234，", "联系电话：****-1234，"),
    ("门岗电话866 1234。", "门岗电话*** 1234。"),
    ("座机：８６６６　１２３４", "座机：****　１２３４"),
    ("传真号码：86661234；电话：13800138000", "传真号码：****1234；电话：138****8000"),
    ("联系电话 8666 1234 138 0013 8000", "联系电话 **** 1234 138 **** 8000"),  # a mobile after it: two phones
    # Not right after a label, or not a local number: as written.
    ("电话费 86661234 元", "电话费 86661234 元"),
    ("金额 86661234 元，档号 8666 1234，编号86661234", "金额 86661234 元，档号 8666 1234，编号86661234"),
    ("电话：86661234.50", "电话：86661234.50"),
    ("电话：8666-1234-01，电话 8666 1234 5678", "电话：8666-1234-01，电话 8666 1234 5678"),
    ("电话：18661234，电话：08661234，电话：866123", "电话：18661234，电话：08661234，电话：866123"),
    ("电话：杭州 8666 1234", "电话：杭州 8666 1234"),
]


@pytest.mark.parametrize(("text", "expected"), LABELLED_LOCAL_NUMBERS)
def test_mask_in_text_masks_a_local_number_after_a_phone_label(text: str, expected: str) -> None:
    from recordkit.core.personal import mask_in_text

    assert mask_in_text(text) == expected


# Several numbers after one phone label, parted by a gap, 、，, / or 或 (only the first was read: the local number after
# a mobile, or the second local number, was shown whole); each a mobile, a landline with its area code or a local
# number.  A number after a word that is no list separator is no phone of the label's.
PHONE_LISTS = [
    ("电话 138 0013 8000 8666 1234", "电话 138 **** 8000 **** 1234"),
    ("电话：13800138000、8666 1234", "电话：138****8000、**** 1234"),
    ("联系电话：8666 1234，8666 5678", "联系电话：**** 1234，**** 5678"),
    ("电话 8666 1234 / 8666 5678", "电话 **** 1234 / **** 5678"),
    ("座机 8666 1234 或 8666 5678", "座机 **** 1234 或 **** 5678"),
    ("电话 8666 1234 8666 5678", "电话 **** 1234 **** 5678"),
    ("电话：0755-8888 6666、8666 5678", "电话：0755-**** 6666、**** 5678"),
    ("传真 8666 1234／0755 8888 6666", "传真 **** 1234／0755 **** 6666"),
    ("座机：８６６６　１２３４，８６６６　５６７８", "座机：****　１２３４，****　５６７８"),
    # a mobile after the country code, and ； between (the local number after them was shown whole)
    ("电话 +86 138 0013 8000 8666 1234", "电话 +86 138 **** 8000 **** 1234"),
    ("电话 (+86)13800138000、8666 1234", "电话 (+86)138****8000、**** 1234"),
    ("电话：8666 1234；8666 5678", "电话：**** 1234；**** 5678"),
    ("电话：8666 1234; 8666 5678", "电话：**** 1234; **** 5678"),
    # a landline after the country code, the trunk prefix (0) maybe kept (shown whole before)
    ("电话 +86 755 8888 6666 8666 1234", "电话 +86 755 **** 6666 **** 1234"),
    ("电话 +86 (0)755 8888 6666 8666 1234", "电话 +86 (0)755 **** 6666 **** 1234"),
    ("电话 +86-755-8888 6666、8666 1234", "电话 +86-755-**** 6666、**** 1234"),
    ("电话 (0755) 8888 6666 8666 1234", "电话 (0755) **** 6666 **** 1234"),
    # a landline written as one run of digits is one where a text's is (_BARE_AREA_CODE): 010 and 7 digits is no
    # Beijing number (masked as 010 and a hidden number before, which the index did not read), 0571 and 8 digits is
    # one (masked, which the index did not read either after a local number)
    ("传真0105881234", "传真0105881234"),
    ("传真 8666 1234、0105881234", "传真 **** 1234、0105881234"),
    ("电话 8666 1234 057188886666", "电话 **** 1234 0571****6666"),
    ("传真 8666 1234、09112345678", "传真 **** 1234、0911***5678"),
    # a landline after a bare 86 (no + nor 00, no trunk prefix (0)) is no phone, in a list as in a text
    ("电话 86 755 8888 6666", "电话 86 755 8888 6666"),
    ("电话 86 755 8888 6666 8666 1234", "电话 86 755 8888 6666 8666 1234"),
    ("电话 13800138000、86 755 8888 6666", "电话 138****8000、86 755 8888 6666"),
    # an item of the list that is no phone (010 and 7 digits, a run of groups, a short number) between list separators
    # is passed over and the list read on: the numbers after it were shown whole
    ("电话：0105881234、8666 1234", "电话：0105881234、**** 1234"),
    ("电话：8666 1234、0105881234、8666 5678", "电话：**** 1234、0105881234、**** 5678"),
    ("电话：0105881234、0755 8888 6666 8666 1234", "电话：0105881234、0755 **** 6666 **** 1234"),
    ("电话 8666 1234 5678、8666 4321", "电话 8666 1234 5678、**** 4321"),
    ("电话：110、0105881234 或 138 0013 8000", "电话：110、0105881234 或 138 **** 8000"),
    ("电话：010-5881234、8666 1234", "电话：010-5881234、**** 1234"),  # 010 and 7 digits: no Beijing number
    ("电话 +86 10 5881234 8666 1234", "电话 +86 10 5881234 8666 1234"),
    # ... only where a list separator parts them: a gap after a number that is no phone leaves the rest its groups
    ("电话 0105881234 8666 1234", "电话 0105881234 8666 1234"),
    ("电话：8666 1234、房号 8666 5678", "电话：**** 1234、房号 8666 5678"),
    # a mobile after a local number whose last group starts as a card's does (5678 138 0013 8000) was shown whole
    ("电话 8666 5678 138 0013 8000", "电话 **** 5678 138 **** 8000"),
    # not one of the list
    ("电话 8666 1234 房号 8666 5678", "电话 **** 1234 房号 8666 5678"),
    ("电话 8666 1234、1201室", "电话 **** 1234、1201室"),
    ("电话 8666 1234 8666 5678 1201", "电话 8666 1234 8666 5678 1201"),  # a longer run of groups
    ("电话 8666 1234，金额 8666 5678", "电话 **** 1234，金额 8666 5678"),
]


@pytest.mark.parametrize(("text", "expected"), PHONE_LISTS)
def test_mask_in_text_masks_each_number_of_a_list_after_one_phone_label(text: str, expected: str) -> None:
    from recordkit.core.personal import mask_in_text

    assert mask_in_text(text) == expected


@pytest.mark.parametrize(("text", "expected"), BANK_CARDS)
def test_mask_in_text_masks_a_bank_card_keeping_its_first_and_last_4_digits(text: str, expected: str) -> None:
    from recordkit.core.personal import mask_in_text

    assert mask_in_text(text) == expected


@pytest.mark.parametrize("text", NOT_PERSONAL)
def test_mask_in_text_leaves_other_numbers_alone(text: str) -> None:
    from recordkit.core.personal import mask_in_text

    assert mask_in_text(text) == text


def test_stored_values_mask_full_width_and_grouped_numbers_inside_text() -> None:
    from recordkit.core.personal import mask_values

    values = {
        "备注": ["业主手机１３９－８７６５－４３２１", {"正文": "身份证号：３１０１０４１９８５０６０１００２７"}]
    }
    assert mask_values(values) == {
        "备注": ["业主手机１３９－****－４３２１", {"正文": "身份证号：３１０１０４********００２７"}]
    }


@pytest.mark.parametrize(
    ("name", "problem"),
    [(",,", "“,,”没有汉字或字母，不是姓名：请写姓名"), ("123", "“123”没有汉字或字母，不是姓名：请写姓名")],
)
def test_a_name_without_a_letter_is_no_name(name: str, problem: str) -> None:
    assert name_problem(name) == problem
    assert [name_problem(ok) for ok in ("张伟", "John Smith", "阿依古丽·买买提", "王2")] == [None] * 4


@pytest.mark.parametrize("reason", [",,", "。", "——", "…", "？！", "👍"])
def test_a_reason_of_punctuation_alone_says_nothing(reason: str) -> None:
    assert reason_problem(reason, "作废原因", "--reason") == "作废原因不能只有标点：请在 --reason 后用文字写明作废原因"
    assert reason_problem(reason, "借阅原因", None) == "借阅原因不能只有标点：请用文字写明借阅原因"


@pytest.mark.parametrize(
    "reason", ["写错\n重开", "写错\r\n重开", "写错\t重开", "写错\u2028重开", "写错\u202e重开", "写错\x1b[2J"]
)
def test_a_reason_on_more_than_one_line_or_with_a_control_character_is_refused(reason: str) -> None:
    assert reason_problem(reason, "作废原因", "--reason") == (
        "作废原因不能换行，也不能有控制字符或不可见的格式字符：请在 --reason 后用一行文字写明作废原因"
    )


@pytest.mark.parametrize("reason", ["金额开错", "A", "2", "①", "重复收款（2 次）", "wrong amount", " 开错了\n"])
def test_a_reason_with_a_word_or_a_number_is_kept(reason: str) -> None:
    assert reason_problem(reason, "作废原因", "--reason") is None


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("客户护照号：E12345678，电话13912345678", "客户护照号：E1*****78，电话139****5678"),
        ("护照号码: g12345678 已核对", "护照号码: g1*****78 已核对"),
        ("护照E12345678", "护照E1*****78"),
        ("证件号码　ＡＢ１２３４５６７８９", "证件号码　ＡＢ*******８９"),
        ("证件号码：110101199003071233", "证件号码：110101********1233"),
        ("编号E12345678，批次 G12345678", "编号E12345678，批次 G12345678"),
    ],
)
def test_a_passport_number_in_text_is_masked_after_its_label(text: str, masked: str) -> None:
    """Another document's number has no shape of its own to be found by: masked where a label says what it is (护照,
    护照号, 护照号码, 证件号码, a colon or blank between), its first and last two kept; without one it is left."""
    assert mask_in_text(text) == masked


def test_a_grouped_resident_number_after_a_label_is_masked_as_one() -> None:
    assert mask_in_text("老证件号 110101 900307 123，已换新证。") == "老证件号 110101 ****** 123，已换新证。"


@given(
    pieces=st.lists(st.sampled_from(PAGE_PIECES), max_size=60),
    edges=st.tuples(st.integers(0, 400), st.integers(0, 400)),
)
@settings(max_examples=600, deadline=None)
def test_masking_part_of_a_text_shows_what_masking_the_whole_text_shows_there(
    pieces: list[str], edges: tuple[int, int]
) -> None:
    text = "".join(pieces)
    start, end = sorted(min(edge, len(text)) for edge in edges)
    assert mask_in_text_between(text, start, end) == mask_in_text(text)[start:end]


@pytest.mark.parametrize(
    ("text", "start", "end", "expected"),
    [
        # a mobile across the window's start, a list's label before it on the same line
        ("记录\n电话 138 0013 8000 8666 1234 业主", 15, 25, "8000 **** "),
        # a number a line end cuts: its first part on the line before the window
        ("业主\n手机138\n1234 5678，已回访", 9, 18, "**** 5678"),
        # a card whose first groups stand before the window
        ("卡号 6222 0212 3456 7890 123 余额", 13, 26, "**** ***0 123"),
    ],
)
def test_masking_part_of_a_text_reads_the_numbers_reaching_into_it_whole(
    text: str, start: int, end: int, expected: str
) -> None:
    assert mask_in_text_between(text, start, end) == expected
