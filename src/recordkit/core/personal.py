"""Owners' personal data: ID documents (the resident ID card and the others a person may hold: passport, the permits of
Hong Kong, Macao and Taiwan residents, a foreigner's permanent residence card …), phone numbers, and bank card numbers
written in a text.

Owns checking them (GB 11643-1999 check digit, each document's number shape, mobile and landline shapes) and
masking them for screens and reports.  Deciding when to unmask is the caller's.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Callable, Iterator

from recordkit.core.errors import ValidationError
from recordkit.core.filenames import hidden_characters

__all__ = [
    "ID_TYPES",
    "NOT_ONE_MORE_GROUP",
    "RESIDENT_ID",
    "area_codes_taking",
    "has_letter",
    "id_identity",
    "id_number_as_18",
    "id_number_check_digit",
    "id_number_label",
    "id_numbers_in_folded",
    "id_type_journalled",
    "id_type_shown",
    "is_masked",
    "is_placeholder_id_number",
    "is_placeholder_phone",
    "local_number_groups",
    "looks_like_resident_id",
    "mask_id_number",
    "mask_in_text",
    "mask_in_text_between",
    "mask_phone",
    "mask_values",
    "masked_kinds",
    "name_as_kept",
    "name_problem",
    "named_in_sentence",
    "phone_spans_in_folded",
    "phones_in_folded",
    "phones_in_text",
    "read_id_number",
    "read_id_type",
    "read_phone",
    "reason_problem",
    "says_something",
    "validate_document_number",
    "validate_id_number",
    "validate_phone",
]

# GB 11643-1999 / ISO 7064 MOD 11-2.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"

_DASHES = str.maketrans(dict.fromkeys("‐‑‒–—―−", "-"))

_MOBILE = re.compile(r"1[3-9][0-9]{9}")
# With a dash the clerk has told us where the area code ends.
_LANDLINE_DASHED = re.compile(r"(?P<area>0[0-9]{2,3})-(?P<number>[0-9]{7,8})(?:(?:-|转)(?P<ext>[0-9]{1,6}))?")
# Without one, the numbering plan does: 010 and 02x are the only 3-digit codes.  After the country code the 0 is
# dropped (+86 755 8888 6666, +86 10 6588 1234).
_AREA_DIGITS_BY_WIDTH = ("[12][0-9]", "[3-9][0-9]{2}")
_AREA_DIGITS = "|".join(_AREA_DIGITS_BY_WIDTH)
_AREA_CODE = rf"0(?:{_AREA_DIGITS})"
#: The area codes a text's landline is read with (``_AREA_CODE``), one pattern of each width (a look-behind has one
#: width): 3 digits starting 01 or 02, 4 starting 03–09.
AREA_CODES_BY_WIDTH = tuple(f"0{digits}" for digits in _AREA_DIGITS_BY_WIDTH)


def area_codes_taking(digits: int) -> tuple[str, ...]:
    """The area codes of ``AREA_CODES_BY_WIDTH`` after which a text's landline has a number of ``digits`` digits
    (``_LOCAL_LENGTHS``): a 3-digit code (010, 02x) only 8 (``_EIGHT_DIGITS_AHEAD``), a 4-digit one 7 or 8."""
    return tuple(code for width, code in enumerate(AREA_CODES_BY_WIDTH, 3) if digits in _LOCAL_LENGTHS[width])


# The area codes that exist, which a phone typed or imported now must have: 010 is the only one 01 starts.  Reading a
# number kept before or one inside a text stays with _AREA_CODE (011-88886666 still masked: a number hidden too many).
_REAL_AREA_CODE = re.compile(r"0(?:10|2[0-9]|[3-9][0-9]{2})")
_LANDLINE_BARE = re.compile(rf"(?P<area>{_AREA_CODE})(?P<number>[0-9]{{7,8}})(?:转(?P<ext>[0-9]{{1,6}}))?")


# A local number's first digit, with its area code or without: 0 starts an area code, 1 a mobile or a service number.
_LOCAL_FIRST_DIGIT = "[2-9]"
# Its length after an area code of 3 or 4 digits: the largest cities' (010, 02x) take 8 digits, the others 7 or 8.
_LOCAL_LENGTHS = {3: (8,), 4: (7, 8)}


def _local_number(separator: str) -> str:
    """A local number without its area code, as a clerk writes one for an office in the same city: 7 or 8 digits
    (``_LOCAL_FIRST_DIGIT`` first), maybe grouped 3-4 or 4-4, ``separator`` (a regex) between."""
    return rf"(?P<head>{_LOCAL_FIRST_DIGIT}[0-9]{{2,3}})(?:{separator})?(?P<tail>[0-9]{{4}})"


_LANDLINE_LOCAL = re.compile(_local_number("-"))

# What stands between two numbers written in one cell: 13912345678/0571-86661234, 13912345678，13812345678.
_PHONE_SEPARATORS = re.compile(r"[/／、,，;；|]")
# (0571)86661234, as landlines are written on paper: the brackets say where the area code ends.
_AREA_IN_BRACKETS = re.compile(r"^\((?P<area>0[0-9]{2,3})\)-?")


def _compact(text: str) -> str:
    """NFKC (full-width digits), one kind of dash, no whitespace anywhere."""
    folded = unicodedata.normalize("NFKC", text).translate(_DASHES)
    return re.sub(r"\s+", "", folded)


def id_number_check_digit(first17: str) -> str:
    """Return the check character (``0``–``9`` or ``X``) for 17 ID digits.

    Raises ``ValueError`` if ``first17`` is not exactly 17 ASCII digits; clerk
    input should go through ``validate_id_number`` instead.
    """
    if re.fullmatch(r"[0-9]{17}", first17) is None:
        raise ValueError(f"expected 17 ASCII digits, got {len(first17)} characters")
    total = sum(int(digit) * weight for digit, weight in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK_CHARS[total % 11]


def validate_id_number(text: str) -> str:
    """Return the resident ID number written in ``text``: 18 characters, or 15 digits (first generation).

    Full-width characters and spaces are tolerated, a final ``x`` becomes ``X``.  A first-generation
    number (15 digits, born 19YYMMDD in digits 7–12, no check digit) is kept as written, never made 18
    digits: the office holds what the owner's papers say.  Raises ``ValidationError`` with one reason:
    wrong length, characters other than digits and a final X (only digits in 15), a birth date that is
    not a real calendar date or lies before 1900 (no owner alive was born earlier: it is a typo), or a
    wrong check digit.  The birth date is not compared with today: this module has no clock.
    """
    number = _compact(text).replace("x", "X")
    if len(number) == 15:
        if _FIRST_GENERATION.fullmatch(number) is None:
            raise ValidationError("15位身份证号只能由数字组成")
        year, month, day = 1900 + int(number[6:8]), int(number[8:10]), int(number[10:12])
    elif len(number) == 18:
        if re.fullmatch(r"[0-9]{17}[0-9X]", number) is None:
            raise ValidationError("身份证号只能由数字和末位X组成")
        year, month, day = int(number[6:10]), int(number[10:12]), int(number[12:14])
    else:
        raise ValidationError(f"身份证号应为18位或15位（现在是{len(number)}位）")
    try:
        datetime.date(year, month, day)
    except ValueError:
        raise ValidationError("身份证号中的出生日期无效") from None
    if year < 1900:
        raise ValidationError("身份证号中的出生日期无效")
    if len(number) == 18 and id_number_check_digit(number[:17]) != number[17]:
        raise ValidationError("身份证号校验位错误")
    return number


def id_number_as_18(number: str) -> str:
    """The 18-character form of a valid ID number (from ``validate_id_number``): a first-generation number gets
    ``19`` before its year and the check character (GB 11643-1999), the way the police upgraded the cards; an
    18-character number, and any other document's number (``validate_document_number``: a passport's, a foreigner's
    15-character permanent residence number ABC123456789012), is returned as it is.  Only for telling one person's two
    numbers apart, never stored: the office keeps what the owner's papers say."""
    if _FIRST_GENERATION.fullmatch(number) is None:
        return number
    first17 = number[:6] + "19" + number[6:]
    return first17 + id_number_check_digit(first17)


def id_identity(id_number: str, id_type: str) -> tuple[str, str]:
    """Who holds a valid number of a document of type ``id_type``: the type and the number (``id_number_as_18``: a
    first-generation resident number and the one it became are one person's).  A passport and a 台胞证 of the same
    digits are two people's documents."""
    return (id_type, id_number_as_18(id_number))


