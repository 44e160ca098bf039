"""Project files: what was built reopens as it was; a moved CSV is found or reported; hostile and
broken files are refused with a reason and never run code."""

from __future__ import annotations

import dataclasses
import json
import pickle
import shutil
import zipfile
from pathlib import Path

import numpy as np
import pytest

from core.csv_io import read_csv
from core.data_spec import CsvSource, DataSpec, ToySource
from core.dataset import prepare_data
from core.errors import ModelFileError
from core.modelfile import MANIFEST, WEIGHTS, save_model
from core.predict import predict_frame
from core.project import PROJECT_MANIFEST, ProjectFile, load_project, save_project
from core.spec import LayerSpec, NetworkSpec, TrainConfig
from core.workflow import train


def design(example) -> ProjectFile:
    """The design a user would have in the window: data, network and settings, not trained."""
    tm = example.model
    return ProjectFile(tm.data, tm.network, tm.config, extras={"tab": "training", "zoom": [1.5, 2]})


def test_an_untrained_design_reopens_with_every_setting(iris, tmp_path):
    project = design(iris)
    save_project(tmp_path / "p.nnproj", project)
    loaded = load_project(tmp_path / "p.nnproj")
    assert loaded.data == project.data and loaded.network == project.network
    assert loaded.config == project.config and loaded.extras == project.extras
    assert isinstance(loaded.data.source, CsvSource)
    assert loaded.data.source.delimiter == "," and loaded.data.source.encoding
    assert not loaded.trained and loaded.missing_source is None


def test_a_trained_project_reopens_with_identical_predictions_and_history(
    mixed, mixed_csv, tmp_path
):
    ex = mixed["kind"]
    project = dataclasses.replace(design(ex), model=ex.model)
    save_project(tmp_path / "p.nnproj", project)
    loaded = load_project(tmp_path / "p.nnproj")
    assert loaded.model is not None
    frame = read_csv(CsvSource(str(mixed_csv.new)))[0]
    a, b = predict_frame(ex.model, frame), predict_frame(loaded.model, frame)
    assert np.array_equal(a.values, b.values)
    assert np.array_equal(a.probabilities, b.probabilities)
    assert loaded.model.history.rows == ex.model.history.rows
    assert len(loaded.model.history.rows) == ex.model.config.epochs
    assert loaded.model.summary == ex.model.summary
    assert loaded.model.preprocessor == ex.model.preprocessor


def test_a_toy_project_and_an_empty_one_round_trip(tmp_path):
    source = ToySource(name="spiral", samples=300, noise=0.2, seed=4)
    from core.columns import auto_data_spec
    from core.toy import make_toy

    spec = auto_data_spec(make_toy(source), source, "label")
    network = NetworkSpec((LayerSpec(units=5, activation="tanh"),), binary_output="softmax")
    project = ProjectFile(spec, network, TrainConfig(learning_rate=0.3, epochs=7))
    save_project(tmp_path / "toy.nnproj", project)
    loaded = load_project(tmp_path / "toy.nnproj")
    assert loaded.data == spec and loaded.network == network and loaded.config.epochs == 7

    save_project(tmp_path / "new.nnproj", ProjectFile())
    empty = load_project(tmp_path / "new.nnproj")
    assert empty.data is None and empty.network == NetworkSpec()


def test_an_unfinished_design_can_be_saved_and_reopened(iris, tmp_path):
    """No target chosen yet: training would refuse it, but the work is not lost."""
    data = iris.model.data
    unfinished = dataclasses.replace(
        data, columns=tuple(dataclasses.replace(c, role="feature") for c in data.columns)
    )
    assert unfinished.problems()
    save_project(tmp_path / "p.nnproj", ProjectFile(unfinished))
    assert load_project(tmp_path / "p.nnproj").data == unfinished


