"""Pause, resume, step, stop and live hyperparameter changes, from any thread."""

from __future__ import annotations

import threading

LIVE_SETTINGS = ("learning_rate", "weight_decay", "l1", "l2")


class TrainingControl:
    """Requests to a running training, checked between batches.

    The hot loop reads one attribute, `has_requests`, per batch: true while anything asks the
    loop to look (a pause, a stop, a pending setting, or steps to count down); everything else
    happens only then. A threading primitive rather than a queued Qt slot, because a busy loop
    never returns to an event loop to receive one.
    """

    def __init__(self, paused: bool = False) -> None:
        self._cond = threading.Condition()
        self.paused = paused
        self.stop_requested = False
        self.steps_allowed = 0
        self.pending: dict[str, float] = {}
        self.has_requests = paused

    def pause(self) -> None:
        with self._cond:
            self.paused = True
            self.has_requests = True

    def resume(self) -> None:
        with self._cond:
            self.paused = False
            self.steps_allowed = 0
            self.has_requests = True
            self._cond.notify_all()

    def step(self, n: int = 1) -> None:
        """Run `n` more batches, then stay paused."""
        with self._cond:
            self.paused = True
            self.steps_allowed += n
            self.has_requests = True
            self._cond.notify_all()

    def stop(self) -> None:
        with self._cond:
            self.stop_requested = True
            self.has_requests = True
            self._cond.notify_all()

    def set(self, name: str, value: float) -> None:
        """Change a live setting (see LIVE_SETTINGS); applied before the next batch."""
        if name not in LIVE_SETTINGS:
            raise ValueError(
                f"{name!r} cannot change while training; live settings: {', '.join(LIVE_SETTINGS)}"
            )
        with self._cond:
            self.pending[name] = float(value)
            self.has_requests = True
            self._cond.notify_all()

    def take_pending(self) -> dict[str, float]:
        with self._cond:
            pending, self.pending = self.pending, {}
            return pending

    def wait_while_paused(self, timeout: float = 0.1) -> None:
        with self._cond:
            if (
                self.paused
                and not self.stop_requested
                and not self.steps_allowed
                and not self.pending
            ):
                self._cond.wait(timeout)

    def settle(self) -> None:
        """Recompute `has_requests` after the loop handled what was pending."""
        with self._cond:
            self.has_requests = bool(self.paused or self.stop_requested or self.pending)
