"""Workers' temporary passes (临时出入证): issuing, replacing and cancelling them, and printing the cards."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from recordkit.core.dates import check_not_future, chinese_date
from recordkit.core.errors import ConflictError, NotFoundError, UsageError, ValidationError
from recordkit.core.money import format_yuan
from recordkit.core.personal import (
    id_identity,
    id_type_journalled,
    mask_id_number,
    named_in_sentence,
    reason_problem,
)
from recordkit.documents.generated import DocumentRequest, generate_many, record_and_print
from recordkit.ledger import journal
from recordkit.ledger.schema import (
    renovation_passes,
)
from recordkit.renovations.paper import paper_context
from recordkit.renovations.records import (
    DOCUMENT_KIND,
    PASS_TEMPLATE,
    PASS_WIDTH,
    UNDER_WAY,
    WORKER_NUMBER_FORM,
    PassView,
    Renovation,
    Worker,
    check_not_before_registration,
    find_renovation_row,
    load_renovation,
    nth_worker,
    parse_worker,
    pass_number,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from recordkit.core.workspace import Workspace
    from recordkit.documents.generated import GeneratedDocument
    from recordkit.ledger.db import Ledger


# Workers' ID numbers are printed on their passes and nowhere else: the journal, the screen and
# file names get them masked or not at all.
def _pass_window(renovation: Renovation, today: dt.date) -> tuple[dt.date, dt.date]:
    if renovation.status not in UNDER_WAY:
        raise ConflictError(f"装修登记 {renovation.number} 已{renovation.status_label}，不能再发放临时出入证")
    if today > renovation.end:
        raise ConflictError(
            f"装修登记 {renovation.number} 的施工期已于 {renovation.end.isoformat()} 结束，"
            f"不能再发放临时出入证：请先办理延期（recordkit renovation extend {renovation.number} --to 新的完工日期 --reason 原因）"
        )
    return max(today, renovation.start), renovation.end


def _unpaid_refusal(renovation: Renovation) -> str:
    """Why passes wait for the cashier: what is still owed on the renovation, and the commands."""
    owed = (
        ("装修押金", renovation.deposit_fen - renovation.deposit_paid_fen),
        ("装修垃圾清运费", renovation.waste_fen - renovation.waste_paid_fen),
    )
    parts = "、".join(f"{what} {format_yuan(fen)} 元" for what, fen in owed if fen > 0)
    return (
        f"装修登记 {renovation.number} 还有 {format_yuan(renovation.due_fen)} 元未缴（{parts}），"
        f"缴清后才能发放临时出入证：收款 recordkit renovation pay {renovation.number}；确需先发证的，加 --unpaid"
    )


def _check_one_pass_each(workers: Sequence[Worker]) -> None:
    """``ValidationError`` naming both when two ``--worker`` of one command give one document (``id_identity``: its
    type and number): one person would get two passes, or one worker's number was typed for another's."""
    first: dict[tuple[str, str], int] = {}
    for position, worker in enumerate(workers, start=1):
        identity = _identity(worker)
        if identity in first:
            earlier = first[identity]
            raise ValidationError(
                f"{nth_worker(earlier, workers[earlier - 1].name)}和{nth_worker(position, worker.name)}"
                f"的{worker.id_label}相同：同一人只能有一张出入证，请核对{worker.id_label}后再发放"
            )
        first[identity] = position


def _identity(worker: Worker | PassView) -> tuple[str, str]:
    """Who holds a worker's or a pass's document: a passport and a 台胞证 of the same digits are two people's."""
    return id_identity(worker.id_number, worker.id_type)


@dataclass
class PassChanges:
    """What one ``renovation pass`` did: passes issued (new and reissued) and cancelled."""

    renovation: Renovation
    issued: list[PassView] = field(default_factory=list)
    cancelled: list[PassView] = field(default_factory=list)


def change_passes(
    ledger: Ledger,
    operator: str,
    number: str,
    workers: Sequence[str] = (),
    cancel: Sequence[str] = (),
    reissue: Sequence[str] = (),
    reason: str = "",
    today: dt.date | None = None,
    unpaid: bool = False,
    now: dt.date | None = None,
) -> PassChanges:
    """See ``_change_passes_in``; in its own ledger write."""
    with ledger.write() as conn:
        return _change_passes_in(conn, operator, number, workers, cancel, reissue, reason, today, unpaid, now)