def csv_project(tmp_path: Path, example) -> tuple[Path, Path]:
    """A project in tmp_path/work reading tmp_path/work/data/iris.csv."""
    work = tmp_path / "work"
    (work / "data").mkdir(parents=True)
    csv = work / "data" / "iris.csv"
    shutil.copy(example.csv, csv)
    data = example.model.data
    data = dataclasses.replace(data, source=dataclasses.replace(data.source, path=str(csv)))
    path = work / "p.nnproj"
    save_project(path, dataclasses.replace(design(example), data=data))
    return path, csv


def test_a_moved_csv_is_reported_then_relocated_not_a_failure(iris, tmp_path):
    path, csv = csv_project(tmp_path, iris)
    moved = tmp_path / "iris_moved.csv"
    csv.rename(moved)
    loaded = load_project(path)
    assert loaded.missing_source == str(csv)
    fixed = loaded.relocated(moved)
    assert fixed.missing_source is None and fixed.data.source.path == str(moved)
    assert fixed.data.source.delimiter == loaded.data.source.delimiter
    assert len(prepare_data(fixed.data).train) > 0


def test_a_project_moved_with_its_data_finds_the_csv_beside_it(iris, tmp_path):
    csv_project(tmp_path, iris)
    shutil.move(tmp_path / "work", tmp_path / "moved")
    loaded = load_project(tmp_path / "moved" / "p.nnproj")
    assert loaded.missing_source is None
    assert Path(loaded.data.source.path) == tmp_path / "moved" / "data" / "iris.csv"


def test_a_relative_csv_path_is_stored_absolute(iris, tmp_path, monkeypatch):
    shutil.copy(iris.csv, tmp_path / "iris.csv")
    monkeypatch.chdir(tmp_path)
    data = iris.model.data
    data = dataclasses.replace(data, source=dataclasses.replace(data.source, path="iris.csv"))
    save_project(tmp_path / "p.nnproj", ProjectFile(data))
    monkeypatch.chdir(Path(__file__).parent)
    loaded = load_project(tmp_path / "p.nnproj")
    assert loaded.missing_source is None
    assert loaded.data.source.path == str(tmp_path / "iris.csv")


def test_save_is_atomic_when_writing_fails(iris, tmp_path, monkeypatch):
    import os

    path = tmp_path / "p.nnproj"
    save_project(path, design(iris))
    before = path.read_bytes()

    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    trained = dataclasses.replace(design(iris), model=iris.model)
    with pytest.raises(ModelFileError, match="No space left"):
        save_project(path, trained)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["p.nnproj"]


# --- hostile and broken files -----------------------------------------------------------------


class Boom:
    def __reduce__(self):
        return (print, ("pwned",))


@pytest.fixture
def trained_file(iris, tmp_path) -> Path:
    path = tmp_path / "trained.nnproj"
    save_project(path, dataclasses.replace(design(iris), model=iris.model))
    return path


def rewrite(file: Path, out: Path, **members: bytes | dict | None) -> Path:
    """A copy of the zip with members replaced (bytes or JSON) or, given None, removed."""
    names = {"project": PROJECT_MANIFEST, "model": MANIFEST, "weights": WEIGHTS}
    with zipfile.ZipFile(file) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    for key, value in members.items():
        if value is None:
            parts.pop(names[key])
        else:
            parts[names[key]] = value if isinstance(value, bytes) else json.dumps(value).encode()
    with zipfile.ZipFile(out, "w") as zf:
        for n, b in parts.items():
            zf.writestr(n, b)
    return out


def test_a_pickle_disguised_as_a_project_is_refused_without_running_it(tmp_path, capsys):
    bad = tmp_path / "evil.nnproj"
    bad.write_bytes(pickle.dumps(Boom()))
    with pytest.raises(ModelFileError, match="not an NN Playground project file"):
        load_project(bad)
    assert "pwned" not in capsys.readouterr().out


def test_a_pickle_in_place_of_the_weights_is_refused(trained_file, tmp_path, capsys):
    bad = rewrite(trained_file, tmp_path / "evil.nnproj", weights=pickle.dumps(Boom()))
    with pytest.raises(ModelFileError, match="not valid safetensors"):
        load_project(bad)
    assert "pwned" not in capsys.readouterr().out


