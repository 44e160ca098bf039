"""Tools > Search settings…: opens the Search dialog over the window's design and engine, and
says in the status bar how each search ended (the dialog may be closed by then)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction

if TYPE_CHECKING:
    from app.dialogs.search_dialog import SearchDialog
    from app.main_window import MainWindow
    from core.search.results import SearchSummary
    from core.training_process.messages import SearchEnded


def metric_words(metric: str, task: str) -> str:
    """The searched score as the Runs table and the plots name it: 'validation loss'."""
    if metric == "val_loss":
        return "validation loss"
    return "validation accuracy" if task == "classification" else "validation R²"


def score_text(metric: str, task: str, value: float) -> str:
    """A score as the Runs table writes it: a loss to 4 digits, accuracy in per cent."""
    if metric == "val_metric" and task == "classification":
        return f"{value:.1%}"
    return f"{value:.4g}"


def ended_text(summary: SearchSummary, task: str) -> str:
    """'Search finished: 30 trials, best trial 12, validation loss 0.0219' (or stopped, or out
    of time); the best may be an earlier search's of the same study."""
    trials = summary.complete + summary.pruned + summary.failed
    count = f"{trials} trial{'s' if trials != 1 else ''}"
    if summary.reason == "stopped":
        head = f"Search stopped after {count}"
    elif summary.reason.startswith("the time budget"):
        head = f"Search finished ({summary.reason}): {count}"
    else:
        head = f"Search finished: {count}"
    b = summary.best
    if b is None or b.score is None:
        return f"{head}; no trial has finished yet."
    score = score_text(summary.metric, task, b.score)
    return f"{head}, best trial {b.number}, {metric_words(summary.metric, task)} {score}"


class SearchAction(QAction):
    """The menu entry; `dialog` is the open Search dialog, if any."""

    message_changed = Signal(str, bool)  # how a search ended, for the status bar

    def __init__(self, window: MainWindow) -> None:
        super().__init__("&Search settings…", window)
        self.setStatusTip("Let Optuna try settings one trial after another and keep the best")
        self._window = window
        self.dialog: SearchDialog | None = None
        self.triggered.connect(self.open)
        window.engine.search_ended.connect(self._on_search_ended)

    def open(self) -> SearchDialog:
        """Show the dialog (modal: the design it searches must not change under it)."""
        from app.dialogs.search_dialog import SearchDialog
        from app.search_study import study_storage

        w = self._window
        self.dialog = SearchDialog(w.project, w.engine, study_storage(w.files.path), w, w.run)
        self.dialog.setModal(True)
        self.dialog.show()
        return self.dialog

    def _on_search_ended(self, message: SearchEnded) -> None:
        if message.summary is not None:  # None: it could not start, and a Failed said why
            task = self._window.project.data.task
            self.message_changed.emit(ended_text(message.summary, task), False)
