"""`nnplay export`: each format checked by its real consumer, against `nnplay predict`.

Fixtures (tests/cli/conftest.py): `nnplay` runs the command line; `iris_model` is a model
trained once per session and `iris_predictions` what `nnplay predict` made of iris.csv with it.
"""

from __future__ import annotations

import io
import json
import os
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

PROBABILITIES = ["probability_setosa", "probability_versicolor", "probability_virginica"]


def test_onnx_export_predicts_like_nnplay_predict_with_onnxruntime_alone(
    nnplay: Any, iris_model: Any, iris_predictions: Path, data_dir: Path, tmp_path: Path
) -> None:
    import onnx
    import onnxruntime as ort

    out = tmp_path / "iris.onnx"
    run = nnplay("export", iris_model.path, "--format", "onnx", "--out", out, cwd=tmp_path).ok()
    assert str(out) in run.stdout
    onnx.checker.check_model(onnx.load(str(out)), full_check=True)
    session = ort.InferenceSession(str(out), providers=["CPUExecutionProvider"])
    meta = session.get_modelmeta().custom_metadata_map
    rows = pd.read_csv(data_dir / "iris.csv")
    columns = [c["name"] for c in json.loads(meta["feature_columns"])]
    feeds = {c: rows[[c]].to_numpy(dtype=np.float32) for c in columns}
    label, probabilities = session.run(["label", "probabilities"], feeds)
    expected = pd.read_csv(iris_predictions)
    assert label.tolist() == expected["prediction"].tolist()
    assert np.abs(probabilities - expected[PROBABILITIES].to_numpy()).max() < 1e-5
    assert json.loads(meta["class_names"]) == ["setosa", "versicolor", "virginica"]


@pytest.mark.slow  # a fresh Python process that loads torch
def test_python_export_runs_in_a_fresh_process_and_predicts_like_nnplay_predict(
    nnplay: Any, iris_model: Any, iris_predictions: Path, data_dir: Path, tmp_path: Path
) -> None:
    script = tmp_path / "iris_model.py"
    # No --format: the .py suffix says it.
    run = nnplay("export", iris_model.path, "--out", script, cwd=tmp_path).ok()
    weights = tmp_path / "iris_model.safetensors"
    assert str(script) in run.stdout and str(weights) in run.stdout
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run(
        [sys.executable, str(script), str(data_dir / "iris.csv")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    got = pd.read_csv(io.StringIO(done.stdout))
    expected = pd.read_csv(iris_predictions)
    assert list(got.columns) == list(expected.columns)
    assert got["prediction"].tolist() == expected["prediction"].tolist()
    assert np.abs(got[PROBABILITIES].to_numpy() - expected[PROBABILITIES].to_numpy()).max() < 1e-6


def test_pt2_export_loads_in_torch_and_computes_the_network(
    nnplay: Any, iris_model: Any, data_dir: Path, tmp_path: Path
) -> None:
    import torch

    from core.csv_io import read_csv
    from core.data_spec import CsvSource
    from core.modelfile import load_model
    from core.predict import model_outputs

    nnplay("export", iris_model.path, "--out", "iris.pt2", cwd=tmp_path).ok()
    tm = load_model(iris_model.path)
    frame = read_csv(CsvSource(str(data_dir / "iris.csv")))[0]
    x = torch.from_numpy(tm.preprocessor.transform(frame))
    program = torch.export.load(tmp_path / "iris.pt2")  # the test only: the app never loads .pt2
    with torch.no_grad():
        assert torch.allclose(program.module()(x), model_outputs(tm, frame), atol=1e-6)


@pytest.mark.parametrize(
    ("args", "names"),
    [
        (["--out", "model.bin"], ["model.bin", "nnp, onnx, python, pt2"]),
        (["--format", "python", "--out", "model.txt"], ["model.txt", ".py"]),
        (["--format", "onnx", "--out", "no/such/folder/m.onnx"], ["no/such/folder"]),
    ],
)
def test_bad_export_requests_are_refused_with_a_reason(
    nnplay: Any, iris_model: Any, tmp_path: Path, args: list[str], names: list[str]
) -> None:
    nnplay("export", iris_model.path, *args, cwd=tmp_path).bad_input(*names)
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_a_pickle_disguised_as_a_model_is_refused_without_running_it(
    nnplay: Any, tmp_path: Path
) -> None:
    class Boom:
        def __reduce__(self) -> Any:
            return (os.system, (f"touch {tmp_path / 'pwned'}",))

    (tmp_path / "evil.nnp").write_bytes(pickle.dumps(Boom()))
    run = nnplay("export", "evil.nnp", "--out", "evil.onnx", cwd=tmp_path)
    run.bad_input("evil.nnp", "not an NN Playground model file")
    assert not (tmp_path / "pwned").exists() and not (tmp_path / "evil.onnx").exists()
