"""Model files: round trips give identical predictions; hostile or broken files never load."""

from __future__ import annotations

import io
import json
import pickle
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.columns import auto_data_spec
from core.csv_io import read_csv
from core.data_spec import CsvSource
from core.dataset import prepare_data
from core.errors import ModelFileError
from core.modelfile import MANIFEST, WEIGHTS, load_model, save_model
from core.predict import evaluate_frame, predict_frame
from core.spec import TrainConfig
from core.workflow import dense_network, train


@pytest.fixture(scope="module")
def iris(tmp_path_factory):
    path = Path(__file__).resolve().parents[2] / "resources" / "data" / "iris.csv"
    frame, _ = read_csv(CsvSource(str(path)))
    spec = auto_data_spec(frame, CsvSource(str(path)), "species")
    data = prepare_data(spec, frame)
    outcome = train(
        dense_network([16], "tanh", 0.1), data, TrainConfig(epochs=30, learning_rate=0.02)
    )
    file = tmp_path_factory.mktemp("m") / "iris.nnp"
    save_model(outcome.model, file)
    return outcome.model, file, frame


def test_round_trip_gives_identical_predictions_and_history(iris):
    original, file, frame = iris
    loaded = load_model(file)
    a, b = predict_frame(original, frame), predict_frame(loaded, frame)
    assert np.array_equal(a.values, b.values)
    assert np.array_equal(a.probabilities, b.probabilities)
    assert loaded.history.rows == original.history.rows
    assert loaded.network == original.network and loaded.config == original.config
    assert evaluate_frame(loaded, frame) == evaluate_frame(original, frame)
    assert (a.values == frame["species"].to_numpy()).mean() > 0.9


def test_predictions_name_classes_and_probabilities_sum_to_one(iris):
    model, _, frame = iris
    out = predict_frame(model, frame).as_frame(frame)
    assert list(out.columns[-4:]) == [
        "prediction",
        "probability_setosa",
        "probability_versicolor",
        "probability_virginica",
    ]
    assert np.allclose(out.iloc[:, -3:].sum(axis=1), 1.0)


def test_prediction_tolerates_extra_columns_and_gaps_but_names_missing_ones(iris):
    from core.errors import DataError

    model, _, frame = iris
    rows = frame.head(5).copy()
    rows["notes"] = "x"
    rows.loc[0, "sepal_width"] = np.nan
    assert len(predict_frame(model, rows).values) == 5
    with pytest.raises(DataError, match="petal_length"):
        predict_frame(model, rows.drop(columns=["petal_length"]))


def test_save_is_atomic_when_writing_fails(iris, tmp_path, monkeypatch):
    model, _, _ = iris
    path = tmp_path / "m.nnp"
    save_model(model, path)
    before = path.read_bytes()

    def broken_replace(self, target):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "replace", broken_replace)
    with pytest.raises(ModelFileError, match="No space left"):
        save_model(model, path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["m.nnp"]  # no temporary file left behind


def rewrite(file: Path, out: Path, manifest=None, weights=None, drop=()) -> Path:
    with zipfile.ZipFile(file) as zf:
        parts = {n: zf.read(n) for n in zf.namelist() if n not in drop}
    if manifest is not None:
        parts[MANIFEST] = manifest if isinstance(manifest, bytes) else json.dumps(manifest).encode()
    if weights is not None:
        parts[WEIGHTS] = weights
    with zipfile.ZipFile(out, "w") as zf:
        for n, b in parts.items():
            zf.writestr(n, b)
    return out


class Boom:
    def __reduce__(self):
        return (print, ("pwned",))


def test_a_pickle_disguised_as_a_model_is_refused_without_running_it(tmp_path, capsys):
    bad = tmp_path / "evil.nnp"
    bad.write_bytes(pickle.dumps(Boom()))
    with pytest.raises(ModelFileError, match="not an NN Playground model file"):
        load_model(bad)
    assert "pwned" not in capsys.readouterr().out


def test_a_pickle_inside_the_zip_in_place_of_the_weights_is_refused(iris, tmp_path, capsys):
    _, file, _ = iris
    bad = rewrite(file, tmp_path / "evil.nnp", weights=pickle.dumps(Boom()))
    with pytest.raises(ModelFileError, match="not valid safetensors"):
        load_model(bad)
    assert "pwned" not in capsys.readouterr().out


def test_truncated_file_is_refused(iris, tmp_path):
    _, file, _ = iris
    data = file.read_bytes()
    for cut in (10, len(data) // 2, len(data) - 30):
        bad = tmp_path / f"cut{cut}.nnp"
        bad.write_bytes(data[:cut])
        with pytest.raises(ModelFileError):
            load_model(bad)


@pytest.mark.parametrize(
    "change, words",
    [
        (lambda m: m.update(format_version=99), "newer NN Playground"),
        (lambda m: m.update(format="something-else"), "not an NN Playground model file"),
        (lambda m: m["network"]["layers"][0].update(units="16"), "expected a whole number"),
        (lambda m: m["network"]["layers"][0].update(units=17), "weights do not match|shape"),
        (lambda m: m.pop("preprocessor"), "lacks 'preprocessor'"),
        (lambda m: m["config"].update(learning_rate=[1]), "expected a number"),
    ],
)
def test_manifests_with_wrong_content_are_refused_with_a_reason(iris, tmp_path, change, words):
    _, file, _ = iris
    with zipfile.ZipFile(file) as zf:
        manifest = json.loads(zf.read(MANIFEST))
    change(manifest)
    with pytest.raises(ModelFileError, match=words):
        load_model(rewrite(file, tmp_path / "bad.nnp", manifest=manifest))


def test_not_json_and_missing_parts_are_refused(iris, tmp_path):
    _, file, _ = iris
    with pytest.raises(ModelFileError, match="not valid JSON"):
        load_model(rewrite(file, tmp_path / "a.nnp", manifest=b"\xff{not json"))
    with pytest.raises(ModelFileError, match=r"has no weights\.safetensors"):
        load_model(rewrite(file, tmp_path / "b.nnp", drop=(WEIGHTS,)))
    csv = tmp_path / "c.nnp"
    pd.DataFrame({"a": [1]}).to_csv(csv)
    with pytest.raises(ModelFileError, match="not a valid zip"):
        load_model(csv)
    with pytest.raises(ModelFileError, match="no such model file"):
        load_model(tmp_path / "missing.nnp")


def test_a_zip_bomb_claiming_a_huge_manifest_is_refused(iris, tmp_path, monkeypatch):
    import core.model_manifest as mf

    _, file, _ = iris
    monkeypatch.setattr(mf, "MAX_JSON_BYTES", 100)
    with pytest.raises(ModelFileError, match="over the 100-byte limit"):
        load_model(file)


def test_model_file_is_plain_json_and_safetensors(iris):
    _, file, _ = iris
    with zipfile.ZipFile(file) as zf:
        assert sorted(zf.namelist()) == sorted([MANIFEST, WEIGHTS])
        manifest = json.loads(zf.read(MANIFEST))
        header_len = int.from_bytes(zf.read(WEIGHTS)[:8], "little")
        json.loads(io.BytesIO(zf.read(WEIGHTS)[8 : 8 + header_len]).read())
    assert manifest["class_names"] == ["setosa", "versicolor", "virginica"]
    assert [c["name"] for c in manifest["feature_columns"]] == [
        "sepal_length",
        "sepal_width",
        "petal_length",
        "petal_width",
    ]
