"""Units and owners: import from the office's sheet, list, show and export.

Validation is complete and all-or-nothing: every bad cell is reported with its
row and column, and a sheet with any bad row changes nothing.  Re-importing the
same sheet (or an export, masked or not) changes nothing either.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from recordkit.core.dates import DateError, parse_date
from recordkit.core.errors import CellProblem, NotFoundError, ValidationError
from recordkit.core.filenames import readable_name
from recordkit.core.personal import (
    is_masked,
    mask_id_number,
    mask_phone,
    name_problem,
    validate_id_number,
    validate_phone,
)
from recordkit.core.sheets import Column, ProgressCallback, SheetTable, iter_column_widths, read_table, save_atomically
from recordkit.core.unitcodes import UnitCode, parse_unit_code, unit_code_from_parts
from recordkit.ledger import journal
from recordkit.ledger.db import Ledger, bulk_insert
from recordkit.ledger.schema import owners, units

STATUS_LABELS = {"occupied": "已入住", "vacant": "空置", "delivered": "已交付"}
_STATUS_BY_LABEL = {
    "已入住": "occupied",
    "入住": "occupied",
    "自住": "occupied",
    "出租": "occupied",
    "空置": "vacant",
    "空置房": "vacant",
    "未入住": "vacant",
    "未售": "vacant",
    "已交付": "delivered",
    "交付": "delivered",
    "已交房": "delivered",
    "未装修": "delivered",
}

COLUMNS = (
    Column("building", "楼栋", ("楼号", "栋号", "楼栋号", "幢")),
    Column("entrance", "单元", ("单元号",)),
    Column("room", "房号", ("房间号", "门牌号", "房屋编号", "房屋"), required=True),
    Column("area", "建筑面积", ("面积", "建筑面积m2", "产权面积"), required=True),
    Column("owner", "业主姓名", ("业主", "姓名", "业主名称")),
    Column("phone", "联系电话", ("电话", "手机", "手机号", "手机号码", "联系方式")),
    Column("id_number", "身份证号", ("身份证", "身份证号码", "证件号码")),
    Column("move_in", "入住日期", ("入住时间", "入伙日期")),
    Column("status", "状态", ("房屋状态", "入住状态")),
)
EXPORT_HEADERS = tuple(col.header for col in COLUMNS)
_UNIT_FIELDS = ("building", "entrance", "room", "floor_area_hundredths", "status", "owner_id", "move_in_date")


# -- pure parsing of cells ------------------------------------------------------------


def parse_area(value: Any) -> int:
    """A floor-area cell to hundredths of m²; raises ``ValueError`` with the Chinese reason."""
    if isinstance(value, bool) or value is None:
        raise ValueError("不能为空")
    if isinstance(value, float):
        # Excel hands back binary floats; the shortest repr is what the clerk typed.
        text = repr(value)
    else:
        text = unicodedata.normalize("NFKC", str(value)).strip().replace("㎡", "").replace("m2", "")
    try:
        area = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"“{value}” 不是数字") from None
    if not area.is_finite():
        raise ValueError(f"“{value}” 不是数字")
    if area <= 0:
        raise ValueError(f"{value} 应大于 0")
    if area >= 100_000:  # before quantize: 1e308 has more digits than Decimal's context holds
        raise ValueError(f"{value} 过大，请检查单位是否为平方米")
    if area != area.quantize(Decimal("0.01")):
        raise ValueError(f"{value} 最多两位小数")
    return int(area * 100)


def parse_status(value: Any) -> str:
    label = "".join(unicodedata.normalize("NFKC", str(value)).split())
    if label in _STATUS_BY_LABEL:
        return _STATUS_BY_LABEL[label]
    raise ValueError(f"“{value}” 不是有效状态，应为 已入住、空置 或 已交付")


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a phone typed as a number comes back as 13812345678.0
    return unicodedata.normalize("NFKC", str(value)).strip()


# -- records ------------------------------------------------------------------------


@dataclass(frozen=True)
class OwnerRecord:
    """One validated sheet row.  ``phone``/``id_number`` may still be masked (resolved on apply)."""

    row: int
    code: UnitCode
    floor_area_hundredths: int
    status: str
    owner: str | None = None
    phone: str | None = None
    id_number: str | None = None
    move_in_date: dt.date | None = None


@dataclass
class ImportSummary:
    rows: int = 0
    units_created: int = 0
    units_updated: int = 0
    units_unchanged: int = 0
    owners_created: int = 0
    owners_updated: int = 0
    dry_run: bool = False
    changed_units: list[str] = field(default_factory=list)


def _validate_row(
    table: SheetTable,
    row_number: int,
    cells: dict[str, Any],
) -> tuple[UnitCode | None, OwnerRecord | None, list[CellProblem]]:
    """Check one row; the unit code comes back even when other cells are bad (for duplicate checks)."""
    problems: list[CellProblem] = []

    def bad(key: str, reason: str) -> None:
        problems.append(table.problem(row_number, key, reason))

    code: UnitCode | None = None
    try:
        if cells["building"] is None and cells["entrance"] is None:
            if cells["room"] is None:
                raise ValidationError("不能为空")
            code = parse_unit_code(_text(cells["room"]))
        else:
            code = unit_code_from_parts(cells["building"], cells["entrance"], cells["room"])
    except ValidationError as err:
        # Point at the cell that is wrong: the message starts with the part's name.
        part = next(
            (key for key, name in (("building", "楼栋"), ("entrance", "单元")) if err.message.startswith(name)), "room"
        )
        bad(part, err.message)

    area = None
    try:
        area = parse_area(cells["area"])
    except ValueError as err:
        bad("area", str(err))

    owner = _text(cells["owner"]) if cells["owner"] is not None else None
    if owner is not None and (reason := name_problem(owner)) is not None:
        bad("owner", reason)
    personal: dict[str, str | None] = {}
    for key, validate in (("phone", validate_phone), ("id_number", validate_id_number)):
        value = _text(cells[key]) if cells[key] is not None else None
        if value is not None and not is_masked(value):  # masked values are checked against the ledger later
            try:
                value = validate(value)
            except ValidationError as err:
                bad(key, err.message)
        personal[key] = value
    phone, id_number = personal["phone"], personal["id_number"]
    if owner is None and (phone or id_number):
        bad("owner", "填写了电话或身份证号，但没有业主姓名")

    move_in = None
    if cells["move_in"] is not None:
        try:
            # No "what": the problem line already names the row and the column.
            move_in = parse_date(cells["move_in"], what="")
        except DateError as err:
            bad("move_in", err.message)

    status = None
    if cells["status"] is not None:
        try:
            status = parse_status(cells["status"])
        except ValueError as err:
            bad("status", str(err))
    else:
        # A blank status is read from the other cells (documented in the README).
        status = "occupied" if move_in else ("delivered" if owner else "vacant")
    if status == "occupied" and owner is None:
        bad("status", "已入住的房屋必须填写业主姓名")

    if problems or code is None or area is None or status is None:
        return code, None, problems
    return code, OwnerRecord(row_number, code, area, status, owner, phone, id_number, move_in), []


def read_owner_sheet(path: Path, progress: ProgressCallback | None = None) -> list[OwnerRecord]:
    """Read and validate the whole sheet; ``ValidationError`` lists every bad cell."""
    table = read_table(path, COLUMNS, progress)
    records: list[OwnerRecord] = []
    problems: list[CellProblem] = []
    first_row_of: dict[UnitCode, int] = {}
    for sheet_row in table.rows:
        code, record, row_problems = _validate_row(table, sheet_row.number, sheet_row.cells)
        problems.extend(row_problems)
        if code is not None and code in first_row_of:
            problems.append(
                table.problem(
                    sheet_row.number, "room", f"房号 {code} 与第 {first_row_of[code]} 行重复（同一房号出现两次）"
                )
            )
            continue
        if code is not None:
            first_row_of[code] = sheet_row.number
        if record is not None:
            records.append(record)
    if problems:
        raise ValidationError(f"{readable_name(path.name)} 有 {len(problems)} 处错误，没有导入任何数据", problems)
    if not records:
        raise ValidationError(f"{readable_name(path.name)} 的表头下面没有数据行")
    return records


# -- applying to the ledger --------------------------------------------------------


@dataclass
class _OwnerRow:
    id: int | None
    name: str
    phone: str | None
    id_number: str | None
    first_row: int

    def as_journal(self) -> dict[str, Any]:
        # The journal is an audit trail, not a second copy of personal data: masked, as on screen.
        return {
            "name": self.name,
            "phone": mask_phone(self.phone) if self.phone else self.phone,
            "id_number": mask_id_number(self.id_number) if self.id_number else self.id_number,
        }


def _unit_snapshot(values: dict[str, Any], owner: _OwnerRow | None) -> dict[str, Any]:
    return {
        "floor_area": f"{Decimal(values['floor_area_hundredths']) / 100:.2f}",
        "status": values["status"],
        "owner": owner.name if owner else None,
        "owner_id_number": mask_id_number(owner.id_number) if owner and owner.id_number else None,
        "move_in_date": values["move_in_date"].isoformat() if values["move_in_date"] else None,
    }


def _resolve_masks(records: Sequence[OwnerRecord], conn: Connection) -> list[OwnerRecord]:
    """Masked phone/ID cells (from an export) stand for the value already in the ledger."""
    if not any(is_masked(r.phone or "") or is_masked(r.id_number or "") for r in records):
        return list(records)
    current = {
        row.code: row
        for row in conn.execute(
            sa.select(units.c.code, owners.c.phone, owners.c.id_number).select_from(
                units.outerjoin(owners, units.c.owner_id == owners.c.id)
            )
        )
    }
    resolved: list[OwnerRecord] = []
    problems: list[CellProblem] = []
    for record in records:
        existing = current.get(str(record.code))
        changes: dict[str, Any] = {}
        for key, header, masker in (("phone", "联系电话", mask_phone), ("id_number", "身份证号", mask_id_number)):
            value = getattr(record, key)
            if value and is_masked(value):
                known = getattr(existing, key, None) if existing is not None else None
                if known and masker(known) == value:
                    changes[key] = known
                else:
                    problems.append(
                        CellProblem(
                            record.row, "", header, f"“{value}” 是打码的号码，与台账中的记录对不上；请填写完整号码"
                        )
                    )
        resolved.append(replace(record, **changes) if changes else record)
    if problems:
        raise ValidationError(f"有 {len(problems)} 处打码号码无法导入，没有导入任何数据", problems)
    return resolved


def import_owners(
    ledger: Ledger,
    path: Path,
    operator: str,
    dry_run: bool = False,
    progress: ProgressCallback | None = None,
) -> ImportSummary:
    """Import the owners sheet at ``path`` into the ledger (``recordkit owners import``).

    All-or-nothing: raises ``ValidationError`` (listing every bad cell) and writes nothing
    when any row is bad.  Units are matched by unit code, owners by ID number, else by
    name and phone; unchanged rows cost nothing and are not journalled.
    """
    records = read_owner_sheet(path, progress)
    with ledger.write() as conn:
        summary = apply_owner_records(conn, records, operator)
        summary.dry_run = dry_run
        if dry_run:
            conn.rollback()
    return summary


def _owner_key(name: str, phone: str | None, id_number: str | None) -> tuple[str, ...]:
    """Who an owner is: the ID number when known, else name and phone."""
    return ("id", id_number) if id_number else ("name", name, phone or "")


@dataclass
class _OwnerMatch:
    """Which owner each row means, which owners are new, and which existing ones change."""

    of_row: dict[int, _OwnerRow | None]
    new: list[_OwnerRow]
    changed: dict[int, dict[str, Any]]  # owner pk -> journal snapshot before the change


def _match_owners(records: Sequence[OwnerRecord], existing: Sequence[_OwnerRow]) -> _OwnerMatch:
    """Owners are the same person by ID number, else by name and phone; conflicts are problems."""
    known = {_owner_key(o.name, o.phone, o.id_number): o for o in existing}
    match = _OwnerMatch({}, [], {})
    problems: list[CellProblem] = []
    for record in records:
        if record.owner is None:
            match.of_row[record.row] = None
            continue
        key = _owner_key(record.owner, record.phone, record.id_number)
        owner = known.get(key)
        differs = owner is not None and (
            owner.name != record.owner or bool(record.phone and owner.phone != record.phone)
        )
        if owner is None:
            owner = _OwnerRow(None, record.owner, record.phone, record.id_number, record.row)
            match.new.append(owner)
            known[key] = owner
        elif differs and owner.first_row:
            problems.append(
                CellProblem(record.row, "", "业主姓名", f"与第 {owner.first_row} 行是同一身份证号，但姓名或电话不一致")
            )
        elif differs:
            assert owner.id is not None
            match.changed.setdefault(owner.id, owner.as_journal())
            owner.name, owner.phone = record.owner, record.phone or owner.phone
        owner.first_row = owner.first_row or record.row
        match.of_row[record.row] = owner
    if problems:
        raise ValidationError(f"有 {len(problems)} 处业主信息前后矛盾，没有导入任何数据", problems)
    return match


def apply_owner_records(conn: Connection, records: Sequence[OwnerRecord], operator: str) -> ImportSummary:
    """Upsert validated records inside the caller's write transaction."""
    records = _resolve_masks(records, conn)
    summary = ImportSummary(rows=len(records))

    existing_owners = [_OwnerRow(r.id, r.name, r.phone, r.id_number, 0) for r in conn.execute(sa.select(owners))]
    # Snapshots taken before matching renames anyone, for the units' "before" in the journal.
    owner_before = {o.id: replace(o) for o in existing_owners}
    existing_units = {r.code: r._asdict() for r in conn.execute(sa.select(units))}
    match = _match_owners(records, existing_owners)
    new_owners, owner_of_record = match.new, match.of_row

    changes: list[journal.Change] = []
    if new_owners:
        # A plain executemany, then one query for the new ids: RETURNING in parameter order
        # degrades to one INSERT per owner on SQLite.  The write lock means every row
        # above the old maximum id is ours, and owner keys are unique among them.
        highest = conn.execute(sa.select(sa.func.coalesce(sa.func.max(owners.c.id), 0))).scalar_one()
        bulk_insert(conn, owners, [{"name": o.name, "phone": o.phone, "id_number": o.id_number} for o in new_owners])
        new_ids = {
            _owner_key(r.name, r.phone, r.id_number): r.id
            for r in conn.execute(sa.select(owners).where(owners.c.id > highest))
        }
        for owner in new_owners:
            owner.id = new_ids[_owner_key(owner.name, owner.phone, owner.id_number)]
            changes.append(journal.Change("owner.create", "owner", str(owner.id), None, owner.as_journal()))
        summary.owners_created = len(new_owners)
    updated_owners = [o for o in existing_owners if o.id in match.changed]
    if updated_owners:
        conn.execute(
            owners.update()
            .where(owners.c.id == sa.bindparam("pk"))
            .values(name=sa.bindparam("new_name"), phone=sa.bindparam("new_phone")),
            [{"pk": o.id, "new_name": o.name, "new_phone": o.phone} for o in updated_owners],
        )
        for o in updated_owners:
            assert o.id is not None  # existing owners have ids
            changes.append(journal.Change("owner.update", "owner", str(o.id), match.changed[o.id], o.as_journal()))
        summary.owners_updated = len(updated_owners)

    inserts, updates = [], []
    for record in records:
        record_owner: _OwnerRow | None = owner_of_record[record.row]
        values = {
            "code": str(record.code),
            "building": record.code.building,
            "entrance": record.code.entrance,
            "room": record.code.room,
            "floor_area_hundredths": record.floor_area_hundredths,
            "status": record.status,
            "owner_id": record_owner.id if record_owner else None,
            "move_in_date": record.move_in_date,
        }
        current = existing_units.get(str(record.code))
        if current is None:
            inserts.append(values)
            changes.append(
                journal.Change("unit.create", "unit", str(record.code), None, _unit_snapshot(values, record_owner))
            )
        elif any(current[k] != v for k, v in values.items()):
            updates.append({"pk": current["id"], **{f"new_{name}": values[name] for name in _UNIT_FIELDS}})
            before_owner = owner_before.get(current["owner_id"]) if current["owner_id"] else None
            changes.append(
                journal.Change(
                    "unit.update",
                    "unit",
                    str(record.code),
                    _unit_snapshot(current, before_owner),
                    _unit_snapshot(values, record_owner),
                )
            )
        else:
            summary.units_unchanged += 1
            continue
        summary.changed_units.append(str(record.code))
    bulk_insert(conn, units, inserts)
    if updates:
        conn.execute(
            units.update()
            .where(units.c.id == sa.bindparam("pk"))
            .values({name: sa.bindparam(f"new_{name}") for name in _UNIT_FIELDS}),
            updates,
        )
    summary.units_created, summary.units_updated = len(inserts), len(updates)
    journal.record(conn, operator, changes)
    return summary


