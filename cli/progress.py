"""A one-line progress bar for `nnplay train` on a terminal."""

from __future__ import annotations

import time
from typing import TextIO

from core.events import Callback, EpochEnded, TrainStarted
from core.text import plural


class ProgressBar(Callback):
    WIDTH = 24

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.epochs = 0
        self.t0 = time.perf_counter()
        self.last = 0.0

    def on_train_start(self, event: TrainStarted) -> None:
        self.epochs = event.epochs
        self.t0 = time.perf_counter()
        self.stream.write(
            f"training on {event.device_name}, {plural(event.parameters, 'parameter', 'parameters')}\n"
        )

    def on_train_epoch_end(self, e: EpochEnded) -> None:
        now = time.perf_counter()
        if now - self.last < 0.1 and e.epoch != self.epochs:
            return
        self.last = now
        done = e.epoch / self.epochs if self.epochs else 0.0
        filled = int(done * self.WIDTH)
        eta = (now - self.t0) / e.epoch * (self.epochs - e.epoch) if self.epochs else 0.0
        metric = "acc" if e.metric == "accuracy" else "R²"
        val = (
            f" val {e.val_loss:.4f} {metric} {e.val_metric:.3f}" if e.val_loss == e.val_loss else ""
        )
        self.stream.write(
            f"\repoch {e.epoch}/{self.epochs} [{'#' * filled}{'.' * (self.WIDTH - filled)}] "
            f"loss {e.train_loss:.4f}{val} ETA {eta:.0f}s   "
        )
        self.stream.flush()

    def close(self) -> None:
        self.stream.write("\n")
        self.stream.flush()
