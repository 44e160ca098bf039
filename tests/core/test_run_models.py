"""Runs' final models: kept within bounds in the training process, saved in the project beside
the runs, read back as strictly as a model file (a bad one is left out, named)."""

from __future__ import annotations

import dataclasses
import json
import pickle
import re
import zipfile
from pathlib import Path

import numpy as np
import pytest

from core import run_models
from core.errors import ModelFileError
from core.predict import predict_frame
from core.project import RUNS_MEMBER, ProjectFile, load_project, save_project
from core.run_models import KeptModel, kept_model, load_kept
from core.runs import RunRecord, model_member, weights_member
from core.training_process.commands import KeepRunWeights
from core.training_process.run_weights import RunWeights


def fake(size: int) -> KeptModel:
    return KeptModel(b"{}", b"w" * (size - 2))


def keep(store: RunWeights, number: int, model: KeptModel, live: tuple[int, ...] | None = None):
    """A run that ends at step 10 * number, then the window's KeepRunWeights for it."""
    store.held = (10 * number, model)
    return store.keep(KeepRunWeights(number, 10 * number, live))


def test_the_store_keeps_the_last_runs_within_its_count_and_bytes() -> None:
    store = RunWeights(max_runs=3, max_bytes=1000)
    for number in (1, 2, 3):
        assert keep(store, number, fake(200)).kept
    answer = keep(store, 4, fake(200))  # a fourth: the oldest goes
    assert (answer.kept, answer.dropped, list(store.kept)) == (True, (1,), [2, 3, 4])
    answer = keep(store, 5, fake(700))  # 1,300 bytes with 2, 3 and 4: the two oldest go
    assert (answer.dropped, list(store.kept), store.size) == ((2, 3), [4, 5], 900)
    answer = keep(store, 6, fake(1001))  # larger than the whole budget: not kept, none let go
    assert (answer.kept, answer.dropped, list(store.kept)) == (False, (), [4, 5])


def test_a_run_continued_is_kept_anew_and_a_stale_or_missing_model_is_not() -> None:
    store = RunWeights(max_runs=3, max_bytes=1000)
    keep(store, 1, fake(100))
    keep(store, 2, fake(100))
    assert keep(store, 1, fake(150)).kept  # run 1 trained on: its newer model, now the newest
    assert list(store.kept) == [2, 1] and store.kept[1].size == 150
    # The window asks for a run that ended at another step (or twice): its old model is stale.
    store.held = (99, fake(100))
    assert not store.keep(KeepRunWeights(2, 20)).kept and list(store.kept) == [1]
    assert not store.keep(KeepRunWeights(1, 10)).kept and not store.kept


def test_runs_deleted_from_the_history_are_let_go_first() -> None:
    store = RunWeights(max_runs=2, max_bytes=1000)
    keep(store, 1, fake(100))
    keep(store, 2, fake(100))
    answer = keep(store, 3, fake(100), live=(1, 3))  # run 2 was deleted in the window
    assert (answer.dropped, list(store.kept)) == ((), [1, 3])


def test_a_kept_model_rebuilds_exactly_and_is_refused_for_another_design(iris) -> None:
    store = RunWeights()
    keep(store, 1, kept_model(iris.model))
    tm = store.model(1, iris.model.data, iris.model.network)
    assert tm is not None
    a, b = predict_frame(iris.model, iris.frame), predict_frame(tm, iris.frame)
    assert np.array_equal(a.probabilities, b.probabilities)
    assert tm.history.rows == iris.model.history.rows and tm.preprocessor == iris.model.preprocessor
    other = dataclasses.replace(
        iris.model.network, binary_output=not iris.model.network.binary_output
    )
    with pytest.raises(Exception, match="another data or network"):
        store.model(1, iris.model.data, other)
    with pytest.raises(Exception, match="run 7 are no longer kept"):
        store.model(7, iris.model.data, iris.model.network)
    assert store.model(None, iris.model.data, iris.model.network) is None


# --- in the project file -----------------------------------------------------------------------


def runs_of(iris, *numbers: int, kept: tuple[int, ...] = ()) -> tuple[RunRecord, ...]:
    tm = iris.model
    return tuple(
        RunRecord(n, f"run {n}", tm.data, tm.network, tm.config, epochs=15, steps=30,
                  weights=weights_member(n) if n in kept else None)
        for n in numbers
    )  # fmt: skip


@pytest.fixture
def with_weights(iris, tmp_path: Path) -> Path:
    """A project of three runs; runs 1 and 3 with their models (run 2's record says none)."""
    tm = iris.model
    models = {n: kept_model(tm) for n in (1, 2, 3, 9)}  # 9: no longer in the history
    project = ProjectFile(tm.data, tm.network, tm.config, runs=runs_of(iris, 1, 2, 3, kept=(1, 3)),
                          run_models=models)  # fmt: skip
    save_project(tmp_path / "work.nnproj", project)
    return tmp_path / "work.nnproj"


