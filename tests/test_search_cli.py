"""``recordkit search`` and ``recordkit index`` through the CLI: output, --json fields, masking, exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from recordkit.core.workspace import Workspace
from recordkit.ledger.db import Ledger, open_ledger
from recordkit.web.app import create_app
from tests.archive_helpers import archive_ledger  # noqa: F401  (fixture ledger)
from tests.conftest import SAMPLE_ROWS, write_sheet
from tests.search_helpers import (
    file_documents,
    search_ws,  # noqa: F401  (fixture ws: each backend in turn)
)
from tests.web_helpers import Browser, text_of


@pytest.fixture
def filed(ws: Workspace, ledger: Ledger, tmp_path: Path, run_cli: Any) -> Workspace:
    file_documents(ws, ledger, tmp_path / "扫描件")
    result = run_cli("index")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("重建索引：新增 5 件，更新 0 件，删除 0 件，失败 0 件，耗时 ")
    return ws


def test_search_table_and_exit_0(filed: Workspace, run_cli: Any) -> None:
    result = run_cli("search", "梯维")
    assert result.exit_code == 0
    assert "找到 1 条" in result.stdout
    row = next(line for line in result.stdout.splitlines() if "GC-2024-00001" in line)
    assert [cell.strip() for cell in row.strip("│ ").split("│")][:5] == [
        "GC-2024-00001",
        "3号楼电梯维修记录",
        "工程档案",
        "",
        "2024-05-20",
    ]
    assert "电梯维修保养" in row


def test_search_json_fields_are_masked(filed: Workspace, run_cli: Any) -> None:
    result = run_cli("search", "装修管理协议", "--json")
    assert result.exit_code == 0
    found = json.loads(result.stdout)
    assert (found["total"], found["ocr_pending"]) == (1, 0)
    [hit] = found["hits"]
    assert {key: hit[key] for key in ("archive_no", "title", "category", "unit", "date", "source_name")} == {
        "archive_no": "HT-2025-00001",
        "title": "装修协议",
        "category": "合同协议档案",
        "unit": "3-2-1201",
        "date": "2025-03-15",
        "source_name": "装修协议.docx",
    }
    assert hit["path"] == "records/archive/合同协议档案/2025/HT-2025-00001_装修协议.docx"
    assert hit["score"] > 0
    assert "联系电话138****5678，身份证号110101********1233" in hit["snippet"]
    assert "13812345678" not in result.stdout and "110101199003071233" not in result.stdout
    shown = json.loads(run_cli("search", "装修管理协议", "--json", "--show-private").stdout)["hits"][0]
    assert "联系电话13812345678，身份证号110101199003071233" in shown["snippet"]


# The reviewer's sentence: a full-width mobile and ID number (OCR, Word) and a dashed mobile.
WRITTEN_FORMS = (
    "联系电话：１３９１２３４４３２１，身份证号：３１０１０４１９８５０６０１００２７。紧急联系人电话139-8765-4321。"
)


def test_search_snippet_masks_full_width_and_dashed_numbers(
    ws: Workspace, ledger: Ledger, tmp_path: Path, run_cli: Any
) -> None:
    file_documents(
        ws,
        ledger,
        tmp_path / "扫描件",
        [("业主登记表.docx", "业主档案", "3-2-1201", "业主登记表", None, WRITTEN_FORMS)],
    )
    assert run_cli("index").exit_code == 0
    result = run_cli("search", "13912344321", "--json")  # search folds the full-width digits: it finds them
    assert result.exit_code == 0, result.output
    [hit] = json.loads(result.stdout)["hits"]
    # The snippet opens the text (the masked number no longer holds the term) and stops 60 characters on.
    assert (
        "联系电话：１３９****４３２１，身份证号：３１０１０４********００２７。紧急联系人电话139-****-432"
        in (hit["snippet"])
    )
    for clear in ("１３９１２３４", "１９８５０６０１", "139-8765"):
        assert clear not in result.stdout
    shown = json.loads(run_cli("search", "13912344321", "--json", "--show-private").stdout)["hits"][0]
    assert WRITTEN_FORMS in shown["snippet"]


def test_a_bank_card_on_a_scanned_refund_form_is_masked_in_the_snippet_and_the_text(
    ws: Workspace, ledger: Ledger, tmp_path: Path, run_cli: Any
) -> None:
    """A deposit refund form the owner filled in holds his bank card's number: the snippet and ``archive text``
    showed it whole while the phone beside it was masked.  Now it is masked as banks show one (first 4, last 4);
    ``--show-private`` shows it."""
    text = (
        "装修押金退款申请表\n收款人：张伟  联系电话：13912344321\n开户行：中国工商银行  卡号：6222 0212 3456 7890 123"
    )
    file_documents(
        ws, ledger, tmp_path / "扫描件", [("押金退款.docx", "业主档案", "3-2-1201", "押金退款申请", None, text)]
    )
    assert run_cli("index").exit_code == 0
    result = run_cli("search", "工商银行", "--json")
    assert result.exit_code == 0, result.output
    [hit] = json.loads(result.stdout)["hits"]
    assert "开户行：中国工商银行  卡号：6222 **** **** ***0 123" in hit["snippet"]
    assert "0212 3456" not in result.stdout
    shown = json.loads(run_cli("search", "工商银行", "--json", "--show-private").stdout)["hits"][0]
    assert "卡号：6222 0212 3456 7890 123" in shown["snippet"]
    archive_no = hit["archive_no"]
    page = run_cli("archive", "text", archive_no)
    assert page.exit_code == 0, page.output
    assert "联系电话：139****4321" in page.stdout and "卡号：6222 **** **** ***0 123" in page.stdout
    assert "卡号：6222 0212 3456 7890 123" in run_cli("archive", "text", archive_no, "--show-private").stdout


def test_a_dashed_card_number_neither_stops_the_index_nor_the_search(
    ws: Workspace, ledger: Ledger, tmp_path: Path, run_cli: Any
) -> None:
    """A card's number written in dashed groups (6222-0212-3456-7890) has a tail shaped like a landline whose area
    code the numbering plan has not (0212): ``recordkit index`` stopped on it, exit code 5, with
    错误：联系电话“0212-3456-7890”不是有效的手机号或固定电话, and so did a search for it.  Now it is no phone: the item
    is indexed, found, and its card masked."""
    text = "押金退款申请 收款人：张伟 卡号：6222-0212-3456-7890"
    file_documents(ws, ledger, tmp_path / "扫描件", [("退款申请.docx", "业主档案", "3-2-1201", "退款申请", None, text)])
    indexed = run_cli("index")
    assert indexed.exit_code == 0, indexed.output
    assert indexed.stdout.startswith("重建索引：新增 1 件，更新 0 件，删除 0 件，失败 0 件，耗时 ")
    for query in ("张伟", "6222-0212-3456-7890", "0212-3456-7890"):
        result = run_cli("search", query, "--json")
        assert result.exit_code == 0, (query, result.output)
        [hit] = json.loads(result.stdout)["hits"]
        assert "卡号：6222-****-****-7890" in hit["snippet"]


def test_a_dashed_fifteen_digit_card_and_a_card_with_a_group_after_it_are_masked_in_the_snippet(
    ws: Workspace, ledger: Ledger, tmp_path: Path, run_cli: Any
) -> None:
    """An old 15-digit card written in dashed groups (6222-138-0013-8000) and a card with one more group after it
    (6222 0212 3456 7890 1234, 20 digits: no card's length) were shown whole in the snippet, while the same card in
    blank groups and a 16-19 digit card were masked.  Now both are masked, first 4 and last 4 digits kept (the whole
    run of groups: which of its digits are the card's nobody can tell); ``--show-private`` shows them."""
    documents = [
        (
            "退款申请.docx",
            "业主档案",
            "3-2-1201",
            "退款申请",
            None,
            "押金退款申请 收款人：张伟 卡号：6222-138-0013-8000",
        ),
        (
            "转账凭证.docx",
            "业主档案",
            "1-1-101",
            "转账凭证",
            None,
            "物业费转账凭证 付款人：李娜 卡号：6222 0212 3456 7890 1234",
        ),
    ]
    file_documents(ws, ledger, tmp_path / "扫描件", documents)
    assert run_cli("index").exit_code == 0
    result = run_cli("search", "卡号", "--json", "--sort", "档号")
    assert result.exit_code == 0, result.output
    assert [hit["snippet"] for hit in json.loads(result.stdout)["hits"]] == [
        "押金退款申请 收款人：张伟 卡号：6222-***-****-8000",
        "物业费转账凭证 付款人：李娜 卡号：6222 **** **** **** 1234",
    ]
    shown = run_cli("search", "卡号", "--json", "--sort", "档号", "--show-private")
    assert [hit["snippet"] for hit in json.loads(shown.stdout)["hits"]] == [
        "押金退款申请 收款人：张伟 卡号：6222-138-0013-8000",
        "物业费转账凭证 付款人：李娜 卡号：6222 0212 3456 7890 1234",
    ]


def test_a_date_after_a_card_is_shown_as_written_in_the_snippet_and_on_the_item_page(
    ws: Workspace, ledger: Ledger, tmp_path: Path, run_cli: Any
) -> None:
    """A date written right after a card (6222 0212 3456 7890 2026-12-08) was read as more groups of it: the snippet
    showed 6222 **** **** **** ****-12-08, the year hidden and the card's last 4 digits too.  Now the card is masked
    and the date shown as written, in the snippet and in the text on the web's item page."""
    text = "押金退款凭证 收款人：张伟 卡号：6222 0212 3456 7890 2026-12-08 退款"
    items = file_documents(
        ws, ledger, tmp_path / "扫描件", [("退款凭证.docx", "业主档案", "3-2-1201", "退款凭证", None, text)]
    )
    assert run_cli("index").exit_code == 0
    result = run_cli("search", "退款", "--json")
    assert result.exit_code == 0, result.output
    [hit] = json.loads(result.stdout)["hits"]
    assert hit["snippet"] == "押金退款凭证 收款人：张伟 卡号：6222 **** **** 7890 2026-12-08 退款"
    browser = Browser(create_app(ws, accounts_required=False, ledger=ledger))
    page = text_of(browser.get(f"/item/{items['退款凭证'].archive_no}"))
    assert "卡号：6222 **** **** 7890 2026-12-08 退款" in page and "3456" not in page


def test_a_card_and_a_landline_after_a_date_are_masked_in_the_snippet(
    ws: Workspace, ledger: Ledger, tmp_path: Path, run_cli: Any
) -> None:
    """A date written right before a card or a landline (2026-12-08 6222 0212 3456 7890) was read as a group of a
    longer run: the snippet showed the number whole.  A date with 年月日 after a card had its year read as a fifth
    group, the card's last 4 digits hidden.  Now each is masked as it is without the date."""
    documents = [
        ("退款凭证.docx", "业主档案", "3-2-1201", "退款凭证", None, "退款 2026-12-08 6222 0212 3456 7890"),
        ("来电记录.docx", "业主档案", "3-2-1201", "来电记录", None, "来电 12:30 0755 8888 6666"),
        ("缴费记录.docx", "业主档案", "3-2-1201", "缴费记录", None, "缴费卡号6222 0212 3456 7891 2026年12月8日"),
    ]
    file_documents(ws, ledger, tmp_path / "扫描件", documents)
    assert run_cli("index").exit_code == 0
    for word, snippet in [
        ("退款", "退款 2026-12-08 6222 **** **** 7890"),
        ("来电", "来电 12:30 0755 **** 6666"),
        ("缴费", "缴费卡号6222 **** **** 7891 2026年12月8日"),
    ]:
        result = run_cli("search", word, "--json")
        assert result.exit_code == 0, result.output
        [hit] = json.loads(result.stdout)["hits"]
        assert hit["snippet"] == snippet


def test_a_first_generation_id_number_in_an_old_owner_file_is_masked_in_the_snippet(
    ws: Workspace, ledger: Ledger, tmp_path: Path, run_cli: Any
) -> None:
    """A 1990s purchase contract holds the buyer's 15-digit first-generation ID number: the snippet showed it in
    full.  Now it is masked like the roster masks it (first 6, last 3); a 15-digit registration number without a
    birth date where one stands is left as written."""
    text = "商品房买卖合同 买受人：李建国 身份证号码：320102520817031 出卖人营业执照注册号：320100000045678"
    file_documents(ws, ledger, tmp_path / "扫描件", [("购房合同.docx", "业主档案", "3-2-1201", "购房合同", None, text)])
    assert run_cli("index").exit_code == 0
    result = run_cli("search", "李建国", "--json")
    assert result.exit_code == 0, result.output
    [hit] = json.loads(result.stdout)["hits"]
    assert "身份证号码：320102******031 出卖人营业执照注册号：320100000045678" in hit["snippet"]
    assert "320102520817031" not in result.stdout
    shown = json.loads(run_cli("search", "李建国", "--json", "--show-private").stdout)["hits"][0]
    assert "身份证号码：320102520817031" in shown["snippet"]


def test_a_number_searched_for_is_shown_masked_where_it_stands(
    ws: Workspace, ledger: Ledger, tmp_path: Path, run_cli: Any
) -> None:
    """A phone number searched for is found in the text as written: the snippet was cut around a match looked for
    in the masked text, where the number is no more, so it showed the opening of a long text without the number.
    Now it shows the number where it stands, masked, and marks it."""
    opening = "本表记录业主入住时登记的联系方式，" * 20  # 340 characters before the number
    text = opening + "联系电话：13912344321，如有变更请及时告知物业服务中心。"
    file_documents(
        ws, ledger, tmp_path / "扫描件", [("业主登记表.docx", "业主档案", "3-2-1201", "业主登记表", None, text)]
    )
    assert run_cli("index").exit_code == 0
    result = run_cli("search", "13912344321", "--json")
    assert result.exit_code == 0, result.output
    [hit] = json.loads(result.stdout)["hits"]
    assert "联系电话：139****4321，如有变更" in hit["snippet"]
    assert [hit["snippet"][start:end] for start, end in hit["highlights"]] == ["139****4321"]
    assert "13912344321" not in result.stdout.replace('"query": "13912344321"', "")


def test_search_flags(filed: Workspace, run_cli: Any) -> None:
    result = run_cli("search", "维修", "--category", "工程档案", "--json")
    assert [hit["archive_no"] for hit in json.loads(result.stdout)["hits"]] == ["GC-2024-00001"]
    result = run_cli("search", "张伟", "--unit", "3#2-1201", "--from", "2025", "--to", "2025-12", "--json")
    assert [hit["archive_no"] for hit in json.loads(result.stdout)["hits"]] == ["HT-2025-00001"]
    result = run_cli("search", "张伟 OR 李秀英", "--limit", "1")
    assert "找到 3 条，显示前 1 条" in result.stdout


def test_or_typed_in_lower_case_or_as_huo_is_or(filed: Workspace, run_cli: Any) -> None:
    """``search 装修 or 钢丝绳`` looked for the English word "or" and said 没有找到; ``or`` and ``或`` are OR."""
    for query in ("装修 or 钢丝绳", "装修 或 钢丝绳", "装修 OR 钢丝绳"):
        result = run_cli("search", query, "--json")
        assert result.exit_code == 0, (query, result.output)
        assert sorted(hit["archive_no"] for hit in json.loads(result.stdout)["hits"]) == [
            "GC-2024-00001",
            "HT-2025-00001",
        ], query


CATEGORIES = "业主档案、工程档案、合同协议档案、财务档案、未分类"


def test_a_category_the_office_does_not_have_is_named_not_answered_not_found(filed: Workspace, run_cli: Any) -> None:
    """A typo in the category (工程档按, category:财物) answered 「没有找到」 (exit 1), as if the archive held nothing of
    it; ``archive list`` showed 档案 0 件.  Each says the office has no such category and names its own (exit 2); a
    category written by its alias or prefix still finds its items."""
    said = f"错误：没有“工程档按”这个档案类别（本处的类别：{CATEGORIES}）：写全称、简称或前缀都可以，例如 业主档案\n"
    for args in (("search", "维修", "--category", "工程档按"), ("archive", "list", "--category", "工程档按")):
        result = run_cli(*args)
        assert (result.exit_code, result.stdout, result.stderr) == (2, "", said), args
    typed = run_cli("search", "收到 category:财物")
    assert typed.exit_code == 2 and "没有“财物”这个档案类别" in typed.stderr
    for category in ("工程", "GC"):
        found = run_cli("search", "维修", "--category", category, "--json")
        assert [hit["archive_no"] for hit in json.loads(found.stdout)["hits"]] == ["GC-2024-00001"]
    assert run_cli("search", "停车位", "--category", "工程档案").exit_code == 1  # a category there: not found


def test_a_unit_the_ledger_does_not_have_is_named_not_answered_not_found(filed: Workspace, run_cli: Any) -> None:
    """A typo in the unit (3-2-1210 for 3-2-1201) answered 「没有找到」 (exit 1), as if nothing of the unit were filed:
    it says the ledger has no such unit (exit 6), as ``archive list --unit`` does, for ``--unit`` and ``unit:`` alike.
    A unit the ledger has with nothing found is still 「没有找到」, and the unit's own items are still found."""
    said = "错误：台账中没有房屋 3-2-1210：请用 recordkit owners list 查看已有房号\n"
    for args in (("张伟", "--unit", "3-2-1210"), ("张伟 unit:3栋2单元1210室", "--json")):
        result = run_cli("search", *args)
        assert (result.exit_code, result.stdout, result.stderr) == (6, "", said), args
    there = run_cli("search", "张伟", "--unit", "3-2-1202")
    assert (there.exit_code, there.stdout.strip(), there.stderr) == (1, "没有找到包含“张伟”的档案", "")
    found = run_cli("search", "张伟", "--unit", "3-2-1201", "--json")
    assert [hit["archive_no"] for hit in json.loads(found.stdout)["hits"]] == ["HT-2025-00001"]


def test_an_owner_the_ledger_does_not_have_is_named_not_answered_not_found(filed: Workspace, run_cli: Any) -> None:
    """A typo in the owner (张伪 for 张伟) answered 「没有找到」 (exit 1), as if nothing of the owner were filed: when
    no owner's name in the ledger contains the text (read as the filter reads it: full-width, blanks), it says so
    (exit 6), for ``--owner`` and ``owner:`` alike.  A part of a name the ledger has is still 「没有找到」, and the
    owner's own items are still found."""
    said = "错误：台账中没有姓名包含“张伪”的业主：请用 recordkit owners list 查看业主\n"
    for args in (("产权", "--owner", "张伪"), ("产权 owner:张伪", "--json"), ("产权", "--owner", " 张 伪 ")):
        result = run_cli("search", *args)
        assert (result.exit_code, result.stdout, result.stderr) == (6, "", said), args
    part = run_cli("search", "产权", "--owner", "秀英")
    assert (part.exit_code, part.stdout.strip(), part.stderr) == (1, "没有找到包含“产权”的档案", "")
    found = run_cli("search", "产权", "--owner", "张 伟", "--json")
    assert [hit["archive_no"] for hit in json.loads(found.stdout)["hits"]] == ["YZ-2020-00001"]


def test_an_owner_a_re_import_renamed_away_is_no_owner_to_search(
    filed: Workspace, ledger: Ledger, run_cli: Any
) -> None:
    """An owner without an ID number renamed by a re-import (钱九 corrected to 钱八: name and phone are who they are)
    is a new owner record; the old one stayed in the owners table holding no unit, and ``search --owner 钱九`` found
    nothing (exit 1) instead of saying the ledger has no such owner.  It says so now (exit 6); the old record, left holding nothing, is deleted by
    the import (the journal names it, owner.delete), and the renamed owner is still an owner."""
    rows = [list(row) for row in SAMPLE_ROWS]
    rows[3][4:6] = ["钱九", "13500001111"]
    assert run_cli("owners", "import", str(write_sheet(filed.root / "名册.xlsx", rows))).exit_code == 0
    rows[3][4] = "钱八"
    renamed = run_cli("owners", "import", str(write_sheet(filed.root / "改名.xlsx", rows)))
    assert renamed.exit_code == 0, renamed.output
    with ledger.read() as conn:
        assert conn.execute(sa.text("SELECT COUNT(*) FROM owners WHERE name = '钱九'")).scalar() == 0
        assert conn.execute(sa.text("SELECT COUNT(*) FROM journal WHERE action = 'owner.delete'")).scalar() == 1
    for typed in ("钱九", "九"):
        result = run_cli("search", "产权", "--owner", typed)
        said = f"错误：台账中没有姓名包含“{typed}”的业主：请用 recordkit owners list 查看业主\n"
        assert (result.exit_code, result.stdout, result.stderr) == (6, "", said), typed
    held = run_cli("search", "产权", "--owner", "钱八")
    assert (held.exit_code, held.stdout.strip(), held.stderr) == (1, "没有找到包含“产权”的档案", "")


def test_a_co_owner_finds_the_items_of_the_unit_they_own(filed: Workspace, run_cli: Any) -> None:
    """A flat held by two (the roster's cell 张伟、王芳): ``owners list`` names both, but the index kept the first
    owner alone, so ``search --owner 王芳`` found nothing.  Once the co-owner is imported, the nightly run updates
    the unit's items; the co-owner's name finds them as a filter and as a word, and the hit names both owners."""
    rows = [list(row) for row in SAMPLE_ROWS]
    rows[0][4] = "张伟、王芳"
    imported = run_cli("owners", "import", str(write_sheet(filed.root / "共有.xlsx", rows)))
    assert imported.exit_code == 0, imported.output
    nightly = run_cli("index")
    assert nightly.exit_code == 0, nightly.output
    assert nightly.stdout.startswith("索引更新：新增 0 件，更新 1 件，删除 0 件，失败 0 件，"), nightly.stdout
    for args in (("产权", "--owner", "王芳"), ("产权 owner:王芳",), ("王芳",)):
        result = run_cli("search", *args, "--json")
        assert result.exit_code == 0, (args, result.output)
        hits = json.loads(result.stdout)["hits"]
        assert [(hit["archive_no"], hit["owner"]) for hit in hits] == [("YZ-2020-00001", "张伟、王芳")], args


def test_an_archive_number_copied_off_a_box_label_finds_its_item(filed: Workspace, run_cli: Any) -> None:
    """A 档号 as the box label or a clerk says it (gc-2024-1, GC2024-001, full-width), which ``archive show`` takes
    for GC-2024-00001, answered 「没有找到」 (exit 1): it finds the item, excluded as ``-gc-2024-1`` too.  A number of
    no configured category (a receipt's SJ2024-1) is searched as written, as before."""
    for typed in ("gc-2024-1", "GC2024-001", "ＧＣ－２０２４－１", "维修 gc-2024-1"):
        result = run_cli("search", typed, "--json")
        assert result.exit_code == 0, (typed, result.output)
        assert [hit["archive_no"] for hit in json.loads(result.stdout)["hits"]] == ["GC-2024-00001"], typed
    widest = {hit["archive_no"] for hit in json.loads(run_cli("search", "维修 OR 张伟", "--json").stdout)["hits"]}
    assert "GC-2024-00001" in widest
    narrowed = json.loads(run_cli("search", "维修 OR 张伟 -gc-2024-1", "--json").stdout)["hits"]
    assert {hit["archive_no"] for hit in narrowed} == widest - {"GC-2024-00001"}
    assert run_cli("search", "SJ2024-1").exit_code == 1


def test_filters_alone_that_find_nothing_say_so_not_the_filters_as_words(filed: Workspace, run_cli: Any) -> None:
    """张伟's flat has no 工程档案: ``search "owner:张伟 category:工程档案"`` said 没有找到包含“owner:张伟 category:工程档案”
    的档案 and ``search "" --owner 张伟 --category 工程档案`` 没有找到包含“”的档案, as if the filters were words."""
    for args in (("owner:张伟 category:工程档案",), ("", "--owner", "张伟", "--category", "工程档案")):
        result = run_cli("search", *args)
        assert (result.exit_code, result.stdout, result.stderr) == (1, "没有符合筛选条件的档案\n", ""), args
    words = run_cli("search", "owner:张伟 锅炉")
    assert (words.exit_code, words.stdout) == (1, "没有找到包含“owner:张伟 锅炉”的档案\n")


def test_no_hit_is_exit_1_without_an_error(filed: Workspace, run_cli: Any) -> None:
    result = run_cli("search", "停车位")
    assert result.exit_code == 1
    assert result.stdout.strip() == "没有找到包含“停车位”的档案"
    assert result.stderr == ""
    result = run_cli("search", "停车位", "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == {
        "total": 0,
        "total_exact": True,
        "ocr_pending": 0,
        "index_warning": None,
        "hits": [],
    }


@pytest.mark.parametrize(
    ("args", "code", "line"),
    [
        (("search", "date:2024-13"), 2, "错误：月份“2024-13”无效：月份应为 1 至 12"),
        (("search", "梯维", "--limit", "0"), 2, "错误：--limit 至少为 1"),
        (("search", "梯维", "--sort", "热度"), 2, "错误：排序“热度”无法识别，应为 相关度、日期、档号 之一"),
        (
            ("search", "梯维", "--unit", "十二楼"),
            2,
            "错误：房号“十二楼”无法识别，应写成 楼栋-单元-房号，例如 unit:3-2-1201",
        ),
    ],
)
def test_bad_search_is_one_chinese_line(
    filed: Workspace, run_cli: Any, args: tuple[str, ...], code: int, line: str
) -> None:
    result = run_cli(*args)
    assert (result.exit_code, result.stderr.strip()) == (code, line)


def test_a_date_range_typed_the_wrong_way_round_is_refused_not_answered_not_found(
    filed: Workspace, run_cli: Any
) -> None:
    """``--from 2024-12 --to 2024-01`` (the two swapped) answered 「没有找到」 (exit 1), as if nothing of 2024 were
    filed; the same range the right way round finds GC-2024-00001 (2024-05-20).  It says the range ends before it
    begins (exit 2), for the options and for ``date:`` alike; a day and its own month still overlap."""
    said = (
        "错误：日期范围的开始 2024-12-01 晚于结束 2024-01-31：请检查 --from 和 --to（或 date:开始..结束），"
        "开始的日期应在前\n"
    )
    for args in (("梯维", "--from", "2024-12", "--to", "2024-01"), ("梯维 date:2024-12..2024-01",)):
        result = run_cli("search", *args)
        assert (result.exit_code, result.stdout, result.stderr) == (2, "", said), args
    for args in (("--from", "2024-01", "--to", "2024-12"), ("--from", "2024-05-20", "--to", "2024-05")):
        found = run_cli("search", "梯维", *args, "--json")
        assert [hit["archive_no"] for hit in json.loads(found.stdout)["hits"]] == ["GC-2024-00001"], args


def _passage(length: int) -> str:
    """A pasted passage: ``length`` different CJK characters in one run (no blank), none of them in the documents'
    words (from U+5000 on)."""
    return "".join(chr(0x5000 + number % 4000) for number in range(length))


@pytest.mark.parametrize(
    ("args", "line"),
    [
        # PostgreSQL's LIMIT overflowed from ~2^61 on: "索引无法读取，请运行 recordkit index --rebuild" (exit 9)
        (
            ("search", "电梯", "--limit", "9223372036854775807"),
            "错误：--limit 最多为 10000：要看更多的结果，请加上类别、房号或日期等筛选条件分几次检索",
        ),
        (
            ("search", "电梯", "--limit", "10001"),
            "错误：--limit 最多为 10000：要看更多的结果，请加上类别、房号或日期等筛选条件分几次检索",
        ),
        # a phrase of thousands of <->: "stack depth limit exceeded … 请稍后再试" on PostgreSQL (from 3,640 characters)
        (("search", _passage(3700)), "错误：检索词太长（3700 个字，最多 500 个字）：请摘取其中几个词检索"),
        (("search", "电梯 " + _passage(498)), "错误：检索词太长（501 个字，最多 500 个字）：请摘取其中几个词检索"),
    ],
    ids=["limit 2**63-1", "limit 10001", "passage of 3700", "query of 501"],
)
def test_too_big_a_search_is_refused_alike_on_both_backends(
    filed: Workspace, run_cli: Any, args: tuple[str, ...], line: str
) -> None:
    result = run_cli(*args)
    assert (result.exit_code, result.stderr.strip()) == (2, line)


def test_the_biggest_search_allowed_is_answered(filed: Workspace, run_cli: Any) -> None:
    """At the bounds: 10,000 results asked for, a query of 500 characters (a run of different CJK characters, its
    phrase 500 tokens long); both answered as any other search."""
    assert json.loads(run_cli("search", "维修", "--limit", "10000", "--json").stdout)["total"] == 2
    passage = run_cli("search", _passage(500))
    assert (passage.exit_code, passage.stdout.strip()) == (1, f"没有找到包含“{_passage(500)}”的档案")
    assert passage.stderr == ""
    assert run_cli("search", "电梯 " + _passage(497), "--json").exit_code == 1


def test_search_before_any_index(ws: Workspace, run_cli: Any) -> None:
    result = run_cli("search", "梯维")
    assert (result.exit_code, result.stderr.strip()) == (6, "错误：检索索引还没有建立：请先运行 recordkit index")


@pytest.mark.parametrize(
    ("address", "said"),
    [
        ("pgsql://rk@192.168.1.10/rk", "错误：不支持的数据库 pgsql：请使用 SQLite（留空）或 PostgreSQL 地址"),
        ("PostgreSQL://rk@192.168.1.10/rk", "错误：不支持的数据库 PostgreSQL：请使用 SQLite（留空）或 PostgreSQL 地址"),
    ],
)
def test_search_with_an_address_no_ledger_takes_says_so(
    workspace: Workspace, run_cli: Any, address: str, said: str
) -> None:
    """A clerk's PC whose [database] url is mistyped: every command said the address was wrong but search, the
    first one a clerk runs there, which took the index for a SQLite file and said "检索索引还没有建立：请先运行
    recordkit index" (exit 6)."""
    result = run_cli("search", "梯维", env={"RECORDKIT_DATABASE_URL": address})
    assert (result.exit_code, result.stderr.strip()) == (3, said)
    listed = run_cli("owners", "list", env={"RECORDKIT_DATABASE_URL": address})
    assert (listed.exit_code, listed.stderr.strip()) == (3, said)  # as every command says it


def test_index_verify_table_json_and_exit_code(filed: Workspace, ledger: Ledger, run_cli: Any) -> None:
    from recordkit.archive.archivist import update_item

    result = run_cli("index", "--verify")
    assert (result.exit_code, result.stdout.strip()) == (0, "索引完好：共 5 件档案，全部已索引且是最新的")
    update_item(filed, ledger, "YZ-2020-00001", "档案员", title="产权证明（复核）")
    result = run_cli("index", "--verify")
    assert result.exit_code == 9
    assert "YZ-2020-00001 │ 过期" in result.stdout
    assert result.stderr.strip() == "错误：索引缺失 0 件、过期 1 件、待 OCR 0 件、多余 0 件：请运行 recordkit index"
    data = json.loads(run_cli("index", "--verify", "--json").stdout)
    assert (data["missing"], data["stale"], data["ocr_pending"], data["orphaned"], data["ok"]) == (
        [],
        ["YZ-2020-00001"],
        [],
        [],
        False,
    )
    result = run_cli("index", "--json")
    assert json.loads(result.stdout)["updated"] == 1
    log = (filed.records_subdir("logs") / "index.log").read_text(encoding="utf-8")
    assert "索引更新：新增 0 件，更新 1 件，删除 0 件，失败 0 件，耗时" in log


def test_verify_with_a_rebuild_or_a_move_is_refused_and_changes_nothing(
    filed: Workspace, ledger: Ledger, run_cli: Any
) -> None:
    """``--verify`` only checks.  With ``--to`` the index was moved and recordkit.toml rewritten, the check never
    made; with ``--rebuild`` the rebuild asked for was silently not done."""
    settings = (filed.root / "recordkit.toml").read_text(encoding="utf-8")
    for extra in (("--to", "sqlite"), ("--rebuild",)):
        result = run_cli("index", "--verify", *extra)
        assert (result.exit_code, result.stdout, result.stderr) == (
            2,
            "",
            "错误：--verify 只检查索引、不改动它，不能与 --rebuild 或 --to 同时使用：请分两次运行\n",
        )
    assert (filed.root / "recordkit.toml").read_text(encoding="utf-8") == settings
    assert "索引完好" in run_cli("index", "--verify").stdout


def test_index_exits_1_when_an_item_failed(
    filed: Workspace, ledger: Ledger, run_cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import datetime as dt

    from recordkit.archive import extract

    def crash(*_: object) -> None:
        raise MemoryError("a hostile file")

    monkeypatch.setattr(extract, "_read", crash)
    file_documents(
        filed,
        ledger,
        tmp_path / "新扫描件",
        [("水箱.docx", "工程档案", None, "水箱清洗记录", dt.date(2024, 7, 1), "二次供水水箱清洗。")],
    )
    result = run_cli("index")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "索引失败 GC-2024-00002：读取文字时出错（MemoryError）：只按档案信息检索，请检查该文件（已按题名等信息索引）",
        "错误：1 件档案的文字没有索引成功：请检查上面列出的文件",
    ]
    assert "新增 1 件" in result.stdout and "失败 1 件" in result.stdout
    assert json.loads(run_cli("search", "水箱清洗记录", "--json").stdout)["hits"][0]["archive_no"] == "GC-2024-00002"


def test_index_to_another_backend_exits_1_when_an_item_failed(
    filed: Workspace, ledger: Ledger, run_cli: Any, tmp_path: Path
) -> None:
    """``index --to`` rebuilds the whole index: an item that failed there is listed and exits 1 as the nightly
    run does (it exited 0, saying only "失败 1 件" in its summary)."""
    from recordkit.archive.archivist import list_items

    item = next(item for item in list_items(ledger) if item.archive_no == "GC-2024-00001")
    (filed.root / item.path).unlink()  # a filed file deleted by hand
    target = "postgresql" if ledger.dialect == "postgresql" else "sqlite"
    result = run_cli("index", "--to", target)
    assert result.exit_code == 1
    # the index it rebuilds held the item's text: kept (an index built anew, elsewhere, has only the metadata)
    assert result.stderr.splitlines() == [
        f"索引失败 GC-2024-00001：档案文件 {item.path} 不见了：请运行 recordkit archive verify"
        "（索引里保留了上次读出的正文）",
        "错误：1 件档案的文字没有索引成功：请检查上面列出的文件",
    ]
    assert result.stdout.startswith("重建索引：新增 5 件，更新 0 件，删除 0 件，失败 1 件，")
    assert f'已在 recordkit.toml 的 [search] 中写入 backend = "{target}"' in result.stdout
    assert json.loads(run_cli("search", "电梯维修记录", "--json").stdout)["hits"][0]["archive_no"] == "GC-2024-00001"
    assert json.loads(run_cli("search", "曳引钢丝绳", "--json").stdout)["hits"][0]["archive_no"] == "GC-2024-00001"
    assert json.loads(run_cli("index", "--rebuild", "--json").stdout)["kept_text"] == ["GC-2024-00001"]


@pytest.mark.parametrize("parallel", [False, True], ids=["one-process", "workers"])
def test_a_rebuild_reads_the_kept_texts_a_chunk_at_a_time(
    filed: Workspace, ledger: Ledger, run_cli: Any, monkeypatch: pytest.MonkeyPatch, parallel: bool
) -> None:
    """The text the index keeps for items whose file is not on this computer was read for all of them at once
    before the build: ``index --rebuild`` on a PC holding a few of a million items' files held every text of the
    shared index in memory (gigabytes).  It is read a chunk of items at a time now (two items a chunk here), and
    every one of them is still found by its text."""
    from recordkit.archive.archivist import list_items
    from recordkit.search import indexer
    from recordkit.search.backends.postgresql import PostgresIndex
    from recordkit.search.backends.sqlite import SqliteIndex

    asked: list[list[str]] = []
    for backend in (PostgresIndex, SqliteIndex):
        read = backend.texts
        monkeypatch.setattr(
            backend, "texts", lambda index, numbers, read=read: read(index, asked.append(list(numbers)) or asked[-1])
        )
    monkeypatch.setattr(indexer, "CHUNK", 2)
    if parallel:
        monkeypatch.setattr(indexer, "PARALLEL_FROM", 1)
    for item in list_items(ledger):
        if item.archive_no != "CW-2024-00001":
            (filed.root / item.path).unlink()  # gone from this computer
    result = run_cli("index", "--rebuild", "--json")
    assert result.exit_code == 1
    assert sorted(json.loads(result.stdout)["kept_text"]) == [
        "GC-2023-00001",
        "GC-2024-00001",
        "HT-2025-00001",
        "YZ-2020-00001",
    ]
    assert sorted(number for numbers in asked for number in numbers) == [
        "GC-2023-00001",
        "GC-2024-00001",
        "HT-2025-00001",
        "YZ-2020-00001",
    ]
    assert max(len(numbers) for numbers in asked) <= 2
    for words, number in (
        ("曳引钢丝绳", "GC-2024-00001"),
        ("消防水泵房", "GC-2023-00001"),
        ("建筑面积", "YZ-2020-00001"),
    ):
        hits = json.loads(run_cli("search", words, "--json").stdout)["hits"]
        assert [hit["archive_no"] for hit in hits] == [number]


def test_index_on_a_clerks_pc_without_the_archive_is_refused(filed: Workspace, run_cli: Any, tmp_path: Path) -> None:
    """A clerk's PC shares the ledger (and a PostgreSQL ledger's index) but not records/archive, which stays on
    the server: ``recordkit index`` there indexed every item by its metadata alone ("不见了"), taking every text
    out of the shared index, and ``index --verify`` called every item stale and sent the clerk to run it.  Both
    are refused there now (exit 4), nothing written: the server's index still finds what the texts hold."""
    from recordkit.core.workspace import init_workspace

    pc = init_workspace(tmp_path / "文员电脑", office="测试物业服务中心", estate="测试小区")
    config = pc / "recordkit.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace('url = ""', f'url = "{filed.database_url}"', 1), encoding="utf-8"
    )
    at_pc = {"RECORDKIT_HOME": str(pc)}
    if filed.settings.database.url.startswith("postgresql"):  # the PC searches the server's index (SQLite: its own)
        assert json.loads(run_cli("search", "曳引钢丝绳", "--json", env=at_pc).stdout)["total"] == 1
    for args, command, here in [
        (("index",), "recordkit index", "在这里更新会把各件档案的正文从检索索引里去掉，什么也没有改动"),
        (("index", "--rebuild"), "recordkit index", "在这里更新会把各件档案的正文从检索索引里去掉，什么也没有改动"),
        (("index", "--verify"), "recordkit index --verify", "在这里核对，每件都会显示为过期"),
    ]:
        result = run_cli(*args, env=at_pc)
        assert result.exit_code == 4, result.output
        assert result.stderr == (
            "错误：这台电脑上找不到档案文件：台账里的 5 件档案，records/archive 里一件也没有。"
            f"请在存放档案的电脑（一般是办公室服务器）上运行 {command}（{here}；这台电脑照常检索）。"
            "如果这台就是存放档案的电脑，请检查 records/archive 所在的磁盘是否接好\n"
        )
    hits = json.loads(run_cli("search", "曳引钢丝绳", "--json").stdout)["hits"]
    assert [hit["archive_no"] for hit in hits] == ["GC-2024-00001"]
    assert run_cli("index", "--verify").exit_code == 0


def test_sort_option_and_json_scores_in_ranking_order(filed: Workspace, run_cli: Any) -> None:
    ranked = json.loads(run_cli("search", "维修", "--json").stdout)["hits"]
    scores = [hit["score"] for hit in ranked]
    assert scores == sorted(scores, reverse=True) and scores[-1] > 0
    by_date = json.loads(run_cli("search", "维修", "--sort", "日期", "--json").stdout)["hits"]
    assert [hit["date"] for hit in by_date] == ["2024-12-31", "2024-05-20"]
    if filed.settings.database.url.startswith("postgresql"):  # the README: a sorted search is not scored there
        assert [hit["score"] for hit in by_date] == [0, 0]
    by_number = json.loads(run_cli("search", "维修", "--sort", "档号", "--json").stdout)["hits"]
    assert [hit["archive_no"] for hit in by_number] == ["CW-2024-00001", "GC-2024-00001"]


def test_search_says_when_scans_wait_for_ocr(filed: Workspace, ledger: Ledger, run_cli: Any, tmp_path: Path) -> None:
    from PIL import Image

    scan = tmp_path / "电梯维保记录_2024年5月.png"
    Image.new("L", (64, 64), 255).save(scan)
    assert run_cli("file", str(scan)).exit_code == 0  # indexed at once by its metadata; OCR waits for the night
    result = run_cli("search", "维保记录")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == "另有 1 件扫描件尚未识别文字：recordkit index"
    none = run_cli("search", "停车位")
    assert (none.exit_code, none.stdout.splitlines()) == (
        1,
        ["没有找到包含“停车位”的档案", "另有 1 件扫描件尚未识别文字：recordkit index"],
    )
    assert json.loads(run_cli("search", "停车位", "--json").stdout) == {
        "total": 0,
        "total_exact": True,
        "ocr_pending": 1,
        "index_warning": None,
        "hits": [],
    }
    # --verify names it for what it is: waiting for the night's OCR, not changed since it was indexed ("过期")
    checked = run_cli("index", "--verify")
    assert checked.exit_code == 9
    [number] = [line.split("│")[1].strip() for line in checked.stdout.splitlines() if "待 OCR" in line]
    assert number.startswith("GC-") and "过期" not in checked.stdout
    assert checked.stderr.strip() == "错误：索引缺失 0 件、过期 0 件、待 OCR 1 件、多余 0 件：请运行 recordkit index"
    assert json.loads(run_cli("index", "--verify", "--json").stdout)["ocr_pending"] == [number]


def test_archive_update_is_searchable_at_once(filed: Workspace, ledger: Ledger, run_cli: Any) -> None:
    assert run_cli("search", "房产证").exit_code == 1
    result = run_cli("archive", "update", "YZ-2020-00001", "--title", "房产证复印件", "--unit", "3-2-1201")
    assert result.exit_code == 0, result.output
    found = json.loads(run_cli("search", "房产证", "--json").stdout)["hits"]  # no recordkit index in between
    assert [(hit["archive_no"], hit["title"], hit["unit"]) for hit in found] == [
        ("YZ-2020-00001", "房产证复印件", "3-2-1201")
    ]
    assert json.loads(run_cli("search", "unit:1-1-101", "--json").stdout)["hits"] == []
    assert run_cli("index", "--verify").exit_code == 0


def test_the_readme_ranking_and_sorts(ws: Workspace, ledger: Ledger, tmp_path: Path, run_cli: Any) -> None:
    from tests.search_helpers import README_DOCUMENTS, write_docx

    for name, text in README_DOCUMENTS:
        path = write_docx(tmp_path / "文书" / name, text)
        flags = ("--category", "工程档案") if name.startswith("电梯") else ()
        assert run_cli("file", str(path), *flags).exit_code == 0

    def order(*args: str) -> list[str]:
        return [hit["archive_no"] for hit in json.loads(run_cli("search", "电梯", "--json", *args).stdout)["hits"]]

    # 电梯 in the title (and twice in the text) before 电梯 once in the text of a newer monthly report.
    assert order() == ["GC-2024-00001", "WF-2024-00001"]
    assert order("--sort", "日期") == ["WF-2024-00001", "GC-2024-00001"]
    assert order("--sort", "档号") == ["GC-2024-00001", "WF-2024-00001"]


def _clerks_pc(filed: Workspace, tmp_path: Path) -> dict[str, str]:
    """A clerk's PC: its own workspace on the server's ledger, without the server's records/archive."""
    from recordkit.core.workspace import init_workspace

    pc = init_workspace(tmp_path / "文员电脑", office="测试物业服务中心", estate="测试小区")
    config = pc / "recordkit.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace('url = ""', f'url = "{filed.database_url}"', 1), encoding="utf-8"
    )
    return {"RECORDKIT_HOME": str(pc)}


