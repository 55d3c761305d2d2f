"""The demo estate's work orders: a year of repair requests and complaints, deterministic from a seed.

Pure values (``WorkOrderRecord``s); the demo step inserts them with ``workorders.add_many``.
Most orders are dispatched, finished and visited within their limits; some run late, some
are still open past their limits today, and some complaints come back within 30 days.
"""

from __future__ import annotations

import datetime as dt
import random
from bisect import bisect_right
from collections.abc import Sequence

from recordkit.core.config import WorkOrderSettings
from recordkit.core.dates import Month
from recordkit.workorders.orders import WorkOrderRecord, limits_for

# (category, weight, descriptions, results, who is sent)
_REPAIRS = (
    (
        "水电",
        34,
        ("厨房水管漏水", "卫生间下水堵塞", "客厅插座没电", "热水器不出热水", "阳台地漏返水", "水表阀门关不严"),
        ("已更换水管接头", "已疏通下水", "已更换插座", "已更换阀门", "已处理，试水正常"),
        ("刘师傅", "王师傅", "陈师傅"),
    ),
    (
        "门窗",
        14,
        ("入户门锁坏", "窗户关不严漏风", "单元门闭门器坏", "纱窗脱落"),
        ("已更换门锁", "已调整窗扇", "已更换闭门器", "已重新安装"),
        ("陈师傅", "王师傅"),
    ),
    (
        "电梯",
        10,
        ("电梯困人", "电梯异响", "电梯按钮失灵", "电梯门关不上"),
        ("已解救，电梯恢复运行", "已更换导靴", "已更换按钮", "已调整门机"),
        ("电梯公司",),
    ),
    (
        "公共设施",
        18,
        ("楼道灯不亮", "地下车库照明不亮", "单元门禁失灵", "小区路面破损", "健身器材损坏"),
        ("已更换灯具", "已修复门禁", "已修补路面", "已修复器材"),
        ("刘师傅", "弱电班", "陈师傅"),
    ),
    ("卫生", 4, ("楼道有积水", "垃圾桶破损"), ("已清理", "已更换垃圾桶"), ("保洁部",)),
    ("其他", 4, ("信报箱坏了", "楼顶防水渗漏"), ("已修复", "已做防水处理"), ("王师傅",)),
)
_COMPLAINTS = (
    (
        "噪音",
        30,
        ("楼上夜间装修噪音", "广场舞音量太大", "楼下商铺夜间施工", "邻居家狗叫扰民"),
        ("已上门劝止", "已与业主沟通，约定时间", "已约谈施工方"),
        ("秩序部",),
    ),
    ("卫生", 18, ("垃圾清运不及时", "楼道堆放杂物", "绿化带有垃圾"), ("已清运", "已清理并张贴提示"), ("保洁部",)),
    (
        "安保",
        14,
        ("外来人员随意进出", "车辆乱停堵塞消防通道", "夜间巡逻不到位"),
        ("已加强门岗查验", "已通知车主挪车", "已调整巡逻路线"),
        ("秩序部",),
    ),
    (
        "收费",
        14,
        ("物业费金额有疑问", "停车费收费有疑问", "水费读数不对"),
        ("已解释收费标准", "已复核读数并更正", "已核对账单"),
        ("客服部",),
    ),
    (
        "公共设施",
        10,
        ("电梯维修太慢", "小区路灯长期不亮", "健身器材无人维修"),
        ("已督促维修", "已安排检修"),
        ("工程部",),
    ),
    ("电梯", 6, ("电梯经常故障", "电梯维保不到位"), ("已约谈维保单位", "已加强巡检"), ("工程部",)),
    ("门窗", 4, ("单元门长期坏着没人修",), ("已更换单元门锁",), ("工程部",)),
    ("其他", 4, ("前台服务态度不好", "快递堆放在大堂"), ("已向业主致歉并整改", "已规范快递存放"), ("客服部",)),
)
_PUBLIC = {"电梯", "公共设施"}
_PLACES = {
    "电梯": ("{building}栋1号电梯", "{building}栋2号电梯"),
    "公共设施": ("{building}栋大堂", "{building}栋地下车库", "小区东门", "中心花园"),
}
_SATISFACTION = (("满意", 70), ("基本满意", 22), ("不满意", 8))


#: (category, weight, descriptions, results, who is sent)
_Row = tuple[str, int, tuple[str, ...], tuple[str, ...], tuple[str, ...]]


def _pick(rng: random.Random, table: Sequence[_Row]) -> _Row:
    return rng.choices(table, weights=[row[1] for row in table])[0]


