"""Rates as the office's papers show them: a ratio of two counts (fen, orders, visits) to a tenth of a per cent.

Owns the one rounding rule of every rate (当期收缴率, 按时办结率, 满意率); what is counted is each domain's own.
"""

from __future__ import annotations

from decimal import Decimal


def shown_rate(part: int, whole: int) -> Decimal | None:
    """``part`` ÷ ``whole`` cut, never rounded up, to a tenth of a per cent (0.999 for 2499 of 2500, 99.96 %), so
    that 100.0 % means all of it: everything billed collected, every order on time.  The cut value itself, not the
    exact ratio, goes into a ``0.0%`` cell, which would round 0.9996 up: the cell holds what it shows.  None when
    ``whole`` is 0 (nothing to measure: shown empty, "—")."""
    if not whole:
        return None
    return Decimal(part * 1000 // whole) / 1000
