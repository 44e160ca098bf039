"""Run `nnplay` as a user would, in-process for speed, and train each example model once.

`nnplay(*args, cwd=...)` calls `cli.main.main(argv)` in this process: what it prints, its exit
code (a `SystemExit` included) and its warnings, as the real process would print them. Starting
a real `nnplay` imports torch (1-3 s each): `nnplay_process` does that, for the few tests that are
about the process itself (its exit code, signals, start-up); they are marked slow.
Helpers reach the tests as fixtures: pytest runs with --import-mode=importlib, so test
modules cannot import a helper module from this folder.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import subprocess
import sys
import warnings
from collections.abc import Callable, Iterator
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

# The one line that may follow a refused option: where the options are listed.
HELP_HINT = re.compile(r"run 'nnplay( \w+)? --help' to see the options")


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
        """Assert the bad-input contract: exit code 2 and one `error: ` line on stderr (with,
        after a refused option, the hint to --help) and nothing else, no warning either.
        Returns the error line, which mentions every name."""
        assert self.returncode == 2, (self.returncode, self.stderr)
        assert "Traceback" not in self.stderr, self.stderr
        lines = self.stderr.splitlines()
        errors = [line for line in lines if line.startswith("error: ")]
        assert len(errors) == 1, self.stderr
        others = [line for line in lines if line not in errors and not HELP_HINT.fullmatch(line)]
        assert others == [], self.stderr
        assert "internal error" not in errors[0]
        for name in names:
            assert name in errors[0], (name, errors[0])
        return errors[0]


# Categories a Python process does not show by default (see the `warnings` module).
_HIDDEN_WARNINGS = (DeprecationWarning, PendingDeprecationWarning, ImportWarning, ResourceWarning)


@contextlib.contextmanager
def _environment(cwd: Path, env: dict[str, str] | None) -> Iterator[None]:
    old_cwd, old_env = Path.cwd(), {k: os.environ.get(k) for k in env or {}}
    os.chdir(cwd)
    os.environ.update(env or {})
    try:
        yield
    finally:
        os.chdir(old_cwd)
        for k, v in old_env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def run_in_process(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> Run:
    """`nnplay ARGS` in `cwd`, as `cli.main.main(argv)` in this process: exit code, stdout,
    stderr. Warnings the real process would print go to stderr, as there."""
    from cli.main import main

    out, err = io.StringIO(), io.StringIO()
    with (
        _environment(cwd, env),
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
        warnings.catch_warnings(record=True) as caught,
    ):
        warnings.simplefilter("always")
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:  # argparse: --help, a refused option
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            if isinstance(exc.code, str):
                print(exc.code, file=sys.stderr)
    shown = [w for w in caught if not issubclass(w.category, _HIDDEN_WARNINGS)]
    printed = "".join(
        warnings.formatwarning(w.message, w.category, w.filename, w.lineno, w.line) for w in shown
    )
    return Run(code, out.getvalue(), err.getvalue() + printed)


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


@pytest.fixture(scope="session")
def nnplay() -> Callable[..., Run]:
    """Run the command line in-process: nnplay(*args, cwd=folder, env=extra_environment) -> Run."""
    return run_in_process


@pytest.fixture(scope="session")
def nnplay_process() -> Callable[..., Run]:
    """Run the command line as a real process (slow: it imports torch): same arguments."""
    return run_nnplay


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
    """The three examples, each trained into its own folder."""
    planned = {}  # name -> (train options without --out, model file)
    for name, (csv, args) in EXAMPLES.items():
        folder = tmp_path_factory.mktemp(name)
        planned[name] = (["--data", str(DATA / csv), *args, *SEED], folder / f"{name}.nnp")
    models = {}
    for name, (options, path) in planned.items():
        run = run_in_process("train", *options, "--out", path, "--json", cwd=path.parent)
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
    run = run_in_process(
        "predict", iris_model.path, "--data", DATA / "iris.csv", "--out", out, cwd=tmp
    )
    assert run.ok().stdout == ""  # with --out, the table goes to the file only
    assert "150 predictions" in run.stderr
    return out
