"""Built-in notices (通知): the letters the front desk posts or takes door to door."""

from __future__ import annotations

from typing import TYPE_CHECKING

from recordkit.templates.designs import NOTICE_KIND, NOTICE_VARIABLES, Design
from recordkit.templates.designs.common import line, prepare, signature, title

if TYPE_CHECKING:
    from docx.document import Document


def _water_cut(document: Document) -> None:
    prepare(document)
    title(document, "停水通知")
    line(document, "{{ 称呼 }}：")
    line(document, "因{{ 停水原因 }}，{{ 小区 }}{{ 停水范围 }}将于{{ 停水时间 }}暂停供水，"
         "预计{{ 恢复时间 }}恢复供水。请您提前做好储水准备，停水期间请关闭家中水龙头，以免来水时造成损失。",
         indent=True)
    line(document, "由此给您带来的不便，敬请谅解！如有疑问，请致电物业服务中心。", indent=True)
    signature(document)


DESIGNS = [
    Design("停水通知", NOTICE_KIND, _water_cut, variables=NOTICE_VARIABLES,
           asks=("停水原因", "停水范围", "停水时间", "恢复时间")),
]
