"""Building a `RunRecord` from a run's events, wherever the events arrive (torch-free).

The window feeds its recorder the events it draws; a training process (an optimizer race, a
settings search) can add one to a trainer's callbacks, since `RunRecorder` is a `Callback`.
Memory stays bounded over any number of steps: past `KEEP` points a series is halved by
averaging neighbours, and `record()` downsamples to `core.runs.MAX_POINTS`.
"""

from __future__ import annotations

import dataclasses
import math
from datetime import UTC, datetime, timedelta

import numpy as np

from core.data_spec import DataSpec
from core.events import (
    BatchesEnded,
    Callback,
    EpochEnded,
    HyperparameterChanged,
    TrainEnded,
    TrainStarted,
)
from core.runs import (
    GRADIENT,
    LEARNING_RATE,
    LOSS_STEP,
    LOSS_TRAIN,
    LOSS_VAL,
    MAX_GRADIENT_LAYERS,
    MAX_POINTS,
    METRIC_TRAIN,
    METRIC_VAL,
    Curve,
    RunRecord,
    RunScores,
    downsample,
)
from core.spec import NetworkSpec, TrainConfig

KEEP = 8 * MAX_POINTS  # points held per series while a run goes on
FLOOR = 1e-12  # a zero gradient has no logarithm


class _Series:
    """x and one or more y columns. Each stored point is the mean of `stride` points added;
    past KEEP stored points, neighbours are averaged and the stride doubles, so every stored
    point stands for as many points as the others.

    Adding only queues the arrays (a list append: the window adds on the GUI thread, 30 times
    a second); they are folded in once KEEP points have queued up, and when a curve is read.
    """

    def __init__(self, columns: int) -> None:
        self.x = np.empty(0)
        self.y = np.empty((0, columns))
        self.stride = 1
        self._queued_x: list[np.ndarray] = []
        self._queued_y: list[np.ndarray] = []
        self._queued = 0

    def __len__(self) -> int:
        return len(self.x) + self._queued

    def add(self, x: np.ndarray, y: np.ndarray) -> None:
        self._queued_x.append(np.asarray(x, dtype=np.float64).reshape(-1))
        self._queued_y.append(np.asarray(y, dtype=np.float64).reshape(len(self._queued_x[-1]), -1))
        self._queued += len(self._queued_x[-1])
        if self._queued >= KEEP:
            self._fold()

    def _fold(self) -> None:
        """Fold the queued points in, in groups of `stride` (a short last group stays queued)."""
        if not self._queued:
            return
        px, py = np.concatenate(self._queued_x), np.concatenate(self._queued_y)
        k = len(px) // self.stride * self.stride
        self._queued_x, self._queued_y = [px[k:]], [py[k:]]
        self._queued = len(px) - k
        if k:
            self.x = np.concatenate([self.x, _means(px[:k, None], self.stride)[:, 0]])
            self.y = np.concatenate([self.y, _means(py[:k], self.stride)])
        while len(self.x) > KEEP:
            n = len(self.x) // 2 * 2  # an odd last point stays as it is
            self.x = np.concatenate([_means(self.x[:n, None], 2)[:, 0], self.x[n:]])
            self.y = np.concatenate([_means(self.y[:n], 2), self.y[n:]])
            self.stride *= 2

    def values(self) -> tuple[np.ndarray, np.ndarray]:
        """Every point so far: the stored ones and, last, the mean of those still queued."""
        self._fold()
        x, y = self.x, self.y
        if self._queued:
            rest_x, rest_y = np.concatenate(self._queued_x), np.concatenate(self._queued_y)
            x = np.concatenate([x, _means(rest_x[:, None], len(rest_x))[:, 0]])
            y = np.concatenate([y, _means(rest_y, len(rest_y))])
        return x, y

    def curve(self, column: int = 0, transform: str = "") -> Curve:
        x, ys = self.values()
        y = ys[:, column]
        if transform == "exp10":
            y = 10.0**y
        return downsample(x, y)


def _means(values: np.ndarray, size: int) -> np.ndarray:
    """Means of consecutive groups of `size` rows, NaN left out (all NaN: NaN)."""
    groups = values.reshape(-1, size, values.shape[1])
    finite = np.isfinite(groups)
    counts = finite.sum(axis=1)
    sums = np.where(finite, groups, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)


def started_ago(seconds: float) -> str:
    """When something that took `seconds` and ends now started: ISO 8601, UTC, to the second."""
    return (datetime.now(UTC) - timedelta(seconds=seconds)).isoformat(timespec="seconds")


