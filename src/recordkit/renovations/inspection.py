"""Inspections of a renovation (验收): the result recorded, the status moved on."""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import TYPE_CHECKING

import sqlalchemy as sa

from recordkit.billing.closing import check_open
from recordkit.core.dates import Month, check_not_future
from recordkit.core.errors import ConflictError, ValidationError
from recordkit.core.personal import says_something
from recordkit.ledger import journal
from recordkit.ledger.schema import (
    renovation_inspections,
    renovation_passes,
    renovations,
)
from recordkit.renovations.records import (
    RESULTS,
    STATUS_LABELS,
    UNDER_WAY,
    Renovation,
    check_not_before_registration,
    find_renovation_row,
    load_renovation,
)

if TYPE_CHECKING:
    from recordkit.ledger.db import Ledger


def inspect(
    ledger: Ledger,
    operator: str,
    number: str,
    result: str,
    notes: str = "",
    today: dt.date | None = None,
    now: dt.date | None = None,
) -> Renovation:
    """Record an inspection dated ``today`` (``renovation inspect``): 合格 passes the renovation (its
    passes are cancelled, the works are over), 不合格 leaves it to be put right and inspected again.

    ``ValidationError`` for a result other than 合格/不合格, a failed one without notes, notes of punctuation
    alone, a day after
    ``now`` (the real day, default the computer's) or before the registration, the last inspection or the works'
    start (合格 and 不合格 alike); ``ConflictError`` once the renovation has passed,
    or for a day in a closed month.
    """

    result = unicodedata.normalize("NFKC", str(result)).strip()
    if result not in RESULTS:
        raise ValidationError(f"验收结论“{result}”无效，应为 合格 或 不合格")
    notes = notes.strip()
    if result == "不合格" and not notes:
        raise ValidationError("验收不合格须写明整改要求：请加 --notes，例如 --notes 卫生间防水未做闭水试验")
    if notes and not says_something(notes):  # ",," would stand as what the owner has to put right
        raise ValidationError("验收意见不能只有标点：请在 --notes 后用文字写明，例如 --notes 卫生间防水未做闭水试验")
    today = check_not_future(today or dt.date.today(), "验收日期", "不能记未来日期的验收，验收完成的那天再记", now)
    with ledger.write() as conn:
        row = find_renovation_row(conn, number)
        if row.status not in UNDER_WAY:
            raise ConflictError(f"装修登记 {row.number} 已{STATUS_LABELS[row.status]}，不能再次验收")
        renovation = load_renovation(conn, row)
        check_not_before_registration(renovation, today, "验收日期")
        # The status is the last inspection's: one dated before it would say the works passed before they failed.
        last = max((i.inspected_on for i in renovation.inspections), default=today)
        if today < last:
            raise ValidationError(
                f"验收日期 {today.isoformat()} 早于上一次验收的日期 {last.isoformat()}：请检查 --date"
            )
        # The month's renovation figures (inspections, works under way at its end) are final once it is closed.
        check_open(conn, Month.of(today), f"记日期在 {Month.of(today)} 的验收")
        # Passing works not begun would free a deposit for works not done, failing them would fail nothing: either
        # is a day typed wrong.
        if today < renovation.start:
            raise ValidationError(
                f"验收日期 {today.isoformat()} 早于开工日期 {renovation.start.isoformat()}："
                "还没开工的装修不能验收，请检查 --date"
            )
        conn.execute(
            sa.insert(renovation_inspections).values(
                renovation_id=row.id, result=result, notes=notes, inspected_on=today, inspector=operator
            )
        )
        status = "passed" if result == "合格" else "failed"
        conn.execute(sa.update(renovations).where(renovations.c.id == row.id).values(status=status))
        changes = [
            journal.Change(
                "renovation.inspect",
                "renovation",
                row.number,
                {"status": STATUS_LABELS[row.status]},
                {"status": STATUS_LABELS[status], "result": result, "notes": notes, "date": today.isoformat()},
            )
        ]
        if status == "passed":
            # The works are over: the workers' passes stop being valid.
            for pass_number in conn.execute(
                sa.select(renovation_passes.c.number).where(
                    renovation_passes.c.renovation_id == row.id, renovation_passes.c.status == "valid"
                )
            ).scalars():
                changes.append(
                    journal.Change(
                        "renovation.pass_cancel",
                        "renovation_pass",
                        pass_number,
                        {"status": "有效"},
                        {"status": "已注销", "reason": "验收合格，施工结束"},
                    )
                )
            conn.execute(
                sa.update(renovation_passes)
                .where(renovation_passes.c.renovation_id == row.id, renovation_passes.c.status == "valid")
                .values(
                    status="cancelled", cancelled_on=today, cancelled_by=operator, cancel_reason="验收合格，施工结束"
                )
            )
        journal.record(conn, operator, changes)
        return load_renovation(conn, find_renovation_row(conn, row.number))
