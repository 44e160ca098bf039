"""A table model over predicted rows: the prediction, how sure the model is, then the inputs.

Built for 100,000+ rows: the model keeps one numpy array per column and a row order, and
formats only the cells the view asks for (the visible ones). It sorts itself with a stable
numpy/pandas sort instead of going through a QSortFilterProxyModel: a proxy calls back into
Python for every comparison (about n log n `data()` calls, seconds for 100,000 rows), where
this takes milliseconds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from app import theme

if TYPE_CHECKING:
    import pandas as pd

    from core.predictions import Predictions


Index = QModelIndex | QPersistentModelIndex
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def unsure_below(n_classes: int) -> float:
    """The top probability under which a prediction counts as unsure: halfway from a blind
    guess (1 / n) to certainty, so 0.75 for two classes and 0.67 for three."""
    return (1.0 + 1.0 / max(n_classes, 2)) / 2.0


class PredictionTableModel(QAbstractTableModel):
    """Rows of a table with their predictions; sortable, the unsure rows tinted."""

    def __init__(self, parent: object = None) -> None:
        super().__init__(parent)
        self.headers: list[str] = []
        self.columns: list[np.ndarray] = []
        self.kinds: list[str] = []  # per column: "number", "probability", "text"
        self.order = np.zeros(0, dtype=np.int64)  # shown row -> row of the table
        self.confidence: np.ndarray | None = None  # top probability per row (classification)
        self.unsure = np.zeros(0, dtype=bool)
        self.threshold = 1.0
        self.lead = 0  # the first `lead` columns are the model's answer
        self._bold = QFont()
        self._bold.setBold(True)

    def set_table(self, frame: pd.DataFrame, predictions: Predictions) -> None:
        """Show `frame`'s rows with `predictions` in front of them."""
        import pandas as pd

        self.beginResetModel()
        headers: list[str] = ["prediction"]
        columns: list[np.ndarray] = [np.asarray(predictions.values)]
        kinds = ["text" if predictions.probabilities is not None else "number"]
        probs = predictions.probabilities
        if probs is not None:
            self.confidence = probs.max(axis=1)
            self.threshold = unsure_below(probs.shape[1])
            self.unsure = self.confidence < self.threshold
            headers.append("confidence")
            columns.append(self.confidence)
            kinds.append("probability")
            for i, name in enumerate(predictions.class_names):
                headers.append(f"probability_{name}")
                columns.append(probs[:, i])
                kinds.append("probability")
        else:
            self.confidence = None
            self.unsure = np.zeros(len(frame), dtype=bool)
        self.lead = len(headers)
        for name in frame.columns:
            series = frame[name]
            numeric = pd.api.types.is_numeric_dtype(series.dtype) and not (
                pd.api.types.is_bool_dtype(series.dtype)
            )
            headers.append(str(name))
            if numeric:
                columns.append(series.to_numpy(dtype=np.float64, na_value=np.nan))
                kinds.append("number")
            else:
                columns.append(series.to_numpy(dtype=object))
                kinds.append("text")
        self.headers, self.columns, self.kinds = headers, columns, kinds
        self.order = np.arange(len(frame), dtype=np.int64)
        self.endResetModel()

    def clear(self) -> None:
        self.beginResetModel()
        self.headers, self.columns, self.kinds = [], [], []
        self.order = np.zeros(0, dtype=np.int64)
        self.confidence, self.unsure = None, np.zeros(0, dtype=bool)
        self.endResetModel()

    @property
    def n_unsure(self) -> int:
        return int(self.unsure.sum())

    def column_of(self, header: str) -> int:
        return self.headers.index(header)

    def value(self, row: int, column: int) -> object:
        """The raw value shown at (row, column), in the current order."""
        return self.columns[column][self.order[row]]

    # --- QAbstractTableModel ------------------------------------------------------------------

    def rowCount(self, parent: Index | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self.order)

    def columnCount(self, parent: Index | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> object:
        if role == Qt.ItemDataRole.DisplayRole:
            if orientation == Qt.Orientation.Horizontal:
                return self.headers[section]
            return str(int(self.order[section]) + 1)  # the row's number in the file
        if role == Qt.ItemDataRole.FontRole and orientation == Qt.Orientation.Horizontal:
            return self._bold if section < self.lead else None
        if role == Qt.ItemDataRole.ToolTipRole and orientation == Qt.Orientation.Horizontal:
            name = self.headers[section]
            if name == "confidence":
                return "The probability of the predicted class: low values are unsure."
            if name.startswith("probability_") and section < self.lead:
                return f"The model's probability that the row is {name[len('probability_') :]!r}."
            if name == "prediction":
                return "What the model predicts for the row."
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row = int(self.order[index.row()])
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(self.columns[col][row], self.kinds[col])
        if role == Qt.ItemDataRole.BackgroundRole:
            if self.unsure[row]:
                tint = QColor(theme.ORANGE)
                tint.setAlpha(70 if theme.current().dark else 55)
                return tint
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if self.kinds[col] != "text" else None
        if role == Qt.ItemDataRole.FontRole:
            return self._bold if col == 0 else None
        if role == Qt.ItemDataRole.ToolTipRole and self.unsure[row]:
            assert self.confidence is not None
            return (
                f"The model is unsure about this row: its most likely class has probability "
                f"{self.confidence[row]:.2f} (below {self.threshold:.2f})."
            )
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns):  # also an empty table, sorted when first shown
            return
        import pandas as pd

        values = pd.Series(self.columns[column])
        ascending = order == Qt.SortOrder.AscendingOrder
        try:
            ranked = values.sort_values(ascending=ascending, kind="stable", na_position="last")
        except TypeError:  # a text column holding numbers too: compare as text
            text = values.astype(str).where(values.notna())
            ranked = text.sort_values(ascending=ascending, kind="stable", na_position="last")
        self.layoutAboutToBeChanged.emit()
        self.order = ranked.index.to_numpy(dtype=np.int64)
        self.layoutChanged.emit()

    @staticmethod
    def _text(value: object, kind: str) -> str:
        if value is None or (isinstance(value, float) and value != value):
            return ""  # missing
        if kind == "probability":
            return f"{value:.3f}"
        if kind == "number":
            v = float(value)  # type: ignore[arg-type]
            return str(int(v)) if v.is_integer() and abs(v) < 1e15 else f"{v:.6g}"
        return str(value)
