"""Certificates (居住证明, 缴费证明) and goods exit passes (出门条), printed at the counter for one unit.

Each is numbered (one sequence per kind and year, taken under the ledger's write lock in the
same transaction that records the .docx, filled before the lock), so numbers never repeat.
Whether a unit may have one is decided here; filling the template is ``documents``'s.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from recordkit.billing.arrears import arrears_day, arrears_in
from recordkit.core.dates import Month, check_business_day, check_not_future, check_not_past, chinese_date, parse_month
from recordkit.core.errors import ConflictError, UsageError, ValidationError
from recordkit.core.filenames import as_shell_word
from recordkit.core.money import format_yuan
from recordkit.core.personal import (
    RESIDENT_ID,
    has_letter,
    id_number_label,
    name_as_kept,
    named_in_sentence,
    reason_problem,
)
from recordkit.core.unitcodes import DWELLINGS, parse_unit_code
from recordkit.documents.generated import (
    DocumentRequest,
    common_context,
    pdf_copies,
    record_and_print,
    unit_address,
)
from recordkit.ledger import journal
from recordkit.ledger.schema import bills, certificates, fee_items, units
from recordkit.owners.contacts import (
    TENANT,
    Contact,
    is_organisation,
    list_contacts,
    name_as_read,
    one_person_as_kept,
    owners_of_record,
)
from recordkit.owners.roster import STATUS_LABELS, UnitOwners, unit_owners_in

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from recordkit.core.workspace import Workspace
    from recordkit.documents.generated import GeneratedDocument
    from recordkit.documents.templates.engine import TemplateLibrary
    from recordkit.ledger.db import Ledger
    from recordkit.owners.roster import UnitView

RESIDENCE = "居住证明"
CLEARANCE = "缴费证明"
EXIT_PASS = "出门条"
#: kind -> (number prefix, digits of the sequence)
NUMBERING = {RESIDENCE: ("JZ", 4), CLEARANCE: ("JF", 4), EXIT_PASS: ("CM", 6)}
KINDS = tuple(NUMBERING)
#: Other names clerks give a kind (GLOSSARY: 出门条 / 放行条).
KIND_ALIASES = {"放行条": EXIT_PASS, "物品放行条": EXIT_PASS, "物品出门条": EXIT_PASS}
#: An exit pass is good for one trip out: it may be made a few days ahead of the move, no more.
EXIT_PASS_DAYS = 7
DEFAULT_PURPOSE = "办理相关事务"
# A holder without a number on the ledger: 证件号码：（未登记）, whatever document is recorded (``_holder_number``).
NO_NUMBER_LABEL = "证件号码"
NO_NUMBER = "（未登记）"
_UNITS = "台件个箱张套把只辆包袋组床块盆桶"
# An item and its quantity as clerks write them: 冰箱1台, 冰箱 1台, 冰箱×1台 (or x, X, *: a mark no part of the name,
# but for a Latin name's own x, Xbox1台), or the quantity first with its measure word: 1台空调, 5把 椅子 — but a count
# followed by 件套 names a set (2件套沙发, a two-piece suite: one item, no quantity written), never 2件 of 套沙发.
_QUANTITY = re.compile(rf"^(?P<name>.*?\D)\s*(?:[×*]|(?<![A-Za-z])[xX])?\s*(?P<qty>\d+\s*[{_UNITS}]?)$")
_QUANTITY_FIRST = re.compile(rf"^(?!\d+\s*件\s*套)(?P<qty>\d+\s*[{_UNITS}])\s*(?P<name>\D.*)$")


@dataclass(frozen=True)
class Certificate:
    number: str
    kind: str
    unit: str
    document: GeneratedDocument
    pdf: GeneratedDocument | None = None
    pdf_problem: str | None = None  # why no PDF was made when one was asked for
    arrears_fen: int = 0  # what the unit owed when an exit pass was made despite it (--despite-arrears)
    tenant: str | None = None  # whom a 居住证明 made with --tenant certifies, as registered


# -- pure decisions -----------------------------------------------------------------------


def certificate_number(kind: str, year: int, seq: int) -> str:
    prefix, digits = NUMBERING[kind]
    return f"{prefix}{year}-{seq:0{digits}d}"


def parse_items(text: str) -> list[dict[str, Any]]:
    """``冰箱1台,旧沙发 2件、纸箱10个`` (``冰箱×1台``, ``1台空调`` too: ``_QUANTITY``) → numbered rows with the name and
    the quantity as written; ``ValidationError``
    for no item, or one whose name holds no letter nor Chinese character (``。。1台``)."""
    parts = [part.strip() for part in re.split(r"[,，、;；\n]+", unicodedata.normalize("NFKC", text)) if part.strip()]
    if not parts:
        raise ValidationError('出门条需要写明放行的物品，例如 --items "冰箱1台,洗衣机1台"')
    rows = []
    for number, part in enumerate(parts, start=1):
        match = _QUANTITY.match(part) or _QUANTITY_FIRST.match(part)
        name, quantity = (match["name"].strip(), match["qty"].replace(" ", "")) if match else (part, "")
        if not has_letter(name):  # "。。1台" would let out one of nothing named past the gate
            raise ValidationError(
                f'第 {number} 项物品“{part}”没有写物品名称：请写成 冰箱1台 这样，例如 --items "冰箱1台,洗衣机1台"'
            )
        rows.append({"序号": number, "名称": name, "数量": quantity})
    return rows


def check_valid_until(valid_until: dt.date, today: dt.date) -> None:
    """``ValidationError`` unless an exit pass made on ``today`` is valid from then to at most
    ``EXIT_PASS_DAYS`` days later."""
    check_not_past(valid_until, "有效期", today)
    last = today + dt.timedelta(days=EXIT_PASS_DAYS)
    if valid_until > last:
        raise ValidationError(
            f"有效期 {valid_until.isoformat()} 晚于开具日期 {today.isoformat()} 后 {EXIT_PASS_DAYS} 天"
            f"（最晚 {last.isoformat()}）：出门条一次有效，请写搬出物品那天的日期"
        )


def _check_kind(kind: str) -> str:
    kind = unicodedata.normalize("NFKC", kind).strip().removesuffix(".docx")
    kind = KIND_ALIASES.get(kind, kind)
    if kind not in NUMBERING:
        raise UsageError(f"没有“{kind}”这种证明，可开具：{'、'.join(KINDS)}")
    return kind


# -- issuing ------------------------------------------------------------------------------


def _unit(ledger: Ledger, unit: str) -> UnitOwners:
    """The unit and its owners of record, read in one read transaction: a roster import committed meanwhile never
    certifies a new owner beside the old co-owners."""
    with ledger.read() as conn:
        entry = unit_owners_in(conn, parse_unit_code(unit))
    if not entry.unit.owner:
        raise ConflictError(f"房屋 {entry.unit.code} 没有登记业主，不能开具证明或出门条。请先导入业主名册")
    return entry


def arrears_refusal(ledger: Ledger, unit: str, today: dt.date, paper: str) -> tuple[int, str] | None:
    """What ``unit`` owes on ``today`` (as ``fees arrears`` says) and why ``paper`` is not given
    while it does, with the command that takes the money; None when it owes nothing."""
    with ledger.read() as conn:
        return arrears_refusal_in(conn, unit, today, paper)


def arrears_refusal_in(conn: Connection, unit: str, today: dt.date, paper: str) -> tuple[int, str] | None:
    """``arrears_refusal`` read on ``conn``, inside the read transaction the caller holds."""
    code = str(parse_unit_code(unit))
    owing = next(iter(arrears_in(conn, arrears_day(today), unit=code)), None)
    if owing is None:
        return None
    return owing.amount_fen, (
        f"房屋 {code} 尚欠费用 {format_yuan(owing.amount_fen)} 元（{owing.months} 个月，"
        f"最早 {owing.oldest}），结清后才能开具{paper}。收款：recordkit fees pay {code} "
        f"--amount {format_yuan(owing.amount_fen).replace(',', '')}"
    )


def clearance_refusal(ledger: Ledger, unit: str, today: dt.date) -> str | None:
    """Why a 缴费证明 cannot be given to ``unit`` on ``today`` (it owes, as ``fees arrears`` says), or
    None when it can."""
    refusal = arrears_refusal(ledger, unit, today, CLEARANCE)
    return refusal[1] if refusal is not None else None


def _clearance_values(ledger: Ledger, view: UnitView, today: dt.date, now: dt.date) -> dict[str, Any]:
    """A 缴费证明's figures, read in the same read transaction as its arrears check: a month billed meanwhile is
    either refused as owed or not yet there, never certified as paid."""
    code = str(view.code)
    with ledger.read() as conn:
        # A 缴费证明 dated back (--date) is refused too while the unit owes anything now: whoever
        # reads "截至7月31日无欠费" takes it as clear today.  ``now`` is the real day, ``today`` the printed one.
        refusal = arrears_refusal_in(conn, code, max(today, now), CLEARANCE)
        if refusal is not None:
            raise ConflictError(refusal[1])
        # "已缴清 N月及以前的物业服务费" names the last month the periodic fees were billed for: a
        # one-off bill (a renovation's deposit or waste-removal fee, billed in the month it is
        # registered) covers no month and must not make an unbilled month look paid.
        last = conn.execute(
            sa.select(sa.func.max(bills.c.month))
            .select_from(
                bills.join(units, units.c.id == bills.c.unit_id).join(fee_items, fee_items.c.id == bills.c.item_id)
            )
            .where(units.c.code == code, bills.c.month <= str(Month.of(today)), fee_items.c.kind != "oneoff")
        ).scalar()
    return {"截止日期": chinese_date(today), "已缴至": parse_month(last).chinese if last else chinese_date(today)}


def _registered_tenants(ledger: Ledger, code: str) -> list[Contact]:
    """The unit's tenant contacts, whatever their dates (``owners contact add … --relation 租户``)."""
    return list_contacts(ledger, code, TENANT)


