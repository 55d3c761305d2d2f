"""Units and owners: import from the office's sheet, list, show and export.  Reading and checking the sheet's cells
is ``owners.roster_sheet``'s; matching what it read to the stored owners and writing it is this module's.

Validation is complete and all-or-nothing: every bad cell is reported with its
row and column, and a sheet with any bad row changes nothing.  Re-importing the
same sheet (or an export, masked or not) changes nothing either.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import json
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from recordkit.core.dates import office_time, utc_day_start
from recordkit.core.errors import CellProblem, ValidationError
from recordkit.core.filenames import as_shell_word, readable_name
from recordkit.core.personal import (
    ID_TYPES,
    OTHER_ID,
    RESIDENT_ID,
    id_identity,
    id_number_as_18,
    id_type_journalled,
    id_type_shown,
    is_masked,
    mask_id_number,
    mask_phone,
    name_as_kept,
    named_in_sentence,
    validate_document_number,
)
from recordkit.core.sheets import (
    ProgressCallback,
    iter_column_widths,
    save_atomically,
)
from recordkit.core.unitcodes import (
    VILLA,
    Building,
    UnitCode,
    as_typed,
    parse_building,
    parse_unit_code,
)
from recordkit.ledger import journal
from recordkit.ledger.db import Ledger, bulk_insert, office_zone_of, unknown_unit
from recordkit.ledger.schema import journal as journal_rows
from recordkit.ledger.schema import owners, unit_co_owners, unit_contacts, units
from recordkit.owners.contacts import (
    CO_OWNER,
    TENANT,
    Contact,
    ContactRecord,
    ContactUnderRelations,
    CoOwner,
    OwnerAsContact,
    body_or_owners,
    co_owners_in,
    comma_name_parts,
    contact_record,
    contacts_under_relations_in,
    contacts_with_owners_numbers_in,
    holders_by_number,
    name_as_read,
    numbered_contacts_in,
    on_holders_number,
    one_name_two_ways,
    one_person_problem,
    other_holder,
    owner_as_contact,
    owner_id_as_contact,
    owner_names_in,
    owners_as_contacts_in,
    owners_with_numbers_in,
    same_id_number,
    same_person,
    several_people,
    told_apart_by_numbers,
    unit_co_owners_in,
    unit_contacts_in,
)
from recordkit.owners.roster_sheet import (
    EXPORT_HEADERS,
    ID_TYPE_HEADER,
    OWNER_RELATION,
    STATUS_LABELS,
    KeptWhole,
    OwnerRecord,
    Person,
    flat_of_villa_number,
    kind_against,
    owner_cell_names,
    owner_name_problem,
    read_roster,
)

_UNIT_FIELDS = (
    "kind",
    "phase",
    "building",
    "entrance",
    "room",
    "floor_area_hundredths",
    "status",
    "owner_id",
    "move_in_date",
)


@dataclass
class ImportSummary:
    rows: int = 0
    units_created: int = 0
    units_updated: int = 0
    units_unchanged: int = 0
    owners_created: int = 0
    owners_updated: int = 0
    #: owner records the import left holding nothing (no unit, no co-ownership), deleted
    owners_removed: int = 0
    dry_run: bool = False
    changed_units: list[str] = field(default_factory=list)
    sheet: str = ""
    ignored_columns: tuple[str, ...] = ()
    co_owners: int = 0
    contacts: int = 0
    warnings: list[str] = field(default_factory=list)
    #: whether the sheet has a 租户 column or a 家属/租户 row, whose contacts the units' became (else contacts were
    #: left alone)
    contacts_read: bool = False
    #: contacts the sheet made their unit's owner or co-owner, no longer its contacts: "1-1-101 的租户 赵磊"
    contacts_now_owners: list[str] = field(default_factory=list)
    #: units whose owner, stored under one name of several people (王芳、李娜), the sheet split into owner and co-owners
    owners_split: list[SplitOwner] = field(default_factory=list)
    #: owners an older import kept as two (Smith, John: Smith and John) the sheet names whole: merged, or why not
    owners_merged: list[PairMerged] = field(default_factory=list)
    #: owners the sheet gave another name under the ID number the ledger keeps for them, with what they hold
    owners_renamed: list[RenamedOwner] = field(default_factory=list)
    #: stored owners whose name changed only in its blanks, as the ledger keeps a name today (``Zhang  San`` of an
    #: older version, ``Zhang San`` now): their names now — no rename, told apart in one quiet line
    names_tidied: list[str] = field(default_factory=list)
    #: stored owners the sheet gave another phone (one without an ID number known by unit, role and name), masked
    phones_changed: list[PhoneChanged] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The summary as ``owners import --json`` prints it: these fields by their names, each split owner as its
        unit, stored name and the names it was split into."""
        return asdict(self)


@dataclass(frozen=True)
class RenamedOwner:
    """An owner the sheet names otherwise under the ID number the ledger keeps for him (a name corrected, or a number
    pasted onto another person's row): his number masked, his name before and after, and what he holds after the
    import (``_held``) — units the sheet may not name among them, whose owner is renamed too."""

    id_number: str
    before: str
    after: str
    held: str

    def said(self, done: str) -> str:
        """``证件号码 110101********1233 的业主“王建国”已改名为“刘一”：1-1-101 的业主、2-2-201 的业主``, ``done`` 已 or 将."""
        return (
            f"证件号码 {self.id_number} 的业主{named_in_sentence(self.before)}{done}改名为{named_in_sentence(self.after)}："
            f"{self.held}"
        )


@dataclass(frozen=True)
class PhoneChanged:
    """A stored owner the sheet gave another phone — known by ID number, or without one by being named again in the
    role she holds in her unit (``_stored_owner_rephoned``) —: her name, what she holds after the import (``_held``),
    her phone before and after, masked."""

    name: str
    held: str
    before: str
    after: str

    def said(self, done: str) -> str:
        """``电话已改：张伟（3-2-1201 的业主、车位B2-088 的业主）139****5678 → 138****5678``, ``done`` 已 or 将."""
        return f"电话{done}改：{self.name}（{self.held}）{self.before} → {self.after}"


# -- applying to the ledger --------------------------------------------------------


@dataclass
class _OwnerRow:
    id: int | None
    name: str
    phone: str | None
    id_number: str | None
    first_row: int
    #: The document ``id_number`` is of (``core.personal.ID_TYPES``).
    id_type: str = RESIDENT_ID

    def as_journal(self) -> dict[str, Any]:
        # The journal is an audit trail, not a second copy of personal data: masked, as on screen.  A resident ID
        # number is journalled as before there were other documents (no key), so older entries read alike.
        return {
            "name": self.name,
            "phone": mask_phone(self.phone) if self.phone else self.phone,
            "id_number": mask_id_number(self.id_number) if self.id_number else self.id_number,
        } | id_type_journalled(self.id_type)


def _unit_snapshot(values: dict[str, Any], owner: _OwnerRow | None) -> dict[str, Any]:
    return {
        "floor_area": f"{Decimal(values['floor_area_hundredths']) / 100:.2f}",
        "status": values["status"],
        "owner": owner.name if owner else None,
        "owner_id_number": mask_id_number(owner.id_number) if owner and owner.id_number else None,
        "move_in_date": values["move_in_date"].isoformat() if values["move_in_date"] else None,
    }


@dataclass(frozen=True)
class OwnerChange:
    """A unit's owner changed by the roster: who the ledger showed before (None: no owner) and the day it changed
    (on the office's clock)."""

    before: str | None
    on: dt.date


def owner_change_after(conn: Connection, code: str, day: dt.date) -> OwnerChange | None:
    """The first change of unit ``code``'s owner the roster made after ``day`` (its journal entries' snapshots), or
    None: the owner the ledger shows now is the one it showed that day.  A unit entered after the day is taken as its
    first record has it, as its status is (``billing.bills``): a ledger begun later knows no other."""
    zone = office_zone_of(conn)
    rows = conn.execute(
        sa.select(journal_rows.c.at, journal_rows.c.before, journal_rows.c.after)
        .where(
            journal_rows.c.action == "unit.update",
            journal_rows.c.at >= utc_day_start(day + dt.timedelta(days=1), zone),
            journal_rows.c.entity == "unit",
            journal_rows.c.entity_key == code,
        )
        .order_by(journal_rows.c.id)
    )
    for at, before, after in rows:
        was = json.loads(before).get("owner") if before else None
        if was != (json.loads(after).get("owner") if after else None):
            return OwnerChange(was, office_time(at, zone).date())
    return None


def _resolve_masks(
    records: Sequence[OwnerRecord], conn: Connection, columns: Mapping[str, tuple[str, str]] | None = None
) -> list[OwnerRecord]:
    """Masked phone/ID cells (from an export) stand for the value already in the ledger: the unit's owner's on its
    owner row, on a 共有人 row the one of the unit's co-owners of that name whose numbers it masks.  A masked cell
    that stands for none is a ``ValidationError`` naming it by ``columns``' letter and header (the sheet's own: 证件号码
    as often as 身份证号): a masked number never replaces a stored one."""

    def masked(person: Any) -> bool:
        return is_masked(person.phone or "") or is_masked(person.id_number or "")

    if not any(masked(r) or any(masked(p) for p in r.co_owners) for r in records):
        return list(records)
    current = {
        row.code: row
        for row in conn.execute(
            sa.select(units.c.code, owners.c.phone, owners.c.id_number).select_from(
                units.outerjoin(owners, units.c.owner_id == owners.c.id)
            )
        )
    }
    co_owners_of = co_owners_in(conn)
    resolved: list[OwnerRecord] = []
    problems: list[CellProblem] = []
    fields = (("phone", "联系电话", mask_phone), ("id_number", "身份证号", mask_id_number))
    cell_of = {key: (columns or {}).get(key, ("", header)) for key, header, _ in fields}

    def masks_matched(person: Person, known: Any) -> int:
        """How many of ``person``'s masked cells mask ``known``'s numbers."""
        return sum(
            bool(value and is_masked(value) and (stored := getattr(known, key)) and masker(stored) == value)
            for key, _, masker in fields
            for value in [getattr(person, key)]
        )

    def unmasked(row: int, person: Any, known: Any) -> dict[str, Any]:
        changes: dict[str, Any] = {}
        for key, _, masker in fields:
            value = getattr(person, key)
            if value and is_masked(value):
                stored = getattr(known, key, None) if known is not None else None
                if stored and masker(stored) == value:
                    changes[key] = stored
                else:
                    problems.append(
                        CellProblem(row, *cell_of[key], f"“{value}” 是打码的号码，与台账中的记录对不上；请填写完整号码")
                    )
        return changes

    for record in records:
        code = str(record.code)
        changes = unmasked(record.row, record, current.get(code))
        co_owners: list[Person] = []
        left = list(co_owners_of.get(code, []))
        for person in record.co_owners:
            if not masked(person):
                co_owners.append(person)
                continue
            # The co-owner of that name whose numbers the cells mask (two of one name told apart by them); a cell
            # that masks none of that co-owner's numbers is named below.  A name corrected on the export (as an
            # owner's row may be): the one co-owner of the unit whose numbers every masked cell masks.
            same_name = [k for k in left if name_as_read(k.name) == name_as_read(person.name)]
            known = max(same_name, key=functools.partial(masks_matched, person), default=None)
            if known is None:
                cells = sum(bool(value and is_masked(value)) for value in (person.phone, person.id_number))
                if len(each := [k for k in left if masks_matched(person, k) == cells]) == 1:
                    known = each[0]
            if known is not None:
                left.remove(known)
            co_owners.append(replace(person, **unmasked(person.row, person, known)))
        if tuple(co_owners) != record.co_owners:
            changes["co_owners"] = tuple(co_owners)
        resolved.append(replace(record, **changes) if changes else record)
    if problems:
        problems.sort(key=lambda p: p.row)
        raise ValidationError(f"有 {len(problems)} 处打码号码无法导入，没有导入任何数据", problems)
    return resolved


def import_owners(
    ledger: Ledger,
    path: Path,
    operator: str,
    dry_run: bool = False,
    progress: ProgressCallback | None = None,
    *,
    column_map: Mapping[str, str] | None = None,
    sheet: str | None = None,
    status_words: Mapping[str, str] | None = None,
    phases: Mapping[str, str] | None = None,
    estate: str | None = None,
    map_headers: Collection[str] = (),
) -> ImportSummary:
    """Import the owners sheet at ``path`` into the ledger (``recordkit owners import``).

    All-or-nothing: raises ``ValidationError`` (listing every bad cell) and writes nothing
    when any row is bad.  Units are matched by unit code, owners by ID number, else by
    name and phone; unchanged rows cost nothing and are not journalled.  Co-owners of the
    units in the sheet become the sheet's; so do their contacts when the sheet has a 关系 or
    租户 column.  ``column_map``, ``sheet``, ``status_words``, ``phases``, ``estate`` and ``map_headers`` as in
    ``read_roster``.
    """
    roster = read_roster(
        path,
        progress,
        column_map=column_map,
        sheet=sheet,
        status_words=status_words,
        phases=phases,
        estate=estate,
        map_headers=map_headers,
    )
    with ledger.write() as conn:
        kept_whole = _new_kept_whole(conn, roster.kept_whole)
        summary = apply_owner_records(
            conn, roster.records, operator, contacts=roster.has_contacts, columns=roster.columns, typed=roster.typed
        )
        summary.dry_run, summary.contacts_read = dry_run, roster.has_contacts
        if dry_run:
            conn.rollback()
    summary.sheet, summary.ignored_columns = roster.sheet, roster.ignored_columns
    summary.warnings = [*(kept.said() for kept in kept_whole), *roster.warnings]
    summary.rows = roster.rows
    return summary