# -- looking up -----------------------------------------------------------------------


@dataclass(frozen=True)
class UnitView:
    """A unit and its owner as shown to a clerk (masking applied by ``to_dict``)."""

    code: UnitCode
    floor_area_hundredths: int
    status: str
    owner: str | None
    phone: str | None
    id_number: str | None
    move_in_date: dt.date | None

    @property
    def floor_area(self) -> Decimal:
        return Decimal(self.floor_area_hundredths) / 100

    def to_dict(self, show_private: bool = False) -> dict[str, Any]:
        phone, id_number = self.phone or "", self.id_number or ""
        if not show_private:
            phone, id_number = mask_phone(phone), mask_id_number(id_number)
        return {
            "unit": str(self.code),
            "building": self.code.building,
            "entrance": self.code.entrance,
            "room": self.code.room,
            "area": float(self.floor_area),
            "status": STATUS_LABELS[self.status],
            "owner": self.owner,
            "phone": phone or None,
            "id_number": id_number or None,
            "move_in_date": self.move_in_date.isoformat() if self.move_in_date else None,
        }


def _unit_query() -> sa.Select[Any]:
    return sa.select(
        units.c.code,
        units.c.building,
        units.c.entrance,
        units.c.room,
        units.c.floor_area_hundredths,
        units.c.status,
        units.c.move_in_date,
        owners.c.name,
        owners.c.phone,
        owners.c.id_number,
    ).select_from(units.outerjoin(owners, units.c.owner_id == owners.c.id))