def _current(tenants: Sequence[Contact], days: tuple[dt.date, dt.date]) -> list[Contact]:
    """The ``tenants`` whose tenancy holds any of ``days`` (``Contact.current_on``)."""
    return [tenant for tenant in tenants if any(map(tenant.current_on, days))]


def _named(tenant: Contact) -> str:
    """A tenant as a message names it: “赵磊”（租期 2026-03-01 至 2027-02-28）, or the quoted name alone without dates
    (``named_in_sentence``)."""
    lease = tenant.lease_text()
    named = named_in_sentence(tenant.record.name)
    return f"{named}（{lease}）" if lease else named


def _register_command(code: str, name: str) -> str:
    return f"recordkit owners contact add {code} {as_shell_word(name)} --relation 租户 --start 起租日期 --end 到期日期"


def _labelled(days: tuple[dt.date, dt.date]) -> list[tuple[dt.date, str]]:
    """The printed day and today, as a refusal names them: one day when they are the same."""
    printed, now = days
    return [(printed, "开具日期")] if printed == now else [(printed, "开具日期"), (now, "今天")]


def _tenant_named(tenants: Sequence[Contact], code: str, name: str, days: tuple[dt.date, dt.date]) -> Contact:
    """The tenant of ``code`` called ``name`` (as a clerk reads names: ``name_as_read``) among ``tenants``, its
    tenancy begun on a known day and holding every one of ``days`` (the printed day and today: 居住至今 is read as
    today's); ``ConflictError`` naming the unit's current tenants, or how to register one, otherwise."""
    wanted = name_as_read(name)
    found = next((tenant for tenant in tenants if name_as_read(tenant.record.name) == wanted), None)
    # Named as the ledger would keep it: read without its blanks, Tran Van Nam would be shown (and registered) TranVanNam.
    typed = name_as_kept(name)
    register = _register_command(code, typed)
    if not tenants:
        raise ConflictError(f"房屋 {code} 没有登记租户，不能为租户开具居住证明。请先登记租户和租期：{register}")
    if found is None:
        current = _current(tenants, days)
        listed = f"现在的租户：{'、'.join(map(_named, current))}" if current else "现在没有租期内的租户"
        raise ConflictError(
            f"房屋 {code} 登记的租户中没有{named_in_sentence(typed)}（{listed}），不能为租户开具居住证明。"
            f"请核对姓名；新租户先登记：{register}"
        )
    edit = f"recordkit owners contact edit {found.id}"
    if found.record.start_date is None:
        raise ConflictError(
            f"租户{named_in_sentence(found.record.name)}没有登记起租日期，居住证明写不出自哪天起承租居住。"
            f"请补上租期：{edit} --start 起租日期 --end 到期日期"
        )
    outside = [f"{day.isoformat()}（{label}）" for day, label in _labelled(days) if not found.current_on(day)]
    if outside:
        raise ConflictError(
            f"租户{named_in_sentence(found.record.name)}的{found.lease_text()}，不包括 {'、'.join(outside)}，不能开具居住证明"
            f"（证明的是租户自起租日期起在该房屋居住至今）。{'' if found.current_on(days[0]) else '请检查 --date；'}"
            f"租期登记有误或已续租的，请按实际租期修改：{edit} --start 起租日期 --end 到期日期"
        )
    return found