def _new_kept_whole(conn: Connection, kept_whole: Sequence[KeptWhole]) -> list[KeptWhole]:
    """The name cells of ``kept_whole`` whose unit does not hold that name yet — as an owner, a co-owner or a contact,
    read before the import writes —: an export imported again unchanged is not warned of again."""
    codes = sorted({str(kept.code) for kept in kept_whole})
    held = {code: set(map(name_as_read, names)) for code, names in owner_names_in(conn, codes).items()}
    for code in codes:
        held.setdefault(code, set()).update(
            name_as_read(contact.record.name) for contact in unit_contacts_in(conn, code)
        )
    return [kept for kept in kept_whole if name_as_read(kept.found.cell) not in held[str(kept.code)]]


def _owner_key(name: str, phone: str | None, id_number: str | None, id_type: str) -> tuple[str, ...]:
    """Who an owner is: the ID document and its number when known (``id_identity``: a passport and a 台胞证 of the same
    digits are two people's; a first-generation number is the 18-character one it became), else name and phone
    (``_named_phone``)."""
    return ("id", *id_identity(id_number, id_type)) if id_number else ("name", *_named_phone(name, phone))


def _numbered_as(person: Person | _OwnerRow | ContactRecord) -> tuple[str, str]:
    """A numbered person's number (its 18-character form) and name as a clerk reads it, whatever the document."""
    return (id_number_as_18(person.id_number or ""), name_as_read(person.name))


def _named_phone(name: str, phone: str | None) -> tuple[str, str]:
    """A name and phone as owners are told apart by them: the name as the ledger keeps it (``name_as_kept``: the two
    blanks an older version kept in ``Zhang  San`` are one, as a row writes it), the phone ("" for none)."""
    return (name_as_kept(name), phone or "")


@dataclass
class _OwnerMatch:
    """Which owner each row means, which owners are new, and which existing ones change."""

    of_row: dict[tuple[int, int], _OwnerRow]  # (row, position) -> the owner
    new: list[_OwnerRow]
    changed: dict[int, dict[str, Any]]  # owner pk -> journal snapshot before the change
    # Rows written two ways (前后矛盾): refused with the later checks' problems (``apply_owner_records``), the row
    # matched to the owner its ID number (or name and phone) says, or left unmatched where no owner can be said.
    problems: list[CellProblem] = field(default_factory=list)


def _first_owner(record: OwnerRecord, name: str) -> Person:
    """The first owner a record names (``name``: its ``owner``), in the row's first slot."""
    return Person(record.row, 0, name, record.phone, record.id_number, record.id_type)


def _persons(records: Sequence[OwnerRecord]) -> list[Person]:
    """Every owner and co-owner the records name, each in its sheet slot."""
    persons: list[Person] = []
    for record in records:
        if record.owner is not None:
            persons.append(_first_owner(record, record.owner))
        persons.extend(record.co_owners)
    return persons


def _stored_owner(
    record: OwnerRecord,
    existing_units: Mapping[str, Mapping[str, Any]],
    owner_before: Mapping[int | None, _OwnerRow],
) -> _OwnerRow | None:
    """The owner the ledger held for ``record``'s unit before the import, or None (a new unit, or one without)."""
    unit = existing_units.get(str(record.code))
    return owner_before.get(unit["owner_id"]) if unit is not None and unit["owner_id"] else None


def _owner_named_again(
    records: Sequence[OwnerRecord],
    existing_units: Mapping[str, Mapping[str, Any]],
    owner_before: Mapping[int | None, _OwnerRow],
) -> dict[tuple[int, int], tuple[int, int]]:
    """A 共有人 row's slot -> its unit's owner's, for each such row naming the owner (as a clerk reads it) with an ID
    number where the owner has none, stated on its row or stored for the unit's owner of that name: the row is the
    owner written again, its number the owner's (``_match_owners``), not another person of that name."""
    again: dict[tuple[int, int], tuple[int, int]] = {}
    for record in records:
        if record.owner is None or record.id_number:
            continue
        stored = _stored_owner(record, existing_units, owner_before)
        if stored is not None and stored.id_number and name_as_read(stored.name) == name_as_read(record.owner):
            continue
        for person in record.co_owners:
            if person.id_number and name_as_read(person.name) == name_as_read(record.owner):
                again[person.slot] = (record.row, 0)
    return again


def _stored_owner_numbered(
    records: Sequence[OwnerRecord],
    existing_units: Mapping[str, Mapping[str, Any]],
    owner_before: Mapping[int | None, _OwnerRow],
) -> dict[tuple[int, int], int]:
    """An owner row's slot -> the id of its unit's stored owner, for each row naming that owner (as a clerk reads it)
    with an ID number where the stored owner has none, and a phone that is not another (the same, or blank on either
    side): the row is that owner, whose record takes the number (``_match_owners``), not another person of that
    name.  With another phone it is another person, known by the number."""
    found: dict[tuple[int, int], int] = {}
    for record in records:
        stored = _stored_owner(record, existing_units, owner_before)
        if stored is None or stored.id is None or stored.id_number or record.owner is None or not record.id_number:
            continue
        if name_as_read(stored.name) != name_as_read(record.owner):
            continue
        if not (stored.phone and record.phone and stored.phone != record.phone):
            found[(record.row, 0)] = stored.id
    return found


def _stored_owner_rephoned(
    records: Sequence[OwnerRecord],
    existing_units: Mapping[str, Mapping[str, Any]],
    owner_before: Mapping[int | None, _OwnerRow],
    current_co: Mapping[int, tuple[int, ...]],
) -> dict[tuple[int, int], int]:
    """A sheet slot -> the id of the stored owner it names with another phone (or a phone where she has none): the
    row's unit holds, in the row's role (业主 on an owner row, 共有人 on a co-owner's), exactly one person of the row's
    name (as a clerk reads it), and neither the row nor that person has an ID number.  That is the person, whose phone
    changed (``_match_owners``: kept, the phone the row's), not another person of that name; an ID number on either
    side says who instead."""
    found: dict[tuple[int, int], int] = {}
    for record in records:
        unit = existing_units.get(str(record.code))
        if unit is None or record.owner is None:
            continue
        roles = [
            (_first_owner(record, record.owner), (unit["owner_id"],)),
            *((person, current_co.get(unit["id"], ())) for person in record.co_owners),
        ]
        for person, held_by in roles:
            if person.id_number or not person.phone:
                continue
            same = [
                stored
                for owner_id in held_by
                if (stored := owner_before.get(owner_id)) is not None
                and name_as_read(stored.name) == name_as_read(person.name)
            ]
            if len(same) != 1 or (stored := same[0]).id is None or stored.id_number:
                continue
            if stored.phone != person.phone:
                found[person.slot] = stored.id
    return found


def _match_owners(
    persons: Sequence[Person],
    existing: Sequence[_OwnerRow],
    co_owner_named: Mapping[tuple[int, str], _OwnerRow] | None = None,
    columns: Mapping[str, tuple[str, str]] | None = None,
    named_again: Mapping[tuple[int, int], tuple[int, int]] | None = None,
    held: Callable[[int], str] = lambda owner_id: "",
    numbered: Mapping[tuple[int, int], int] | None = None,
    shown: Callable[[int, str], str] = lambda row, name: name,
    rephoned: Mapping[tuple[int, int], int] | None = None,
    typed_twice: Mapping[tuple[int, int], CellProblem] | None = None,
) -> _OwnerMatch:
    """Owners are the same person by ID number, else by name and phone; conflicts are problems
    (``_OwnerMatch.problems``, refused by ``_refuse_contradictions_and_shared_numbers`` together with its own).

    ``co_owner_named`` maps (row, name) to the co-owner the unit of that row already has: a
    co-owner written with no phone or ID (a name in a shared cell) is that person.  One person on
    two rows of the sheet with a different name or phone is a problem naming the column (``columns``:
    key -> (letter, header)); a phone left blank on either row is none (the one written is kept).  A person
    written without an ID number, with the name and phone of exactly one person known by ID number (in
    the ledger or the sheet), is that person: exports leave the ID off a parking space's row.  ``named_again``
    (``_owner_named_again``): a 共有人 row naming its unit's owner, who has no ID number, with one is that owner, who
    takes the number (and the phone only the row gives) — a problem when another owner holds it (``held``: what that
    owner holds, said by its id) or the row's phone is another.  ``numbered`` (``_stored_owner_numbered``): an owner
    row giving its unit's stored owner, who has no ID number, one is that owner, whose record takes it before any row
    is matched (a row of hers without the number, earlier in the sheet, is she too) — a problem when an owner of
    another name holds it; one of her name holding it is she (the number says who), the row matched to that one.
    ``shown`` (``_name_as_typed``) quotes a name of a sheet row as typed there.  ``rephoned``
    (``_stored_owner_rephoned``): a row naming its unit's stored owner, neither with an ID number, with another phone
    is that owner, who takes the phone (``_stored_owners_rephoned``).  ``typed_twice`` (``_typed_two_ways``): the
    slots whose 证件类型 an earlier row contradicts, each a problem, left unmatched."""
    known: dict[tuple[str, ...], _OwnerRow] = {}
    for known_owner in existing:
        # A ledger that already holds one person under both numbers (imported before they were told apart) matches
        # the one with the newer number: the older one is never renumbered into a duplicate.
        key = _owner_key(known_owner.name, known_owner.phone, known_owner.id_number, known_owner.id_type)
        if key not in known or len(known_owner.id_number or "") == 18:
            known[key] = known_owner
    # A stored owner by number and name whatever the document: a row giving him his number under another type corrects
    # the type (the same digits of another document under another name are another person).
    numbered_as = {_numbered_as(owner): owner for owner in existing if owner.id_number}
    # A stored owner by number alone: a row of another name giving it as another document may be his, kept mistyped;
    # a new owner of an earlier row too (the sheet's own 其他证件 and passport of one number under two names).
    by_number: dict[str, list[_OwnerRow]] = {}
    for stored in existing:
        if stored.id_number:
            by_number.setdefault(id_number_as_18(stored.id_number), []).append(stored)
    match = _OwnerMatch({}, [], {})
    problems = match.problems
    where = {"owner": ("", "业主姓名"), "phone": ("", "联系电话"), "id_number": ("", "身份证号")}
    where = where | {"id_type": ("", "证件类型")} | dict(columns or {})
    id_numbers: dict[tuple[str, str], set[tuple[str, str]]] = {}
    for name, phone, id_number, id_type in [(o.name, o.phone, o.id_number, o.id_type) for o in existing] + [
        (p.name, p.phone, p.id_number, p.id_type) for p in persons
    ]:
        if id_number and phone:
            id_numbers.setdefault(_named_phone(name, phone), set()).add(id_identity(id_number, id_type))
    refused = _stored_owners_numbered(persons, existing, numbered or {}, match, known, held, shown)
    for person, (column, reason) in refused:
        letter, header = where[column]
        problems.append(CellProblem(person.row, letter, header, reason))
    _stored_owners_rephoned(persons, existing, rephoned or {}, match, known, id_numbers)
    for person in persons:
        owner_slot = (named_again or {}).get(person.slot)
        first = match.of_row.get(owner_slot) if owner_slot is not None else None
        if owner_slot is not None and first is not None and not first.id_number:
            problem = _owner_takes_id_number(first, owner_slot[0], person, known, held, shown)
            if problem is not None:
                letter, header = where[problem[0]]
                problems.append(CellProblem(person.row, letter, header, problem[1]))
            else:
                _take_id_number(match, known, first, person)
            continue
        written_id = person.id_number
        if (typed := (typed_twice or {}).get(person.slot)) is not None:
            problems.append(typed)
            continue
        if not person.id_number and person.phone:
            known_as = id_numbers.get(_named_phone(person.name, person.phone), set())
            if len(known_as) == 1:
                id_type, id_number = next(iter(known_as))
                person = replace(person, id_number=id_number, id_type=id_type)
        if not person.phone and not person.id_number and co_owner_named:
            same = co_owner_named.get((person.row, person.name))
            if same is not None:
                match.of_row[person.slot] = same
                continue
        key = _owner_key(person.name, person.phone, person.id_number, person.id_type)
        owner = known.get(key)
        if owner is None and person.id_number and (retyped := numbered_as.get(_numbered_as(person))) is not None:
            owner = retyped  # the stored owner's document written as another (a 证件类型 corrected): he
        if owner is None and person.id_number:
            kept_as = [
                stored
                for stored in by_number.get(id_number_as_18(person.id_number), [])
                if stored.id_type != person.id_type and _may_be_one_document(stored, person.id_type)
            ]
            if kept_as:
                reason = _kept_as_another_document(person, kept_as[0], held, shown)
                problems.append(CellProblem(person.row, *where["id_type"], reason))
                continue
        # A blank phone on either side contradicts nothing: the one written is kept.
        contradicted: list[str] = []
        if owner is not None:
            pairs = (("owner", person.name, owner.name), ("phone", person.phone, owner.phone))
            contradicted = [column for column, mine, theirs in pairs if mine and theirs and mine != theirs]
        differs = bool(contradicted) or bool(owner is not None and person.phone and not owner.phone)
        if owner is None:
            owner = _OwnerRow(None, person.name, person.phone, person.id_number, person.row, person.id_type)
            match.new.append(owner)
            known[key] = owner
            if owner.id_number:
                by_number.setdefault(id_number_as_18(owner.id_number), []).append(owner)
        elif contradicted and owner.first_row:
            # The same ID number (or owner without one, her phone changed) on an earlier row: one person written two ways.
            for column in contradicted:
                letter, header = where[column]
                what = "姓名" if column == "owner" else "电话"
                whom = (
                    "同一证件号码（同一位业主）"
                    if owner.id_number
                    else f"同一位业主{named_in_sentence(owner.name)}（没有证件号码）"
                )
                problems.append(
                    CellProblem(
                        person.row,
                        letter,
                        header,
                        f"与第 {owner.first_row} 行是{whom}，但{what}不同：请核对后写成一样的",
                    )
                )
        elif differs and owner.id is None:
            owner.phone = owner.phone or person.phone  # a new owner's phone from a later row
        elif differs:
            assert owner.id is not None
            match.changed.setdefault(owner.id, owner.as_journal())
            owner.name, owner.phone = person.name, person.phone or owner.phone
        if written_id and len(written_id) == 18 and len(owner.id_number or "") == 15:
            # The owner's new card: the 18-character number replaces the first-generation one.
            if owner.id is not None:
                match.changed.setdefault(owner.id, owner.as_journal())
            owner.id_number, owner.id_type = written_id, person.id_type
        elif written_id and owner.id_type != person.id_type:
            # The number the row writes, of another document than the ledger says (a 证件类型 corrected): the row's.
            if owner.id is not None:
                match.changed.setdefault(owner.id, owner.as_journal())
            owner.id_type = person.id_type
        owner.first_row = owner.first_row or person.row
        match.of_row[person.slot] = owner
    return match


