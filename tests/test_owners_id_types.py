"""Owners and contacts who hold another ID document than the resident ID card: a passport, a Hong Kong, Macao or Taiwan
resident's permit, a foreigner's permanent residence card …  The ledger keeps each number's type; the roster's 证件类型
column decides how a number is checked; a number of any type is masked on screen."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from recordkit.core.errors import ValidationError
from recordkit.core.personal import mask_id_number, read_id_type, validate_document_number
from recordkit.ledger.db import Ledger, open_ledger
from recordkit.ledger.schema import HEAD_REVISION
from tests.revisions import mark_as_of

ACCEPTED = "居民身份证、护照、港澳居民来往内地通行证、台湾居民来往大陆通行证、外国人永久居留身份证、港澳台居民居住证、军官证、其他证件"


@pytest.mark.parametrize(
    ("word", "id_type"),
    [
        ("身份证", "resident_id"),
        ("居民身份证", "resident_id"),
        ("护照", "passport"),
        (" 护 照 ", "passport"),
        ("回乡证", "hk_macao_permit"),
        ("港澳居民来往内地通行证", "hk_macao_permit"),
        ("台胞证", "taiwan_permit"),
        ("台湾居民来往大陆通行证（台胞证）", "taiwan_permit"),
        ("外国人永久居留证", "foreign_permanent_id"),
        ("港澳台居民居住证", "hmt_residence_permit"),
        ("军官证", "officer_id"),
        ("ｐａｓｓｐｏｒｔ", "passport"),
    ],
)
def test_the_words_other_systems_write_for_a_document_name_one_type(word: str, id_type: str) -> None:
    assert read_id_type(word) == id_type


def test_an_unknown_document_word_is_refused_with_the_accepted_ones() -> None:
    with pytest.raises(ValidationError) as refused:
        read_id_type("驾驶证")
    assert refused.value.message == f"证件类型“驾驶证”不认识，应为 {ACCEPTED} 之一"


@pytest.mark.parametrize(
    ("text", "id_type", "kept"),
    [
        ("e1234567８", "passport", "E12345678"),
        ("G 1234 5678", "passport", "G12345678"),
        ("H12345678", "hk_macao_permit", "H12345678"),
        ("m1234567801", "hk_macao_permit", "M1234567801"),
        ("１２３４５６７８", "taiwan_permit", "12345678"),
        ("USA110089012345", "foreign_permanent_id", "USA110089012345"),
        ("931156198001010012", "foreign_permanent_id", "931156198001010012"),
        ("810000199408230021", "hmt_residence_permit", "810000199408230021"),
        ("南字第123456号", "officer_id", "南字第123456号"),
        ("110101199003071233", "resident_id", "110101199003071233"),
    ],
)
def test_each_documents_number_is_checked_by_its_shape(text: str, id_type: str, kept: str) -> None:
    assert validate_document_number(text, id_type) == kept


@pytest.mark.parametrize(
    ("text", "id_type", "message"),
    [
        ("E12", "passport", "护照号码“E12”应为 5 至 20 位字母或数字"),
        ("E1234-5678", "passport", "护照号码“E1234-5678”应为 5 至 20 位字母或数字"),
        (
            "12345678",
            "hk_macao_permit",
            "港澳居民来往内地通行证号码“12345678”应为 H 或 M 加 8 位数字（旧证 10 位数字）",
        ),
        ("1234567", "taiwan_permit", "台湾居民来往大陆通行证号码“1234567”应为 8 位数字（旧证 10 位数字）"),
        (
            "110101199003071233",
            "hmt_residence_permit",
            "港澳台居民居住证号码应为以 81（香港）、82（澳门）或 83（台湾）开头的 18 位",
        ),
        ("810000199408230029", "hmt_residence_permit", "港澳台居民居住证号码校验位错误"),
        ("E12345678", "resident_id", "身份证号应为18位或15位（现在是9位）"),
    ],
)
def test_a_number_not_of_its_documents_shape_is_refused_in_those_words(text: str, id_type: str, message: str) -> None:
    with pytest.raises(ValidationError) as refused:
        validate_document_number(text, id_type)
    assert refused.value.message == message


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("E12345678", "E1*****78"),
        ("H1234567801", "H1*******01"),
        ("12345678", "12****78"),
        ("USA110089012345", "US***********45"),
        ("1234567", "*******"),
        ("110101199003071233", "110101********1233"),
    ],
)
def test_another_documents_number_keeps_its_first_and_last_two(number: str, masked: str) -> None:
    assert mask_id_number(number) == masked


def _types(ledger: Ledger) -> list[tuple[str, str, str | None]]:
    with ledger.read() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT 'owner', id_type, id_number FROM owners UNION ALL"
                " SELECT 'contact', id_type, id_number FROM unit_contacts"
            )
        )
        return sorted((tuple(row) for row in rows), key=lambda row: (row[0], row[2] or ""))


def test_a_ledger_of_0028_keeps_its_numbers_as_resident_id_numbers(ledger_url: str) -> None:
    """Upgraded, an older ledger's owners and contacts hold resident ID numbers, as it checked them."""
    with open_ledger(ledger_url) as ledger, ledger.write() as conn:
        conn.execute(sa.text("INSERT INTO owners (name, id_number) VALUES ('张伟', '110101199003071233')"))
        conn.execute(sa.text("INSERT INTO owners (name) VALUES ('李娜')"))
        conn.execute(
            sa.text(
                "INSERT INTO units (code, building, entrance, room, floor_area_hundredths, status)"
                " VALUES ('1-1-101', '1', '1', '101', 9000, 'vacant')"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO unit_contacts (unit_id, name, relation, id_number, added_at, added_by)"
                " SELECT id, '赵磊', '租户', '320102198802145615', '2026-12-01T00:00:00+00:00', '测试员' FROM units"
            )
        )
        mark_as_of(conn, "0028")
    with open_ledger(ledger_url) as upgraded:
        assert upgraded.revision() == HEAD_REVISION == "0029"
        assert _types(upgraded) == [
            ("contact", "resident_id", "320102198802145615"),
            ("owner", "resident_id", None),
            ("owner", "resident_id", "110101199003071233"),
        ]
        with upgraded.write() as conn:  # a passport's 20 characters fit on PostgreSQL too
            conn.execute(
                sa.text("INSERT INTO owners (name, id_type, id_number) VALUES ('Smith', 'passport', :n)"),
                {"n": "A" * 20},
            )