def test_the_quarantine_and_the_ocr_review_on_a_clerks_pc_are_refused(
    filed: Workspace, run_cli: Any, tmp_path: Path
) -> None:
    """On a PC sharing the PostgreSQL ledger, ``archive review --quarantine`` said 「隔离区没有文件」 (exit 0) and
    ``--ocr`` 「没有识别置信度低于 0.85 的页」 of the server's quarantine and texts, which it does not hold.  Both are
    refused there (exit 4), as verify is; the list of items waiting for review, read from the ledger, is shown."""
    if not filed.settings.database.url.startswith("postgresql"):
        pytest.skip("a PC shares the server's ledger only on PostgreSQL")
    at_pc = _clerks_pc(filed, tmp_path)
    for flag in ("--quarantine", "--ocr"):
        result = run_cli("archive", "review", flag, env=at_pc)
        assert (result.exit_code, result.stdout) == (4, ""), result.output
        assert result.stderr == (
            "错误：这台电脑上找不到档案文件：台账里的 5 件档案，records/archive 里一件也没有。"
            f"请在存放档案的电脑（一般是办公室服务器）上运行 recordkit archive review {flag}"
            "（在这里看，隔离区总是空的、识别结果一页也没有：没能归档的文件和识别出的文字都在服务器上；这台电脑照常检索）。"
            "如果这台就是存放档案的电脑，请检查 records/archive 所在的磁盘是否接好\n"
        )
    assert run_cli("archive", "review", env=at_pc).exit_code == 0
    assert run_cli("archive", "review", "--quarantine").stdout == "隔离区没有文件\n"  # at the server


