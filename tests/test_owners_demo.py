"""The demo estate's owners as its summary shows them: the co-owners and contacts it imported are counted on rows of
their own, not indented under the units of 二期、商铺、车位 as if they were kinds of unit."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from recordkit.core.workspace import open_workspace
from recordkit.demo.estate import DemoReport
from recordkit.ledger.db import open_ledger


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
