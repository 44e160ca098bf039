"""Health hints: a learning rate of 10 on the default network, at 1400x900 and 1024x768.

Writes health-1400.png and health-1024.png (the whole window: badges on the layer cards, the
line in the status bar), health-cards.png (the network builder alone) and health-status.png
(the status bar alone), both from the 1024 x 768 window.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication

from tools.shot_helpers import open_window, save, settle, wait_until


def shoot(app: QApplication, out: Path) -> None:
    for width, height in ((1400, 900), (1024, 768)):
        window = open_window(app, (width, height))
        window.project.edit_config("Far too fast", learning_rate=10.0, epochs=20)
        wait_until(app, lambda w=window: w.run.state == "ready", 30, "the model")
        window.controls.train_button.click()
        wait_until(app, lambda w=window: w.run.state == "finished", 120, "the run to finish")
        wait_until(app, window.health_line.isVisible, 10, "the health hints")
        save(app, window, out / f"health-{width}.png")
        if width == 1024:
            for name, widget in (("cards", window.network_panel), ("status", window.statusBar())):
                widget.grab().save(str(out / f"health-{name}.png"))
                print(f"wrote {out / f'health-{name}.png'}", flush=True)
        window.close()
        window.deleteLater()
        settle(app, 0.2)
