"""Python export: the generated file, run on its own, predicts what the app predicts."""

from __future__ import annotations

import importlib.util
import io
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd
import pytest

from core.csv_io import read_csv
from core.data_spec import CsvSource
from core.errors import SpecError
from core.export import export_model
from core.modelfile import TrainedModel
from core.predict import predict_frame

# The generated file must not reach for NN Playground: these imports fail in its process.
RUN_ALONE = (
    "import runpy, sys\n"
    "for name in ('core', 'cli', 'app', 'onnx', 'onnxruntime'):\n"
    "    sys.modules[name] = None\n"
    "sys.argv = sys.argv[1:]\n"
    "runpy.run_path(sys.argv[0], run_name='__main__')\n"
)


def expected_frame(tm: TrainedModel, csv: Path) -> pd.DataFrame:
    frame = read_csv(CsvSource(str(csv)))[0]
    return predict_frame(tm, frame).as_frame(frame)


def assert_same_table(got: pd.DataFrame, want: pd.DataFrame) -> None:
    assert list(got.columns) == list(want.columns)
    if not pd.api.types.is_numeric_dtype(want["prediction"]):
        assert got["prediction"].astype(str).tolist() == want["prediction"].tolist()
        probabilities = [c for c in want.columns if c.startswith("probability_")]
        assert np.abs(got[probabilities].to_numpy() - want[probabilities].to_numpy()).max() < 1e-6
    else:
        assert np.allclose(got["prediction"], want["prediction"], rtol=1e-6, atol=0)


def import_generated(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"generated_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow  # a fresh Python process that loads torch
@pytest.mark.parametrize("target", ["kind", "price"])
def test_the_generated_script_runs_alone_and_predicts_like_the_app(
    mixed, mixed_csv, target, tmp_path
):
    tm = mixed[target].model
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    script = folder / f"{target}_model.py"
    assert export_model(tm, "python", script) == [script, script.with_suffix(".safetensors")]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run(
        [sys.executable, "-c", RUN_ALONE, str(script), str(mixed_csv.new)],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    got = pd.read_csv(io.StringIO(done.stdout))
    assert_same_table(got, expected_frame(tm, mixed_csv.new))


@pytest.mark.parametrize("example", ["iris", "cancer", "diabetes"])
def test_predict_from_python_matches_on_the_examples(example, request, tmp_path):
    ex = request.getfixturevalue(example)
    script = tmp_path / f"{example}.py"
    export_model(ex.model, "python", script)
    module = import_generated(script)
    assert_same_table(module.predict(ex.csv), expected_frame(ex.model, ex.csv))


def test_the_file_is_readable_python_with_the_fitted_constants(mixed, tmp_path):
    tm = mixed["kind"].model
    script = tmp_path / "kind.py"
    export_model(tm, "python", script)
    source = script.read_text()
    # Layer by layer, not a loop over a spec.
    for line in (
        "self.dense1 = nn.Linear(14, 10)",
        "self.dense1_act = nn.GELU()",
        "self.batch_norm1 = nn.BatchNorm1d(10, eps=1e-05)",
        "self.dense2_act = nn.SiLU()",
        "self.output = nn.Linear(6, 3)",
        "x = self.output(x)",
    ):
        assert line in source
    size = next(f for f in tm.preprocessor.features if f.name == "size")
    assert repr(size.fill) in source.replace('"', "'")
    module = import_generated(script)
    assert module.CLASS_NAMES == ["high", "low", "mid"]
    assert module.FEATURES == ["age", "income", "color", "size", "rooms"]
    assert module.CATEGORICAL["size"]["categories"] == list(size.categories)
    assert "import core" not in source and "from core" not in source


def test_awkward_names_stay_valid_python(mixed, tmp_path):
    import dataclasses

    tm = mixed["kind"].model
    pre = tm.preprocessor
    odd = '"""quoted\\ name\n'
    features = (dataclasses.replace(pre.features[0], name=odd), *pre.features[1:])
    renamed = dataclasses.replace(tm, preprocessor=dataclasses.replace(pre, features=features))
    script = tmp_path / "odd.py"
    export_model(renamed, "python", script)
    module = import_generated(script)
    assert module.FEATURES[0] == odd


def test_a_python_export_must_be_a_py_file(iris, tmp_path):
    with pytest.raises(SpecError, match=r"\.py"):
        export_model(iris.model, "python", tmp_path / "model.safetensors")
    assert list(tmp_path.iterdir()) == []