def test_a_correction_on_a_clerks_pc_without_the_items_file_is_refused(
    filed: Workspace, run_cli: Any, tmp_path: Path
) -> None:
    """The item's file and sidecar are on the server: corrected on a PC sharing the PostgreSQL ledger, the new
    title went into the ledger and a stray sidecar on the PC, the server's sidecar kept the old one (so that
    ``archive verify`` on the server called them different and ``--repair`` would put the old title back), the
    shared index lost the item's text, and a new category stopped with an internal error (exit 70)."""
    if not filed.settings.database.url.startswith("postgresql"):
        pytest.skip("a PC shares the server's ledger only on PostgreSQL")
    at_pc = _clerks_pc(filed, tmp_path)
    path = "records/archive/工程档案/2024/GC-2024-00001_3号楼电梯维修记录.docx"
    for change in (("--title", "电梯曳引机维修记录"), ("--category", "业主档案"), ("--box", "A-01")):
        result = run_cli("archive", "update", "GC-2024-00001", *change, env=at_pc)
        assert result.exit_code == 4, result.output
        assert result.stderr == (
            f"错误：GC-2024-00001 的档案文件 {path} 不在这台电脑上，什么也没有改动：改正要同时改文件旁的说明文件，"
            "请在存放档案的电脑（一般是办公室服务器）上改，或打开服务器上的档案网页改。"
            "如果这台就是存放档案的电脑，请先运行 recordkit archive verify 查找这个文件\n"
        )
    assert not list((Path(at_pc["RECORDKIT_HOME"]) / "records" / "archive").rglob("*.json"))
    for env in (at_pc, {}):
        hits = json.loads(run_cli("search", "曳引钢丝绳", "--json", env=env).stdout)["hits"]
        assert [(hit["archive_no"], hit["title"]) for hit in hits] == [("GC-2024-00001", "3号楼电梯维修记录")]
    assert run_cli("archive", "verify").exit_code == 0
    assert (
        run_cli("archive", "update", "GC-2024-00001", "--title", "电梯曳引机维修记录").exit_code == 0
    )  # at the server


