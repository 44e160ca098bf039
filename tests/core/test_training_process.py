"""The training process: commands reach it, events come back batched, failures never kill it."""

from __future__ import annotations

import multiprocessing as mp
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import numpy as np
import pandas as pd
import pytest

from core.columns import auto_data_spec
from core.data_spec import CsvSource, DataSpec, ToySource
from core.dataset import load_frame, prepare_data, split_rows
from core.errors import SpecError
from core.events import (
    BatchesEnded,
    EpochEnded,
    Event,
    EventForwarder,
    HyperparameterChanged,
    TrainEnded,
    TrainPaused,
    TrainResumed,
    TrainStarted,
)
from core.modelfile import load_model
from core.plot_points import TRAIN, PlotPoints
from core.spec import NetworkSpec, TrainConfig
from core.trainer import Trainer
from core.training_process.client import TrainingProcess
from core.training_process.commands import (
    Configure,
    Evaluate,
    Pause,
    Predict,
    Resume,
    SaveModel,
    SetLive,
    SetPlane,
    Step,
    Stop,
    Train,
)
from core.training_process.messages import (
    GRID,
    UNIT_GRID,
    Configured,
    Evaluation,
    Events,
    Failed,
    Message,
    ModelSaved,
    Predicted,
    ProcessDied,
    Ready,
    Snapshot,
)
from core.workflow import dense_network

T = TypeVar("T")

TIMEOUT = 60.0  # generous: a loaded 2-core machine spawns torch slowly
SOURCE = ToySource("xor", samples=400, noise=0.0, seed=1)
TINY = dense_network([8, 8], activation="tanh")


def data_spec(source: ToySource = SOURCE) -> DataSpec:
    return auto_data_spec(load_frame(source), source, "label")


def config(**kw: object) -> TrainConfig:
    return TrainConfig(**{"device": "cpu", "learning_rate": 0.03, **kw})  # type: ignore[arg-type]


class Inbox:
    """Everything a TrainingProcess sent, with the events unpacked in order."""

    def __init__(self, remote: TrainingProcess) -> None:
        self.remote = remote
        self.messages: list[Message] = []
        self.events: list[Event] = []

    def wait(
        self, kind: type[T], where: Callable[[T], bool] | None = None, timeout: float = TIMEOUT
    ) -> T:
        """Poll until a message or event of `kind` (satisfying `where`) arrives; return it."""
        deadline = time.monotonic() + timeout
        seen_m = seen_e = 0
        while True:
            for item in [*self.messages[seen_m:], *self.events[seen_e:]]:
                if isinstance(item, kind) and (where is None or where(item)):
                    return item
            seen_m, seen_e = len(self.messages), len(self.events)
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"no {kind.__name__} in time; last messages: {self.messages[-5:]}"
                )
            self.take(self.remote.poll(0.05))

    def take(self, messages: list[Message]) -> None:
        for m in messages:
            self.messages.append(m)
            if isinstance(m, Events):
                self.events.extend(m.events)

    def clear(self) -> None:
        self.messages.clear()
        self.events.clear()

    def of(self, kind: type[T]) -> list[T]:
        return [x for x in (*self.messages, *self.events) if isinstance(x, kind)]


@pytest.fixture(scope="module")
def shared() -> Iterator[Inbox]:
    remote = TrainingProcess()
    remote.start()
    inbox = Inbox(remote)
    inbox.wait(Ready)
    yield inbox
    remote.close()


@pytest.fixture
def inbox(shared: Inbox) -> Inbox:
    """The shared trainer, idle and with nothing left over from an earlier test."""
    shared.remote.send(Stop())
    time.sleep(0.05)
    shared.take(shared.remote.poll(0.1))
    shared.clear()
    return shared


def configure(
    inbox: Inbox, spec: DataSpec | None = None, network: NetworkSpec = TINY, **kw: object
) -> Configured:
    inbox.clear()
    inbox.remote.send(Configure(spec or data_spec(), network, config(**kw)))
    found = inbox.wait(object, lambda m: isinstance(m, (Configured, Failed)))
    assert isinstance(found, Configured), found
    return found


def losses(events: list[Event]) -> np.ndarray:
    return np.concatenate([e.loss for e in events if isinstance(e, BatchesEnded)])


def test_ready_offers_the_cpu(shared: Inbox) -> None:
    ready = shared.of(Ready)[0]
    assert "cpu" in [d.name for d in ready.devices]


