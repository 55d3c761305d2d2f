"""Reading a roster sheet: its columns and their spellings, status words and codes, an area or a name as a cell
writes it, and each row checked into the unit it names (``OwnerRecord``: its owner, co-owners and contacts) —
every bad cell reported, nothing read from or written to the ledger, which ``owners.roster`` matches and writes.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from recordkit.core.dates import DateError, parse_date
from recordkit.core.errors import CellProblem, ConfigError, UsageError, ValidationError
from recordkit.core.filenames import printable, readable_name
from recordkit.core.money import decimal_number
from recordkit.core.personal import (
    RESIDENT_ID,
    is_masked,
    is_placeholder_id_number,
    is_placeholder_phone,
    looks_like_resident_id,
    named_in_sentence,
    read_id_type,
    validate_document_number,
    validate_id_number,
    validate_phone,
)
from recordkit.core.sheets import (
    Column,
    ProgressCallback,
    SheetRow,
    SheetTable,
    footer_rows,
    footer_warning,
    is_total_label,
    normalise_header,
    read_table,
    split_assignment,
    totals_warning,
)
from recordkit.core.unitcodes import (
    FLAT,
    PARKING,
    VILLA,
    UnitCode,
    as_typed,
    high_rise_code_in,
    parse_phase,
    parse_unit_code,
    parse_unit_kind,
    unit_code_from_parts,
)
from recordkit.owners.contacts import (
    TENANT,
    BodyOrOwners,
    ContactRecord,
    OwnerNumbered,
    body_or_owners,
    lease_problem,
    name_as_read,
    one_name,
    one_name_two_ways,
    one_person_problem,
    owner_as_contact,
    parse_relation,
    same_person,
    several_people,
    split_owner_names,
)

STATUS_LABELS = {"occupied": "已入住", "vacant": "空置", "delivered": "已交付"}
_STATUS_BY_LABEL_CODE = {label: code for code, label in STATUS_LABELS.items()}
#: Status words and codes of the office's own sheets and of other systems' exports.  未入住 is
#: read from the owner cell: with an owner it is 已交付 (sold, not moved in), without one 空置.
DEFAULT_STATUS_MAP = {
    "已入住": "occupied",
    "入住": "occupied",
    "自住": "occupied",
    "自用": "occupied",
    "已入伙": "occupied",
    "入伙": "occupied",
    "出租": "occupied",
    "已出租": "occupied",
    "空置": "vacant",
    "空置房": "vacant",
    "空闲": "vacant",
    "空房": "vacant",
    "闲置": "vacant",
    "未售": "vacant",
    "未销售": "vacant",
    "待售": "vacant",
    "已交付": "delivered",
    "交付": "delivered",
    "已交房": "delivered",
    "未装修": "delivered",
    "已出售": "delivered",
    "已售": "delivered",
    "已装修": "delivered",
    "装修中": "delivered",
    # Numeric codes of the exports of some property systems (房态代码).
    "2001": "vacant",  # 未销售
    "2002": "delivered",  # 已售未入住
    "2003": "occupied",  # 已入住
    "2004": "occupied",  # 已出租
    "2005": "delivered",  # 装修中
    "2006": "vacant",  # 空置
}
_NOT_MOVED_IN = "未入住"

COLUMNS = (
    Column(
        "building",
        "楼栋",
        ("楼号", "栋号", "楼栋号", "幢", "楼栋编号", "楼栋名称", "楼宇", "楼幢", "楼宇名称", "楼栋名"),
    ),
    Column("entrance", "单元", ("单元号", "单元编号", "单元名称", "单元名")),
    Column(
        "room",
        "房号",
        (
            "房间号",
            "门牌号",
            "房屋编号",
            "房屋",
            "房间",
            "位置",
            "房间编号",
            "房屋名称",
            "房产名称",
            "房号编码",
            "房间名",
            "房屋信息",
            "房间全称",
            "房屋全称",
        ),
        required=True,
    ),
    Column("area", "建筑面积", ("面积", "建筑面积m2", "产权面积", "房屋面积", "计费面积"), required=True),
    Column("owner", "业主姓名", ("业主", "姓名", "业主名称", "客户名称", "客户姓名", "产权人", "真实姓名")),
    Column("phone", "联系电话", ("电话", "手机", "手机号", "手机号码", "联系方式", "业主电话", "移动电话", "联系手机")),
    Column("id_number", "身份证号", ("身份证", "身份证号码", "证件号码", "证件号")),
    Column("move_in", "入住日期", ("入住时间", "入伙日期")),
    Column("status", "状态", ("房屋状态", "入住状态", "房态", "房产状态", "使用状态")),
    Column("relation", "关系", ("与业主关系", "身份", "人员类型", "住户类型")),
    Column("tenant", "租户", ("租户姓名", "承租人")),
    Column("tenant_phone", "租户电话", ("承租人电话", "租户联系电话")),
    Column("contact_from", "起租日期", ("租赁开始日期", "租期开始", "租赁起始日期")),
    Column("contact_until", "到期日期", ("租赁到期日期", "租期结束", "租赁结束日期")),
    Column("kind", "类型", ("房屋类型", "物业类型", "房产类型", "资源类型", "房屋类别")),
    Column("phase", "分期", ("期数", "区域", "苑区", "区/期", "组团", "期别")),
    Column("co_owner", "共有人", ("共有人姓名", "共同产权人", "共有权人", "产权共有人")),
    # The document the row's 证件号码 is of (core.personal.ID_TYPES): without the column, a resident ID card.
    Column("id_type", "证件类型", ("证件种类", "证件类别", "证件名称", "身份证件类型", "证照类型", "证件号码类型")),
)
#: The export's columns: the unit's, its first owner's and the 关系 that tells a co-owner's row from it.
EXPORT_HEADERS = tuple(col.header for col in COLUMNS[:10])
#: The header of the column an export adds where someone holds another document than the resident ID card.
ID_TYPE_HEADER = COLUMNS[-1].header
OWNER_RELATION = "业主"
_ID_AS_NUMBER = "身份证号被 Excel 存成了数字，15 位以后的数字已经丢失：请把这一列设为“文本”格式，重新填写完整的号码"
#: A number as Excel shows one too long for its cell: 1.10101E+17.
_EXCEL_NUMBER = re.compile(r"\d(?:\.\d+)?E\+\d+$", re.IGNORECASE)
#: What other systems write in a cell that has nothing in it (after NFKC, without spaces).
_EMPTY_MARKS = frozenset(
    ("无", "暂无", "没有", "不详", "未知", "未登记", "未填", "未填写", "-", "--", "—", "——", "/", "\\")
    + ("NULL", "null", "N/A", "n/a", "#N/A")
)  # fmt: skip
#: The unit an export writes after an area (after NFKC, ㎡ and m² are m2): 89.5㎡, 89.50 平方米, 120平米.
_AREA_UNIT = re.compile(r"\s*(?:m2|平方米|平米)$", re.IGNORECASE)

# -- pure parsing of cells ------------------------------------------------------------


#: Kinds of unit an export may give no floor area (blank or 0): parking spaces are sold and charged by the
#: space, and other systems leave their area out.
AREA_OPTIONAL = frozenset({PARKING})


def parse_area(value: Any, optional: bool = False) -> int:
    """A floor-area cell to hundredths of m²; raises ``ValueError`` with the Chinese reason.  ``optional``
    (a parking space, ``AREA_OPTIONAL``): a blank cell or 0 is an area of 0."""
    if optional and (value is None or (isinstance(value, str) and not value.strip())):
        return 0
    if isinstance(value, bool) or value is None:
        raise ValueError("不能为空")
    if isinstance(value, float):
        # Excel hands back binary floats; the shortest repr is what the clerk typed.
        area: Decimal | None = Decimal(repr(value))
    else:
        # Text is read as amounts are (1,200.50: a comma only groups thousands), its unit left off.
        area = decimal_number(_AREA_UNIT.sub("", unicodedata.normalize("NFKC", str(value)).strip()))
    if area is None or not area.is_finite():
        raise ValueError(f"“{value}” 不是数字")
    if area < 0 or (area == 0 and not optional):
        raise ValueError(f"{value} 应大于 0")
    if area >= 100_000:  # before quantize: 1e308 has more digits than Decimal's context holds
        raise ValueError(f"{value} 过大，请检查单位是否为平方米")
    if area != area.quantize(Decimal("0.01")):
        raise ValueError(f"{value} 最多两位小数")
    return int(area * 100)


def status_map(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The built-in status words and codes plus ``[roster.status_map]`` (word -> 已入住/已交付/空置).

    ``ConfigError`` naming the entry when a configured status is not one of the three."""
    words = dict(DEFAULT_STATUS_MAP)
    for word, label in (extra or {}).items():
        code = _STATUS_BY_LABEL_CODE.get(label.strip())
        if code is None:
            raise ConfigError(
                f"配置项 roster.status_map 中“{word}”对应的“{label}”不是有效状态：应为 已入住、已交付 或 空置"
            )
        words["".join(unicodedata.normalize("NFKC", word).split())] = code
    return words


