"""The data panel's "Your own data" box: the CSV in use, the buttons to open or re-import one."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from core.data_spec import CsvSource, DataSpec
from core.text import plural

__all__ = ["OwnDataBox", "csv_summary"]


class OwnDataBox(QGroupBox):
    """`csv_label` says what is in use; `open_csv` and `csv_settings` are for the panel to wire."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Your own data", parent)
        self.open_csv = QPushButton("Open CSV…")
        self.open_csv.setToolTip(
            "Train on a table of your own, read from a CSV file (File > Open CSV…)."
        )
        self.csv_settings = QPushButton("Import settings…")
        self.csv_settings.setToolTip(
            "Change how the CSV is read and used: columns, target, task and split."
        )
        self.csv_label = QLabel()
        self.csv_label.setWordWrap(True)
        own_layout = QVBoxLayout(self)
        own_layout.addWidget(self.csv_label)
        own_buttons = QHBoxLayout()
        own_buttons.addWidget(self.open_csv)
        own_buttons.addWidget(self.csv_settings)
        own_buttons.addStretch(1)
        own_layout.addLayout(own_buttons)


def csv_summary(spec: DataSpec, n_rows: int, split: str) -> str:
    """'Using iris.csv — 150 rows, 4 features, target species', and `split` below it."""
    source = spec.source
    if not isinstance(source, CsvSource):
        return ""
    name = Path(source.path).name
    n_features = len(spec.features)
    targets = [c.name for c in spec.columns if c.role == "target"]
    parts = []
    if n_rows:
        parts.append(plural(n_rows, "row", "rows"))
    parts.append(plural(n_features, "feature", "features"))
    if targets:
        parts.append(f"target <i>{targets[0]}</i> ({spec.task})")
    text = f"Using <b>{name}</b> — {', '.join(parts)}."
    return text + (f"<br>{split}" if split else "")
