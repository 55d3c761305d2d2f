"""Fee rules, readings, billing and arrears: pure decisions first, then the ledger on both backends."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa
import time_machine

from recordkit.billing.arrears import aging_bucket, list_arrears, months_past_due, summarise_arrears, unit_balance
from recordkit.billing.bills import LOWER_READING_HINT, UnitForBilling, bill_month, import_readings, plan_bills
from recordkit.billing.receipts import PaymentRequest, pay, void_receipt
from recordkit.billing.rules import (
    KINDS,
    FeeItem,
    Rate,
    SyncResult,
    add_rule,
    bill_amount,
    format_rate,
    list_rules,
    parse_rate,
    pending_config_items,
    round_fen,
    set_rule,
    sync_rules,
)
from recordkit.core.config import FeeItemSettings, FeesSettings
from recordkit.core.dates import Month, MonthRange, parse_date, parse_month, parse_month_range, parse_when
from recordkit.core.errors import ConfigError, ConflictError, NotFoundError, UsageError, ValidationError
from recordkit.ledger import journal
from recordkit.ledger.db import Ledger
from recordkit.ledger.schema import bills
from recordkit.owners.roster import import_owners
from tests.conftest import SAMPLE_ROWS, write_sheet
from tests.fees_fixtures import CASHIER, DAY, MONTHLY, PROPERTY_FEE, RECEIPTS, bill_months, small_estate

# -- months ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "month"),
    [
        ("2026-11", Month(2026, 11)),
        ("2026/1", Month(2026, 1)),
        ("2026年11月", Month(2026, 11)),
        ("２０２６－０３", Month(2026, 3)),
    ],
)
def test_parse_month(text: str, month: Month) -> None:
    assert parse_month(text) == month


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-13", "月份“2026-13”无效：月份应为 1 至 12"),
        ("2026-00", "月份“2026-00”无效：月份应为 1 至 12"),
        ("十一月", "月份“十一月”无法识别，应写成 2026-12 这样的年-月"),
    ],
)
def test_bad_month(text: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_month(text)
    assert caught.value.message == message


def test_today_and_yesterday_are_days_a_clerk_can_type() -> None:
    today = dt.date.today()
    words = ("today", "今天", "TODAY", "今日")
    assert [parse_date(word, relative=True) for word in words] == [today] * 4
    assert parse_date("昨天", relative=True) == parse_date("yesterday", relative=True) == today - dt.timedelta(days=1)
    # Only where a clerk types a command option: a cell or a search filter saying 昨天 is no date.
    with pytest.raises(ValueError, match="“昨天”无法识别"):
        parse_date("昨天")


def test_tomorrow_is_a_day_only_where_a_day_to_come_is_asked_for() -> None:
    """A loan's 应还日期 (``ahead``) may be 明天 or 后天, counted from ``ahead``; a payment's or a report's day
    (``relative``) is never one to come, and 明天 there is no date."""
    lent_on = dt.date(2026, 12, 31)
    assert [parse_date(word, "应还日期", ahead=lent_on) for word in ("明天", "明日", "tomorrow", "后天", "今天")] == [
        dt.date(2027, 1, 1),
        dt.date(2027, 1, 1),
        dt.date(2027, 1, 1),
        dt.date(2027, 1, 2),
        dt.date(2026, 12, 31),
    ]
    for word in ("明天", "后天"):
        with pytest.raises(ValueError, match=f"收款日期“{word}”无法识别"):
            parse_date(word, "收款日期", relative=True)


@pytest.mark.parametrize("typed", ["1月10日", "1-10", "01-10", "1/10", "１－１０"])
def test_a_day_to_come_without_its_year_is_read_however_its_month_and_day_are_written(typed: str) -> None:
    """``--due 12月20日`` was read and ``--due 12-20`` refused as no date: both are the next such day."""
    assert parse_date(typed, "应还日期", ahead=dt.date(2026, 12, 20)) == dt.date(2027, 1, 10)


@pytest.mark.parametrize("typed", ["11月23日", "11-23", "11/23"])
def test_a_past_day_without_its_year_is_said_to_lack_it_however_written(typed: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_date(typed, "收款日期", relative=True)
    assert str(caught.value) == (f"收款日期“{typed}”没有写年份，不能确定是哪一年：应写成 2026-11-23 或 2026年11月23日")


def test_a_refusal_s_example_is_of_today_not_a_day_long_past() -> None:
    """The examples said 2026-11-23 and 2026-11 whatever the day: a day in the past beside an 应还日期 to come."""
    with time_machine.travel(dt.datetime(2027, 3, 8, 2, 0, tzinfo=dt.UTC), tick=False):
        with pytest.raises(ValueError) as day:
            parse_date("下周", "应还日期", ahead=dt.date.today())
        with pytest.raises(ValueError) as when:
            parse_when("昨天", "报修时间")
        with pytest.raises(ValueError) as month:
            parse_month("十月")
        with pytest.raises(ValueError) as months:
            parse_month_range("2027-01,2027-02")
    assert str(day.value) == "应还日期“下周”无法识别，应写成 2027-03-08 或 2027年3月8日"
    assert str(when.value) == "报修时间“昨天”无法识别，应写成 2027-03-08 09:15 这样的日期和时刻"
    assert str(month.value) == "月份“十月”无法识别，应写成 2027-03 这样的年-月"
    assert str(months.value) == (
        "月份“2027-01,2027-02”无法识别，应写成 2027-03 这样的年-月；几个月写成 2027-01..2027-03（从哪个月到哪个月）"
    )


def test_month_arithmetic_and_ranges() -> None:
    assert Month(2026, 1) - 1 == Month(2025, 12) and Month(2026, 12) + 1 == Month(2027, 1)
    months = parse_month_range("2026-11..2027-02")
    assert [str(m) for m in months.months()] == ["2026-11", "2026-12", "2027-01", "2027-02"]
    assert parse_month_range("2026-09至2026-11") == MonthRange(Month(2026, 9), Month(2026, 11))
    with pytest.raises(ValidationError, match="前后颠倒"):
        parse_month_range("2026-11..2026-09")


# -- rates, rounding, amounts ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "rate", "shown"),
    [
        ("2.35", 23500, "2.35"),
        ("2.3456", 23456, "2.3456"),
        ("150", 1_500_000, "150.00"),
        ("0", 0, "0.00"),
        ("３.５", 35000, "3.50"),
        ("1.2", 12000, "1.20"),
        ("0.6", 6000, "0.60"),
        ("3.125", 31250, "3.125"),
        ("1,500", 15_000_000, "1500.00"),
        ("１，５００.５", 15_005_000, "1500.50"),
    ],
)
def test_rates_have_up_to_four_decimals(text: str, rate: int, shown: str) -> None:
    assert parse_rate(text) == rate
    assert format_rate(rate) == shown


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2.34567", "收费标准“2.34567”超过四位小数"),
        ("-1", "收费标准不能为负数：-1"),
        ("两元", "收费标准“两元”不是数字，应写成 2.35 这样的金额（元，最多四位小数）"),
    ],
)
def test_bad_rates(text: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_rate(text)
    assert caught.value.message == message


@pytest.mark.parametrize(("rounding", "fen"), [("half_up", 23618), ("down", 23617), ("up", 23618)])
def test_rounding_to_fen_is_configurable(rounding: str, fen: int) -> None:
    # 100.50 ㎡ × 2.35 元 = 236.175 元
    assert bill_amount("area", 23500, 10050, 100, rounding) == fen


def test_half_up_rounds_a_half_fen_up_and_less_down() -> None:
    assert round_fen(5, 10, "half_up") == 1
    assert round_fen(4, 10, "half_up") == 0
    assert round_fen(1, 10, "up") == 1
    with pytest.raises(ConfigError, match="fees.rounding 应为 half_up、down、up 之一"):
        round_fen(1, 1, "bankers")


@pytest.mark.parametrize(
    ("kind", "rate", "quantity", "percent", "fen"),
    [
        ("area", 23500, 14380, 100, 33793),  # 143.80 ㎡ × 2.35
        ("area", 23500, 14380, 70, 23655),  # vacant: 70 % of 337.93 = 236.551
        ("fixed", 1_500_000, 0, 100, 15000),  # 150 元/月
        ("fixed", 100_000, 0, 0, 0),  # not charged to vacant units
        ("metered", 35000, 1550, 100, 5425),  # 15.50 吨 × 3.50
        ("oneoff", 5_000_000, 0, 100, 50000),
    ],
)
def test_bill_amount(kind: str, rate: int, quantity: int, percent: int, fen: int) -> None:
    assert bill_amount(kind, rate, quantity, percent, "half_up") == fen


def _item(kind: str = "area", rates: tuple[Rate, ...] = ()) -> FeeItem:
    return FeeItem(1, "物业服务费", kind, KINDS[kind][1], rates)


def test_the_rate_in_force_is_the_newest_started() -> None:
    item = _item(rates=(Rate(1, Month(2026, 1), 23500, 100, None), Rate(2, Month(2026, 12), 25000, 100, None)))
    assert item.rate_for(Month(2025, 12)) is None
    assert item.rate_for(Month(2026, 11)).rate == 23500  # type: ignore[union-attr]
    assert item.rate_for(Month(2027, 3)).rate == 25000  # type: ignore[union-attr]


def test_plan_bills_scope_vacancy_and_readings() -> None:
    units = [UnitForBilling(1, "1-1-101", 8935, "occupied"), UnitForBilling(2, "3-2-1202", 14380, "vacant")]
    area = _item(rates=(Rate(10, Month(2026, 1), 23500, 70, None),))
    parking = FeeItem(
        2, "停车费", "fixed", "元/月", (Rate(11, Month(2026, 1), 1_500_000, 100, frozenset({"1-1-101"})),)
    )
    water = FeeItem(3, "水费", "metered", "元/吨", (Rate(12, Month(2026, 1), 35000, 100, None),))
    planned = plan_bills(Month(2026, 11), [area, parking, water], units, {(1, 3): (10000, 11550)}, "half_up")
    assert [(b.unit_id, b.item_id, b.amount_fen, b.basis) for b in planned] == [
        (1, 1, 20997, "89.35㎡ × 2.35元/㎡·月"),
        (2, 1, 23655, "143.80㎡ × 2.35元/㎡·月 × 70%（空置）"),
        (1, 2, 15000, "150.00元/月"),
        (1, 3, 5425, "读数 100.00→115.50，15.50吨 × 3.50元/吨"),
    ]


@pytest.mark.parametrize(
    ("age", "bucket"),
    [(0, "0"), (1, "1-3"), (3, "1-3"), (4, "4-6"), (6, "4-6"), (7, "7-12"), (12, "7-12"), (13, ">12"), (40, ">12")],
)
def test_aging_buckets(age: int, bucket: str) -> None:
    assert aging_bucket(age) == bucket


@pytest.mark.parametrize(
    ("month", "as_of", "past_due"),
    [
        (Month(2026, 11), Month(2026, 11), 0),  # due on 1 November: not a whole month late during November
        (Month(2026, 11), Month(2026, 12), 1),  # on 1 December one whole month, not two
        (Month(2025, 12), Month(2026, 11), 11),  # a 12-month debtor's oldest bill: 7–12, not "12个月以上"
        (Month(2025, 11), Month(2026, 11), 12),
        (Month(2025, 10), Month(2026, 11), 13),
        (Month(2026, 12), Month(2026, 11), 0),  # not due yet
    ],
)
def test_months_past_due_count_whole_months_from_the_first_of_the_bills_month(
    month: Month, as_of: Month, past_due: int
) -> None:
    assert months_past_due(month, as_of) == past_due


def test_summarise_arrears() -> None:
    rows = [
        (Month(2025, 10), "物业服务费", 100),
        (Month(2026, 6), "物业服务费", 200),
        (Month(2026, 6), "停车费", 50),
        (Month(2026, 11), "物业服务费", 300),
    ]
    total, months, oldest, aging, items = summarise_arrears(Month(2026, 11), rows)
    assert (total, months, oldest) == (650, 3, Month(2025, 10))
    assert aging == {"0": 300, "1-3": 0, "4-6": 250, "7-12": 0, ">12": 100}
    assert items == {"物业服务费": 600, "停车费": 50}


# -- rules in the ledger ------------------------------------------------------------------------


def test_rules_add_set_and_history(ledger: Ledger, tmp_path: Path) -> None:
    small_estate(ledger, tmp_path)
    with pytest.raises(ConflictError, match="收费项目“物业服务费”已存在"):
        add_rule(ledger, CASHIER, "物业服务费", "area", "2.5", "2026-01")
    item = set_rule(ledger, CASHIER, "物业服务费", "2026-12", rate_text="2.50")
    assert [(str(r.effective_from), r.rate, r.vacant_percent) for r in item.rates] == [
        ("2025-01", 23500, 70),
        ("2026-12", 25000, 70),
    ]
    bill_months(ledger, "2026-11", "2026-12")
    with ledger.read() as conn:
        amounts = dict(
            conn.execute(
                sa.select(bills.c.month, bills.c.amount_fen).where(bills.c.unit_id == 3, bills.c.item_id == item.id)
            ).all()
        )
        actions = [e.action for e in journal.recent(conn, limit=100)]
    assert amounts == {"2026-11": 33793, "2026-12": 35950}  # 143.80 × 2.35 and × 2.50
    assert actions.count("fee_item.add") == 3 and actions.count("fee_rate.set") == 1
    with pytest.raises(NotFoundError, match="没有收费项目“燃气费”。现有项目：物业服务费、垃圾清运费、停车费"):
        set_rule(ledger, CASHIER, "燃气费", "2026-12", rate_text="1")
    with pytest.raises(ValidationError, match="收费方式“monthly”无效"):
        add_rule(ledger, CASHIER, "电梯费", "monthly", "1", "2026-01")


def test_rules_from_the_config_are_synced_once_and_journalled_as_a_sync(ledger: Ledger) -> None:
    settings = FeesSettings(
        items=(
            FeeItemSettings(name="物业服务费", kind="area", rate="2.35", effective_from="2026-01", vacant_percent=70),
            FeeItemSettings(name="电费", kind="metered", rate="0.6", effective_from="2026-01", unit_label="元/度"),
        )
    )
    assert pending_config_items(ledger, settings) == ["物业服务费", "电费"]
    assert sync_rules(ledger, settings, CASHIER) == SyncResult(("物业服务费", "电费"), ())
    with ledger.read() as conn:
        entries = journal.recent(conn, limit=10)
    assert [(e.action, e.key) for e in entries] == [  # newest first
        ("fee_item.sync_from_recordkit_toml", "电费"),
        ("fee_item.sync_from_recordkit_toml", "物业服务费"),
    ]
    assert pending_config_items(ledger, settings) == []
    assert sync_rules(ledger, settings, CASHIER) == SyncResult((), ("物业服务费", "电费"))
    set_rule(ledger, CASHIER, "物业服务费", "2026-06", rate_text="2.50")
    assert sync_rules(ledger, settings, CASHIER).added == ()  # the ledger wins over the config
    items = {item.name: item for item in list_rules(ledger)}
    assert items["电费"].unit_label == "元/度" and len(items["物业服务费"].rates) == 2
    bad = FeesSettings(items=(FeeItemSettings(name="停车费", kind="fixed", rate="abc", effective_from="2026-01"),))
    with pytest.raises(ConfigError) as caught:
        sync_rules(ledger, bad, CASHIER)
    assert caught.value.message == (
        "recordkit.toml 的第 1 个 [[fees.items]]（停车费）有误："
        "收费标准“abc”不是数字，应写成 2.35 这样的金额（元，最多四位小数）"
    )
    assert "停车费" not in {item.name for item in list_rules(ledger)}
    # A name of punctuation alone, printed on every bill, is refused here as `fees rules add` refuses it.
    nameless = FeesSettings(items=(FeeItemSettings(name="——", kind="fixed", rate="10", effective_from="2026-01"),))
    with pytest.raises(ConfigError) as caught:
        sync_rules(ledger, nameless, CASHIER)
    assert caught.value.message == (
        "recordkit.toml 的第 1 个 [[fees.items]]（——）有误：收费项目名称“——”没有汉字或字母：请写项目名称，例如 物业服务费"
    )


def test_an_item_of_recordkit_toml_starting_more_than_36_months_ahead_is_refused(ledger: Ledger) -> None:
    """``effective_from = "2099-01"`` made an item that charged nothing until 2099, silently, where ``fees rules
    add --from 2099-01`` is refused: the sync refuses it too, naming the entry, and writes nothing.  The limit is
    counted from the day given (this computer's date by default)."""
    ahead = FeesSettings(
        items=(
            FeeItemSettings(name="物业服务费", kind="area", rate="2.35", effective_from="2026-01"),
            FeeItemSettings(name="电梯费", kind="fixed", rate="20", effective_from="2029-07"),
        )
    )
    with pytest.raises(ConfigError) as caught:
        sync_rules(ledger, ahead, CASHIER, today=dt.date(2026, 3, 31))
    assert caught.value.message == (
        "recordkit.toml 的第 2 个 [[fees.items]]（电梯费）有误：effective_from（起始月份） 2029-07 "
        "超过本月后 36 个月（现在是 2026-03，最迟 2029-03）：是否写错了年份？"
    )
    assert list_rules(ledger) == []
    synced = sync_rules(ledger, ahead, CASHIER, today=dt.date(2026, 7, 1))  # 36 months on is 2029-07: taken
    assert synced.added == ("物业服务费", "电梯费")


def test_fee_items_in_recordkit_toml(tmp_path: Path) -> None:
    from recordkit.core.config import load_settings

    config = tmp_path / "recordkit.toml"
    config.write_text(
        '[fees]\nrounding = "down"\n[[fees.items]]\nname = "物业服务费"\nkind = "area"\nrate = 2.35\n'
        'effective_from = "2026-01"\n[[fees.items]]\nname = "停车费"\nkind = "fixed"\nrate = "150"\n'
        'effective_from = "2026-01"\nunits = ["1-1-101"]\n',
        encoding="utf-8",
    )
    settings = load_settings(config, environ={})
    assert settings.fees.rounding == "down"
    assert settings.fees.items[0].rate == "2.35" and settings.fees.items[1].units == ("1-1-101",)
    config.write_text('[[fees.items]]\nname = "物业服务费"\nprice = "2.35"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"未知的配置项 fees.items\[1\].price"):
        load_settings(config, environ={})


# -- billing ----------------------------------------------------------------------------------


def _bills(ledger: Ledger, month: str) -> dict[tuple[int, int], int]:
    with ledger.read() as conn:
        return {
            (r.unit_id, r.item_id): r.amount_fen for r in conn.execute(sa.select(bills).where(bills.c.month == month))
        }


def test_billing_a_month_is_idempotent(ledger: Ledger, tmp_path: Path) -> None:
    small_estate(ledger, tmp_path)
    first = bill_month(ledger, "2026-11", CASHIER)
    assert first.created == 8  # 4 property fees, 3 waste (not the vacant unit), 1 parking
    assert first.created_fen == sum(MONTHLY.values())
    assert first.by_item == {"物业服务费": [4, 106321], "垃圾清运费": [3, 3000], "停车费": [1, 15000]}
    with ledger.read() as conn:
        entries = len(journal.recent(conn, limit=1000))
    second = bill_month(ledger, "2026-11", CASHIER)
    assert (second.created, second.unchanged, second.differing) == (0, 8, 0)
    with ledger.read() as conn:
        assert len(journal.recent(conn, limit=1000)) == entries  # nothing new, nothing journalled
    assert len(_bills(ledger, "2026-11")) == 8


def test_a_changed_rule_needs_rebill_which_is_journalled(ledger: Ledger, tmp_path: Path) -> None:
    small_estate(ledger, tmp_path)
    bill_months(ledger, "2026-11")
    pay(ledger, RECEIPTS, CASHIER, PaymentRequest("1-1-101", MONTHLY["1-1-101"]))
    set_rule(ledger, CASHIER, "物业服务费", "2026-11", rate_text="2.00")
    set_rule(ledger, CASHIER, "停车费", "2026-11", units=["3-2-1201"])
    before = _bills(ledger, "2026-11")
    plain = bill_month(ledger, "2026-11", CASHIER)
    assert (plain.created, plain.differing) == (1, 5)  # parking now for 3-2-1201; 4 fees and 1 parking differ
    assert {k: v for k, v in _bills(ledger, "2026-11").items() if k in before} == before
    again = bill_month(ledger, "2026-11", CASHIER, rebill=True)
    assert (again.created, again.rebilled, again.removed, again.differing) == (0, 4, 1, 0)
    after = _bills(ledger, "2026-11")
    assert after[(1, 1)] == 17870  # 89.35 × 2.00
    assert (1, 3) not in after  # 1-1-101's paid parking is gone; what paid it is prepayment now
    assert unit_balance(ledger, "1-1-101") == (0, 15000 + 20997 - 17870)
    with ledger.read() as conn:
        rebills = [e for e in journal.recent(conn, limit=100) if e.action == "bill.rebill"]
        assert journal.verify(conn).ok
    assert len(rebills) == 4
    assert {"key": "1-1-101 物业服务费 2026-11", "before": 20997, "after": 17870} in [
        {"key": e.key, "before": e.before["amount_fen"], "after": e.after["amount_fen"]} for e in rebills
    ]  # type: ignore[index]


def test_unpaid_bill_no_rule_makes_is_removed_on_rebill(ledger: Ledger, tmp_path: Path) -> None:
    small_estate(ledger, tmp_path)
    bill_months(ledger, "2026-11")
    set_rule(ledger, CASHIER, "停车费", "2026-11", rate_text="0")
    summary = bill_month(ledger, "2026-11", CASHIER, rebill=True)
    assert summary.removed == 1 and (1, 3) not in _bills(ledger, "2026-11")


def test_prepayment_pays_later_bills(ledger: Ledger, tmp_path: Path) -> None:
    small_estate(ledger, tmp_path)
    bill_months(ledger, "2026-11")
    pay(ledger, RECEIPTS, CASHIER, PaymentRequest("3-2-1201", 100_000))  # 1,000 元 against 347.93
    assert unit_balance(ledger, "3-2-1201") == (0, 100_000 - MONTHLY["3-2-1201"])
    summary = bill_month(ledger, "2026-12", CASHIER)
    assert summary.prepayment_applied_fen == MONTHLY["3-2-1201"]
    assert unit_balance(ledger, "3-2-1201") == (0, 100_000 - 2 * MONTHLY["3-2-1201"])
    bill_months(ledger, "2027-01", "2027-02")
    # Bills of months to come are not owed before they fall due (the 1st of their month).
    assert unit_balance(ledger, "3-2-1201", dt.date(2027, 2, 1)) == (4 * MONTHLY["3-2-1201"] - 100_000, 0)


def test_one_off_items_are_billed_only_for_named_units(ledger: Ledger, tmp_path: Path) -> None:
    small_estate(ledger, tmp_path)
    add_rule(ledger, CASHIER, "装修垃圾清运费", "oneoff", "500", "2026-01")
    assert bill_month(ledger, "2026-11", CASHIER).by_item.get("装修垃圾清运费") is None
    with pytest.raises(UsageError, match="“装修垃圾清运费”是一次性项目，请用 --unit 指定要收取的房屋"):
        bill_month(ledger, "2026-11", CASHIER, item_name="装修垃圾清运费")
    summary = bill_month(ledger, "2026-11", CASHIER, item_name="装修垃圾清运费", unit_texts=["3栋2单元1201"])
    assert summary.by_item == {"装修垃圾清运费": [1, 50000]}
    with pytest.raises(NotFoundError, match="台账中没有房屋 9-9-909"):
        bill_month(ledger, "2026-11", CASHIER, unit_texts=["9-9-909"])


# -- readings ---------------------------------------------------------------------------------

READING_HEADERS = ("房号", "上期读数", "本期读数")


def test_readings_feed_metered_bills(ledger: Ledger, tmp_path: Path) -> None:
    small_estate(ledger, tmp_path)
    add_rule(ledger, CASHIER, "水费", "metered", "3.5", "2026-01")
    sheet = write_sheet(
        tmp_path / "水表.xlsx", [["1-1-101", 100, 115.5], ["3-2-1201", "88", "100"]], headers=READING_HEADERS
    )
    summary = import_readings(ledger, sheet, "2026-11", CASHIER, item_name="水费")
    assert (summary.rows, summary.created) == (2, 2)
    billed = bill_month(ledger, "2026-11", CASHIER)
    assert billed.by_item["水费"] == [2, 5425 + 4200]
    assert billed.metered_without_reading == {"水费": 2}
    again = import_readings(
        ledger,
        write_sheet(tmp_path / "水表2.xlsx", [["1-1-101", 100, 116]], headers=READING_HEADERS),
        "2026-11",
        CASHIER,
        "水费",
    )
    assert again.billed_changed == ["1-1-101"]


def test_a_bad_readings_sheet_names_row_and_column_and_imports_nothing(ledger: Ledger, tmp_path: Path) -> None:
    small_estate(ledger, tmp_path)
    add_rule(ledger, CASHIER, "水费", "metered", "3.5", "2026-01")
    sheet = write_sheet(
        tmp_path / "水表.xlsx",
        [
            ["1-1-101", 100, 90],
            ["9-9-909", 1, 2],
            ["3-2-1201", "abc", 5],
            ["1-1-102", 1, 2],
            ["1-1-102", 2, 3],
        ],
        headers=("房号", "项目", "上期读数", "本期读数")[0:1] + READING_HEADERS[1:],
    )
    with pytest.raises(ValidationError) as caught:
        import_readings(ledger, sheet, "2026-11", CASHIER, item_name="水费")
    assert caught.value.message == "水表.xlsx 有 4 处错误，没有导入任何读数"
    assert [str(p) for p in caught.value.problems] == [
        f"第 2 行 C 列（本期读数）：本期读数 90.00 小于上期读数 100.00：{LOWER_READING_HINT}",
        "第 3 行 A 列（房号）：台账中没有房屋 9-9-909",
        "第 4 行 B 列（上期读数）：“abc” 不是数字：读数应写成 1234.5 或 1,234.5 这样的数字",
        "第 6 行 A 列（房号）：房屋 1-1-102 的水费读数与第 5 行重复",
    ]
    with ledger.read() as conn:
        assert conn.execute(sa.text("SELECT COUNT(*) FROM meter_readings")).scalar() == 0


def _exported_readings(path: Path, rows: list[list[object]]) -> Path:
    """A readings sheet as another system exports it: a merged title, a line above the header (on row 3),
    a 序号 and a 用量 column nothing reads, numbers stored as text, and a 合计 row at the bottom."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["幸福里小区2026年11月水表抄表记录"])
    sheet.merge_cells("A1:F1")
    sheet.append(["导出时间：2026-12-01"])
    sheet.append(["序号", "房号 ", "上期读数", "本期读数", "用量", "备注"])
    for number, row in enumerate(rows, start=1):
        sheet.append([number, *row])
    sheet.append(["合 计", None, "1,334.5", "1,370.5", 36, None])
    workbook.save(path)
    return path


def test_readings_from_another_systems_export(ledger: Ledger, tmp_path: Path) -> None:
    small_estate(ledger, tmp_path)
    add_rule(ledger, CASHIER, "水费", "metered", "3.5", "2026-01")
    rows: list[list[object]] = [
        ["1-1-101 ", "1,234.5", "1,240.5 ", 6, None],  # text with a thousands comma and trailing spaces
        ["１－１－１０２", "１００", "１３０", 30, None],  # full-width digits
    ]
    summary = import_readings(ledger, _exported_readings(tmp_path / "导出.xlsx", rows), "2026-11", CASHIER, "水费")
    assert (summary.rows, summary.created, summary.totals) == (2, 2, [6])
    billed = bill_month(ledger, "2026-11", CASHIER)
    assert billed.by_item["水费"] == [2, 6 * 350 + 30 * 350]  # 6 and 30 吨 × 3.50 元


def test_readings_with_merged_cells_and_a_two_row_header(ledger: Ledger, tmp_path: Path) -> None:
    """房号 and 项目 merged over two header rows, 水表读数 over 上期/本期, 楼栋 and 项目 merged down over
    the units: each cell reads as the clerk sees it."""
    from openpyxl import Workbook

    small_estate(ledger, tmp_path)
    add_rule(ledger, CASHIER, "水费", "metered", "3.5", "2026-01")
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["水表抄表记录"])
    sheet.append(["楼栋", "房号", "水表读数", None, "项目"])
    sheet.append([None, None, "上期读数", "本期读数", None])
    sheet.append(["1栋", "1-1-101", "1,250.5", "1,260.5", "水费"])
    sheet.append([None, "1-1-102", 140, 150, None])
    for cells in ("A1:E1", "A2:A3", "B2:B3", "C2:D2", "E2:E3", "A4:A5", "E4:E5"):
        sheet.merge_cells(cells)
    workbook.save(tmp_path / "合并.xlsx")
    summary = import_readings(ledger, tmp_path / "合并.xlsx", "2026-11", CASHIER)  # no --item: 项目 is merged
    assert (summary.rows, summary.created) == (2, 2)
    assert bill_month(ledger, "2026-11", CASHIER).by_item["水费"] == [2, 2 * 10 * 350]


def test_a_readings_sheet_without_its_headers_is_not_sent_to_an_option_it_lacks(ledger: Ledger, tmp_path: Path) -> None:
    small_estate(ledger, tmp_path)
    add_rule(ledger, CASHIER, "水费", "metered", "3.5", "2026-01")
    sheet = write_sheet(tmp_path / "水表.xlsx", [["1-1-101", 1, 2]], headers=("房间", "起", "止"))
    with pytest.raises(ValidationError) as caught:
        import_readings(ledger, sheet, "2026-11", CASHIER, item_name="水费")
    assert "--map" not in caught.value.message  # fees readings has no --map
    assert caught.value.message.endswith("；请把表头改成其中一种写法")


def test_readings_written_as_no_clerk_writes_a_number_are_refused(ledger: Ledger, tmp_path: Path) -> None:
    small_estate(ledger, tmp_path)
    add_rule(ledger, CASHIER, "水费", "metered", "3.5", "2026-01")
    # Decimal would read these as 100, 150, 3 and 12: a clerk's typo is never a reading.
    rows = [["1-1-101", "1E2", "1_50"], ["1-1-102", "٣", "1,2"]]
    sheet = write_sheet(tmp_path / "水表.xlsx", rows, headers=READING_HEADERS)
    with pytest.raises(ValidationError) as caught:
        import_readings(ledger, sheet, "2026-11", CASHIER, item_name="水费")
    reason = "不是数字：读数应写成 1234.5 或 1,234.5 这样的数字"
    assert [str(p) for p in caught.value.problems] == [
        f"第 2 行 B 列（上期读数）：“1E2” {reason}",
        f"第 2 行 C 列（本期读数）：“1_50” {reason}",
        f"第 3 行 B 列（上期读数）：“٣” {reason}",
        f"第 3 行 C 列（本期读数）：“1,2” {reason}",
    ]


def test_a_reading_must_start_where_last_month_ended_unless_the_meter_was_replaced(
    ledger: Ledger, tmp_path: Path
) -> None:
    small_estate(ledger, tmp_path)
    add_rule(ledger, CASHIER, "水费", "metered", "3.5", "2026-01", unit_kinds=["住宅"])
    import_readings(
        ledger,
        write_sheet(tmp_path / "十月.xlsx", [["1-1-101", 100, 110], ["1-1-102", 50, 60]], headers=READING_HEADERS),
        "2026-10",
        CASHIER,
        "水费",
    )
    headers = (*READING_HEADERS, "备注")
    typo = write_sheet(
        tmp_path / "十一月.xlsx",
        [["1-1-101", 100, 125, None], ["1-1-102", 0, 4, "换表"], ["车位B1-023", 0, 1, None]],
        headers=headers,
    )
    import_owners(
        ledger,
        write_sheet(tmp_path / "车位.xlsx", [["车位B1-023", 12.5, "陈静"]], ("房号", "建筑面积", "业主姓名")),
        CASHIER,
    )
    with pytest.raises(ValidationError) as caught:
        import_readings(ledger, typo, "2026-11", CASHIER, "水费")
    assert [str(p) for p in caught.value.problems] == [
        "第 2 行 B 列（上期读数）：上期读数 100.00 与 2026-10 导入的本期读数 110.00 不一致：请核对；"
        "换了新表的，请在“备注”列写“换表”",
        "第 4 行 A 列（房号）：2026-11 的“水费”不向房屋 车位B1-023 收取，读数不会出账",
    ]
    fixed = write_sheet(
        tmp_path / "十一月改.xlsx", [["1-1-101", 110, 125, None], ["1-1-102", 0, 4, "换表"]], headers=headers
    )
    assert import_readings(ledger, fixed, "2026-11", CASHIER, "水费").created == 2
    assert bill_month(ledger, "2026-11", CASHIER).by_item["水费"] == [2, 15 * 350 + 4 * 350]


# -- arrears ----------------------------------------------------------------------------------


def test_arrears_with_aging_and_filters(ledger: Ledger, tmp_path: Path) -> None:
    small_estate(ledger, tmp_path)
    months = [str(Month(2025, 10) + i) for i in range(14)]  # 2025-10 .. 2026-11
    bill_months(ledger, *months)
    paid_on = dt.date(2026, 11, 20)
    pay(ledger, RECEIPTS, CASHIER, PaymentRequest("1-1-101", 14 * MONTHLY["1-1-101"], paid_on=paid_on))  # all paid
    pay(ledger, RECEIPTS, CASHIER, PaymentRequest("1-1-102", 12 * MONTHLY["1-1-102"], paid_on=paid_on))  # owes 2
    rows = {row.unit: row for row in list_arrears(ledger, dt.date(2026, 11, 30))}
    assert set(rows) == {"1-1-102", "3-2-1201", "3-2-1202"}
    assert (rows["1-1-102"].months, rows["1-1-102"].amount_fen) == (2, 2 * MONTHLY["1-1-102"])
    owed = rows["3-2-1201"]
    assert (owed.months, str(owed.oldest)) == (14, "2025-10")
    assert owed.aging == {  # whole months past due on 30 November: 2026-11 is 0, 2025-10 is 13
        "0": MONTHLY["3-2-1201"],
        "1-3": 3 * MONTHLY["3-2-1201"],
        "4-6": 3 * MONTHLY["3-2-1201"],
        "7-12": 6 * MONTHLY["3-2-1201"],
        ">12": MONTHLY["3-2-1201"],
    }
    assert owed.to_dict()["arrears_fen"] == 14 * MONTHLY["3-2-1201"]
    assert [r.unit for r in list_arrears(ledger, dt.date(2026, 11, 30), min_months=3)] == ["3-2-1201", "3-2-1202"]
    assert [r.unit for r in list_arrears(ledger, dt.date(2026, 11, 30), building="3栋")] == [
        "3-2-1201",
        "3-2-1202",
    ]
    # as of an earlier day, later months are not owed yet
    assert list_arrears(ledger, dt.date(2026, 6, 15), building="3")[0].months == 9


def test_a_units_items_owed_come_in_the_order_the_fee_items_were_set_up(ledger: Ledger, tmp_path: Path) -> None:
    """Whichever bill is the oldest unpaid, a unit's ``items`` (``fees arrears --json``) list 物业服务费 before
    垃圾清运费, as the fee items were set up and as the 催缴通知书 lists them, on either database (PostgreSQL
    returned a moved demo ledger's rows in another order)."""
    small_estate(ledger, tmp_path)
    bill_months(ledger, "2026-09", "2026-10", "2026-11")
    september = PaymentRequest("3-2-1201", PROPERTY_FEE["3-2-1201"], paid_on=dt.date(2026, 11, 20))
    pay(ledger, RECEIPTS, CASHIER, september)  # September's 物业服务费 alone: its 垃圾清运费 is the oldest owed
    owed = {row.unit: row for row in list_arrears(ledger, dt.date(2026, 11, 30))}["3-2-1201"]
    assert list(owed.to_dict()["items"].items()) == [
        ("物业服务费", 2 * PROPERTY_FEE["3-2-1201"]),
        ("垃圾清运费", 3 * 1000),
    ]


def test_arrears_as_of_a_day_is_a_snapshot_of_that_day(ledger: Ledger, tmp_path: Path) -> None:
    small_estate(ledger, tmp_path)
    bill_months(ledger, "2026-09", "2026-10", "2026-11")
    fee, other = MONTHLY["1-1-101"], MONTHLY["1-1-102"]
    pay(ledger, RECEIPTS, CASHIER, PaymentRequest("1-1-101", fee, paid_on=dt.date(2026, 10, 10)))  # September
    pay(ledger, RECEIPTS, CASHIER, PaymentRequest("1-1-101", fee, paid_on=dt.date(2026, 11, 5)))  # October, later
    wrong = pay(ledger, RECEIPTS, CASHIER, PaymentRequest("1-1-102", 2 * other, paid_on=dt.date(2026, 10, 20)))
    void_receipt(ledger, wrong.number, "金额开错", CASHIER, today=dt.date(2026, 10, 20))  # on its day: a void

    october = {row.unit: row for row in list_arrears(ledger, dt.date(2026, 10, 31))}
    # October's bill is owed: the money of 5 November had not come in; November's bill was not due yet.
    assert (october["1-1-101"].amount_fen, str(october["1-1-101"].oldest)) == (fee, "2026-10")
    # Paid on 20 October, but the receipt was voided that day (a correction): that money never counts, on any day.
    assert october["1-1-102"].amount_fen == 2 * other
    november = {row.unit: row.amount_fen for row in list_arrears(ledger, dt.date(2026, 11, 30))}
    assert (november["1-1-101"], november["1-1-102"]) == (fee, 3 * other)
    assert unit_balance(ledger, "1-1-101", dt.date(2026, 10, 31)) == (fee, 0)


def test_a_refused_rate_change_suggests_a_month_that_is_open_to_the_end(ledger: Ledger, tmp_path: Path) -> None:
    """From 2026-05 the new rate would govern May and June (July has its own rate); the way out is not
    --from 2026-07 (July to October are closed too) but the month after the last closed one."""
    from recordkit.billing.closing import close_month

    small_estate(ledger, tmp_path)
    set_rule(ledger, CASHIER, "物业服务费", "2026-07", rate_text="2.50")
    for month in range(5, 11):
        close_month(ledger, f"2026-{month:02d}", CASHIER, today=DAY)
    with pytest.raises(ConflictError) as caught:
        set_rule(ledger, CASHIER, "物业服务费", "2026-05", rate_text="2.60")
    assert caught.value.message.endswith("新标准请从没有结账的月份起执行，例如 --from 2026-11")
    assert set_rule(ledger, CASHIER, "物业服务费", "2026-11", rate_text="2.60").rate_for(Month(2026, 11)) is not None


def test_a_rate_for_a_unit_the_ledger_lacks_is_refused(ledger: Ledger, tmp_path: Path) -> None:
    small_estate(ledger, tmp_path)
    with pytest.raises(NotFoundError) as caught:
        add_rule(ledger, CASHIER, "储藏室管理费", "fixed", "10", "2026-01", units=["1-1-101", "9-9-909"])
    assert caught.value.message == (
        "台账中没有房屋 9-9-909：请用 recordkit owners list 查看已有房号，--unit 只能写已有的房屋"
    )
    with pytest.raises(NotFoundError):
        set_rule(ledger, CASHIER, "停车费", "2026-11", units=["3栋2单元1209室"])
    assert [item.name for item in list_rules(ledger)] == ["物业服务费", "垃圾清运费", "停车费"]


def test_money_paid_ahead_for_named_months_pays_no_earlier_bill(ledger: Ledger, tmp_path: Path) -> None:
    """预收款 2027年1月至2027年3月 on the receipt: December's bill, made afterwards, is not paid from it
    (the payer left November and December owing on purpose); January to March are."""
    small_estate(ledger, tmp_path)
    bill_months(ledger, "2026-11")
    receipt = pay(
        ledger,
        RECEIPTS,
        CASHIER,
        PaymentRequest("1-1-101", 3 * MONTHLY["1-1-101"], months=parse_month_range("2027-01..2027-03"), paid_on=DAY),
    )
    assert [(line.item, line.period) for line in receipt.lines] == [("预收款", "2027-01..2027-03")]
    assert bill_month(ledger, "2026-12", CASHIER, advance=True).prepayment_applied_fen == 0
    assert unit_balance(ledger, "1-1-101", dt.date(2026, 12, 31)) == (2 * MONTHLY["1-1-101"], 3 * MONTHLY["1-1-101"])
    for month in ("2027-01", "2027-02", "2027-03"):
        assert bill_month(ledger, month, CASHIER, advance=True).prepayment_applied_fen == MONTHLY["1-1-101"]
    assert bill_month(ledger, "2027-04", CASHIER, advance=True).prepayment_applied_fen == 0
    assert unit_balance(ledger, "1-1-101", dt.date(2027, 3, 31)) == (2 * MONTHLY["1-1-101"], 0)


# -- occupancy of the month billed ---------------------------------------------------------------

# SAMPLE_ROWS with 3-2-1202 sold and moved into, and 1-1-101 moved out of (its 入住日期 kept).
MOVED_IN = ["3", "2", "1202", 143.8, "王磊", "13700001111", None, dt.date(2026, 11, 20), "已入住"]
MOVED_IN_UNDATED = ["3", "2", "1202", 143.8, "王磊", "13700001111", None, None, "已入住"]
MOVED_OUT = ["1", "1", "101", 89.35, "张伟", "13812345678", "110101199003071233", dt.date(2020, 5, 1), "空置"]


def _property_fees(ledger: Ledger, month: str) -> dict[str, int]:
    with ledger.read() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT u.code, b.amount_fen FROM bills b JOIN units u ON u.id = b.unit_id "
                "JOIN fee_items i ON i.id = b.item_id WHERE i.name = '物业服务费' AND b.month = :month"
            ),
            {"month": month},
        )
        return dict(rows.all())


def test_rebill_of_an_old_month_uses_the_move_in_date(ledger: Ledger, tmp_path: Path) -> None:
    small_estate(ledger, tmp_path)
    bill_months(ledger, "2025-03")
    # 143.80 ㎡ × 2.35 元 × 70 % = 236.551 元 while vacant; × 100 % = 337.93 元 once moved in.
    assert _property_fees(ledger, "2025-03")["3-2-1202"] == 23655
    rows = [*SAMPLE_ROWS[:3], MOVED_IN]
    import_owners(ledger, write_sheet(tmp_path / "名册2.xlsx", rows), CASHIER)
    again = bill_month(ledger, "2025-03", CASHIER, rebill=True)
    assert _property_fees(ledger, "2025-03")["3-2-1202"] == 23655
    assert (again.rebilled, again.removed, again.today_occupancy) == (0, 0, [])
    # The month it moved in (on the 20th) it is billed as occupied.
    november = bill_month(ledger, "2026-11", CASHIER, today=DAY)
    assert _property_fees(ledger, "2026-11")["3-2-1202"] == 33793
    assert november.today_occupancy == []


def test_a_month_before_the_move_in_date_with_no_status_recorded_then_is_billed_as_delivered(
    ledger: Ledger, tmp_path: Path
) -> None:
    """A roster imported once, after the months billed (an office starting with recordkit, the demo): a unit
    that moved in on 2026-11-20 had not moved in by 2025-03, and nothing says it was 空置 then.  It was sold
    (it has an owner): 已交付, which gets no vacant discount (README: 已售未入住，不按空置房打折), not 空置."""
    rows = [*SAMPLE_ROWS[:3], MOVED_IN]
    import_owners(ledger, write_sheet(tmp_path / "名册.xlsx", rows), CASHIER)
    add_rule(ledger, CASHIER, "物业服务费", "area", "2.35", "2025-01", vacant_percent=70)
    summary = bill_month(ledger, "2025-03", CASHIER, advance=True)
    # 143.80 ㎡ × 2.35 元 = 337.93 元, no discount (空置 would be × 70 % = 236.55 元).
    assert _property_fees(ledger, "2025-03")["3-2-1202"] == 33793
    assert summary.today_occupancy == []


def test_rebill_names_the_units_billed_with_todays_occupancy(ledger: Ledger, tmp_path: Path) -> None:
    small_estate(ledger, tmp_path)
    bill_months(ledger, "2025-03")
    rows = [MOVED_OUT, *SAMPLE_ROWS[1:3], MOVED_IN_UNDATED]
    import_owners(ledger, write_sheet(tmp_path / "名册2.xlsx", rows), CASHIER)
    again = bill_month(ledger, "2025-03", CASHIER, rebill=True)
    # Nothing says when either changed: today's occupancy, and the units named.
    # 89.35 ㎡ × 2.35 元 × 70 % = 146.98 元; 3-2-1202 at the full 337.93 元.
    fees = _property_fees(ledger, "2025-03")
    assert (fees["1-1-101"], fees["3-2-1202"]) == (14698, 33793)
    assert again.today_occupancy == [("1-1-101", "vacant"), ("3-2-1202", "occupied")]
