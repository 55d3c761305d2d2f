"""Built-in notices (通知) and the payment reminder (催缴通知书): the letters the front desk posts
or takes door to door."""

from __future__ import annotations

from typing import TYPE_CHECKING

from docx.enum.text import WD_ALIGN_PARAGRAPH

from recordkit.documents.templates.designs.base import DEPOSIT_HELD, NOTICE_KIND, NOTICE_VARIABLES, Design
from recordkit.documents.templates.designs.common import line, prepare, signature, table, title

if TYPE_CHECKING:
    from docx.document import Document

REMINDER_KIND = "催缴通知书"
# What `notice remind` fills a 催缴通知书 with (beyond the common office, estate and date).
REMINDER_VARIABLES = (
    *NOTICE_VARIABLES,
    "明细",
    "合计",
    "合计大写",
    "欠费月数",
    "欠费项目",
    "只欠一次性费用",
    "最早月份",
    "截止日期",
    "缴费期限",
    "预收款",
    "预收说明",
    "缴费方式",
    "联系电话",
)


#: The office with its telephone after it when the office has one (``[notices] phone``): 物业服务中心（电话：…）.
_OFFICE_PHONE = "物业服务中心{% if 物业电话 %}（电话：{{ 物业电话 }}）{% endif %}"


def _closing(document: Document) -> None:
    line(document, f"由此给您带来的不便，敬请谅解！如有疑问，请致电{_OFFICE_PHONE}。", indent=True)
    signature(document)


def _water_cut(document: Document) -> None:
    prepare(document)
    title(document, "停水通知")
    line(document, "{{ 称呼 }}：")
    line(
        document,
        "因{{ 停水原因 }}，{{ 小区 }}{{ 停水范围 }}将于{{ 停水时间 }}暂停供水，"
        "预计{{ 恢复时间 }}恢复供水。请您提前做好储水准备，停水期间请关闭家中水龙头，以免来水时造成损失。",
        indent=True,
    )
    _closing(document)


def _power_cut(document: Document) -> None:
    prepare(document)
    title(document, "停电通知")
    line(document, "{{ 称呼 }}：")
    line(
        document,
        "因{{ 停电原因 }}，{{ 小区 }}{{ 停电范围 }}将于{{ 停电时间 }}暂停供电，预计{{ 恢复时间 }}恢复供电。"
        "停电期间电梯、门禁、二次供水加压设备将暂停运行，请您提前做好准备，关闭家用电器电源，"
        "来电后再逐一开启；使用电梯的住户请提前安排出行。",
        indent=True,
    )
    _closing(document)


def _lift_maintenance(document: Document) -> None:
    prepare(document)
    title(document, "电梯维保通知")
    line(document, "{{ 称呼 }}：")
    line(
        document,
        "为保障电梯安全运行，{{ 维保单位 }}将于{{ 维保时间 }}至{{ 结束时间 }}对{{ 小区 }}{{ 电梯位置 }}"
        "进行定期维护保养。维保期间该电梯暂停使用，请您合理安排出行，老人、小孩请走楼梯时注意安全。",
        indent=True,
    )
    line(
        document,
        f"维保结束后电梯将立即恢复运行。维保期间如遇紧急情况，请致电{_OFFICE_PHONE}。感谢您的理解与配合！",
        indent=True,
    )
    signature(document)


def _friendly_reminder(document: Document) -> None:
    prepare(document)
    title(document, "温馨提示")
    line(document, "{{ 称呼 }}：")
    line(document, "{{ 提示内容 }}", indent=True)
    line(document, "感谢您对物业服务工作的支持与配合，祝您生活愉快！", indent=True)
    signature(document)


def _renovation_rectification(document: Document) -> None:
    prepare(document)
    title(document, "装修违规整改通知")
    line(document, "{{ 称呼 }}：")
    line(
        document,
        "经物业服务中心巡查，您位于{{ 房屋地址 }}的房屋在装修过程中存在以下违规行为：{{ 违规事项 }}。",
        indent=True,
    )
    # Works whose deposit the office holds break the agreement the owner signed, and the deposit answers for them;
    # works never registered (the commonest violation) or registered and refunded hold none: stop and register.
    line(
        document,
        "上述行为违反了《住宅室内装饰装修管理办法》{% if 装修押金未退 %}及您签订的《装饰装修管理协议》{% endif %}的有关规定。"
        "{% if 装修押金未退 %}请您{% else %}请立即停止施工，到物业服务中心办理装修登记手续，{% endif %}"
        "于{{ 整改期限 }}前整改完毕，并通知" + _OFFICE_PHONE + "复查。逾期未整改的，物业服务中心将暂停该户装修人员出入"
        "{% if 装修押金未退 %}，并按协议约定从装修押金中扣除相应费用{% endif %}；"
        "造成公共部位或他人财产损失的，由您承担赔偿责任。",
        indent=True,
    )
    line(document, "感谢您的理解与配合！", indent=True)
    signature(document)
    document.add_paragraph()
    line(document, "业主（签收）：__________    签收日期：__________")


