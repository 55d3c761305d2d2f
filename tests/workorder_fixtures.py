"""The sample work-order logbooks the README and the tests import (units of SAMPLE_ROWS)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from recordkit.ledger import journal
from recordkit.ledger.db import Ledger
from recordkit.workorders.logbook import LOGBOOK_HEADERS
from tests.conftest import write_sheet
from tests.revisions import mark_as_of

# 类型 房号 地点 类别 内容 报修人 电话 报修时间 派工 派工时间 完成时间 处理结果 回访时间 满意度 回访意见
LOGBOOK_ROWS: list[list[Any]] = [
    [
        "报修",
        "1-1-101",
        None,
        "水电",
        "卫生间下水堵塞",
        "张伟",
        "13812345678",
        "2026-09-02 08:30",
        "刘师傅",
        "2026-09-02 09:00",
        "2026-09-02 11:00",
        "已疏通",
        "2026-09-03 10:00",
        "满意",
        "业主表示满意",
    ],
    [
        "投诉",
        "3栋2单元1201",
        None,
        "噪音",
        "楼下商铺夜间施工",
        "李秀英",
        "13987654321",
        dt.datetime(2026, 9, 10, 22, 15),
        "秩序部",
        dt.datetime(2026, 9, 10, 22, 30),
        dt.datetime(2026, 9, 11, 9, 0),
        "已约谈施工方",
        dt.datetime(2026, 9, 12, 10, 0),
        "基本满意",
        None,
    ],
    [
        "报修",
        None,
        "3栋大堂",
        "公共设施",
        "大堂门禁失灵",
        "王保安",
        None,
        "2026-09-15 07:50",
        "弱电班",
        "2026-09-15 08:20",
        None,
        None,
        None,
        None,
        None,
    ],
]

# Below the title and header rows: row 3 has a type that is not one, row 4 a unit the ledger does
# not hold, row 5 was finished before it was dispatched.
BAD_LOGBOOK_ROWS: list[list[Any]] = [
    [
        "维修",
        "1-1-101",
        None,
        "水电",
        "水管漏水",
        None,
        None,
        "2026-09-02 08:30",
        None,
        None,
        None,
        None,
        None,
        None,
        None,
    ],
    [
        "报修",
        "9-9-909",
        None,
        "门窗",
        "窗户关不上",
        None,
        None,
        "2026-09-03 08:30",
        None,
        None,
        None,
        None,
        None,
        None,
        None,
    ],
    [
        "报修",
        "1-1-102",
        None,
        "电梯",
        "电梯异响",
        None,
        None,
        "2026-09-05 10:00",
        "电梯公司",
        "2026-09-05 10:30",
        "2026-09-04 12:00",
        "已调整",
        None,
        None,
        None,
    ],
]


def write_logbook(path: Path, rows: list[list[Any]] = LOGBOOK_ROWS) -> Path:
    return write_sheet(path, rows, headers=LOGBOOK_HEADERS, title="工单登记簿（2026年）")


def pass_on_the_old_way(ledger: Ledger, number: str, before: tuple[str, str], after: tuple[str, str]) -> None:
    """As ``workorder assign`` passed an order on before reassignments were journalled as such (13bd917): the row's
    worker and dispatch time moved to the new ones (``after``: worker, time as typed), and the journal's
    ``workorder.assign`` entry kept the worker and dispatch time before it (``before``) and the status, as its
    ``_update`` wrote them."""
    with ledger.write() as conn:
        conn.execute(
            # (0024's flag of a step written as a day alone was false for every step recorded before it)
            sa.text(
                "UPDATE work_orders SET assignee = :to, assigned_at = :at, assigned_day_only = :no WHERE number = :n"
            ),
            {"to": after[0], "at": dt.datetime.fromisoformat(after[1]), "no": False, "n": number},
        )
        change = journal.Change(
            "workorder.assign",
            "workorder",
            number,
            {"assignee": before[0], "assigned_at": before[1], "status": "处理中"},
            {"assignee": after[0], "assigned_at": after[1], "status": "处理中"},
        )
        journal.record(conn, "测试员", [change])


def left_at_0025(ledger: Ledger) -> None:
    """The ledger marked as of migration 0025 (0026 changes no table's layout): opened again, it is upgraded."""
    with ledger.write() as conn:
        mark_as_of(conn, "0025")
