"""The ledger's money, owner and loan tables checked against the journal's after-images.

The hash chain proves the journal was not edited; it says nothing of a ledger row changed by raw SQL
(``UPDATE payments SET amount_fen = …``).  Here the journal is replayed — each receipt as issued, voided
or reversed, each owner as last written, each loan as lent and returned — and compared with the rows the
ledger holds now.  It reads only; what disagrees is listed, never repaired.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from recordkit.core.personal import mask_id_number, mask_phone, named_in_sentence
from recordkit.ledger.journal import VIEW_ONLY_ACTIONS
from recordkit.ledger.schema import archive_items, archive_loans, journal, owners, payments, receipts, units

#: What is compared of a receipt, and how the journal and the ledger name it.
_RECEIPT_FIELDS = {"unit": "房号", "payer": "交款人", "amount_fen": "金额（分）", "method": "方式", "date": "收款日期"}
_OWNER_FIELDS = {"name": "姓名", "phone": "电话", "id_number": "证件号码"}


@dataclass(frozen=True)
class Disagreement:
    """One row of the ledger that is not what the journal recorded."""

    table: str  # 收据 / 业主 / 借阅
    key: str  # receipt number, owner id, archive number
    problem: str  # Chinese: what differs, journal's value against the ledger's

    def to_dict(self) -> dict[str, str]:
        return {"table": self.table, "key": self.key, "problem": self.problem}


def check_tables(conn: Connection) -> list[Disagreement]:
    """Every disagreement between the receipts/payments, owners and archive loans and the journal."""
    history: dict[str, list[tuple[str, str, dict[str, Any] | None]]] = defaultdict(list)
    rows = conn.execute(
        sa.select(journal.c.entity, journal.c.entity_key, journal.c.action, journal.c.after)
        .where(journal.c.entity.in_(["receipt", "owner", "archive_loan"]) | (journal.c.action == "archive.renumber"))
        # Who saw an owner's full numbers (private.view, entity owner, keyed by what was shown) is no change to
        # replay: read as one, it was an owner "deleted" from the ledger.
        .where(journal.c.action.not_in(sorted(VIEW_ONLY_ACTIONS)))
        .order_by(journal.c.id)
    )
    for entity, key, action, after in rows:
        # A renumbered item's loans follow it to its new number (the loan rows point at the item, not the number).
        history["archive_loan" if action == "archive.renumber" else entity].append(
            (key, action, json.loads(after) if after else None)
        )
    return _receipts(conn, history["receipt"]) + _owners(conn, history["owner"]) + _loans(conn, history["archive_loan"])


def _differences(expected: dict[str, Any], actual: dict[str, Any], labels: dict[str, str]) -> list[str]:
    return [
        f"{label}：日志为 {expected[key]}，台账为 {actual[key]}"
        for key, label in labels.items()
        if key in expected and expected[key] != actual.get(key)
    ]


def _receipts(conn: Connection, entries: list[tuple[str, str, dict[str, Any] | None]]) -> list[Disagreement]:
    expected: dict[str, dict[str, Any]] = {}
    for number, action, after in entries:
        after = after or {}
        if action == "receipt.issue":
            expected[number] = {key: after[key] for key in _RECEIPT_FIELDS if key in after} | {"voided": False}
        elif action == "receipt.reverse":
            original = expected.get(str(after.get("reverses")), {})
            expected[number] = {
                "unit": after.get("unit"),
                "amount_fen": after.get("amount_fen"),
                "date": after.get("date"),
                "payer": original.get("payer"),
                "method": original.get("method"),
                "voided": False,
            }
            expected[number] = {key: value for key, value in expected[number].items() if value is not None}
        elif action == "receipt.void" and number in expected:
            expected[number]["voided"] = True
    actual = {
        row.number: {
            "unit": row.code,
            "payer": row.payer,
            "amount_fen": row.amount_fen,
            "method": row.method,
            "date": row.paid_on.isoformat() if row.paid_on else None,
            "voided": bool(row.voided),
        }
        for row in conn.execute(
            sa.select(receipts.c.number, units.c.code, payments.c.payer, payments.c.amount_fen, payments.c.method)
            .add_columns(payments.c.paid_on, payments.c.voided)
            .select_from(receipts.join(payments, payments.c.id == receipts.c.payment_id))
            .join(units, units.c.id == payments.c.unit_id)
        )
    }
    found = []
    for number, want in expected.items():
        have = actual.get(number)
        if have is None:
            found.append(Disagreement("收据", number, "日志中有这张收据，台账中没有（收据或收款记录被删除）"))
            continue
        problems = _differences(want, have, _RECEIPT_FIELDS)
        if want["voided"] != have["voided"]:
            problems.append(
                f"作废：日志为 {'是' if want['voided'] else '否'}，台账为 {'是' if have['voided'] else '否'}"
            )
        found += [Disagreement("收据", number, problem) for problem in problems]
    for number in sorted(set(actual) - set(expected)):
        found.append(Disagreement("收据", number, "台账中有这张收据，日志中没有（不是经 recordkit 开出的）"))
    return found


def _owners(conn: Connection, entries: list[tuple[str, str, dict[str, Any] | None]]) -> list[Disagreement]:
    expected: dict[str, dict[str, Any] | None] = {}
    for key, action, after in entries:
        # The last after-image; None when removed — a merged record's names the one it was merged into.
        expected[key] = None if action == "owner.merge" else after
    actual = {
        str(row.id): {
            "name": row.name,
            # The journal keeps phone and ID number masked, as shown on screen: compared masked.
            "phone": mask_phone(row.phone) if row.phone else row.phone,
            "id_number": mask_id_number(row.id_number) if row.id_number else row.id_number,
        }
        for row in conn.execute(sa.select(owners.c.id, owners.c.name, owners.c.phone, owners.c.id_number))
    }
    found = []
    for key, want in expected.items():
        have = actual.get(key)
        if want is None:
            if have is not None:
                found.append(Disagreement("业主", key, "日志记录已删除的业主仍在台账中"))
            continue
        if have is None:
            found.append(
                Disagreement(
                    "业主", key, f"日志中有业主{named_in_sentence(str(want.get('name')))}，台账中没有（被删除）"
                )
            )
            continue
        found += [Disagreement("业主", key, problem) for problem in _differences(want, have, _OWNER_FIELDS)]
    for key in sorted(set(actual) - set(expected), key=int):
        found.append(Disagreement("业主", key, f"台账中有业主{named_in_sentence(actual[key]['name'])}，日志中没有"))
    return found


def _loans(conn: Connection, entries: list[tuple[str, str, dict[str, Any] | None]]) -> list[Disagreement]:
    expected: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for number, action, after in entries:
        after = after or {}
        if action == "archive.lend":
            expected[number].append({"borrower": after.get("borrower"), "due": after.get("due"), "returned": False})
        elif action == "archive.return" and expected[number]:
            expected[number][-1]["returned"] = True
        elif action == "archive.renumber" and after.get("former_archive_no") in expected:
            expected[number] = expected.pop(after["former_archive_no"])
    actual: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in conn.execute(
        sa.select(
            archive_items.c.archive_no, archive_loans.c.borrower, archive_loans.c.due, archive_loans.c.returned_at
        )
        .select_from(archive_loans.join(archive_items, archive_items.c.id == archive_loans.c.item_id))
        .order_by(archive_loans.c.id)
    ):
        actual[row.archive_no].append(
            {"borrower": row.borrower, "due": row.due.isoformat(), "returned": row.returned_at is not None}
        )
    found = []
    for number in sorted(set(expected) | set(actual)):
        want, have = expected.get(number, []), actual.get(number, [])
        if len(want) != len(have):
            found.append(Disagreement("借阅", number, f"借出次数：日志为 {len(want)} 次，台账为 {len(have)} 次"))
            continue
        for loan, (one, other) in enumerate(zip(want, have, strict=True), start=1):
            labels = {"borrower": "借阅人", "due": "应还日期", "returned": "已归还"}
            found += [
                Disagreement("借阅", number, f"第 {loan} 次借出的{problem}")
                for problem in _differences(one, other, labels)
            ]
    return found


__all__ = ["Disagreement", "check_tables"]
