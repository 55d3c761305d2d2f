"""Built-in certificates (证明) and the goods exit pass (出门条), issued at the counter for one unit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from recordkit.documents.templates.designs.base import Design
from recordkit.documents.templates.designs.common import line, prepare, signature, table, title

if TYPE_CHECKING:
    from docx.document import Document

CERTIFICATE_KIND = "证明"
EXIT_PASS_KIND = "出门条"
# 租户姓名 empty on the owner's; a tenant's (cert make --tenant) names the tenant and the lease instead.  证件名称 is what
# the number in 证件号码 is called (身份证号, 护照号码: ``core.personal.id_number_label``); 证件号码 was called 身份证号
# before it held other documents' numbers, and an office's copy of that time still fills (``RESIDENCE_OLDER_NAMES``).
RESIDENCE_VARIABLES = (
    "证明编号",
    "业主姓名",
    "证件名称",
    "证件号码",
    "房号",
    "房屋",
    "房屋地址",
    "建筑面积",
    "入住日期",
    "用途",
    "租户姓名",
    "租期起",
    "租期至",
)
RESIDENCE_OLDER_NAMES = (("身份证号", "证件号码"),)
CLEARANCE_VARIABLES = ("证明编号", "业主姓名", "房号", "房屋", "房屋地址", "截止日期", "已缴至", "用途")
EXIT_PASS_VARIABLES = (
    ("出门条编号", "业主姓名", "房号", "房屋", "房屋地址", "携物人", "物品", "有效期至", "经办人", "业主是单位")
)  # fmt: skip
# The office phone under the text, when recordkit.toml has one (the school or employer calls it).
_PHONE_LINE = "{% if 物业电话 %}联系电话：{{ 物业电话 }}{% endif %}"


def _number(document: Document, label: str, variable: str) -> None:
    line(document, f"{label}：{{{{ {variable} }}}}", align=WD_ALIGN_PARAGRAPH.RIGHT)


def _residence(document: Document) -> None:
    prepare(document)
    _number(document, "编号", "证明编号")
    title(document, "居住证明")
    # One paragraph, the owner's or the tenant's (cert make --tenant): the same paper, number and seal.
    line(
        document,
        "{% if 租户姓名 %}"
        "兹证明{{ 租户姓名 }}（{{ 证件名称 }}：{{ 证件号码 }}）系{{ 房屋地址 }}的租户，"
        "自{{ 租期起 }}起在该房屋承租居住至今{% if 租期至 %}，租期至{{ 租期至 }}{% endif %}。"
        "{% else %}"
        "兹证明{{ 业主姓名 }}（{{ 证件名称 }}：{{ 证件号码 }}）系{{ 房屋地址 }}的业主，"
        "房屋建筑面积{{ 建筑面积 }}平方米，自{{ 入住日期 }}起在该房屋居住至今。"
        "{% endif %}",
        indent=True,
    )
    line(document, "特此证明。", indent=True)
    line(document, "本证明用于{{ 用途 }}，仅证明上述居住情况，复印无效。", indent=True)
    line(document, _PHONE_LINE, indent=True)
    signature(document)


def _clearance(document: Document) -> None:
    prepare(document)
    _number(document, "编号", "证明编号")
    title(document, "缴费证明")
    line(
        document,
        "兹证明{{ 房屋地址 }}（业主：{{ 业主姓名 }}）已缴清{{ 已缴至 }}及以前的物业服务费等各项费用，"
        "截至{{ 截止日期 }}无欠费。",
        indent=True,
    )
    line(document, "特此证明。", indent=True)
    line(document, "本证明用于{{ 用途 }}，复印无效。", indent=True)
    line(document, _PHONE_LINE, indent=True)
    signature(document)


def _exit_pass(document: Document) -> None:
    prepare(document)
    _number(document, "编号", "出门条编号")
    title(document, "物品放行条（出门条）")
    # A business's unit (业主是单位: 张记面馆): the person it sends, its seal and his signature, as a company's 出门条
    # reads; the office's own 经办人 stays on the last line.
    line(
        document,
        "房屋：{{ 房屋地址 }}    业主：{{ 业主姓名 }}    {% if 业主是单位 %}单位经办人{% else %}携物人{% endif %}：{{ 携物人 }}",
    )
    table(
        document,
        ["序号", "物品名称", "数量"],
        [
            ["{%tr for 件 in 物品 %}", "", ""],
            ["{{ 件.序号 }}", "{{ 件.名称 }}", "{{ 件.数量 }}"],
            ["{%tr endfor %}", "", ""],
        ],
        widths_cm=[2.5, 9.0, 4.5],
    )
    valid = line(document, "有效期至：{{ 有效期至 }}（过期作废，一次有效）")
    valid.paragraph_format.space_before = Pt(6)  # not glued to the table's bottom line
    line(
        document,
        "{% if 业主是单位 %}"
        "单位授权：{{ 房屋 }}业主{{ 业主姓名 }}委托经办人{{ 携物人 }}将上列物品搬离小区，并对物品的归属负责。"
        "{% else %}"
        "业主授权：本人系{{ 房屋 }}业主{{ 业主姓名 }}，同意上列物品搬离小区，并对物品的归属负责。"
        "{% endif %}",
        indent=True,
    )
    line(
        document,
        "{% if 业主是单位 %}单位盖章：__________    经办人签字：__________{% else %}业主签字：__________{% endif %}"
        "    联系电话：__________",
    )
    line(document, "经办人：{{ 经办人 }}    门岗查验：__________")
    signature(document)


DESIGNS = [
    Design("居住证明", CERTIFICATE_KIND, _residence, variables=RESIDENCE_VARIABLES, older_names=RESIDENCE_OLDER_NAMES),
    Design("缴费证明", CERTIFICATE_KIND, _clearance, variables=CLEARANCE_VARIABLES),
    Design(
        "出门条", EXIT_PASS_KIND, _exit_pass, variables=EXIT_PASS_VARIABLES, rows=(("物品", ("序号", "名称", "数量")),)
    ),
]
