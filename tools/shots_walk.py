"""Screenshots of the Walk tab: one spiral point walked through the paused network, at the
forward, loss and update steps, at 1400x900 and 1024x768."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication

from core.training_process.commands import WalkRow
from tools.shot_helpers import epoch, open_window, save, settle, wait_until

STEPS = {"forward": 1, "backward": 4, "loss": 3, "update": 5}


def shoot(app: QApplication, out: Path) -> None:
    for size in ((1400, 900), (1024, 768)):
        _shoot_at(app, out, size)


def _shoot_at(app: QApplication, out: Path, size: tuple[int, int]) -> None:
    window = open_window(app, size)
    if window.files.banner.isVisible():  # the first window's autosave
        window.files.banner.discard_button.click()
    window.controls.train_button.click()
    wait_until(app, lambda: epoch(window) >= 6, 120, "epoch 6")
    window.run.pause()
    wait_until(app, lambda: window.run.state == "paused", 30, "the pause")
    panel = window.walk_panel
    window.tabs.setCurrentWidget(panel)
    panel.request(WalkRow(point=(0.5, -0.4), plane=("x1", "x2")))
    wait_until(app, lambda: panel.walk is not None, 30, "the walk")
    for name, step in STEPS.items():
        panel.go_to_step(step)
        settle(app, 0.2)
        save(app, window, out / f"walk-{name}-{size[0]}x{size[1]}.png")
    window.run.stop()
    wait_until(app, lambda: not window.run.is_active, 30, "the stop")
    window.project.undo_stack.setClean()
    window.close()
    window.deleteLater()
    settle(app, 0.2)
