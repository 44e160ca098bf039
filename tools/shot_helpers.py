"""What every screenshot script shares: opening a window, waiting for it, saving a picture."""

from __future__ import annotations

import os
import time
from pathlib import Path

from PySide6.QtWidgets import QApplication

from app.main_window import MainWindow
from core.spec import LayerSpec, NetworkSpec

ROOT = Path(__file__).resolve().parent.parent

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


def open_window(app: QApplication, size: tuple[int, int] | None = None) -> MainWindow:
    window = MainWindow()
    if size is not None:
        window.resize(*size)
    window.show()
    settle(app, 0.1)
    window.start_engine()
    wait_until(app, lambda: window.run.info is not None, 90, "the engine to be ready")
    settle(app, 0.5)
    return window


def leave_crash_behind() -> None:
    """An autosave with no live owner, as a crashed session leaves it."""
    from app.project import DEFAULT_CONFIG, DEFAULT_NETWORK, DEFAULT_TOY, toy_data_spec
    from core.project import ProjectFile, save_project

    path = Path(os.environ["NNPLAY_DATA_DIR"]) / "autosave-1-1.nnproj"
    save_project(path, ProjectFile(toy_data_spec(DEFAULT_TOY), DEFAULT_NETWORK, DEFAULT_CONFIG))


def epoch(window: MainWindow) -> int:
    return window.controls._epoch


def use_csv(app: QApplication, window: MainWindow, name: str, target: str, epochs: int) -> None:
    """Choose an example CSV as the import dialog would, and train on it until the end."""
    from app.project import DataShape
    from core.columns import auto_data_spec
    from core.data_spec import CsvSource
    from core.dataset import load_frame, prepare_data

    source = CsvSource(str(ROOT / "resources" / "data" / name))
    frame = load_frame(source)
    spec = auto_data_spec(frame, source, target, test_fraction=0.2)
    prepared = prepare_data(spec, frame)
    p = prepared.preprocessor
    window.project.edit_network(
        NetworkSpec(layers=(LayerSpec(units=16, activation="relu"),) * 2), "Small network"
    )
    window.project.edit_config("CSV run", epochs=epochs, batch_size=16, learning_rate=0.01)
    window.project.edit("data", spec, f"Use {name}")
    window.project.set_data_shape(DataShape(p.n_inputs, p.task, p.classes, p.input_names))
    wait_until(
        app,
        lambda: (
            window.run.info is not None
            and window.run.info.preprocessor is not None
            and window.run.info.preprocessor.target.name == target
        ),
        30,
        f"the {name} model",
    )
    window.controls.train_button.click()
    wait_until(app, lambda: window.run.state == "finished", 120, f"training on {name}")