def _view(row: Any) -> UnitView:
    return UnitView(
        UnitCode(row.building, row.entrance, row.room),
        row.floor_area_hundredths,
        row.status,
        row.name,
        row.phone,
        row.id_number,
        row.move_in_date,
    )


def list_units(ledger: Ledger, building: str | None = None) -> list[UnitView]:
    """All units (of one building when given), in natural order 1-1-101, 1-1-102, …, 2-1-101."""
    query = _unit_query()
    if building is not None:
        query = query.where(units.c.building == _clean_building(building))
    with ledger.read() as conn:
        views = [_view(row) for row in conn.execute(query)]
    return sorted(views, key=lambda v: v.code.sort_key)


def _clean_building(building: str) -> str:
    return unit_code_from_parts(building, "1", "1").building


def show_unit(ledger: Ledger, code_text: str) -> tuple[UnitView, list[str]]:
    """One unit, and the codes of every unit its owner holds.  ``NotFoundError`` when absent."""
    code = parse_unit_code(code_text)
    with ledger.read() as conn:
        row = conn.execute(_unit_query().where(units.c.code == str(code))).first()
        if row is None:
            raise NotFoundError(f"台账中没有房屋 {code}：请用 recordkit owners list 查看已有房号")
        holdings: list[str] = []
        owner_id = conn.execute(sa.select(units.c.owner_id).where(units.c.code == str(code))).scalar()
        if owner_id is not None:
            holdings = [c for (c,) in conn.execute(sa.select(units.c.code).where(units.c.owner_id == owner_id))]
    return _view(row), sorted(holdings, key=lambda c: parse_unit_code(c).sort_key)