def parse_status(value: Any, has_owner: bool = True, words: Mapping[str, str] | None = None) -> str:
    """A status cell (word or numeric code) to occupied/vacant/delivered; ``ValueError`` otherwise."""
    label = "".join(_text(value).split())
    if label == _NOT_MOVED_IN:
        return "delivered" if has_owner else "vacant"
    code = (DEFAULT_STATUS_MAP if words is None else words).get(label)
    if code is not None:
        return code
    raise ValueError(f"“{value}” 不是有效状态，应为 已入住、空置 或 已交付（也认 已出售、已出租、未销售、空闲 等）")


#: What a 共有人 row holding two people is told: another such row each, not a 、 (one row is one person).
_TWO_ON_A_CO_OWNER_ROW = "一行只写一位共有人：两位请每人各写一行（同一房号，“关系”列写 共有人），一个人的姓名请去掉空格"


def owner_name_problem(names: Iterable[str], two: str = "两位业主请用“、”分开，一个人的姓名请去掉空格") -> str | None:
    """The first reason one of an owner or co-owner cell's names (after ``split_owner_names``) is not one person's
    name (``contacts.one_person_problem``), in the owners' words (``two``: what two names with a blank between are
    told); None when each is."""
    note = "姓名里不能带括号里的备注；租户请写在租户列或用 recordkit owners contact add"
    return next(filter(None, (one_person_problem(name, two=two, note=note) for name in names)), None)


def _once_each(names: Iterable[str]) -> list[str]:
    """``names`` without a repeat of one (as a clerk reads it, ``name_as_read``), in their order."""
    by_name: dict[str, str] = {}
    for name in names:
        by_name.setdefault(name_as_read(name), name)
    return list(by_name.values())


def owner_cell_names(cell: str) -> list[str]:
    """The people an owner cell names, as the import reads it: split (``contacts.split_owner_names``: 王芳、李娜 and
    张三和李四 are two), each once as a clerk reads it (李娜、李娜 is one).  The first is the unit's owner, the others
    its co-owners; an owner name an older version kept whole (王芳、李娜) is read so when its export comes back."""
    return _once_each(split_owner_names(cell))


def _with_co_owner_row(main: OwnerRecord, person: Person) -> tuple[OwnerRecord, int | None]:
    """``main`` with a 共有人 row's ``person``, and the row whose phone that row's contradicts (else None).

    Written without an ID number under a name the unit's owners have already — the first or a co-owner, as a clerk
    reads it — it is that owner written again: one owner, as in a 共有人 column (a phone only the row gives kept; a
    phone other than the one written before is a contradiction, as on two rows of one ID number).  With an ID number
    it is whom that number says (``_match_owners``: the same owner, or another person of that name)."""
    if person.id_number:
        return replace(main, co_owners=(*main.co_owners, person)), None
    folded = name_as_read(person.name)
    if main.owner is not None and name_as_read(main.owner) == folded:
        if main.phone and person.phone and main.phone != person.phone:
            return main, main.row
        return (main if main.phone or not person.phone else replace(main, phone=person.phone)), None
    for index, earlier in enumerate(main.co_owners):
        if name_as_read(earlier.name) == folded:
            if earlier.phone and person.phone and earlier.phone != person.phone:
                return main, earlier.row
            if earlier.phone or not person.phone:
                return main, None
            co_owners = list(main.co_owners)
            co_owners[index] = replace(earlier, phone=person.phone)
            return replace(main, co_owners=tuple(co_owners)), None
    return replace(main, co_owners=(*main.co_owners, person)), None


