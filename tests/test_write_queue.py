"""The ledger's fair write queue (issue 20, item 11): writers get the lock in the order they asked,
a dead writer's ticket never blocks the others, and a wait that runs out says so in Chinese."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from recordkit.core.errors import LedgerError, StorageError
from recordkit.ledger.db import open_ledger
from recordkit.ledger.write_queue import WriteQueue, flock_available
from tests.account_helpers import bound_by_file_modes

pytestmark = pytest.mark.skipif(not flock_available(), reason="the queue needs flock (POSIX)")


def _wait_for_tickets(folder: Path, count: int) -> None:
    deadline = time.monotonic() + 10
    while len(list(folder.glob("*.ticket"))) < count:
        assert time.monotonic() < deadline, "the writer never took its ticket"
        time.sleep(0.005)


def test_writers_get_the_lock_in_the_order_they_asked(tmp_path: Path) -> None:
    folder = tmp_path / "ledger.sqlite3-queue"
    order: list[int] = []
    first = WriteQueue(folder, timeout=20)

    def writer(name: int) -> None:
        with WriteQueue(folder, timeout=20).turn():
            order.append(name)

    with first.turn():
        threads = []
        # Seven more clerks ask one after the other while the first holds the lock.
        for name in range(1, 8):
            thread = threading.Thread(target=writer, args=(name,))
            thread.start()
            _wait_for_tickets(folder, name + 1)
            threads.append(thread)
    for thread in threads:
        thread.join(timeout=20)
    assert order == [1, 2, 3, 4, 5, 6, 7]
    assert list(folder.glob("*.ticket")) == []


def test_a_wait_that_runs_out_names_the_queue(tmp_path: Path) -> None:
    folder = tmp_path / "ledger.sqlite3-queue"
    with WriteQueue(folder, timeout=20).turn():
        started = time.monotonic()
        with pytest.raises(LedgerError) as caught, WriteQueue(folder, timeout=0.3).turn():
            pass
        assert time.monotonic() - started < 5
    assert caught.value.message == (
        "台账正忙：前面还有 1 个操作在排队，等了 0.3 秒仍未轮到，请稍后再试（别的电脑或服务正在大量写台账）"
    )
    # The ticket of the writer that gave up is gone: the next one goes straight in.
    with WriteQueue(folder, timeout=0.3).turn():
        pass


_HOLDER = """
import sys, time
from pathlib import Path
from recordkit.ledger.write_queue import WriteQueue
with WriteQueue(Path(sys.argv[1]), timeout=10).turn():
    print("holding", flush=True)
    time.sleep(60)
"""


def test_a_writer_killed_while_holding_the_lock_does_not_block_the_next(tmp_path: Path) -> None:
    folder = tmp_path / "ledger.sqlite3-queue"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1] / "src")}
    holder = subprocess.Popen([sys.executable, "-c", _HOLDER, str(folder)], stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=10)
        assert len(list(folder.glob("*.ticket"))) == 1  # left behind by the dead writer
        with WriteQueue(folder, timeout=5).turn() as waited:
            assert waited < 5
        assert list(folder.glob("*.ticket")) == []
    finally:
        holder.kill()
        holder.wait()


def test_ledger_writes_go_through_the_queue_and_are_timed(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.sqlite3'}"
    with open_ledger(url, busy_timeout=1) as ledger, open_ledger(url, busy_timeout=1) as other:
        with ledger.write() as conn:
            conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
            # Another clerk asks meanwhile: after one second it is told the ledger is busy.
            with pytest.raises(LedgerError, match="^台账正忙：前面还有 1 个操作在排队"), other.write():
                pass
            time.sleep(0.05)
        with other.write() as conn:
            conn.exec_driver_sql("INSERT INTO t VALUES (1)")
        waited, held = ledger.lock_times[-1]
        assert held >= 0.05 and waited < 1
        assert len(other.lock_times) == 1
        with ledger.read() as conn:
            assert conn.exec_driver_sql("SELECT x FROM t").scalars().all() == [1]


def test_a_file_system_without_flock_still_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Some network shares refuse flock: writes go on under SQLite's own lock, only not in order."""
    import errno

    from recordkit.ledger import write_queue

    def no_flock(_descriptor: int, _operation: int) -> None:
        raise OSError(errno.ENOLCK, "No locks available")

    url = f"sqlite:///{tmp_path / 'ledger.sqlite3'}"
    with open_ledger(url) as ledger:
        monkeypatch.setattr(write_queue.fcntl, "flock", no_flock)
        with ledger.write() as conn:
            conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
            conn.exec_driver_sql("INSERT INTO t VALUES (1)")
        monkeypatch.undo()
        with ledger.read() as conn:
            assert conn.exec_driver_sql("SELECT x FROM t").scalars().all() == [1]


def test_a_queue_folder_on_a_full_disk_is_said_in_chinese(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The queue's folder made on a full disk said the system's English ("No space left on device") as a ledger
    fault (exit 7); it is the disk's refusal, in Chinese, exit 10, as any write on a full disk."""
    folder = tmp_path / "ledger.sqlite3-queue"

    def full(self: Path, *args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(self))

    monkeypatch.setattr(Path, "mkdir", full)
    with pytest.raises(StorageError) as caught, WriteQueue(folder, timeout=5).turn():
        pass
    assert caught.value.message == (
        f"台账旁的排队文件夹 {folder} 不能写入：磁盘已满：请清理磁盘空间后重试；这一步什么也没有写入"
    )
    assert caught.value.exit_code == 10


_WRITER = """
import sys
from recordkit.core.errors import RecordkitError
from recordkit.ledger.db import open_ledger
ledger = open_ledger(sys.argv[1], migrate=False)
try:
    with ledger.write() as conn:
        pass
except RecordkitError as err:
    print(err.message)
    sys.exit(err.exit_code)
"""


def test_a_queue_folder_another_account_made_names_the_services_account_and_the_chown(tmp_path: Path) -> None:
    """Someone ran a command with sudo once: the ledger's queue folder (and its lock file) became root's, and every
    write of the service's account failed with "无法写入（…/queue.lock）：没有写入权限：请用有权限的账户运行" —
    no account named, no folder to give it.  It names the account and the chown now (exit 10, nothing written)."""
    ledger_file = tmp_path / "ledger.sqlite3"
    open_ledger(f"sqlite:///{ledger_file}").close()
    folder = tmp_path / "ledger.sqlite3-queue"
    with WriteQueue(folder, timeout=5).turn():
        pass
    for made in (folder, folder / "queue.lock"):
        os.chown(made, 65534, 65534)  # another account's (nobody's), as a sudo run leaves it root's
    env = {
        **os.environ,
        "PYTHONPATH": str(Path(__file__).parents[1] / "src"),
        "USER": "recordkit",
        "LOGNAME": "recordkit",
    }
    ran = subprocess.run(
        [*bound_by_file_modes(), sys.executable, "-c", _WRITER, f"sqlite:///{ledger_file}"],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert (ran.returncode, ran.stdout.strip()) == (
        10,
        f"台账旁的排队文件夹 {folder} 不能写入：运行 recordkit 的系统账户 recordkit 没有写入权限："
        f"请让这个账户能写入它（例如 sudo chown -R recordkit: {folder}）；这一步什么也没有写入",
    ), ran.stderr