class RunRecorder(Callback):
    """Collects one run's events (over pauses and continued Trains) into a `RunRecord`."""

    def __init__(
        self, number: int, name: str, data: DataSpec, network: NetworkSpec, config: TrainConfig
    ) -> None:
        self.number, self.name = number, name
        self.data, self.network, self.config = data, network, config
        self.started = started_ago(0.0)
        self.metric = "accuracy"
        self.device = ""
        self.layer_names: tuple[str, ...] = ()
        self.steps = _Series(1)
        self.epochs = _Series(4)  # train loss, validation loss, train metric, validation metric
        self.rates = _Series(1)
        self.gradients: _Series | None = None
        self.epoch = self.step = 0
        self.outcome = "stopped"
        self.seconds = 0.0
        self._seconds_before = 0.0
        self._last: EpochEnded | None = None
        self._best_val_loss = math.inf
        self._best_train_loss = math.inf
        self._best_metric = -math.inf
        self._best_epoch = 0

    # --- events -------------------------------------------------------------------------------

    def on_train_start(self, event: TrainStarted) -> None:
        self.metric = event.metric
        self.device = event.device_name
        self._seconds_before = self.seconds
        if event.layer_names != self.layer_names:
            self.layer_names = event.layer_names
            self.gradients = _Series(len(event.layer_names))
        self.rates.add(np.array([event.step]), np.array([self.config.learning_rate]))
        self.step = event.step

    def on_train_batch_end(self, event: BatchesEnded) -> None:
        xs = event.first_step + np.arange(len(event.loss))
        self.steps.add(xs, event.loss)
        norms = event.grad_norms
        if (
            self.gradients is not None
            and norms.ndim == 2
            and norms.shape[1] == len(self.layer_names)
        ):
            self.gradients.add(xs, np.log10(np.maximum(norms, FLOOR)))
        self.step = int(xs[-1]) if len(xs) else self.step

    def on_train_epoch_end(self, event: EpochEnded) -> None:
        self.epochs.add(
            np.array([event.step]),
            np.array([[event.train_loss, event.val_loss, event.train_metric, event.val_metric]]),
        )
        self.rates.add(np.array([event.step]), np.array([event.learning_rate]))
        self.metric = event.metric
        self.epoch, self.step = event.epoch, event.step
        self.seconds = self._seconds_before + event.elapsed
        self._last = event
        if event.val_loss < self._best_val_loss:  # NaN (no validation rows) never is
            self._best_val_loss, self._best_epoch = event.val_loss, event.epoch
        if math.isinf(self._best_val_loss) and event.train_loss < self._best_train_loss:
            self._best_train_loss, self._best_epoch = event.train_loss, event.epoch
        if event.val_metric > self._best_metric:
            self._best_metric = event.val_metric

    def on_hyperparameter_changed(self, event: HyperparameterChanged) -> None:
        if event.name == "learning_rate":
            self.rates.add(np.array([event.step]), np.array([event.value]))

    def on_train_end(self, event: TrainEnded) -> None:
        self.outcome = event.outcome
        self.epoch, self.step = event.epoch, event.step

    def add(self, events: list[object]) -> None:
        """Feed events of any kind, in order (the window's `Events` messages)."""
        for event in events:
            match event:
                case TrainStarted():
                    self.on_train_start(event)
                case BatchesEnded():
                    self.on_train_batch_end(event)
                case EpochEnded():
                    self.on_train_epoch_end(event)
                case HyperparameterChanged():
                    self.on_hyperparameter_changed(event)
                case TrainEnded():
                    self.on_train_end(event)

    # --- the record ---------------------------------------------------------------------------

    def record(self, with_curves: bool = True) -> RunRecord:
        """The run as it stands (a run still going on reads as stopped); `with_curves=False`:
        its figures only, for a table row brought up to date while it trains."""
        curves = self._curves() if with_curves else []
        return RunRecord(
            number=self.number,
            name=self.name,
            data=self.data,
            network=self.network,
            config=self.config,
            metric=self.metric,
            epochs=self.epoch,
            steps=self.step,
            outcome=self.outcome,
            seconds=round(self.seconds, 3),
            device=self.device,
            started=self.started,
            scores=self._scores(),
            curves=tuple(curves),
        )

    def _curves(self) -> list[tuple[str, Curve]]:
        curves: list[tuple[str, Curve]] = []
        if len(self.steps):
            curves.append((LOSS_STEP, self.steps.curve()))
        if len(self.epochs):
            names = (LOSS_TRAIN, LOSS_VAL, METRIC_TRAIN, METRIC_VAL)
            epochs = self.epochs.values()[1]
            for i, name in enumerate(names):
                if np.isfinite(epochs[:, i]).any():
                    curves.append((name, self.epochs.curve(i)))
        if len(self.rates):
            curves.append((LEARNING_RATE, self.rates.curve()))
        if self.gradients is not None and len(self.gradients):
            for i, layer in enumerate(self.layer_names[:MAX_GRADIENT_LAYERS]):
                curves.append((GRADIENT + layer, self.gradients.curve(i, "exp10")))
        return curves

    def _scores(self) -> RunScores:
        last = self._last
        if last is None:
            return RunScores()
        return RunScores(
            train_loss=_number(last.train_loss),
            val_loss=_number(last.val_loss),
            train_metric=_number(last.train_metric),
            val_metric=_number(last.val_metric),
            best_val_loss=_number(self._best_val_loss),
            best_val_metric=_number(self._best_metric),
            best_epoch=self._best_epoch,
        )


def _number(v: float) -> float | None:
    return float(v) if math.isfinite(v) else None


def with_test_scores(run: RunRecord, loss: float | None, metric: float | None) -> RunRecord:
    """The run with its final weights' scores on the test rows."""
    scores = dataclasses.replace(
        run.scores,
        test_loss=None if loss is None else _number(loss),
        test_metric=None if metric is None else _number(metric),
    )
    return dataclasses.replace(run, scores=scores)
