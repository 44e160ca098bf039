"""Run records: built from a run's events, described against the previous run, bounded in size,
round-tripped through JSON and through a project file (200 runs still open quickly), written out
as CSV and for TensorBoard."""

from __future__ import annotations

import dataclasses
import json
import math
import time
from pathlib import Path

import numpy as np
import pytest

from core.data_spec import ColumnSpec, DataSpec, ToySource
from core.errors import DataError, ModelFileError, SpecError
from core.events import BatchesEnded, EpochEnded, HyperparameterChanged, TrainEnded, TrainStarted
from core.project import ProjectFile, load_project, save_project
from core.run_export import curve_label, curves_csv, write_curves_csv, write_tensorboard
from core.run_recorder import RunRecorder, with_test_scores
from core.runs import (
    GRADIENT,
    LOSS_STEP,
    LOSS_VAL,
    MAX_POINTS,
    MAX_RUNS,
    Curve,
    RunRecord,
    change_descriptions,
    describe_change,
    run_from_json,
    run_to_json,
    runs_from_json,
    runs_to_json,
)
from core.spec import LayerSpec, NetworkSpec, TrainConfig

SPIRAL = DataSpec(
    source=ToySource("spiral", 500, 0.1, 0),
    columns=(
        ColumnSpec("x1", "feature", "numeric", "none", "mean"),
        ColumnSpec("x2", "feature", "numeric", "none", "mean"),
        ColumnSpec("label", "target", "categorical", "none", "most_frequent"),
    ),
    test_fraction=0.2,
)
NETWORK = NetworkSpec(layers=(LayerSpec(units=12), LayerSpec(units=12, activation="tanh")))
CONFIG = TrainConfig(learning_rate=0.03, epochs=50)


def recorded_run(
    number: int = 1,
    epochs: int = 50,
    steps_per_epoch: int = 25,
    network: NetworkSpec = NETWORK,
    config: TrainConfig = CONFIG,
) -> RunRecord:
    """A run of `epochs` epochs fed to a recorder as the engine reports it."""
    recorder = RunRecorder(number, f"run {number}", SPIRAL, network, config)
    layers = (*tuple(network.layer_names()), "output")
    recorder.on_train_start(
        TrainStarted("cpu", "CPU", layers, layers, 300, 300, 100, 16, steps_per_epoch, epochs,
                     "accuracy", 0, 0)
    )  # fmt: skip
    rng = np.random.default_rng(number)
    for epoch in range(1, epochs + 1):
        first = (epoch - 1) * steps_per_epoch + 1
        loss = np.linspace(1.0, 0.1, steps_per_epoch) / epoch
        norms = rng.uniform(0.01, 1.0, (steps_per_epoch, len(layers)))
        recorder.on_train_batch_end(BatchesEnded(first, epoch, loss, norms))
        step = epoch * steps_per_epoch
        val = 1.0 / epoch + (0.05 if epoch == 7 else 0.0)
        recorder.on_train_epoch_end(
            EpochEnded(epoch, step, 0.9 / epoch, val, 1 - 0.5 / epoch, 1 - 0.6 / epoch,
                       "accuracy", config.learning_rate, 1000.0, epoch * 0.01)
        )  # fmt: skip
    recorder.on_train_end(TrainEnded("finished", "done", epochs, epochs * steps_per_epoch, epochs))
    return recorder.record()


def test_a_recorded_run_holds_its_curves_and_scores() -> None:
    run = recorded_run(epochs=40)
    assert (run.epochs, run.steps, run.outcome, run.device) == (40, 1000, "finished", "CPU")
    assert run.scores.best_val_loss == pytest.approx(1 / 40)
    assert run.scores.best_epoch == 40
    assert run.scores.val_metric == pytest.approx(1 - 0.6 / 40)
    assert run.seconds == pytest.approx(0.4)
    val = run.curve(LOSS_VAL)
    assert val is not None and len(val.x) == 40 and val.x[-1] == 1000
    names = [name for name, _ in run.gradient_curves]
    assert names == ["dense1", "dense2", "output"]


def test_curves_stay_bounded_over_a_long_run() -> None:
    run = recorded_run(epochs=1200, steps_per_epoch=40)  # 48,000 steps, 1,200 epochs
    for name, curve in run.curves:
        assert len(curve.x) <= MAX_POINTS, name
    step = run.curve(LOSS_STEP)
    assert step is not None and step.x[0] < 200 and step.x[-1] > 47_000
    assert len(json.dumps(run_to_json(run))) < 100_000