def test_archive_verify_on_a_clerks_pc_without_the_archive_is_refused(
    filed: Workspace, run_cli: Any, tmp_path: Path
) -> None:
    """Run on a PC sharing the ledger (the archive on the server), ``archive verify`` called every file 不见了 and
    told the clerk to scan every paper original again; refused there now as the index's check is (exit 4)."""
    at_pc = _clerks_pc(filed, tmp_path)
    for args in (("archive", "verify"), ("archive", "verify", "--repair")):
        result = run_cli(*args, env=at_pc)
        assert result.exit_code == 4, result.output
        assert result.stderr == (
            "错误：这台电脑上找不到档案文件：台账里的 5 件档案，records/archive 里一件也没有。"
            f"请在存放档案的电脑（一般是办公室服务器）上运行 recordkit {' '.join(args)}"
            "（在这里核对，每件都会显示为“不见了”，要求重新扫描；这台电脑照常检索）。"
            "如果这台就是存放档案的电脑，请检查 records/archive 所在的磁盘是否接好\n"
        )
    assert run_cli("archive", "verify").exit_code == 0  # at the server


def test_archive_verify_on_a_pc_holding_a_few_copies_says_where_to_run_it_not_to_rescan(
    filed: Workspace, ledger: Ledger, run_cli: Any, tmp_path: Path
) -> None:
    """A clerk's PC holding copies of two of the five archived files: ``archive verify`` there called the other
    three 不见了 and sent the clerk to scan their paper originals again.  When most are missing it now says they are
    not on this computer and where to run the check; a server missing a few keeps the advice to rescan."""
    from recordkit.archive.archivist import list_items

    at_pc = _clerks_pc(filed, tmp_path)
    items = list_items(ledger)
    assert len(items) == 5
    for item in items[:2]:  # copied onto the PC by hand
        for suffix in ("", ".json"):
            copy = Path(at_pc["RECORDKIT_HOME"]) / (item.path + suffix)
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(filed.root / (item.path + suffix), copy)
    result = run_cli("archive", "verify", env=at_pc)
    assert result.exit_code == 9, result.output
    assert result.stderr == "".join(
        f"问题：{item.archive_no}：台账有记录，但文件 {item.path} 在这台电脑上找不到\n" for item in items[2:]
    ) + (
        "错误：档案检查发现 3 处问题（共检查 5 件），其中 3 件档案的文件在这台电脑上找不到："
        "如果档案存放在另一台电脑（一般是办公室服务器）上，请在那台电脑上运行 recordkit archive verify\n"
    )
    for item in items[3:]:  # the server itself lost two files: rescanning is the advice there
        (filed.root / item.path).unlink()
    result = run_cli("archive", "verify")
    assert result.exit_code == 9, result.output
    assert result.stderr == "".join(
        f"问题：{item.archive_no}：台账有记录，但文件 {item.path} 不见了（请从纸质原件重新扫描归档）\n"
        for item in items[3:]
    ) + ("错误：档案检查发现 2 处问题（共检查 5 件）\n")