#: The resident ID card's English name, the type of every number the ledger held before it knew others.
RESIDENT_ID = "resident_id"
#: The document of a number kept as 其他证件: any document, so it may be one another row names.
OTHER_ID = "other_id"
#: Each kind of ID document: its one English name (the ledger's ``id_type``, the JSON's) and its Chinese name on screen.
ID_TYPES = {
    RESIDENT_ID: "居民身份证",
    "passport": "护照",
    "hk_macao_permit": "港澳居民来往内地通行证",
    "taiwan_permit": "台湾居民来往大陆通行证",
    "foreign_permanent_id": "外国人永久居留身份证",
    "hmt_residence_permit": "港澳台居民居住证",
    "officer_id": "军官证",
    "other_id": "其他证件",
}
#: What other systems (and clerks) write for each type beside its own Chinese name, as ``_compact`` folds it.
_ID_TYPE_WORDS = {
    RESIDENT_ID: (
        "身份证",
        "居民身份证号",
        "二代身份证",
        "大陆身份证",
        "中国居民身份证",
        "内地居民身份证",
        "临时身份证",
    ),
    "passport": ("中国护照", "外国护照", "普通护照", "因私护照", "PASSPORT"),
    "hk_macao_permit": ("回乡证", "港澳通行证", "港澳居民通行证", "港澳同胞回乡证", "港澳居民来往内地通行证(回乡证)"),
    "taiwan_permit": ("台胞证", "台湾通行证", "台湾居民通行证", "台湾同胞证", "台湾居民来往大陆通行证(台胞证)"),
    "foreign_permanent_id": ("外国人永久居留证", "外国人永久居留身份证件", "永居证", "永久居留证", "中国绿卡"),
    "hmt_residence_permit": ("港澳居民居住证", "台湾居民居住证", "港澳台居住证", "居住证"),
    "officer_id": ("军人证", "军官证件", "警官证", "士兵证", "文职干部证"),
    "other_id": ("其他", "其它", "其它证件"),
}


def _type_key(text: str) -> str:
    return _compact(text).replace("（", "(").replace("）", ")").upper()


_ID_TYPE_BY_WORD = {
    _type_key(word): id_type for id_type, name in ID_TYPES.items() for word in (name, *_ID_TYPE_WORDS[id_type], id_type)
}
#: A number of a card whose numbers follow no one rule (军官证, any other document): what a refusal says of it too.
_ANY_CARDS_NUMBER = (re.compile(r"(?=.*[0-9])[A-Z0-9\u3400-\u9fff]{4,20}"), "应为 4 至 20 位汉字、字母或数字，含数字")
#: The shape of each document's number other than the resident ID card's (folded: ``_compact``, upper case), and how a
#: refusal describes it.  Lenient where real numbers vary: the office keeps what the card says.
_DOCUMENT_SHAPES = {
    # ICAO 9303 allows up to 9 characters in the machine-readable zone; some countries' numbers run longer.
    "passport": (re.compile(r"[A-Z0-9]{5,20}"), "应为 5 至 20 位字母或数字"),
    # H (Hong Kong) or M (Macao) and 8 digits (2013 on), or 10 (an older card's 8 and its 2-digit issue count).
    "hk_macao_permit": (re.compile(r"[HM](?:[0-9]{8}|[0-9]{10})"), "应为 H 或 M 加 8 位数字（旧证 10 位数字）"),
    # 8 digits (2015 on); an older card's 10 digits.
    "taiwan_permit": (re.compile(r"[0-9]{8}|[0-9]{10}"), "应为 8 位数字（旧证 10 位数字）"),
    # 3 letters (nationality) and 12 digits (before 2023), or 18 characters beginning with 9 (2023 on).
    "foreign_permanent_id": (
        re.compile(r"[A-Z]{3}[0-9]{12}|9[0-9]{16}[0-9X]"),
        "应为 3 位字母加 12 位数字（旧证），或以 9 开头的 18 位（新证）",
    ),
    "officer_id": _ANY_CARDS_NUMBER,
    "other_id": _ANY_CARDS_NUMBER,
}
#: A first-generation resident ID number's shape: 15 digits (a foreigner's old permanent residence number has letters).
_FIRST_GENERATION = re.compile(r"[0-9]{15}")
#: A resident ID number's shape, whatever its date and check digit: what a number not of this shape may be instead.
_RESIDENT_SHAPE = re.compile(r"[0-9]{17}[0-9Xx]|[0-9]{15}")
#: A resident ID number with a character too many or a few too few (``looks_like_resident_id``).
_NEAR_RESIDENT_SHAPE = re.compile(r"[0-9]{11,18}[0-9Xx]")


def read_id_type(text: str) -> str:
    """The English name of the ID document ``text`` names: its Chinese name (``ID_TYPES``), a word other systems write
    for it (身份证, 台胞证, 回乡证, 永居证 …, full-width or with blanks), or the English name itself.  Raises
    ``ValidationError`` listing the accepted names otherwise."""
    id_type = _ID_TYPE_BY_WORD.get(_type_key(text))
    if id_type is None:
        raise ValidationError(f"证件类型“{text.strip()}”不认识，应为 {'、'.join(ID_TYPES.values())} 之一")
    return id_type


def looks_like_resident_id(text: str) -> bool:
    """Whether ``text`` is, valid or not, a resident ID number or a typo of one: digits alone (the last maybe X), 12 to
    19 of them.  A number that is not — a letter in it, or far shorter — may be another document's."""
    return _NEAR_RESIDENT_SHAPE.fullmatch(_compact(text)) is not None


def validate_document_number(text: str, id_type: str = RESIDENT_ID, *, quote_number: bool = True) -> str:
    """Return the number of an ID document of type ``id_type`` (an ``ID_TYPES`` key) written in ``text``, folded as it
    is kept (full-width characters half-width, no blanks, letters in upper case).  A resident ID number is checked by
    ``validate_id_number``; a 港澳台居民居住证's likewise (it is built as one), beginning with 81, 82 or 83; every other
    by its shape (``_DOCUMENT_SHAPES``).  Raises ``ValidationError`` naming the document and its shape, and quoting the
    number unless ``quote_number`` is false (a message shown where the number must not be, a worker's pass)."""
    if id_type == RESIDENT_ID:
        return validate_id_number(text)
    if id_type == "hmt_residence_permit":
        try:
            number = validate_id_number(text)
        except ValidationError as err:
            raise ValidationError(err.message.replace("身份证号", id_number_label(id_type))) from None
        if len(number) != 18 or number[:2] not in ("81", "82", "83"):
            raise ValidationError(f"{id_number_label(id_type)}应为以 81（香港）、82（澳门）或 83（台湾）开头的 18 位")
        return number
    number = _compact(text).upper()
    shape, said = _DOCUMENT_SHAPES[id_type]
    if shape.fullmatch(number) is None:
        quoted = f"“{text.strip()}”" if quote_number else ""
        raise ValidationError(f"{id_number_label(id_type)}{quoted}{said}")
    return number


def id_number_label(id_type: str) -> str:
    """What a number of document ``id_type`` is called before it on paper and in a message: 身份证号 for a resident ID
    card, else the document's Chinese name and 号码 (护照号码)."""
    return "身份证号" if id_type == RESIDENT_ID else f"{ID_TYPES[id_type]}号码"


def id_type_shown(id_number: str | None, id_type: str) -> str | None:
    """The Chinese name of the document a kept number is of (``ID_TYPES``), as a listing shows it; None without a
    number."""
    return ID_TYPES[id_type] if id_number else None


def id_type_journalled(id_type: str) -> dict[str, str]:
    """The ``id_type`` key of a person's journal entry: none for a resident ID card, so that entries written before
    there were other documents read alike."""
    return {} if id_type == RESIDENT_ID else {"id_type": id_type}


def validate_phone(text: str, what: str = "联系电话") -> str:
    """A phone number typed or imported now in its one stored form (``_phone_stored_form``); ``ValidationError``, its
    message beginning with ``what`` (联系电话; the option that carried it, ``--phone 的物业服务中心电话``), for
    what that refuses, and for a landline whose area code no city has, dashed, in brackets or in one run of digits:
    0211-8888666, 011-88886666, 01188886666 (010 and 02X are the only 3-digit codes, every 4-digit one starts 03–09,
    ``_REAL_AREA_CODE``), or whose number after it starts with 0 or 1 (021-18888666, 0755-12345678:
    ``_LOCAL_FIRST_DIGIT``) or has a length its area code does not take (010-5881234, 0215881234: ``_LOCAL_LENGTHS``).
    A number an older version kept so is still read, masked and listed (``mask_phone``)."""
    phone = _phone_stored_form(text, what)
    area, dash, rest = phone.partition("-")  # only a landline with its area code is stored with a dash
    if not dash:
        return phone
    if _REAL_AREA_CODE.fullmatch(area) is None:
        raise ValidationError(
            f"{what}“{text.strip()}”的区号“{area}”不存在：四位区号以 03–09 开头，010 和 02X 是三位区号，请核对后改正"
        )
    number = rest.partition("-")[0]  # before an extension
    if re.match(_LOCAL_FIRST_DIGIT, number) is None:
        raise ValidationError(
            f"{what}“{text.strip()}”的号码“{number}”不存在：区号后面的号码以 2–9 开头，不以 0 或 1 开头，请核对后改正"
        )
    lengths = _LOCAL_LENGTHS[len(area)]
    if len(number) not in lengths:
        raise ValidationError(
            f"{what}“{text.strip()}”的号码“{number}”只有 {len(number)} 位："
            f"区号 {area} 后应是 {' 或 '.join(map(str, lengths))} 位号码，请核对后改正"
        )
    return phone