def test_training_reports_batched_events_and_the_loss_falls(inbox: Inbox) -> None:
    configured = configure(inbox, epochs=15)
    assert configured.class_names == ("blue", "orange")
    assert configured.n_train + configured.n_val == 400
    inbox.remote.send(Train())
    ended = inbox.wait(TrainEnded)
    assert ended.outcome == "finished"
    epochs = inbox.of(EpochEnded)
    assert [e.epoch for e in epochs] == list(range(1, 16))
    assert epochs[-1].train_loss < 0.7 * epochs[0].train_loss
    # Every step arrives exactly once, in order, far fewer messages than steps.
    batches = inbox.of(BatchesEnded)
    steps = np.concatenate([b.first_step + np.arange(len(b.loss)) for b in batches])
    assert steps.tolist() == list(range(1, 15 * configured.steps_per_epoch + 1))
    assert len(inbox.of(Events)) < len(steps)
    assert batches[0].grad_norms.shape[1] == len(configured.layer_names)


def test_snapshot_shows_the_decision_surface_and_the_small_network(inbox: Inbox) -> None:
    configured = configure(inbox, epochs=30)
    assert configured.plane_features == ("x1", "x2")
    first = inbox.wait(Snapshot)
    # With them, the data points to draw: the engine's own split, the window splits nothing.
    points = inbox.wait(PlotPoints)
    assert points.features == ("x1", "x2")
    split = split_rows(data_spec(), load_frame(SOURCE))
    train = load_frame(SOURCE)[["x1", "x2"]].to_numpy(np.float32)[split.kept[split.parts[0]]]
    np.testing.assert_array_equal(points.x[points.split == TRAIN], train)
    inbox.remote.send(Train())
    inbox.wait(TrainEnded)
    last = inbox.of(Snapshot)[-1]
    assert isinstance(first, Snapshot) and isinstance(last, Snapshot)
    assert last.kind == "probability" and last.output is not None
    assert last.output.shape == (GRID, GRID)
    assert last.output.min() >= 0 and last.output.max() <= 1
    assert last.step == 30 * configured.steps_per_epoch  # the final state is always shown
    # xor: opposite quadrants share a class, so the surface must have learnt to tell them apart.
    q = GRID // 4
    corners = last.output[[q, q, -q, -q], [q, -q, q, -q]]
    assert abs(corners[0] - corners[3]) < 0.5 and abs(corners[1] - corners[2]) < 0.5
    assert abs(corners[0] - corners[1]) > 0.5
    assert last.dense_names == ("dense1", "dense2", "output")
    assert [w.shape for w in last.weights] == [(8, 2), (8, 8), (1, 8)]
    assert [u.shape for u in last.units] == [(8, UNIT_GRID, UNIT_GRID)] * 2
    assert np.abs(last.units[0]).max() <= 1  # tanh
    assert not np.array_equal(first.weights[0], last.weights[0])


def test_same_seed_gives_the_same_training_as_in_process(inbox: Inbox) -> None:
    spec = data_spec()
    configure(inbox, spec, epochs=3, seed=7)
    inbox.remote.send(Train())
    inbox.wait(TrainEnded)
    remote_losses = losses(inbox.events)

    local_events: list[Event] = []
    forward = EventForwarder(local_events.append)
    trainer = Trainer(TINY, prepare_data(spec), config(epochs=3, seed=7), callbacks=[forward])
    trainer.fit()
    np.testing.assert_array_equal(remote_losses, losses(local_events))


def test_pause_step_resume_and_stop(inbox: Inbox) -> None:
    configure(inbox, epochs=0)
    remote = inbox.remote
    remote.send(Train())
    inbox.wait(BatchesEnded)
    remote.send(Pause())
    paused = inbox.wait(TrainPaused)
    inbox.take(remote.poll(0.5))
    assert max(b.first_step + len(b.loss) - 1 for b in inbox.of(BatchesEnded)) == paused.step

    inbox.clear()
    remote.send(Step(3))
    paused_again = inbox.wait(TrainPaused)
    assert paused_again.step == paused.step + 3
    assert len(losses(inbox.events)) == 3

    remote.send(Resume())
    inbox.wait(TrainResumed)
    inbox.wait(BatchesEnded, lambda e: e.first_step > paused_again.step + 10)
    remote.send(Stop())
    ended = inbox.wait(TrainEnded)
    assert ended.outcome == "stopped"