#: The slot of a 家属/租户 row in ``_typed_two_ways``' answer: (its row, this), after the row's owners'.
_CONTACT_SLOT = 1_000_000


def _typed_two_ways(records: Sequence[OwnerRecord], column: tuple[str, str]) -> dict[tuple[int, int], CellProblem]:
    """The problem of each 证件类型 cell (``column``: letter, header) that gives a person (name as a clerk reads it) the
    number an earlier row gave the same person as another document, by slot — an owner's or co-owner's, or a 家属/租户
    row's ``(row, _CONTACT_SLOT)`` —: one person's number under two documents, on any of the sheet's rows (an owner
    may be another unit's tenant), and no row wins silently."""
    numbered: list[tuple[tuple[int, int], Person | ContactRecord]] = [
        (person.slot, person) for person in _persons(records) if person.id_number
    ]
    numbered += [
        ((row, _CONTACT_SLOT), contact)
        for record in records
        for contact, row in zip(record.contacts, record.contact_rows, strict=True)
        if contact.id_number
    ]
    typed_at: dict[tuple[str, str], tuple[int, str]] = {}
    found: dict[tuple[int, int], CellProblem] = {}
    for slot, person in sorted(numbered, key=lambda written: written[0]):
        first_row, first_type = typed_at.setdefault(_numbered_as(person), (slot[0], person.id_type))
        if first_type != person.id_type:
            found[slot] = CellProblem(
                slot[0],
                *column,
                f"与第 {first_row} 行是同一个人、同一个号码，但证件类型不同（第 {first_row} 行是{ID_TYPES[first_type]}，"
                f"这一行是{ID_TYPES[person.id_type]}）：请核对后写成一样的",
            )
    return found


def _kept_spelled_two_ways(
    stored: Sequence[Contact], code: str, holder: tuple[str, str, str], contact: ContactRecord
) -> Contact | None:
    """The contact of unit ``code`` on the ledger (of ``stored``) that is ``holder`` (``other_holder``'s: unit, role,
    name) when he holds ``contact``'s number under his name written another way (``one_name_two_ways``: John Smith,
    Smith John): one person under two spellings, not one number for two people; else None."""
    unit, relation, name = holder
    if unit != code or not one_name_two_ways(name, contact.name):
        return None
    return next(
        (kept for kept in stored if (kept.unit, kept.record.relation, kept.record.name) == holder),
        None,
    )


def _spelled_two_ways(contact: ContactRecord, kept: Contact) -> str:
    """The refusal of ``contact``, a row naming ``kept`` (a contact of its unit on the ledger, of his number) with his
    name written another way: one person has one relation to a unit and one name; the fix at the counter."""
    return (
        f"{kept.unit} 的{kept.record.relation}{named_in_sentence(kept.record.name)}（联系人编号 {kept.id}）已在台账里，"
        f"证件号码 {mask_id_number(contact.id_number or '')} 相同，与这一行的{named_in_sentence(contact.name)}是同一个人："
        "一个人在一套房屋只登记"
        f"一种关系、一种姓名，关系或姓名变了的，先用 recordkit owners contact edit {kept.id} --relation {contact.relation} "
        f"--name {as_shell_word(contact.name)} 改正再导入"
    )


def _owner_slots(record: OwnerRecord) -> list[tuple[int, int]]:
    """The sheet slots of ``record``'s owners of record, the first owner's, then its co-owners' in deed order."""
    return [(record.row, 0), *(person.slot for person in record.co_owners)] if record.owner else []


def _refuse_contradictions_and_shared_numbers(
    conn: Connection,
    records: Sequence[OwnerRecord],
    match: _OwnerMatch,
    columns: Mapping[str, tuple[str, str]] | None,
    contacts: bool,
    owner_before: Mapping[int | None, _OwnerRow],
    contacts_typed_twice: Sequence[CellProblem] = (),
) -> None:
    """``ValidationError`` naming, every cell by row in one run, each contradiction the matching found (a person written
    two ways, 前后矛盾: ``_OwnerMatch.problems``), each 家属/租户 row writing a person's number as another document than
    an earlier row (``contacts_typed_twice``, by ``_typed_two_ways``) and each 身份证号 cell that would make one number two people's, the
    owners as matched: a 家属/租户 row's number that is one of its unit's owners of record's
    (``contacts.owner_id_as_contact``; a number the sheet shows masked or leaves blank is the one the ledger holds),
    or, given by the sheet, another unit's owner's or contact's, or another contact's of its unit, of another name as
    the import leaves them — the
    sheet's owners and contacts of its units, the ledger's of the others and the contacts it keeps
    (``contacts.other_holder``) —, and an owner's or co-owner's number that a contact of the unit keeps from
    the ledger (``_owners_on_kept_numbers``)
    — or a contact of another unit, of another name (``_owners_on_others_numbers``).  A contact's number the sheet
    leaves blank (kept from the ledger) is judged at the owner's cell.  A row written two ways is matched to the owner
    its ID number says (the number these checks read), or left out of them."""
    letter, header = (columns or {}).get("id_number", ("", "身份证号"))
    owners_of = {
        str(record.code): [
            (owner.name, owner.id_number, owner.id_type)
            for slot in _owner_slots(record)
            if (owner := match.of_row.get(slot))
        ]
        for record in records
    }
    stored = numbered_contacts_in(conn)
    sheet = {str(record.code): record for record in records}
    had = _stored_contacts_by_code(conn)
    kept = [
        (contact.unit, contact.record)
        for contact in stored
        if (named := sheet.get(contact.unit)) is None or _keeps_stored_number(named, contact.record, contacts, had)
    ]
    written = [(str(record.code), contact) for record in records for contact in record.contacts]
    elsewhere = holders_by_number(owners_with_numbers_in(conn) | owners_of, [*kept, *written])
    held = {
        (contact.unit, name_as_read(contact.record.name), contact.record.relation, contact.record.id_number)
        for contact in stored
    }
    on_contacts: list[CellProblem] = []
    on_others_owners: list[CellProblem] = []
    on_others_contacts: list[CellProblem] = []
    on_own_contacts: list[CellProblem] = []
    on_own_spellings: list[CellProblem] = []
    for record in records:
        of_unit = owners_of[str(record.code)]
        for contact, row in zip(record.contacts, record.contact_rows, strict=True):
            if (reason := owner_id_as_contact(contact.id_number, contact.id_type, of_unit)) is not None:
                on_contacts.append(CellProblem(row, letter, header, reason))
            elif (str(record.code), name_as_read(contact.name), contact.relation, contact.id_number) in held:
                continue  # kept from before: doctor's to tell, no sheet's doing
            elif holder := other_holder(contact.name, contact.id_number, contact.id_type, str(record.code), elsewhere):
                if (him := _kept_spelled_two_ways(stored, str(record.code), holder, contact)) is not None:
                    on_own_spellings.append(CellProblem(row, letter, header, _spelled_two_ways(contact, him)))
                    continue
                problem = CellProblem(row, letter, header, on_holders_number(contact.id_number or "", holder))
                if holder[1] in ("业主", "共有人"):
                    on_others_owners.append(problem)
                else:
                    (on_own_contacts if holder[0] == str(record.code) else on_others_contacts).append(problem)
    on_owners = [
        CellProblem(row, letter, header, reason)
        for row, reason in _owners_on_kept_numbers(conn, records, match, contacts, had)
    ]
    on_others = [
        CellProblem(row, letter, header, reason)
        for row, reason in _owners_on_others_numbers(conn, records, match, contacts, had, owner_before)
    ]
    parts = [
        *([f"{len(match.problems)} 处业主信息前后矛盾"] if match.problems else []),
        *([f"{len(contacts_typed_twice)} 处联系人信息前后矛盾"] if contacts_typed_twice else []),
        *([f"{len(on_contacts)} 位联系人填了本户业主的证件号码"] if on_contacts else []),
        *([f"{len(on_others_owners)} 位联系人填了另一户业主的证件号码"] if on_others_owners else []),
        *([f"{len(on_others_contacts)} 位联系人填了另一户联系人的证件号码"] if on_others_contacts else []),
        *([f"{len(on_own_contacts)} 位联系人填了本户另一位联系人的证件号码"] if on_own_contacts else []),
        *([f"{len(on_own_spellings)} 位联系人换了姓名写法，已在台账里登记为本户联系人"] if on_own_spellings else []),
        *([f"{len(on_owners)} 位业主的证件号码与本户联系人的相同"] if on_owners else []),
        *([f"{len(on_others)} 位业主的证件号码与另一户的联系人的相同"] if on_others else []),
    ]
    if parts:
        found = [
            *match.problems,
            *contacts_typed_twice,
            *on_contacts,
            *on_others_owners,
            *on_others_contacts,
            *on_own_contacts,
            *on_own_spellings,
        ]
        found += [*on_owners, *on_others]
        problems = sorted(found, key=lambda problem: problem.row)
        raise ValidationError(f"有 {'、'.join(parts)}，没有导入任何数据", problems)


def _owners_on_kept_numbers(
    conn: Connection,
    records: Sequence[OwnerRecord],
    match: _OwnerMatch,
    contacts: bool,
    had: Mapping[str, Sequence[ContactRecord]],
) -> list[tuple[int, str]]:
    """(sheet row, why) of each owner or co-owner of a record, as matched, whose ID number (``same_id_number``) is one
    a contact of the unit holds and keeps through the import (``_keeps_stored_number``): the tenant's number given to
    the owner.  A contact that held an owner's number of its unit before the import is doctor's to tell
    (``contacts_with_owners_numbers_in``), never the refusal of a sheet that did not give it."""
    told = {found.contact.id for found in contacts_with_owners_numbers_in(conn)}
    held: dict[str, list[Contact]] = {}
    for contact in numbered_contacts_in(conn):
        if contact.id not in told:
            held.setdefault(contact.unit, []).append(contact)
    found: list[tuple[int, str]] = []
    for record in records:
        kept = [c for c in held.get(str(record.code), []) if _keeps_stored_number(record, c.record, contacts, had)]
        for slot in _owner_slots(record) if kept else []:
            owner = match.of_row.get(slot)
            holder = next(
                (
                    c
                    for c in kept
                    if owner and same_id_number(owner.id_number, owner.id_type, c.record.id_number, c.record.id_type)
                ),
                None,
            )
            if owner is None or holder is None:
                continue
            found.append((slot[0], _owner_on_contacts_number(record, slot, owner, holder, "该户")))
    return found


def _owners_on_others_numbers(
    conn: Connection,
    records: Sequence[OwnerRecord],
    match: _OwnerMatch,
    contacts: bool,
    had: Mapping[str, Sequence[ContactRecord]],
    owner_before: Mapping[int | None, _OwnerRow],
) -> list[tuple[int, str]]:
    """(sheet row, why) of each owner or co-owner of a record, as matched, whose ID number is one the sheet gives him
    (not his before the import) and a contact of another unit holds, of another name, kept through the import
    (``_keeps_stored_number``): another person's number given to the owner.  A contact of his name is he (a tenant
    who owns a unit too); a number he held before is no sheet's doing."""
    by_number: dict[tuple[str, str], list[Contact]] = {}
    sheet = {str(record.code): record for record in records}
    for contact in numbered_contacts_in(conn):
        named = sheet.get(contact.unit)
        if contact.record.id_number and (named is None or _keeps_stored_number(named, contact.record, contacts, had)):
            by_number.setdefault(id_identity(contact.record.id_number, contact.record.id_type), []).append(contact)
    found: list[tuple[int, str]] = []
    for record in records:
        for slot in _owner_slots(record) if by_number else []:
            owner = match.of_row.get(slot)
            if owner is None or not owner.id_number or is_masked(owner.id_number):
                continue
            before = owner_before.get(owner.id) if owner.id is not None else None
            if before is not None and same_id_number(before.id_number, before.id_type, owner.id_number, owner.id_type):
                continue
            holder = next(
                (
                    contact
                    for contact in by_number.get(id_identity(owner.id_number, owner.id_type), [])
                    if contact.unit != str(record.code)
                    and name_as_read(contact.record.name) != name_as_read(owner.name)
                ),
                None,
            )
            if holder is not None:
                found.append((slot[0], _owner_on_contacts_number(record, slot, owner, holder, f" {holder.unit} 的")))
    return found


def _owner_on_contacts_number(
    record: OwnerRecord, slot: tuple[int, int], owner: _OwnerRow, holder: Contact, whose: str
) -> str:
    """Why the owner of ``record``'s ``slot`` may not have the ID number contact ``holder`` holds (``whose``: 该户, or
    `` 3-2-1201 的``), number masked, with how to put the contact right."""
    role = "业主" if slot == (record.row, 0) else "共有人"
    return (
        f"{role}的证件号码 {mask_id_number(owner.id_number or '')} 与{whose}联系人{named_in_sentence(holder.record.name)}"
        f"（{holder.record.relation}）的相同：核对这一格；是联系人登记错了的，先改正联系人"
        f"（recordkit owners contact edit {holder.id} --id-number 正确的号码）再导入"
    )