def _phone_stored_form(text: str, what: str = "联系电话") -> str:
    """Return a phone number in its one stored form.

    Mobile numbers (``1[3-9]`` + 9 digits, spaces or dashes anywhere, optional
    ``+86``/``86``/``0086``) come back as 11 bare digits: ``13812345678``.
    Landlines (area code 3–4 digits starting with 0, number 7–8 digits,
    optional extension after ``-`` or ``转``, the area code maybe in brackets: ``(0755)82345678``) come
    back as ``0755-82345678`` or ``0755-82345678-801``; a local number without its area code (7–8 digits
    not starting with 0 or 1, maybe grouped ``8888-6666``) as its digits, ``88886666``.  Raises ``ValidationError`` otherwise (saying so when
    the text is two numbers or more, 13912345678/0571-86661234).
    """
    compact = _AREA_IN_BRACKETS.sub(r"\g<area>-", _compact(text))
    digits = compact.replace("-", "")
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            digits = digits[len(prefix) :]
            break
    if _MOBILE.fullmatch(digits):
        return digits
    landline = _LANDLINE_DASHED.fullmatch(compact) or _LANDLINE_BARE.fullmatch(
        compact.replace("-", "")  # "0755-8234-5678": dashes only group digits
    )
    if landline is not None:
        phone = f"{landline['area']}-{landline['number']}"
        return phone + (f"-{landline['ext']}" if landline["ext"] else "")
    if _LANDLINE_LOCAL.fullmatch(compact):
        return digits
    parts = [part for part in _PHONE_SEPARATORS.split(text) if part.strip()]
    if len(parts) > 1 and all(_is_phone(part) for part in parts):
        raise ValidationError(f"{what}“{text.strip()}”写了 {len(parts)} 个号码，只能写一个")
    raise ValidationError(f"{what}“{text.strip()}”不是有效的手机号或固定电话")


def local_number_groups(digits: str) -> tuple[str, str] | None:
    """A local number without its area code typed as one run of digits (``86661234``, ``8661234``: 7 or 8, not 0 or 1
    first, as ``validate_phone`` reads one) parted as paper groups it, ``('8666', '1234')``, ``('866', '1234')``;
    None for any other text."""
    match = _LANDLINE_LOCAL.fullmatch(digits)
    return None if match is None or "-" in digits else (match["head"], match["tail"])


def _is_phone(text: str) -> bool:
    try:
        validate_phone(text)
    except ValidationError:
        return False
    return True


def mask_phone(phone: str) -> str:
    """Hide the middle of a phone number: ``138****5678``, ``0755-****5678``, ``****6666``.

    A number that validates is masked in its stored form (an extension stays
    visible); anything else keeps only its last 4 characters, and anything
    shorter than 7 characters is all ``*``.  ``''`` and already masked text
    come back unchanged.
    """
    if not phone or is_masked(phone):
        return phone
    try:
        normalized = _phone_stored_form(phone)  # as kept: an older version's 0211-8888666 masked as ever
    except ValidationError:
        text = phone.strip()
        if len(text) < 7:
            return "*" * len(text)
        return "*" * (len(text) - 4) + text[-4:]
    if _MOBILE.fullmatch(normalized):
        return f"{normalized[:3]}****{normalized[-4:]}"
    if "-" not in normalized:  # a local number without its area code
        return "*" * (len(normalized) - 4) + normalized[-4:]
    area, number, *extension = normalized.split("-")
    masked = f"{area}-{'*' * (len(number) - 4)}{number[-4:]}"
    return "-".join([masked, *extension])


def mask_id_number(idno: str) -> str:
    """Hide birth date and sequence: ``110101********1234`` (first 6, last 4); a first-generation
    15-digit number ``110101******123`` (first 6, last 3).

    Another document's number (a passport's, a permit's: anything without a resident number's shape) keeps its first
    2 and last 2 characters, ``E1*****78``, so that it shows fewer than a resident number does; one shorter than 8
    characters is all ``*``.  ``''`` and already masked text come back unchanged.
    """
    if not idno or is_masked(idno):
        return idno
    number = _compact(idno)
    if _FIRST_GENERATION.fullmatch(number):
        return f"{number[:6]}{'*' * 6}{number[-3:]}"
    if len(number) == 18 and _RESIDENT_SHAPE.fullmatch(number):
        return f"{number[:6]}{'*' * 8}{number[-4:]}"
    if len(number) < 8:
        return "*" * len(number)
    return f"{number[:2]}{'*' * (len(number) - 4)}{number[-2:]}"


def is_masked(text: str) -> bool:
    """True when ``text`` holds a ``*`` (also the full-width ``＊``)."""
    return "*" in unicodedata.normalize("NFKC", text)


#: A phone as ``mask_phone`` (and the systems that export one masked) writes it: a mobile's first 3 and last 4
#: digits around 4 stars, a landline's area code and last 4 digits around 3 or 4 (an extension may follow).
_MASKED_MOBILE = re.compile(r"1[3-9][0-9]\*{4}[0-9]{4}")
_MASKED_LANDLINE = re.compile(r"0[0-9]{2,3}-\*{3,4}[0-9]{4}(?:-[0-9]{1,6})?")


def validate_masked_phone(text: str) -> str:
    """A phone another system exported already masked (``139****5678``, ``0755-****5678``), compacted as written: it
    cannot be unmasked, so it is kept so.  ``ValidationError`` for one masked otherwise (``139****567``: a digit
    short, ``13*****5678``), which is no number masked whole."""
    compact = _compact(text)
    if _MASKED_MOBILE.fullmatch(compact) or _MASKED_LANDLINE.fullmatch(compact):
        return compact
    raise ValidationError(
        f"联系电话“{text.strip()}”打了码，却不是完整号码打码后的样子：应为 139****5678 或 0755-****5678 这样"
        "（手机前 3 位和后 4 位，固定电话区号和后 4 位），或写出完整号码"
    )


