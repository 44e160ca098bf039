"""The Runs table's model: one row a run of the history; the box beside its name (in the run's
colour) draws it on the plots, the name is edited in place; a tick in the last column says its
final weights are kept; sorted by a proxy on each column's number (`SORT_ROLE`)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from app.plots.run_overlays import record_color
from app.run_history import RunHistory
from core.runs import MAX_KEPT_BYTES, MAX_KEPT_RUNS, RunRecord, change_descriptions
from core.text import plural

Index = QModelIndex | QPersistentModelIndex
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
SORT_ROLE = Qt.ItemDataRole.UserRole
NUMBER_ROLE = Qt.ItemDataRole.UserRole + 1  # the run's number, whatever the column

COLUMNS = ("Run", "Changed", "Epochs", "Best loss", "Val.", "Test", "Time", "Weights")
HEADER_TIPS = (
    "Tick a run to draw it on the plots, faded, in its colour; double-click its name to rename it.",
    "What changed against the run before it (a race's copies: against the run the race "
    "started from).",
    "Epochs trained.",
    "The lowest validation loss of any epoch.",
    "Accuracy (or R²) on the validation rows after the last epoch.",
    "Accuracy (or R²) of the final weights on the test rows.",
    "Training time.",
    f"✓: the run's final weights are kept (those of the last {MAX_KEPT_RUNS} runs, at most "
    f"{MAX_KEPT_BYTES // 2**20} MB in all); Restore puts them back.",
)
NAME, CHANGED, EPOCHS, BEST_LOSS, VALIDATION, TEST, TIME, WEIGHTS = range(len(COLUMNS))
CENTER = Qt.AlignmentFlag.AlignCenter


class RunsTableModel(QAbstractTableModel):
    def __init__(self, history: RunHistory, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.history = history
        self._changes: list[str] = []
        self._numbers: list[int] = []
        self._runs: list[RunRecord] = []  # history.shown, as of its last signal
        history.changed.connect(self._on_changed)
        history.live_changed.connect(self._on_changed)
        history.ticked_changed.connect(self._on_ticked_changed)
        self._on_changed()

    def _on_changed(self) -> None:
        runs = self.history.shown
        numbers = [r.number for r in runs]
        changes = change_descriptions(runs)
        if numbers == self._numbers:
            # The same runs (one renamed, its test score in, the running one's figures): the
            # selection stays.
            self._runs, self._changes = list(runs), changes
            if runs:
                last = self.index(len(runs) - 1, len(COLUMNS) - 1)
                self.dataChanged.emit(self.index(0, 0), last)
            return
        if numbers[:-1] == self._numbers or numbers == self._numbers[:-1]:
            # A run started (its row added last) or one that never stepped went: the others
            # keep their selection.
            row = min(len(numbers), len(self._numbers))
            adding = len(numbers) > len(self._numbers)
            (self.beginInsertRows if adding else self.beginRemoveRows)(QModelIndex(), row, row)
            self._runs, self._numbers, self._changes = list(runs), numbers, changes
            (self.endInsertRows if adding else self.endRemoveRows)()
            return
        self.beginResetModel()
        self._runs, self._numbers, self._changes = list(runs), numbers, changes
        self.endResetModel()

    def _on_ticked_changed(self) -> None:
        if self.rowCount():
            self.dataChanged.emit(self.index(0, NAME), self.index(self.rowCount() - 1, NAME))

    def rowCount(self, parent: Index | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self._numbers)

    def columnCount(self, parent: Index | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return HEADER_TIPS[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == NAME and self.history.run(self._numbers[index.row()]) is not None:
            return base | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        run = self._runs[index.row()]
        column = index.column()
        if role == NUMBER_ROLE:
            return run.number
        training = run.outcome == "training"
        if training and role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setItalic(True)  # not finished: its figures still move
            return font
        if column == NAME and role == Qt.ItemDataRole.CheckStateRole:
            if self.history.run(run.number) is None:
                return None  # a new run in training: on the plots already, nothing to tick
            ticked = run.number in self.history.ticked
            return Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked
        if column == NAME and role == Qt.ItemDataRole.DecorationRole:
            return QColor(record_color(run))
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self._text(run, column, index.row())
        if role == SORT_ROLE:
            return self._sort_key(run, column, index.row())
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(run, column, index.row())
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= EPOCHS:
            return CENTER if column == WEIGHTS else RIGHT
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        run = self._runs[index.row()]
        if index.column() == NAME and role == Qt.ItemDataRole.CheckStateRole:
            self.history.set_ticked(run.number, Qt.CheckState(value) == Qt.CheckState.Checked)
            return True
        if index.column() == NAME and role == Qt.ItemDataRole.EditRole:
            return self.history.rename(run.number, str(value))
        return False

    # --- cells --------------------------------------------------------------------------------

    def _text(self, run: RunRecord, column: int, row: int) -> str:
        s = run.scores
        match column:
            case 0:
                return f"{run.name} · training" if run.outcome == "training" else run.name
            case 1:
                return self._changes[row]
            case 2:  # a race copy counts steps, not epochs: its tooltip says how many
                return f"{run.epochs:,}" if run.epochs or not run.steps else "–"
            case 3:
                return "–" if s.best_val_loss is None else f"{s.best_val_loss:.4g}"
            case 4:
                return _score(run, s.val_metric)
            case 5:
                return _score(run, s.test_metric)
            case 6:
                return _duration(run.seconds)
            case 7:
                return "✓" if run.weights else ""
        return ""

    def _sort_key(self, run: RunRecord, column: int, row: int) -> Any:
        s = run.scores
        keys: dict[int, Any] = {
            NAME: run.name.lower(),
            CHANGED: self._changes[row],
            EPOCHS: run.epochs,
            BEST_LOSS: s.best_val_loss,
            VALIDATION: s.val_metric,
            TEST: s.test_metric,
            TIME: run.seconds,
            WEIGHTS: int(run.weights is not None),
        }
        value = keys.get(column)
        # Missing figures sort below every number (the proxy compares like with like).
        return float("-inf") if value is None else value

    def _tooltip(self, run: RunRecord, column: int, row: int) -> str:
        if column == CHANGED:
            return self._changes[row]
        # A race copy counts steps only; a run from an older file may lack device and time.
        steps = plural(run.steps, "step", "steps")
        length = f"{plural(run.epochs, 'epoch', 'epochs')} ({steps})" if run.epochs else steps
        where = f" on {run.device}" if run.device else ""
        when = f", started {run.started.replace('T', ' ')[:16]} UTC" if run.started else ""
        if run.outcome == "training":
            return f"{run.name}: training, {length} so far{where}{when}"
        kept = "kept: Restore puts them back" if run.weights else "not kept"
        return (
            f"{run.name}: {run.outcome} after {length}{where}{when}; its final weights are {kept}"
        )


def _score(run: RunRecord, value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.1%}" if run.metric == "accuracy" else f"R² {value:.3f}"


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(round(seconds), 60)
    return (
        f"{minutes} min {secs:02d} s"
        if minutes < 60
        else f"{minutes // 60} h {minutes % 60:02d} min"
    )