def _keeps_stored_number(
    record: OwnerRecord, contact: ContactRecord, contacts: bool, had: Mapping[str, Sequence[ContactRecord]]
) -> bool:
    """Whether the import leaves ``contact``, the ledger's, of ``record``'s unit, holding the ID number it has: not
    made the unit's owner or co-owner (``_drop_contacts_now_owners``), and, where the sheet states its kind
    (``_apply_contacts``), named again with its number left blank and kept as it (``_kept_as`` among ``had``, the
    ledger's contacts by unit code: of two namesakes, only the one the sheet's row is kept as)."""
    if owner_as_contact(contact.name, contact.relation, record.owners_numbered(), contact.id_number, contact.id_type):
        return False
    if not contacts or contact.relation not in record.stated:
        return True
    of_unit = had.get(str(record.code), [])
    return any(_kept_as(stated, of_unit) == contact for stated in record.contacts if not stated.id_number)


def _stored_contacts_by_code(conn: Connection) -> dict[str, list[ContactRecord]]:
    """Every unit's contacts on the ledger, by unit code, in the order they were added (``_kept_as``'s ``had``)."""
    query = (
        sa.select(unit_contacts, units.c.code)
        .select_from(unit_contacts.join(units, units.c.id == unit_contacts.c.unit_id))
        .order_by(unit_contacts.c.id)
    )
    found: dict[str, list[ContactRecord]] = {}
    for row in conn.execute(query):
        found.setdefault(row.code, []).append(contact_record(row))
    return found


def _stored_owners_numbered(
    persons: Sequence[Person],
    existing: Sequence[_OwnerRow],
    numbered: Mapping[tuple[int, int], int],
    match: _OwnerMatch,
    known: dict[tuple[str, ...], _OwnerRow],
    held: Callable[[int], str],
    shown: Callable[[int, str], str],
) -> list[tuple[Person, tuple[str, str]]]:
    """Give each stored owner ``numbered`` names (``_stored_owner_numbered``) its owner row's ID number, before any
    row is matched; returns the rows refused (``_owner_takes_id_number``: an owner of another name holds it).  A
    record of the row's name holding it is that person already: the row is left to be matched to it by the number."""
    by_id = {owner.id: owner for owner in existing}
    refused: list[tuple[Person, tuple[str, str]]] = []
    for person in persons:
        stored = by_id.get(numbered.get(person.slot))
        if stored is None or stored.id_number or person.id_number is None:
            continue
        holder = known.get(_owner_key(person.name, None, person.id_number, person.id_type))
        if holder is not None and name_as_read(holder.name) == name_as_read(person.name):
            continue
        if (problem := _owner_takes_id_number(stored, None, person, known, held, shown)) is not None:
            refused.append((person, problem))
        else:
            _take_id_number(match, known, stored, person)
    return refused


def _stored_owners_rephoned(
    persons: Sequence[Person],
    existing: Sequence[_OwnerRow],
    rephoned: Mapping[tuple[int, int], int],
    match: _OwnerMatch,
    known: dict[tuple[str, ...], _OwnerRow],
    id_numbers: Mapping[tuple[str, str], set[tuple[str, str]]],
) -> None:
    """Give each stored owner ``rephoned`` names (``_stored_owner_rephoned``) its row's phone, the first such row's,
    before any row is matched: each row of her name and new phone is then she, one with her old phone — or another new
    one — a contradiction (``_match_owners``); a stored owner's change is journalled as one.  A name and phone the
    ledger or the sheet already holds for another person (known by ID number, or another record) is that person: left
    to the matching."""
    by_id = {owner.id: owner for owner in existing}
    done: set[int | None] = set()
    for person in persons:
        stored = by_id.get(rephoned.get(person.slot))
        if stored is None or stored.id_number or person.phone is None:
            continue
        key = _owner_key(person.name, person.phone, None, person.id_type)
        if _named_phone(person.name, person.phone) in id_numbers or known.get(key, stored) is not stored:
            continue
        known[key] = stored  # a second new phone is she too, written two ways: refused at its row
        if stored.id in done:
            continue
        done.add(stored.id)
        assert stored.id is not None  # a stored owner
        match.changed.setdefault(stored.id, stored.as_journal())
        stored.phone = person.phone


def _name_as_typed(typed: Mapping[tuple[int, str], str], row: int, name: str) -> str:
    """``name``, an owner or co-owner of sheet row ``row``, as typed in its 业主 or 共有人 cell (``RosterSheet.typed``):
    ＺＨＯＵ　ＪＩＥ, kept as ZHOU JIE; ``name`` itself when neither cell holds it."""
    return as_typed("\n".join(typed.get((row, key), "") for key in ("owner", "co_owner")), name)


def _take_id_number(
    match: _OwnerMatch, known: dict[tuple[str, ...], _OwnerRow], owner: _OwnerRow, person: Person
) -> None:
    """``owner`` (no ID number) takes ``person``'s — a row found to be that owner — and the phone only the row gives;
    a stored owner's change is journalled as one (its record before)."""
    if owner.id is not None:
        match.changed.setdefault(owner.id, owner.as_journal())
    owner.id_number, owner.id_type, owner.phone = person.id_number, person.id_type, owner.phone or person.phone
    owner.first_row = owner.first_row or person.row
    known[_owner_key(owner.name, owner.phone, owner.id_number, owner.id_type)] = owner
    match.of_row[person.slot] = owner


def _owner_takes_id_number(
    owner: _OwnerRow,
    owner_row: int | None,
    person: Person,
    known: Mapping[tuple[str, ...], _OwnerRow],
    held: Callable[[int], str],
    shown: Callable[[int, str], str],
) -> tuple[str, str] | None:
    """Why ``person`` — a row naming ``owner`` (no ID number) with an ID number: a 共有人 row, the owner written on
    ``owner_row``, or (``owner_row`` None) the unit's own owner row — cannot give the owner that number, as (column
    key, reason), or None: another owner holds it (in the ledger, said with what it holds, numbers masked; or on
    another row; a name of the sheet quoted as typed there, by ``shown``), or a 共有人 row's phone is not the owner's."""
    assert person.id_number is not None
    other = known.get(_owner_key(person.name, None, person.id_number, person.id_type))
    same = "请核对号码"
    if owner_row is not None:
        same += f"；是同一个人，请把这个号码也写在第 {owner_row} 行业主的证件号码里"
    if other is not None and other is not owner:
        whose = _whose(other, held, shown)
        named = owner.name if owner_row is None else shown(owner_row, owner.name)
        return (
            "id_number",
            f"证件号码 {mask_id_number(person.id_number)} {whose}，这一行写的却是本户业主{named_in_sentence(named)}：{same}",
        )
    if owner_row is not None and owner.phone and person.phone and owner.phone != person.phone:
        return "phone", (
            f"与第 {owner_row} 行是同一位业主（姓名相同，业主那一行没有写证件号码，这一行的就是业主的），但电话不同："
            f"请核对后写成一样的；是同名的另一个人，请在第 {owner_row} 行写上业主的证件号码"
        )
    return None


def _whose(other: _OwnerRow, held: Callable[[int], str], shown: Callable[[int, str], str]) -> str:
    """Whose a number is, as a refusal says it: ``在台账里是“王芳”（电话 137****5678，2-1-101 的业主）的`` for a
    stored owner, ``已写在第 2 行，是“周杰”的`` for one an earlier row of the sheet writes (his name as typed there)."""
    if other.id is not None:
        phone = f"电话 {mask_phone(other.phone)}" if other.phone else ""
        return f"在台账里是{named_in_sentence(other.name)}（{'，'.join(filter(None, [phone, held(other.id)]))}）的"
    return f"已写在第 {other.first_row} 行，是{named_in_sentence(shown(other.first_row, other.name))}的"


def _may_be_one_document(stored: _OwnerRow, id_type: str) -> bool:
    """Whether ``stored``'s number may be of the document ``id_type`` though kept as another: either side says only
    其他证件, or the number is no valid one of the document it is kept as (an older version kept every number as a
    resident ID card's).  Two well-typed documents of equal digits are two people's (``id_identity``)."""
    if OTHER_ID in (stored.id_type, id_type):
        return True
    try:
        validate_document_number(stored.id_number or "", stored.id_type)
    except ValidationError:
        return True
    return False


def _kept_as_another_document(
    person: Person, stored: _OwnerRow, held: Callable[[int], str], shown: Callable[[int, str], str]
) -> str:
    """Why ``person``, a row matching no owner, cannot be a new one: ``stored`` keeps the row's number as another
    document (``_may_be_one_document``) under another name — one person written otherwise, or a number mistyped —, with
    the two imports that make the row his; or an earlier row of the sheet, a new owner, gives it so, and the two rows
    are to be written alike."""
    fix = (
        f"请先按台账的姓名{named_in_sentence(stored.name)}导入一次改正证件类型，再改姓名导入"
        if stored.id is not None
        else "请把两行的姓名和证件类型写成一样的"
    )
    return (
        f"证件号码 {mask_id_number(person.id_number or '')} {_whose(stored, held, shown)}{ID_TYPES[stored.id_type]}，"
        f"这一行写的却是{named_in_sentence(shown(person.row, person.name))}的{ID_TYPES[person.id_type]}："
        f"是同一个人的，{fix}；"
        "不是同一个人的，请核对号码"
    )


def _held(conn: Connection, owner_id: int) -> str:
    """What owner ``owner_id`` holds, as a refusal names it: ``2-1-101 的业主、2-1-102 的共有人``, else 名下没有房屋."""
    first = sa.select(units.c.code, sa.literal("业主").label("role")).where(units.c.owner_id == owner_id)
    others = (
        sa.select(units.c.code, sa.literal("共有人").label("role"))
        .join(unit_co_owners, unit_co_owners.c.unit_id == units.c.id)
        .where(unit_co_owners.c.owner_id == owner_id)
    )
    found = sorted(
        conn.execute(sa.union_all(first, others)),
        key=lambda row: (parse_unit_code(row.code).sort_key, row.role != "业主"),
    )
    return "、".join(f"{row.code} 的{row.role}" for row in found) or "名下没有房屋"


def apply_owner_records(
    conn: Connection,
    records: Sequence[OwnerRecord],
    operator: str,
    contacts: bool = False,
    columns: Mapping[str, tuple[str, str]] | None = None,
    typed: Mapping[tuple[int, str], str] | None = None,
) -> ImportSummary:
    """Upsert validated records inside the caller's write transaction.

    The co-owners of each unit become the record's; with ``contacts``, its contacts too.  ``columns``
    (``RosterSheet.columns``) lets a problem found here name its column's letter, ``typed`` (``RosterSheet.typed``)
    quote a name as typed."""
    records = _resolve_masks(records, conn, columns)
    summary = ImportSummary(rows=len(records))

    existing_owners = [
        _OwnerRow(r.id, r.name, r.phone, r.id_number, 0, r.id_type) for r in conn.execute(sa.select(owners))
    ]
    owner_by_id = {o.id: o for o in existing_owners}
    # Snapshots taken before matching renames anyone, for the units' "before" in the journal.
    owner_before = {o.id: replace(o) for o in existing_owners}
    existing_units = {r.code: r._asdict() for r in conn.execute(sa.select(units))}
    current_co = _current_co_owners(conn)
    co_owner_named = {
        (row, owner_by_id[owner_id].name): owner_by_id[owner_id]
        for record in records
        if (unit := existing_units.get(str(record.code))) is not None
        for row in {record.row, *(person.row for person in record.co_owners)}  # a 共有人 row's own number too
        for owner_id in current_co.get(unit["id"], ())
        if owner_id in owner_by_id
    }
    named_again = _owner_named_again(records, existing_units, owner_before)
    held = functools.partial(_held, conn)
    numbered = _stored_owner_numbered(records, existing_units, owner_before)
    shown = functools.partial(_name_as_typed, typed or {})
    rephoned = _stored_owner_rephoned(records, existing_units, owner_before, current_co)
    typed_twice = _typed_two_ways(records, (columns or {}).get("id_type", ("", "证件类型")))
    match = _match_owners(
        _persons(records),
        existing_owners,
        co_owner_named,
        columns,
        named_again,
        held,
        numbered,
        shown,
        rephoned,
        typed_twice,
    )
    contacts_typed_twice = [problem for slot, problem in typed_twice.items() if slot[1] == _CONTACT_SLOT]
    _refuse_contradictions_and_shared_numbers(
        conn, records, match, columns, contacts, owner_before, contacts_typed_twice
    )
    if contacts:
        left = _contacts_left(conn, records, existing_units)
        _refuse_second_relations(records, left, columns)
        _refuse_namesakes_untold(records, left, columns)
    new_owners = match.new

    changes: list[journal.Change] = []
    if new_owners:
        # A plain executemany, then one query for the new ids: RETURNING in parameter order
        # degrades to one INSERT per owner on SQLite.  The write lock means every row
        # above the old maximum id is ours, and owner keys are unique among them.
        highest = conn.execute(sa.select(sa.func.coalesce(sa.func.max(owners.c.id), 0))).scalar_one()
        bulk_insert(
            conn,
            owners,
            [{"name": o.name, "phone": o.phone, "id_number": o.id_number, "id_type": o.id_type} for o in new_owners],
        )
        new_ids = {
            _owner_key(r.name, r.phone, r.id_number, r.id_type): r.id
            for r in conn.execute(sa.select(owners).where(owners.c.id > highest))
        }
        for owner in new_owners:
            owner.id = new_ids[_owner_key(owner.name, owner.phone, owner.id_number, owner.id_type)]
            changes.append(journal.Change("owner.create", "owner", str(owner.id), None, owner.as_journal()))
        summary.owners_created = len(new_owners)
    updated_owners = [o for o in existing_owners if o.id in match.changed]
    if updated_owners:
        conn.execute(
            owners.update()
            .where(owners.c.id == sa.bindparam("pk"))
            .values(
                name=sa.bindparam("new_name"),
                phone=sa.bindparam("new_phone"),
                id_number=sa.bindparam("new_id"),
                id_type=sa.bindparam("new_type"),
            ),
            [
                {"pk": o.id, "new_name": o.name, "new_phone": o.phone, "new_id": o.id_number, "new_type": o.id_type}
                for o in updated_owners
            ],
        )
        for o in updated_owners:
            assert o.id is not None  # existing owners have ids
            changes.append(journal.Change("owner.update", "owner", str(o.id), match.changed[o.id], o.as_journal()))
        summary.owners_updated = len(updated_owners)

    inserts, updates = [], []
    for record in records:
        record_owner = match.of_row.get((record.row, 0))
        values = {
            "code": str(record.code),
            "kind": record.code.kind,
            "phase": record.code.phase,
            "building": record.code.building,
            "entrance": record.code.entrance,
            "room": record.code.room,
            "floor_area_hundredths": record.floor_area_hundredths,
            "status": record.status,
            "owner_id": record_owner.id if record_owner else None,
            "move_in_date": record.move_in_date,
        }
        current = existing_units.get(str(record.code))
        if current is not None and not record.area_given:
            values["floor_area_hundredths"] = current["floor_area_hundredths"]
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
    bulk_insert(conn, units, inserts)
    if updates:
        conn.execute(
            units.update()
            .where(units.c.id == sa.bindparam("pk"))
            .values({name: sa.bindparam(f"new_{name}") for name in _UNIT_FIELDS}),
            updates,
        )
    # New units have ids only now; one query for all beats one per unit.
    unit_ids = {r.code: r.id for r in conn.execute(sa.select(units.c.code, units.c.id))}
    summary.co_owners = _apply_co_owners(conn, records, match, unit_ids, current_co, owner_before, changes)
    summary.owners_split = _owners_split(records, existing_units, owner_before)
    summary.contacts_now_owners = _drop_contacts_now_owners(conn, records, unit_ids, changes)
    if contacts:
        summary.contacts = _apply_contacts(conn, records, unit_ids, operator, changes)
    _count_units(summary, records, changes)
    pairs = _pairs_named_whole(records, match, existing_units, current_co, owner_before)
    summary.owners_merged = [_merge_pair(conn, pair, changes) for pair in pairs]
    merged = {
        old.id
        for pair, done in zip(pairs, summary.owners_merged, strict=True)
        if done.refused is None
        for old in pair.olds
    }
    held_before = {u["owner_id"] for u in existing_units.values()} | {i for ids in current_co.values() for i in ids}
    summary.owners_removed = _remove_owners_left(conn, held_before - merged, owner_by_id, changes)
    # (an owner's name split into owners and co-owners is told as that: 王芳、李娜 → 王芳 is no rename)
    split = {(split.name, split.names[0]) for split in summary.owners_split}
    renamed = [
        (owner_id, owner, before)
        for owner in updated_owners
        if (owner_id := owner.id) is not None
        and owner_id not in merged
        and (before := owner_before[owner_id]).name != owner.name
        and (before.name, owner.name) not in split
    ]
    # (an older version's Zhang  San, read Zhang San today: the same name kept the one way, no rename to check)
    summary.names_tidied = [owner.name for _, owner, before in renamed if name_as_kept(before.name) == owner.name]
    summary.owners_renamed = [
        RenamedOwner(mask_id_number(owner.id_number or ""), before.name, owner.name, held(owner_id))
        for owner_id, owner, before in renamed
        if name_as_kept(before.name) != owner.name
    ]
    summary.phones_changed = [
        PhoneChanged(owner.name, held(owner.id), mask_phone(before.phone), mask_phone(owner.phone))
        for owner in updated_owners
        if owner.id is not None
        and owner.id not in merged
        and (before := owner_before[owner.id]).phone
        and owner.phone
        and before.phone != owner.phone
    ]
    journal.record(conn, operator, changes)
    return summary