# An ID number or a phone standing inside free text (a pass's card, an OCR'd page, a snippet), as people write
# them: full-width digits (OCR, Word), a mobile in 3-4-4 groups (138 1234 5678, 138-1234-5678, 138 1234-5678)
# or after the country code (+86, 86, 0086, (+86)), an ID number in 6-8-4 groups.  The patterns run on a copy folded one character for one character (full-width
# forms, the ideographic space and every kind of dash to ASCII), so a match's offsets are the text's own and
# masking keeps the characters as written.  A landline is read with its area code set apart, by a dash, a blank
# or brackets (0755-88886666, 0755 8888 6666, (0755) 88886666), or written as one run of 11 or 12 digits whose area
# code the numbering plan tells (075588886666, 01088886666: _BARE_AREA_CODE).
_TEXT_FOLD = str.maketrans(
    {
        **{chr(code): chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)},
        "\u3000": " ",
        "\u00a0": " ",
        **dict.fromkeys("‐‑‒–—―−", "-"),
    }
)
#: A blank: a space, a tab, the ideographic space (which _TEXT_FOLD makes a space); a line end is none.
BLANK = r"[^\S\n]"
#: The widest gap of blanks that still joins what stands on either side of it, as forms padded with blanks write
#: them (138  0013 8000, 张  伟): the search's fold (search.text) reads a run of up to as many as one space, and
#: masking reads the same gaps, so that a number the index reads as a phone is never shown whole.  A wider run is a
#: table's columns, for both.
GAP_BLANKS = 2
_GAP_WIDTHS = range(1, GAP_BLANKS + 1)
_GAP = rf"{BLANK}{{1,{GAP_BLANKS}}}"
# What may stand between the groups of a mobile or an ID number: a dash or a gap.
_SEP = rf"(?:-|{_GAP})"
# A 3-digit area code (010, 02x) takes an 8-digit number, in 4-4 groups or one run: 7 digits after one is no landline
# in today's numbering plan (010-5881234, 010 588 1234, (010)5881234, +86 10 5881234, +86105881234), neither masked nor
# found as a phone, as 0105881234 is not (_BARE_AREA_CODE); a 4-digit code takes 7 or 8.  Asserted right after the
# code, past the bracket, dash or blanks after it.  A number kept before (mask_phone) is read as it was.
_EIGHT_DIGITS_AHEAD = rf"(?=(?:[)-]|{BLANK}){{0,3}}[0-9]{{4}}{_SEP}?[0-9]{{4}}(?![0-9]))"
_AREA_DIGITS_IN_TEXT = f"{_AREA_DIGITS_BY_WIDTH[0]}{_EIGHT_DIGITS_AHEAD}|{_AREA_DIGITS_BY_WIDTH[1]}"
_AREA_CODE_IN_TEXT = rf"0(?:{_AREA_DIGITS_IN_TEXT})"
_ID_IN_TEXT = re.compile(
    rf"(?<![0-9A-Za-z])[1-9][0-9]{{5}}(?:(?P<dash>-)|{_GAP}(?P<gap>))?"
    r"(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"
    rf"(?(dash)-|(?(gap){_GAP}))[0-9]{{3}}[0-9Xx](?![0-9A-Za-z])"
)
# A first-generation number (15 digits, no check digit) is told from other 15-digit numbers by what it holds: a
# province code of 1984 and a birth date 19YYMMDD (checked as a calendar date when masked).  A registration number
# that happens to look like one is masked too: a snippet hides a number too many rather than an owner's one.
_OLD_ID_IN_TEXT = re.compile(
    r"(?<![0-9A-Za-z])(?<![0-9]\.)(?:1[1-5]|2[1-3]|3[1-7]|4[1-6]|5[0-4]|6[1-5])[0-9]{4}"
    rf"(?:(?P<dash>-)|{_GAP}(?P<gap>))?"
    r"(?P<born>[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01]))"
    rf"(?(dash)-|(?(gap){_GAP}))[0-9]{{3}}(?![0-9A-Za-z])(?!\.[0-9])"
)
# The area code of a landline written as one run of digits with its number: 010 or 02x and 8 digits, 0[3-9]xx and 7
# or 8 (11 or 12 digits in all, the number 2-9 first), the run not touching another digit or letter nor a decimal
# point (an amount, 0.01088886666).  01x but 010 is no area code (a shorter run, 0105881234, is as likely a code).
_BARE_AREA_CODE = r"(?<![A-Za-z])(?<![0-9]\.)(?:0(?:10|2[0-9])(?=[2-9][0-9]{7}(?![0-9A-Za-z]))|0[3-9][0-9]{2}(?=[2-9][0-9]{6,7}(?![0-9A-Za-z])))"
# The country code before a number: +86, 0086, (+86), (86).  A mobile may follow a bare 86 too (8613812345678: its
# own 11 digits tell it); a landline may not (86 755 8888 6666 is as likely three groups of a longer run), unless
# the trunk prefix (0) follows it, which only a country code has before it (86 (0)755 8888 6666, 86(0)10-8888-6666);
# a letter, a decimal point or digits before the 86 still make it part of something else (B86, 0.86, 1986).
_COUNTRY_CODE = r"\+86|0086|\(\+?86\)"
_86_BEFORE_TRUNK_PREFIX = rf"(?<![A-Za-z])(?<![0-9]\.)86{_SEP}?(?=\(0\))"
# A mobile's 11 digits, maybe in 3-4-4 groups (two separators or none: "138 1234-5678" is a mobile, "1381234 5678"
# is not read as one).
_MOBILE_DIGITS = rf"1[3-9][0-9](?:{_SEP}[0-9]{{4}}{_SEP}|[0-9]{{4}})[0-9]{{4}}"
# A mobile with no digit beside it, maybe in 3-4-4 groups, a gap away from a landline: a second phone, not a longer
# run of groups (138 0013 8000 0755 8888 6666: two phones, each masked and each indexed).
_LONE_MOBILE = rf"(?<![0-9]){_MOBILE_DIGITS}(?![0-9])"
# A date (2026-12-08, 2026.12.08, 2026/12/08: a real month and day; 2026年…: a year) or a time of day (12:30)
# written after a number.
_SEPARATORS = ("-", r"\.", "/")
_MONTH_DAY = r"(?:0?[1-9]|1[0-2]){0}(?:0?[1-9]|[12][0-9]|3[01])"
_DATES = "|".join(separator + _MONTH_DAY.format(separator) for separator in _SEPARATORS)
_DATE_OR_TIME = (
    rf"(?:(?:19|20)[0-9]{{2}}(?:(?:{_DATES})(?![0-9])|{BLANK}?年)|(?:[01]?[0-9]|2[0-3]):[0-5][0-9](?![0-9]))"
)
#: What a separator (a dash, a gap) after a run of digit groups may lead to without being one more group of the run:
#: a mobile, a second phone (电话 8666 1234 138 0013 8000), or a date or time (卡号 6222 0212 3456 7890 2026-12-08).
#: The one rule of where such a run ends, for masking and the search's reading of a local number alike.
NOT_ONE_MORE_GROUP = rf"(?:{_LONE_MOBILE}|{_DATE_OR_TIME})"


def _width(width: int) -> str:
    """A separator of a mobile's groups (``_SEP``) ``width`` characters wide."""
    return rf"(?:-|{BLANK})" if width == 1 else rf"{BLANK}{{{width}}}"


def _after_a_mobile() -> str:
    """Look-behinds for a mobile (``_LONE_MOBILE``) and a gap before a landline: a look-behind has one width, so one
    for each width of the gap and of the mobile's separators."""
    gaps = [rf"{BLANK}{{{width}}}" for width in _GAP_WIDTHS]
    mobiles = [r"1[3-9][0-9]{9}"]
    mobiles += [rf"1[3-9][0-9]{_width(a)}[0-9]{{4}}{_width(b)}[0-9]{{4}}" for a in _GAP_WIDTHS for b in _GAP_WIDTHS]
    return "|".join(rf"(?<=(?<![0-9]){mobile}{gap})" for mobile in mobiles for gap in gaps)


#: No group of digits a gap away before (a look-behind has one width: one for each width of the gap).
_NO_DIGITS_A_GAP_BEFORE = "".join(rf"(?<![0-9]{BLANK}{{{width}}})" for width in _GAP_WIDTHS)


def _after_a_date_or_time() -> str:
    """Look-behinds for a date or time (``_DATE_OR_TIME``'s 2026-12-08, 2026.12.08, 2026/12/08, 12:30) a gap before a
    number: no group of a longer run (2026-12-08 0755 8888 6666).  A look-behind has one width, so one for each width
    of the month, the day, the hour and the gap."""
    months = {1: "[1-9]", 2: "0[1-9]|1[0-2]"}
    days = {1: "[1-9]", 2: "0[1-9]|[12][0-9]|3[01]"}
    hours = {1: "[0-9]", 2: "[01][0-9]|2[0-3]"}
    dates = [
        "|".join(rf"(?:19|20)[0-9]{{2}}{sep}(?:{month}){sep}(?:{day})" for sep in _SEPARATORS)
        for month in months.values()
        for day in days.values()
    ]
    times = [rf"(?:{hour}):[0-5][0-9]" for hour in hours.values()]
    return "|".join(
        rf"(?<=(?<![0-9])(?:{written}){BLANK}{{{width}}})" for written in dates + times for width in _GAP_WIDTHS
    )


_AFTER_A_DATE_OR_TIME = _after_a_date_or_time()


def _phone_pattern() -> re.Pattern[str]:
    """A phone in a text, as masking and the index read one."""
    return re.compile(
        r"(?<![0-9])(?:"
        # A mobile; a decimal point before or after makes it an amount.
        rf"(?<![0-9]\.)(?:(?:{_COUNTRY_CODE}|86){_SEP}?)?(?P<mobile>{_MOBILE_DIGITS})(?!\.[0-9])"
        # A landline after its area code and a dash, the number maybe grouped (0755-8888 6666, 0755-8888-6666).  A
        # real area code only: 010 and 02x are the only ones starting 01 or 02, so 0212-3456-7890 is a serial.
        rf"|(?:{_AREA_CODE_IN_TEXT})-(?P<number>[0-9]{{7,8}}|[0-9]{{3,4}}{_SEP}[0-9]{{4}})"
        # A landline after its area code and a blank, or its area code in brackets (0755 8888 6666, 0755 88886666,
        # (0755) 8888 6666, (0755)88886666).  A blank tells less than a dash: only a real area code and a local
        # number (2-9 first) are read, and another group of digits a gap or dash away makes them part of a longer
        # run (the account 6222 0755 8888 6666 123, the parking space B1-023 8888 6666), unless that group is a
        # mobile: a second phone (13800138000 0755 88886666), or a date or time (2026-12-08 0755 8888 6666,
        # _AFTER_A_DATE_OR_TIME).  After the country code the area code's 0 is dropped, maybe kept, the area code
        # maybe in brackets (+86 755 8888 6666, +86-755-88886666, +86 (755) 8888 6666), or
        # kept in brackets as the trunk prefix, which is read as absent (+86 (0)755 8888 6666, +86(0)10-8888-6666),
        # the + or 00 then maybe left out (86 (0)755 8888 6666).
        # Or the area code and number as one run of digits (075588886666), under the same guards.
        # (The look-ahead for the branch's first character lets the engine skip the look-behinds elsewhere.)
        rf"|(?=[(0+8])(?<![0-9A-Za-z]-)(?:{_NO_DIGITS_A_GAP_BEFORE}|{_after_a_mobile()}|{_AFTER_A_DATE_OR_TIME})"
        rf"(?:\((?:{_AREA_CODE_IN_TEXT})\){_SEP}?|(?:{_AREA_CODE_IN_TEXT}){_GAP}"
        rf"|(?:(?:{_COUNTRY_CODE}){_SEP}?|{_86_BEFORE_TRUNK_PREFIX})(?:\(0\){_SEP}?)?(?P<bracket>\()?0?(?P<area>{_AREA_DIGITS_IN_TEXT})(?(bracket)\)){_SEP}?|{_BARE_AREA_CODE})"
        rf"(?P<local>[2-9](?:[0-9]{{6,7}}|[0-9]{{2,3}}{_SEP}[0-9]{{4}}))(?!{_SEP}(?!{NOT_ONE_MORE_GROUP})[0-9]|\.[0-9])"
        r")(?![0-9])"
    )


