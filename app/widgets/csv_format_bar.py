"""How a CSV file is read: its delimiter, encoding, decimal mark and whether it has a header row.

Each choice starts at "Detect"; once a file has been read, "Detect" names what was detected.
"""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QWidget

from app.widgets.combo_choices import fill_choices, select_choice
from core.csv_io import CsvFormat
from core.data_spec import CsvSource

# (label, value) choices; "" means detect.
DELIMITERS = (
    ("Detect", ""),
    ("Comma  ,", ","),
    ("Semicolon  ;", ";"),
    ("Tab", "\t"),
    ("Pipe  |", "|"),
    ("Space", " "),
)
ENCODINGS = (("Detect", ""), ("UTF-8", "utf-8"), ("Latin-1", "latin-1"), ("Windows-1252", "cp1252"))
DECIMALS = (("Detect", ""), ("Point  .", "."), ("Comma  ,", ","))
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe", " ": "space"}


class CsvFormatBar(QWidget):
    """One row of format controls; `format_changed` when the file should be read again."""

    format_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.delimiter = QComboBox()
        fill_choices(self.delimiter, DELIMITERS)
        self.delimiter.setToolTip("The character between two fields of a row.")
        self.delimiter.activated.connect(self._on_format_changed)
        self.encoding = QComboBox()
        self.encoding.setEditable(True)
        fill_choices(self.encoding, ENCODINGS)
        self.encoding.setToolTip(
            "How the file's bytes become text; pick or type another if accents look wrong."
        )
        self.encoding.activated.connect(self._on_format_changed)
        self.encoding.lineEdit().editingFinished.connect(self._on_encoding_typed)
        self.decimal = QComboBox()
        fill_choices(self.decimal, DECIMALS)
        self.decimal.setToolTip("The mark between the whole and fractional part of a number.")
        self.decimal.activated.connect(self._on_format_changed)
        for combo in (self.delimiter, self.encoding, self.decimal):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.header = QCheckBox("First row holds the column names")
        self.header.setChecked(True)
        self.header.setToolTip("Untick when the first row is already data.")
        self.header.toggled.connect(self._on_format_changed)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        for text, widget in (
            ("Delimiter", self.delimiter),
            ("Encoding", self.encoding),
            ("Decimal mark", self.decimal),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            layout.addWidget(label)
            layout.addWidget(widget)
            layout.addSpacing(10)
        layout.addWidget(self.header)
        layout.addStretch(1)

    def source(self, path: str) -> CsvSource:
        """`path` with the format chosen here ("" where it is left to detection)."""
        encoding = self.encoding.currentData() if self._encoding_is_listed() else ""
        if not self._encoding_is_listed():
            encoding = self.encoding.currentText().strip()
        return CsvSource(
            path,
            delimiter=self.delimiter.currentData(),
            encoding=encoding,
            decimal=self.decimal.currentData(),
            header=self.header.isChecked(),
        )

    def set_source(self, source: CsvSource) -> None:
        """Show the format `source` was read with, without asking to read the file again."""
        select_choice(self.delimiter, source.delimiter)
        select_choice(self.decimal, source.decimal)
        index = self.encoding.findData(source.encoding)
        with QSignalBlocker(self.encoding):
            if index >= 0:
                self.encoding.setCurrentIndex(index)
            else:
                self.encoding.setEditText(source.encoding)
        with QSignalBlocker(self.header):
            self.header.setChecked(source.header)

    def show_detected(self, fmt: CsvFormat) -> None:
        """Name what detection found in each "Detect" item."""
        shown = DELIMITER_NAMES.get(fmt.delimiter, repr(fmt.delimiter))
        self.delimiter.setItemText(0, f"Detect ({shown})")
        self.encoding.setItemText(0, f"Detect ({fmt.encoding})")
        self.decimal.setItemText(0, f"Detect ({fmt.decimal})")

    def _encoding_is_listed(self) -> bool:
        return self.encoding.findText(self.encoding.currentText()) >= 0

    def _on_format_changed(self, *_args: object) -> None:
        self.format_changed.emit()

    def _on_encoding_typed(self) -> None:
        if not self._encoding_is_listed():
            self.format_changed.emit()
