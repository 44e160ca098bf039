"""Render the main window offscreen to PNG files, in the states a newcomer meets.

    python tools/screenshots.py OUTDIR

Writes 1-opened.png (just opened), 2-training.png (mid-way on the spiral), 3-finished.png,
4-deep-network.png (a network too wide to draw unit by unit: its layers become blocks) and
5-dark.png (the dark palette, mid-way). Trains for real in the training process, so it takes
about a minute.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtWidgets import QApplication

from app.main_window import MainWindow
from app.theme import apply_theme
from core.spec import LayerSpec, NetworkSpec

# Learns the spiral to ~98 % in 40 epochs at 0.01 (seed 0).
DEEP = NetworkSpec(
    layers=(
        LayerSpec(units=64, activation="relu"),
        LayerSpec(kind="layer_norm"),
        LayerSpec(units=32, activation="relu"),
        LayerSpec(units=32, activation="gelu"),
        LayerSpec(kind="dropout", p=0.05),
        LayerSpec(units=16, activation="relu"),
    )
)


def wait_until(app: QApplication, condition, timeout: float = 60.0, what: str = "") -> None:
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise TimeoutError(f"timed out waiting for {what or condition}")
        app.processEvents()
        time.sleep(0.005)


def settle(app: QApplication, seconds: float = 0.3) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.005)


def save(app: QApplication, window: MainWindow, path: Path) -> None:
    window.plots.refresh()
    settle(app, 0.25)
    window.grab().save(str(path))
    print(f"wrote {path}", flush=True)


def open_window(app: QApplication) -> MainWindow:
    window = MainWindow()
    window.show()
    settle(app, 0.1)
    window.start_engine()
    wait_until(app, lambda: window.session.info is not None, 90, "the engine to be ready")
    settle(app, 0.5)
    return window


def epoch(window: MainWindow) -> int:
    return window.controls._epoch


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    out = Path(argv[1])
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([argv[0]])
    apply_theme(app, "light")

    window = open_window(app)
    save(app, window, out / "1-opened.png")

    window.controls.train_button.click()
    wait_until(app, lambda: epoch(window) >= 25, 120, "epoch 25")
    save(app, window, out / "2-training.png")
    wait_until(app, lambda: window.session.state == "finished", 300, "the run to finish")
    save(app, window, out / "3-finished.png")

    window.project.edit_network(DEEP, "Use a deeper network")
    wait_until(app, lambda: window.session.info.parameters > 3000, 30, "the deep network")
    window.project.edit_config("Shorter run", epochs=40, learning_rate=0.01)
    window.controls.train_button.click()
    wait_until(app, lambda: window.session.state == "finished", 300, "the deep run to finish")
    save(app, window, out / "4-deep-network.png")
    window.close()
    window.deleteLater()
    settle(app, 0.2)

    apply_theme(app, "dark")
    window = open_window(app)
    window.project.edit_config("Change the learning rate", learning_rate=0.03)
    window.controls.train_button.click()
    wait_until(app, lambda: epoch(window) >= 15, 120, "epoch 15")
    window.project.edit_config("Change the learning rate", learning_rate=0.01)
    wait_until(app, lambda: epoch(window) >= 40, 120, "epoch 40")
    save(app, window, out / "5-dark.png")
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
