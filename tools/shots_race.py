"""The optimizer race on the spiral (Compare optimizers), at 1400 x 900 and 1024 x 768: the
dialog with its map and loss curves, and the window with the Compare button beside Stop."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication

from tools.shot_helpers import open_window, settle, wait_until


def shoot(app: QApplication, out: Path) -> None:
    for width, height in ((1400, 900), (1024, 768)):
        window = open_window(app, (width, height))
        window.grab().save(str(out / f"race-window-{width}.png"))
        dialog = window.races.open()
        # The dialog as it opens on a screen of the window's size.
        hint = dialog.sizeHint()
        dialog.resize(min(hint.width(), int(width * 0.9)), min(hint.height(), int(height * 0.9)))
        settle(app, 0.3)
        dialog.grab().save(str(out / f"race-empty-{width}.png"))
        dialog.start_button.click()
        # While it runs: the paths so far, on the plane fitted so far, without the map yet.
        wait_until(app, lambda d=dialog: max(d.map.path_points()) > 8, 60, "the first paths")
        dialog.grab().save(str(out / f"race-live-{width}.png"))
        wait_until(app, lambda d=dialog: not d.racing, 120, "the race to finish")
        settle(app, 0.5)
        dialog.grab().save(str(out / f"race-{width}.png"))
        print(f"wrote race shots at {width}x{height}", flush=True)
        dialog.close()
        window.close()
        settle(app, 0.2)