def test_the_web_page_on_a_clerks_pc_says_the_files_are_on_the_server(
    filed: Workspace, ledger: Ledger, tmp_path: Path
) -> None:
    """``recordkit serve`` on a clerk's PC (the archive on the server): the item page showed pages whose images
    failed with 500, and the images, the original's download and a correction all asked the administrator to check
    the server's files, which are sound.  They now say the files are on the server and its page is where to open
    them; a server that lost one file keeps asking to check it."""
    from recordkit.archive.archivist import Archivist, list_items
    from recordkit.archive.rules import Metadata
    from recordkit.core.workspace import open_workspace
    from recordkit.demo.scans import write_scan
    from recordkit.web.app import create_app
    from tests.web_helpers import Browser, text_of

    scan = write_scan(tmp_path / "产权证明.pdf", 1)
    assert Archivist(filed, ledger, "档案员").file(scan, Metadata(category="业主档案", unit="1-1-101")).item
    pdf = next(item for item in list_items(ledger) if item.path.endswith(".pdf"))
    docx = next(item for item in list_items(ledger) if item.path.endswith(".docx"))
    at_pc = open_workspace(Path(_clerks_pc(filed, tmp_path)["RECORDKIT_HOME"]), environ={})
    on_the_server = " 的原件存放在服务器上：请打开服务器上的档案网页查看。如果这就是服务器上的档案网页，请管理员检查存放档案的磁盘是否接好"
    with open_ledger(at_pc.database_url) as pc_ledger:
        browser = Browser(create_app(at_pc, accounts_required=False, ledger=pc_ledger))
        for item in (pdf, docx):
            page = browser.get(f"/item/{item.archive_no}")
            assert page.status_code == 200
            assert f"这台电脑上没有档案文件，{item.archive_no}{on_the_server}" in text_of(page)
            assert "第 1 页" not in text_of(page) and "没有页面图像" not in text_of(page)
            download = browser.get(f"/item/{item.archive_no}/original")
            assert download.status_code == 404
            assert f"这台电脑上没有档案文件，{item.archive_no}{on_the_server}" in text_of(download)
        image = browser.get(f"/item/{pdf.archive_no}/page/1?w=800")
        assert image.status_code == 404
        assert f"这台电脑上没有档案文件，{pdf.archive_no}{on_the_server}" in text_of(image)
        browser.get(f"/item/{docx.archive_no}")
        form = {"was_category": docx.category, "was_unit": docx.unit or "", "was_title": docx.title}
        form |= {"was_date": docx.doc_date.isoformat() if docx.doc_date else "", "category": docx.category}
        form |= {"unit": docx.unit or "", "title": "改过的题名", "date": form["was_date"]}
        refused = browser.post(f"/item/{docx.archive_no}/update", form)
        assert refused.status_code == 409  # (a server error page, 500, before)
        assert (
            f"这台电脑上没有档案文件，{docx.archive_no} 的原件存放在服务器上，没有改动：请打开服务器上的档案网页改正。"
            "如果这就是服务器上的档案网页，请管理员检查存放档案的磁盘是否接好"
        ) in text_of(refused)
    assert [item.title for item in list_items(ledger) if item.archive_no == docx.archive_no] == [docx.title]
    (filed.root / pdf.path).unlink()  # on the server, one file lost: its files are what to check
    server = Browser(create_app(filed, accounts_required=False, ledger=ledger))
    lost = server.get(f"/item/{pdf.archive_no}/original")
    assert lost.status_code == 404
    assert f"{pdf.archive_no} 的文件不在档案库中：请管理员在服务器上检查档案文件" in text_of(lost)
    page = server.get(f"/item/{pdf.archive_no}")
    assert f"{pdf.archive_no} 的文件不在档案库中：请管理员在服务器上检查档案文件" in text_of(page)


