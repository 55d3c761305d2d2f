"""The journal: an append-only, hash-chained record of every change to the ledger.

Each row carries SHA-256 over its own content and the previous row's hash, and
ids run 1, 2, 3 … without gaps, so an edited, inserted or deleted row breaks the
chain where it happened.  Rows are appended only inside ``Ledger.write()``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from recordkit.ledger.db import Ledger, bulk_insert
from recordkit.ledger.schema import journal

GENESIS_HASH = "0" * 64


@dataclass(frozen=True)
class Change:
    """One change to record: ``before`` is None for a creation, ``after`` None for a removal."""

    action: str
    entity: str
    key: str
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None


def _canonical_json(value: dict[str, Any] | None) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def row_hash(
    row_id: int,
    at: str,
    operator: str,
    action: str,
    entity: str,
    key: str,
    before: str | None,
    after: str | None,
    prev_hash: str,
) -> str:
    """The SHA-256 that seals one journal row to its predecessor."""
    payload = json.dumps(
        [row_id, at, operator, action, entity, key, before, after, prev_hash],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


_LAST_ROW = sa.select(journal.c.id, journal.c.hash).order_by(journal.c.id.desc()).limit(1)


def record(conn: Connection, operator: str, changes: Iterable[Change], at: datetime | None = None) -> int:
    """Append ``changes`` to the journal in the caller's write transaction; returns how many.

    The caller must hold ``Ledger.write()``: that lock is what keeps the chain single-file.
    """
    last = conn.execute(_LAST_ROW).first()
    next_id, prev_hash = (last.id + 1, last.hash) if last else (1, GENESIS_HASH)
    stamp = (at or datetime.now(UTC)).isoformat(timespec="microseconds")
    rows = []
    for change in changes:
        before, after = _canonical_json(change.before), _canonical_json(change.after)
        digest = row_hash(next_id, stamp, operator, change.action, change.entity, change.key, before, after, prev_hash)
        rows.append(
            {
                "id": next_id,
                "at": stamp,
                "operator": operator,
                "action": change.action,
                "entity": change.entity,
                "entity_key": change.key,
                "before": before,
                "after": after,
                "prev_hash": prev_hash,
                "hash": digest,
            }
        )
        next_id, prev_hash = next_id + 1, digest
    bulk_insert(conn, journal, rows)
    return len(rows)


#: Actions that journal who looked at something, not a change: nothing in the ledger's tables follows from them.
VIEW_ONLY_ACTIONS = frozenset({"private.view"})


def record_private_view(ledger: Ledger, operator: str, entity: str, what: str, shown: Iterable[str]) -> None:
    """Journal that ``operator`` displayed or exported unmasked phone and ID numbers (``--show-private``):
    ``what`` names the command or file, ``shown`` the records it showed (the first 20 are kept).  A ``what``
    longer than the journal's key is cut there, and kept whole in the entry."""
    keys = list(shown)
    after: dict[str, Any] = {"count": len(keys), "first": keys[:20]}
    key, room = what, cast(sa.String, journal.c.entity_key.type).length or len(what)
    if len(what) > room:  # a search's words, a file's name: PostgreSQL refuses a key longer than its column
        key, after["what"] = what[: room - 1] + "…", what
    with ledger.write() as conn:
        record(conn, operator, [Change("private.view", entity, key, None, after)])


@dataclass(frozen=True)
class VerifyResult:
    rows_checked: int
    broken_id: int | None = None
    reason: str = ""
    head_hash: str = GENESIS_HASH  # the newest row's hash: with rows_checked, the chain's anchor

    @property
    def ok(self) -> bool:
        return self.broken_id is None