#: The journal's actions that change a unit's record: its row (owner, area, status …), its co-owners, its contacts.
_UNIT_CHANGES = ("unit.create", "unit.update", "unit.co_owners", "unit.contacts", "contact.became_owner")


def _count_units(summary: ImportSummary, records: Sequence[OwnerRecord], changes: Sequence[journal.Change]) -> None:
    """Count the sheet's units in ``summary`` as created, updated or unchanged, and list those created or updated
    (``changed_units``), from ``changes`` (``_UNIT_CHANGES``): a unit whose co-owners or contacts alone changed (a
    tenant's new phone) is updated — never told 未变 to a clerk who reads it as nothing changed."""
    created = {change.key for change in changes if change.action == "unit.create"}
    changed = {change.key for change in changes if change.action in _UNIT_CHANGES}
    summary.changed_units = [str(record.code) for record in records if str(record.code) in changed]
    summary.units_created = len(created)
    summary.units_updated = len(summary.changed_units) - len(created)
    summary.units_unchanged = len(records) - len(summary.changed_units)


def _delete_each(conn: Connection, column: sa.Column[int], values: Collection[int]) -> None:
    """Delete the rows of ``column``'s table whose ``column`` is one of ``values``: one statement run for each value,
    never an ``IN (…)`` of them all, which SQLite refuses beyond its parameters in one statement (999 in the oldest
    builds, 32,766 in many) — a property group's roster changes more units than that."""
    if values:
        conn.execute(column.table.delete().where(column == sa.bindparam("pk")), [{"pk": v} for v in values])


def _remove_owners_left(
    conn: Connection,
    held_before: Collection[int | None],
    owner_by_id: Mapping[int | None, _OwnerRow],
    changes: list[journal.Change],
) -> int:
    """Delete the owner records this import left referenced by nothing — each held a unit or a co-ownership before it,
    none now (a renamed owner without an ID number, an owner row of another phone, the ID-less record of an owner
    merged with her co-owner record) — journalling each (owner.delete, masked); returns how many.  A record anything
    still references stays, and one nothing referenced before the import is not its doing: left alone.  Only
    ``units.owner_id`` and ``unit_co_owners.owner_id`` point at owners."""
    held_now = sa.union(
        sa.select(units.c.owner_id).where(units.c.owner_id.is_not(None)), sa.select(unit_co_owners.c.owner_id)
    )
    left = sorted({i for i in held_before if i is not None} - set(conn.execute(held_now).scalars()))
    if not left:
        return 0
    _delete_each(conn, owners.c.id, left)
    changes.extend(
        journal.Change("owner.delete", "owner", str(owner_id), owner_by_id[owner_id].as_journal(), None)
        for owner_id in left
    )
    return len(left)


@dataclass(frozen=True)
class PairMerged:
    """One person an older import kept as two owners, split at the comma of a Latin name written surname first
    (Smith, John: owners Smith and John), whom a sheet names whole: the sheet's unit, the name, the two stored names,
    the other units that moved to the one owner with them, or why the two were not merged (``refused``: they are left
    as the import leaves them)."""

    unit: str
    name: str
    parts: tuple[str, str]
    moved: tuple[str, ...] = ()
    refused: str | None = None

    def said(self, done: str) -> str:
        """What the import tells of it, ``done`` 已 or 将 (a trial): ``1-1-101 的业主“Smith, John”在台账里原是两位业主
        “Smith”和“John”：已合并为一位，1-1-102 也一并转到“Smith, John”名下``, or why not (``refused``, with what to do)."""
        first, second = map(named_in_sentence, self.parts)
        was = f"{self.unit} 的业主{named_in_sentence(self.name)}在台账里原是两位业主{first}和{second}"
        if self.refused is not None:
            return f"{was}：没有合并，{self.refused}"
        moved = f"，{'、'.join(self.moved)} 也一并转到{named_in_sentence(self.name)}名下" if self.moved else ""
        return f"{was}：{done}合并为一位{moved}"


@dataclass
class _NamedPair:
    """A sheet's owner whose unit's stored first two owners are its name's halves (``comma_name_parts``)."""

    unit: str
    owner: _OwnerRow  # the sheet's owner, as matched and written
    pair: tuple[_OwnerRow, _OwnerRow]  # the stored halves, as before the import

    @property
    def olds(self) -> list[_OwnerRow]:
        return [old for old in self.pair if old.id != self.owner.id]


def _pairs_named_whole(
    records: Sequence[OwnerRecord],
    match: _OwnerMatch,
    existing_units: Mapping[str, Mapping[str, Any]],
    current_co: Mapping[int, tuple[int, ...]],
    owner_before: Mapping[int | None, _OwnerRow],
) -> list[_NamedPair]:
    """The records whose owner (Smith, John) is the stored first owner and first co-owner of its unit in that order
    (Smith, John — as a clerk reads them), each such pair once."""
    found: dict[tuple[int | None, ...], _NamedPair] = {}
    for record in records:
        unit = existing_units.get(str(record.code))
        parts = comma_name_parts(record.owner) if record.owner else None
        if parts is None or unit is None or not unit["owner_id"] or not current_co.get(unit["id"]):
            continue
        pair = (owner_before[unit["owner_id"]], owner_before[current_co[unit["id"]][0]])
        if [name_as_read(old.name) for old in pair] == [name_as_read(part) for part in parts]:
            found.setdefault(
                (pair[0].id, pair[1].id), _NamedPair(str(record.code), match.of_row[(record.row, 0)], pair)
            )
    return list(found.values())


def _holdings(conn: Connection, owner_ids: Collection[int]) -> dict[str, tuple[int, list[tuple[int, str]]]]:
    """Each unit any of ``owner_ids`` holds -> its id and its owners (id, name) in deed order, the first owner first."""
    co_owner = owners.alias("co_owner")
    held_ids = sa.union(
        sa.select(units.c.id).where(units.c.owner_id.in_(owner_ids)),
        sa.select(unit_co_owners.c.unit_id).where(unit_co_owners.c.owner_id.in_(owner_ids)),
    ).subquery()
    held: dict[str, tuple[int, list[tuple[int, str]]]] = {}
    for row in conn.execute(
        sa.select(units.c.id, units.c.code, owners.c.id.label("first"), owners.c.name)
        .add_columns(co_owner.c.id.label("co"), co_owner.c.name.label("co_name"))
        .join(owners, owners.c.id == units.c.owner_id)
        .outerjoin(unit_co_owners, unit_co_owners.c.unit_id == units.c.id)
        .outerjoin(co_owner, co_owner.c.id == unit_co_owners.c.owner_id)
        .where(units.c.id.in_(sa.select(held_ids)))
        .order_by(units.c.code, unit_co_owners.c.position)
    ):
        _, people = held.setdefault(row.code, (row.id, [(row.first, row.name)]))
        if row.co is not None:
            people.append((row.co, row.co_name))
    return held


def _merge_pair(conn: Connection, named: _NamedPair, changes: list[journal.Change]) -> PairMerged:
    """Merge ``named``'s stored halves into the sheet's owner, after the import wrote its units: each other unit where
    the two stand together, in order, moves to that owner (journalled owner.merge by unit), who takes the phone and ID
    number only they had, and each half is deleted (owner.merge, masked).  A unit holding one of them apart, or an ID
    number of theirs other than the owner's, leaves both as they are: ``PairMerged.refused`` says why."""
    (surname, given), owner, olds = named.pair, named.owner, named.olds
    said = PairMerged(named.unit, owner.name, (surname.name, given.name))
    moves: dict[str, tuple[int, list[tuple[int, str]], list[tuple[int, str]]]] = {}
    for code, (unit_id, people) in _holdings(conn, [old.id for old in olds if old.id is not None]).items():
        ids = [person_id for person_id, _ in people]
        at = ids.index(surname.id) if surname.id in ids else -1
        assert owner.id is not None  # written by the import before it merges
        now = [*people[:at], (owner.id, owner.name), *people[at + 2 :]]
        if at < 0 or ids[at + 1 : at + 2] != [given.id] or [i for i, _ in now].count(owner.id) > 1:
            return replace(
                said,
                refused=f"另有房屋没有两位一起登记（{_held_apart(code, ids, olds)}）；请核对这些房屋的业主，写进名册再导入",
            )
        moves[code] = (unit_id, people, now)
    if len({id_identity(person.id_number, person.id_type) for person in (*olds, owner) if person.id_number}) > 1:
        return replace(said, refused="旧记录的证件号码与名册里写的不同：是同一个人的，请核对号码后再导入")
    for code, (unit_id, before, after) in moves.items():
        _hold(conn, unit_id, [person_id for person_id, _ in after])
        names = [{"owners": [name for _, name in people]} for people in (before, after)]
        changes.append(journal.Change("owner.merge", "unit", code, *names))
    _owner_takes_theirs(conn, owner, olds, changes)
    return replace(said, moved=tuple(moves))


def _held_apart(code: str, ids: Sequence[int], olds: Sequence[_OwnerRow]) -> str:
    """``1-1-102 的业主 Smith``: how ``olds`` hold unit ``code`` (its owners' ``ids``, in deed order) apart."""
    return "、".join(
        f"{code} 的{'共有人' if ids.index(old.id) else '业主'} {old.name}" for old in olds if old.id in ids
    )


def _hold(conn: Connection, unit_id: int, owner_ids: Sequence[int]) -> None:
    """Make ``owner_ids`` unit ``unit_id``'s owners: the first its owner, the others its co-owners in that order."""
    conn.execute(units.update().where(units.c.id == unit_id).values(owner_id=owner_ids[0]))
    conn.execute(unit_co_owners.delete().where(unit_co_owners.c.unit_id == unit_id))
    rows = [{"unit_id": unit_id, "owner_id": i, "position": n} for n, i in enumerate(owner_ids[1:], start=2)]
    bulk_insert(conn, unit_co_owners, rows)


def _owner_takes_theirs(
    conn: Connection, owner: _OwnerRow, olds: Sequence[_OwnerRow], changes: list[journal.Change]
) -> None:
    """Delete ``olds``, merged into ``owner`` (owner.merge, masked), who takes the phone and the ID number it lacks
    from the first of them that has one (owner.update)."""
    conn.execute(owners.delete().where(owners.c.id.in_([old.id for old in olds])))
    into = {"merged_into": str(owner.id), "name": owner.name}
    changes.extend(journal.Change("owner.merge", "owner", str(old.id), old.as_journal(), into) for old in olds)
    before = owner.as_journal()
    owner.phone = owner.phone or next((old.phone for old in olds if old.phone), None)
    owner.id_number = owner.id_number or next((old.id_number for old in olds if old.id_number), None)
    if owner.as_journal() != before:
        conn.execute(
            owners.update().where(owners.c.id == owner.id).values(phone=owner.phone, id_number=owner.id_number)
        )
        changes.append(journal.Change("owner.update", "owner", str(owner.id), before, owner.as_journal()))