def _check_dwelling(view: UnitView) -> None:
    """``ConflictError`` for a unit nobody lives in, by its kind or its roster status."""
    # Nobody lives in a shop, a parking space or a storeroom, whatever status the roster gives it
    # (another system's "已出租" reads as 已入住): a 居住证明 for one would certify what is not so.
    if view.code.kind not in DWELLINGS:
        raise ConflictError(f"房屋 {view.code} 是{view.code.kind}，不是住房，不能开具居住证明")
    if view.status != "occupied":
        raise ConflictError(f"房屋 {view.code} 的状态是“{STATUS_LABELS[view.status]}”，不是已入住，不能开具居住证明")


def _residence_values(
    view: UnitView, days: tuple[dt.date, dt.date], tenants: Sequence[Contact], tenant: str | None
) -> dict[str, Any]:
    """A 居住证明's figures: the owner's since the move-in, or with ``tenant`` that registered tenant's since the
    lease began (``_tenant_named``).  ``days`` are the printed day and today (dated back, "居住至今" is still read as
    today's); ``tenants`` the unit's tenant contacts."""
    _check_dwelling(view)
    today = days[0]
    values = {
        "建筑面积": f"{view.floor_area:.2f}",
        "入住日期": chinese_date(view.move_in_date) if view.move_in_date else "",
        "租户姓名": "",
        "租期起": "",
        "租期至": "",
    }
    if tenant is not None:
        found = _tenant_named(tenants, str(view.code), tenant, days)
        start, end = found.record.start_date, found.record.end_date
        assert start is not None  # _tenant_named refuses a tenancy without its first day
        # The tenant's own number, printed whole as an owner's is (the paper is the tenant's, by ID); none registered:
        # the paper says so rather than print the owner's.
        return (
            values
            | _holder_number(found.record.id_number, found.record.id_type)
            | {
                "租户姓名": found.record.name,
                "租期起": chinese_date(start),
                "租期至": chinese_date(end) if end else "",
            }
        )
    if let := _current(tenants, days):  # let, its roster's status left 已入住: the owner does not live there "至今"
        removals = "；".join(f"recordkit owners contact remove {t.id}" for t in let)
        option = as_shell_word(let[0].record.name) if len(let) == 1 else "姓名"
        owner = named_in_sentence(view.owner or "")
        raise ConflictError(
            f"房屋 {view.code} 出租给了租户{'、'.join(map(_named, let))}，业主{owner}不住在这里，不能开具居住证明"
            f"（证明的是业主自入住日期起在该房屋居住至今）。租户已搬走的，先删除这位联系人：{removals}。"
            f"如需为租户开具，请加 --tenant {option}"
        )
    if view.move_in_date is None:
        raise ConflictError(
            f"台账中没有房屋 {view.code} 的入住日期，不能开具居住证明。请在业主名册中补上入住日期后重新导入"
        )
    if today < view.move_in_date:  # it would certify "居住至今" since a day after its own date
        raise ValidationError(
            f"开具日期 {today.isoformat()} 早于房屋 {view.code} 的入住日期 {view.move_in_date.isoformat()}："
            "居住证明只能证明入住以后的居住，请检查 --date"
        )
    return values | _holder_number(view.id_number, view.id_type)