def parse_column_map(items: Iterable[str]) -> dict[str, str]:
    """``--map 房间=房号`` options (or ``房间＝房号``) to {header in the sheet: column}; ``UsageError`` for a malformed
    one."""
    mapping: dict[str, str] = {}
    for item in items:
        header, sep, target = split_assignment(item)
        if not sep or not header.strip() or not target.strip():
            raise UsageError(f"--map 应写成 表头=标准列名，例如 --map 房间=房号（现在是“{item}”）")
        header, target = header.strip(), target.strip()
        if mapping.get(header, target) != target:  # else the last would silently win
            raise UsageError(
                f"--map 把表头“{header}”写了两次（{header}={mapping[header]}、{header}={target}）：一个表头只能对应一列"
            )
        mapping[header] = target
    return mapping


def roster_columns(mapping: Mapping[str, str] | None = None) -> tuple[Column, ...]:
    """The columns of an owners sheet, with each ``mapping`` header (sheet header -> column)
    read as that column.  ``UsageError`` naming the columns when a target is unknown."""
    if not mapping:
        return COLUMNS
    target_key = {normalise_header(name): col.key for col in COLUMNS for name in (col.header, *col.aliases)}
    extra: dict[str, list[str]] = {}
    for header, target in mapping.items():
        key = target_key.get(normalise_header(target))
        if key is None:
            known = "、".join(col.header for col in COLUMNS)
            raise UsageError(f"“{header}={target}”：{target} 不是可用的列名（可用：{known}）")
        extra.setdefault(key, []).append(header)
    taken = {normalise_header(h) for h in mapping}
    return tuple(
        Column(
            col.key,
            col.header,
            (*(a for a in col.aliases if normalise_header(a) not in taken), *extra.get(col.key, ())),
            col.required,
        )
        for col in COLUMNS
    )


def _name_cell(row: int, owner_row: int) -> tuple[int, str]:
    """The cell naming a contact of sheet row ``row`` (a key of ``read_roster``'s ``typed``): a 关系 row's 姓名 cell, or
    the 租户 cell of its unit's owner row ``owner_row``."""
    return (row, "owner") if row != owner_row else (row, "tenant")


