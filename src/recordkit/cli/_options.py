"""What several command modules share: option help texts, day and month parsing of options, and
the ledger as the money commands open it (with recordkit.toml's fee items synced).

Parsing goes through ``recordkit.core.dates`` (the one parser); a bad value raises its
``DateError``, which the root group turns into the one-line Chinese message.
"""

from __future__ import annotations

import datetime as dt
import sys
from typing import TYPE_CHECKING

import typer

from recordkit.cli._app import state
from recordkit.core.dates import Month, parse_date, parse_month

if TYPE_CHECKING:
    from recordkit.ledger.db import Ledger

METHOD_HELP = "收款方式：现金、微信、支付宝、银行转账、POS。"
MONTHS_HELP = "只缴这些月份，例如 2026-09..2026-11（默认从最早的欠费缴起）。"
DATE_HELP = "收款日期（默认今天；补录本月或未结账月份的银行转账时填写，并用 --reason 写明原因），例如 2026-11-23。"
PREPAY_HELP = "确认把钱转为预收款（房屋现在没有欠费，或 --months 的月份缴清后有余钱而这户还欠别的月份时必须写）。"
AGAIN_HELP = "确认再收一笔（10 分钟内同一房屋、同一金额已收过一笔时必须写）。"
YES_HELP = (
    "确认大额预收：收款后预收余额超过这户 24 个月的费用（没有按月收费的房屋：有任何预收）时，在终端里会询问，"
    "不在终端里运行（脚本、计划任务）时必须写。"
)
REASON_HELP = "补录原因（--date 早于今天时必须写，记入操作日志），例如 银行转账补录。"
RECEIPT_NUMBER_HELP = "收据编号，例如 SJ2026-000123，也可简写为 SJ2026-123（序号前面的 0 可以不写）。"
SHOW_PRIVATE_HELP = "显示完整的电话和身份证号（会记入操作日志）。"
PDF_HELP = "同时用 LibreOffice 转成 PDF（一次转换全部文件）；没有安装 LibreOffice 时仍生成 .docx。"


def optional_date(text: str | None, what: str = "日期") -> dt.date | None:
    """The day an option names (今天/today and 昨天/yesterday too), or None when it was not given;
    ``DateError`` for a bad one."""
    return None if text is None else parse_date(text, what, relative=True)


def coming_date(text: str, what: str, since: dt.date | None = None) -> dt.date:
    """A day to come an option names — a loan's 应还日期, an exit pass's 有效期, a tenancy's 到期日期 —: also 明天,
    后天 and a month and day without the year (``12月20日``), counted from ``since`` (default today), as
    ``parse_date``'s ``ahead`` reads them; ``DateError`` for a bad one."""
    return parse_date(text, what, ahead=since or dt.date.today())


def backdated_note(paid_on: dt.date | None, reason: str | None) -> str | None:
    """The line that tells a payment dated before today (补录, ``fees pay``, ``receipt issue``, ``renovation pay``) with
    its reason, or None for one of today."""
    if paid_on is None or paid_on >= dt.date.today():
        return None
    return f"补录：收款日期 {paid_on.isoformat()}，原因：{(reason or '').strip()}（已记入操作日志）"


def refuse_bad_phone(text: str | None, what: str = "联系电话", option: str = "--phone") -> None:
    """``ValidationError`` for a phone an option carried that ``validate_phone`` refuses, its message naming the option
    as ``refuse_blank_number`` does (``--phone 的联系电话“0755-12345678”的号码…``); nothing for none or blank text, which
    the library reads as no phone or refuses in its own words."""
    # loaded on first use: only the commands that take a phone need the phone rules
    from recordkit.core.personal import validate_phone

    if text is not None and text.strip():
        validate_phone(text, f"{option} 的{what}")


def optional_month(text: str | None) -> Month | None:
    """The month an option names, or None when it was not given; ``DateError`` for a bad one."""
    return None if text is None else parse_month(text)


def estate_unit(ctx: typer.Context, text: str) -> str:
    """A unit a clerk typed, read with the estate's phases when it has them: in an estate with the
    phase 香榭丽舍, ``香榭丽舍B-1-2004`` is ``香榭丽舍·B-1-2004``.  Without phases (or no unit) the text
    is passed on as typed, for the library to read as it always has."""
    if not text.strip():
        return text
    phases = state(ctx).workspace().settings.office.phase_table()
    if not phases:
        return text
    from recordkit.core.unitcodes import parse_unit_code  # loaded on first use: only estates with phases

    return str(parse_unit_code(text, phases=phases))


def estate_building(ctx: typer.Context, text: str | None) -> str | None:
    """A building a clerk typed for ``--building``, read with the estate's phases (``二期1``,
    ``香榭丽舍B``) into the form the library takes (``二期·1``); None stays None.  ``ValidationError``
    for a text that names no building."""
    if text is None:
        return None
    from recordkit.core.unitcodes import parse_building  # loaded on first use: only --building needs it

    return str(parse_building(text, phases=state(ctx).workspace().settings.office.phase_table() or None))


def fees_ledger(ctx: typer.Context) -> Ledger:
    """The ledger for a command that bills or takes money (``fees bill``, ``fees pay``, ``receipt issue``,
    ``renovation pay``): recordkit.toml's ``[[fees.items]]`` the ledger lacks are synced into it first,
    each journalled as a sync from recordkit.toml.  A command that only reads uses ``state(ctx).ledger()``.
    """
    from recordkit.billing.rules import sync_rules

    app_state = state(ctx)
    ledger = app_state.ledger()
    settings = app_state.workspace().settings
    synced = sync_rules(ledger, settings.fees, app_state.operator_name, phases=settings.office.phase_table())
    for name in synced.added:
        typer.echo(f"已从 recordkit.toml 同步收费项目：{name}", err=True)
    for postponed in synced.postponed:
        typer.echo(postponed.message, err=True)
    return ledger


def on_terminal() -> bool:
    """Whether a clerk is at a terminal to answer a question (``init``'s, a large prepayment's); a script or a
    scheduled task is not: it is refused, or goes on with what it was given."""
    return sys.stdin.isatty()
