"""The child's side of the pipe: events buffered and sent at most ~30 times a second."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection

import numpy as np

from core.events import BatchesEnded, Event
from core.training_process.messages import Events, Message

# Events go out at most this often (seconds); pauses, starts and ends go out at once.
FLUSH_INTERVAL = 1 / 30


class Outbox:
    """Buffers events and sends them, with anything attached, as one pipe message."""

    def __init__(self, conn: Connection, on_lost: Callable[[], None]) -> None:
        self._conn = conn
        self._on_lost = on_lost
        self._lock = threading.Lock()
        self._events: list[Event] = []
        self._attached: list[Message] = []
        self._last = 0.0
        self.lost = False

    def add(self, event: Event, *attached: Message) -> None:
        """Buffer `event`; `attached` messages go out in the same flush, after the events."""
        with self._lock:
            self._events.append(event)
            self._attached.extend(attached)

    def send(self, *messages: Message) -> None:
        """Send now, after whatever is buffered."""
        with self._lock:
            self._attached.extend(messages)
            self._flush_locked()

    def flush(self) -> None:
        with self._lock:
            self._flush_locked()

    def flush_if_due(self) -> None:
        if time.perf_counter() - self._last >= FLUSH_INTERVAL:
            self.flush()

    def _flush_locked(self) -> None:
        out: list[Message] = []
        if self._events:
            out.append(Events(tuple(merge_batches(self._events))))
        out += self._attached
        self._events, self._attached = [], []
        self._last = time.perf_counter()
        if not out or self.lost:
            return
        try:
            self._conn.send(out)
        except (OSError, ValueError):
            self.lost = True
            self._on_lost()


def merge_batches(events: list[Event]) -> list[Event]:
    """Consecutive BatchesEnded of one epoch become one (their arrays concatenated)."""
    out: list[Event] = []
    run: list[BatchesEnded] = []

    def close_run() -> None:
        if len(run) == 1:
            out.append(run[0])
        elif run:
            out.append(
                BatchesEnded(
                    run[0].first_step,
                    run[0].epoch,
                    np.concatenate([b.loss for b in run]),
                    np.concatenate([b.grad_norms for b in run]),
                )
            )
        run.clear()

    for event in events:
        if isinstance(event, BatchesEnded):
            if run and (
                event.epoch != run[-1].epoch
                or event.first_step != run[-1].first_step + len(run[-1].loss)
            ):
                close_run()
            run.append(event)
        else:
            close_run()
            out.append(event)
    close_run()
    return out
