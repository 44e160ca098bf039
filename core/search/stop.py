"""Ending a search from another thread (a Stop button, Ctrl+C). Torch- and Optuna-free."""

from __future__ import annotations

import threading

from core.control import TrainingControl


class SearchStop:
    """Ends a search from any thread: the trial training now stops after its current batch."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requested = False
        self._control: TrainingControl | None = None

    def stop(self) -> None:
        with self._lock:
            self.requested = True
            if self._control is not None:
                self._control.stop()

    def trial_control(self) -> TrainingControl:
        """A fresh control for the next trial's training, which `stop()` reaches."""
        with self._lock:
            self._control = TrainingControl()
            return self._control