_PHONE_IN_TEXT = _phone_pattern()
# A dashed match with another dashed group of digits or letters beside it is part of a longer code
# (138-1234-5678-01).
_DASHED_BEFORE = re.compile(r"[0-9A-Za-z]-\Z")
_DASHED_AFTER = re.compile(r"-[0-9A-Za-z]")
# A mobile in 3-4-4 groups parted by blanks that a run of one or two 4-digit groups starts, a gap before it, is the
# tail of a bank card's number (6222 138 0013 8000: 15 digits; 6222 0212 138 0013 8000: 19), no phone; a landline
# right after such a card is one more group of it.  The run starts after no digit, letter, dash or bracket, nor one
# a gap away: a landline before a mobile (0755 8888 6666 138 0013 8000, (0755) 8888 6666 …) is no card's first
# groups, nor is a group no card begins with (UnionPay 62, Visa 4, Mastercard 5, the old domestic cards 9): a room
# number before a mobile (房号1201 138 0013 8000) leaves it a phone, masked.  The run is looked for in the few
# characters before a match (_CARD_REACH).  A date or time a gap before the first group is none of the run
# (2026-12-08 6222 0212 3456 7890: _AFTER_A_DATE_OR_TIME), as one after the last group (_DATE_OR_TIME).  (The
# look-ahead for the first digit lets the engine skip the look-behinds elsewhere: ten times faster on prose.)
_CARD_START = (
    r"(?=[4569])(?<![0-9A-Za-z)-])(?:"
    + "".join(rf"(?<![0-9)]{BLANK}{{{width}}})" for width in _GAP_WIDTHS)
    + rf"|{_AFTER_A_DATE_OR_TIME})[4569][0-9]{{3}}"
)
_CARD_GROUPS = rf"{_CARD_START}{_GAP}(?:[0-9]{{4}}{_GAP})?"
# A bank card's number (16-19 digits, UnionPay 62…) in a text: a card's first group (_CARD_START) and the rest of its
# digits written whole (6222021234567890123) or in groups a dash or a gap apart (6222 0212 3456 7890 123, the last
# group maybe short, 6222 0212 138 0013 8000 as well); a decimal point or a letter after it makes it no card.  A run
# of groups holding more digits than a card (6222 0212 3456 7890 1234, a card and a serial or a phone after it, or a
# longer account) is masked whole as one: which of its digits are the card's the groups do not tell, and a number
# too many hidden is better than an owner's card shown; a date or time after it is none of its groups
# (6222 0212 3456 7890 2026-12-08: _DATE_OR_TIME).  An old card of 15 digits is told only by its groups: a
# card's first group and a mobile's 3-4-4 groups parted by blanks or by dashes (6222 138 0013 8000,
# 6222-138-0013-8000: _FIFTEEN_DIGIT_CARD), no phone (_CARD_BEFORE) and no ID number's 6-6-3; a run of 15 digits
# written whole is as likely a first-generation ID number or a registration number, and fewer digits in groups are
# some other number.
_CARD_IN_TEXT = re.compile(
    rf"{_CARD_START}(?:[0-9]{{12,15}}|(?:{_SEP}(?!{_DATE_OR_TIME})[0-9]{{1,4}})+)(?![0-9A-Za-z])(?!\.[0-9])"
)
_CARD_MIN_DIGITS = 16
_MOBILE_IN_BLANK_GROUPS = rf"1[3-9][0-9]{_GAP}[0-9]{{4}}{_GAP}[0-9]{{4}}"
_FIFTEEN_DIGIT_CARD = re.compile(
    rf"[4569][0-9]{{3}}(?:{_GAP}{_MOBILE_IN_BLANK_GROUPS}|-1[3-9][0-9]-[0-9]{{4}}-[0-9]{{4}})"
)
_CARD_GROUPS_BEFORE = re.compile(rf"{_CARD_GROUPS}\Z")
_CARD_BEFORE = re.compile(rf"{_CARD_GROUPS}{_MOBILE_IN_BLANK_GROUPS}{_GAP}\Z")
_CARD_REACH = 40
# The numbers right after a phone label and maybe a colon and blanks (联系电话：8666 1234, 座机 86661234, 电话 138 0013
# 8000 8666 1234): a list of one or more, each a mobile, a landline with its area code or a local number without
# one (_LANDLINE_LOCAL, its groups a dash or a gap apart), the mobile maybe after the country code, parted by a gap,
# 、，；, / or 或 (电话：13800138000、8666 1234, 电话 +86 138 0013 8000 8666 1234, 座机 8666 1234 或 8666 5678).  In a text only the label tells a local number from an amount, a serial or an
# archive number, so none is read elsewhere (电话费 86661234 元 is a fee), nor after a word that is no separator
# (电话 8666 1234 房号 8666 5678: the second is not the label's).  Another group of digits a dash or gap after the
# list, a decimal point or a letter make it part of something else, unless that group is a mobile or a date or time
# (NOT_ONE_MORE_GROUP): 电话 8666 1234 5678 is no phone.  Every number of the list is masked here, the mobile too: a
# local number masked alone leaves its last group, which may start a card's (5678 138 0013 8000), before the mobile.
# (The label first: a literal lets the engine skip the rest elsewhere.)
_PHONE_LABEL = r"(?:电话|座机|固话|传真)(?:号码)?"
_LOCAL_DIGITS = rf"[2-9][0-9]{{2,3}}{_SEP}?[0-9]{{4}}"
# A landline's area code in a list: after the country code its 0 dropped or kept, maybe in brackets, or the trunk
# prefix (0) kept (+86 755 8888 6666, +86-755-8888 6666, +86 (0)755 8888 6666, 86 (0)755 8888 6666), as
# _PHONE_IN_TEXT reads it; or with its 0, maybe in brackets ((0755) 8888 6666, 0755-8888 6666), and written as one run
# of digits with its number only where the numbering plan tells the area code, as in a text (057188886666:
# _BARE_AREA_CODE; 0105881234, 010 and 7 digits, is no Beijing number, neither masked nor found as a phone).
_LISTED_AREA_CODE = (
    rf"(?:(?:(?:{_COUNTRY_CODE}){_SEP}?|{_86_BEFORE_TRUNK_PREFIX})(?:\(0\){_SEP}?)?(?:\(0?(?:{_AREA_DIGITS_IN_TEXT})\)|0?(?:{_AREA_DIGITS_IN_TEXT}))"
    rf"|\((?:{_AREA_CODE_IN_TEXT})\)|{_AREA_CODE_IN_TEXT}(?=-|{BLANK})|{_BARE_AREA_CODE})"
)
# What a listed landline's area code (_LISTED_AREA_CODE) has before its digits: the country code and the trunk prefix.
_BEFORE_AREA_DIGITS = re.compile(rf"^(?:(?:{_COUNTRY_CODE})|86)?{_SEP}?(?:\(0\))?")


def _listed_phone(named: bool) -> str:
    """One number of a list after a phone label; ``named``: each kind in a group of its name (a list repeats it
    without them: a group's name is one group's)."""
    mobile, area, landline, local = (
        f"(?P<{kind}>" if named else "(?:" for kind in ("mobile", "area", "landline", "local")
    )
    return (
        rf"(?:(?:{_COUNTRY_CODE}|86){_SEP}?)?{mobile}{_MOBILE_DIGITS})"
        rf"|{area}{_LISTED_AREA_CODE})(?:-|{_GAP})?{landline}{_LOCAL_DIGITS})"
        rf"|{local}{_LOCAL_DIGITS})"
    )


