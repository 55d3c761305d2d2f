"""Deterministic demo estate: buildings, units and owners made up from a seed.

Owns only the generation of plausible data (names, phones, ID numbers, areas,
occupancy); it writes nothing and knows nothing of the ledger or documents.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import accumulate

from recordkit.core.dates import years_after
from recordkit.core.personal import id_number_check_digit

STATUS_OCCUPIED = "已入住"
STATUS_DELIVERED = "已交付"
STATUS_VACANT = "空置"


@dataclass(frozen=True)
class DemoUnit:
    """One unit of the demo estate and its owner.

    An 已入住 unit has an owner and a move-in date; an 已交付 unit has an owner
    and no move-in date; a 空置 unit has no move-in date and either an owner who
    lives elsewhere or, not sold yet, the developer (``DEVELOPER_NAME``: a company, its
    phone and no ID number) as its owner, who pays its fees.
    """

    building: str
    entrance: str
    room: str
    floor_area: Decimal
    owner_name: str | None
    phone: str | None
    id_number: str | None
    move_in_date: datetime.date | None
    status: str
    #: The day its building was handed over to the buyers (交付), as of the estate's day (``as_of``): it was bought
    #: before, moved into after.
    delivered: datetime.date

    @property
    def code(self) -> str:
        """The canonical unit code, e.g. ``3-2-1201``."""
        return f"{self.building}-{self.entrance}-{self.room}"


@dataclass(frozen=True)
class _Owner:
    name: str
    phone: str
    id_number: str | None


#: Who holds the units not sold yet, registered as their owner as a real office keeps them, so that each unit billed
#: has a payer: the estate's developer, named after it as the demo names its office (幸福里物业服务中心).  A company
#: has a phone and no resident ID number.
DEVELOPER_NAME = "幸福里房地产开发有限公司"
DEVELOPER = _Owner(DEVELOPER_NAME, "025-86692288", None)


@dataclass(frozen=True)
class _Building:
    number: int
    entrances: int
    floors: int
    areas_centi: tuple[int, ...]  # floor area per room position, in 0.01 m²
    delivered: datetime.date


class _Weighted:
    """A weighted choice with cumulative weights computed once (hot path)."""

    def __init__(self, items: Sequence[tuple[str, int]]) -> None:
        self.values = [value for value, _ in items]
        self.cum_weights = list(accumulate(weight for _, weight in items))

    def pick(self, rng: random.Random) -> str:
        return rng.choices(self.values, cum_weights=self.cum_weights)[0]


# Surnames with rough shares per ten thousand people (national statistics).
_SURNAMES = _Weighted(
    [
        ("王", 710),
        ("李", 700),
        ("张", 670),
        ("刘", 540),
        ("陈", 460),
        ("杨", 310),
        ("黄", 220),
        ("赵", 220),
        ("吴", 200),
        ("周", 190),
        ("徐", 150),
        ("孙", 150),
        ("马", 140),
        ("朱", 130),
        ("胡", 130),
        ("郭", 120),
        ("何", 120),
        ("林", 110),
        ("罗", 100),
        ("高", 100),
        ("郑", 90),
        ("梁", 80),
        ("谢", 70),
        ("宋", 70),
        ("唐", 70),
        ("许", 70),
        ("韩", 60),
        ("冯", 60),
        ("邓", 60),
        ("曹", 60),
        ("彭", 60),
        ("曾", 60),
        ("肖", 50),
        ("田", 50),
        ("董", 50),
        ("袁", 50),
        ("潘", 50),
        ("于", 50),
        ("蒋", 50),
        ("蔡", 50),
        ("余", 40),
        ("杜", 40),
        ("叶", 40),
        ("程", 40),
        ("苏", 40),
        ("魏", 40),
        ("吕", 40),
        ("丁", 40),
        ("任", 40),
        ("沈", 40),
        ("姚", 30),
        ("卢", 30),
        ("姜", 30),
        ("崔", 30),
        ("钟", 30),
        ("谭", 30),
        ("陆", 30),
        ("汪", 30),
        ("范", 30),
        ("金", 30),
        ("欧阳", 4),
        ("司马", 1),
        ("上官", 1),
    ]
)

_MALE_FIRST = "建国志文永海俊子浩宇嘉明晓家立振德春天正鹏世学思博雨晨"
_MALE_SECOND = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宁浩凯健峰林东晨阳亮成龙兴荣庆昊然轩睿哲泽航"
_MALE_SINGLE = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宁浩凯健峰林东亮龙"
_FEMALE_FIRST = "秀桂玉美丽晓雅思子欣佳雨诗梦淑春静婉若慧"
_FEMALE_SECOND = "芳娜敏静丽艳娟霞英华慧玲婷雪琳倩颖燕红萍洁梅莉欣怡琪璐晶丹蓉薇萱涵"
_FEMALE_SINGLE = "芳娜敏静丽艳娟霞英慧玲婷雪琳倩颖燕红萍洁梅莉丹"

# Real county-level region codes, grouped by province (direct-controlled
# cities count as provinces), so an estate can favour its own province.
_REGIONS: tuple[tuple[str, ...], ...] = (
    ("110101", "110105", "110108", "110106"),  # 北京 东城 朝阳 海淀 丰台
    ("310104", "310115", "310105", "310110"),  # 上海 徐汇 浦东 长宁 杨浦
    ("440305", "440304", "440106", "440104"),  # 广东 深圳南山 福田 广州天河 越秀
    ("320102", "320106", "320508", "320211"),  # 江苏 南京玄武 鼓楼 苏州姑苏 无锡滨湖
    ("510104", "510107", "510108", "510124"),  # 四川 成都锦江 武侯 成华 郫县
    ("420102", "420106", "420111", "420502"),  # 湖北 武汉江岸 武昌 洪山 宜昌西陵
    ("330106", "330102", "330203", "330302"),  # 浙江 杭州西湖 上城 宁波海曙 温州鹿城
    ("370102", "370202", "370303", "370602"),  # 山东 济南历下 青岛市南 淄博张店 烟台芝罘
    ("410105", "410305", "411102"),  # 河南 郑州金水 洛阳涧西 漯河源汇
    ("430102", "430104", "430602"),  # 湖南 长沙芙蓉 岳麓 岳阳岳阳楼
    ("610113", "610103", "610402"),  # 陕西 西安雁塔 碑林 咸阳秦都
    ("350102", "350203", "350503"),  # 福建 福州鼓楼 厦门思明 泉州丰泽
)
_HOME_PROVINCE_SHARE = 0.55

_PHONE_PREFIXES = _Weighted(
    [(str(p), 8) for p in range(130, 140)]
    + [(str(p), 7) for p in (150, 151, 152, 153, 155, 156, 157, 158, 159)]
    + [(str(p), 7) for p in range(180, 190)]
    + [(str(p), 3) for p in (147, 166, 173, 175, 176, 177, 178, 191, 198, 199)]
)

# Room-type floor areas in 0.01 m²: 两室两厅, 三室两厅, 四室两厅.
_SMALL, _MEDIUM, _LARGE = 8935, 11862, 14380
# Floor plans by rooms per floor per entrance: larger flats at the ends.
_FLOOR_PLANS: dict[int, tuple[tuple[int, ...], ...]] = {
    2: ((_MEDIUM, _MEDIUM), (_LARGE, _LARGE), (_MEDIUM, _LARGE)),
    3: ((_MEDIUM, _SMALL, _MEDIUM), (_LARGE, _SMALL, _MEDIUM)),
    4: ((_MEDIUM, _SMALL, _SMALL, _MEDIUM), (_LARGE, _SMALL, _SMALL, _LARGE)),
}
# 11 floors: 小高层; 18 and 33 are the usual fire-code steps of high-rises.
_FLOOR_COUNTS = (11, 11, 17, 18, 18, 24, 26, 28, 32, 33, 33)
_ROOMS_PER_FLOOR = (2, 2, 2, 3, 3, 4, 4)
_ENTRANCES = (2, 2, 3)

_STATUS_WEIGHTS = (80, 8, 12)  # 已入住 / 已交付 / 空置
_VACANT_WITH_OWNER_SHARE = 0.6  # the rest is not sold yet: the developer's
_TWO_UNIT_OWNER_SHARE = 0.02
_BUILDINGS_PER_PHASE = 6
_FIRST_DELIVERY = datetime.date(2015, 1, 1)
_LAST_DELIVERY = datetime.date(2025, 6, 30)
_LAST_MOVE_IN = datetime.date(2026, 9, 30)
#: How old an owner is when the unit is handed over: the youngest and the oldest, in years.
_OWNER_AGES = (25, 75)
#: The day the roster's dates above are drawn for.  An estate made as of an earlier day has its dates (handovers,
#: move-ins, leases, the owners' birth dates in their ID numbers) moved back by as many days, so that nobody moved in
#: after it, nor owned a flat before being born; one made as of this day or later keeps them where they were drawn,
#: so that it holds the same dates, ID numbers, 档号 and files whatever day it is built on (the tests' demo is built as
#: of the day they run).  The draws themselves (names, phones, which owner holds which unit) stay those of the seed.
DRAWN_FOR = datetime.date(2026, 12, 5)


def as_of(day: datetime.date, today: datetime.date | None) -> datetime.date:
    """``day``, drawn for ``DRAWN_FOR``, as it falls in an estate made as of ``today``: moved back when ``today`` is
    earlier, else (and for None) as drawn."""
    return day if today is None or today >= DRAWN_FOR else day - (DRAWN_FOR - today)


def generate_estate(seed: int = 2026, min_units: int = 1000, today: datetime.date | None = None) -> list[DemoUnit]:
    """Make a demo estate of at least ``min_units`` units, sorted by unit code, as of ``today`` (its move-ins
    before it; None: as of ``DRAWN_FOR``).

    The same seed gives the same estate in every run.  Phones and ID numbers
    are valid and belong to one owner each; about 2% of owners hold two units
    and appear with identical name, phone and ID number on both.  The units
    no one bought are the developer's (``DEVELOPER``), all under its name and phone.
    Raises ``ValueError`` when ``min_units`` is not positive.
    """
    if min_units < 1:
        raise ValueError(f"min_units must be positive, got {min_units}")
    rng = random.Random(seed)
    home_province = rng.randrange(len(_REGIONS))
    buildings = _plan_buildings(rng, min_units)

    slots: list[tuple[_Building, str, str, int]] = [
        (building, str(entrance), str(floor * 100 + position + 1), area)
        for building in buildings
        for entrance in range(1, building.entrances + 1)
        for floor in range(1, building.floors + 1)
        for position, area in enumerate(building.areas_centi)
    ]
    statuses = rng.choices(
        (STATUS_OCCUPIED, STATUS_DELIVERED, STATUS_VACANT),
        weights=_STATUS_WEIGHTS,
        k=len(slots),
    )
    bought = [status != STATUS_VACANT or rng.random() < _VACANT_WITH_OWNER_SHARE for status in statuses]
    second_units = _pick_second_units(rng, [i for i, has in enumerate(bought) if has])

    used_names: set[str] = set()
    used_phones: set[str] = set()
    used_ids: set[str] = set()
    owners = [DEVELOPER] * len(slots)  # a unit no one bought is the developer's
    for index, sold in enumerate(bought):
        if not sold or index in second_units:
            continue
        owners[index] = _make_owner(
            rng,
            home_province,
            slots[index][0].delivered,
            today,
            used_names,
            used_phones,
            used_ids,
        )
    for second, first in second_units.items():
        owners[second] = owners[first]

    units: list[DemoUnit] = []
    for (building, entrance, room, area), status, owner in zip(slots, statuses, owners, strict=True):
        move_in = None
        if status == STATUS_OCCUPIED:
            move_in = as_of(_move_in_date(rng, building.delivered), today)
        units.append(
            DemoUnit(
                building=str(building.number),
                entrance=entrance,
                room=room,
                floor_area=Decimal(area).scaleb(-2),
                owner_name=owner.name,
                phone=owner.phone,
                id_number=owner.id_number,
                move_in_date=move_in,
                status=status,
                delivered=as_of(building.delivered, today),
            )
        )
    units.sort(key=lambda u: (int(u.building), int(u.entrance), int(u.room)))
    return units


def _plan_buildings(rng: random.Random, min_units: int) -> list[_Building]:
    """Add buildings until the estate holds ``min_units``; deliver them in phases."""
    buildings: list[_Building] = []
    total = 0
    delivered = _random_date(rng, _FIRST_DELIVERY, datetime.date(2016, 12, 31))
    while total < min_units:
        number = len(buildings) + 1
        if number > 1 and (number - 1) % _BUILDINGS_PER_PHASE == 0:
            # A later phase (二期, 三期 …) is handed over one to three years on.
            delivered = min(
                delivered + datetime.timedelta(days=rng.randint(365, 1100)),
                _LAST_DELIVERY,
            )
        entrances = rng.choice(_ENTRANCES)
        floors = rng.choice(_FLOOR_COUNTS)
        plan = rng.choice(_FLOOR_PLANS[rng.choice(_ROOMS_PER_FLOOR)])
        # Same plan, slightly different measured area in every building.
        areas = tuple(area + rng.randint(-150, 150) for area in plan)
        buildings.append(_Building(number, entrances, floors, areas, delivered))
        total += entrances * floors * len(areas)
    return buildings


def _pick_second_units(rng: random.Random, owned: list[int]) -> dict[int, int]:
    """Map each unit whose owner already holds another unit to that other unit."""
    # With n owned units and share s of owners holding two: owners = n / (1 + s).
    pairs = round(len(owned) * _TWO_UNIT_OWNER_SHARE / (1 + _TWO_UNIT_OWNER_SHARE))
    chosen = rng.sample(owned, 2 * pairs)
    return {max(chosen[2 * i], chosen[2 * i + 1]): min(chosen[2 * i], chosen[2 * i + 1]) for i in range(pairs)}


def _make_owner(
    rng: random.Random,
    home_province: int,
    delivered: datetime.date,
    today: datetime.date | None,
    used_names: set[str],
    used_phones: set[str],
    used_ids: set[str],
) -> _Owner:
    """A new owner of a unit handed over on ``delivered`` (as drawn), in an estate made as of ``today``: a name, phone
    and ID number no one else has."""
    male = rng.random() < 0.5
    youngest, oldest = _OWNER_AGES
    # Born as many days earlier as the handover is moved back (``as_of``): the same age at it, whatever the estate's day.
    birth = as_of(_random_date(rng, years_after(delivered, -oldest), years_after(delivered, -youngest)), today)

    # Namesakes are real, but in a demo they make every search ambiguous.
    name = _chinese_name(rng, male)
    for _ in range(20):
        if name not in used_names:
            break
        name = _chinese_name(rng, male)
    used_names.add(name)

    phone = _PHONE_PREFIXES.pick(rng) + f"{rng.randrange(10**8):08d}"
    while phone in used_phones:
        phone = _PHONE_PREFIXES.pick(rng) + f"{rng.randrange(10**8):08d}"
    used_phones.add(phone)

    province = home_province
    if rng.random() >= _HOME_PROVINCE_SHARE:
        province = rng.randrange(len(_REGIONS))
    region = rng.choice(_REGIONS[province])
    id_number = _id_number(rng, region, birth, male)
    while id_number in used_ids:
        id_number = _id_number(rng, region, birth, male)
    used_ids.add(id_number)
    return _Owner(name, phone, id_number)


def _chinese_name(rng: random.Random, male: bool) -> str:
    surname = _SURNAMES.pick(rng)
    if rng.random() < 0.25:
        return surname + rng.choice(_MALE_SINGLE if male else _FEMALE_SINGLE)
    first = rng.choice(_MALE_FIRST if male else _FEMALE_FIRST)
    second = rng.choice(_MALE_SECOND if male else _FEMALE_SECOND)
    while second == first:
        second = rng.choice(_MALE_SECOND if male else _FEMALE_SECOND)
    return surname + first + second


def _id_number(rng: random.Random, region: str, birth: datetime.date, male: bool) -> str:
    # The third sequence digit is odd for men and even for women (GB 11643).
    sex_digit = rng.choice((1, 3, 5, 7, 9) if male else (0, 2, 4, 6, 8))
    return _id_number_of(region, birth, rng.randrange(1, 100) * 10 + sex_digit)


def _id_number_of(region: str, birth: datetime.date, sequence: int) -> str:
    """The ID number issued in ``region`` to someone born on ``birth`` with ``sequence``, its check digit computed."""
    first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return first17 + id_number_check_digit(first17)


@dataclass(frozen=True)
class DemoWorker:
    """A renovation worker of the demo, of the same ``age`` on the day his pass is issued whatever day the demo is
    built as of (a fixed ID number made him 13 in a demo of 2005, or 76 in one of 2026): his birth year follows that
    day; his region, birthday and sequence number (odd: a man's, GB 11643) stay."""

    name: str
    trade: str
    region: str
    birthday: tuple[int, int]  # month, day
    age: int
    sequence: int

    def id_number(self, on: datetime.date) -> str:
        """His ID number, born ``age`` years before ``on`` (or a year more when his birthday is still to come)."""
        month, day = self.birthday
        born = datetime.date(on.year - self.age - ((month, day) > (on.month, on.day)), month, day)
        return _id_number_of(self.region, born, self.sequence)

    def pass_spec(self, on: datetime.date) -> str:
        """How a clerk gives him to ``renovation pass --worker`` on ``on``: 姓名,身份证号,工种."""
        return f"{self.name},{self.id_number(on)},{self.trade}"


@dataclass(frozen=True)
class DemoForeignWorker:
    """A renovation worker of the demo who holds a passport, no resident ID card: his pass shows the office writing
    ``姓名,护照:号码,工种``.  A passport's number tells no age, so it stays whatever day the demo is built as of."""

    name: str
    trade: str
    passport: str

    def pass_spec(self, on: datetime.date) -> str:
        """How a clerk gives him to ``renovation pass --worker`` (on any day): 姓名,护照:号码,工种."""
        return f"{self.name},护照:{self.passport},{self.trade}"


def _move_in_date(rng: random.Random, delivered: datetime.date) -> datetime.date:
    """Most owners move in within a year of handover; a tail comes years later."""
    earliest = delivered + datetime.timedelta(days=14)
    roll = rng.random()
    if roll < 0.6:
        latest = delivered + datetime.timedelta(days=365)
    elif roll < 0.85:
        latest = delivered + datetime.timedelta(days=4 * 365)
    else:
        latest = _LAST_MOVE_IN
    return _random_date(rng, earliest, min(latest, _LAST_MOVE_IN))


def _random_date(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    return datetime.date.fromordinal(rng.randint(first.toordinal(), last.toordinal()))


# -- issue 15: the second phase and the other kinds of unit -------------------------------------

#: The demo's 区/期: the high-rises above are 一期 without saying so (their codes stay 3-2-1201);
#: 二期 has low-rise flats without 单元 and villas.
SECOND_PHASE = "二期"
#: The layout another property system exports its 房产资料 in (the demo imports it as a clerk would).
OTHER_SYSTEM_HEADERS = (
    "分期", "楼栋编号", "房间", "类型", "建筑面积", "业主姓名", "联系电话", "身份证号", "入住日期", "房屋状态", "关系",
    "起租日期", "到期日期",
)  # fmt: skip
_SECOND_PHASE_DELIVERED = datetime.date(2024, 6, 30)


def delivery_day(code: str, first_phase: Sequence[DemoUnit], today: datetime.date | None = None) -> datetime.date:
    """The day the unit ``code`` was handed over to its buyer in an estate made as of ``today``: its building's for a
    flat of ``first_phase``, else the second phase's (二期, the shops: ``generate_other_kinds``)."""
    return next((u.delivered for u in first_phase if u.code == code), as_of(_SECOND_PHASE_DELIVERED, today))


def generate_other_kinds(
    first_phase: Sequence[DemoUnit], seed: int = 2026, today: datetime.date | None = None
) -> list[list[object]]:
    """The rows of the demo's second roster, in ``OTHER_SYSTEM_HEADERS`` order, as of ``today`` (its move-ins and
    leases begun before it; None: as of ``DRAWN_FOR``).

    二期: two low-rise buildings of flats without 单元 (二期·1-101 …) and twelve villas, some
    co-owned (two names in one cell) and some let (a 租户 row with the tenant's ID number, or a family member's row);
    eight ground-floor shops (商铺S-101 …); forty parking spaces (车位B1-001 …), most bought by
    owners of flats in ``first_phase`` (same name, phone and ID: the same person), some by people
    who own no flat and the last ones not sold.  A shop or a parking space not sold (未销售) is the
    developer's, as the first phase's unsold flats are (``DEVELOPER``: the same owner).
    Deterministic for a seed; status words are the other system's.
    """
    rng = random.Random(seed * 31 + 15)
    used_names = {u.owner_name for u in first_phase if u.owner_name}
    used_phones = {u.phone for u in first_phase if u.phone}
    used_ids = {u.id_number for u in first_phase if u.id_number}

    def owner() -> _Owner:
        return _make_owner(rng, 0, _SECOND_PHASE_DELIVERED, today, used_names, used_phones, used_ids)

    def move_in() -> datetime.date:
        return _random_date(rng, _SECOND_PHASE_DELIVERED, datetime.date(2026, 6, 30))

    rows: list[list[object]] = []

    def unsold(kind: str, room: str, area: Decimal) -> list[object]:
        return [None, None, room, kind, area, DEVELOPER.name, DEVELOPER.phone, None, None, "未销售", "业主", None, None]

    def unit(phase: str, building: object, room: str, kind: str, area: str, status: str, let: bool) -> None:
        first = owner()
        names = first.name
        if rng.random() < 0.25:
            names = f"{first.name}、{owner().name}"  # 共有: husband and wife on the deed
        moved = move_in() if status in ("已入住", "已出租") else None
        rows.append(
            [phase, building, room, kind, Decimal(area), names, first.phone, first.id_number,
             as_of(moved, today) if moved else None, status, "业主", None, None]
        )  # fmt: skip
        if let and moved is not None:
            tenant = owner()
            # Let after it was moved into (a 已出租 unit's 入住日期 is its handing over to the first occupant).
            start = _random_date(rng, max(moved, datetime.date(2026, 1, 1)), datetime.date(2026, 10, 31))
            end = start.replace(year=start.year + 1) - datetime.timedelta(days=1)
            # A tenant's ID number is on the lease (and on a tenant's 居住证明): fictional, born as an owner is.
            rows.append([phase, building, room, kind, None, tenant.name, tenant.phone, tenant.id_number, None, None,
                         "租户", as_of(start, today), as_of(end, today)])  # fmt: skip
        elif status == "已入住" and rng.random() < 0.3:
            family = owner()
            rows.append([phase, building, room, kind, None, family.name, family.phone, None, None, None,
                         rng.choice(("配偶", "子女", "父母")), None, None])  # fmt: skip

    for building in (1, 2):
        for floor in range(1, 7):
            for position in (1, 2):
                status = rng.choices(("已入住", "已出租", "未入住"), (70, 20, 10))[0]
                area = (
                    f"{rng.randint(8800, 9600) / 100:.2f}"
                    if position == 1
                    else f"{rng.randint(11800, 12600) / 100:.2f}"
                )
                unit(SECOND_PHASE, building, f"{floor}{position:02d}", "住宅", area, status, status == "已出租")
    for number in range(1, 13):
        status = rng.choices(("已入住", "已出租", "已装修"), (70, 15, 15))[0]
        unit(SECOND_PHASE, None, str(number), "别墅", f"{rng.randint(26000, 38000) / 100:.2f}", status,
             status == "已出租")  # fmt: skip
    for number in range(101, 109):
        status = rng.choices(("已出租", "已入住", "未销售"), (60, 25, 15))[0]
        if status == "未销售":
            rows.append(unsold("商铺", f"S-{number}", Decimal(f"{rng.randint(4500, 12000) / 100:.2f}")))
        else:
            unit("", None, f"S-{number}", "商铺", f"{rng.randint(4500, 12000) / 100:.2f}", status, status == "已出租")
    flat_owners = [u for u in first_phase if u.owner_name and u.status == STATUS_OCCUPIED]
    buyers = rng.sample(flat_owners, min(25, len(flat_owners)))
    for number in range(1, 41):
        room = f"B1-{number:03d}"
        if number <= len(buyers):
            buyer = buyers[number - 1]
            rows.append([None, None, room, "车位", Decimal("12.50"), buyer.owner_name, buyer.phone, buyer.id_number,
                         None, "已出售", None, None, None])  # fmt: skip
        elif number <= 35:
            person = owner()  # owns a parking space and no flat
            rows.append([None, None, room, "车位", Decimal("12.50"), person.name, person.phone, person.id_number,
                         None, "已出售", None, None, None])  # fmt: skip
        else:
            rows.append(unsold("车位", room, Decimal("12.50")))
    return rows