def _owners_split(
    records: Sequence[OwnerRecord],
    existing_units: Mapping[str, Mapping[str, Any]],
    owner_before: Mapping[int | None, _OwnerRow],
) -> list[SplitOwner]:
    """The units whose stored owner's one name of several people (王芳、李娜, ``_split_owner``) the records make the
    owner and co-owners it names, in that order: what the import tells, so that a split is never silent."""
    found: list[SplitOwner] = []
    for record in records:
        stored = _stored_owner(record, existing_units, owner_before)
        split = _split_owner(str(record.code), stored.name) if stored is not None else None
        if split is None or record.owner is None:
            continue
        now = [name_as_read(name) for name in (record.owner, *(person.name for person in record.co_owners))]
        if now[: len(split.names)] == [name_as_read(name) for name in split.names]:
            found.append(split)
    return found


def _current_co_owners(conn: Connection) -> dict[int, tuple[int, ...]]:
    """unit id -> its co-owners' owner ids in deed order (the first owner excluded)."""
    found: dict[int, list[int]] = {}
    for row in conn.execute(
        sa.select(unit_co_owners.c.unit_id, unit_co_owners.c.owner_id).order_by(
            unit_co_owners.c.unit_id, unit_co_owners.c.position
        )
    ):
        found.setdefault(row.unit_id, []).append(row.owner_id)
    return {unit_id: tuple(ids) for unit_id, ids in found.items()}


def _apply_co_owners(
    conn: Connection,
    records: Sequence[OwnerRecord],
    match: _OwnerMatch,
    unit_ids: Mapping[str, int],
    current: Mapping[int, tuple[int, ...]],
    owner_before: Mapping[int | None, _OwnerRow],
    changes: list[journal.Change],
) -> int:
    """Make each unit's co-owners the record's; returns how many co-owners the sheet names.  Those the unit has keep
    their deed order, whatever the sheet's (a clerk sorted it by 姓名 in Excel); new ones follow in the sheet's."""
    stale: list[int] = []
    rows: list[dict[str, Any]] = []
    named = 0
    names = {k: v.name for k, v in owner_before.items() if k is not None}
    names.update({o.id: o.name for o in match.of_row.values() if o.id is not None})
    for record in records:
        unit_id = unit_ids[str(record.code)]
        first = match.of_row.get((record.row, 0))
        ids = (match.of_row[p.slot].id for p in record.co_owners)
        named_now = dict.fromkeys(i for i in ids if i is not None and (first is None or i != first.id))
        had = current.get(unit_id, ())
        wanted = (*(i for i in had if i in named_now), *(i for i in named_now if i not in had))
        named += len(wanted)
        if wanted == had:
            continue
        stale.append(unit_id)
        rows.extend({"unit_id": unit_id, "owner_id": i, "position": n} for n, i in enumerate(wanted, start=2))
        changes.append(
            journal.Change(
                "unit.co_owners",
                "unit",
                str(record.code),
                {"co_owners": [names.get(i, str(i)) for i in had]} if had else None,
                {"co_owners": [names.get(i, str(i)) for i in wanted]},
            )
        )
    if stale:
        _delete_each(conn, unit_co_owners.c.unit_id, stale)
    bulk_insert(conn, unit_co_owners, rows)
    return named


def _contact_rows(conn: Connection) -> dict[int, list[tuple[int, ContactRecord]]]:
    """Every unit's contacts on the ledger with their 联系人编号, by unit id, in the order they were added: the whole
    table in one read, never an ``IN`` of a roster's units (SQLite's limit on parameters)."""
    query = sa.select(unit_contacts).order_by(unit_contacts.c.unit_id, unit_contacts.c.id)
    found: dict[int, list[tuple[int, ContactRecord]]] = {}
    for row in conn.execute(query):
        found.setdefault(row.unit_id, []).append((row.id, contact_record(row)))
    return found


def _drop_contacts_now_owners(
    conn: Connection,
    records: Sequence[OwnerRecord],
    unit_ids: Mapping[str, int],
    changes: list[journal.Change],
) -> list[str]:
    """Remove each contact (家属, 租户) whom the sheet makes their unit's owner or co-owner (``owner_as_contact``: the
    tenant who bought the flat), each journalled as ``contact.became_owner``; returns them as "1-1-101 的租户 赵磊".
    Else a notice would greet the one person twice (尊敬的赵磊业主、赵磊住户).  Other contacts are left as they are."""
    owners_of = {
        unit_ids[str(record.code)]: (str(record.code), record.owners_numbered())
        for record in records
        if record.owner is not None
    }
    gone: list[int] = []
    named: list[str] = []
    for row in conn.execute(sa.select(unit_contacts).order_by(unit_contacts.c.unit_id, unit_contacts.c.id)):
        if row.unit_id not in owners_of:
            continue
        code, owners_of_unit = owners_of[row.unit_id]
        if owner_as_contact(row.name, row.relation, owners_of_unit, row.id_number, row.id_type) is None:
            continue
        gone.append(row.id)
        named.append(f"{code} 的{row.relation} {row.name}")
        record = contact_record(row)
        changes.append(journal.Change("contact.became_owner", "unit", code, record.as_journal(), None))
    if gone:
        _delete_each(conn, unit_contacts.c.id, gone)
    return named


def _kept_as(contact: ContactRecord, had: Sequence[ContactRecord]) -> ContactRecord | None:
    """The contact of ``had`` (a unit's on the ledger) that ``contact``, as a sheet states it, is: of its relation and
    name as read, not told apart by ID numbers (``told_apart_by_numbers``); of two namesakes (two 家属 张敏 of two
    numbers) the one of ``contact``'s phone, else none: a blank cell takes no namesake's number or phone; one person an
    older version kept twice is one."""
    folded = name_as_read(contact.name)
    found = [
        c
        for c in had
        if (name_as_read(c.name), c.relation) == (folded, contact.relation)
        and not told_apart_by_numbers(contact.id_number, contact.id_type, c.id_number, c.id_type)
    ]
    if len({(c.id_number, c.id_type) for c in found}) > 1:  # namesakes; one person kept twice is one
        found = [c for c in found if contact.phone and c.phone == contact.phone]
        if len(found) != 1:
            return None
    return found[0] if found else None


def _with_kept_numbers(contact: ContactRecord, known: ContactRecord | None) -> ContactRecord:
    """``contact`` as a sheet states it, its blank phone and ID number those of ``known``, the same contact as the
    ledger holds it, when there is one."""
    if known is None:
        return contact
    if contact.id_number:
        return replace(contact, phone=contact.phone or known.phone)
    return replace(contact, phone=contact.phone or known.phone, id_number=known.id_number, id_type=known.id_type)


def _contacts_left(
    conn: Connection, records: Sequence[OwnerRecord], existing_units: Mapping[str, Mapping[str, Any]]
) -> dict[str, list[tuple[int, ContactRecord]]]:
    """The stored contacts (联系人编号, contact) of each unit of ``records`` whose contacts the sheet states, by unit
    code, as the import leaves them before it applies the sheet's: read before anything is written, without those it
    makes the unit's owner or co-owner (``_drop_contacts_now_owners``); a new unit has none."""
    stored = _contact_rows(conn)
    return {
        str(record.code): [
            (id_, c)
            for id_, c in stored.get(unit["id"], [])
            if owner_as_contact(c.name, c.relation, record.owners_numbered(), c.id_number, c.id_type) is None
        ]
        for record in records
        if record.stated and (unit := existing_units.get(str(record.code))) is not None
    }


def _refuse_second_relations(
    records: Sequence[OwnerRecord],
    left: Mapping[str, Sequence[tuple[int, ContactRecord]]],
    columns: Mapping[str, tuple[str, str]] | None,
) -> None:
    """``ValidationError`` naming each contact of a record (its 关系 cell, or the owner row's 租户 cell) that a contact
    of the unit the import keeps (of a relation the sheet does not state for it, ``_apply_contacts``) already is under
    another relation (``contacts.same_person``: by ID number where both are known, else by name as read): one person
    has one relation to a unit, a 配偶 is no 租户 of it too.  ``left``: ``_contacts_left``."""
    problems: list[CellProblem] = []
    for record in records:
        kept = [(id_, c) for id_, c in left.get(str(record.code), []) if c.relation not in record.stated]
        for contact, row in zip(record.contacts, record.contact_rows, strict=True):
            person = (contact.name, contact.id_number, contact.id_type)
            found = next(((i, c) for i, c in kept if same_person(person, (c.name, c.id_number, c.id_type))), None)
            if found is None:
                continue
            id_, had = found
            letter, header = (columns or {}).get("tenant" if row == record.row else "relation", ("", "关系"))
            problems.append(
                CellProblem(
                    row,
                    letter,
                    header,
                    f"{record.code} 的{had.relation}{named_in_sentence(had.name)}（联系人编号 {id_}）已在台账里，"
                    "一个人在一套房屋只登记一种关系：关系变了的，"
                    f"先用 recordkit owners contact edit {id_} --relation {contact.relation} 改正再导入",
                )
            )
    if problems:
        raise ValidationError(
            f"有 {len(problems)} 位联系人已在台账里登记为本户的另一种关系，没有导入任何数据",
            sorted(problems, key=lambda problem: problem.row),
        )


def _refuse_namesakes_untold(
    records: Sequence[OwnerRecord],
    left: Mapping[str, Sequence[tuple[int, ContactRecord]]],
    columns: Mapping[str, tuple[str, str]] | None,
) -> None:
    """``ValidationError`` naming each contact of a record, of a kind the sheet states, written with a blank ID number
    that ``_kept_as`` cannot tell among its unit's namesakes of two numbers (two 家属 张敏, no phone or one neither
    has, or the one both share): he would be recorded without a number, or the wrong one's, so the row names both
    stored contacts (联系人编号) and asks for his number.  ``left``: ``_contacts_left``."""
    problems: list[CellProblem] = []
    for record in records:
        had = left.get(str(record.code), [])
        for contact, row in zip(record.contacts, record.contact_rows, strict=True):
            if contact.id_number or contact.relation not in record.stated:
                continue
            namesakes = [
                (id_, c)
                for id_, c in had
                if (name_as_read(c.name), c.relation) == (name_as_read(contact.name), contact.relation)
            ]
            if len({(c.id_number, c.id_type) for _, c in namesakes}) < 2 or _kept_as(contact, [c for _, c in had]):
                continue
            letter, header = (columns or {}).get("tenant" if row == record.row else "id_number", ("", "身份证号"))
            ids = "、".join(str(id_) for id_, _ in namesakes)
            problems.append(
                CellProblem(
                    row,
                    letter,
                    header,
                    f"{record.code} 有 {len(namesakes)} 位{contact.relation}{named_in_sentence(contact.name)}（联系人编号 {ids}），"
                    "这一行没有填证件号码，电话也分不出是哪一位：请填上他的证件号码再导入",
                )
            )
    if problems:
        raise ValidationError(
            f"有 {len(problems)} 位联系人分不出是台账里同名的哪一位，没有导入任何数据",
            sorted(problems, key=lambda problem: problem.row),
        )


def _apply_contacts(
    conn: Connection,
    records: Sequence[OwnerRecord],
    unit_ids: Mapping[str, int],
    operator: str,
    changes: list[journal.Change],
) -> int:
    """Make each unit's contacts of the kinds the sheet states for it (``OwnerRecord.stated``) the record's, leaving
    its others — and every unit the sheet says nothing of contacts about — as they are: an export with one 租户 row
    added takes no one else's 家属 or 租户 away.  A contact the sheet names again (``_kept_as``) keeps his row and
    联系人编号, its fields made the sheet's and its added_at/added_by those of his first registration (a later change
    is the journal's); only those the sheet no longer names are deleted, only new ones added.  Returns how many
    contacts the sheet names."""
    current = _contact_rows(conn)
    stamp = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    rows: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    gone: list[int] = []
    for record in records:
        if not record.stated:
            continue
        unit_id = unit_ids[str(record.code)]
        stored = current.get(unit_id, [])
        had = [c for _, c in stored]
        # A contact written again with a blank phone or ID number (a sheet without a 租户电话 column, an export that
        # names no contact's ID number) keeps the one the ledger has, as an owner's does.
        stated: list[ContactRecord] = []
        kept: dict[int, ContactRecord] = {}  # 联系人编号 → the sheet's contact kept on it
        added: list[ContactRecord] = []
        for contact in record.contacts:
            known = _kept_as(contact, had)
            now_as = _with_kept_numbers(contact, known)
            stated.append(now_as)
            id_ = next((i for i, c in stored if c is known and i not in kept), None)
            if id_ is None:
                added.append(now_as)
            else:
                kept[id_] = now_as
        before = dict(stored)
        changed = {i: c for i, c in kept.items() if before[i] != c}
        dropped = [i for i, c in stored if c.relation in record.stated and i not in kept]
        if not (changed or dropped or added):
            continue
        updates.extend({"pk": i, **{f"new_{k}": v for k, v in _contact_values(c).items()}} for i, c in changed.items())
        gone.extend(dropped)
        rows.extend({"unit_id": unit_id, **_contact_values(c), "added_at": stamp, "added_by": operator} for c in added)
        now = [*(c for c in had if c.relation not in record.stated), *stated]
        changes.append(
            journal.Change(
                "unit.contacts",
                "unit",
                str(record.code),
                {"contacts": [c.as_journal() for c in had]} if had else None,
                {"contacts": [c.as_journal() for c in now]},
            )
        )
    _delete_each(conn, unit_contacts.c.id, gone)
    if updates:
        conn.execute(
            unit_contacts.update()
            .where(unit_contacts.c.id == sa.bindparam("pk"))
            .values({name: sa.bindparam(f"new_{name}") for name in _CONTACT_FIELDS}),
            updates,
        )
    bulk_insert(conn, unit_contacts, rows)
    return sum(len(r.contacts) for r in records)