# A list separator that is a mark or a word (、，；/ 或), not a gap: only it tells where an item ends that is no phone.
_LIST_MARK = rf"{BLANK}*(?:[、,;/]|或){BLANK}*"
_LIST_SEPARATOR = rf"(?:{_LIST_MARK}|{_GAP})"
# An item of a list that is no phone (0105881234, 010 and 7 digits; 8666 1234 5678, a run of groups; 110): digits, maybe
# in groups, between two list marks or the label and a mark.  It is passed over and the list read on (电话：0105881234、
# 8666 1234 masks 8666 1234): privacy first, a phone after it is the label's as much as the first.  A gap after it
# leaves what follows its groups (电话 0105881234 8666 1234 is no phone); a word ends the list (电话 8666 1234、房号 …).
_UNREAD_ITEM = rf"[0-9+(][0-9()+-]*(?:{_GAP}[0-9()+-]+)*"
# The phones of a list and the items passed over between (a phone first where there is one: the fewest passed over).
_PHONE_LIST = re.compile(
    rf"{_PHONE_LABEL}:?{BLANK}*(?P<list>(?:{_UNREAD_ITEM}{_LIST_MARK})*?(?:{_listed_phone(False)})"
    rf"(?:{_LIST_SEPARATOR}(?:{_listed_phone(False)})|(?:{_LIST_MARK}{_UNREAD_ITEM})+{_LIST_MARK}(?:{_listed_phone(False)}))*)"
    rf"(?![0-9A-Za-z])(?!\.[0-9])(?!{_SEP}(?!{NOT_ONE_MORE_GROUP})[0-9])"
)
_LISTED_PHONE = re.compile(_listed_phone(True))
# The items between two list marks of a list that are phones, a gap apart: each else is passed over (_UNREAD_ITEM).
_LIST_MARK_PATTERN = re.compile(_LIST_MARK)
_LISTED_PHONES = re.compile(rf"(?:{_listed_phone(False)})(?:{_GAP}(?:{_listed_phone(False)}))*")
_NOT_A_DIGIT = re.compile("[^0-9]")
_PRIVATE_KEYS = {
    "phone": mask_phone,
    "电话": mask_phone,
    "手机": mask_phone,
    "id_number": mask_id_number,
    "身份证": mask_id_number,
    "证件号": mask_id_number,
}


def _hide_digits(text: str, folded: str, start: int, end: int, keep_first: int, keep_last: int) -> str:
    """``text[start:end]`` with its digits after the first ``keep_first`` and before the last ``keep_last``
    written ``*``; separators and the digits that stay visible as written."""
    positions = [i for i in range(start, end) if folded[i] != "-" and not folded[i].isspace()]
    hidden = set(positions[keep_first : len(positions) - keep_last])
    return "".join("*" if i in hidden else text[i] for i in range(start, end))


def _in_dashed_run(folded: str, match: re.Match[str], dashed: bool) -> bool:
    return dashed and (
        _DASHED_BEFORE.search(folded, 0, match.start()) is not None
        or _DASHED_AFTER.match(folded, match.end()) is not None
    )


def _masked_id(text: str, folded: str, match: re.Match[str]) -> str | None:
    if _in_dashed_run(folded, match, match["dash"] is not None):
        return None
    return _hide_digits(text, folded, match.start(), match.end(), keep_first=6, keep_last=4)


def _masked_old_id(text: str, folded: str, match: re.Match[str]) -> str | None:
    born = match["born"]
    try:
        datetime.date(1900 + int(born[:2]), int(born[2:4]), int(born[4:]))
    except ValueError:
        return None
    if _in_dashed_run(folded, match, match["dash"] is not None):
        return None
    return _hide_digits(text, folded, match.start(), match.end(), keep_first=6, keep_last=3)


def _masked_card(text: str, folded: str, match: re.Match[str]) -> str | None:
    digits = sum(char.isdigit() for char in match.group())
    if digits < _CARD_MIN_DIGITS and _FIFTEEN_DIGIT_CARD.fullmatch(match.group()) is None:
        return None
    if _in_dashed_run(folded, match, "-" in match.group()):
        return None
    return _hide_digits(text, folded, match.start(), match.end(), keep_first=4, keep_last=4)


def _listed_phones(folded: str, listed: re.Match[str]) -> Iterator[re.Match[str]]:
    """Each number of a list ``_PHONE_LIST`` found in ``folded``, as ``_LISTED_PHONE`` reads it; the items that are
    no phone (``_UNREAD_ITEM``: what between two list marks is not phones alone) passed over."""
    start, end = listed.start("list"), listed.end()
    for mark in [*_LIST_MARK_PATTERN.finditer(folded, start, end), None]:
        stop = end if mark is None else mark.start()
        if _LISTED_PHONES.fullmatch(folded, start, stop):
            yield from _LISTED_PHONE.finditer(folded, start, stop)
        if mark is not None:
            start = mark.end()


def _masked_phone_list(text: str, folded: str, match: re.Match[str]) -> str:
    """A list after a phone label (``_PHONE_LIST``) with each of its numbers masked as ``mask_phone`` masks it: a
    mobile's first 3 and last 4 digits kept, a landline's area code and last 4, a local number's last 4."""
    pieces, done = [], match.start()
    for phone in _listed_phones(folded, match):
        kept = "mobile" if phone["mobile"] else "landline" if phone["landline"] else "local"
        start, end = phone.span(kept)
        hidden = _hide_digits(text, folded, start, end, keep_first=3 if kept == "mobile" else 0, keep_last=4)
        pieces += [text[done:start], hidden]
        done = end
    return "".join([*pieces, text[done : match.end()]])


def listed_local_numbers(folded: str) -> list[tuple[str, tuple[int, int]]]:
    """The local numbers (no area code) of the lists after a phone label that masking reads in a text folded as
    ``phones_in_folded``'s is (``_PHONE_LIST``: 电话 138 0013 8000 8666 1234, 座机 8666 1234 或 8666 5678), each as
    its digits and where it stands: ``('86661234', (18, 27))``."""
    return [
        (_NOT_A_DIGIT.sub("", phone["local"]), phone.span("local"))
        for listed in _PHONE_LIST.finditer(folded)
        for phone in _listed_phones(folded, listed)
        if phone["local"]
    ]


def _listed_landline(phone: re.Match[str]) -> str | None:
    """The stored form (``_phone_stored_form``) of a landline of a list (``_LISTED_PHONE``), its area code's 0 given
    back when the country code took it away (+86 755 8888 6666: 0755-88886666); None for one that does not read."""
    area = _NOT_A_DIGIT.sub("", _BEFORE_AREA_DIGITS.sub("", phone["area"])).lstrip("0")
    try:
        return _phone_stored_form(f"0{area}-{_NOT_A_DIGIT.sub('', phone['landline'])}")
    except ValidationError:
        return None


def _in_longer_code(folded: str, match: re.Match[str]) -> bool:
    """A match of ``_PHONE_IN_TEXT`` that is no phone: a dashed mobile inside a longer dashed code, a mobile in
    groups parted by blanks after a card's first groups, and a landline after that card (``_CARD_GROUPS``)."""
    mobile, start = match["mobile"], match.start()
    reach = max(0, start - _CARD_REACH)
    if mobile is None:
        return _CARD_BEFORE.search(folded, reach, start) is not None
    if _in_dashed_run(folded, match, "-" in mobile):
        return True
    return re.fullmatch(_MOBILE_IN_BLANK_GROUPS, mobile) is not None and (
        _CARD_GROUPS_BEFORE.search(folded, reach, start) is not None
    )


def _stored_phone(match: re.Match[str]) -> str | None:
    """The stored form (``_phone_stored_form``) of a phone ``_PHONE_IN_TEXT`` found, a landline after the country code
    with its area code's 0 given back; None for one that does not read (the pattern reads only real area codes,
    so a dashed card's tail, 0212-3456-7890, is no match to begin with; 011-88886666, which new input may not have
    since, as ever: a page filed before is searched and masked as it was)."""
    try:
        if match["area"] is not None:
            return _phone_stored_form(f"0{match['area']}-{match['local']}")
        return _phone_stored_form(match["mobile"] or match.group())
    except ValidationError:
        return None


def _masked_phone(text: str, folded: str, match: re.Match[str]) -> str | None:
    if _in_longer_code(folded, match):
        return None
    if match["mobile"] is None:  # a landline: the area code and the last 4 digits stay
        start, end = match.span("local" if match["local"] else "number")
        return text[match.start() : start] + _hide_digits(text, folded, start, end, keep_first=0, keep_last=4)
    start, end = match.span("mobile")
    return text[match.start() : start] + _hide_digits(text, folded, start, end, keep_first=3, keep_last=4)


# Another document's number (a passport's, a permit's) has no shape of its own to be found by in free text: only where a
# label says what follows (护照, 护照号, 护照号码, 证件号, 证件号码, a colon or blanks between), as the fold writes it.
_LABELLED_NUMBER_IN_TEXT = re.compile(
    rf"(?:护照号码|护照号|护照|证件号码|证件号){BLANK}*:?{BLANK}*(?P<number>[A-Za-z0-9]{{5,20}})"
    # not the first group of a number written in groups (110101 ****** 123, already masked as a resident number)
    rf"(?![A-Za-z])(?!{BLANK}{{0,{GAP_BLANKS}}}[0-9*])"
)


def _masked_labelled(text: str, folded: str, match: re.Match[str]) -> str | None:
    """A labelled number (``_LABELLED_NUMBER_IN_TEXT``) masked as ``mask_id_number`` masks it, as long as written."""
    start, end = match.span("number")
    return text[match.start() : start] + mask_id_number(folded[start:end]).translate(
        {ord(kept): written for kept, written in zip(folded[start:end], text[start:end], strict=True)}
    )


