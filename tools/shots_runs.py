"""Screenshots of the run history: three spiral runs at different learning rates, two earlier
ones ticked and drawn under the third on the Training tab, then the Runs tab's table (with its
Weights column where there is room), then the table after Restore put run 1's settings and
weights back; at 1400x900 and 1024x768."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication

from tools.shot_helpers import open_window, save, settle, wait_until

RATES = (0.03, 0.003, 0.01)


def shoot(app: QApplication, out: Path) -> None:
    for size in ((1400, 900), (1024, 768)):
        window = open_window(app, size)
        window.project.edit_config("Short runs", epochs=40)
        for rate in RATES:
            window.project.edit_config("Learning rate", learning_rate=rate)
            window.run.reset_weights()
            wait_until(app, lambda w=window: w.run.state == "ready", 30, "a fresh model")
            window.controls.train_button.click()
            wait_until(app, lambda w=window: w.run.state == "finished", 120, "a spiral run")
            count = len(window.runs.runs)
            wait_until(
                app,
                lambda w=window, n=count: w.runs.runs[n - 1].scores.test_metric is not None,
                30,
                "the test score",
            )
        window.runs_panel.tick(1)
        window.runs_panel.tick(2)
        window.runs_panel.select(2)
        settle(app, 0.5)
        save(app, window, out / f"runs-overlaid-{size[0]}x{size[1]}.png")
        window.tabs.setCurrentIndex(window.runs_tab)
        settle(app, 0.5)
        save(app, window, out / f"runs-table-{size[0]}x{size[1]}.png")
        window.runs_panel.select(1)
        window.runs_panel.restore_button.click()
        wait_until(app, lambda w=window: w.run.state == "finished", 30, "run 1's model")
        settle(app, 0.5)
        save(app, window, out / f"runs-restored-{size[0]}x{size[1]}.png")
        window.close()
        window.deleteLater()
        settle(app, 0.2)
