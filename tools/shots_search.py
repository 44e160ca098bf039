"""Screenshots of Tools > Search settings: a 30-trial search on breast_cancer while it runs and
when it is done, then a second search going on with the same study (after Use best), in a
1400x900 window and in a 1024x768 one (the dialog sized to fit)."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtWidgets import QApplication

from tools.shot_helpers import open_window, settle, use_csv, wait_until

TRIALS = 30


def shoot(app: QApplication, out: Path) -> None:
    for size in ((1400, 900), (1024, 768)):
        window = open_window(app, size)
        use_csv(app, window, "breast_cancer.csv", "diagnosis", epochs=5)
        window.search_action.trigger()
        dialog = window.search_action.dialog
        dialog.form.trials.setValue(TRIALS if size[0] == 1400 else 12)
        settle(app, 0.3)
        started = time.monotonic()
        dialog.start_button.click()
        wait_until(app, lambda d=dialog: len(d.results) >= 6, 300, "six trials")
        _save(app, dialog, out / f"search-running-{size[0]}.png")
        wait_until(app, lambda d=dialog: not d.running, 900, "the search to end")
        print(
            f"search of {len(dialog.results)} trials in the window: "
            f"{time.monotonic() - started:.1f} s; {dialog.best_label.text()!r}",
            flush=True,
        )
        _save(app, dialog, out / f"search-done-{size[0]}.png")
        window.grab().save(str(out / f"search-window-{size[0]}.png"))
        dialog.use_best_button.click()
        dialog.form.trials.setValue(4)
        dialog.start_button.click()
        wait_until(app, lambda d=dialog: not d.running, 300, "the second search to end")
        _save(app, dialog, out / f"search-again-{size[0]}.png")
        dialog.close()
        window.tabs.setCurrentIndex(window.runs_tab)  # the trials as runs, named with their score
        settle(app, 0.4)
        window.grab().save(str(out / f"search-runs-{size[0]}.png"))
        window.project.undo_stack.setClean()
        window.close()
        settle(app, 0.3)


def _save(app: QApplication, dialog, path: Path) -> None:
    settle(app, 0.4)
    dialog.grab().save(str(path))
    print(f"wrote {path}", flush=True)
