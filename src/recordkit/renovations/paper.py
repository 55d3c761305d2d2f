"""The paper of a renovation: the variables every renovation document is filled with, and the check
that the office's template for it can print before anything is written."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from recordkit.core.dates import chinese_date
from recordkit.core.money import amount_in_capitals, format_yuan
from recordkit.core.unitcodes import parse_unit_code
from recordkit.documents.generated import common_context, unit_address
from recordkit.documents.templates.checks import printable
from recordkit.documents.templates.designs import provided_variables
from recordkit.documents.templates.engine import TemplateLibrary
from recordkit.renovations.records import Renovation

if TYPE_CHECKING:
    from recordkit.core.workspace import Workspace


def paper_context(workspace: Workspace, renovation: Renovation, today: dt.date | None) -> dict[str, Any]:
    common = common_context(workspace, today)
    return {
        **common,
        "登记编号": renovation.number,
        "房号": renovation.unit,  # 3-2-1201, 二期·别墅1: the ledger's code
        "房屋": parse_unit_code(renovation.unit).display,  # 3栋2单元1201室, 二期1号别墅: as written on paper
        "房屋地址": unit_address(common, renovation.unit),
        "业主姓名": renovation.owner,
        "装修单位": renovation.contractor,
        "负责人": renovation.manager,
        "负责人电话": renovation.manager_phone,
        "开工日期": chinese_date(renovation.start),
        "完工日期": chinese_date(renovation.end),
        "施工时间": renovation.hours.replace(",", "，"),
        "装修项目": renovation.items or "（未填写）",
        "装修押金": format_yuan(renovation.deposit_fen),
        "装修押金大写": amount_in_capitals(renovation.deposit_fen),
        "垃圾清运费": format_yuan(renovation.waste_fen),
        "经办人": renovation.registered_by,  # the clerk who registered it (the 退款单 names who refunded)
    }


def check_paper(workspace: Workspace, template_name: str) -> None:
    """Before a registration, passes or a refund is written: the office's template for its paper
    loads, stays inside the sandbox and uses only the variables recordkit fills it with, so a
    template that cannot print changes nothing in the ledger.  ``TemplateError`` otherwise."""

    template = printable(TemplateLibrary.for_workspace(workspace), template_name)
    template.check_sandbox()
    template.check_context(dict.fromkeys(provided_variables(template_name)))
