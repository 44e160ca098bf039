"""Short work off the GUI thread, the one way the app does it: superqt's workers, latest wins.

`LatestJobs.submit(group, func, *args, done=..., failed=...)` runs `func(*args)` in Qt's global
thread pool with `superqt.utils.create_worker` and calls `done(result)` or `failed(sentence)` on
the GUI thread. A newer job of the same group supersedes the older one: the older is asked to
quit, is skipped if it has not started yet, stops at its next `yield` if it is a generator, and
its result is dropped in any case. A job that is a generator function yields its progress as
text (`progressed`); any other function runs in one piece. `close()` (a window closing) drops
everything and waits for the jobs still running: a read of a big file cannot be interrupted
between two yields.
"""

from __future__ import annotations

import inspect
import itertools
import threading
import time
from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal

from core.errors import describe_error

if TYPE_CHECKING:
    from superqt.utils import GeneratorWorker


class _Raised(Exception):
    """A job's RuntimeError, carried past superqt (which takes a RuntimeError from a worker for
    a deleted Qt object and drops it: no `errored`, no `finished`)."""

    def __init__(self, raised: RuntimeError) -> None:
        super().__init__(str(raised))
        self.raised = raised


def _job(func: Callable[..., Any], *args: Any) -> Generator[Any, None, Any]:
    """`func(*args)` as a generator for superqt's GeneratorWorker, which checks for quit before
    each step: a plain function runs behind one bare yield, so a job superseded before it
    started is skipped; a generator function's own yields are its progress."""
    try:
        if inspect.isgeneratorfunction(func):
            return (yield from func(*args))
        yield
        return func(*args)
    except RuntimeError as exc:
        raise _Raised(exc) from exc


class LatestJobs(QObject):
    """Background jobs by group, the latest of each group winning; callbacks on the GUI thread."""

    busy_changed = Signal(bool)  # whether a job whose result is still wanted is running
    progressed = Signal(str)  # text a wanted job yielded ("Reading iris.csv (4.5 KB)…")

    def __init__(self, parent: QObject | None = None, out_of_memory: str = "out of memory") -> None:
        super().__init__(parent)
        self.out_of_memory = out_of_memory  # what a MemoryError says, in this owner's words
        self._tickets = itertools.count(1)
        self._wanted: dict[str, tuple[int, GeneratorWorker]] = {}  # group -> its latest job
        self._running: list[threading.Event] = []  # one per job, set once its worker ended

    @property
    def busy(self) -> bool:
        return bool(self._wanted)

    def submit(
        self,
        group: str,
        func: Callable[..., Any],
        *args: Any,
        done: Callable[[Any], None],
        failed: Callable[[str], None] | None = None,
    ) -> GeneratorWorker:
        """Run `func(*args)` in the pool; it supersedes the job of `group` submitted before."""
        ticket = next(self._tickets)
        # Imported at the first job: importing superqt loads all its widgets (about 0.14 s,
        # python -X importtime), which the window's first paint need not wait for.
        from superqt.utils import create_worker

        worker = create_worker(_job, func, *args, _start_thread=False, _ignore_errors=True)
        ended = threading.Event()
        # Set in the pool's thread as the worker ends, however it ends (returned, failed,
        # aborted at a yield, skipped before it started): what `close()` waits for.
        worker.finished.connect(ended.set, Qt.ConnectionType.DirectConnection)
        worker.returned.connect(lambda result: self._deliver(group, ticket, done, result))
        worker.errored.connect(lambda exc: self._on_errored(group, ticket, failed, exc))
        worker.yielded.connect(lambda value: self._on_yielded(group, ticket, value))
        was_busy = self.busy
        self._drop(group)
        self._wanted[group] = (ticket, worker)
        self._running = [e for e in self._running if not e.is_set()]
        self._running.append(ended)
        worker.start()
        if not was_busy:
            self.busy_changed.emit(True)
        return worker

    def cancel(self) -> None:
        """Drop every job: those not started are skipped, the results of running ones ignored."""
        was_busy = self.busy
        for group in list(self._wanted):
            self._drop(group)
        if was_busy:
            self.busy_changed.emit(False)

    def close(self, timeout_s: float = 30.0) -> bool:
        """Cancel, and wait for the jobs still running; False if some outlived `timeout_s`."""
        self.cancel()
        deadline = time.monotonic() + timeout_s
        for ended in self._running:
            ended.wait(max(0.0, deadline - time.monotonic()))
        self._running = [e for e in self._running if not e.is_set()]
        return not self._running

    # --- internals (GUI thread) ---------------------------------------------------------------

    def _is_wanted(self, group: str, ticket: int) -> bool:
        latest = self._wanted.get(group)
        return latest is not None and latest[0] == ticket

    def _drop(self, group: str) -> None:
        latest = self._wanted.pop(group, None)
        if latest is not None:
            latest[1].quit()

    def _deliver(
        self, group: str, ticket: int, callback: Callable[[Any], None] | None, value: Any
    ) -> None:
        if not self._is_wanted(group, ticket):
            return  # superseded or cancelled: the user has asked for something else since
        del self._wanted[group]
        try:
            if callback is not None:
                callback(value)  # it may submit the next job: busy ends only if it did not
        finally:
            if not self.busy:
                self.busy_changed.emit(False)

    def _on_errored(
        self,
        group: str,
        ticket: int,
        failed: Callable[[str], None] | None,
        exc: BaseException,
    ) -> None:
        if isinstance(exc, _Raised):
            exc = exc.raised
        self._deliver(group, ticket, failed, describe_error(exc, self.out_of_memory))

    def _on_yielded(self, group: str, ticket: int, value: object) -> None:
        if isinstance(value, str) and self._is_wanted(group, ticket):
            self.progressed.emit(value)
