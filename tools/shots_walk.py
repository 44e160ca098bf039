"""Screenshots of the Walk tab: one spiral point walked through the paused network, at the
forward, backward, loss and update steps, at 1400x900 and 1024x768; and a row of a CSV with
categories and gaps at the prepare step."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from PySide6.QtWidgets import QApplication

from app.main_window import MainWindow
from core.training_process.commands import WalkRow
from tools.shot_helpers import epoch, open_window, save, settle, use_csv, wait_until

STEPS = {"forward": 1, "backward": 4, "loss": 3, "update": 5}


def shoot(app: QApplication, out: Path) -> None:
    for size in ((1400, 900), (1024, 768)):
        window = _window(app, size)
        window.controls.train_button.click()
        wait_until(app, lambda w=window: epoch(w) >= 6, 120, "epoch 6")
        window.run.pause()
        wait_until(app, lambda w=window: w.run.state == "paused", 30, "the pause")
        _walk(app, window, WalkRow(point=(0.5, -0.4), plane=("x1", "x2")))
        for name, step in STEPS.items():
            window.walk_panel.go_to_step(step)
            settle(app, 0.2)
            save(app, window, out / f"walk-{name}-{size[0]}x{size[1]}.png")
        if size == (1400, 900):
            window.run.stop()
            wait_until(app, lambda w=window: not w.run.is_active, 30, "the stop")
            _csv_row(app, window, out)
        _close(app, window)


def _window(app: QApplication, size: tuple[int, int]) -> MainWindow:
    window = open_window(app, size)
    if window.files.banner.isVisible():  # the first window's autosave
        window.files.banner.discard_button.click()
    return window


def _walk(app: QApplication, window: MainWindow, command: WalkRow) -> None:
    panel = window.walk_panel
    window.learn_panel.show_page(window.walk_page.holder)
    window.tabs.setCurrentWidget(window.learn_panel)
    before = panel.walk
    panel.request(command)
    wait_until(app, lambda: panel.walk not in (None, before), 30, "the walk")


def _csv_row(app: QApplication, window: MainWindow, out: Path) -> None:
    """A penguins-like table: a training row with a missing number and a missing category."""
    from core.columns import auto_data_spec
    from core.data_spec import CsvSource
    from core.dataset import load_frame, prepare_data

    rng = np.random.default_rng(5)
    n = 150
    species = rng.choice(["Adelie", "Chinstrap", "Gentoo"], n)
    table = pd.DataFrame(
        {
            "island": rng.choice(["Biscoe", "Dream", "Torgersen"], n),
            "bill_length_mm": (
                np.where(species == "Adelie", 38.8, 47.5) + rng.normal(0, 2.5, n)
            ).round(1),
            "body_mass_g": (
                np.where(species == "Gentoo", 5076, 3700) + rng.normal(0, 350, n)
            ).round(),
            "sex": rng.choice(["female", "male"], n),
            "species": species,
        }
    )
    table.loc[[0, 7, 21], "body_mass_g"] = np.nan
    table.loc[[0, 3, 30], "island"] = None
    path = Path(tempfile.mkdtemp()) / "penguins.csv"
    table.to_csv(path, index=False)
    # An absolute path: the helper's folder of example files joins to it unchanged.
    use_csv(app, window, str(path), "species", 20)
    source = CsvSource(str(path))
    prepared = prepare_data(
        auto_data_spec(load_frame(source), source, "species", test_fraction=0.2)
    )
    gappy = next(i for i, r in enumerate(prepared.train.rows) if table.iloc[r].isna().sum() >= 1)
    _walk(app, window, WalkRow("train", gappy))
    window.walk_panel.go_to_step(0)
    save(app, window, out / "walk-prepare-csv-1400x900.png")
    window.walk_panel.go_to_step(2)
    save(app, window, out / "walk-output-csv-1400x900.png")


def _close(app: QApplication, window: MainWindow) -> None:
    window.project.undo_stack.setClean()
    window.close()
    window.deleteLater()
    settle(app, 0.2)
