"""GUI test setup: fail any test that leaves a thread or a training process running."""

from __future__ import annotations

import multiprocessing
import threading
import time

import pytest


@pytest.fixture(autouse=True)
def no_leaked_threads_or_processes():
    before = {t.ident for t in threading.enumerate()}
    yield
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        leaked = [
            t
            for t in threading.enumerate()
            if t.ident not in before and t.is_alive() and not t.daemon
        ]
        children = [p for p in multiprocessing.active_children() if p.is_alive()]
        if not leaked and not children:
            return
        time.sleep(0.05)
    names = [t.name for t in leaked] + [f"process {p.pid}" for p in children]
    pytest.fail(f"test left running: {', '.join(names)}")
