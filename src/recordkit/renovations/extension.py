"""Extending a renovation's works (延期, ``renovation extend``): a later 完工日期, so that passes can be
issued for works that go on (rework after a failed inspection, a delay)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import sqlalchemy as sa

from recordkit.core.dates import check_day_written, parse_date
from recordkit.core.errors import ConflictError, ValidationError
from recordkit.core.personal import reason_problem
from recordkit.ledger import journal
from recordkit.ledger.schema import renovations
from recordkit.renovations.records import (
    LONGEST_DAYS,
    STATUS_LABELS,
    UNDER_WAY,
    Renovation,
    check_yearless_day,
    find_renovation_row,
    load_renovation,
)

if TYPE_CHECKING:
    from recordkit.ledger.db import Ledger


def extend(
    ledger: Ledger, operator: str, number: str, to: str | dt.date, reason: str, today: dt.date | None = None
) -> Renovation:
    """Move the renovation's 完工日期 to ``to`` (journalled with the former date and the reason); ``to`` without its
    year (3月31号, 3-31) is the next such day from the later of the current end and ``today`` (default the computer's),
    as ``register`` reads its end, and refused, its year asked for, when so read more than ``YEARLESS_DAYS`` from it.

    ``ValidationError`` for no reason, one of punctuation alone or on more than one line (``reason_problem``), a day
    written wrong (``DateError``, before the registration is looked up: ``check_day_written``), or a day not after the
    current end or more than three years after the start; ``NotFoundError`` for no such registration; ``ConflictError`` once the renovation has passed
    its inspection or been refunded.  Passes already issued keep their own end: a worker who goes on working gets a new
    one (``renovation pass --reissue``)."""

    reason = reason.strip()
    if not reason:
        raise ValidationError("办理延期须写明原因：请加 --reason，例如 --reason 验收不合格整改")
    if (problem := reason_problem(reason, "延期原因", "--reason")) is not None:
        raise ValidationError(problem)
    check_day_written(to, "延期后的完工日期")  # what was typed before what it names: an unknown number said after
    today = today or dt.date.today()
    with ledger.write() as conn:
        row = find_renovation_row(conn, number)
        if row.status not in UNDER_WAY:
            raise ConflictError(f"装修登记 {row.number} 已{STATUS_LABELS[row.status]}，不能再延期")
        # A new end without its year is read from the later of the current end and today, as register reads --end.
        since, since_name = (row.end_date, "现在的完工日期") if row.end_date >= today else (today, "今天")
        new_end = parse_date(to, "延期后的完工日期", ahead=since)
        check_yearless_day(to, new_end, since, "延期后的完工日期", since_name)
        if new_end <= row.end_date:
            raise ValidationError(
                f"延期后的完工日期 {new_end.isoformat()} 不晚于现在的完工日期 {row.end_date.isoformat()}：请检查 --to"
            )
        if (new_end - row.start_date).days > LONGEST_DAYS:
            raise ValidationError(
                f"延期后的完工日期 {new_end.isoformat()} 距开工日期 {row.start_date.isoformat()} 超过三年：请检查 --to"
            )
        conn.execute(sa.update(renovations).where(renovations.c.id == row.id).values(end_date=new_end))
        journal.record(
            conn,
            operator,
            [
                journal.Change(
                    "renovation.extend",
                    "renovation",
                    row.number,
                    {"end": row.end_date.isoformat()},
                    {"end": new_end.isoformat(), "reason": reason},
                )
            ],
        )
        return load_renovation(conn, find_renovation_row(conn, row.number))