def test_filing_on_a_clerks_pc_without_the_archive_is_refused(filed: Workspace, run_cli: Any, tmp_path: Path) -> None:
    """A scan filed on a PC sharing the ledger stayed on the PC: numbered in the shared ledger, its file where
    the server's web page, ``archive verify`` (which called it 不见了) and nightly index could not find it."""
    from docx import Document

    at_pc = _clerks_pc(filed, tmp_path)
    scan = tmp_path / "前台扫描" / "水泵房巡检记录.docx"
    scan.parent.mkdir()
    document = Document()
    document.add_paragraph("二次供水泵房巡检记录")
    document.save(scan)
    for args in (("file", str(scan), "--category", "工程档案"), ("watch", "--once")):
        result = run_cli(*args, env=at_pc)
        assert result.exit_code == 4, result.output
        assert result.stderr == (
            "错误：这台电脑上找不到档案文件：台账里的 5 件档案，records/archive 里一件也没有。"
            "请在存放档案的电脑（一般是办公室服务器）上运行 recordkit file 或归档服务（在这里归档，文件会留在这台电脑上，"
            "档案网页、档案检查和夜间索引都找不到它；扫描件请放进服务器的收件箱 records/inbox；这台电脑照常检索）。"
            "如果这台就是存放档案的电脑，请检查 records/archive 所在的磁盘是否接好\n"
        )
    assert scan.exists()
    assert not [
        path
        for path in (Path(at_pc["RECORDKIT_HOME"]) / "records").rglob("*")
        if path.is_file() and path.suffix != ".log"
    ]
    assert len(json.loads(run_cli("archive", "list", "--json").stdout)) == 5
    assert run_cli("file", str(scan), "--category", "工程档案").exit_code == 0  # at the server