def _holder_number(id_number: str | None, id_type: str) -> dict[str, str]:
    """The paper's 证件名称 and 证件号码: what the holder's number is called (护照号码 for a passport's: the template prints
    it before the number) and the number; under 身份证号 too, its older name, which an office's copy may print.
    Without a number: 证件号码：（未登记） — the document type is the ledger's default then (居民身份证 is what any
    number-less holder is recorded as), so 身份证号 would claim what nobody said."""
    if not id_number:
        return {"证件名称": NO_NUMBER_LABEL, "证件号码": NO_NUMBER, "身份证号": NO_NUMBER}
    return {"证件名称": id_number_label(id_type), "证件号码": id_number, "身份证号": id_number}


def _template_with_wording(
    workspace: Workspace, library: TemplateLibrary | None, kind: str, variable: str, whose: tuple[str, str], wrong: str
) -> TemplateLibrary:
    """The library a paper whose words depend on ``variable`` is filled from (loaded once, handed on to the fill);
    ``TemplateError`` when the template printed (the office's own, written or copied before the built-in had the
    wording ``whose`` names: its 写法 and its 一段) does not use it: filled, it would ``wrong`` (a tenant called the
    owner; a business 本人).  Nothing is written then."""
    # The engine (docxtpl, jinja2, lxml), needed to fill a template: loaded on first use, as documents.generated does,
    # so that `docs list --kind`, which reads this module's kinds, stays light
    from recordkit.documents.templates.checks import printable  # loaded on first use: the engine, as above
    from recordkit.documents.templates.engine import TemplateError, TemplateLibrary  # loaded on first use: as above

    library = library or TemplateLibrary.for_workspace(workspace)
    template = printable(library, kind)
    if variable not in template.variables:
        root = workspace.root
        where = template.path.relative_to(root) if template.path.is_relative_to(root) else template.path
        raise TemplateError(
            f"本处的模板“{kind}”（{where.as_posix()}）没有{whose[0]}的写法（没有用到变量 {variable}），"
            f"开出来会{wrong}，没有开具。请参照内置模板在其中加上{whose[1]}的一段"
            f"（recordkit templates copy {kind} --force 取回内置模板，会覆盖本处的修改）"
        )
    return library


