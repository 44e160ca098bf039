"""`nnplay info work.nnproj` says which runs' final models the project keeps, and which it could
not read."""

from __future__ import annotations

import zipfile
from pathlib import Path

from core.columns import auto_data_spec
from core.csv_io import read_csv
from core.data_spec import CsvSource
from core.dataset import prepare_data
from core.project import ProjectFile, save_project
from core.run_models import kept_model
from core.runs import RunRecord, weights_member
from core.spec import LayerSpec, NetworkSpec, TrainConfig
from core.workflow import train


def test_info_marks_the_runs_whose_weights_are_kept(nnplay, tmp_path: Path, data_dir: Path):
    source = CsvSource(str(data_dir / "iris.csv"))
    frame = read_csv(source)[0]
    network = NetworkSpec(layers=(LayerSpec(units=4),))
    config = TrainConfig(epochs=2, device="cpu")
    tm = train(network, prepare_data(auto_data_spec(frame, source, "species"), frame), config)
    model = tm.model
    runs = tuple(
        RunRecord(n, f"run {n}", model.data, network, config, epochs=2,
                  weights=weights_member(n) if n == 1 else None)
        for n in (1, 2)
    )  # fmt: skip
    path = tmp_path / "work.nnproj"
    save_project(path, ProjectFile(model.data, network, config, runs=runs,
                                   run_models={1: kept_model(model)}))  # fmt: skip
    out = nnplay("info", "work.nnproj", cwd=tmp_path).ok().stdout
    header, first, second = (line.split() for line in out.splitlines()[-3:])
    assert header[-2:] == ["weights", "changed"]
    assert first[:3] == ["1", "run", "1"] and first[-3:] == ["kept", "first", "run"]
    assert second[:3] == ["2", "run", "2"] and "kept" not in second

    # A run's model that cannot be read: the project is listed, with a note naming it.
    with zipfile.ZipFile(path) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    members[weights_member(1)] = members[weights_member(1)][:100]
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    out = nnplay("info", "work.nnproj", cwd=tmp_path).ok().stdout
    assert "kept" not in out.split("runs: 2")[1].split("note:")[0]
    assert out.splitlines()[-1].startswith(
        "note: work.nnproj: run 1: runs/1/weights.safetensors: the weights are not valid"
    )
