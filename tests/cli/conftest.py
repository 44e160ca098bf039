"""Run `nnplay` as a real subprocess, as a user would, and train each example model once.

Every subprocess imports torch (1-3 s), so trainings are shared through session fixtures.
Helpers reach the tests as fixtures: pytest runs with --import-mode=importlib, so test
modules cannot import a helper module from this folder.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "resources" / "data"
# Generous: a loaded 2-core machine is slow, but a hang must still fail rather than stall CI.
TIMEOUT_S = 120

# Small settings that learn each example in well under a second of training on a CPU.
IRIS_ARGS = ["--target", "species", "--hidden", "16", "--epochs", "100", "--lr", "0.01"]
CANCER_ARGS = ["--target", "diagnosis", "--hidden", "16", "--epochs", "30", "--lr", "0.01"]
DIABETES_ARGS = [
    "--target", "progression", "--hidden", "8", "--epochs", "40", "--lr", "0.01",
    "--weight-decay", "0.01",
]  # fmt: skip
SEED = ["--seed", "1", "--device", "cpu"]


@dataclass(frozen=True)
class Run:
    returncode: int
    stdout: str
    stderr: str

    def json(self) -> dict[str, Any]:
        """The last stdout line as one JSON object."""
        lines = self.stdout.strip().splitlines()
        assert lines, f"no output; stderr: {self.stderr}"
        obj = json.loads(lines[-1])
        assert isinstance(obj, dict)
        return obj

    def frame(self) -> pd.DataFrame:
        return pd.read_csv(io.StringIO(self.stdout))

    def ok(self) -> Run:
        assert self.returncode == 0, self.stderr
        assert "Traceback" not in self.stderr
        return self

    def bad_input(self, *names: str) -> str:
        """Assert the bad-input contract; return the error line, which mentions every name."""
        assert self.returncode == 2, (self.returncode, self.stderr)
        assert "Traceback" not in self.stderr, self.stderr
        errors = [line for line in self.stderr.splitlines() if line.startswith("error: ")]
        assert len(errors) == 1, self.stderr
        assert "internal error" not in errors[0]
        for name in names:
            assert name in errors[0], (name, errors[0])
        return errors[0]


def run_nnplay(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> Run:
    """`python -m cli ARGS` in `cwd`, with no terminal and no stdin, failing on a hang."""
    full_env = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    try:
        done = subprocess.run(
            [sys.executable, "-m", "cli", *map(str, args)],
            cwd=cwd,
            env=full_env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"nnplay {' '.join(map(str, args))} hung for over {TIMEOUT_S} s")
    return Run(done.returncode, done.stdout, done.stderr)


def run_all(commands: list[tuple[list[str | Path], Path]]) -> list[Run]:
    """Run several `(args, cwd)` at once, one per core: most of each run is importing torch,
    which uses one core, and small models train on one thread (core/threads.py)."""
    workers = max(2, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 2)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(run_nnplay, *args, cwd=cwd) for args, cwd in commands]
        return [f.result() for f in futures]


@pytest.fixture(scope="session")
def nnplay() -> Callable[..., Run]:
    """Run the command line: nnplay(*args, cwd=folder, env=extra_environment) -> Run."""
    return run_nnplay


@pytest.fixture(scope="session")
def nnplay_all() -> Callable[[list[tuple[list[str | Path], Path]]], list[Run]]:
    """Run several command lines at once: nnplay_all([(args, cwd), ...]) -> [Run, ...]."""
    return run_all


@dataclass(frozen=True)
class Trained:
    """A model file written by `nnplay train --json`, the summary it printed, how it was made."""

    path: Path
    summary: dict[str, Any]
    args: list[str]


EXAMPLES = {
    "iris": ("iris.csv", IRIS_ARGS),
    "cancer": ("breast_cancer.csv", CANCER_ARGS),
    "diabetes": ("diabetes.csv", DIABETES_ARGS),
}


@pytest.fixture(scope="session")
def example_models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Trained]:
    """The three examples trained side by side, each into its own folder."""
    planned = {}  # name -> (train options without --out, model file)
    for name, (csv, args) in EXAMPLES.items():
        folder = tmp_path_factory.mktemp(name)
        planned[name] = (["--data", str(DATA / csv), *args, *SEED], folder / f"{name}.nnp")
    commands: list[tuple[list[str | Path], Path]] = [
        (["train", *options, "--out", path, "--json"], path.parent)
        for options, path in planned.values()
    ]
    models = {}
    for (name, (options, path)), run in zip(planned.items(), run_all(commands), strict=True):
        summary = run.ok().json()
        assert path.is_file()
        models[name] = Trained(path, summary, options)
    return models


@pytest.fixture(scope="session")
def iris_model(example_models: dict[str, Trained]) -> Trained:
    return example_models["iris"]


@pytest.fixture(scope="session")
def cancer_model(example_models: dict[str, Trained]) -> Trained:
    return example_models["cancer"]


@pytest.fixture(scope="session")
def diabetes_model(example_models: dict[str, Trained]) -> Trained:
    return example_models["diabetes"]


@pytest.fixture(scope="session")
def iris_predictions(iris_model: Trained, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """iris.csv predicted by the iris model, written with --out."""
    tmp = tmp_path_factory.mktemp("iris_pred")
    out = tmp / "predictions.csv"
    run = run_nnplay("predict", iris_model.path, "--data", DATA / "iris.csv", "--out", out, cwd=tmp)
    assert run.ok().stdout == ""  # with --out, the table goes to the file only
    assert "150 predictions" in run.stderr
    return out
