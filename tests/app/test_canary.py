"""Canary for PySide6 6.12.0's reference-count bug on CPython 3.11.

That release drops a reference to `True` and `None` on every signal emission and many void calls;
after enough of them the interpreter frees an immortal-in-spirit object and aborts within a minute
of live plotting. 10,000 emissions and plot updates must leave both counts where they were.
"""

from __future__ import annotations

import gc
import sys

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, Signal, Slot

ROUNDS = 10_000
# Ordinary work moves these counts by a few (a cached object, a frame); the bug moves them by
# one per call, so 10,000 calls are unmistakable.
TOLERANCE = 50


class _Emitter(QObject):
    flag_changed = Signal(bool)
    value_changed = Signal(object)
    nothing_happened = Signal()


class _Receiver(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    @Slot(bool)
    def on_flag(self, _flag: bool) -> None:
        self.calls += 1

    @Slot(object)
    def on_value(self, _value: object) -> None:
        self.calls += 1

    @Slot()
    def on_nothing(self) -> None:
        self.calls += 1


def _counts() -> tuple[int, int]:
    gc.collect()
    return sys.getrefcount(True), sys.getrefcount(None)


def test_signals_and_plot_updates_keep_true_and_none_alive(qtbot):
    emitter, receiver = _Emitter(), _Receiver()
    emitter.flag_changed.connect(receiver.on_flag)
    emitter.value_changed.connect(receiver.on_value)
    emitter.nothing_happened.connect(receiver.on_nothing)
    plot = pg.PlotWidget()
    qtbot.addWidget(plot)
    curve = plot.plot(pen=pg.mkPen("b", width=1))
    curve.setClipToView(True)
    curve.setDownsampling(auto=True, method="peak")
    x = np.arange(2048, dtype=np.float64)
    y = np.sin(x / 50)

    # Warm up caches (first emissions, first setData) before counting.
    for _ in range(100):
        emitter.flag_changed.emit(True)
        emitter.value_changed.emit(None)
        curve.setData(x, y)
    before = _counts()
    for i in range(ROUNDS):
        emitter.flag_changed.emit(True)
        emitter.value_changed.emit(None)
        emitter.nothing_happened.emit()
        n = 512 + (i % 1024)
        curve.setData(x[:n], y[:n])
        curve.setVisible(True)
    after = _counts()

    assert receiver.calls == 3 * ROUNDS + 2 * 100
    assert abs(after[0] - before[0]) < TOLERANCE, (
        f"refcount of True drifted: {before[0]} -> {after[0]}"
    )
    assert abs(after[1] - before[1]) < TOLERANCE, (
        f"refcount of None drifted: {before[1]} -> {after[1]}"
    )