def _mask_matches(
    text: str, folded: str, pattern: re.Pattern[str], masked: Callable[[str, str, re.Match[str]], str | None]
) -> tuple[str, str]:
    """``text`` with each match of ``pattern`` in its fold (``folded``) that ``masked`` masks replaced, and the
    fold of the result (each replacement folded alone: the text is folded once for both patterns)."""
    pieces: list[str] = []
    folds: list[str] = []
    done = 0
    for match in pattern.finditer(folded):
        replacement = masked(text, folded, match)
        if replacement is not None:
            pieces += [text[done : match.start()], replacement]
            folds += [folded[done : match.start()], replacement.translate(_TEXT_FOLD)]
            done = match.end()
    return "".join([*pieces, text[done:]]), "".join([*folds, folded[done:]])


# A line end (with the blanks beside it) after a digit, or after a dash that follows one, and before a digit: where
# a PDF's line or table cell wrapped a number ("138-↵1234-5678", "11010119900307↵1233").  (The look-ahead for a
# blank first lets the regex engine skip to one before it looks behind: four times faster on prose.)
_LINE_END_IN_NUMBER = re.compile(r"(?=[ \t\n])(?:(?<=[0-9])|(?<=[0-9]-))[ \t]*\n[ \t]*(?=[0-9])")


def mask_in_text(text: str) -> str:
    """``text`` with every ID number, phone number and bank card number in it masked; the rest untouched.

    The masked text is as long as ``text`` and differs only where a digit became ``*`` (a search snippet
    keeps its offsets): ``138****5678``, ``１３８****５６７８``, ``+86 138 **** 5678``, ``0755-****1234``,
    ``0755 **** 1234``, ``(0755) ****1234``, ``+86 755 **** 1234``, ``0755****1234`` (written as one run),
    ``110101********1234``, a bank card's first and last 4 digits kept (``6222 **** **** ***0 123``,
    ``_CARD_IN_TEXT``), a local number right after a phone label, each of a list there (``电话：**** 1234``,
    ``座机 **** 1234 或 **** 5678``, ``_PHONE_LIST``);
    groups one or two blanks apart (a tab, an ideographic space), as the search's fold joins
    them: ``138  **** 5678``.  A number a line end cuts (a PDF's text
    layer keeps them) is masked as one: the line end read as nothing between its parts (``1381234↵5678``) and as
    a separator (``138 1234↵5678``).  Another document's number only after a label saying so
    (``护照号：E1*****78``, ``证件号码 G1*****78``: ``_LABELLED_NUMBER_IN_TEXT``).
    """
    folded = text.translate(_TEXT_FOLD)
    masked = _masked_numbers(text, folded)
    breaks = _number_line_ends(folded)
    if not breaks:
        return masked
    chars = list(masked)
    for joiner in ("", " "):
        joined, origins = _joined_lines(text, breaks, joiner)
        for origin, before, after in zip(origins, joined, _masked_numbers(joined), strict=True):
            if origin is not None and after != before:  # a digit masked in the joined text: masked where written
                chars[origin] = after
    return "".join(chars)


def mask_in_text_between(text: str, start: int, end: int) -> str:
    """``mask_in_text(text)[start:end]``, masking only the lines that hold ``text[start:end]``: a search snippet's
    piece of a long scan without the scan's every page masked.

    No number masking reads stands across a line end, nor does any of its patterns look past one, but for a line end
    inside a number (``_LINE_END_IN_NUMBER``): so the text masked piece by piece, cut after the other line ends,
    is the text masked whole.  The piece masked here runs from the line end before ``start`` to the one after
    ``end`` that are no such line end."""
    begin = start
    while (begin := text.rfind("\n", 0, begin)) >= 0 and _ends_a_line_in_a_number(text, begin):
        pass
    begin += 1  # after the line end (0 without one)
    finish = max(end, begin) - 1
    while (finish := text.find("\n", finish + 1)) >= 0 and _ends_a_line_in_a_number(text, finish):
        pass
    finish = len(text) if finish < 0 else finish + 1
    return mask_in_text(text[begin:finish])[start - begin : end - begin]


def _ends_a_line_in_a_number(text: str, at: int) -> bool:
    """Whether the line end ``text[at]`` stands inside a number (``_number_line_ends``): read from the two lines it
    parts, which alone tell."""
    begin = text.rfind("\n", 0, at) + 1
    finish = text.find("\n", at + 1)
    lines = text[begin : len(text) if finish < 0 else finish].translate(_TEXT_FOLD)
    return any(start <= at - begin < end for start, end in _number_line_ends(lines))


#: What ``mask_in_text`` masks, as help texts and pages name it to the clerk.
MASKED_KINDS = ("身份证号", "电话号码", "银行卡号")


def masked_kinds(last: str = "和") -> str:
    """``MASKED_KINDS`` as one Chinese phrase, ``last`` (和, 或) before the last: 身份证号、电话号码和银行卡号."""
    *first, final = MASKED_KINDS
    return f"{'、'.join(first)}{last}{final}"


def _masked_numbers(text: str, folded: str | None = None) -> str:
    """``text`` with the ID, phone and card numbers its fold (``folded``, worked out when not given) holds masked."""
    folded = text.translate(_TEXT_FOLD) if folded is None else folded
    text, folded = _mask_matches(text, folded, _ID_IN_TEXT, _masked_id)
    text, folded = _mask_matches(text, folded, _OLD_ID_IN_TEXT, _masked_old_id)
    # A card before the phones: a dashed card's last groups read as a landline (6222-0212-3456-7890).
    text, folded = _mask_matches(text, folded, _CARD_IN_TEXT, _masked_card)
    # A label's list before the phones: read whole, a mobile in it with the rest (_PHONE_LIST).
    text, folded = _mask_matches(text, folded, _PHONE_LIST, _masked_phone_list)
    text, folded = _mask_matches(text, folded, _PHONE_IN_TEXT, _masked_phone)
    return _mask_matches(text, folded, _LABELLED_NUMBER_IN_TEXT, _masked_labelled)[0]


def _number_line_ends(folded: str) -> list[tuple[int, int]]:
    """Where a line end stands inside a number in ``folded`` (``_LINE_END_IN_NUMBER``)."""
    return [match.span() for match in _LINE_END_IN_NUMBER.finditer(folded)] if "\n" in folded else []


def phones_in_text(text: str) -> list[str]:
    """The stored form (``_phone_stored_form``) of each phone number ``mask_in_text`` masks in ``text``, each once:
    ``138-0013-8000``, ``138 0013 8000`` and ``+86 13800138000`` are ``13800138000``, ``0755-8888 6666``,
    ``0755 8888 6666``, ``(0755) 88886666``, ``+86 755 8888 6666`` and ``075588886666`` are ``0755-88886666``; a number a line end cuts is read as
    ``mask_in_text`` reads it.  A dashed code holding a mobile's digits (``138-0013-8000-01``), an amount
    (``13800138000.50``), a run of digit groups (the account ``6222 0755 8888 6666 123``) and a longer run of digits
    (``6222075588886666``) are none; a mobile and a
    landline a gap apart are two (``138 0013 8000 0755 8888 6666``)."""
    return phones_in_folded(text.translate(_TEXT_FOLD))


def phones_in_folded(folded: str) -> list[str]:
    """``phones_in_text`` of a text whose full-width characters, blanks and dashes are folded already (as
    ``_TEXT_FOLD`` folds them; the search's ``fold`` does more): not translated again, a tenth of an index build's
    reading of a document's numbers."""
    return list(dict.fromkeys(phone for phone, _ in phone_spans_in_folded(folded)))


def phone_spans_in_folded(folded: str) -> list[tuple[str, tuple[int, int]]]:
    """Each phone ``phones_in_folded`` reads, in its stored form, and where it stands in ``folded`` (a number a line
    end cuts from its first character to its last), once for each place it is written: where a search marks the
    phone it found (a copy of its digits that is no phone, shown as written, is none)."""
    breaks = _number_line_ends(folded)
    readings: list[tuple[str, list[int | None] | None]] = [(folded, None)]
    readings += [_joined_lines(folded, breaks, joiner) for joiner in ("", " ") if breaks]
    found = [
        (_stored_phone(match), _span_in(origins, match.span()))
        for reading, origins in readings
        for match in _PHONE_IN_TEXT.finditer(reading)
        if not _in_longer_code(reading, match)
    ]
    found += [
        (_listed_landline(phone), _span_in(origins, phone.span()))
        for reading, origins in readings
        for listed in _PHONE_LIST.finditer(reading)
        for phone in _listed_phones(reading, listed)
        if phone["landline"]
    ]
    return list(dict.fromkeys((phone, span) for phone, span in found if phone is not None and span is not None))


