"""The demo estate's owners as its summary shows them: the co-owners and contacts it imported are counted on rows of
their own, not indented under the units of 二期、商铺、车位 as if they were kinds of unit."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from recordkit.core.workspace import open_workspace
from recordkit.demo.estate import DemoReport, build_demo
from recordkit.ledger.db import open_ledger
from tests.test_demo_cli import ID_CHECK, ID_WEIGHTS, age_on


def test_the_summary_counts_co_owners_and_contacts_on_rows_of_their_own(
    tmp_path: Path, demo_estate: DemoReport
) -> None:
    labels = [label for label, _count in demo_estate.counts]
    start = labels.index("二期、商铺、车位")
    assert labels[start : start + 4] == ["二期、商铺、车位", "房屋类型", "共有人", "联系人（家属、租户）"]
    counts = dict(demo_estate.counts)
    workspace = open_workspace(tmp_path / "demo", environ={})
    with open_ledger(workspace.database_url) as ledger, ledger.read() as conn:
        co_owners = conn.execute(sa.text("SELECT COUNT(*) FROM unit_co_owners")).scalar_one()
        contacts = conn.execute(sa.text("SELECT COUNT(*) FROM unit_contacts")).scalar_one()
        kinds = conn.execute(sa.text("SELECT COUNT(DISTINCT kind) FROM units")).scalar_one()
    assert co_owners > 0 and contacts > 0
    assert (counts["共有人"], counts["联系人（家属、租户）"], counts["房屋类型"]) == (co_owners, contacts, kinds)


def test_the_summary_counts_the_units_statuses_under_the_units_not_under_the_owners(demo_estate: DemoReport) -> None:
    """已入住、已交付、空置 are statuses of units: indented under 业主 (fewer than the units) they read as if they did
    not add up."""
    labels = [label for label, _count in demo_estate.counts]
    start = labels.index("房屋")
    assert labels[start : start + 5] == ["房屋", "  其中已入住", "  其中已交付", "  其中空置", "业主"]
    counts = dict(demo_estate.counts)
    assert counts["  其中已入住"] + counts["  其中已交付"] + counts["  其中空置"] == counts["房屋"]


def early_leases(root: Path) -> list[tuple[object, ...]]:
    """The demo's tenants (租户) whose lease starts before their unit was moved into, read with plain SQL; and
    that the demo has tenants at all."""
    workspace = open_workspace(root, environ={})
    with open_ledger(workspace.database_url) as ledger, ledger.read() as conn:
        leases = conn.execute(sa.text("SELECT COUNT(*) FROM unit_contacts WHERE relation = '租户'")).scalar_one()
        early = conn.execute(
            sa.text(
                "SELECT u.code, u.move_in_date, c.start_date FROM unit_contacts c JOIN units u ON u.id = c.unit_id"
                " WHERE c.relation = '租户'"
                " AND (c.start_date IS NULL OR u.move_in_date IS NULL OR c.start_date < u.move_in_date)"
            )
        ).all()
    assert leases > 0
    return [tuple(row) for row in early]


def test_no_demo_lease_starts_before_its_unit_was_moved_into(tmp_path: Path, demo_estate: DemoReport) -> None:
    """A tenant's 起租日期 is on or after the day the roster says the unit was moved into (the full demo let
    二期·1-202 from 2026-01-29, though it was moved into on 2026-05-17)."""
    assert early_leases(tmp_path / "demo") == []


def test_no_lease_of_another_seed_starts_before_its_unit_was_moved_into(tmp_path: Path) -> None:
    # The same over a second estate (seed 1, whose roster let 二期·2-101 from 2026-02-16, moved into on 2026-06-01).
    build_demo(tmp_path / "demo", seed=1, min_units=10, today=dt.date(2026, 12, 5))
    assert early_leases(tmp_path / "demo") == []


def test_the_demo_tenants_have_id_numbers_of_adults_shown_masked(
    run_cli: Any, tmp_path: Path, demo_estate: DemoReport
) -> None:
    """The demo's tenants (租户) had no ID number, though a tenant's 居住证明 prints it.  Each has a fictional one now,
    its check digit right (GB 11643, worked out here from its weights), born on a real day between 18 and 80 years
    before the lease starts, one number per tenant; ``owners contact list --wide`` shows it masked (first 6 and last 4)."""
    workspace = open_workspace(tmp_path / "demo", environ={})
    with open_ledger(workspace.database_url) as ledger, ledger.read() as conn:
        tenants = conn.execute(
            sa.text("SELECT name, id_number, start_date FROM unit_contacts WHERE relation = '租户' ORDER BY id")
        ).all()
    assert len(tenants) >= 3
    for name, id_number, start in tenants:
        assert id_number is not None and re.fullmatch(r"[0-9]{17}[0-9X]", id_number), (name, id_number)
        total = sum(int(digit) * weight for digit, weight in zip(id_number[:17], ID_WEIGHTS, strict=True))
        assert id_number[17] == ID_CHECK[total % 11], (name, id_number)
        assert 18 <= age_on(id_number, dt.date.fromisoformat(str(start))) <= 80, (name, id_number, start)
    assert len({id_number for _, id_number, _ in tenants}) == len(tenants)
    listed = run_cli(
        "owners", "contact", "list", "--relation", "租户", "--wide", env={"RECORDKIT_HOME": str(tmp_path / "demo")}
    )
    assert listed.exit_code == 0, listed.stderr
    for name, id_number, _ in tenants:
        assert f"{id_number[:6]}********{id_number[-4:]}" in listed.stdout, (name, listed.stdout)
        assert id_number not in listed.stdout