def test_describe_change_names_each_changed_setting() -> None:
    first = recorded_run(1)
    network = dataclasses.replace(
        NETWORK, layers=(LayerSpec(units=12), LayerSpec(units=12, activation="relu"))
    )
    second = dataclasses.replace(
        first, network=network, config=dataclasses.replace(CONFIG, learning_rate=0.01)
    )
    assert describe_change(first, second) == "dense2 tanh → relu, lr 0.03 → 0.01"
    assert describe_change(None, first) == "first run"
    assert describe_change(first, first) == "same settings"
    wider = dataclasses.replace(first, network=NetworkSpec(layers=(LayerSpec(units=8),)))
    assert describe_change(first, wider) == "layers 12-12 relu/tanh → 8 relu"
    noisier = dataclasses.replace(
        first, data=dataclasses.replace(SPIRAL, source=ToySource("spiral", 500, 0.3, 0))
    )
    assert describe_change(first, noisier) == "data noise 0.1 → 0.3"


def test_a_races_copies_are_described_against_the_run_it_started_from() -> None:
    steps = ((LOSS_STEP, Curve((1.0, 2.0), (0.7, 0.6))),)
    first = recorded_run(1, epochs=2)
    sgd = dataclasses.replace(
        first, number=2, name="race: SGD", curves=steps,
        config=dataclasses.replace(CONFIG, optimizer="sgd", learning_rate=0.1),
    )  # fmt: skip
    rmsprop = dataclasses.replace(
        sgd, number=3, name="race: RMSprop", config=dataclasses.replace(CONFIG, optimizer="rmsprop")
    )
    adam = dataclasses.replace(sgd, number=4, config=dataclasses.replace(CONFIG, momentum=0.0))
    second = dataclasses.replace(first, number=5, config=dataclasses.replace(CONFIG, epochs=9))
    assert change_descriptions([first, sgd, rmsprop, adam, second]) == [
        "first run",
        "optimizer adam → sgd, lr 0.03 → 0.1",
        "optimizer adam → rmsprop",  # not "sgd → rmsprop, lr 0.1 → 0.03"
        "same settings",  # momentum is no setting of Adam's
        "epochs 50 → 9",  # against run 1 again, not the last copy
    ]


def test_json_round_trip_keeps_everything_and_missing_values() -> None:
    run = with_test_scores(recorded_run(), 0.2, float("nan"))
    text = json.dumps(runs_to_json([run]), allow_nan=False)
    (back,) = runs_from_json(json.loads(text))
    assert back == run
    assert back.scores.test_loss == 0.2 and back.scores.test_metric is None


def test_a_runs_own_colour_is_kept_and_older_files_without_one_load() -> None:
    run = dataclasses.replace(recorded_run(), color="#d62728")  # a race copy: Adam's red
    (back,) = runs_from_json(json.loads(json.dumps(runs_to_json([run]))))
    assert back.color == "#d62728"
    older = run_to_json(recorded_run())
    del older["color"]  # written before runs had a colour of their own
    assert run_from_json(older).color is None


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda d: d.update(name=""), "name"),
        (lambda d: d.update(secret=1), "unknown field"),
        (lambda d: d["curves"][LOSS_VAL].update(y=["1"] * len(d["curves"][LOSS_VAL]["x"])), "numbers"),
        (lambda d: d["curves"][LOSS_VAL].update(x=[0.0] * (MAX_POINTS + 1)), "at most"),
        (lambda d: d["curves"].update({"secret": {"x": [], "y": []}}), "unknown curve"),
        (lambda d: d["config"].update(learning_rate=-1), "learning rate"),
        (lambda d: d.update(outcome="exploded"), "outcome"),
        (lambda d: d.update(seconds=-1.0), "negative"),
        (lambda d: d.update(color="red"), "#rrggbb"),
        (lambda d: d.update(color=0xD62728), "expected text"),
        (lambda d: d["curves"][LOSS_VAL]["y"].__setitem__(0, 10**400), "too large"),
    ],
)  # fmt: skip
def test_a_malformed_run_is_refused_with_where(change: object, words: str) -> None:
    data = run_to_json(recorded_run(epochs=5))
    change(data)  # type: ignore[operator]
    with pytest.raises(SpecError, match=words):
        run_from_json(data, "runs[0]")


def test_too_many_runs_or_a_repeated_number_are_refused() -> None:
    one = run_to_json(recorded_run(epochs=2))
    with pytest.raises(SpecError, match="same number"):
        runs_from_json({"format_version": 1, "runs": [one, one]})
    with pytest.raises(SpecError, match="more than"):
        runs_from_json({"format_version": 1, "runs": [one] * (MAX_RUNS + 1)})


@pytest.mark.slow  # about 2 s: 200 runs of full curves written and read
def test_a_project_keeps_its_runs_and_200_runs_open_quickly(tmp_path: Path) -> None:
    base = recorded_run(epochs=200, steps_per_epoch=25)  # 5,000 steps: every curve full
    runs = tuple(
        dataclasses.replace(base, number=i, name=f"run {i}", curves=base.curves)
        for i in range(1, 201)
    )
    path = tmp_path / "many.nnproj"
    save_project(path, ProjectFile(SPIRAL, NETWORK, CONFIG, runs=runs))
    started = time.perf_counter()
    project = load_project(path)
    seconds = time.perf_counter() - started
    assert len(project.runs) == 200 and project.runs[-1].name == "run 200"
    assert project.runs[0].curves == base.curves
    assert path.stat().st_size < 20_000_000
    assert seconds < 10, f"200 runs took {seconds:.1f} s to open"


