"""One filing service per workspace: a second ``recordkit watch`` is refused while the first lives, and not after."""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from recordkit.archive import watch_lock
from recordkit.archive.watch_lock import (
    WatchHolder,
    holder_line,
    read_holder,
    refusal_message,
    running_service,
    sole_watcher,
)
from recordkit.core.errors import WorkspaceError
from recordkit.core.workspace import Workspace
from recordkit.demo.scans import write_scan

_SINCE = r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}"


def _env(workspace: Workspace, stability: str = "0.2") -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("RECORDKIT_")}
    return env | {
        "RECORDKIT_HOME": str(workspace.root),
        "RECORDKIT_ARCHIVE_STABILITY_SECONDS": stability,
        "RECORDKIT_OPERATOR": "归档服务",
    }


def _start_service(workspace: Workspace, stability: str = "0.2") -> subprocess.Popen[str]:
    """``recordkit watch`` in a process of its own, returned once it says it has started (``stability``: its
    window, seconds: 600 keeps what lies in the inbox there for the test)."""
    service = subprocess.Popen(
        [sys.executable, "-m", "recordkit", "watch", "--interval", "0.1"],
        env=_env(workspace, stability),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert service.stdout is not None
    first = service.stdout.readline()
    assert first.startswith("归档服务已启动"), first + service.stderr.read() if service.stderr else first
    return service


def _recordkit(workspace: Workspace, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "recordkit", *args],
        env=_env(workspace), capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def _refusal(pid: int) -> str:
    return (
        rf"错误：这个工作区已有归档服务在运行（电脑 {re.escape(socket.gethostname())}，进程号 {pid}，{_SINCE} 起），"
        "没有再启动一个：同一工作区只能有一个归档服务，收件箱里的文件由它归档；"
        r"要改用这一个，请先停下正在运行的那个（systemd 服务：sudo systemctl stop recordkit-watch）。"
        "手工归档仍可用 recordkit file\n"
    )


def _served_once(pid: int) -> str:
    return (
        rf"这个工作区的归档服务正在运行（电脑 {re.escape(socket.gethostname())}，进程号 {pid}，{_SINCE} 起），"
        "收件箱由它归档，这次没有做任何事\n"
    )


def test_a_second_service_is_refused_while_the_first_lives_and_starts_once_it_is_killed(
    workspace: Workspace, tmp_path: Path
) -> None:
    first = _start_service(workspace)
    try:
        # It files a scan: its reader processes are started (and must not keep its lock once it is killed).
        write_scan(workspace.root / "records" / "inbox" / "1-1-101_产权证明_20261102.pdf", 1)
        assert first.stdout is not None
        assert first.stdout.readline().startswith("已归档 1-1-101_产权证明_20261102.pdf → YZ-")
        # A pass from cron beside it is no failure (cron would mail one at every run): it says so and does nothing.
        second = _recordkit(workspace, "watch", "--once")
        assert second.returncode == 0, second.stderr
        assert re.fullmatch(_served_once(first.pid), second.stdout), second.stdout
        assert second.stderr == ""
        service = _recordkit(workspace, "watch")  # the service itself, started twice (systemd and a terminal)
        assert service.returncode == 4
        assert re.fullmatch(_refusal(first.pid), service.stderr), service.stderr
        assert service.stdout == ""
        # A clerk files by hand meanwhile: the service's lock is not the clerk's.
        scan = tmp_path / "产权证明.pdf"
        write_scan(scan, 2)
        by_hand = _recordkit(workspace, "file", str(scan), "--category", "工程档案", "--title", "电梯验收")
        assert by_hand.returncode == 0, by_hand.stderr
        assert f"已归档 {scan} → GC-" in by_hand.stdout
    finally:
        first.send_signal(signal.SIGKILL)
        first.communicate(timeout=30)
    assert first.returncode == -signal.SIGKILL
    # Its lock went with it: no stale holder to guess about, the next one runs.
    once = _recordkit(workspace, "watch", "--once")
    assert once.returncode == 0, once.stderr
    assert once.stdout == "收件箱处理完毕：归档 0 个，隔离 0 个\n"
    again = _start_service(workspace)
    again.send_signal(signal.SIGTERM)
    out, err = again.communicate(timeout=30)
    assert again.returncode == 0, err
    assert out.strip().endswith("归档服务已停止")


def test_watch_once_beside_a_running_service_says_so_files_nothing_and_exits_0(
    workspace: Workspace, run_cli: Any
) -> None:
    write_scan(workspace.root / "records" / "inbox" / "1-1-101_产权证明_20261102.pdf", 1)
    with sole_watcher(workspace.root / "records", dt.datetime(2026, 12, 6, 13, 45, 13)):
        result = run_cli("watch", "--once", env={"RECORDKIT_ARCHIVE_STABILITY_SECONDS": "0"})
        assert result.exit_code == 0, result.output
        assert result.output == (
            f"这个工作区的归档服务正在运行（电脑 {socket.gethostname()}，进程号 {os.getpid()}，2026-12-06 13:45:13 起），"
            "收件箱由它归档，这次没有做任何事\n"
        )
        # The long-running service started beside it is still refused.
        service = run_cli("watch", env={"RECORDKIT_ARCHIVE_STABILITY_SECONDS": "0"})
        assert service.exit_code == 4
        assert service.output.startswith("错误：这个工作区已有归档服务在运行（电脑 ")
    assert [path.name for path in (workspace.root / "records" / "inbox").iterdir()] == ["1-1-101_产权证明_20261102.pdf"]
    assert list((workspace.root / "records" / "archive").iterdir()) == []
    # Released: the next pass files it.
    result = run_cli("watch", "--once", env={"RECORDKIT_ARCHIVE_STABILITY_SECONDS": "0"})
    assert result.exit_code == 0, result.output
    assert "收件箱处理完毕：归档 1 个，隔离 0 个" in result.output


@pytest.mark.parametrize(
    ("number", "said"),
    [
        (errno.ENOLCK, "网络存储没有提供文件锁服务（ENOLCK）"),
        (errno.EOPNOTSUPP, "这种文件系统不支持文件锁（EOPNOTSUPP）"),
        (errno.ENOTSUP, "这种文件系统不支持文件锁（EOPNOTSUPP）"),  # the same number on Linux
        (errno.EINVAL, "这种文件系统不接受文件锁（EINVAL）"),
        (errno.EACCES, "文件系统不允许这个账户加锁（EACCES）"),
        (errno.EBADF, "网络存储上只读打开的文件加不了锁（EBADF）"),
        (errno.ENOSYS, "这种文件系统没有实现文件锁（ENOSYS）"),
        (errno.EIO, "加锁时存储读写出错（EIO）"),
        (errno.EROFS, "加锁出错（EROFS）"),  # one flock is not known to give: its name alone
        (4242, "加锁出错（错误码 4242）"),
    ],
)
def test_a_file_system_without_locks_runs_the_service_unguarded_and_says_why_in_chinese(
    workspace: Workspace, run_cli: Any, monkeypatch: pytest.MonkeyPatch, number: int, said: str
) -> None:
    def no_locks(descriptor: int, operation: int) -> None:
        raise OSError(number, "No locks available")  # the OS's English, never shown

    monkeypatch.setattr(watch_lock.fcntl, "flock", no_locks)
    result = run_cli("watch", "--once")
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"注意：records/ 上加不了文件锁：{said}，无法防止同一工作区再启动一个归档服务；"
        "请确认只有这一个归档服务在运行\n"
        "收件箱处理完毕：归档 0 个，隔离 0 个\n"
    )