def test_step_when_idle_runs_that_many_batches_then_pauses(inbox: Inbox) -> None:
    configure(inbox, epochs=0)
    inbox.remote.send(Step(5))
    started = inbox.wait(TrainStarted)
    paused = inbox.wait(TrainPaused)
    assert paused.step == started.step + 5
    inbox.remote.send(Stop())
    inbox.wait(TrainEnded)


def test_live_learning_rate_change_arrives_and_takes_effect(inbox: Inbox) -> None:
    configure(inbox, epochs=0, learning_rate=0.01)
    inbox.remote.send(Train())
    inbox.wait(EpochEnded)
    inbox.remote.send(SetLive("learning_rate", 0.002))
    changed = inbox.wait(HyperparameterChanged)
    assert (changed.name, changed.value) == ("learning_rate", 0.002)
    later = inbox.wait(EpochEnded, lambda e: e.step > changed.step)
    assert later.learning_rate == pytest.approx(0.002)
    inbox.remote.send(Stop())
    inbox.wait(TrainEnded)


def test_reconfigure_while_training_then_train_starts_the_new_design(inbox: Inbox) -> None:
    configure(inbox, epochs=0)
    inbox.remote.send(Train())
    inbox.wait(BatchesEnded)
    inbox.clear()
    wider = dense_network([12], activation="relu")
    inbox.remote.send(Configure(data_spec(), wider, config(epochs=2)))
    inbox.remote.send(Train())
    assert inbox.wait(TrainEnded).outcome == "stopped"
    assert inbox.wait(Configured).layer_names == ("dense1", "output")
    started = inbox.wait(TrainStarted)
    assert started.layer_names == ("dense1", "output") and started.step == 0
    assert inbox.wait(TrainEnded, lambda e: e.outcome == "finished").epoch == 2


def test_invalid_live_value_is_an_error_message(inbox: Inbox) -> None:
    configure(inbox)
    with pytest.raises(SpecError, match="learning rate must be above 0"):
        SetLive("learning_rate", -1.0)  # refused before it is sent
    with pytest.raises(SpecError, match="cannot change while training"):
        SetLive("epochs", 3)


def test_bad_configuration_is_an_error_and_the_process_keeps_working(inbox: Inbox) -> None:
    good = data_spec()
    renamed = DataSpec(
        good.source,
        tuple(c if c.name != "x2" else type(c)("height", c.role, c.kind) for c in good.columns),
    )
    inbox.remote.send(Configure(renamed, TINY, config()))
    error = inbox.wait(Failed)
    # The message names the column that is not there.
    assert error.command is Configure and "height" in error.message
    inbox.clear()
    inbox.remote.send(Train())  # nothing is configured now
    error = inbox.wait(Failed, lambda m: m.command is Train)
    assert "choose data and a network" in error.message

    configure(inbox, good, epochs=1)
    inbox.remote.send(Train())
    assert inbox.wait(TrainEnded).outcome == "finished"


def test_configuring_again_starts_over_from_the_seed(inbox: Inbox) -> None:
    configure(inbox, epochs=2, seed=3)
    fresh = inbox.wait(Snapshot)
    inbox.remote.send(Train())
    inbox.wait(TrainEnded)
    inbox.clear()
    inbox.remote.send(Configure(data_spec(), TINY, config(epochs=2, seed=3)))  # Reset
    configured = inbox.wait(Configured)
    again = inbox.wait(Snapshot)
    assert configured.seed == 3 and again.step == 0
    np.testing.assert_array_equal(again.weights[0], fresh.weights[0])


def test_save_model_writes_a_file_that_predicts(inbox: Inbox, tmp_path: Path) -> None:
    configure(inbox, epochs=5)
    inbox.remote.send(Train())
    inbox.wait(TrainEnded)
    path = tmp_path / "xor.nnp"
    inbox.remote.send(SaveModel(str(path)))
    saved = inbox.wait(object, lambda m: isinstance(m, (ModelSaved, Failed)))
    assert saved == ModelSaved(str(path))
    model = load_model(path)
    assert model.summary["epochs"] == 5 and model.class_names == ("blue", "orange")