def _payment_reminder(document: Document) -> None:
    prepare(document)
    title(document, "催缴通知书")
    line(document, "{{ 称呼 }}：")
    line(
        document,
        # A one-off charge owed alone (装修垃圾清运费) is no month's fee: no count of months, no first month.
        "截至{{ 截止日期 }}，您名下{{ 房屋地址 }}尚有{% if 只欠一次性费用 %}费用未缴纳"
        "{% else %}{{ 欠费月数 }}个月的费用未缴纳（最早自{{ 最早月份 }}起）{% endif %}，明细如下：",
        indent=True,
    )
    grid = table(
        document,
        ["所属月份", "收费项目", "欠费金额（元）"],
        [
            ["{%tr for 行 in 明细 %}", "", ""],
            ["{{ 行.月份 }}", "{{ 行.项目 }}", "{{ 行.金额 }}"],
            ["{%tr endfor %}", "", ""],
        ],
        widths_cm=[7.5, 4.5, 4.0],
    )
    total = grid.add_row()
    merged = total.cells[0].merge(total.cells[1])
    merged.text = "合计人民币（大写）：{{ 合计大写 }}"
    total.cells[2].text = "¥{{ 合计 }}"
    total.cells[2].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for row in grid.rows[1:]:
        row.cells[2].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    document.add_paragraph()
    # Money paid ahead, when the unit holds some: it settles none of the above (a paragraph only then).
    line(document, "{%p if 预收说明 %}")
    line(document, "{{ 预收说明 }}", indent=True)
    line(document, "{%p endif %}")
    # Why they must be paid, said of the recurring fees only: a one-off charge (装修垃圾清运费) keeps nothing running,
    # and a unit owing nothing else is only asked to pay (its table names the charge).
    line(
        document,
        "{% if not 只欠一次性费用 %}{{ 欠费项目 }}是维持小区正常管理和服务的必要费用。{% endif %}"
        "请您于{{ 缴费期限 }}前缴清上述费用。缴费方式：{{ 缴费方式 }}。",
        indent=True,
    )
    line(
        document,
        "逾期仍未缴纳的，物业服务中心将依据《物业服务合同》的约定继续催缴。如您已缴纳，请忽略本通知；"
        "如对金额有疑问，请致电{{ 联系电话 }}或到物业服务中心核对。",
        indent=True,
    )
    signature(document)


DESIGNS = [
    Design(
        "停水通知",
        NOTICE_KIND,
        _water_cut,
        variables=NOTICE_VARIABLES,
        asks=("停水原因", "停水范围", "停水时间", "恢复时间"),
        ordered=(("停水时间", "恢复时间"),),
    ),
    Design(
        "停电通知",
        NOTICE_KIND,
        _power_cut,
        variables=NOTICE_VARIABLES,
        asks=("停电原因", "停电范围", "停电时间", "恢复时间"),
        ordered=(("停电时间", "恢复时间"),),
    ),
    Design(
        "电梯维保通知",
        NOTICE_KIND,
        _lift_maintenance,
        variables=NOTICE_VARIABLES,
        asks=("维保单位", "电梯位置", "维保时间", "结束时间"),
        ordered=(("维保时间", "结束时间"),),
    ),
    Design("温馨提示", NOTICE_KIND, _friendly_reminder, variables=NOTICE_VARIABLES, asks=("提示内容",)),
    Design(
        "装修违规整改通知",
        NOTICE_KIND,
        _renovation_rectification,
        variables=(*NOTICE_VARIABLES, DEPOSIT_HELD),
        asks=("违规事项", "整改期限"),
        ordered=(("日期", "整改期限"),),
        about_works=True,
    ),
    Design(
        "催缴通知书",
        REMINDER_KIND,
        _payment_reminder,
        variables=REMINDER_VARIABLES,
        rows=(("明细", ("月份", "项目", "金额")),),
        office_phone_too=("联系电话",),
    ),
]