def test_a_lock_file_that_names_no_holder_gives_the_refusal_without_one() -> None:
    assert read_holder(b"") is None
    assert read_holder(b'{"host": "srv", "pid": "12"}') is None
    assert read_holder(b"\xff\xfe") is None
    assert read_holder(b'{"host": "srv", "pid": 12, "since": "2026-12-06 08:00:00"}\n') == WatchHolder(
        "srv", 12, "2026-12-06 08:00:00"
    )
    assert refusal_message(None).startswith("这个工作区已有归档服务在运行，没有再启动一个：")


def test_the_holder_is_named_while_it_holds_and_by_no_one_after(workspace: Workspace) -> None:
    records = workspace.root / "records"
    with sole_watcher(records, dt.datetime(2026, 12, 6, 8, 0, 0)):
        with pytest.raises(WorkspaceError) as refused, sole_watcher(records, dt.datetime(2026, 12, 6, 9, 0, 0)):
            pass  # pragma: no cover
        assert f"进程号 {os.getpid()}，2026-12-06 08:00:00 起" in refused.value.message
    assert (records / "watch.lock").read_bytes() == b""


def test_where_the_lock_file_cannot_be_made_records_itself_is_locked_and_a_second_is_still_refused(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk takes no new file: the service still starts (and says why its inbox waits), a second still not."""
    records = workspace.root / "records"
    real_open = os.open

    def full_disk(path: Any, flags: int, *args: Any) -> int:
        if Path(path).name == "watch.lock" and flags & os.O_CREAT:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real_open(path, flags, *args)

    monkeypatch.setattr(watch_lock.os, "open", full_disk)
    with sole_watcher(records, dt.datetime(2026, 12, 6, 8, 0, 0)) as lock:
        assert lock.guarded
        with pytest.raises(WorkspaceError) as refused, sole_watcher(records, dt.datetime(2026, 12, 6, 9, 0, 0)):
            pass  # pragma: no cover
    assert refused.value.message.startswith("这个工作区已有归档服务在运行，没有再启动一个：")
    assert not (records / "watch.lock").exists()


def test_a_link_in_the_lock_files_place_is_not_followed(workspace: Workspace, tmp_path: Path) -> None:
    """records/watch.lock made a link to another file: the holder's name is never written over that file."""
    target = tmp_path / "笔记.txt"
    target.write_text("别人的文件\n", encoding="utf-8")
    (workspace.root / "records" / "watch.lock").symlink_to(target)
    records = workspace.root / "records"
    with sole_watcher(records, dt.datetime(2026, 12, 6, 8, 0, 0)) as lock:
        assert lock.guarded
        with pytest.raises(WorkspaceError), sole_watcher(records, dt.datetime(2026, 12, 6, 9, 0, 0)):
            pass  # pragma: no cover
    assert target.read_text(encoding="utf-8") == "别人的文件\n"


def _served(pid: int, named: str, relation: str) -> str:
    return (
        rf"错误：这个工作区的归档服务正在运行（电脑 {re.escape(socket.gethostname())}，进程号 {pid}，{_SINCE} 起），"
        "收件箱里的文件由它自动归档：recordkit file 不归档收件箱里的文件，这次什么也没有归档"
        f"（{re.escape(named)} {relation}）；收件箱以外的文件仍可用 recordkit file 归档\n"
    )


def _ledger_rows(workspace: Workspace) -> list[tuple[str, str]]:
    with sqlite3.connect(workspace.root / "records" / "ledger.sqlite3") as ledger:
        return ledger.execute("SELECT archive_no, title FROM archive_items ORDER BY archive_no").fetchall()


def test_file_leaves_the_inbox_to_a_running_service_and_still_files_from_elsewhere(
    workspace: Workspace, tmp_path: Path
) -> None:
    inbox = workspace.root / "records" / "inbox"
    waiting = inbox / "1-1-101" / "产权证明_20261102.pdf"
    waiting.parent.mkdir()
    write_scan(waiting, 1)
    outside = tmp_path / "电梯验收.pdf"
    write_scan(outside, 2)
    service = _start_service(workspace, stability="600")  # what lies in the inbox stays there during the test
    try:
        for named, relation in (
            ("records/inbox", "就是收件箱"),
            ("records/inbox/1-1-101/产权证明_20261102.pdf", "在收件箱里"),
        ):
            refused = subprocess.run(
                [sys.executable, "-m", "recordkit", "file", str(outside), named, "--category", "工程档案"],
                env=_env(workspace), capture_output=True, text=True, timeout=120, cwd=workspace.root,
            )  # fmt: skip
            assert refused.returncode == 4, refused.stderr
            assert re.fullmatch(_served(service.pid, named, relation), refused.stderr), refused.stderr
            assert refused.stdout == ""
        # Nothing was filed, the file outside named with them included; the scan waits for the service.
        assert _ledger_rows(workspace) == []
        assert outside.exists() and waiting.exists()
        assert list((workspace.root / "records" / "archive").iterdir()) == []
        # A file outside the inbox is filed as before while the service runs; a folder holding the inbox is walked
        # without it.
        outside.rename(workspace.root / "电梯验收.pdf")
        by_hand = subprocess.run(
            [sys.executable, "-m", "recordkit", "file", ".", "--category", "工程档案", "--title", "电梯验收"],
            env=_env(workspace), capture_output=True, text=True, timeout=120, cwd=workspace.root,
        )  # fmt: skip
        assert by_hand.returncode == 0, by_hand.stderr
        assert re.fullmatch(
            r"已归档 电梯验收.pdf → GC-2026-00001（工程档案，1 页）：records/archive/工程档案/2026/GC-2026-00001_电梯验收.pdf\n"
            r"共 1 个文件：归档 1 个，未归档 0 个\n"
            r"已跳过工作区自己的文件：.*\n"
            rf"已跳过收件箱 records/inbox：归档服务正在运行（电脑 {re.escape(socket.gethostname())}，进程号 {service.pid}，"
            rf"{_SINCE} 起），收件箱里的文件由它自动归档\n",
            by_hand.stdout,
        ), by_hand.stdout
        assert [title for _, title in _ledger_rows(workspace)] == ["电梯验收"]
        assert waiting.exists()
    finally:
        service.send_signal(signal.SIGTERM)
        service.communicate(timeout=30)
    assert service.returncode == 0
    # No service: the inbox is filed by hand as before.
    by_hand = _recordkit(workspace, "file", str(inbox))
    assert by_hand.returncode == 0, by_hand.stderr
    assert by_hand.stdout.startswith("已归档 1-1-101/产权证明_20261102.pdf → YZ-2026-00001（业主档案，1 页）")
    assert [title for _, title in _ledger_rows(workspace)] == ["电梯验收", "产权证明"]  # GC- before YZ-
    assert not waiting.exists()


def _waiting(pid: int) -> str:
    return (
        rf"另一个归档服务正在运行（电脑 {re.escape(socket.gethostname())}，进程号 {pid}，{_SINCE} 起），"
        "这一个等它停下后接手，此前不归档；不想等了可以按 Ctrl\\+C（systemd 服务：sudo systemctl stop recordkit-watch）\n"
    )


def _start_waiting(workspace: Workspace) -> subprocess.Popen[str]:
    """``recordkit watch --wait`` started while another service runs, returned once it says it waits."""
    waiting = subprocess.Popen(
        [sys.executable, "-m", "recordkit", "watch", "--wait", "--interval", "0.1"],
        env=_env(workspace), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert waiting.stdout is not None
    return waiting


def test_a_waiting_service_takes_over_once_the_first_stops_and_files_what_comes_after(workspace: Workspace) -> None:
    first = _start_service(workspace)
    second = _start_waiting(workspace)
    assert second.stdout is not None
    try:
        said = second.stdout.readline()
        assert re.fullmatch(_waiting(first.pid), said), said
        first.send_signal(signal.SIGTERM)
        first.communicate(timeout=30)
        assert first.returncode == 0
        assert second.stdout.readline().startswith("归档服务已启动（变更通知），监视 ")
        assert re.fullmatch(rf'\{{"host": ".*", "pid": {second.pid}, "since": "{_SINCE}"\}}\n', _lock_text(workspace))
        write_scan(workspace.root / "records" / "inbox" / "1-1-101_产权证明_20261102.pdf", 1)
        assert second.stdout.readline().startswith("已归档 1-1-101_产权证明_20261102.pdf → YZ-2026-00001（业主档案")
    finally:
        first.kill()
        second.send_signal(signal.SIGTERM)
        out, err = second.communicate(timeout=30)
    assert second.returncode == 0, err
    assert out == "归档服务已停止\n"
    assert _ledger_rows(workspace) == [("YZ-2026-00001", "产权证明")]


def _lock_text(workspace: Workspace) -> str:
    return (workspace.root / "records" / "watch.lock").read_text(encoding="utf-8")


def test_sigterm_while_waiting_ends_the_waiting_service_at_once_and_leaves_the_first_alone(
    workspace: Workspace,
) -> None:
    first = _start_service(workspace)
    try:
        second = _start_waiting(workspace)
        assert second.stdout is not None
        assert re.fullmatch(_waiting(first.pid), second.stdout.readline())
        second.send_signal(signal.SIGTERM)
        out, err = second.communicate(timeout=10)
        assert second.returncode == 0, err
        assert (out, err) == ("归档服务已停止\n", "")
        # The first still holds the lock, and is still named by its file.
        assert f'"pid": {first.pid}' in _lock_text(workspace)
        assert re.fullmatch(_served_once(first.pid), _recordkit(workspace, "watch", "--once").stdout)
    finally:
        first.send_signal(signal.SIGTERM)
        first.communicate(timeout=30)
    assert first.returncode == 0


def test_wait_is_refused_with_once(workspace: Workspace, run_cli: Any) -> None:
    result = run_cli("watch", "--once", "--wait")
    assert result.exit_code == 2
    assert result.output == (
        "错误：--wait 只用于一直运行的归档服务，不能与 --once 一起用：--once 遇到正在运行的归档服务时什么也不做、"
        "立即退出，请去掉其中一个\n"
    )
    assert not (workspace.root / "records" / "watch.lock").exists()


@pytest.mark.parametrize("left", [b"", holder_line("office-server", 999_999, dt.datetime(2026, 12, 5, 8, 0, 0))])
def test_a_service_starting_while_a_clerks_file_command_looks_at_the_lock_is_not_refused(
    workspace: Workspace, left: bytes
) -> None:
    """``recordkit file`` tries the lock, shared, for an instant to tell whether a service runs: a service starting
    in that instant takes it once the look is over instead of being refused — whether the lock's file names no one
    or still names a service killed with ``kill -9`` (whose line a starting service used to read and be refused by)."""
    records = workspace.root / "records"
    (records / "watch.lock").write_bytes(left)
    looking = os.open(records / "watch.lock", os.O_RDONLY)
    fcntl.flock(looking, fcntl.LOCK_SH)
    threading.Timer(0.2, os.close, (looking,)).start()
    with sole_watcher(records, dt.datetime(2026, 12, 6, 8, 0, 0)) as lock:
        assert lock.guarded
        service = running_service(records)
        assert service is not None and service.holder is not None
        assert (service.holder.host, service.holder.pid) == (socket.gethostname(), os.getpid())
    assert running_service(records) is None
