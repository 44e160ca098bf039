"""Render the main window offscreen to PNG files, in the states a newcomer meets.

    python tools/screenshots.py OUTDIR

Writes 1-opened.png (just opened), 2-training.png (mid-way on the spiral), 3-finished.png
(with the test points shown),
4-deep-network.png (a network too wide to draw unit by unit: its layers become blocks) and
5-dark.png (the dark palette, mid-way), 9-import-iris.png and 10-import-bad-file.png (the CSV
import dialog on iris and on a file with a ragged row); then, on the example CSVs, 6-evaluation-classification.png
(iris), 7-evaluation-regression.png (diabetes) and 8-predict.png (the Predict tab with a file of
new rows and the one-row form), 11-recovery.png (the offer to recover work a crash left
behind), 12-export.png (File > Export model), 13-small-screen.png (the window on a
1024 x 768 screen, training) and 14-small-screen-predict.png (breast_cancer.csv's 30 features
predicted, on that screen); then the feature sets named in EXTRA_SHOTS (modules
tools/shots_<name>.py). Trains for real in the training process, so it takes about a minute.

    python tools/screenshots.py OUTDIR --only NAME

runs one feature set alone (tools/shots_NAME.py).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

if "QT_QPA_PLATFORM" not in os.environ:
    # A 1920 x 1080 screen: dialogs size themselves to the screen (offscreen's own is 800 x 800).
    _screen = Path(tempfile.mkdtemp(prefix="nnplay-screen-")) / "screen.json"
    _screen.write_text(
        '{"screens": [{"name": "screenshots", "x": 0, "y": 0, "width": 1920, "height": 1080,'
        ' "logicalDpi": 96, "dpr": 1}]}',
        encoding="utf-8",
    )
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={_screen}"
# Recovery files and recent projects go to a folder of their own, never the user's.
os.environ["NNPLAY_DATA_DIR"] = tempfile.mkdtemp(prefix="nnplay-screenshots-")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtWidgets import QApplication

from app import file_actions
from app.main_window import MainWindow
from app.theme import apply_theme
from tools.shot_helpers import (
    DEEP,
    ROOT,
    epoch,
    leave_crash_behind,
    open_window,
    save,
    settle,
    use_csv,
    wait_until,
)

# Feature screenshot sets: modules in tools/ with `shoot(app, out)`, run after the main set;
# `python tools/screenshots.py OUTDIR --only NAME` runs one of them alone.
EXTRA_SHOTS: tuple[str, ...] = (
    "features",
    "health",
    "engine_start",
    "learn_tab",
    "search",
    "race",
    "walk",
    "runs",
    "racefix",
)


def csv_views(app: QApplication, window: MainWindow, out: Path) -> None:
    """The Evaluation tab (classification, regression) and the Predict tab."""
    import tempfile

    from core.data_spec import CsvSource
    from core.dataset import load_frame

    panel = window.evaluation_panel
    window.tabs.setCurrentWidget(panel)
    use_csv(app, window, "diabetes.csv", "progression", 60)
    wait_until(app, lambda: panel.evaluation is not None and panel.evaluation.epoch == 60, 20)
    save(app, window, out / "7-evaluation-regression.png")

    use_csv(app, window, "iris.csv", "species", 40)
    wait_until(app, lambda: panel.evaluation is not None and panel.evaluation.epoch == 40, 20)
    save(app, window, out / "6-evaluation-classification.png")

    predict = window.predict_panel
    window.tabs.setCurrentWidget(predict)
    rows = load_frame(CsvSource(str(ROOT / "resources" / "data" / "iris.csv")))
    rows = rows.drop(columns=["species"]).sample(frac=1.0, random_state=1).iloc[:60]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "new_flowers.csv"
        rows.to_csv(path, index=False)
        predict.load(path)
        wait_until(app, lambda: predict.predictions is not None, 20, "the predictions")
    predict.sort_least_confident_first()
    predict.form.fields["petal_length"].setText("4.9")
    predict.form.fields["petal_width"].setText("1.6")
    wait_until(app, lambda: predict.form.result.text() != "—", 10, "the one-row prediction")
    settle(app, 0.5)
    save(app, window, out / "8-predict.png")

    # A table of 30 features, its own rows predicted, on a 1024 x 768 screen.
    use_csv(app, window, "breast_cancer.csv", "diagnosis", 10)
    shown = predict.predictions
    predict.load(ROOT / "resources" / "data" / "breast_cancer.csv")
    wait_until(app, lambda: predict.predictions is not shown, 20, "the breast_cancer predictions")
    wait_until(app, lambda: predict.form.result.text() != "—", 10, "the one-row prediction")
    window.resize(1024, 768)
    settle(app, 0.5)
    save(app, window, out / "14-small-screen-predict.png")


def import_dialog_views(app: QApplication, window: MainWindow, out: Path) -> None:
    """The CSV import dialog on iris, and on a file with a ragged row past the preview."""
    import tempfile

    def shoot(path: Path, name: str) -> None:
        dialog = window.csv_import.open(str(path))
        wait_until(app, lambda: not dialog.jobs.busy and dialog.preview_model.rowCount(), 20)
        settle(app, 0.4)
        dialog.grab().save(str(out / name))
        print(f"wrote {out / name}", flush=True)
        dialog.reject()
        settle(app, 0.1)

    shoot(ROOT / "resources" / "data" / "iris.csv", "9-import-iris.png")
    with tempfile.TemporaryDirectory() as folder:
        bad = Path(folder) / "measurements.csv"
        rows = [f"{i % 17 * 0.5},{i % 5},{'abc'[i % 3]}" for i in range(300)]
        rows[180] += ",12"  # one field too many, past the rows the preview reads
        bad.write_text("length,count,kind\n" + "\n".join(rows) + "\n", encoding="utf-8")
        shoot(bad, "10-import-bad-file.png")


def shoot_extra(app: QApplication, out: Path, names: tuple[str, ...]) -> None:
    import importlib

    for name in names:
        apply_theme(app, "light")
        importlib.import_module(f"tools.shots_{name}").shoot(app, out)


def main(argv: list[str]) -> int:
    only = argv[3:4] if len(argv) == 4 and argv[2] == "--only" else None
    if len(argv) != 2 and only is None:
        print(__doc__)
        return 2
    out = Path(argv[1])
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([argv[0]])
    apply_theme(app, "light")
    file_actions.ask_to_save = lambda parent, name: "discard"  # trained windows close unasked
    if only is not None:
        shoot_extra(app, out, tuple(only))
        return 0
    leave_crash_behind()

    window = open_window(app)
    save(app, window, out / "11-recovery.png")
    window.files.banner.discard_button.click()
    save(app, window, out / "1-opened.png")
    import_dialog_views(app, window, out)

    window.controls.train_button.click()
    wait_until(app, lambda: epoch(window) >= 25, 120, "epoch 25")
    save(app, window, out / "2-training.png")
    wait_until(app, lambda: window.run.state == "finished", 300, "the run to finish")
    window.output_view.show_test.setChecked(True)  # the test points (crosses) on the boundary
    save(app, window, out / "3-finished.png")
    window.output_view.show_test.setChecked(False)
    window.files.export()
    dialog = window.files.export_dialog
    settle(app, 0.3)
    dialog.grab().save(str(out / "12-export.png"))
    print(f"wrote {out / '12-export.png'}", flush=True)
    dialog.reject()

    window.project.edit_network(DEEP, "Use a deeper network")
    wait_until(app, lambda: window.run.info.parameters > 3000, 30, "the deep network")
    window.project.edit_config("Shorter run", epochs=40, learning_rate=0.01)
    window.controls.train_button.click()
    wait_until(app, lambda: window.run.state == "finished", 300, "the deep run to finish")
    save(app, window, out / "4-deep-network.png")
    csv_views(app, window, out)
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
    window.deleteLater()
    settle(app, 0.2)

    # A 1024 x 768 screen, the smallest the window is made for.
    apply_theme(app, "light")
    window = open_window(app, (1024, 768))
    window.controls.train_button.click()
    wait_until(app, lambda: epoch(window) >= 20, 120, "epoch 20")
    save(app, window, out / "13-small-screen.png")
    window.close()
    window.deleteLater()
    settle(app, 0.2)
    shoot_extra(app, out, EXTRA_SHOTS)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