#: The columns of a ``unit_contacts`` row that a sheet's contact gives.
_CONTACT_FIELDS = ("name", "relation", "phone", "id_number", "id_type", "start_date", "end_date")


def _contact_values(contact: ContactRecord) -> dict[str, Any]:
    """``contact``'s ``_CONTACT_FIELDS``, by column name."""
    return {name: getattr(contact, name) for name in _CONTACT_FIELDS}


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
    #: The document ``id_number`` is of (``core.personal.ID_TYPES``).
    id_type: str = RESIDENT_ID

    @property
    def floor_area(self) -> Decimal:
        return Decimal(self.floor_area_hundredths) / 100

    def to_dict(self, show_private: bool = False) -> dict[str, Any]:
        phone, id_number = self.phone or "", self.id_number or ""
        if not show_private:
            phone, id_number = mask_phone(phone), mask_id_number(id_number)
        return {
            "unit": str(self.code),
            "display": self.code.display,
            "kind": self.code.kind,
            "phase": self.code.phase,
            "building": self.code.building,
            "entrance": self.code.entrance,
            "room": self.code.room,
            "area": float(self.floor_area),
            "status": STATUS_LABELS[self.status],
            "owner": self.owner,
            "phone": phone or None,
            "id_type": id_type_shown(self.id_number, self.id_type),
            "id_number": id_number or None,
            "move_in_date": self.move_in_date.isoformat() if self.move_in_date else None,
        }


def _unit_query() -> sa.Select[Any]:
    return sa.select(
        units.c.code,
        units.c.kind,
        units.c.phase,
        units.c.building,
        units.c.entrance,
        units.c.room,
        units.c.floor_area_hundredths,
        units.c.status,
        units.c.move_in_date,
        owners.c.name,
        owners.c.phone,
        owners.c.id_number,
        owners.c.id_type,
    ).select_from(units.outerjoin(owners, units.c.owner_id == owners.c.id))


def _view(row: Any) -> UnitView:
    return UnitView(
        UnitCode(row.building, row.entrance, row.room, row.kind, row.phase),
        row.floor_area_hundredths,
        row.status,
        row.name,
        row.phone,
        row.id_number,
        row.move_in_date,
        row.id_type or RESIDENT_ID,  # a unit without an owner
    )


def _group_part() -> sa.ColumnElement[str]:
    # A literal, not a bound parameter: PostgreSQL must see the SELECT and GROUP BY expressions as one.
    return sa.case((units.c.building == sa.literal_column("''"), units.c.kind), else_=units.c.building)


def building_group() -> sa.ColumnElement[str]:
    """What a unit is grouped under by building (the monthly report's 楼栋 column): its building, or its
    kind for a villa, shop, parking space or storeroom (which have none); the phase first when the
    estate has phases (``二期1``, ``二期别墅``, ``商铺``) — ``Building.typed`` of the group, which
    ``--building`` takes (``in_building``)."""
    return units.c.phase + _group_part()


def in_building(where: Building, *, other_phases: bool = False) -> sa.ColumnElement[bool]:
    """The units of the group ``where`` names (``parse_building``), as ``building_group`` groups them;
    with ``other_phases``, those of a group of the same name in the other phases."""
    phase = units.c.phase != where.phase if other_phases else units.c.phase == where.phase
    return sa.and_(_group_part() == where.part, phase)


def list_units(ledger: Ledger, building: str | None = None) -> list[UnitView]:
    """All units (of one building when given), in natural order 1-1-101, 1-1-102, …, 2-1-101.

    ``building`` as ``parse_building`` reads it: ``1`` is the building of 1-1-101, ``二期·1`` (or
    ``二期1``) the one of 二期·1-101, ``二期别墅`` the villas of 二期 (``in_building``).  A building that is empty in its phase but stands in another
    is a ``ValidationError`` that names the phases, so a clerk never sends one building's notice to
    another's residents nor gets an empty list without a word."""
    where = parse_building(building) if building is not None else None
    with ledger.read() as conn:
        return _units_in(conn, where)


def _units_in(conn: Connection, where: Building | None = None) -> list[UnitView]:
    """``list_units`` read on ``conn``: inside a read transaction the caller holds (``owners_in``'s)."""
    query = _unit_query() if where is None else _unit_query().where(in_building(where))
    views = sorted((_view(row) for row in conn.execute(query)), key=lambda v: v.code.sort_key)
    if where is not None and not views:
        require_building(conn, where)
    return views


@dataclass(frozen=True)
class UnitOwners:
    """A unit with its first owner (``unit``) and its co-owners in deed order: its owners of record."""

    unit: UnitView
    co_owners: tuple[CoOwner, ...]


def list_owners(ledger: Ledger, building: str | None = None) -> list[UnitOwners]:
    """The units of ``list_units`` with their co-owners (``owners list``), read in one read transaction
    (``owners_in``): never a unit's owner of before an import committed while it reads beside its co-owners of
    after.  ``ValidationError`` as ``list_units``."""
    where = parse_building(building) if building is not None else None
    with ledger.read() as conn:
        return owners_in(conn, where)


def owners_in(conn: Connection, where: Building | None = None) -> list[UnitOwners]:
    """Every unit (of ``where`` when given) and its co-owners, read on ``conn``: the caller's read transaction makes
    them one moment of the ledger (``list_owners``, the export)."""
    views = _units_in(conn, where)
    co_owners = co_owners_in(conn)
    return [UnitOwners(view, tuple(co_owners.get(str(view.code), ()))) for view in views]


def unit_owners_in(conn: Connection, code: UnitCode) -> UnitOwners:
    """The unit ``code`` and its co-owners, read on ``conn`` (``owners_in`` for one unit, of any status).
    ``NotFoundError`` when absent (``no_such_unit``)."""
    view, _ = _unit_in(conn, code)
    return UnitOwners(view, tuple(unit_co_owners_in(conn, str(code))))


#: The estate's buildings a refusal of one it does not have names (the rest counted).
_BUILDINGS_NAMED = 12


def require_building(conn: Connection, where: Building) -> None:
    """``ValidationError`` when the ledger has no unit in ``where`` (``--building``): one of that number (or units of
    that kind) in other phases is named, else the estate's buildings — a typo never shows an empty list, 欠费 0 户 or
    「没有欠费的房屋」 of a building that is not there.  Nothing in an empty ledger (no building to name)."""
    if conn.execute(sa.select(units.c.id).where(in_building(where)).limit(1)).first() is not None:
        return
    _refuse_building_elsewhere(conn, where)
    codes = sorted(
        (parse_unit_code(code) for (code,) in conn.execute(sa.select(units.c.code))), key=lambda c: c.sort_key
    )
    groups = list(dict.fromkeys(Building.of_unit(code) for code in codes))
    if not groups:
        return
    named = "、".join(group.display for group in groups[:_BUILDINGS_NAMED])
    if len(groups) > _BUILDINGS_NAMED:
        named += f" 等 {len(groups)} 处"
    raise ValidationError(
        f"台账中没有{where.display}（本小区有 {named}）：请检查楼号，例如 --building {groups[0].typed}"
    )


def _refuse_building_elsewhere(conn: Connection, where: Building) -> None:
    """``ValidationError`` when ``where`` has no unit but a building of that number (or units of that
    kind) stands in other phases."""
    others = sorted(
        phase
        for (phase,) in conn.execute(sa.select(units.c.phase).where(in_building(where, other_phases=True)).distinct())
    )
    if not others:
        return
    named = "、".join(Building(phase, where.number, where.kind).display for phase in others)
    example = Building(others[0], where.number, where.kind)
    how = "请写明分区" if example.phase else "不分区的楼直接写楼号"
    raise ValidationError(f"台账中没有{where.display}（本小区有 {named}）：{how}，例如 --building {example.typed}")


def show_unit(ledger: Ledger, code_text: str, phases: Mapping[str, str] | None = None) -> tuple[UnitView, list[str]]:
    """One unit, and the codes of every unit its owner holds.  ``NotFoundError`` when absent.
    ``phases`` (``OfficeSettings.phase_table()``) reads a phase written by name (香榭丽舍B-1-2004)."""
    code = parse_unit_code(code_text, phases=phases)
    with ledger.read() as conn:
        return _unit_in(conn, code)


def _unit_in(conn: Connection, code: UnitCode) -> tuple[UnitView, list[str]]:
    """``show_unit`` read on ``conn``: inside a read transaction the caller holds (``unit_details_in``')."""
    row = conn.execute(_unit_query().where(units.c.code == str(code))).first()
    if row is None:
        raise unknown_unit(conn, code)
    holdings: list[str] = []
    owner_id = conn.execute(sa.select(units.c.owner_id).where(units.c.code == str(code))).scalar()
    if owner_id is not None:
        holdings = [c for (c,) in conn.execute(sa.select(units.c.code).where(units.c.owner_id == owner_id))]
    return _view(row), sorted(holdings, key=lambda c: parse_unit_code(c).sort_key)


@dataclass(frozen=True)
class UnitDetails:
    """One unit as ``owners show`` shows it: the unit and its first owner, the units that owner holds, its
    co-owners in deed order and its contacts."""

    unit: UnitView
    holdings: list[str]
    co_owners: list[CoOwner]
    contacts: list[Contact]


def unit_details_in(conn: Connection, code: UnitCode) -> UnitDetails:
    """``show_unit`` with the unit's co-owners and contacts, read on ``conn``: the read transaction of ``owners show``
    (``billing.accounts.unit_with_account``, which reads the unit's account in it too), so that its owner of before an
    import committed meanwhile is never shown beside co-owners or tenants of after.  ``NotFoundError`` when absent."""
    view, holdings = _unit_in(conn, code)
    return UnitDetails(view, holdings, unit_co_owners_in(conn, str(code)), unit_contacts_in(conn, str(code)))


@dataclass(frozen=True)
class OwnerOfRecord:
    """An owner as a listing of the ledger's owners names them: name, ID number, the units held (as the first owner
    or a co-owner)."""

    name: str
    id_number: str
    units: tuple[str, ...]

    def said(self) -> str:
        """``张伟 110101******123（1-1-101）``: the ID number masked."""
        return f"{self.name} {mask_id_number(self.id_number)}（{'、'.join(self.units)}）"


def owners_under_two_numbers(ledger: Ledger) -> list[tuple[OwnerOfRecord, OwnerOfRecord]]:
    """Each person a version before the two numbers were told apart kept as two owners holding units: one under a
    first-generation (15-digit) ID number, one under the 18-digit number it became (``id_number_as_18``) — (the older,
    the newer), in the order of their first units.  An import matches both as the newer (``_match_owners``): the
    units a roster names of either move to it, the older then holding none."""
    held: dict[int, list[str]] = {}
    with ledger.read() as conn:
        first = sa.select(units.c.owner_id, units.c.code).where(units.c.owner_id.is_not(None))
        others = sa.select(unit_co_owners.c.owner_id, units.c.code).join(units, units.c.id == unit_co_owners.c.unit_id)
        for owner_id, code in [*conn.execute(first), *conn.execute(others)]:
            held.setdefault(owner_id, []).append(code)
        numbered = conn.execute(
            # Another document's number (a foreigner's 15-character permanent residence number) has no 18-digit form.
            sa.select(owners.c.id, owners.c.name, owners.c.id_number).where(
                owners.c.id_number.is_not(None), owners.c.id_type == RESIDENT_ID
            )
        ).all()
    by_number = {
        row.id_number: OwnerOfRecord(
            row.name, row.id_number, tuple(sorted(held[row.id], key=lambda c: parse_unit_code(c).sort_key))
        )
        for row in numbered
        if row.id in held
    }
    pairs = [
        (older, newer)
        for number, older in by_number.items()
        if len(number) == 15 and (newer := by_number.get(id_number_as_18(number))) is not None
    ]
    return sorted(pairs, key=lambda pair: parse_unit_code(pair[0].units[0]).sort_key)


@dataclass(frozen=True)
class RefusedName:
    """A name the ledger holds that today's rules refuse (written before they were made): the unit, the role
    (业主, 共有人, 租户 or 联系人), the name as stored, and a contact's number (``owners contact remove`` takes it)."""

    unit: str
    role: str
    name: str
    contact_id: int | None = None

    def said(self) -> str:
        """``1-1-101 业主 钱八（租户：周九）``, a contact's number after it; no phone nor ID number."""
        number = f"（联系人编号 {self.contact_id}）" if self.contact_id is not None else ""
        return f"{self.unit} {self.role} {self.name}{number}"


_ROLES = ("业主", "共有人", "租户", "联系人")


@dataclass(frozen=True)
class SplitOwner:
    """An owner whose name as the ledger holds it — one owner record — names several people (王芳、李娜: an older
    version kept a whole owner cell as one owner's name): the unit, the name as stored, and the names the import
    reads it as (``owner_cell_names``), the owner's first, then its co-owners'."""

    unit: str
    name: str
    names: tuple[str, ...]

    def split_into(self) -> str:
        """``业主 王芳，共有人 李娜``: what the import makes of the name."""
        return f"业主 {self.names[0]}，共有人 {'、'.join(self.names[1:])}"

    def said(self) -> str:
        """``1-1-101 业主 王芳、李娜（重新导入时会拆成业主和共有人：业主 王芳，共有人 李娜）``; no phone nor ID number."""
        return f"{self.unit} 业主 {self.name}（重新导入时会拆成业主和共有人：{self.split_into()}）"


def _split_owner(code: str, name: str) -> SplitOwner | None:
    """``name``, a unit's owner's as stored, as the import would split it (``owner_cell_names``), or None when it
    names one person or is refused (``names_refused_now`` lists it then)."""
    names = owner_cell_names(name)
    if len(names) < 2 or owner_name_problem(names) is not None:
        return None
    return SplitOwner(code, name, tuple(names))


def owners_split_now(ledger: Ledger) -> list[SplitOwner]:
    """Every unit's owner whose stored name the roster import would split into an owner and co-owners (``SplitOwner``:
    王芳、李娜, kept whole by a version before co-owners), in unit order: its export's owner cell comes back split
    (doctor's 业主和联系人姓名 tells it; the import names each unit it splits, ``ImportSummary.owners_split``)."""
    with ledger.read() as conn:
        return _owners_split_in(conn)