def demo_work_orders(
    rng: random.Random,
    settings: WorkOrderSettings,
    units: Sequence[tuple[str, str | None, str | None, dt.date]],
    months: Sequence[Month],
    now: dt.datetime,
) -> list[WorkOrderRecord]:
    """20–40 orders a month for ``months`` (past months: how many never depends on ``now``, so
    the demo's journal count is the same every day), every category of both types.  ``units``
    are (unit code, owner name, owner phone, move-in date) of occupied units, some moved into before
    the first month; a unit's orders come on or after its move-in; nothing after ``now`` happens."""
    residents = sorted(units, key=lambda unit: (unit[3], unit[0]))
    moved_in = [unit[3] for unit in residents]
    records: list[WorkOrderRecord] = []
    complaints: list[WorkOrderRecord] = []
    recent_months = set(months[-2:])
    for month in months:
        start = dt.datetime(month.year, month.month, 1)
        span = ((month + 1).first_day() - month.first_day()).days
        count = rng.randint(20, 40)
        for index in range(count):
            kind = "投诉" if rng.random() < 0.32 else "报修"
            table = _COMPLAINTS if kind == "投诉" else _REPAIRS
            # The first orders of each month cycle through the categories, so every one appears.
            row = table[index] if index < len(table) else _pick(rng, table)
            category, _, descriptions, results, workers = row
            opened = start + dt.timedelta(
                days=rng.randrange(span),
                hours=rng.choice((8, 9, 10, 11, 14, 15, 16, 19, 21)),
                minutes=rng.randrange(0, 60, 5),
            )
            # A unit nobody lived in yet reports nothing: one of those moved in by that day.
            chosen_unit, owner, phone, _ = residents[rng.randrange(bisect_right(moved_in, opened.date()))]
            unit: str | None = chosen_unit
            place = None
            recent = [c for c in complaints[-30:] if opened - dt.timedelta(days=28) < c.opened_at < opened]
            repeated = rng.choice(recent) if kind == "投诉" and recent and rng.random() < 0.3 else None
            if repeated is not None and repeated.unit:
                unit, category = repeated.unit, repeated.category
                owner, phone = repeated.reported_by, repeated.phone
                descriptions = (f"{repeated.description}，问题又出现了",)
            elif category in _PUBLIC and kind == "报修" and rng.random() < 0.6:
                building = chosen_unit.split("-")[0]
                unit, owner, phone = None, None, None
                place = rng.choice(_PLACES[category]).format(building=building)
            response, close = limits_for(settings, category)
            late_response = rng.random() < 0.08
            assigned = opened + dt.timedelta(
                minutes=int(response * 60 * (rng.uniform(1.1, 2.5) if late_response else rng.uniform(0.05, 0.9)))
            )
            late_close = rng.random() < 0.1
            closed = opened + dt.timedelta(
                minutes=int(close * 60 * (rng.uniform(1.05, 2.0) if late_close else rng.uniform(0.2, 0.95)))
            )
            closed = max(closed, assigned + dt.timedelta(minutes=20))
            # In the last two months a few stay open — waiting for parts, or not yet dispatched.
            stuck = month in recent_months and rng.random() < 0.12
            undispatched = stuck and rng.random() < 0.3
            visits = rng.random() < 0.85
            visit = closed + dt.timedelta(days=rng.randint(1, 3), hours=rng.randint(0, 4))
            weights = [40, 30, 30] if late_close or late_response else [w for _, w in _SATISFACTION]
            satisfaction: str | None = rng.choices([s for s, _ in _SATISFACTION], weights=weights)[0]
            description, result, worker = rng.choice(descriptions), rng.choice(results), rng.choice(workers)
            # Every draw is made above, so what ``now`` cuts off below never shifts the rest of the year.
            assigned_at = None if undispatched or assigned > now else assigned
            closed_at = None if assigned_at is None or stuck or closed > now else closed
            visited_at = visit if closed_at is not None and visits and visit <= now else None
            satisfaction = satisfaction if visited_at is not None else None
            record = WorkOrderRecord(
                type=kind,
                category=category,
                description=description,
                opened_at=opened,
                unit=unit,
                place=place,
                reported_by=owner if unit else "保安巡查",
                phone=phone if unit else None,
                assignee=worker if assigned_at else None,
                assigned_at=assigned_at,
                closed_at=closed_at,
                result=result if closed_at else None,
                visited_at=visited_at,
                satisfaction=satisfaction,
                visit_notes=(
                    "业主表示满意" if satisfaction == "满意" else "业主希望处理更及时" if satisfaction else None
                ),
            )
            records.append(record)
            if kind == "投诉" and unit:
                complaints.append(record)
    return records
