"""``recordkit demo``: build a realistic demo estate through the same paths a clerk uses.

The demo is a list of steps; each later capability (bills, receipts, notices,
archive, search) appends its own step to ``STEPS`` and reports what it made.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from recordkit.errors import WorkspaceError
from recordkit.workspace import Workspace, init_workspace, open_workspace

DEMO_MARKER = ".recordkit-demo"
DEMO_OFFICE = "幸福里物业服务中心"
DEMO_ESTATE = "幸福里小区"
DEMO_OPERATOR = "演示管理员"


@dataclass
class DemoReport:
    root: Path
    estate: str
    counts: list[tuple[str, int]] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    next_commands: list[str] = field(default_factory=list)


@dataclass
class DemoContext:
    workspace: Workspace
    seed: int
    min_units: int
    report: DemoReport


def _step_owners(ctx: DemoContext) -> None:
    from recordkit.demodata import generate_estate
    from recordkit.owners import import_owners, write_owner_sheet
    from recordkit.storage.db import open_ledger

    estate = generate_estate(seed=ctx.seed, min_units=ctx.min_units)
    sheet = ctx.workspace.root / "业主名册.xlsx"
    write_owner_sheet(sheet, [
        [u.building, u.entrance, u.room, u.floor_area, u.owner_name, u.phone, u.id_number, u.move_in_date, u.status]
        for u in estate
    ])
    with open_ledger(ctx.workspace.database_url) as ledger:
        summary = import_owners(ledger, sheet, DEMO_OPERATOR)
    buildings = len({u.building for u in estate})
    statuses = {label: sum(1 for u in estate if u.status == label) for label in ("已入住", "已交付", "空置")}
    ctx.report.counts += [
        ("楼栋", buildings), ("房屋", summary.units_created), ("业主", summary.owners_created),
        *((f"  其中{label}", count) for label, count in statuses.items()),
    ]
    ctx.report.files.append(sheet)
    example = estate[len(estate) // 2].code
    ctx.report.next_commands += [
        f"cd {ctx.workspace.root}",
        "recordkit owners list --building 3",
        f"recordkit owners show {example}",
        "recordkit owners export 业主名册-导出.xlsx",
        "recordkit journal verify",
        "recordkit doctor",
    ]


#: The demo's steps in order; later capabilities append theirs.
STEPS: list[Callable[[DemoContext], None]] = [_step_owners]


def build_demo(directory: Path, seed: int = 2026, min_units: int = 1200) -> DemoReport:
    """Make (or remake) the demo workspace in ``directory`` and run every demo step.

    A folder that is a workspace but not a demo one is refused with ``WorkspaceError``.
    """
    root = directory.expanduser().resolve()
    if root.exists() and any(root.iterdir()):
        if not (root / DEMO_MARKER).exists():
            raise WorkspaceError(f"{root} 已存在且不是演示工作区，不会覆盖。请换一个目录")
        # Only what the demo itself made is removed.
        for name in ("records", "templates", "recordkit.toml", DEMO_MARKER, "业主名册.xlsx"):
            target = root / name
            if target.is_dir():
                shutil.rmtree(target)
            else:
                target.unlink(missing_ok=True)
    init_workspace(root, office=DEMO_OFFICE, estate=DEMO_ESTATE)
    (root / DEMO_MARKER).write_text("recordkit demo workspace: `recordkit demo` may rebuild it\n", encoding="utf-8")
    workspace = open_workspace(root, flags={"operator": DEMO_OPERATOR}, environ={})
    ctx = DemoContext(workspace, seed, min_units, DemoReport(root, DEMO_ESTATE))
    for step in STEPS:
        step(ctx)
    return ctx.report
