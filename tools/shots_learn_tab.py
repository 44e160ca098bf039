"""The Learn tab and the Help menu: learn-*.png.

learn-1-optimizers.png and learn-2-backprop.png: the spiral after a short run, 1400 x 900;
learn-3-min-max.png and learn-4-standardise.png: iris with two min-max columns, 1400 x 900 and
1024 x 768; learn-5-one-hot-small.png: 1024 x 768; learn-6-dark.png: the formulas on the dark
palette; learn-7-about.png and learn-8-shortcuts.png: Help > About and Help > Keyboard shortcuts;
learn-9-training-tab.png and learn-10-import-dialog.png: the "?" of the gradient plot and of the
import dialog's preparations.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget

from app.learn_links import open_learn
from app.main_window import MainWindow
from app.theme import apply_theme
from tools.shot_helpers import ROOT, open_window, save, settle, use_csv, wait_until


def _learn(
    app: QApplication, window: MainWindow, section: str, needs: str, path: Path, now: bool = True
) -> None:
    """Open `section` and save the window once its "now" box says `needs` and is drawn;
    with `now`, scrolled down to that box."""
    open_learn(section)
    page = window.learn_panel.page(section)
    wait_until(app, lambda: needs in page.now_text(), 30, f"{section} to show {needs!r}")
    views = page.formulas + page.now_formulas()
    wait_until(app, lambda: all(v.is_rendered for v in views), 30, f"{section}'s formulas")
    settle(app, 0.2)
    if now:
        page.ensureWidgetVisible(page.now_box, 0, 0)
    save(app, window, path)


def _grab(app: QApplication, widget: QWidget, path: Path) -> None:
    settle(app, 0.3)
    widget.grab().save(str(path))
    print(f"wrote {path}", flush=True)


def _close(app: QApplication, window: MainWindow) -> None:
    window.close()
    window.deleteLater()
    settle(app, 0.2)


def _min_max_iris(app: QApplication, window: MainWindow) -> None:
    """Iris, trained, then two of its columns min-max scaled (the engine refits them)."""
    use_csv(app, window, "iris.csv", "species", 20)
    data = window.project.data
    columns = tuple(
        replace(c, scaling="minmax") if c.name in ("sepal_length", "sepal_width") else c
        for c in data.columns
    )
    window.project.edit("data", replace(data, columns=columns), "Min-max two columns")
    wait_until(
        app,
        lambda: window.run.info is not None and window.run.model_fits_design,
        30,
        "the min-max model",
    )


def shoot(app: QApplication, out: Path) -> None:
    window = open_window(app, (1400, 900))
    window.project.edit_config("A short run", epochs=20)
    window.controls.train_button.click()
    wait_until(app, lambda: window.run.state == "finished", 120, "the spiral run")
    window.tabs.setCurrentIndex(0)
    save(app, window, out / "learn-9-training-tab.png")  # the gradient plot's "?"
    _learn(app, window, "optimizers", r"\hat{m}", out / "learn-1-optimizers.png", now=False)
    _learn(app, window, "backprop", r"\delta^{(4)}", out / "learn-2-backprop.png")

    window.help.about_action.trigger()
    _grab(app, window.help.about_dialog, out / "learn-7-about.png")
    window.help.about_dialog.close()
    window.help.shortcuts_action.trigger()
    _grab(app, window.help.shortcuts_dialog, out / "learn-8-shortcuts.png")
    window.help.shortcuts_dialog.close()

    dialog = window.csv_import.open(str(ROOT / "resources" / "data" / "iris.csv"))
    wait_until(app, lambda: not dialog.jobs.busy and dialog.preview_model.rowCount(), 20)
    _grab(app, dialog, out / "learn-10-import-dialog.png")  # the preparations' "?"
    dialog.reject()
    _min_max_iris(app, window)
    _learn(app, window, "min_max", "sepal", out / "learn-3-min-max.png")
    _close(app, window)

    window = open_window(app, (1024, 768))
    _min_max_iris(app, window)
    _learn(app, window, "standardise", "petal", out / "learn-4-standardise-small.png")
    _learn(app, window, "one_hot", "versicolor", out / "learn-5-one-hot-small.png")
    _close(app, window)

    apply_theme(app, "dark")
    window = open_window(app, (1400, 900))
    _learn(app, window, "losses", "cross", out / "learn-6-dark.png")
    _close(app, window)
    apply_theme(app, "light")
