"""A second optimizer race and its copies as runs, at 1400 x 900 and 1024 x 768: the dialog while
the second race runs (the first race's map cleared, a line saying when the map comes) and once it
ended; the window's status bar saying how it ended; the copies ticked on the Training plots beside
a live run, and the Runs table, each copy in its optimizer's colour."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication

from tools.shot_helpers import open_window, save, settle, wait_until


def shoot(app: QApplication, out: Path) -> None:
    for width, height in ((1400, 900), (1024, 768)):
        window = open_window(app, (width, height))
        window.project.edit_config("Short run", epochs=30)
        wait_until(app, lambda w=window: w.run.state == "ready", 30, "a model")
        window.controls.train_button.click()
        wait_until(app, lambda w=window: w.run.state == "finished", 120, "a spiral run")
        dialog = window.races.open()
        hint = dialog.sizeHint()
        dialog.resize(min(hint.width(), int(width * 0.9)), min(hint.height(), int(height * 0.9)))
        dialog.steps.setValue(400)
        for _race in range(2):
            dialog.start_button.click()
            wait_until(app, lambda d=dialog: max(d.map.path_points()) > 8, 60, "the first paths")
            if _race == 1:
                dialog.grab().save(str(out / f"racefix-second-live-{width}.png"))
            wait_until(app, lambda d=dialog: not d.racing, 120, "the race to finish")
        settle(app, 0.5)
        dialog.grab().save(str(out / f"racefix-finished-{width}.png"))
        dialog.close()
        for run in window.runs.runs[-4:]:
            window.runs_panel.tick(run.number)
        settle(app, 0.3)
        save(app, window, out / f"racefix-overlays-{width}.png")
        window.tabs.setCurrentIndex(window.runs_tab)
        settle(app, 0.5)
        save(app, window, out / f"racefix-runs-{width}.png")
        print(f"wrote racefix shots at {width}x{height}", flush=True)
        window.close()
        window.deleteLater()
        settle(app, 0.2)