def test_the_nightly_run_on_a_pc_holding_a_few_archive_files_keeps_the_others_texts(
    filed: Workspace, ledger: Ledger, run_cli: Any, tmp_path: Path
) -> None:
    """A PC with one of the archive's files (copied there to print it) is not refused as one with none is, and
    its ``recordkit index`` rewrote every other item by its metadata alone in the shared index."""
    if not filed.settings.database.url.startswith("postgresql"):
        pytest.skip("a PC writes the server's index only on a PostgreSQL ledger")
    from recordkit.archive.archivist import list_items

    at_pc = _clerks_pc(filed, tmp_path)
    copied = next(item for item in list_items(ledger) if item.archive_no == "CW-2024-00001")
    (Path(at_pc["RECORDKIT_HOME"]) / copied.path).parent.mkdir(parents=True)
    shutil.copy2(filed.root / copied.path, Path(at_pc["RECORDKIT_HOME"]) / copied.path)
    result = run_cli("index", "--rebuild", env=at_pc)
    assert result.exit_code == 1  # the other four are not on this PC: listed, their texts kept
    assert result.stderr.count("（索引里保留了上次读出的正文）") == 4
    for env in (at_pc, {}):
        hits = json.loads(run_cli("search", "曳引钢丝绳", "--json", env=env).stdout)["hits"]
        assert [hit["archive_no"] for hit in hits] == ["GC-2024-00001"]
    assert run_cli("index").exit_code == 0  # the server's run puts its own reading back
    assert run_cli("index", "--verify").exit_code == 0


@pytest.mark.parametrize("option", ["--category", "--unit", "--owner", "--from", "--to"])
def test_an_empty_filter_is_refused_not_read_as_no_filter(filed: Workspace, run_cli: Any, option: str) -> None:
    """``search 维修 --unit "$UNIT"`` with the variable unset searched the whole archive, as if no filter had been
    asked for: an empty (or blank) filter option is refused, exit 2, nothing searched."""
    for typed in ("", " \u3000"):
        result = run_cli("search", "维修", option, typed)
        assert (result.exit_code, result.stdout) == (2, ""), typed
        assert result.stderr == f"错误：{option} 是空的：请写明要筛选的值；不筛选就不写 {option}\n"