def test_truncated_projects_are_refused(trained_file, tmp_path):
    data = trained_file.read_bytes()
    for cut in (0, 10, len(data) // 3, len(data) // 2, len(data) - 30):
        bad = tmp_path / f"cut{cut}.nnproj"
        bad.write_bytes(data[:cut])
        with pytest.raises(ModelFileError):
            load_project(bad)


def manifest_of(path: Path) -> dict:
    with zipfile.ZipFile(path) as zf:
        return json.loads(zf.read(PROJECT_MANIFEST))


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda m: m.update(format_version=2), r"newer NN Playground \(project format 2"),
        (lambda m: m.update(format_version="1"), "format version is missing or invalid"),
        (lambda m: m.update(format="nnplay-model"), "not an NN Playground project file"),
        (lambda m: m["network"]["layers"][0].update(units="16"), "expected a whole number"),
        (lambda m: m["network"]["layers"][0].update(units=10**9), "65,536"),
        (lambda m: m["config"].update(learning_rate=[1]), "expected a number"),
        (lambda m: m.update(data="iris.csv"), "expected an object"),
        (lambda m: m["data"].update(columns={"a": 1}), "expected a list"),
        (lambda m: m.update(extras=[1, 2]), "extras: expected an object"),
        (lambda m: m.update(data_relative_path=5), "data_relative_path"),
        (lambda m: m.pop("network"), "lacks 'network'"),
        (lambda m: m.update(macro="import os"), "unknown field"),
    ],
)
def test_json_with_wrong_content_is_refused_with_a_reason(trained_file, tmp_path, change, words):
    manifest = manifest_of(trained_file)
    change(manifest)
    bad = rewrite(trained_file, tmp_path / "bad.nnproj", project=manifest)
    with pytest.raises(ModelFileError, match=words):
        load_project(bad)


def test_a_broken_trained_model_inside_is_refused_and_named(trained_file, tmp_path):
    bad = rewrite(trained_file, tmp_path / "bad.nnproj", weights=None)
    with pytest.raises(ModelFileError, match=r"weights\.safetensors"):
        load_project(bad)
    with zipfile.ZipFile(trained_file) as zf:
        model = json.loads(zf.read(MANIFEST))
    model["preprocessor"]["features"] = "all"
    with pytest.raises(ModelFileError, match="trained model"):
        load_project(rewrite(trained_file, tmp_path / "bad2.nnproj", model=model))


def test_files_that_are_not_projects_say_so(iris, tmp_path):
    model = tmp_path / "m.nnp"
    save_model(iris.model, model)
    with pytest.raises(ModelFileError, match=r"not an NN Playground project file.*project\.json"):
        load_project(model)
    with pytest.raises(ModelFileError, match="not valid JSON"):
        load_project(rewrite(model, tmp_path / "x.nnproj", project=b"\xff{"))
    with pytest.raises(ModelFileError, match="no such project file"):
        load_project(tmp_path / "absent.nnproj")


def test_a_zip_bomb_claiming_a_huge_manifest_is_refused(trained_file, monkeypatch):
    import core.model_manifest as mf

    monkeypatch.setattr(mf, "MAX_JSON_BYTES", 100)
    with pytest.raises(ModelFileError, match="over the 100-byte limit"):
        load_project(trained_file)


def test_relocating_a_toy_project_is_an_error(tmp_path):
    project = ProjectFile(DataSpec(ToySource(), ()))
    with pytest.raises(ModelFileError, match="CSV"):
        project.relocated(tmp_path / "x.csv")


def test_training_a_reopened_project_works(iris, tmp_path):
    path, _ = csv_project(tmp_path, iris)
    loaded = load_project(path)
    config = dataclasses.replace(loaded.config, epochs=2)
    outcome = train(loaded.network, prepare_data(loaded.data), config)
    assert len(outcome.model.history.rows) == 2
