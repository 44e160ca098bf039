"""GUI test setup: fail any test that leaves a thread, a QThread or a training process running.

A fixture of a wider scope (one window and training process shared by a module's tests) may keep
its process between that module's tests; it must be gone when the module ends. A test that
replaces such a shared process on purpose is marked `replaces_shared_process`: its new process
is then checked when the module ends instead.
"""

from __future__ import annotations

import gc
import multiprocessing
import threading
import time

import pytest

GRACE_S = 5.0  # what was asked to stop gets this long to end


def _running_qthreads() -> list[object]:
    try:
        from PySide6.QtCore import QThread
    except ImportError:  # pragma: no cover - Qt is always there for these tests
        return []
    out = []
    for obj in gc.get_objects():
        try:
            # type(), not isinstance(): the latter trips lazy modules' __getattr__ (torch's).
            if issubclass(type(obj), QThread) and obj.isRunning():
                out.append(obj)
        except RuntimeError:  # the C++ object is already deleted
            continue
    return out


def _leaks(
    threads_before: set[int | None],
    processes_before: set[int | None],
    qthreads_before: set[int],
    processes: bool = True,
) -> list[str]:
    deadline = time.monotonic() + GRACE_S
    while True:
        threads = [
            t for t in threading.enumerate() if t.ident not in threads_before and t.is_alive()
        ]
        children = [
            p
            for p in multiprocessing.active_children()
            if processes and p.pid not in processes_before and p.is_alive()
        ]
        qthreads = [q for q in _running_qthreads() if id(q) not in qthreads_before]
        if not (threads or children or qthreads) or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    return (
        [f"thread {t.name!r}" for t in threads]
        + [f"process {p.name} (pid {p.pid})" for p in children]
        + [f"QThread {q.objectName() or q!r}" for q in qthreads]
    )


def _snapshot() -> tuple[set[int | None], set[int | None], set[int]]:
    threads = {t.ident for t in threading.enumerate()}
    processes = {p.pid for p in multiprocessing.active_children()}
    qthreads = {id(q) for q in _running_qthreads()}
    return threads, processes, qthreads


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "replaces_shared_process: the test restarts a module-scoped training process on purpose",
    )


@pytest.fixture(autouse=True, scope="module")
def no_leaks_after_module():
    before = _snapshot()
    yield
    leaked = _leaks(*before)
    if leaked:
        pytest.fail(f"tests in this module left running: {', '.join(leaked)}")


@pytest.fixture(autouse=True)
def no_leaked_threads_or_processes(request, no_leaks_after_module):
    before = _snapshot()
    yield
    replaces = request.node.get_closest_marker("replaces_shared_process") is not None
    leaked = _leaks(*before, processes=not replaces)
    if leaked:
        pytest.fail(f"test left running: {', '.join(leaked)}")