def _written(value: Any) -> str:
    """A cell as the clerk typed it, as a message quotes it and a parser that folds it itself reads it (a unit code, a
    phase, a kind, a phone): never folded, so that the text quoted is found in the sheet."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a phone typed as a number comes back as 13812345678.0
    return str(value).strip()


def _text(value: Any) -> str:
    """A cell folded as it is compared and kept (NFKC: full-width letters, digits and punctuation half-width)."""
    return unicodedata.normalize("NFKC", _written(value)).strip()


# -- records ------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """An owner or co-owner named on a sheet row (``position`` 0 is the row's first name)."""

    row: int
    position: int
    name: str
    phone: str | None = None
    id_number: str | None = None
    #: The document ``id_number`` is of (``core.personal.ID_TYPES``).
    id_type: str = RESIDENT_ID

    @property
    def slot(self) -> tuple[int, int]:
        return (self.row, self.position)


@dataclass(frozen=True)
class OwnerRecord:
    """One validated unit: its main sheet row, co-owners and contacts from its cells or other rows.

    ``phone``/``id_number`` may still be masked (resolved on apply)."""

    row: int
    code: UnitCode
    floor_area_hundredths: int
    status: str
    owner: str | None = None
    phone: str | None = None
    id_number: str | None = None
    move_in_date: dt.date | None = None
    co_owners: tuple[Person, ...] = ()
    contacts: tuple[ContactRecord, ...] = ()
    # False for a parking space's blank 建筑面积: not given, so a re-import keeps the area the ledger has.
    area_given: bool = True
    #: The kinds of contact (家属, 租户) the sheet states for this unit — its 租户 column (a blank cell: no tenant), or
    #: its own 家属/租户 rows: only those are made the sheet's; the unit's other contacts are left as they are.
    stated: frozenset[str] = frozenset()
    #: The sheet row of each of ``contacts``, in their order (a 租户 column's tenants: the unit's own row).
    contact_rows: tuple[int, ...] = ()
    #: The document ``id_number`` is of (``core.personal.ID_TYPES``).
    id_type: str = RESIDENT_ID

    def owners_numbered(self) -> list[OwnerNumbered]:
        """Its owners of record as ``contacts.owner_as_contact`` compares a contact with them: (name, ID number,
        document), the owner, then the co-owners; none without an owner."""
        if self.owner is None:
            return []
        people = ((person.name, person.id_number, person.id_type) for person in self.co_owners)
        return [(self.owner, self.id_number, self.id_type), *people]


@dataclass(frozen=True)
class KeptWhole:
    """A name cell of unit ``code`` kept whole as one ``role`` since it may be one body's name or several people's
    (``contacts.body_or_owners``: 张三、餐饮有限公司), which the import warns of unless the unit holds that name already
    (``roster.import_owners``: an unchanged export is not warned of again)."""

    row: int
    header: str
    code: UnitCode
    role: str
    found: BodyOrOwners

    def said(self) -> str:
        """The warning naming its row and column."""
        correct = ("", "写上这家单位的全称")
        return f"第 {self.row} 行（{self.header}）：" + self.found.said(
            self.role, done="导入", check="这一格", correct=correct
        )


@dataclass
class RosterSheet:
    """A validated sheet: its units, and what a summary says about reading it (``kept_whole``: the name cells kept
    whole, warned of by the import where new)."""

    records: list[OwnerRecord]
    sheet: str
    ignored_columns: tuple[str, ...]
    warnings: list[str]
    kept_whole: list[KeptWhole]
    has_contacts: bool  # a 租户 column or a 家属/租户 row: the sheet says who the contacts are
    rows: int = 0  # data rows read
    #: column key -> (Excel letter, header as written), for problems found once the rows are read
    columns: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: (row, column key) -> a name cell (业主, 共有人, 租户) as typed, for a problem found once the rows are read to quote
    #: a name as the clerk finds it (``as_typed``)
    typed: dict[tuple[int, str], str] = field(default_factory=dict)


@dataclass
class _Row:
    """One sheet row once read: what it is (``kind``) and what it carries."""

    kind: str  # owner, co_owner, contact; invalid when its relation could not be read
    code: UnitCode | None
    record: OwnerRecord | None = None
    person: Person | None = None
    contact: ContactRecord | None = None


def _marked_empty(cell: Any) -> bool:
    """Whether a cell holds another system's mark for "nothing here" (无, 暂无, -, —, /, 未登记)."""
    return isinstance(cell, str) and "".join(unicodedata.normalize("NFKC", cell).split()) in _EMPTY_MARKS


def _kind_named(cell: Any) -> str | None:
    """The kind of unit a cell names (别墅, 商铺, 车位 …), or None for anything else."""
    try:
        return parse_unit_kind(_text(cell))
    except ValidationError:
        return None


def flat_of_villa_number(room: str, phase: str | None) -> UnitCode | None:
    """The flat a villa's number ``room`` spells (``high_rise_code_in``: 3-1-301), in the villa's ``phase``
    (二期·3-1-301), or None: the unit the import's refusal of such a row and doctor's line on such a villa name."""
    flat = high_rise_code_in(room)
    return None if flat is None else replace(flat, phase=phase or "")


def kind_against(said_kind: str, where: str, code: UnitCode, named_kind: str) -> str:
    """Why a unit said to be a ``named_kind`` (``said_kind``: 类型“别墅”, quoted) whose number (``where``: 房屋编号
    “3-2-1201”, quoted) names ``code``, of another kind, is no such unit: ``类型“别墅”与房屋编号“3-2-1201”不一致：这是住宅
    （3-2-1201），不是别墅`` — the import's refusal of such a row, and doctor's words for such a unit kept by an older
    version (``roster.villas_numbered_as_flats``)."""
    return f"{said_kind}与{where}不一致：这是{code.kind}（{code}），不是{named_kind}"


class _RowReader:
    """Validates rows of one sheet, collecting problems and placeholder warnings."""

    def __init__(
        self,
        table: SheetTable,
        words: Mapping[str, str],
        phases: Mapping[str, str] | None = None,
        estate: str | None = None,
    ) -> None:
        self.table = table
        self.words = words
        self.phases = phases
        self.estate = unicodedata.normalize("NFKC", estate).strip() if estate else ""
        self.warnings: list[str] = []
        self.kept_whole: list[KeptWhole] = []

    def read(self, row_number: int, cells: dict[str, Any]) -> tuple[_Row, list[CellProblem]]:
        problems: list[CellProblem] = []
        cells = {key: None if _marked_empty(value) else value for key, value in cells.items()}

        def bad(key: str, reason: str) -> None:
            problems.append(self.table.problem(row_number, key, reason))

        code = self._code(cells, bad)
        kind, relation = "owner", "业主"
        if cells["relation"] is not None:
            try:
                kind, relation = parse_relation(cells["relation"])
            except ValueError as err:
                bad("relation", str(err))
                return _Row("invalid", code), problems
        name = _text(cells["owner"]) if cells["owner"] is not None else None
        if name is not None and kind != "owner":
            name = one_name(name)  # 王芳、 on a 共有人 row is 王芳, as in an owner cell
            self._keep_whole(row_number, cells, "owner", code, name, relation)
        if name is not None and kind != "owner" and several_people(name):
            # A 关系 row is one person: 吴芳、郑丽 would be kept as one co-owner (or tenant) of that name — which its
            # export's owner cell then reads back as two.
            bad(
                "owner",
                f"一行只写一位{relation}：请把“{_written(cells['owner'])}”每人各写一行（同一房号，“关系”列写 {relation}）",
            )
        elif name is not None and kind == "contact":
            two, note = (
                f"一行只写一位{relation}，一个人的姓名请去掉空格",
                "姓名里不能带括号里的备注：请只写姓名，关系写在“关系”列",
            )
            if (reason := one_person_problem(name, two=two, note=note)) is not None:
                bad("owner", reason)
        elif name is not None and kind == "co_owner" and (reason := owner_name_problem([name], _TWO_ON_A_CO_OWNER_ROW)):
            bad("owner", reason)
        if kind == "co_owner":
            if name is None:
                bad("owner", f"{relation}行必须填写姓名")
            phone = self._personal(row_number, cells, "phone", validate_phone, bad)
            id_number, id_type = self._id_number(row_number, cells, bad, self._personal)
            person = Person(row_number, 0, name or "", phone, id_number, id_type)
            return _Row(kind, code, person=person), problems
        if kind == "contact":
            if name is None:
                bad("owner", f"{relation}行必须填写姓名")
            phone = self._contact_number(row_number, cells, "phone", validate_phone, bad)
            id_number, id_type = self._id_number(row_number, cells, bad, self._contact_number)
            start, end = self._dates(cells, bad)
            contact = ContactRecord(name or "", relation, phone, start, end, id_number, id_type)
            return _Row(kind, code, contact=contact), problems
        return self._owner_row(row_number, cells, code, name, bad), problems

    def _code(self, cells: dict[str, Any], bad: Callable[[str, str], None]) -> UnitCode | None:
        try:
            if cells["building"] is None and cells["entrance"] is None and cells["kind"] is None:
                if cells["room"] is None:
                    raise ValidationError("不能为空")
                return self._full_code(cells)
            building = cells["building"]
            kind = None if cells["kind"] is None else _written(cells["kind"])
            said_kind = f"类型“{kind}”"  # the cell saying the kind, as a mismatch quotes it
            if kind is None and building is not None and (named := _kind_named(building)) is not None:
                # Exports often put the kind in the building column: 楼号 “别墅”, 房间 “A12”.
                said_kind, kind, building = f"楼栋“{_written(building)}”", named, None
            if kind is None and "entrance" not in self.table.letters:
                # A sheet with building and room columns but no 单元 column is an estate whose
                # buildings have no 单元 (5栋 + 1201 is 5-1201); an empty 单元 cell stays an error.
                kind = FLAT
            elif (
                "entrance" in self.table.letters
                and cells["entrance"] is None
                and building is not None
                and kind is not None
                and _kind_named(kind) == FLAT
            ):
                # A 类型 cell naming a flat changes nothing of that: in a sheet with a 单元 column, 住宅 beside 5栋, a
                # blank 单元 and 1201 is a 单元 left out, refused as without the 类型 column, never 5-1201.
                kind = None
            try:
                code = unit_code_from_parts(
                    building,
                    cells["entrance"],
                    cells["room"],
                    kind=kind,
                    phase=None if cells["phase"] is None else _written(cells["phase"]),
                    phases=self.phases,
                )
            except ValidationError as parts_error:
                if kind is None or building is not None or cells["entrance"] is not None or cells["room"] is None:
                    raise
                # A 类型 column beside a full unit name (房屋名称 “商铺S-101”, 类型 “商铺”): the name is the code,
                # the 类型 cell must agree with it — and name a kind, whatever the room holds (独栋 beside A12 is the
                # 类型 cell's fault, never “房号 A12 无法识别”).  A room that is neither that kind's number nor a full name
                # is told by the kind's rule (别墅 beside A座: how a villa is numbered); a flat's, as a full name.
                named_kind = parse_unit_kind(kind)
                try:
                    code = self._full_code(cells)
                except ValidationError:
                    if "building" in self.table.letters or named_kind != FLAT:
                        raise parts_error from None
                    raise
                if named_kind != code.kind:
                    raise self._kind_against(said_kind, cells, code, named_kind) from None
                return code
            # 别墅 beside 3-2-1201 (or 楼栋 3, 单元 2, 房号 1201) is a flat's code given the wrong kind, whose number
            # would make villa 3-2-1201: refused as 别墅 beside 3栋2单元1201室 is.
            if kind is not None and code.kind == VILLA and (flat := flat_of_villa_number(code.room, code.phase)):
                raise self._kind_against(said_kind, {**cells, "building": building}, flat, VILLA)
            return code
        except ValidationError as err:
            # Point at the cell that is wrong: the message starts with the part's name.
            part = next(
                (
                    key
                    for key, name in (
                        ("building", "楼栋"),
                        ("entrance", "单元"),
                        ("kind", "类型"),
                        ("kind", "房屋类型"),
                        ("phase", "分期"),
                    )
                    if err.message.startswith(name)
                ),
                "room",
            )
            bad(part, err.message)
            return None

    def _kind_against(self, said_kind: str, cells: dict[str, Any], code: UnitCode, named_kind: str) -> ValidationError:
        """The row's cell saying its kind (``said_kind``: its 类型 cell, or a building cell 别墅, quoted) naming
        ``named_kind`` against its unit cells (``cells``), which name ``code``, each quoted as typed:
        ``类型“别墅”与房屋编号“3-2-1201”不一致：这是住宅（3-2-1201），不是别墅``."""
        where = "、".join(
            f"{self.table.headers[key]}“{_written(cells[key])}”"
            for key in ("building", "entrance", "room")
            if cells[key] is not None
        )
        return ValidationError(kind_against(said_kind, where, code, named_kind))

    def _full_code(self, cells: dict[str, Any]) -> UnitCode:
        """The unit a room cell names in full (``3-2-1201``, ``二期3栋2单元1201室``, ``12号别墅``), in the
        row's 分期 cell's phase when there is one.  A name that already carries the phase (or a spelling
        of it) is not given it twice; another phase there is an error about the 分期 cell."""
        text = self._without_estate(_written(cells["room"]))
        code = parse_unit_code(text, phases=self.phases)
        if cells["phase"] is None:
            return code
        shown = _written(cells["phase"])
        phase = parse_phase(shown, self.phases)
        if code.phase and code.phase != phase:
            raise ValidationError(
                f"分期“{shown}”与{self.table.headers['room']}“{text}”中的分区“{code.phase}”不一致，请核对"
            )
        return replace(code, phase=phase)

    def _without_estate(self, text: str) -> str:
        """A full unit name as written without the estate's name before it (明源's 房间全称 测试小区-3栋-2单元-1201,
        compared folded); never an estate name that is also a phase's spelling (the phase is part of the unit)."""
        estate = self.estate
        if not estate or not unicodedata.normalize("NFKC", text).startswith(estate):
            return text
        if self.phases and estate in self.phases:
            return text
        # Where the estate's name ends as written: folding may change a text's length (a full-width letter does not).
        end = next(
            (i for i in range(1, len(text) + 1) if unicodedata.normalize("NFKC", text[:i]) == estate), len(estate)
        )
        return text[end:].lstrip(" -_/·－—") or text

    def _personal(
        self,
        row_number: int,
        cells: dict[str, Any],
        key: str,
        validate: Callable[[str], str],
        bad: Callable[[str, str], None],
    ) -> str | None:
        value = _text(cells[key]) if cells[key] is not None else None
        if value is None or is_masked(value):  # masked values are checked against the ledger later
            return value
        placeholder = is_placeholder_phone if validate is validate_phone else is_placeholder_id_number
        if placeholder(value):
            header = self.table.headers.get(key, key)
            self.warnings.append(f"第 {row_number} 行（{header}）：{_written(cells[key])} 是占位号码，已按空白导入")
            return None
        try:
            return validate(_written(cells[key]))  # it folds the number itself, and quotes it as written
        except ValidationError as err:
            raw = cells[key]
            as_number = isinstance(raw, int | float) and not isinstance(raw, bool) or _EXCEL_NUMBER.match(value)
            if validate is not validate_phone and as_number:
                # Excel keeps 15 digits of a number: an ID typed into a number cell lost its last ones
                # (a CSV saved from Excel holds it as Excel showed it, 1.10101E+17).
                bad(key, _ID_AS_NUMBER)
            else:
                bad(key, err.message)
            return None

    def _id_number(
        self,
        row_number: int,
        cells: dict[str, Any],
        bad: Callable[[str, str], None],
        read: Callable[[int, dict[str, Any], str, Callable[[str], str], Callable[[str, str], None]], str | None],
    ) -> tuple[str | None, str]:
        """The row's 证件号码 (read by ``read``: ``_personal``, or ``_contact_number`` on a contact's row) and the type of
        its document, its 证件类型 cell's (``read_id_type``): a resident ID card without that column or in a blank cell,
        its number then held to a resident ID number's rules — one of another shape refused saying how to name its
        document.  A type word not known is refused at its cell, and the number not read."""
        has_column = "id_type" in self.table.letters
        id_type = RESIDENT_ID
        if cells["id_type"] is not None:
            try:
                id_type = read_id_type(_written(cells["id_type"]))
            except ValidationError as err:
                bad("id_type", err.message)
                return None, RESIDENT_ID
        elif cells["id_number"] is not None:
            hint = (
                "如是护照、港澳台通行证等其他证件，请在“证件类型”列写明"
                if has_column
                else "如是护照、港澳台通行证等其他证件，请加一列“证件类型”写明（护照、台胞证、回乡证 …）"
            )

            def resident(text: str) -> str:
                try:
                    return validate_id_number(text)
                except ValidationError as err:
                    if looks_like_resident_id(text):
                        raise
                    raise ValidationError(f"{err.message}；{hint}") from None

            return read(row_number, cells, "id_number", resident, bad), id_type
        number = read(row_number, cells, "id_number", lambda text: validate_document_number(text, id_type), bad)
        return number, id_type if number is not None else RESIDENT_ID  # a type without a number says nothing

    def _contact_number(
        self,
        row_number: int,
        cells: dict[str, Any],
        key: str,
        validate: Callable[[str], str],
        bad: Callable[[str, str], None],
    ) -> str | None:
        """A contact's phone or ID number (a 家属/租户 row's, a 租户电话 cell), checked as an owner's; one another
        system exported masked (139****1111) is read as blank (told in a warning), so that the number the ledger holds
        stays and a masked one is never kept."""
        number = self._personal(row_number, cells, key, validate, bad)
        if number is None or not is_masked(number):
            return number
        header = self.table.headers.get(key, key)
        self.warnings.append(
            f"第 {row_number} 行（{header}）：{_written(cells[key])} 是打码的号码，已按空白导入（这位联系人在台账中已有的号码不变）"
        )
        return None

    def _keep_whole(
        self, row_number: int, cells: dict[str, Any], key: str, code: UnitCode | None, cell: str, role: str
    ) -> None:
        """Note a name cell of ``code``'s, ``cell`` as read from ``cells[key]``, kept whole as it may be one body's name
        or several ``role``s' (``body_or_owners``: 张三、餐饮有限公司), for the import to warn of by its row and column
        (``KeptWhole``), quoting the cell as typed (``as_typed``: Ｗａｎｇ、餐饮有限公司, kept as Wang、餐饮有限公司)."""
        if code is not None and (found := body_or_owners(cell)) is not None:
            typed = _written(cells[key])
            found = replace(found, cell=as_typed(typed, found.cell), body=as_typed(typed, found.body))
            self.kept_whole.append(KeptWhole(row_number, self.table.headers.get(key, key), code, role, found))

    def _dates(self, cells: dict[str, Any], bad: Callable[[str, str], None]) -> tuple[dt.date | None, dt.date | None]:
        found: list[dt.date | None] = []
        for key in ("contact_from", "contact_until"):
            day = None
            if cells[key] is not None:
                try:
                    day = parse_date(cells[key], what="", cell=True)
                except DateError as err:
                    bad(key, err.message)
            found.append(day)
        start, end = found
        if start and end and end < start:
            bad("contact_until", "到期日期早于起租日期")
        elif (problem := lease_problem(start, end)) is not None:
            bad("contact_until", problem)
        return start, end

    def _owner_row(
        self,
        row_number: int,
        cells: dict[str, Any],
        code: UnitCode | None,
        name: str | None,
        bad: Callable[[str, str], None],
    ) -> _Row:
        area = None
        optional = code is not None and code.kind in AREA_OPTIONAL
        try:
            area = parse_area(cells["area"], optional=optional)
        except ValueError as err:
            bad("area", str(err))
        area_given = not (optional and (cells["area"] is None or not str(cells["area"]).strip()))
        names = owner_cell_names(name) if name else []
        if name:
            self._keep_whole(row_number, cells, "owner", code, name, "业主")
        # Each owner of a co-owned cell is one person: each is held to a person's name.
        if (reason := owner_name_problem(names)) is not None:
            bad("owner", reason)
        if cells["co_owner"] is not None:
            # A 共有人 column: its names follow the owner's, as if written in the owner's cell.
            named = split_owner_names(_text(cells["co_owner"]))
            self._keep_whole(row_number, cells, "co_owner", code, _text(cells["co_owner"]), "共有人")
            if (reason := owner_name_problem(named)) is not None:
                bad("co_owner", reason)
            if not names:
                bad("co_owner", "填写了共有人，但没有业主姓名")
            names += named
        # A name written twice for one unit (李娜、李娜; a 共有人 column listing the first owner too) is one owner: the
        # repeat, without a phone or ID, would be another person of that name, and papers greet 张伟、张伟.
        names = _once_each(names)
        owner = names[0] if names else None
        phone = self._personal(row_number, cells, "phone", validate_phone, bad)
        id_number, id_type = self._id_number(row_number, cells, bad, self._personal)
        if owner is None and (phone or id_number):
            bad("owner", "填写了电话或证件号码，但没有业主姓名")

        move_in = None
        if cells["move_in"] is not None:
            try:
                # No "what": the problem line already names the row and the column.
                move_in = parse_date(cells["move_in"], what="", cell=True)
            except DateError as err:
                bad("move_in", err.message)

        status = None
        if cells["status"] is not None:
            try:
                status = parse_status(cells["status"], owner is not None, self.words)
            except ValueError as err:
                bad("status", str(err))
        else:
            # A blank status is read from the other cells (documented in the README).
            status = "occupied" if move_in else ("delivered" if owner else "vacant")
        if status == "occupied" and owner is None:
            bad("status", "已入住的房屋必须填写业主姓名")

        contacts: tuple[ContactRecord, ...] = ()
        if cells["tenant"] is not None:
            tenant_phone = self._contact_number(row_number, cells, "tenant_phone", validate_phone, bad)
            start, end = self._dates(cells, bad)
            # Tenants share the cell as co-owners share the owner's ("周九、吴十"); the 租户电话 is the first's, as the
            # 联系电话 is the first owner's, and the lease both's.
            tenants = _once_each(split_owner_names(_text(cells["tenant"])))  # 赵磊、赵磊 is one tenant
            self._keep_whole(row_number, cells, "tenant", code, _text(cells["tenant"]), TENANT)
            two, note = "两位租户请用“、”分开，一个人的姓名请去掉空格", "姓名里不能带括号里的备注：请只写姓名"
            if reason := next(filter(None, (one_person_problem(t, two=two, note=note) for t in tenants)), None):
                bad("tenant", reason)
            contacts = tuple(
                ContactRecord(tenant, TENANT, tenant_phone if i == 0 else None, start, end)
                for i, tenant in enumerate(tenants)
            )
        co_owners = tuple(Person(row_number, i, n) for i, n in enumerate(names[1:], start=1))
        if code is None or area is None or status is None:
            return _Row("owner", code)
        record = OwnerRecord(
            row_number, code, area, status, owner, phone, id_number, move_in, co_owners, contacts, area_given,
            contact_rows=(row_number,) * len(contacts), id_type=id_type,
        )  # fmt: skip
        return _Row("owner", code, record=record)


_PARTS = ("building", "entrance")


def _is_totals_row(row: SheetRow, phases: Mapping[str, str] | None) -> bool:
    """Another system's 合计/小计 row: a total label in a cell and no unit of its own (its room cell blank,
    the label itself, or what it counts: 共 6 户).  A unit row whose other cell happens to read 小计 stays
    a unit, checked as one."""
    if not row.total or any(row.cells[key] is not None and not is_total_label(row.cells[key]) for key in _PARTS):
        return False  # a building or entrance of its own: a unit, checked as one
    room = row.cells["room"]
    if room is None or is_total_label(room):
        return True
    try:
        parse_unit_code(_text(room), phases=phases)
    except ValidationError:
        return True
    return False


def read_roster(
    path: Path,
    progress: ProgressCallback | None = None,
    *,
    column_map: Mapping[str, str] | None = None,
    sheet: str | None = None,
    status_words: Mapping[str, str] | None = None,
    phases: Mapping[str, str] | None = None,
    estate: str | None = None,
    map_headers: Collection[str] = (),
) -> RosterSheet:
    """Read and validate a roster sheet; ``ValidationError`` lists every bad cell.

    ``column_map`` names headers the built-in spellings miss (``{"房间": "房号"}``), ``sheet`` the
    sheet to read (else the one with the headers), ``status_words`` the status map to use,
    ``phases`` the estate's 区/期 spellings (``core.unitcodes.phase_spellings``), ``estate`` its name (a
    full unit name starting with it, 春江花园-3栋-2单元-1201, is read without it), ``map_headers`` the
    headers the clerk named with ``--map`` (``ValidationError`` for one the sheet read has not: a mapping of
    nothing would be silently ignored).
    Rows with the same room are one unit: its 业主 row, 共有人 rows (co-owners) and family or
    tenant rows (contacts); two 业主 rows for one room are an error.  Another system's 合计/小计 rows
    and the footer lines under its data (制表人、审核、备注 …: ``core.sheets.footer_rows``; one with units under it is an error)
    are left out, named in a warning and not counted in ``rows``.
    """
    table = read_table(path, roster_columns(column_map), progress, sheet_name=sheet, map_option=True)
    _refuse_absent_map_headers(table, map_headers)
    _refuse_unread_map_headers(table, {header: (column_map or {})[header] for header in map_headers})
    reader = _RowReader(table, status_map() if status_words is None else status_words, phases, estate)
    mains: dict[UnitCode, OwnerRecord] = {}
    first_row_of: dict[UnitCode, int] = {}
    others: list[tuple[int, _Row]] = []
    totals: list[int] = []
    typed: dict[tuple[int, str], str] = {}  # (row, key) -> a name cell as typed, for a problem to quote
    footers, problems = footer_rows(table, lambda row: not _is_totals_row(row, phases), "房屋")
    for sheet_row in table.rows:
        if sheet_row.footer:
            continue
        if _is_totals_row(sheet_row, phases):
            totals.append(sheet_row.number)
            continue
        row, row_problems = reader.read(sheet_row.number, sheet_row.cells)
        typed.update(
            ((sheet_row.number, key), _written(sheet_row.cells[key]))
            for key in ("owner", "co_owner", "tenant")
            if sheet_row.cells[key] is not None
        )
        problems.extend(row_problems)
        code = row.code
        if row.kind == "invalid":
            continue
        if row.kind != "owner":
            others.append((sheet_row.number, row))
            continue
        if code is not None and code in first_row_of:
            problems.append(
                table.problem(
                    sheet_row.number,
                    "room",
                    f"房号 {code} 与第 {first_row_of[code]} 行重复（同一房号出现两次；共有人、家属、租户请在“关系”列注明）",
                )
            )
            continue
        if code is not None:
            first_row_of[code] = sheet_row.number
        if row.record is not None:
            mains[code] = row.record  # type: ignore[index]  # a record always has a code
    for number, row in others:
        if row.code is None:
            continue
        if row.code not in first_row_of:
            problems.append(
                table.problem(number, "room", f"房号 {row.code} 没有业主行：共有人、家属、租户行须与业主行同一房号")
            )
            continue
        main = mains.get(row.code)
        if main is None:
            continue
        if row.person is not None:
            mains[row.code], contradicted = _with_co_owner_row(main, row.person)
            if contradicted is not None:
                problems.append(
                    table.problem(
                        number,
                        "phone",
                        f"与第 {contradicted} 行是同一位业主（姓名相同，这一行没有写证件号码），但电话不同："
                        "请核对后写成一样的；是同名的另一个人，请写上证件号码",
                    )
                )
        elif row.contact is not None:
            # The same tenant on two rows (two exports pasted together) is one contact, as a co-owner is one
            # co-owner: a notice would name them twice.  One person (``same_person``: by ID number where both rows
            # write one, else by name as read) has one relation to a unit and one name: a 配偶 written again as its
            # 租户, or one passport under two spellings (``one_name_two_ways``), is refused, not kept twice; two 家属 张敏
            # of two numbers are two; 周九 and 吴十 of one number are the shared-number check's (roster.py).
            person = (row.contact.name, row.contact.id_number, row.contact.id_type)
            same = [
                (c, at)
                for c, at in zip(main.contacts, main.contact_rows, strict=True)
                if same_person(person, (c.name, c.id_number, c.id_type)) and one_name_two_ways(c.name, person[0])
            ]
            folded = name_as_read(row.contact.name)
            earlier = next(
                ((c, at) for c, at in same if (name_as_read(c.name), c.relation) == (folded, row.contact.relation)),
                None,
            )
            other = next(((c, at) for c, at in same if (c, at) != earlier), None)
            if earlier is None and other is not None:
                (had, first), named = other, as_typed(typed[(number, "owner")], row.contact.name)
                named_first = as_typed(typed.get(_name_cell(first, first_row_of[row.code]), ""), had.name)
                why = (
                    "，一个人在一套房屋只登记一种关系：请核对后只留一行"
                    if name_as_read(had.name) == folded
                    else f"，与这一行的{named_in_sentence(named)}证件号码相同，是同一个人：一个人在一套房屋只登记一种关系、一种姓名，"
                    "请核对后只留一行"
                )
                problems.append(
                    table.problem(
                        number,
                        "relation",
                        f"{row.code} 的{had.relation}{named_in_sentence(named_first)}已写在第 {first} 行{why}",
                    )
                )
            elif earlier is None:
                stated = main.stated | {row.contact.relation}
                contacts, numbers = (*main.contacts, row.contact), (*main.contact_rows, number)
                mains[row.code] = replace(main, contacts=contacts, contact_rows=numbers, stated=stated)
            elif (earlier[0].phone, earlier[0].id_number, earlier[0].start_date, earlier[0].end_date) != (
                row.contact.phone,
                row.contact.id_number,
                row.contact.start_date,
                row.contact.end_date,
            ):
                problems.append(
                    table.problem(
                        number,
                        "owner",
                        f"{row.code} 的{row.contact.relation}"
                        f"{named_in_sentence(as_typed(typed[(number, 'owner')], earlier[0].name))}已写在第 "
                        f"{earlier[1]} 行，但电话、证件号码或租期不同：请核对后只留一行",
                    )
                )
    for code, main in mains.items():
        for contact, on_row in zip(main.contacts, main.contact_rows, strict=True):
            at = _name_cell(on_row, first_row_of[code])
            named = as_typed(typed.get(at, ""), contact.name)
            found = owner_as_contact(
                named, contact.relation, main.owners_numbered(), contact.id_number, contact.id_type
            )
            if (reason := found) is not None:
                problems.append(table.problem(*at, reason))
    if problems:
        problems.sort(key=lambda p: p.row)
        raise ValidationError(f"{readable_name(path.name)} 有 {len(problems)} 处错误，没有导入任何数据", problems)
    if not mains:
        raise ValidationError(f"{readable_name(path.name)} 的表头下面没有数据行")
    if totals:
        reader.warnings.append(totals_warning(totals, "房屋"))
    if footers:
        reader.warnings.append(footer_warning(footers, "房屋"))
    # A 关系 column whose rows are owners and co-owners only (an export's) says nothing about contacts: a roster
    # names them in a 租户 column or on rows of their own.
    has_contacts = "tenant" in table.letters or any(row.kind == "contact" for _, row in others)
    if "tenant" in table.letters:  # the column states every unit's tenants, a blank cell none
        mains = {code: replace(main, stated=main.stated | {TENANT}) for code, main in mains.items()}
    columns = {key: (table.letters.get(key, ""), table.headers.get(key, key)) for key in table.headers}
    rows = len(table.rows) - len(totals) - len(footers)
    return RosterSheet(
        list(mains.values()),
        table.sheet,
        table.ignored,
        reader.warnings,
        reader.kept_whole,
        has_contacts,
        rows,
        columns,
        typed,
    )


def read_owner_sheet(
    path: Path, progress: ProgressCallback | None = None, phases: Mapping[str, str] | None = None
) -> list[OwnerRecord]:
    """Read and validate the whole sheet; ``ValidationError`` lists every bad cell.  ``phases``
    (``OfficeSettings.phase_table()``) reads a phase written by name (香榭丽舍B-1-2004)."""
    return read_roster(path, progress, phases=phases).records


def _refuse_absent_map_headers(table: SheetTable, map_headers: Collection[str]) -> None:
    """``ValidationError`` naming the first of ``map_headers`` that is none of ``table``'s header cells (compared as
    headers are: full-width, blanks), with the headers the sheet has."""
    from openpyxl.utils import column_index_from_string  # loaded on first use: openpyxl, as the sheet reader loads it

    cells = [
        table.headers[key]
        for key in sorted(table.letters, key=lambda key: column_index_from_string(table.letters[key]))
    ]
    cells += table.ignored
    present = {normalise_header(cell) for cell in cells}
    for header in map_headers:
        if normalise_header(header) not in present:
            raise ValidationError(
                f"--map 写的表头“{printable(header)}”在工作表“{printable(table.sheet)}”的表头中没有，没有导入任何数据"
                f"（表头有：{'、'.join(cells)}）：请照名册里的写法填写"
            )


def _refuse_unread_map_headers(table: SheetTable, named: Mapping[str, str]) -> None:
    """``ValidationError`` for a ``--map`` header the sheet has but that was not read as its column, another cell
    of the sheet naming the column by its standard name or an alias listed before it (``--map 房间=房号`` on a
    sheet with both 房间 and 房号): the mapping would have done nothing."""
    columns = {normalise_header(name): col for col in COLUMNS for name in (col.header, *col.aliases)}
    for header, target in named.items():
        column = columns.get(normalise_header(target))
        if column is None or column.key not in table.letters:
            continue
        if normalise_header(table.headers[column.key]) == normalise_header(header):
            continue
        other = table.headers[column.key]
        raise ValidationError(
            f"--map 写的“{printable(header)}={printable(target)}”没有用上：工作表“{printable(table.sheet)}”里的"
            f"“{other}”列也是{column.header}，读的是那一列，没有导入任何数据：请把不用的那一列删去或改名后再导入"
        )