def _exit_arrears(ledger: Ledger, code: str, today: dt.date, despite: str | None) -> dict[str, Any]:
    """What an exit pass's record keeps of the unit's arrears: nothing when it owes nothing; the sum
    and the reason it is let out anyway (``despite``); ``ConflictError`` when it owes and no reason
    is given — offices keep goods in while fees are owed (a tenant moving out, the owner in arrears)."""
    if despite is not None and not despite.strip():
        raise ValidationError("--despite-arrears 须写明欠费仍放行的原因，例如 --despite-arrears 租户退租，经理同意")
    if despite is not None and (problem := reason_problem(despite, "欠费仍放行的原因", "--despite-arrears")):
        raise ValidationError(problem)
    refusal = arrears_refusal(ledger, code, today, EXIT_PASS)
    if refusal is None:
        return {}
    owed_fen, message = refusal
    if despite is None:
        raise ConflictError(f"{message}；确需放行的，加 --despite-arrears 写明原因（记入操作日志）")
    return {"arrears_fen": owed_fen, "despite_arrears": despite.strip()}


def make_certificate(
    workspace: Workspace,
    ledger: Ledger,
    kind: str,
    unit: str,
    operator: str,
    *,
    purpose: str | None = None,
    items: str | None = None,
    valid_until: dt.date | None = None,
    carrier: str | None = None,
    despite_arrears: str | None = None,
    tenant: str | None = None,
    pdf: bool = False,
    today: dt.date | None = None,
    now: dt.date | None = None,
    library: TemplateLibrary | None = None,
) -> Certificate:
    """Print a numbered 居住证明, 缴费证明 or 出门条 for one unit, recorded and journalled; a 居住证明 with ``tenant``
    certifies that registered tenant (a 租户 contact whose tenancy holds the printed day and today) since the lease
    began, not the owner, journalled with the tenant's name.

    Raises ``UsageError`` for an unknown kind or ``tenant`` with another kind, ``ConflictError`` for a ``tenant``
    the unit has not registered, whose tenancy does not hold both days or has no first day, ``TemplateError`` for
    ``tenant`` when the office's own 居住证明 has no tenant's wording, or for a business's exit pass when the office's
    own 出门条 has no business's wording (``业主是单位``: one copied from an older version), ``NotFoundError`` for an unknown unit, ``ConflictError`` for a unit with
    no owner, a 缴费证明 while the unit is in arrears (saying how much; as of the later of ``today``, the printed date, and
    ``now``, the real day this is done) or a 居住证明 for a unit nobody lives in (not 已入住, or a shop, parking space or
    storeroom, or let to a tenant on the printed day or today: ``tenants_on``) or an exit pass for a unit in arrears (as of the same day as a 缴费证明's) without ``despite_arrears``, the
    reason it is let out anyway, which its journal entry keeps with the sum owed; and ``ValidationError`` for an exit
    pass without items, valid until a past day or more than ``EXIT_PASS_DAYS`` days ahead, whose carrier's name holds a
    control or invisible character or no letter nor Chinese character (",,") or is two names (张三 李四:
    ``one_person_as_kept``), or with a blank ``despite_arrears``, a
    blank ``purpose``, a ``purpose`` or ``despite_arrears`` of punctuation alone or on more than one line
    (``reason_problem``), a 居住证明 dated before the unit's move-in, or dated after ``now`` or outside the office's years
    (``[receipt] first_year``–``last_year``: the date gives the number its year).  Nothing is written then. With
    ``pdf``, a PDF copy too (``pdf_problem`` says why not when LibreOffice is missing)."""

    kind = _check_kind(kind)
    # The date gives the number its year: one outside the office's years is a typo (9999 would print
    # JZ9999-0001), refused as a receipt's date is.
    years = workspace.settings.receipt.years
    today = check_business_day(today or dt.date.today(), "开具日期", years)
    # A paper dated ahead would take a number of that day's year now (JZ2027-0001 in December).
    check_not_future(today, "开具日期", "不能预先开具以后日期的证明或出门条，到那天再开", now)
    if kind != EXIT_PASS and any(v is not None for v in (items, valid_until, carrier, despite_arrears)):
        raise UsageError("--items、--valid-until、--carrier、--despite-arrears 只用于出门条")
    if kind == EXIT_PASS and purpose is not None:
        raise UsageError("--purpose 只用于居住证明和缴费证明")
    if kind != RESIDENCE and tenant is not None:
        raise UsageError("--tenant 只用于居住证明（为租户开具）")
    if tenant is not None and not has_letter(tenant):
        raise ValidationError("--tenant 须写租户的姓名，例如 --tenant 赵磊")
    if purpose is not None:
        # Printed on the paper after 用途：, so a blank or ",," would certify for nothing said.
        if not (purpose := purpose.strip()):
            raise ValidationError(
                f"证明用途不能为空：请用 --purpose 写明用途，例如 --purpose 子女入学；不写 --purpose 则印“{DEFAULT_PURPOSE}”"
            )
        if (problem := reason_problem(purpose, "证明用途", "--purpose")) is not None:
            raise ValidationError(problem)
    entry = _unit(ledger, unit)
    view, code = entry.unit, str(entry.unit.code)
    values: dict[str, Any] = {"业主姓名": view.owner, "房号": code, "房屋": view.code.display}
    details: dict[str, Any] = {}
    if kind == EXIT_PASS:
        business = view.owner is not None and is_organisation(view.owner)
        owner = named_in_sentence(view.owner or "")
        # Who else takes the goods out: the owner in person, or, for a business (which has no 本人), the one it sends.
        instead = f"业主{owner}是单位，写单位经办人的姓名" if business else "业主本人带出的，不写 --carrier"
        if carrier is not None and not carrier.strip():  # --carrier "": no name, not the owner (who is no option)
            raise ValidationError(f"携物人不能为空：请写带出物品的人的姓名，例如 --carrier 王师傅；{instead}")
        carrier = carrier.strip() if carrier is not None else None
        if carrier is not None and not has_letter(carrier):
            # ",," or "——" would print as the name of whoever takes the goods out past the gate.
            raise ValidationError(
                f"携物人“{carrier}”没有汉字或字母，不是姓名：请写带出物品的人的姓名，例如 --carrier 王师傅；{instead}"
            )
        if carrier is not None:  # the one person who shows the pass at the gate: named as a receipt's payer is
            carrier = one_person_as_kept(carrier, "携物人", "出门条只写一位携物人")
        if business and carrier is None:  # a body takes nothing out itself: the person it sends is on the paper
            raise UsageError(
                f"业主{owner}是单位，出门条要写明来搬物品的人：请用 --carrier 写单位经办人的姓名，例如 --carrier 王师傅"
            )
        rows = parse_items(items or "")
        until = valid_until or today
        check_valid_until(until, today)
        values |= {"物品": rows, "有效期至": chinese_date(until), "携物人": carrier or "业主本人", "经办人": operator}
        values["业主是单位"] = business
        if business:  # an office's 出门条 from before a business's wording would have 张记面馆 say 本人系…业主
            library = _template_with_wording(
                workspace, library, EXIT_PASS, "业主是单位", ("单位业主", "单位业主"), "把单位写成业主本人"
            )
        details = {
            "items": [f"{row['名称']}{row['数量']}" for row in rows],
            "valid_until": until.isoformat(),
            "carrier": carrier or "",
            **_exit_arrears(ledger, code, max(today, now or dt.date.today()), despite_arrears),
        }
    else:
        values["用途"] = purpose or DEFAULT_PURPOSE
        details = {"purpose": values["用途"]}
        if kind == CLEARANCE:
            values |= _clearance_values(ledger, view, today, now or dt.date.today())
        else:
            # Dated back too: read today, "居住至今" is taken as today's (as a 缴费证明's arrears are).
            days = (today, now or dt.date.today())
            values |= _residence_values(view, days, _registered_tenants(ledger, code), tenant)
            if tenant is not None:
                details["tenant"] = values["租户姓名"]
                library = _template_with_wording(
                    workspace, library, RESIDENCE, "租户姓名", ("为租户开具", "租户"), "把租户写成业主"
                )
            if values["证件名称"] not in (
                id_number_label(RESIDENT_ID),
                NO_NUMBER_LABEL,
            ):  # an old copy: 身份证号 before any
                library = _template_with_wording(
                    workspace,
                    library,
                    RESIDENCE,
                    "证件名称",
                    ("护照等其他证件", "证件名称"),
                    f"把{values['证件名称']}写成身份证号",
                )
        if kind == CLEARANCE:  # the unit's fees: all its owners of record (a 居住证明 is one person's, by ID)
            values["业主姓名"] = owners_of_record(view.owner, (owner.name for owner in entry.co_owners))
    number_key = "出门条编号" if kind == EXIT_PASS else "证明编号"
    common = common_context(workspace, today)
    values["房屋地址"] = unit_address(common, code)
    context = {**common, **values}

    def next_seq(conn: Connection) -> int:
        return _next_seq(conn, kind, today.year)

    def paper(_conn: Connection, seq: int) -> DocumentRequest:
        number = certificate_number(kind, today.year, seq)
        return DocumentRequest({**context, number_key: number}, code, f"{kind}{number}")

    def record(conn: Connection, seq: int, document: GeneratedDocument) -> None:
        number = certificate_number(kind, today.year, seq)
        _insert(conn, kind, number, today, seq, code, operator, document.id, details)

    # The paper is filled outside the ledger's write lock with a stand-in for the number, which the
    # write takes and puts in; it gets its name only after the commit, so a crash never prints a
    # number twice (the same path as a receipt's).
    seq, document = record_and_print(
        workspace,
        ledger,
        kind,
        next_seq,
        paper,
        operator=operator,
        kind=kind if kind == EXIT_PASS else "证明",
        library=library,
        preview=next_seq,
        numbers=(number_key,),
        finish=record,
    )
    number = certificate_number(kind, today.year, seq)
    owed = int(details.get("arrears_fen", 0))
    holder = details.get("tenant")
    if not pdf:
        return Certificate(number, kind, code, document, arrears_fen=owed, tenant=holder)
    pdfs, problem = pdf_copies(workspace, ledger, [document], operator)
    return Certificate(number, kind, code, document, pdfs[0] if pdfs else None, problem, owed, holder)


