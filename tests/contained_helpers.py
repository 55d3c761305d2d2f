"""Readers that misbehave, run in the contained reader process by tests/test_inbox_limits.py (module-level
functions, so that the spawned worker can import them)."""

from __future__ import annotations

import os
import time


def sleep_for(seconds: float) -> str:
    time.sleep(seconds)
    return "woke"


def allocate(megabytes: int) -> int:
    block = bytearray(megabytes << 20)  # beyond the worker's address space: MemoryError there
    return len(block)


def crash() -> None:
    os.abort()


def worker_pid() -> int:
    return os.getpid()


def note_pid_and_sleep(path: str, seconds: float) -> str:
    with open(path, "w", encoding="utf-8") as stream:
        stream.write(str(os.getpid()))
    time.sleep(seconds)
    return "woke"
