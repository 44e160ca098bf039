"""The status bar while the training process starts, with Train already pressed (1024 x 768)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication

from app.main_window import MainWindow
from tools.shot_helpers import settle, wait_until


def shoot(app: QApplication, out: Path) -> None:
    window = MainWindow()
    window.resize(1024, 768)
    window.show()
    settle(app, 0.2)
    stages: list[object] = []
    window.engine.starting.connect(stages.append)
    window.start_engine()
    window.controls.train_button.click()
    wait_until(app, lambda: bool(stages), 90, "the first start-up stage")
    settle(app, 0.05)
    window.grab().save(str(out / "engine-starting-1024.png"))
    print(f"wrote {out / 'engine-starting-1024.png'}", flush=True)
    wait_until(app, lambda: window.engine.is_ready, 120, "the engine to be ready")
    window.run.stop()
    wait_until(app, lambda: not window.run.is_active, 30, "the run to stop")
    window.project.undo_stack.setClean()
    window.close()
    window.deleteLater()
    settle(app, 0.2)
