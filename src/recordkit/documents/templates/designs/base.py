"""What a design is: the template's name, its kind and the variables recordkit provides when it fills it.

The registry of every design is the package's ``__init__``; drawing is in the design modules.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from docx.document import Document

# Every document gets these (see documents.common_context); a notice also gets NOTICE_VARIABLES.
COMMON_VARIABLES = ("物业服务中心", "小区", "小区地址", "物业电话", "日期")
# The common variable that prints the office's telephone, ``[notices] phone``.
OFFICE_PHONE = "物业电话"
# A template the office adds under a new name is a notice: `notice make` fills it with these,
# plus whatever the clerk passes with --set.
NOTICE_KIND = "通知"
NOTICE_VARIABLES = ("业主姓名", "房号", "房屋", "楼栋", "称呼", "房屋地址", "收件人")
# What a notice sent about works (``Design.about_works``) is given besides: whether the unit has a renovation whose
# deposit the office holds (registered, not refunded).
DEPOSIT_HELD = "装修押金未退"


@dataclass(frozen=True)
class Design:
    name: str
    kind: str
    draw: Callable[[Document], None]
    # What recordkit provides when it fills this template (beyond COMMON_VARIABLES).
    variables: tuple[str, ...] = ()
    # What the clerk supplies when printing it (`notice make ... --set 停水时间=...`).
    asks: tuple[str, ...] = ()
    # Pairs of variables whose dates must not run backwards (start, end), checked before printing.
    ordered: tuple[tuple[str, str], ...] = ()
    # The fields each row of a list variable has ({{ 行.金额 }} in a {%tr for 行 in 明细 %}).
    rows: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # Sent about works (装修违规整改通知), given DEPOSIT_HELD: the paper names the deposit and the agreement only
    # where the office holds one (a renovation registered, not refunded), else tells the owner to register.
    about_works: bool = False
    # (older name, its name now) of a variable renamed: an office's copy written with the older name is filled the
    # same (居住证明's 身份证号, which holds a passport's number too, is 证件号码 now).
    older_names: tuple[tuple[str, str], ...] = ()
    # The variables besides OFFICE_PHONE filled with the office's telephone (催缴通知书's 联系电话).
    office_phone_too: tuple[str, ...] = ()

    @property
    def provided(self) -> frozenset[str]:
        """Every name filled, the older names too: a template may use either."""
        return frozenset((*COMMON_VARIABLES, *self.variables, *(older for older, _ in self.older_names)))

    @property
    def shown(self) -> frozenset[str]:
        """The names a clerk is told of (``provided`` without the older names)."""
        return frozenset((*COMMON_VARIABLES, *self.variables))
