"""Tools > Search settings: Optuna searches the settings in the training process, trial after
trial; the dialog shows the best so far and each trial's score, and "Use best" puts the best
trial's settings into the builder as one undoable edit.

The dialog only asks: the training process runs the trials (`core.training_process.commands.
Search`) and reports each (`SearchTrialEnded`), so the window stays responsive and never loads
Optuna or torch. Stop ends the trial being trained and keeps the finished ones.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCore import QElapsedTimer, Qt, QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.dialogs.search_ranges import SearchForm
from app.engine_link import EngineLink
from app.plots.search_plot import SearchPlot, legend_html
from app.project import Project
from app.run import Run
from app.search_action import metric_words, score_text
from app.search_study import study_name
from core.search.results import SearchSummary, TrialResult
from core.search.settings import chosen_settings, describe_params
from core.training_process.commands import Search, Stop
from core.training_process.messages import Failed, SearchEnded, SearchStarted, SearchTrialEnded

DEFAULT_SIZE = (1180, 720)  # or less, within the window it opens over


class SearchDialog(QDialog):
    """Vary settings, run trials in the training process, watch them, use the best."""

    def __init__(
        self,
        project: Project,
        engine: EngineLink,
        storage: str | None = None,
        parent: QWidget | None = None,
        run: Run | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Search settings")
        self.project, self.engine, self.run = project, engine, run
        # Beside a saved project the study is an SQLite file that outlives the window (and that
        # `nnplay search --storage` can go on with); otherwise it lives in the training process.
        self.storage = storage
        self.study = ""
        self.running = False
        self.searched_metric = "val_loss"  # the running (or last) search's
        self.best: TrialResult | None = None
        self.earlier: tuple[TrialResult, ...] = ()  # the study's trials before this search
        self.results: list[TrialResult] = []
        self.summary: SearchSummary | None = None
        self._clock = QElapsedTimer()
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._show_progress)

        self.form = SearchForm(project.shape.task)
        self.form.changed.connect(self._check)
        form_scroll = QScrollArea()
        form_scroll.setWidget(self.form)
        form_scroll.setWidgetResizable(True)
        form_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        form_scroll.setMinimumWidth(self.form.sizeHint().width() + 24)
        form_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        self.best_label = QLabel("No trial has finished yet.")
        self.best_label.setWordWrap(True)
        self.best_label.setProperty("role", "value")
        self.progress = QLabel()
        self.progress.setWordWrap(True)
        self.progress.setProperty("role", "muted")
        self.plot = SearchPlot()
        self.study_label = QLabel()
        self.study_label.setWordWrap(True)
        self.study_label.setProperty("role", "muted")
        self.study_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        results = QVBoxLayout()
        results.addWidget(QLabel("Best so far"))
        results.addWidget(self.best_label)
        key = QLabel(legend_html())
        key.setProperty("role", "muted")
        results.addWidget(key)
        results.addWidget(self.plot, 1)
        results.addWidget(self.progress)
        results.addWidget(self.study_label)

        self.problem = QLabel()
        self.problem.setProperty("role", "error")
        self.problem.setWordWrap(True)
        self.problem.hide()
        self.start_button = QPushButton("Start")
        self.start_button.setDefault(True)
        self.stop_button = QPushButton("Stop")
        self.use_best_button = QPushButton("Use best")
        self.use_best_button.setToolTip(
            "Put the best trial's settings into the builder (Ctrl+Z undoes it)."
        )
        self.close_button = QPushButton("Close")
        self.start_button.clicked.connect(self.start)
        self.stop_button.clicked.connect(self.stop)
        self.use_best_button.clicked.connect(self.use_best)
        self.close_button.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for b in (self.start_button, self.stop_button, self.use_best_button, self.close_button):
            buttons.addWidget(b)

        body = QHBoxLayout()
        body.addWidget(form_scroll)
        body.addLayout(results, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(self.problem)
        layout.addLayout(buttons)
        self.setMinimumSize(self.minimumSizeHint())
        room = parent.size() if parent is not None else None
        width = DEFAULT_SIZE[0] if room is None else min(DEFAULT_SIZE[0], room.width() - 40)
        height = DEFAULT_SIZE[1] if room is None else min(DEFAULT_SIZE[1], room.height() - 60)
        self.resize(max(width, self.minimumWidth()), max(height, self.minimumHeight()))

        self._connections = (
            (engine.search_started, self._on_search_started),
            (engine.search_trial_ended, self._on_trial_ended),
            (engine.search_ended, self._on_search_ended),
            (engine.failed, self._on_failed),
        )
        for signal, slot in self._connections:
            signal.connect(slot)
        self._check()
        self._show_progress()

    # --- actions --------------------------------------------------------------------------------

    def start(self) -> None:
        problems = self.form.problems()
        if problems or self.running:
            return
        plan = self.form.plan(seed=self.project.config.seed)
        self.results, self.best, self.summary, self.earlier = [], None, None, ()
        self.searched_metric = plan.metric
        self.plot.start(self._plot_label(), plan.direction == "minimize")
        self.best_label.setText("No trial has finished yet.")
        self.running = True
        self._clock.start()
        self._tick.start()
        p = self.project
        if self.run is not None:
            self.run.configure_pending()  # else it would come after the Search, and stop it
        self.engine.send(Search(p.data, p.network, p.config, plan, self.storage, self.study))
        self._show_progress()
        self._show_buttons()

    def stop(self) -> None:
        if self.running:
            self.engine.send(Stop())
            self.progress.setText("Stopping after the current batch…")
            self.stop_button.setEnabled(False)

    def use_best(self) -> None:
        """The best trial's values in the builder, as one undoable step."""
        if self.best is None:
            return
        p = self.project
        network, config = chosen_settings(dict(self.best.params), p.network, p.config)
        p.undo_stack.beginMacro(f"Use search trial {self.best.number}")
        p.edit_network(network, "Use the search's network")
        p.edit("config", config, "Use the search's training settings")
        p.undo_stack.endMacro()
        self._show_study()  # the same: the varied settings are not part of the study's name
        self.progress.setText(f"Trial {self.best.number}'s settings are in the builder.")

    def closeEvent(self, event: QCloseEvent) -> None:
        self.stop()  # a search nobody watches is not left running
        self._tick.stop()
        for signal, slot in self._connections:
            signal.disconnect(slot)
        super().closeEvent(event)

    # --- the training process's answers ---------------------------------------------------------

    def _on_search_started(self, message: SearchStarted) -> None:
        """The study's earlier trials join the plot, and its best is the best so far."""
        if not self.running or message.study != self.study:
            return
        self.earlier = message.earlier
        self.plot.start(self._plot_label(), self.plot.minimise, message.earlier)
        self.best = best_of(message.earlier, self.plot.minimise)
        self._show_best()
        self._show_progress()
        self._show_buttons()

    def _on_trial_ended(self, message: SearchTrialEnded) -> None:
        if not self.running:
            return
        self.results.append(message.trial)
        self.best = message.best
        self.plot.add(message.trial)
        self._show_best()
        self._show_progress()
        self._show_buttons()

    def _on_search_ended(self, message: SearchEnded) -> None:
        self.running = False
        self._tick.stop()
        self.summary = message.summary
        if message.summary is not None:
            self.best = message.summary.best or self.best
            self._show_best()
        self._show_progress()
        self._show_buttons()

    def _on_failed(self, failed: Failed) -> None:
        if failed.command is Search:
            self.problem.setText(failed.message[:1].upper() + failed.message[1:])
            self.problem.show()

    # --- showing --------------------------------------------------------------------------------

    def _check(self) -> None:
        problems = self.form.problems()
        self.problem.setText("; ".join(problems)[:1].upper() + "; ".join(problems)[1:])
        self.problem.setVisible(bool(problems))
        if not problems:
            self._show_study()
        self._show_buttons()

    def _show_study(self) -> None:
        """The study the next search goes on with, to copy into `nnplay search`."""
        p = self.project
        self.study = study_name(p.data, p.network, p.config, self.form.plan(seed=p.config.seed))
        if self.storage is None:
            self.study_label.setText(
                f"Study {self.study}, kept in memory until the window closes (a saved "
                "project keeps it in a file beside it)."
            )
        else:
            self.study_label.setText(f"Study {self.study} in {self.storage}")
        self.study_label.setToolTip(
            "A later search of this design and score goes on with this study (after Use best "
            "too). From a terminal: nnplay search --study NAME --storage URL"
        )

    def _show_buttons(self) -> None:
        self.start_button.setEnabled(not self.running and not self.form.problems())
        self.stop_button.setEnabled(self.running)
        self.use_best_button.setEnabled(self.best is not None and not self.running)
        self.form.setEnabled(not self.running)

    def _plot_label(self) -> str:
        words = metric_words(self.searched_metric, self.project.data.task)
        return f"{words[:1].upper()}{words[1:]} at the last epoch"

    def _show_best(self) -> None:
        """The best trial's score, named as the Runs table names its figures."""
        b = self.best
        if b is None or b.score is None:
            return
        task = self.project.data.task
        score = score_text(self.searched_metric, task, b.score)
        words = metric_words(self.searched_metric, task)
        lines = [f"Trial {b.number}: {words} {score} at its last epoch ({b.epochs})"]
        if self.searched_metric == "val_loss":
            losses = [(v, i + 1) for i, v in enumerate(b.val_loss) if math.isfinite(v)]
            lowest, epoch = min(losses) if losses else (b.score, b.epochs)
            lines.append(f"Lowest of any epoch: {lowest:.4g} at epoch {epoch} (Best loss in Runs)")
        else:
            lines[0] += " (Val. in Runs)"
        lines.append(describe_params(dict(b.params)))
        self.best_label.setText("\n".join(lines))

    def _show_progress(self) -> None:
        counts = {
            s: sum(r.state == s for r in self.results) for s in ("complete", "pruned", "failed")
        }
        seconds = self._clock.elapsed() / 1000 if self._clock.isValid() else 0.0
        parts = f"{counts['complete']} finished, {counts['pruned']} pruned" + (
            f", {counts['failed']} failed" if counts["failed"] else ""
        )
        if self.running:
            total = self.form.trials.value()
            text = f"{len(self.results)} of {total} trials done · {parts} · {seconds:.0f} s"
            if self.earlier:
                text += f" · {len(self.earlier)} earlier trials in the study"
        elif self.summary is not None:
            reason = self.summary.reason[:1].upper() + self.summary.reason[1:]
            text = f"{reason}: {parts} in {self.summary.seconds:.0f} s."
            if self.earlier:
                text += f" The study holds {len(self.earlier) + len(self.results)} trials."
        else:
            text = "No search has run in this window yet."
        self.progress.setText(text)


def best_of(trials: Sequence[TrialResult], minimise: bool) -> TrialResult | None:
    """The best finished trial, as Optuna picks it (pruned trials are not candidates)."""
    done = [t for t in trials if t.state == "complete" and t.score is not None]
    if not done:
        return None
    return (min if minimise else max)(done, key=lambda t: t.score or 0.0)