def _next_seq(conn: Connection, kind: str, year: int) -> int:
    current = conn.execute(
        sa.select(sa.func.max(certificates.c.seq)).where(certificates.c.kind == kind, certificates.c.year == year)
    ).scalar()
    return (current or 0) + 1


def _insert(
    conn: Connection,
    kind: str,
    number: str,
    today: dt.date,
    seq: int,
    unit: str,
    operator: str,
    document_id: int,
    details: dict[str, Any],
) -> None:
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    conn.execute(
        sa.insert(certificates).values(
            number=number,
            kind=kind,
            year=today.year,
            seq=seq,
            unit_code=unit,
            issued_on=today,
            issued_at=now,
            operator=operator,
            document_id=document_id,
            details=json.dumps(details, ensure_ascii=False),
        )
    )
    journal.record(
        conn,
        operator,
        [journal.Change("certificate.issue", "certificate", number, None, {"kind": kind, "unit": unit, **details})],
    )


def list_certificates(ledger: Ledger, kind: str | None = None) -> Sequence[dict[str, Any]]:
    """Issued certificates and passes, newest first."""

    query = sa.select(certificates).order_by(certificates.c.id.desc())
    if kind:
        query = query.where(certificates.c.kind == _check_kind(kind))
    with ledger.read() as conn:
        return [
            {
                "number": r.number,
                "kind": r.kind,
                "unit": r.unit_code,
                "issued_on": r.issued_on.isoformat(),
                "operator": r.operator,
                **json.loads(r.details),
            }
            for r in conn.execute(query)
        ]
