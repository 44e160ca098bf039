"""Screenshots of TensorFlow Playground's input features: the toggles on the data panel and the
circle learnt from x₁² and x₂² by a network without a hidden layer, at both window sizes."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtWidgets import QApplication

from core.input_features import INPUT_FEATURES
from core.spec import LayerSpec, NetworkSpec
from tools.shot_helpers import open_window, save, settle, wait_until

SIZES = ((1400, 900), (1024, 768))
SQUARES = ("x1_sq", "x2_sq")


def shoot(app: QApplication, out: Path) -> None:
    for size in SIZES:
        _circle_with_squares(app, out, size, crops=size == SIZES[0])


def _circle_with_squares(app: QApplication, out: Path, size: tuple[int, int], crops: bool) -> None:
    window = open_window(app, size)
    project = window.project
    project.set_toy(replace(project.data.source, name="circle", features=SQUARES))
    project.edit_network(NetworkSpec(layers=()), "No hidden layer")
    project.edit_config("Short run", epochs=60, learning_rate=0.03, batch_size=16)
    info = lambda: window.run.info  # noqa: E731
    wait_until(app, lambda: info() is not None and info().input_names == SQUARES, 60, "squares")
    window.controls.train_button.click()
    wait_until(app, lambda: window.run.state == "finished", 180, "the circle run")
    save(app, window, out / f"features-circle-{size[0]}x{size[1]}.png")
    if crops:
        settle(app, 0.2)
        window.data_panel.grab().save(str(out / "features-toggles.png"))
        window.diagram.grab().save(str(out / "features-diagram.png"))
        print(f"wrote {out / 'features-toggles.png'} and features-diagram.png", flush=True)
        # Every feature on, into a small hidden layer: seven named input nodes with their maps.
        project.set_toy(replace(project.data.source, name="spiral", features=tuple(INPUT_FEATURES)))
        project.edit_network(NetworkSpec(layers=(LayerSpec(units=8, activation="tanh"),)), "8")
        project.edit_config("Short run", epochs=40, learning_rate=0.01, batch_size=16)
        wait_until(app, lambda: info() is not None and len(info().input_names) == 7, 60, "all 7")
        window.controls.train_button.click()
        wait_until(app, lambda: window.run.state == "finished", 180, "the spiral run")
        save(app, window, out / "features-spiral-all.png")
    window.close()
    window.deleteLater()
    settle(app, 0.2)