def _change_passes_in(
    conn: Connection,
    operator: str,
    number: str,
    workers: Sequence[str] = (),
    cancel: Sequence[str] = (),
    reissue: Sequence[str] = (),
    reason: str = "",
    today: dt.date | None = None,
    unpaid: bool = False,
    now: dt.date | None = None,
) -> PassChanges:
    """Issue passes for ``workers`` (``姓名,身份证号[,工种]``), cancel passes, and reissue passes
    (the old one cancelled, a new number for the same worker), all in one transaction, on
    ``today`` (``ValidationError`` when it is after ``now``, the real day, default the computer's, or
    before the registration).

    Every worker spec is checked first (``ValidationError`` naming which one, or naming both when two
    give one ID number, or one gives the number of a pass this command reissues).  Cancelling or
    reissuing needs a ``reason``; an unknown or already cancelled pass is refused.  A pass is issued
    (new or reissued) only once the deposit and the waste-removal fee are paid: ``ConflictError``
    naming what is owed, unless ``unpaid``, in which case each pass's journal row keeps what was
    owed (``unpaid_fen``).  The journal holds pass numbers, names and masked ID numbers only.
    """

    today = check_not_future(
        today or dt.date.today(), "办理日期", "出入证按办理的那天发放、注销、补发；开工前发的证自开工日起有效", now
    )
    parsed = [parse_worker(text, position) for position, text in enumerate(workers, start=1)]
    _check_one_pass_each(parsed)
    if not (parsed or cancel or reissue):
        raise UsageError(
            f"请用 --worker 姓名,证件号码[,工种] 发放出入证（{WORKER_NUMBER_FORM}），或用 --cancel / --reissue 证号 注销、补发"
        )
    reason = reason.strip()
    if (cancel or reissue) and not reason:
        raise ValidationError("注销或补发出入证须写明原因：请加 --reason，例如 --reason 工人离场")
    if reason and (problem := reason_problem(reason, "注销或补发的原因", "--reason")) is not None:
        raise ValidationError(problem)
    to_cancel = [pass_number(text) for text in cancel]
    to_reissue = [pass_number(text) for text in reissue]
    named = to_cancel + to_reissue
    # A pass not found is named as the clerk typed it, never reshaped (ZX2026-1-9, not ZX2026-0001-09).
    as_typed = dict(zip(named, (text.strip() for text in (*cancel, *reissue)), strict=True))
    if len(set(named)) != len(named):
        twice = next(n for n in named if named.count(n) > 1)
        raise ValidationError(f"出入证 {twice} 写了两次：每张证只能注销或补发一次")
    renovation = load_renovation(conn, find_renovation_row(conn, number))
    check_not_before_registration(renovation, today, "办理日期")
    # Keyed as a typed number reads (``pass_number``): the pass of a prefix configured in lower case
    # (zx2026-0001-01) is found by ZX2026-1-1 too.
    by_number = {pass_number(p.number): p for p in renovation.passes}
    ids = dict(
        conn.execute(
            sa.select(renovation_passes.c.number, renovation_passes.c.id).where(
                renovation_passes.c.renovation_id == renovation.id
            )
        ).all()
    )
    for wanted in named:
        found = by_number.get(wanted)
        if found is None:
            raise NotFoundError(f"装修登记 {renovation.number} 没有编号为 {as_typed[wanted]} 的出入证")
        if found.status != "valid":
            raise ConflictError(f"出入证 {found.number} 已注销（{found.cancel_reason}），不能再注销或补发")
    # One valid pass per person: the new workers against the passes this command reissues, and
    # against the passes that stay valid.
    reissued = {_identity(by_number[n]): by_number[n] for n in to_reissue}
    holders = {_identity(p): p.worker for p in renovation.valid_passes if pass_number(p.number) not in named}
    for position, worker in enumerate(parsed, start=1):
        identity = _identity(worker)
        if identity in reissued:
            old = reissued[identity]
            raise ValidationError(
                f"{nth_worker(position, worker.name)}的{worker.id_label}与本次补发给{named_in_sentence(old.worker)}"
                f"的出入证 {old.number} 相同：补发已给此人一张新证（同一人只能有一张有效出入证），请去掉这个 --worker"
            )
        if identity in holders:
            raise ConflictError(
                f"{nth_worker(position, worker.name)}的{worker.id_label}与{named_in_sentence(holders[identity])}"
                "的有效出入证相同："
                "同一人只能有一张有效出入证，遗失请用 --reissue 补发"
            )
        holders[identity] = worker.name
    changes = PassChanges(renovation)
    journal_rows = []
    for wanted in named:
        old = by_number[wanted]
        conn.execute(
            sa.update(renovation_passes)
            .where(renovation_passes.c.id == ids[old.number])
            .values(status="cancelled", cancelled_on=today, cancelled_by=operator, cancel_reason=reason)
        )
        changes.cancelled.append(old)
        journal_rows.append(
            journal.Change(
                "renovation.pass_cancel",
                "renovation_pass",
                old.number,
                {"status": "有效"},
                {"status": "已注销", "reason": reason},
            )
        )
    new: list[tuple[Worker, str | None]] = [(worker, None) for worker in parsed]
    new += [(by_number[n].holder, by_number[n].number) for n in to_reissue]
    if new:
        valid_from, valid_until = _pass_window(renovation, today)
        if renovation.due_fen > 0 and not unpaid:
            raise ConflictError(_unpaid_refusal(renovation))
        owed = {"unpaid_fen": renovation.due_fen} if renovation.due_fen > 0 else {}
        seq = len(renovation.passes)
        for worker, replaced in new:
            seq += 1
            new_number = f"{renovation.number}-{seq:0{PASS_WIDTH}d}"
            conn.execute(
                sa.insert(renovation_passes).values(
                    renovation_id=renovation.id,
                    number=new_number,
                    worker=worker.name,
                    id_number=worker.id_number,
                    id_type=worker.id_type,
                    trade=worker.trade,
                    valid_from=valid_from,
                    valid_until=valid_until,
                    status="valid",
                    issued_on=today,
                    issued_by=operator,
                    replaces_id=ids[replaced] if replaced else None,
                )
            )
            changes.issued.append(
                PassView(
                    new_number,
                    worker.name,
                    worker.id_number,
                    worker.trade,
                    valid_from,
                    valid_until,
                    "valid",
                    None,
                    replaced,
                    worker.id_type,
                )
            )
            journal_rows.append(
                journal.Change(
                    "renovation.pass_reissue" if replaced else "renovation.pass_issue",
                    "renovation_pass",
                    new_number,
                    None,
                    {
                        "renovation": renovation.number,
                        "worker": worker.name,
                        "id_number": mask_id_number(worker.id_number),
                        "trade": worker.trade,
                        "valid_from": valid_from.isoformat(),
                        "valid_until": valid_until.isoformat(),
                        "replaces": replaced,
                        **owed,
                    }
                    | id_type_journalled(worker.id_type),
                )
            )
    journal.record(conn, operator, journal_rows)
    changes.renovation = load_renovation(conn, find_renovation_row(conn, renovation.number))
    return changes