def record_private_view(ledger: Ledger, operator: str, what: str, units_shown: Iterable[str]) -> None:
    """Journal that someone displayed or exported owners' unmasked phone and ID numbers."""
    journal.record_private_view(ledger, operator, "owner", what, units_shown)


def export_owners(ledger: Ledger, path: Path, operator: str, show_private: bool = False) -> int:
    """Write every unit to ``path`` in the import layout; returns the number of rows.

    Phone and ID numbers are masked unless ``show_private`` (which is journalled);
    either file imports back unchanged.
    """
    views = list_units(ledger)
    rows = []
    for view in views:
        data = view.to_dict(show_private)
        rows.append(
            [
                view.code.building,
                view.code.entrance,
                view.code.room,
                view.floor_area,
                data["owner"],
                data["phone"],
                data["id_number"],
                view.move_in_date,
                data["status"],
            ]
        )
    write_owner_sheet(path, rows)
    if show_private:
        record_private_view(ledger, operator, f"owners export {readable_name(path.name)}", [str(v.code) for v in views])
    return len(rows)


def write_owner_sheet(path: Path, rows: Sequence[Sequence[Any]]) -> Path:
    """Save ``rows`` (in ``EXPORT_HEADERS`` order) as an owners sheet the import reads back."""
    # openpyxl costs ~0.4 s to import: `owners list` and `owners show` at the counter must not pay it
    from openpyxl import Workbook  # loaded on first use (see above)
    from openpyxl.styles import Alignment, Font  # loaded on first use (see above)

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "业主名册"
    sheet.append(list(EXPORT_HEADERS))
    for values in rows:
        sheet.append(list(values))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    # Phones and ID numbers as text: Excel would otherwise show 1.38E+10 and drop the X.
    formats = {4: "0.00", 6: "@", 7: "@", 8: "yyyy-mm-dd"}
    for number in range(2, len(rows) + 2):
        for column, number_format in formats.items():
            sheet.cell(number, column).number_format = number_format
    for index, width in enumerate(iter_column_widths([EXPORT_HEADERS, *rows[:200]])):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:I{len(rows) + 1}"
    sheet.print_title_rows = "1:1"
    return save_atomically(workbook, path)
