"""Workspaces: init, discovery order, the repository root as a default workspace."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from recordkit.core.config import Settings
from recordkit.core.errors import WorkspaceError
from recordkit.core.workspace import RECORDS_SUBDIRS, find_root, init_workspace, open_workspace

REPO_ROOT = Path(__file__).resolve().parents[1]


def test_init_makes_the_layout_and_a_commented_config(tmp_path: Path) -> None:
    root = init_workspace(tmp_path / "幸福里", office="幸福里物业服务中心", estate="幸福里小区")
    assert (root / "templates").is_dir()
    for name in RECORDS_SUBDIRS:
        assert (root / "records" / name).is_dir(), name
    text = (root / "recordkit.toml").read_text(encoding="utf-8")
    assert "# 物业服务中心名称" in text and "# 收据编号前缀" in text and "# 台账数据库" in text
    parsed = tomllib.loads(text)
    assert parsed["office"] == {"name": "幸福里物业服务中心", "estate": "幸福里小区", "address": ""}
    assert parsed["receipt"]["prefix"] == "SJ"
    settings = open_workspace(root, environ={}).settings
    assert settings.office.name == "幸福里物业服务中心"


def test_init_refuses_an_existing_workspace(tmp_path: Path) -> None:
    root = init_workspace(tmp_path / "ws")
    (root / "recordkit.toml").write_text('[office]\nname = "不能被覆盖"\n', encoding="utf-8")
    with pytest.raises(WorkspaceError, match="不会覆盖"):
        init_workspace(root)
    assert "不能被覆盖" in (root / "recordkit.toml").read_text(encoding="utf-8")


def test_discovery_order(tmp_path: Path) -> None:
    first = init_workspace(tmp_path / "first")
    second = init_workspace(tmp_path / "second")
    deep = second / "records" / "inbox"
    # the current folder upward
    assert find_root(None, {}, deep) == second
    # RECORDKIT_HOME beats the current folder
    assert find_root(None, {"RECORDKIT_HOME": str(first)}, deep) == first
    # --workspace beats RECORDKIT_HOME
    assert find_root(second, {"RECORDKIT_HOME": str(first)}, tmp_path) == second


def test_named_folder_that_is_no_workspace(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError) as caught:
        find_root(None, {"RECORDKIT_HOME": str(tmp_path)}, tmp_path)
    assert caught.value.message.startswith(f"RECORDKIT_HOME 指定的 {tmp_path} 不是 recordkit 工作区")
    assert f"recordkit init {tmp_path}" in caught.value.message


def test_no_workspace_anywhere(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="没有找到 recordkit 工作区"):
        find_root(None, {}, tmp_path)


def test_templates_and_records_without_config_is_a_workspace_with_defaults(tmp_path: Path) -> None:
    (tmp_path / "templates").mkdir()
    (tmp_path / "records").mkdir()
    workspace = open_workspace(cwd=tmp_path / "templates", environ={})
    assert workspace.root == tmp_path
    assert workspace.settings == Settings()
    assert workspace.database_url == f"sqlite:///{tmp_path / 'records' / 'ledger.sqlite3'}"


def test_the_repository_root_is_a_default_workspace() -> None:
    assert find_root(None, {}, REPO_ROOT / "src" / "recordkit") == REPO_ROOT