@dataclass(frozen=True)
class Anchor:
    """The journal's length and newest hash at one moment, kept where the ledger cannot reach.

    A chain that is whole can still have lost its newest rows, or have been rebuilt from some row
    on with fresh hashes; only a copy of an earlier head, kept elsewhere, shows that.
    """

    rows: int
    head_hash: str
    at: str

    def to_json(self) -> str:
        return json.dumps({"rows": self.rows, "head_hash": self.head_hash, "at": self.at}, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Anchor:
        """``ValueError`` for anything that is not an anchor written by ``to_json``."""
        data = json.loads(text)
        if not isinstance(data, dict):
            raise ValueError("not an anchor")
        rows, head_hash, at = data.get("rows"), data.get("head_hash"), data.get("at")
        if not isinstance(rows, int) or rows < 0 or not isinstance(head_hash, str) or len(head_hash) != 64:
            raise ValueError("not an anchor")
        return cls(rows, head_hash, str(at or ""))


def anchor_of(result: VerifyResult, at: datetime | None = None) -> Anchor:
    """The anchor of a verified chain."""
    return Anchor(result.rows_checked, result.head_hash, (at or datetime.now(UTC)).isoformat(timespec="seconds"))


def check_anchor(conn: Connection, anchor: Anchor) -> str | None:
    """Why the journal no longer extends ``anchor`` (rows removed, or rewritten after it), or None."""
    if anchor.rows == 0:
        return None
    row = conn.execute(sa.select(journal.c.hash).where(journal.c.id == anchor.rows)).first()
    if row is None:
        return f"锚点记录了第 {anchor.rows} 条，现在的日志没有这一条（最新的记录被删除）"
    if row.hash != anchor.head_hash:
        return f"第 {anchor.rows} 条记录的校验值与锚点不符（日志被改写后重新计算了校验值）"
    return None


def verify(conn: Connection, anchor: Anchor | None = None) -> VerifyResult:
    """Walk the whole chain; report the first row that was edited, inserted or removed — and, given
    an ``anchor`` kept elsewhere, whether the chain still runs through it."""
    result = _verify_chain(conn)
    if result.ok and anchor is not None and (reason := check_anchor(conn, anchor)):
        return VerifyResult(result.rows_checked, min(anchor.rows, result.rows_checked + 1), reason, result.head_hash)
    return result


def _verify_chain(conn: Connection) -> VerifyResult:
    expected_id, prev_hash, checked = 1, GENESIS_HASH, 0
    # Per statement: Connection.execution_options would leave streaming on for the caller's later statements.
    result = conn.execute(sa.select(journal).order_by(journal.c.id), execution_options={"yield_per": 5000})
    for row in result:
        if row.id != expected_id:
            reason = (
                f"缺少第 {expected_id} 至 {row.id - 1} 条记录（被删除）"
                if row.id > expected_id
                else f"第 {row.id} 条记录编号重复"
            )
            return VerifyResult(checked, expected_id, reason)
        if row.prev_hash != prev_hash:
            return VerifyResult(checked, row.id, f"第 {row.id} 条记录与上一条记录的链接不符（前面的记录被改动或删除）")
        digest = row_hash(
            row.id, row.at, row.operator, row.action, row.entity, row.entity_key, row.before, row.after, row.prev_hash
        )
        if digest != row.hash:
            return VerifyResult(checked, row.id, f"第 {row.id} 条记录的内容与校验值不符（记录被改动）")
        expected_id, prev_hash, checked = expected_id + 1, row.hash, checked + 1
    return VerifyResult(checked, head_hash=prev_hash)


@dataclass(frozen=True)
class JournalEntry:
    id: int
    at: str
    operator: str
    action: str
    entity: str
    key: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def _of_keys(entity_key: str | Sequence[str]) -> sa.ColumnElement[bool]:
    if isinstance(entity_key, str):
        return journal.c.entity_key == entity_key
    return journal.c.entity_key.in_(list(entity_key))


def recent(conn: Connection, limit: int = 50, entity_key: str | Sequence[str] | None = None) -> Sequence[JournalEntry]:
    """The newest ``limit`` entries, newest first (optionally for one unit or record, or under any of several keys:
    an archive item's current and former numbers)."""
    query = sa.select(journal).order_by(journal.c.id.desc()).limit(limit)
    if entity_key:
        query = query.where(_of_keys(entity_key))
    return [
        JournalEntry(
            r.id,
            r.at,
            r.operator,
            r.action,
            r.entity,
            r.entity_key,
            json.loads(r.before) if r.before else None,
            json.loads(r.after) if r.after else None,
        )
        for r in conn.execute(query)
    ]


def count(conn: Connection, entity_key: str | Sequence[str] | None = None) -> int:
    """How many entries there are (optionally for one unit or record, or under any of several keys, as ``recent``)."""
    query = sa.select(sa.func.count()).select_from(journal)
    if entity_key:
        query = query.where(_of_keys(entity_key))
    return int(conn.execute(query).scalar_one())


#: What each journal action is called on a clerk's screen; ``--json`` keeps the codes.
ACTION_LABELS = {
    "unit.create": "新增房屋",
    "unit.update": "修改房屋",
    "owner.create": "新增业主",
    "owner.update": "修改业主",
    "owner.delete": "删除不再有房屋的业主记录",
    "owner.merge": "合并业主记录",
    "unit.co_owners": "修改共有人",
    "unit.contacts": "修改联系人",
    "contact.add": "添加联系人",
    "contact.remove": "删除联系人",
    "contact.edit": "更正联系人",
    "contact.became_owner": "联系人成为业主",
    "private.view": "查看未打码个人信息",
    "document.generate": "生成文书",
    "document.regenerate": "重新生成文书",
    "certificate.issue": "开具证明",
    "fee_item.seed": "从配置写入收费项目",
    "fee_item.sync_from_recordkit_toml": "从 recordkit.toml 同步收费项目",
    "fee_item.add": "新增收费项目",
    "fee_rate.set": "调整收费标准",
    "reading.create": "录入抄表读数",
    "reading.update": "修改抄表读数",
    "bill.month": "月度出账",
    "bill.oneoff": "一次性收费出账",
    "bill.rebill": "按新标准重算账单",
    "bill.remove": "删除账单",
    "receipt.issue": "收款开收据",
    "receipt.void": "作废收据",
    "receipt.reverse": "红冲收据",
    "receipt.reprint": "补打收据",
    "month.close": "结账",
    "renovation.register": "装修登记",
    "renovation.inspect": "装修验收",
    "renovation.extend": "装修延期",
    "renovation.refund": "退装修押金",
    "renovation.pass_issue": "发临时出入证",
    "renovation.pass_cancel": "注销临时出入证",
    "renovation.pass_reissue": "补发临时出入证",
    "workorder.add": "新建工单",
    "workorder.assign": "派工",
    "workorder.reassign": "改派",
    "workorder.close": "完工",
    "workorder.visit": "回访",
    "workorder.import": "导入工单登记簿",
    "workorder.repeat": "标记重复投诉",
    "archive.file": "归档",
    "archive.update": "修改档案信息",
    "archive.renumber": "改档案类别（重新编号）",
    "archive.lend": "借出档案",
    "archive.return": "归还档案",
    "archive.recover": "恢复中断的归档",
    "archive.rebuild": "重建档案目录",
    "user.add": "新增网页账户",
    "user.disable": "停用网页账户",
    "user.enable": "启用网页账户",
    "user.passwd": "修改网页账户密码",
    "ledger.move": "台账搬到另一个数据库",
    "ledger.move_in": "台账从另一个数据库搬入",
}


def action_label(action: str) -> str:
    """The Chinese name of a journal action (the code itself for one this version does not know)."""
    return ACTION_LABELS.get(action, action)