def test_regression_and_multiclass_snapshots(inbox: Inbox, tmp_path: Path) -> None:
    plane = ToySource("plane", samples=200)
    configure(inbox, auto_data_spec(load_frame(plane), plane, "y", task="regression"))
    snap = inbox.wait(Snapshot)
    assert snap.kind == "value" and snap.output is not None and np.isfinite(snap.output).all()

    rng = np.random.default_rng(0)
    centres = {"a": (0, 0), "b": (5, 0), "c": (0, 5)}
    rows = [
        (x + rng.normal(), y + rng.normal(), k) for k, (x, y) in centres.items() for _ in range(40)
    ]
    csv = tmp_path / "three.csv"
    pd.DataFrame(rows, columns=["u", "v", "kind"]).to_csv(csv, index=False)
    source = CsvSource(str(csv))
    configure(inbox, auto_data_spec(load_frame(source), source, "kind"))
    snap = inbox.wait(Snapshot)
    assert snap.kind == "class" and snap.confidence is not None and snap.output is not None
    assert set(np.unique(snap.output)) <= {0.0, 1.0, 2.0}
    assert (snap.confidence >= 1 / 3 - 1e-6).all()


def test_message_rate_stays_low_at_full_speed(inbox: Inbox) -> None:
    # One full batch per epoch on a few rows: hundreds of events a second, the worst flood.
    small = ToySource("xor", samples=100, seed=1)
    configure(inbox, auto_data_spec(load_frame(small), small, "label"), epochs=0, batch_size=0)
    inbox.remote.send(Train())
    inbox.wait(TrainStarted)
    inbox.clear()
    start = time.monotonic()
    while time.monotonic() - start < 2.0:
        inbox.take(inbox.remote.poll(0.01))
    elapsed = time.monotonic() - start
    inbox.remote.send(Stop())
    inbox.wait(TrainEnded)
    assert len(inbox.of(EpochEnded)) >= 20  # it was training
    assert len(inbox.messages) / elapsed < 40


def test_killed_process_is_reported_once_and_start_recovers() -> None:
    remote = TrainingProcess()
    remote.start()
    inbox = Inbox(remote)
    try:
        inbox.wait(Ready)
        process = remote.process
        assert process is not None
        process.kill()
        died = inbox.wait(ProcessDied)
        assert died.exitcode == -9
        assert remote.poll(0.1) == []  # once
        remote.send(Train())  # a command to a dead process is not an exception

        remote.start()
        respawned = remote.process
        assert respawned is not None and respawned.pid != process.pid
        inbox.wait(Ready)
        configure(inbox, epochs=0)
        remote.send(Train())
        inbox.wait(BatchesEnded)  # close() while training
    finally:
        remote.close()
    assert not remote.is_alive() and not process.is_alive() and not respawned.is_alive()
    assert {process.pid, respawned.pid}.isdisjoint(p.pid for p in mp.active_children())


# --- evaluation, prediction and the plane over chosen features ---------------------------------

DATA = Path(__file__).resolve().parents[2] / "resources" / "data"


def csv_spec(name: str, target: str, **kw: object) -> DataSpec:
    source = CsvSource(str(DATA / name))
    return auto_data_spec(load_frame(source), source, target, **kw)  # type: ignore[arg-type]


def train_and_save(inbox: Inbox, tmp_path: Path, spec: DataSpec, epochs: int = 5) -> Path:
    """Train `spec` for a few epochs in the child; save the model as the window would."""
    configure(inbox, spec, dense_network([8]), epochs=epochs, batch_size=32)
    inbox.remote.send(Train())
    inbox.wait(TrainEnded)
    path = tmp_path / "model.nnp"
    inbox.remote.send(SaveModel(str(path)))
    assert inbox.wait(object, lambda m: isinstance(m, (ModelSaved, Failed))) == ModelSaved(
        str(path)
    )
    return path


def answer(inbox: Inbox, kind: type[T]) -> T:
    found = inbox.wait(object, lambda m: isinstance(m, (kind, Failed)))
    assert isinstance(found, kind), found
    return found