def test_a_broken_runs_member_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.nnproj"
    run = dataclasses.replace(recorded_run(epochs=2), name="x" * 500)
    save_project(path, ProjectFile(SPIRAL, NETWORK, CONFIG, runs=(run,)))
    with pytest.raises(ModelFileError, match=r"broken.nnproj: runs.json: runs\[0\]: .*name"):
        load_project(path)


def test_gradient_curves_are_capped() -> None:
    network = NetworkSpec(layers=tuple(LayerSpec(units=4) for _ in range(12)))
    run = recorded_run(epochs=3, network=network)
    assert len([n for n, _ in run.curves if n.startswith(GRADIENT)]) == 8
    assert run_from_json(run_to_json(run)) == run


def test_learning_rate_changes_are_recorded() -> None:
    recorder = RunRecorder(1, "run 1", SPIRAL, NETWORK, CONFIG)
    recorder.on_hyperparameter_changed(HyperparameterChanged(40, 2, "learning_rate", 0.001))
    curve = recorder.record().curve("learning_rate")
    assert curve is not None and curve.y == (0.001,)


@pytest.mark.slow  # trains (1-2 s with torch's start)
def test_a_recorder_on_a_real_trainer_keeps_its_run() -> None:
    """The way a race or a search in the training process records a run: as a callback."""
    from core.dataset import load_frame, prepare_data
    from core.workflow import train

    config = TrainConfig(epochs=3, batch_size=32, learning_rate=0.01, device="cpu")
    recorder = RunRecorder(1, "adam", SPIRAL, NETWORK, config)
    data = prepare_data(SPIRAL, load_frame(SPIRAL.source))
    train(NETWORK, data, config, callbacks=[recorder])
    run = recorder.record()
    assert (run.epochs, run.outcome, run.steps) == (3, "finished", 3 * math.ceil(300 / 32))
    assert run.scores.val_metric is not None and 0 <= run.scores.val_metric <= 1
    assert [name for name, _ in run.gradient_curves] == ["dense1", "dense2", "output"]


# --- writing the curves out -------------------------------------------------------------------


def test_the_csv_holds_each_chosen_runs_curves() -> None:
    first, second = recorded_run(1, epochs=3), recorded_run(2, epochs=4)
    lines = curves_csv([first, second]).splitlines()
    assert lines[0] == "run,curve,step,value"
    assert {line.split(",")[0] for line in lines[1:]} == {"run 1", "run 2"}
    # 4 epochs of 25 steps: the last validation loss (1/4) at step 100.
    assert "run 2,loss/validation,100,0.25" in lines
    assert sum(line.startswith("run 1,loss/validation,") for line in lines) == 3
    assert "run 1,accuracy/train,25,0.5" in lines  # the metric named, as in TensorBoard


def test_tensorboard_reads_back_every_curve_of_every_run(tmp_path: Path) -> None:
    pytest.importorskip("tensorboard")
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    runs = [recorded_run(1, epochs=5), dataclasses.replace(recorded_run(2, epochs=5), name="lr/10")]
    folders = write_tensorboard(runs, tmp_path / "tb")
    assert [f.name for f in folders] == ["1-run_1", "2-lr_10"]
    for run, folder in zip(runs, folders, strict=True):
        events = EventAccumulator(str(folder), size_guidance={"scalars": 0}).Reload()
        tags = set(events.Tags()["scalars"])
        assert {"loss/train", "loss/validation", "accuracy/train", "learning_rate"} <= tags
        assert "gradient size/dense1" in tags
        for name, curve in run.curves:
            read = events.Scalars(curve_label(run, name))
            assert [e.step for e in read] == [round(x) for x in curve.x]
            assert [e.value for e in read] == pytest.approx(curve.y, rel=1e-6)
        times = [e.wall_time for e in events.Scalars("loss/train")]
        assert times == sorted(times) and times[-1] - times[0] <= run.seconds + 1e-6


def test_tensorboard_export_says_what_it_needs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "tensorboard" else real(name)
    )
    with pytest.raises(DataError, match="needs the tensorboard package"):
        write_tensorboard([recorded_run(1, epochs=2)], tmp_path)


def test_an_unwritable_folder_is_named(tmp_path: Path) -> None:
    pytest.importorskip("tensorboard")
    blocker = tmp_path / "tb"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(DataError, match=r"cannot write .*tb"):
        write_tensorboard([recorded_run(1, epochs=2)], blocker)
    with pytest.raises(DataError, match="will not write into /: choose or make a folder"):
        write_tensorboard([recorded_run(1, epochs=2)], "/")
    with pytest.raises(DataError, match=r"cannot write .*tb"):
        write_curves_csv([recorded_run(1, epochs=2)], blocker / "runs.csv")
