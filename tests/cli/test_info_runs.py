"""`nnplay info work.nnproj`: the project's design and its run history, one line a run."""

from __future__ import annotations

import dataclasses
import json
import zipfile
from pathlib import Path

import pytest

from core.columns import auto_data_spec
from core.csv_io import read_csv
from core.data_spec import CsvSource, DataSpec
from core.project import ProjectFile, save_project
from core.runs import Curve, RunRecord, RunScores
from core.spec import LayerSpec, NetworkSpec, TrainConfig

NETWORK = NetworkSpec(layers=(LayerSpec(units=12), LayerSpec(units=12)))


@pytest.fixture
def iris(data_dir: Path) -> DataSpec:
    source = CsvSource(str(data_dir / "iris.csv"))
    return auto_data_spec(read_csv(source)[0], source, "species")


def run(data: DataSpec, number: int, rate: float, activation: str = "relu") -> RunRecord:
    network = NetworkSpec(layers=(LayerSpec(units=12), LayerSpec(units=12, activation=activation)))
    scores = RunScores(best_val_loss=0.1 * number, val_metric=0.9, test_metric=0.875)
    return RunRecord(number, f"run {number}", data, network, TrainConfig(learning_rate=rate),
                     epochs=40, seconds=3.25, scores=scores)  # fmt: skip


def test_info_lists_a_projects_runs(nnplay, tmp_path: Path, iris: DataSpec) -> None:
    runs = (
        run(iris, 1, 0.03),
        run(iris, 2, 0.01, "tanh"),
        dataclasses.replace(run(iris, 3, 0.01), name="best"),
    )
    save_project(tmp_path / "work.nnproj", ProjectFile(iris, NETWORK, runs=runs))
    out = nnplay("info", "work.nnproj", cwd=tmp_path).ok().stdout
    assert "project data: " in out and "iris.csv" in out and "runs: 3" in out
    lines = [line for line in out.splitlines() if "87.5%" in line]
    assert len(lines) == 3
    assert lines[0].split()[:3] == ["1", "run", "1"] and lines[0].endswith("first run")
    assert lines[1].endswith("dense2 relu → tanh, lr 0.03 → 0.01")
    assert "best" in lines[2] and lines[2].endswith("dense2 tanh → relu")
    assert "0.3" in lines[2] and "90.0%" in lines[2] and "3.2s" in lines[2]


def test_a_project_without_runs_says_so(nnplay, tmp_path: Path, iris: DataSpec) -> None:
    save_project(tmp_path / "empty.nnproj", ProjectFile(iris, NETWORK))
    out = nnplay("info", "empty.nnproj", cwd=tmp_path).ok().stdout
    assert "not trained" in out and "runs: none" in out


def test_a_broken_run_history_is_bad_input(nnplay, tmp_path: Path, iris: DataSpec) -> None:
    path = tmp_path / "broken.nnproj"
    save_project(path, ProjectFile(iris, NETWORK, runs=(run(iris, 1, 0.03),)))
    with zipfile.ZipFile(path) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    runs = json.loads(members["runs.json"])
    runs["runs"][0]["epochs"] = "many"
    members["runs.json"] = json.dumps(runs).encode()
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    line = nnplay("info", "broken.nnproj", cwd=tmp_path).bad_input("broken.nnproj", "runs.json")
    assert "epochs" in line


def test_runs_writes_the_chosen_runs_curves(nnplay, tmp_path: Path, iris: DataSpec) -> None:
    runs = tuple(run(iris, n, 0.03) for n in (1, 2, 3))
    runs = tuple(dataclasses.replace(r, curves=(("loss/train", Curve((1.0, 2.0), (0.5, 0.25))),))
                 for r in runs)  # fmt: skip
    save_project(tmp_path / "work.nnproj", ProjectFile(iris, NETWORK, runs=runs))
    out = nnplay("runs", "work.nnproj", "--select", "1,3", "--csv", "c.csv", cwd=tmp_path)
    assert "runs: 2" in out.ok().stdout and "wrote the curves of 2 run(s) to c.csv" in out.stdout
    lines = (tmp_path / "c.csv").read_text().splitlines()
    assert lines[1:] == [
        f"run {n},loss/train,{x},{y}" for n in (1, 3) for x, y in ((1, 0.5), (2, 0.25))
    ]


def test_runs_names_a_run_the_project_lacks(nnplay, tmp_path: Path, iris: DataSpec) -> None:
    save_project(tmp_path / "work.nnproj", ProjectFile(iris, NETWORK, runs=(run(iris, 1, 0.03),)))
    result = nnplay("runs", "work.nnproj", "--select", "1,7", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == "error: --select: the project has no run 7 (its runs: 1)"