def test_runs_models_round_trip_through_the_project(iris, with_weights: Path) -> None:
    with zipfile.ZipFile(with_weights) as zf:
        saved = sorted(n for n in zf.namelist() if n.startswith("runs/"))
        runs = json.loads(zf.read(RUNS_MEMBER))["runs"]
    assert saved == [model_member(1), weights_member(1), model_member(3), weights_member(3)]
    assert [r["weights"] for r in runs] == [weights_member(1), None, weights_member(3)]
    loaded = load_project(with_weights)
    assert sorted(loaded.run_models) == [1, 3] and loaded.notes == ()
    assert [r.weights is not None for r in loaded.runs] == [True, False, True]
    tm = load_kept(loaded.run_models[3], "run 3")
    a, b = predict_frame(iris.model, iris.frame), predict_frame(tm, iris.frame)
    assert np.array_equal(a.probabilities, b.probabilities)


class Boom:
    def __reduce__(self):
        return (print, ("pwned",))


def replaced(file: Path, member: str, payload: bytes | None) -> Path:
    """The project with one member's bytes replaced (None: removed)."""
    with zipfile.ZipFile(file) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    if payload is None:
        del parts[member]
    else:
        parts[member] = payload
    out = file.with_name("changed.nnproj")
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return out


def truncated(weights: bytes) -> bytes:
    return weights[: len(weights) // 2]


def with_nan(weights: bytes) -> bytes:
    return weights[:-4] + np.array([np.nan], dtype=np.float32).tobytes()


@pytest.mark.parametrize(
    ("member", "change", "words"),
    [
        (weights_member(3), truncated, "not valid safetensors"),
        (weights_member(3), with_nan, "NaN or infinite"),
        (weights_member(3), lambda w: pickle.dumps(Boom()), "not valid safetensors"),
        (weights_member(3), lambda w: w + b"\0" * 100_000, "-byte limit"),
        (weights_member(3), None, "has no runs/3/weights.safetensors"),
        (model_member(3), lambda m: b"{not json", "runs/3/model.json is not valid JSON"),
        (model_member(3), lambda m: b'{"format": "nnplay-model"}', "format version"),
    ],
)
def test_a_broken_run_model_is_left_out_and_named(
    with_weights: Path, member: str, change, words: str, capsys
) -> None:
    with zipfile.ZipFile(with_weights) as zf:
        payload = None if change is None else change(zf.read(member))
    loaded = load_project(replaced(with_weights, member, payload))
    assert "pwned" not in capsys.readouterr().out
    assert sorted(loaded.run_models) == [1]  # the project opens, without run 3's weights
    assert [r.weights is not None for r in loaded.runs] == [True, False, False]
    (note,) = loaded.notes
    assert note.startswith("changed.nnproj: run 3") and words in note, note
    assert note.endswith("it opens without run 3's weights")


def test_a_corrupt_member_is_left_out_too(with_weights: Path) -> None:
    """Bytes changed inside the zip (a bad checksum): only that run's weights are lost."""
    raw = bytearray(with_weights.read_bytes())
    with zipfile.ZipFile(with_weights) as zf:
        info = zf.getinfo(weights_member(3))
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    raw[start + info.compress_size // 2] ^= 0xFF
    broken = with_weights.with_name("flipped.nnproj")
    broken.write_bytes(bytes(raw))
    loaded = load_project(broken)
    assert sorted(loaded.run_models) == [1] and "run 3" in loaded.notes[0]


def test_past_the_bounds_the_oldest_runs_models_are_left_out(
    with_weights: Path, monkeypatch
) -> None:
    monkeypatch.setattr(run_models, "MAX_KEPT_RUNS", 1)
    loaded = load_project(with_weights)
    assert sorted(loaded.run_models) == [3]
    assert (
        "run 1's weights are left out: a project keeps the models of at most 1 runs"
        in (loaded.notes[0])
    )


def test_a_project_without_run_models_opens_as_before(iris, tmp_path: Path) -> None:
    tm = iris.model
    path = tmp_path / "old.nnproj"
    save_project(path, ProjectFile(tm.data, tm.network, tm.config, runs=runs_of(iris, 1, 2)))
    with zipfile.ZipFile(path) as zf:
        data = json.loads(zf.read(RUNS_MEMBER))
    for run in data["runs"]:
        del run["weights"]  # as an older version may have written it
    old = replaced(path, RUNS_MEMBER, json.dumps(data).encode())
    loaded = load_project(old)
    assert [r.number for r in loaded.runs] == [1, 2] and loaded.run_models == {}
    assert loaded.notes == () and all(r.weights is None for r in loaded.runs)


def test_a_run_naming_another_runs_weights_is_refused(iris, tmp_path: Path) -> None:
    tm = iris.model
    path = tmp_path / "odd.nnproj"
    save_project(path, ProjectFile(tm.data, tm.network, tm.config, runs=runs_of(iris, 1)))
    with zipfile.ZipFile(path) as zf:
        data = json.loads(zf.read(RUNS_MEMBER))
    data["runs"][0]["weights"] = weights_member(2)
    odd = replaced(path, RUNS_MEMBER, json.dumps(data).encode())
    with pytest.raises(
        ModelFileError, match=re.escape("run 1's weights must be 'runs/1/weights.safetensors'")
    ):
        load_project(odd)