def _owners_split_in(conn: Connection) -> list[SplitOwner]:
    first = sa.select(units.c.code, owners.c.name).join(owners, owners.c.id == units.c.owner_id)
    found = [split for row in conn.execute(first) if (split := _split_owner(row.code, row.name)) is not None]
    return sorted(found, key=lambda split: parse_unit_code(split.unit).sort_key)


@dataclass(frozen=True)
class OwnerKeptTwice:
    """A unit whose first owner is also kept as its co-owner of the same name (as a clerk reads it), one of the two
    records without an ID number: one person an older import kept twice (papers greet 王芳、王芳)."""

    unit: str
    name: str

    def said(self) -> str:
        """``1-1-101 王芳``: no phone nor ID number."""
        return f"{self.unit} {self.name}"


def owners_kept_twice(ledger: Ledger) -> list[OwnerKeptTwice]:
    """Every unit whose owner is kept again as its co-owner of that name (``OwnerKeptTwice``), in unit order.  Two of
    one name with an ID number each are two people, never listed.  The export, with the co-owner's number written on
    the owner's row too, imports back as one owner (``_match_owners``: the number says who; a 共有人 row without one
    naming the owner is the owner, ``roster_sheet._with_co_owner_row``)."""
    with ledger.read() as conn:
        return _owners_kept_twice_in(conn)


def _owners_kept_twice_in(conn: Connection) -> list[OwnerKeptTwice]:
    first = {row.code: row for row in conn.execute(_unit_query().where(units.c.owner_id.is_not(None)))}
    found = [
        OwnerKeptTwice(code, owner.name)
        for code, co_owners in co_owners_in(conn).items()
        if (owner := first.get(code)) is not None
        and any(
            name_as_read(co.name) == name_as_read(owner.name) and not (co.id_number and owner.id_number)
            for co in co_owners
        )
    ]
    return sorted(found, key=lambda twice: parse_unit_code(twice.unit).sort_key)


@dataclass(frozen=True)
class PairToMerge:
    """Two owners of a unit, the one right after the other in deed order, whose names are the surname and the given
    name of one Latin name written surname first (Smith and John: Smith, John, ``comma_name_parts``), the second
    without an ID number: one person an older import split at the comma, whom today's import merges once a roster
    names them as one (``_pairs_named_whole``).  That import gave the row's numbers to the first half alone, so a
    number on the second says two people, recorded so that they are no longer listed.  ``first``: the unit's owner
    and its first co-owner, else two co-owners."""

    unit: str
    surname: str
    given: str
    first: bool

    def said(self) -> str:
        """``1-1-101 业主 Smith、共有人 John（即 Smith, John）``, ``1-1-102 共有人 Smith、John（即 Smith, John）``; no phone
        nor ID number."""
        roles = f"业主 {self.surname}、共有人 {self.given}" if self.first else f"共有人 {self.surname}、{self.given}"
        return f"{self.unit} {roles}（即 {self.surname}, {self.given}）"


def _pair_to_merge(code: str, position: int, surname: CoOwner, given: CoOwner) -> PairToMerge | None:
    """``surname`` and ``given``, a unit's owners of record at ``position`` and the next, as a ``PairToMerge``, or
    None: their names make no Latin name written surname first (or are one name twice: ``owners_kept_twice``), or
    ``given`` has an ID number (two people: an older import's split gave it none)."""
    if comma_name_parts(f"{surname.name}, {given.name}") != (surname.name, given.name):
        return None
    if name_as_read(surname.name) == name_as_read(given.name) or given.id_number:
        return None
    return PairToMerge(code, surname.name, given.name, position == 0)


def _side_by_side(conn: Connection) -> Iterator[tuple[str, int, CoOwner, CoOwner]]:
    """Each two owners of record of a unit, the one right after the other in deed order: (unit, the first one's
    position — 0 the unit's owner —, the two), in unit order."""
    for entry in owners_in(conn):
        view = entry.unit
        people = [CoOwner(view.owner, view.phone, view.id_number, view.id_type), *entry.co_owners] if view.owner else []
        for position, (one, other) in enumerate(itertools.pairwise(people)):
            yield str(view.code), position, one, other


def _pairs_to_merge_in(conn: Connection) -> list[PairToMerge]:
    return [
        pair
        for code, position, surname, given in _side_by_side(conn)
        if (pair := _pair_to_merge(code, position, surname, given)) is not None
    ]


@dataclass(frozen=True)
class BodyKeptApart:
    """Two owners of a unit, the one right after the other in deed order, whose names written in one cell
    (张三、丰餐饮有限公司) are one body's name or two owners' — the two the cell's names, neither a cell kept whole
    already (赵六、投资管理有限公司) — by ``contacts.body_or_owners``, the import's rule: an older
    import split such a cell, which today's keeps whole, as one owner (with a warning), when a roster naming them so
    comes back.  Written apart, with the body's full name, they are no longer listed.  ``first``: the unit's owner and
    its first co-owner, else two co-owners."""

    unit: str
    names: tuple[str, str]
    first: bool

    def said(self) -> str:
        """``1-1-101 业主 张三、共有人 丰餐饮有限公司（即“张三、丰餐饮有限公司”）``; no phone nor ID number."""
        one, other = self.names
        roles = f"业主 {one}、共有人 {other}" if self.first else f"共有人 {one}、{other}"
        return f"{self.unit} {roles}（即“{one}、{other}”）"


def _bodies_kept_apart_in(conn: Connection) -> list[BodyKeptApart]:
    return [
        BodyKeptApart(code, (one.name, other.name), position == 0)
        for code, position, one, other in _side_by_side(conn)
        if (found := body_or_owners(f"{one.name}、{other.name}")) is not None and found.names == (one.name, other.name)
    ]


def names_refused_now(ledger: Ledger) -> list[RefusedName]:
    """Every owner's, co-owner's and contact's name of a unit that the roster import and ``owners contact add`` would
    refuse today — an older version kept it (钱八（租户：周九）, 张三 李四, a name of punctuation alone, a contact's
    吴芳、郑丽): by the import's own checks (``owner_name_problem`` of ``owner_cell_names`` for an owner, as its export's
    owner cell is read back; ``several_people`` and ``owner_name_problem`` for a co-owner, as its export's 共有人 row is;
    ``several_people`` and ``one_person_problem`` for a contact, as a 关系 row's and the counter's), in unit order,
    then 业主, 共有人, 租户, 联系人.  An owner's or co-owner's unit exported comes back refused at its
    cell; contacts are not exported."""
    with ledger.read() as conn:
        return _names_refused_in(conn)


def _names_refused_in(conn: Connection) -> list[RefusedName]:
    found: list[RefusedName] = []
    first = sa.select(units.c.code, owners.c.name).join(owners, owners.c.id == units.c.owner_id)
    found.extend(
        RefusedName(row.code, "业主", row.name)
        for row in conn.execute(first)
        if owner_name_problem(owner_cell_names(row.name))
    )
    # A co-owner is exported on a 共有人 row of its own, read as one person (``roster_sheet._RowReader.read``).
    found.extend(
        RefusedName(code, "共有人", person.name)
        for code, persons in co_owners_in(conn).items()
        for person in persons
        if several_people(person.name) or owner_name_problem([person.name])
    )
    contacts = sa.select(units.c.code, unit_contacts.c.id, unit_contacts.c.name, unit_contacts.c.relation).join(
        units, units.c.id == unit_contacts.c.unit_id
    )
    for row in conn.execute(contacts.order_by(unit_contacts.c.id)):
        if several_people(row.name) or one_person_problem(row.name, two="", note="") is not None:
            role = TENANT if row.relation == TENANT else "联系人"
            found.append(RefusedName(row.code, role, row.name, row.id))
    return sorted(found, key=lambda n: (parse_unit_code(n.unit).sort_key, _ROLES.index(n.role)))


@dataclass(frozen=True)
class RosterNames:
    """What doctor's 业主和联系人姓名 tells, read in one read transaction (``roster_names_now``)."""

    refused: list[RefusedName]
    split: list[SplitOwner]
    twice: list[OwnerKeptTwice]
    pairs: list[PairToMerge]
    apart: list[BodyKeptApart]
    relations: list[ContactUnderRelations]
    owners_as_contacts: list[OwnerAsContact]


def roster_names_now(ledger: Ledger) -> RosterNames:
    """``names_refused_now``, ``owners_split_now``, ``owners_kept_twice``, the ``PairToMerge``, the
    ``BodyKeptApart``, the ``contacts.ContactUnderRelations`` and the ``contacts.OwnerAsContact`` of every unit, in unit order, read in one read
    transaction: one moment of the ledger, never the names of before a roster import committed while it reads beside
    the owners of after."""
    with ledger.read() as conn:
        return RosterNames(
            _names_refused_in(conn),
            _owners_split_in(conn),
            _owners_kept_twice_in(conn),
            _pairs_to_merge_in(conn),
            _bodies_kept_apart_in(conn),
            contacts_under_relations_in(conn),
            owners_as_contacts_in(conn),
        )


@dataclass(frozen=True)
class VillaAsFlat:
    """A villa an older version kept under a flat's code (别墅3-2-1202: ``roster_sheet.flat_of_villa_number``), imported from 别墅
    beside 3-2-1202, which the import refuses today: the villa's code and the flat its number spells, in its phase."""

    code: str
    number: str
    flat: UnitCode

    def said(self) -> str:
        """``别墅3-2-1202：类型“别墅”与房屋编号“3-2-1202”不一致：这是住宅（3-2-1202），不是别墅``: the import's words."""
        return f"{self.code}：" + kind_against("类型“别墅”", f"房屋编号“{self.number}”", self.flat, VILLA)


def villas_numbered_as_flats(ledger: Ledger) -> list[VillaAsFlat]:
    """Every villa whose number is a flat's code (``VillaAsFlat``), in unit order."""
    with ledger.read() as conn:
        rows = conn.execute(sa.select(units.c.code, units.c.phase, units.c.room).where(units.c.kind == VILLA)).all()
    found = [
        VillaAsFlat(row.code, row.room, flat) for row in rows if (flat := flat_of_villa_number(row.room, row.phase))
    ]
    return sorted(found, key=lambda villa: parse_unit_code(villa.code).sort_key)


def record_private_view(ledger: Ledger, operator: str, what: str, units_shown: Iterable[str]) -> None:
    """Journal that someone displayed or exported owners' unmasked phone and ID numbers."""
    journal.record_private_view(ledger, operator, "owner", what, units_shown)


def export_owners(ledger: Ledger, path: Path, operator: str, show_private: bool = False) -> int:
    """Write every unit to ``path`` in the import layout; returns the number of units.

    The owner cell holds the first owner alone; each co-owner follows on a row of its own (the same 房号, 关系
    共有人) with its own phone and ID number, as the import reads 共有人 rows.  Phone and ID numbers are masked
    unless ``show_private`` (which is journalled); either file imports back unchanged.  Everything it writes is read
    in one read transaction: the file is one moment of the ledger, never units of before an import committed while it
    reads beside co-owners of after.  Where an owner or co-owner holds another document than the resident ID card, a
    证件类型 column (``ID_TYPE_HEADER``) after the others says each number's, so that the file imports back; else the
    file is as before there were other documents.
    """
    with ledger.read() as conn:
        roster = owners_in(conn)
    rows: list[list[Any]] = []
    people_typed: list[dict[str, Any]] = []
    for entry in roster:
        view = entry.unit
        data = view.to_dict(show_private)
        # A flat with 单元 and no phase fills the three columns; any other unit writes its whole code in
        # the 房号 column (商铺S-101, 5-1201, 二期·3-2-1201), which the import reads back as it is.
        plain = view.code.kind == "住宅" and view.code.entrance and not view.code.phase
        where = [
            view.code.building if plain else None,
            view.code.entrance if plain else None,
            view.code.room if plain else str(view.code),
        ]
        rows.append(
            [
                *where,
                view.floor_area,
                data["owner"],
                data["phone"],
                data["id_number"],
                view.move_in_date,
                data["status"],
                OWNER_RELATION if data["owner"] else None,
            ]
        )
        people_typed.append(data)
        for co_owner in entry.co_owners if data["owner"] else ():
            shown = co_owner.to_dict(show_private)
            rows.append([*where, None, shown["name"], shown["phone"], shown["id_number"], None, None, CO_OWNER])
            people_typed.append(shown)
    if any(person["id_type"] not in (None, ID_TYPES[RESIDENT_ID]) for person in people_typed):
        rows = [[*row, person["id_type"]] for row, person in zip(rows, people_typed, strict=True)]
        write_owner_sheet(path, rows, private=show_private, headers=(*EXPORT_HEADERS, ID_TYPE_HEADER))
    else:
        write_owner_sheet(path, rows, private=show_private)
    if show_private:
        codes = [str(entry.unit.code) for entry in roster]
        record_private_view(ledger, operator, f"owners export {readable_name(path.name)}", codes)
    return len(roster)


def write_owner_sheet(
    path: Path, rows: Sequence[Sequence[Any]], *, private: bool = False, headers: Sequence[str] = EXPORT_HEADERS
) -> Path:
    """Save ``rows`` (in ``headers`` order) as an owners sheet the import reads back; readable by its writer only
    when ``private`` (phones and ID numbers unmasked)."""
    # openpyxl costs ~0.4 s to import: `owners list` and `owners show` at the counter must not pay it
    from openpyxl import Workbook  # loaded on first use (see above)
    from openpyxl.styles import Alignment, Font  # loaded on first use (see above)

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "业主名册"
    sheet.append(list(headers))
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
    for index, width in enumerate(iter_column_widths([headers, *rows[:200]])):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{chr(ord('A') + len(headers) - 1)}{len(rows) + 1}"
    sheet.print_title_rows = "1:1"
    return save_atomically(workbook, path, private=private)