def _span_in(origins: list[int | None] | None, span: tuple[int, int]) -> tuple[int, int] | None:
    """Where ``span`` of a text whose lines were joined (``_joined_lines``: ``origins``; None for the text itself)
    stands in the text."""
    if origins is None:
        return span
    first, last = origins[span[0]], origins[span[1] - 1]
    return None if first is None or last is None else (first, last + 1)


#: The ID number patterns of a text, each with what tells a match of it one that masking hides (``_masked_numbers``).
_ID_READINGS: tuple[tuple[re.Pattern[str], Callable[[str, str, re.Match[str]], str | None]], ...] = (
    (_ID_IN_TEXT, _masked_id),
    (_OLD_ID_IN_TEXT, _masked_old_id),
)
_NOT_IN_ID_NUMBER = re.compile(r"[^0-9Xx]")


def _id_digits(match: re.Match[str]) -> str:
    """An ID number ``_ID_IN_TEXT`` or ``_OLD_ID_IN_TEXT`` found, without its separators, in its 18-character form
    (``id_number_as_18``: a first-generation number and the one that replaced it are one person's), the check
    letter upper case."""
    return id_number_as_18(_NOT_IN_ID_NUMBER.sub("", match.group()).upper())


def id_numbers_in_folded(folded: str) -> list[str]:
    """The ID numbers ``mask_in_text`` masks in a text folded as ``phones_in_folded``'s is, each once, as its digits
    and check letter without the blanks or dashes of its groups (``110101 19900307 1233``, ``110101-19900307-1233``
    and ``110101199003071233`` are ``110101199003071233``), a first-generation number as its 18-character form
    (``110101 900307 123`` is ``110101199003071233`` too); a number a line end cuts is read as ``mask_in_text`` reads
    it.  Digits inside a longer run (``110101199003071233001``) or a dashed code are none."""
    breaks = _number_line_ends(folded)
    readings = [folded, *(_joined_lines(folded, breaks, joiner)[0] for joiner in ("", " ") if breaks)]
    found = [
        _id_digits(match)
        for reading in readings
        for pattern, masked in _ID_READINGS
        for match in pattern.finditer(reading)
        if masked(reading, reading, match) is not None
    ]
    return list(dict.fromkeys(found))


def read_id_number(text: str) -> str | None:
    """``text``'s ID number as ``id_numbers_in_folded`` gives it when the whole of ``text`` is one written as a text
    writes one (``110101 19900307 1233``, ``１１０１０１１９９００３０７１２３３``), else None."""
    folded = text.translate(_TEXT_FOLD).strip()
    for pattern, masked in _ID_READINGS:
        match = pattern.fullmatch(folded)
        if match is not None and masked(folded, folded, match) is not None:
            return _id_digits(match)
    return None


def read_phone(text: str) -> str | None:
    """The stored form of ``text`` when the whole of it is one phone number written as ``phones_in_text`` reads
    one in a text (``138-0013-8000``, ``0755-8888 6666``, ``0755 8888 6666``, ``+86 755 8888 6666``, ``075588886666``),
    else None."""
    match = _PHONE_IN_TEXT.fullmatch(text.translate(_TEXT_FOLD).strip())
    return None if match is None else _stored_phone(match)


def _joined_lines(text: str, breaks: list[tuple[int, int]], joiner: str) -> tuple[str, list[int | None]]:
    """``text`` with each span of ``breaks`` replaced by ``joiner``, and where each of its characters stands in
    ``text`` (None for a joiner's)."""
    pieces: list[str] = []
    origins: list[int | None] = []
    done = 0
    for start, end in breaks:
        pieces += [text[done:start], joiner]
        origins += [*range(done, start), *([None] * len(joiner))]
        done = end
    pieces.append(text[done:])
    origins += range(done, len(text))
    return "".join(pieces), origins


def mask_values(value: object, key: str = "") -> object:
    """A copy of ``value`` (dicts, lists, strings, as kept in the ledger's JSON columns) with personal
    data masked: the whole value under a key that names a phone or ID number, and any ID or phone
    number standing inside other text."""
    if isinstance(value, dict):
        return {k: mask_values(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_values(v, key) for v in value]
    if isinstance(value, str):
        for marker, mask in _PRIVATE_KEYS.items():
            if marker in key.lower():
                return mask(value)
        return mask_in_text(value)
    return value


# Numbers other systems put in a required field when nobody knew the real one.
_PLACEHOLDER_PHONES = frozenset({"12345678901", "13800138000"})
_PLACEHOLDER_IDS = frozenset({"123456789012345678", "12345678901234567X"})


def is_placeholder_phone(text: str) -> bool:
    """True for a filler phone number another system forced someone to type: the last eight
    digits of a mobile number all alike (18999999999, 13800000000), or a well-known sequence."""
    digits = _compact(text).replace("-", "")
    if not digits.isdigit():
        return False
    if digits in _PLACEHOLDER_PHONES:
        return True
    return len(digits) == 11 and len(set(digits[-8:])) == 1


def is_placeholder_id_number(text: str) -> bool:
    """True for a filler ID number: all one digit (111111111111111111, 000000000000000000), or
    123456789012345678."""
    number = _compact(text).upper()
    return number in _PLACEHOLDER_IDS or (len(number) >= 15 and len(set(number.rstrip("X"))) == 1)


#: Longest name of a person the ledger keeps (owners.name and payments.payer are 64 characters wide).
NAME_MAX_CHARS = 64


def says_something(text: str) -> bool:
    """Whether ``text`` holds a letter, a digit or a Chinese character: ",,", "。" or "——" alone says nothing."""
    return any(unicodedata.category(char)[0] in "LN" for char in text)


def has_letter(text: str) -> bool:
    """Whether ``text`` holds a letter or a Chinese character (Unicode's letters), as any name does."""
    return any(unicodedata.category(char).startswith("L") for char in text)


def name_problem(name: str, max_chars: int = NAME_MAX_CHARS) -> str | None:
    """Why a person's name cannot be kept or printed, in Chinese, or None: control characters (a newline,
    ESC, a right-to-left override that reverses what follows on screen and paper), more than
    ``max_chars`` characters (a pasted paragraph), or no letter nor Chinese character (",,", "。": it would
    print as the name on a receipt, a form or a loan)."""
    if hidden_characters(name):
        return "姓名里有换行、控制字符或不可见的格式字符（如从右到左覆盖）：请只写姓名"
    if len(name) > max_chars:
        return f"姓名太长（{len(name)} 个字）：最多 {max_chars} 个字"
    if not has_letter(name):
        return f"“{name.strip()}”没有汉字或字母，不是姓名：请写姓名"
    return None


#: One Chinese character (CJK unified ideographs and extension A), as a person's name is written.
_HAN_CHAR = re.compile(r"[\u3400-\u9fff]")


def blanks_as_kept(name: str) -> str:
    """``name`` with one ASCII blank between its words, none around, however it was typed (``Zhang  San``,
    ``Zhang\u3000San``, `` Zhang San `` are ``Zhang San``; ``安居  装饰有限公司`` is ``安居 装饰有限公司``): the one rule
    for blanks inside every name the ledger keeps — a person's or a body's, typed at the counter (``name_as_kept``)
    or read from the roster (``owners.contacts``).  A line break or a tab is white space too: what ``name_problem``
    refuses is the caller's to refuse first."""
    return " ".join(name.split())


def name_as_kept(name: str) -> str:
    """A person's name as the ledger keeps it and paper prints it: its blanks as ``blanks_as_kept`` keeps them; two
    Chinese characters with blanks between and nothing else (``罗\u3000红``, ``罗  红``: a form pads a two-character
    name so) are that one name, ``罗红``.  What ``name_problem`` refuses (a line break) is the caller's to refuse
    first, and two names with a blank between (``张三 李四``) the caller's to tell."""
    words = name.split()
    if len(words) == 2 and all(_HAN_CHAR.fullmatch(word) for word in words):
        return "".join(words)
    return blanks_as_kept(name)


def named_in_sentence(name: str) -> str:
    """A person's name as a refusal puts it inside a sentence, quoted (``与“Tran Van Nam”的有效出入证相同``): a Latin
    name would run into the Chinese words around it, and a Chinese one into the next word (``是王芳的``)."""
    return f"“{name}”"


def reason_problem(reason: str, what: str, option: str | None) -> str | None:
    """Why a reason a clerk typed (a void's, a back-dated payment's, a certificate's purpose …) cannot be kept,
    in Chinese, naming it as ``what`` (作废原因) and the ``option`` that carries it (``--reason``; None on the web
    page's form), or None.  A reason is shown on one line — the journal's, a listing's, a paper's — so a line break
    or another control or invisible format character is refused; and one with no letter, digit nor Chinese
    character (",,", "。", "——") says nothing.  A blank reason is the caller's to refuse or allow."""
    where = f"请在 {option} 后" if option else "请"
    if hidden_characters(reason.strip()):
        return f"{what}不能换行，也不能有控制字符或不可见的格式字符：{where}用一行文字写明{what}"
    if not says_something(reason):
        return f"{what}不能只有标点：{where}用文字写明{what}"
    return None
