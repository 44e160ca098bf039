"""Start the window fast: Qt and the panels only; torch loads in the training process afterwards.

The GUI process never imports torch. The window is shown first; once it has painted, the
training process is spawned (it imports torch and warms up, ~3-6 s, while the window is usable).

`python -m app --theme dark` forces a palette; `--startup-time` prints how long the first paint
took and quits, `--engine-time` how long the training process then took to be ready (for bench/).
`python -m app work.nnproj` (or `nnplay work.nnproj`) opens a project, `... data.csv` a CSV file.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import TYPE_CHECKING

T0 = time.perf_counter()

if TYPE_CHECKING:
    from app.main_window import MainWindow


OPENS = (".nnproj", ".csv")  # what `nnplay FILE` opens in the window


def open_at_start(window: MainWindow, path: str) -> None:
    """Open the file the window was started with (`nnplay work.nnproj`, `nnplay data.csv`)."""
    if path.lower().endswith(".csv"):
        window.csv_import.open(path)
    else:
        window.files.open_path(path)  # read once the training process is ready


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv) or ["nnplay"]
    parser = argparse.ArgumentParser(prog="python -m app", description="NN Playground")
    parser.add_argument("--theme", choices=("system", "light", "dark"), default=None)
    parser.add_argument(
        "--startup-time", action="store_true", help="print the first-paint time and quit"
    )
    parser.add_argument(
        "--engine-time",
        action="store_true",
        help="print how long after the first paint the training process was ready, and quit",
    )
    parser.add_argument("file", nargs="?", help="a project (.nnproj) or CSV file to open")
    args, qt_args = parser.parse_known_args(argv[1:])
    if args.file is not None and not args.file.lower().endswith(OPENS):
        qt_args.insert(0, args.file)  # a Qt option's value ("-platform offscreen"), not a file
        args.file = None
    # The same switch for launchers that pass no arguments (`nnplay` alone, in tests and bench/).
    args.startup_time = args.startup_time or os.environ.get("NNPLAY_STARTUP_TIME") == "1"

    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([argv[0], *qt_args])
    app.setApplicationName("NN Playground")
    app.setOrganizationName("nn-playground")

    from app.theme import apply_theme

    apply_theme(app, args.theme)

    from app.main_window import MainWindow

    window = MainWindow()

    class FirstPaint(QObject):
        """Starts the training process once the window has painted (and measures when)."""

        def __init__(self) -> None:
            super().__init__()
            self.done = False
            self.painted = 0.0

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and not self.done:
                self.done = True
                self.painted = time.perf_counter()
                elapsed = self.painted - T0
                QTimer.singleShot(0, self.after_paint)
                if args.startup_time:
                    size = f"{window.width()} x {window.height()}"
                    print(f"first paint {elapsed:.3f} s after start-up, {size}", flush=True)
            return False

        def after_paint(self) -> None:
            window.removeEventFilter(self)
            if args.startup_time:
                window.close()
                return
            if args.engine_time:
                window.engine.ready.connect(self.engine_ready)
            window.start_engine()
            if args.file is not None:
                open_at_start(window, args.file)

        def engine_ready(self) -> None:
            ready = time.perf_counter() - self.painted
            print(f"engine ready {ready:.3f} s after the first paint", flush=True)
            window.close()

    first_paint = FirstPaint()
    window.installEventFilter(first_paint)
    from app.window_layout import opens_maximized

    screen = window.screen().availableGeometry()
    if opens_maximized(screen.width(), screen.height()):
        # Sized to the screen first: without a window manager nothing maximizes it.
        window.resize(min(window.width(), screen.width()), min(window.height(), screen.height()))
        window.showMaximized()
    else:
        window.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