def _card(workspace: Workspace, renovation: Renovation, unit: str, view: PassView | None) -> dict[str, str]:
    """One card; ``unit`` is the unit as every renovation paper prints it (``paper_context``'s 房屋: 3栋2单元1201室)."""
    if view is None:
        return {"标题": "", "单位": "", "正文": "", "备注": "", "照片": ""}
    body = "\n".join(
        (
            f"证　　号：{view.number}",
            f"姓　　名：{view.worker}",
            f"工　　种：{view.trade or '—'}",
            f"{view.holder.id_label}：{view.id_number}",
            f"施工房屋：{unit}",
            f"有效期自：{chinese_date(view.valid_from)}",
            f"有效期至：{chinese_date(view.valid_until)}",
            f"施工时间：{renovation.hours.replace(',', '，')}",
        )
    )
    return {
        "标题": "临时出入证",
        "单位": workspace.settings.office.name,
        "正文": body,
        "备注": "本证限本人使用，请随身佩戴；施工结束或离场时交回物业服务中心。",
        "照片": "照片\n（一寸）",
    }


def pass_context(
    workspace: Workspace, renovation: Renovation, passes: Sequence[PassView], today: dt.date | None = None
) -> dict[str, Any]:
    paper = paper_context(workspace, renovation, today)
    cards = [_card(workspace, renovation, paper["房屋"], view) for view in passes]
    if len(cards) % 2:
        cards.append(_card(workspace, renovation, paper["房屋"], None))
    rows = [{"左": cards[i], "右": cards[i + 1]} for i in range(0, len(cards), 2)]
    return {**paper, "卡片行": rows, "张数": len(passes)}


def write_passes(
    workspace: Workspace, ledger: Ledger, renovation: Renovation, passes: Sequence[PassView], operator: str
) -> GeneratedDocument:
    """The 临时出入证 cards of ``passes``, eight to an A4 page.  The file is named after the
    renovation, never after a worker or an ID number."""

    return generate_many(
        workspace,
        ledger,
        PASS_TEMPLATE,
        [_passes_paper(workspace, renovation, passes)],
        operator=operator,
        kind=DOCUMENT_KIND,
    )[0]


def _passes_paper(workspace: Workspace, renovation: Renovation, passes: Sequence[PassView]) -> DocumentRequest:
    return DocumentRequest(
        pass_context(workspace, renovation, passes), renovation.unit, f"临时出入证{renovation.number}"
    )


def change_passes_and_print(
    workspace: Workspace,
    ledger: Ledger,
    operator: str,
    number: str,
    workers: Sequence[str] = (),
    cancel: Sequence[str] = (),
    reissue: Sequence[str] = (),
    reason: str = "",
    today: dt.date | None = None,
    unpaid: bool = False,
) -> tuple[PassChanges, GeneratedDocument | None]:
    """``change_passes`` and, when passes are issued, their cards in the same ledger write
    (``renovation pass``); cancelling alone prints nothing."""

    if not (workers or reissue):
        return change_passes(ledger, operator, number, workers, cancel, reissue, reason, today), None
    return record_and_print(
        workspace,
        ledger,
        PASS_TEMPLATE,
        lambda conn: _change_passes_in(conn, operator, number, workers, cancel, reissue, reason, today, unpaid),
        lambda _conn, changes: _passes_paper(workspace, changes.renovation, changes.issued),
        operator=operator,
        kind=DOCUMENT_KIND,
    )