def test_evaluate_reports_what_nnplay_evaluate_reports_on_each_split(
    inbox: Inbox, tmp_path: Path
) -> None:
    from core.predict import evaluate_frame

    spec = csv_spec("iris.csv", "species", val_fraction=0.2, test_fraction=0.2)
    model = load_model(train_and_save(inbox, tmp_path, spec))
    inbox.remote.send(Evaluate())
    evaluation = answer(inbox, Evaluation)
    assert [s.split for s in evaluation.splits] == ["val", "test"]
    assert evaluation.epoch == 5
    frame = load_frame(spec.source)
    split = split_rows(spec, frame)
    for part, rows in zip(
        evaluation.splits, (split.kept[split.parts[1]], split.kept[split.parts[2]]), strict=True
    ):
        assert part.report == evaluate_frame(model, frame.iloc[rows])
        assert part.report["n"] == len(rows) == 30
        assert np.sum(part.report["confusion_matrix"]) == 30
        assert part.actual is None and part.predicted is None


def test_regression_evaluation_sends_the_values_behind_its_metrics(inbox: Inbox) -> None:
    spec = csv_spec("diabetes.csv", "progression")
    configure(inbox, spec, dense_network([8]), epochs=3, batch_size=32)
    inbox.remote.send(Evaluate())  # untrained weights are evaluated too
    (part,) = answer(inbox, Evaluation).splits
    assert part.split == "val" and part.report["task"] == "regression"
    assert part.actual is not None and part.predicted is not None
    assert len(part.actual) == part.report["n"] == 88  # 20 % of 442 rows
    # In the target's own units: progression runs from 25 to 346.
    assert part.actual.min() >= 25 and part.actual.max() <= 346
    err = part.predicted - part.actual
    assert part.report["rmse"] == pytest.approx(np.sqrt(np.mean(err**2)))
    assert part.report["mae"] == pytest.approx(np.mean(np.abs(err)))


def test_predict_is_nnplay_predict_and_names_what_is_wrong(inbox: Inbox, tmp_path: Path) -> None:
    from core.predict import predict_frame

    spec = csv_spec("iris.csv", "species")
    model = load_model(train_and_save(inbox, tmp_path, spec, epochs=3))
    frame = load_frame(spec.source).drop(columns=["species"]).iloc[::7]
    frame["extra"] = "ignored"
    inbox.remote.send(Predict(frame, "a"))
    predicted = answer(inbox, Predicted)
    expected = predict_frame(model, frame)
    assert predicted.request == "a" and predicted.epoch == 3
    pd.testing.assert_frame_equal(
        predicted.predictions.as_frame(frame), expected.as_frame(frame), check_exact=True
    )
    inbox.clear()
    inbox.remote.send(Predict(spec.source.path, "by path"))  # type: ignore[union-attr]
    assert answer(inbox, Predicted).request == "by path"

    inbox.clear()
    inbox.remote.send(Predict(frame.drop(columns=["petal_width", "sepal_length"]), "b"))
    error = answer(inbox, Failed)
    assert error.command is Predict and error.request == "b"
    assert "'sepal_length'" in error.message and "'petal_width'" in error.message
    bad = frame.astype({"sepal_width": object})
    bad.iloc[2, bad.columns.get_loc("sepal_width")] = "wide"
    inbox.clear()
    inbox.remote.send(Predict(bad, "c"))
    error = answer(inbox, Failed)
    assert "'sepal_width'" in error.message and "'wide' is not a number" in error.message
    inbox.clear()
    inbox.remote.send(Predict(frame.iloc[:1], "d"))  # the process is still working
    assert answer(inbox, Predicted).request == "d"


