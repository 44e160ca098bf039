"""The project's run history: every training run, from Train until it finished, stopped or was
reset, kept as a `core.runs.RunRecord`. The one owner of the runs the window shows.

Records are built here, from the events the window receives anyway (`core.run_recorder`): the
run's settings are the design the window sent, its curves those the plots draw. A Train that
continues a model (after Stop, or after a finished run) extends that model's run; Reset or a
changed design starts the next run. When a run ends, its final weights are evaluated once
(`Evaluate`) for the test score, and the training process is asked to keep its final model
(`KeepRunWeights`, core.training_process.run_weights): the record says so (`RunRecord.weights`)
at once, so that a save sent right after carries it, and `RunWeightsKept` corrects it (a model
too large, or older ones let go). Runs made elsewhere (an optimizer race, a settings search)
come in through `add_new`, without weights. While a run trains, `live` is its row as the table
shows it: its figures so far (no curves), brought up to date at most once a second.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence

from PySide6.QtCore import QObject, Signal, Slot

from app.engine_link import EngineLink
from app.project import Project
from core.events import (
    BatchesEnded,
    EpochEnded,
    HyperparameterChanged,
    TrainEnded,
    TrainStarted,
)
from core.run_recorder import RunRecorder, with_test_scores
from core.runs import MAX_NAME, MAX_RUNS, RunRecord, weights_member
from core.training_process.commands import Evaluate, KeepRunWeights
from core.training_process.messages import Evaluation, RunWeightsKept

LIVE_INTERVAL_S = 1.0  # the running run's row is brought up to date at most this often


class RunHistory(QObject):
    """The runs of this project, oldest first, and which of them are drawn on the plots."""

    changed = Signal()  # a run was added, updated, renamed or deleted, or all were replaced
    ticked_changed = Signal()  # the runs drawn on the plots changed
    edited = Signal()  # the user renamed or deleted a run: the project has unsaved changes
    live_changed = Signal()  # the running run's row: shown, brought up to date, or gone

    def __init__(self, project: Project, engine: EngineLink, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.engine = engine
        self.runs: list[RunRecord] = []
        self.ticked: set[int] = set()
        self.next_number = 1
        self._recorder: RunRecorder | None = None
        # The run training now, as its row shows it (its figures, no curves), updated at most
        # every LIVE_INTERVAL_S; it joins `runs` when it ends.
        self.live: RunRecord | None = None
        self._live_at = 0.0
        self._awaiting_test: int | None = None  # the run whose test score is being measured
        engine.started.connect(self._on_started)
        engine.batches_received.connect(self._on_batches)
        engine.epochs_ended.connect(self._on_epochs)
        engine.hyperparameter_changed.connect(self._on_hyperparameter_changed)
        engine.finished.connect(self._on_finished)
        engine.evaluated.connect(self._on_evaluated)
        engine.configured.connect(self._on_configured)
        engine.run_weights_kept.connect(self._on_run_weights_kept)

    # --- reading ------------------------------------------------------------------------------

    def run(self, number: int) -> RunRecord | None:
        return next((r for r in self.runs if r.number == number), None)

    def previous(self, number: int) -> RunRecord | None:
        """The run before run `number` in the history (what its change is described against)."""
        before = None
        for r in self.runs:
            if r.number == number:
                return before
            before = r
        return None

    @property
    def shown(self) -> list[RunRecord]:
        """The runs as the table shows them: the running run in its place (a run continued) or
        last."""
        live = self.live
        if live is None:
            return self.runs
        shown = [live if r.number == live.number else r for r in self.runs]
        return shown if any(r.number == live.number for r in self.runs) else [*shown, live]

    def is_live(self, number: int) -> bool:
        """Whether run `number` is training now."""
        return self.live is not None and self.live.number == number

    @property
    def ticked_runs(self) -> list[RunRecord]:
        return [r for r in self.runs if r.number in self.ticked]

    # --- editing ------------------------------------------------------------------------------

    def add(self, run: RunRecord) -> None:
        """Keep `run`, replacing the run of the same number if there is one (a run continued)."""
        for i, old in enumerate(self.runs):
            if old.number == run.number:
                self.runs[i] = run
                break
        else:
            self.runs.append(run)
            if len(self.runs) > MAX_RUNS:  # the oldest go: a project's runs stay bounded
                for gone in self.runs[:-MAX_RUNS]:
                    self.ticked.discard(gone.number)
                del self.runs[:-MAX_RUNS]
        self.next_number = max(self.next_number, run.number + 1)
        self.changed.emit()
        if run.number in self.ticked:
            self.ticked_changed.emit()

    def add_new(self, run: RunRecord, name: str = "") -> RunRecord:
        """Keep a run made elsewhere (an optimizer race's copy, a search's trial) as the next
        run of this history: numbered after the others, named `name` or "run N"."""
        number = self.next_number
        run = dataclasses.replace(run, number=number, name=name[:MAX_NAME] or f"run {number}")
        self.add(run)
        return run

    def rename(self, number: int, name: str) -> bool:
        name = " ".join(name.split())[:MAX_NAME]
        run = self.run(number)
        if run is None or not name or name == run.name:
            return False
        self.add(dataclasses.replace(run, name=name))
        self.edited.emit()
        return True

    def delete(self, numbers: Sequence[int]) -> None:
        gone = set(numbers)
        if not gone & {r.number for r in self.runs}:
            return
        self.runs = [r for r in self.runs if r.number not in gone]
        if self._recorder is not None and self._recorder.number in gone:
            # Training this model on makes a new run: the deleted one stays deleted.
            self._recorder = self.live = None
        if self._awaiting_test in gone:
            self._awaiting_test = None
        self.changed.emit()
        self.edited.emit()
        if gone & self.ticked:
            self.ticked -= gone
            self.ticked_changed.emit()

    def set_ticked(self, number: int, on: bool) -> None:
        if on == (number in self.ticked) or self.run(number) is None:
            return
        (self.ticked.add if on else self.ticked.discard)(number)
        self.ticked_changed.emit()

    def replace_all(self, runs: Sequence[RunRecord]) -> None:
        """Show another project's runs (opened), or none (File > New)."""
        self.runs = list(runs)[-MAX_RUNS:]
        self.next_number = max((r.number for r in self.runs), default=0) + 1
        self._recorder = self.live = None
        self._awaiting_test = None
        had_ticks = bool(self.ticked)
        self.ticked = set()
        self.changed.emit()
        if had_ticks:
            self.ticked_changed.emit()

    # --- the engine's events ------------------------------------------------------------------

    def _show_live(self, now: bool = False) -> None:
        recorder, at = self._recorder, time.monotonic()
        if recorder is None or (not now and at - self._live_at < LIVE_INTERVAL_S):
            return
        self._live_at = at
        self.live = dataclasses.replace(recorder.record(with_curves=False), outcome="training")
        self.live_changed.emit()

    def _end_live(self) -> None:
        if self.live is not None:
            self.live = None
            self.live_changed.emit()

    @Slot(object)
    def _on_configured(self, _info: object) -> None:
        self._recorder = None  # a new model: the next Train is a new run
        self._end_live()

    @Slot(object)
    def _on_started(self, event: TrainStarted) -> None:
        recorder = self._recorder
        if recorder is None or event.step == 0 or recorder.step != event.step:
            p = self.project
            number = self.next_number
            self.next_number += 1
            recorder = RunRecorder(number, f"run {number}", p.data, p.network, p.config)
            self._recorder = recorder
        recorder.on_train_start(event)
        self._show_live(now=True)

    @Slot(list)
    def _on_batches(self, events: list[BatchesEnded]) -> None:
        if self._recorder is not None:
            for e in events:
                self._recorder.on_train_batch_end(e)

    @Slot(list)
    def _on_epochs(self, events: list[EpochEnded]) -> None:
        if self._recorder is not None:
            for e in events:
                self._recorder.on_train_epoch_end(e)
            self._show_live()

    @Slot(object)
    def _on_hyperparameter_changed(self, event: HyperparameterChanged) -> None:
        if self._recorder is not None:
            self._recorder.on_hyperparameter_changed(event)

    @Slot(object)
    def _on_finished(self, event: TrainEnded) -> None:
        recorder = self._recorder
        if recorder is None:
            return
        recorder.on_train_end(event)
        self.live = None  # the record below takes its row (`changed`), or it goes (`live_changed`)
        if recorder.step == 0:  # stopped before its first step: nothing to keep
            self.live_changed.emit()
            self._recorder = None
            return
        if event.outcome == "failed" or not self.engine.is_ready:
            self.add(recorder.record())
            return
        number = recorder.number
        self.add(dataclasses.replace(recorder.record(), weights=weights_member(number)))
        self.engine.send(KeepRunWeights(number, recorder.step, tuple(r.number for r in self.runs)))
        self._awaiting_test = number
        self.engine.send(Evaluate())

    @Slot(object)
    def _on_run_weights_kept(self, answer: RunWeightsKept) -> None:
        gone = set(answer.dropped) | (set() if answer.kept else {answer.number})
        marked = [i for i, r in enumerate(self.runs) if r.number in gone and r.weights]
        for i in marked:
            self.runs[i] = dataclasses.replace(self.runs[i], weights=None)
        if marked:
            self.changed.emit()

    @Slot(object)
    def _on_evaluated(self, evaluation: Evaluation) -> None:
        number = self._awaiting_test
        run = None if number is None else self.run(number)
        if run is None or evaluation.step != run.steps:
            return
        self._awaiting_test = None
        for part in evaluation.splits:
            if part.split == "test":
                report = part.report
                metric = report.get("accuracy" if run.metric == "accuracy" else "r2")
                self.add(with_test_scores(run, report.get("loss"), metric))
