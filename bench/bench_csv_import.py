"""How long the import dialog takes on a big CSV, and how long the GUI thread ever waits meanwhile.

    python bench/bench_csv_import.py [ROWS] [COLUMNS]

Writes a generated file (default 1,000,000 rows x 20 columns: numeric features and a 3-class
label) to a temporary folder, opens the import dialog on it offscreen, and reports the time until
the preview shows, until Import is enabled (read, profiled, checked with prepare_data), and the
longest gap between two ticks of a 5 ms QTimer on the GUI thread (its p99 too).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np
import pandas as pd
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication


def main(argv: list[str]) -> int:
    rows = int(argv[1]) if len(argv) > 1 else 1_000_000
    columns = int(argv[2]) if len(argv) > 2 else 20
    app = QApplication.instance() or QApplication([argv[0]])
    from app.background import LatestJobs
    from app.csv_loading import OUT_OF_MEMORY
    from app.dialogs.csv_import_dialog import CsvImportDialog

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.csv"
        rng = np.random.default_rng(0)
        table = {f"f{i}": rng.normal(size=rows).round(4) for i in range(columns - 1)}
        table["label"] = rng.choice(["a", "b", "c"], size=rows)
        pd.DataFrame(table).to_csv(path, index=False)
        print(f"{rows:,} x {columns} file: {path.stat().st_size / 2**20:.0f} MB", flush=True)

        gaps: list[float] = []
        last = [time.perf_counter()]

        def tick() -> None:
            now = time.perf_counter()
            gaps.append(now - last[0])
            if now - last[0] > 0.2:
                print(f"gap {now - last[0]:.2f} s ending at {now - started:.2f} s", flush=True)
            last[0] = now

        timer = QTimer()
        timer.setInterval(5)
        timer.timeout.connect(tick)
        timer.start()
        jobs = LatestJobs(out_of_memory=OUT_OF_MEMORY)
        started = time.perf_counter()
        dialog = CsvImportDialog(str(path), jobs)
        dialog.show()
        preview_at = None
        while not dialog.import_button.isEnabled():
            if preview_at is None and dialog.preview_model.rowCount():
                preview_at = time.perf_counter() - started
            if dialog.message or time.perf_counter() - started > 120:
                print("failed:", dialog.message or "timed out")
                break
            app.processEvents()
            time.sleep(0.001)
        ready_at = time.perf_counter() - started
        timer.stop()
        dialog.reject()
        jobs.close()
        worst = sorted(gaps)
        print(f"preview shown after {preview_at or 0:.2f} s; Import enabled after {ready_at:.2f} s")
        print(
            f"GUI thread: longest gap {worst[-1] * 1000:.0f} ms, "
            f"p99 {worst[int(len(worst) * 0.99)] * 1000:.0f} ms over {len(gaps)} ticks"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