def test_plane_over_two_chosen_features_holds_the_others_at_their_median(
    inbox: Inbox, tmp_path: Path
) -> None:
    from core.predict import predict_frame

    spec = csv_spec("iris.csv", "species")
    model = load_model(train_and_save(inbox, tmp_path, spec, epochs=3))
    configured = inbox.of(Configured)[-1]
    assert configured.plane_features == ("petal_length", "petal_width")  # core.plane's default
    assert configured.preprocessor is not None
    assert configured.preprocessor.feature_names == (
        "sepal_length",
        "sepal_width",
        "petal_length",
        "petal_width",
    )
    inbox.clear()
    inbox.remote.send(SetPlane("sepal_length", "sepal_width"))
    snap = answer(inbox, Snapshot)
    assert snap.features == ("sepal_length", "sepal_width") and snap.extent is not None
    assert inbox.wait(PlotPoints).features == ("sepal_length", "sepal_width")
    xmin, xmax, ymin, ymax = snap.extent
    assert xmin < 4.3 and xmax > 7.9 and ymin < 2.0 and ymax > 4.4  # the features' own units

    frame = load_frame(spec.source)
    split = split_rows(spec, frame)
    train = frame.iloc[split.kept[split.parts[0]]]
    xs = xmin + (np.arange(GRID) + 0.5) * (xmax - xmin) / GRID
    ys = ymin + (np.arange(GRID) + 0.5) * (ymax - ymin) / GRID
    gx, gy = np.meshgrid(xs, ys)
    grid = pd.DataFrame(
        {
            "sepal_length": gx.ravel(),
            "sepal_width": gy.ravel(),
            "petal_length": np.median(train["petal_length"]),
            "petal_width": np.median(train["petal_width"]),
        }
    )
    probs = predict_frame(model, grid).probabilities
    assert probs is not None and snap.kind == "class" and snap.confidence is not None
    np.testing.assert_allclose(snap.confidence.ravel(), probs.max(axis=1), atol=1e-5)

    inbox.clear()
    inbox.remote.send(SetPlane("sepal_length", "species"))
    error = answer(inbox, Failed)
    assert error.command is SetPlane and "'species' is not a numeric feature" in error.message
    # The choice is kept when the data is configured again.
    configured = configure(inbox, spec, dense_network([8]), epochs=1)
    assert configured.plane_features == ("sepal_length", "sepal_width")


def test_held_values_move_the_slice_and_default_to_the_medians(
    inbox: Inbox, tmp_path: Path
) -> None:
    frame = load_frame(CsvSource(str(DATA / "iris.csv")))
    frame["garden"] = np.where(np.arange(len(frame)) % 3 == 0, "north", "south")
    path = tmp_path / "gardens.csv"
    frame.to_csv(path, index=False)
    source = CsvSource(str(path))
    spec = auto_data_spec(load_frame(source), source, "species")
    configure(inbox, spec, dense_network([8]), epochs=1)
    inbox.clear()
    inbox.remote.send(SetPlane("sepal_length", "sepal_width"))  # nothing held: the defaults
    sepals = ("sepal_length", "sepal_width")
    typical = inbox.wait(Snapshot, lambda s: s.features == sepals)

    split = split_rows(spec, frame)
    train = frame.iloc[split.kept[split.parts[0]]]
    medians = {name: float(np.median(train[name])) for name in ("petal_length", "petal_width")}
    assert dict(typical.held) == {**medians, "garden": "south"}
    configured = configure(inbox, spec, dense_network([8]), epochs=1)
    ranges = {r.name: r for r in configured.feature_ranges}
    assert list(ranges) == ["sepal_length", "sepal_width", "petal_length", "petal_width", "garden"]
    assert ranges["petal_length"].default == medians["petal_length"]
    assert (ranges["petal_length"].low, ranges["petal_length"].high) == (
        train["petal_length"].min(),
        train["petal_length"].max(),
    )
    assert ranges["garden"].categories == ("north", "south") and not ranges["garden"].numeric
    assert ranges["garden"].default == "south"
    assert dict(configured.held) == dict(typical.held)
    typical = inbox.wait(Snapshot)  # the rebuilt model's, over the plane kept
    inbox.wait(PlotPoints)  # sent with it

    inbox.clear()
    held = (("petal_length", 6.5), ("garden", "north"))
    inbox.remote.send(SetPlane("sepal_length", "sepal_width", held))
    moved = answer(inbox, Snapshot)
    assert dict(moved.held) == {
        "petal_length": 6.5,
        "petal_width": medians["petal_width"],
        "garden": "north",
    }
    assert typical.confidence is not None and moved.confidence is not None
    assert np.abs(moved.confidence - typical.confidence).max() > 1e-3  # another slice
    assert not inbox.of(PlotPoints)  # the points lie where they did

    for bad, words in (
        (("garden", "east"), "'east' is not a category of 'garden'; choose among: north, south"),
        (("petal_width", "wide"), "hold 'petal_width' at a number"),
        (("petal_width", float("nan")), "hold 'petal_width' at a number"),
        (("colour", 1.0), "'colour' is not a feature"),
    ):
        inbox.clear()
        inbox.remote.send(SetPlane("sepal_length", "sepal_width", (bad,)))
        error = answer(inbox, Failed)
        assert error.command is SetPlane and words in error.message, error.message
    # The held values are kept when the design is built again.
    configured = configure(inbox, spec, dense_network([8]), epochs=2)
    assert dict(configured.held)["petal_length"] == 6.5
