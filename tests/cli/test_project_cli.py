"""`nnplay train --project`: a project saved by the window trains without it."""

from __future__ import annotations

import dataclasses
import pickle
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest

from core.columns import auto_data_spec
from core.csv_io import read_csv
from core.data_spec import CsvSource
from core.project import ProjectFile, load_project, save_project
from core.spec import LayerSpec, NetworkSpec, TrainConfig

NETWORK = NetworkSpec((LayerSpec(units=6, activation="tanh"),))
CONFIG = TrainConfig(epochs=4, learning_rate=0.05, batch_size=16, device="cpu", seed=2)


@pytest.fixture
def project(data_dir: Path, tmp_path: Path) -> Path:
    """A project as the window saves it, reading its own copy of iris.csv."""
    csv = tmp_path / "iris.csv"
    shutil.copy(data_dir / "iris.csv", csv)
    frame, fmt = read_csv(CsvSource(str(csv)))
    source = CsvSource(str(csv), fmt.delimiter, fmt.encoding, fmt.decimal)
    spec = auto_data_spec(frame, source, "species", val_fraction=0.3)
    path = tmp_path / "iris.nnproj"
    save_project(path, ProjectFile(spec, NETWORK, CONFIG))
    return path


def test_train_uses_the_projects_data_network_and_settings(
    nnplay: Any, project: Path, tmp_path: Path
) -> None:
    from core.modelfile import load_model

    # Saved on a machine with a GPU; trained here on the CPU, the one setting that may differ.
    loaded = load_project(project)
    on_gpu = dataclasses.replace(CONFIG, device="cuda")
    save_project(project, dataclasses.replace(loaded, config=on_gpu))
    args = ["--project", project, "--device", "cpu", "--out", "m.nnp", "--json"]
    summary = nnplay("train", *args, cwd=tmp_path).ok().json()
    assert summary["epochs"] == CONFIG.epochs and summary["device"] == "cpu"
    assert summary["n_val"] == 45  # the project's validation fraction, 0.3 of 150
    tm = load_model(tmp_path / "m.nnp")
    assert tm.network == NETWORK and tm.config == CONFIG
    assert tm.class_names == ("setosa", "versicolor", "virginica")


def test_out_as_a_project_saves_the_trained_project_with_its_history(
    nnplay: Any, project: Path, tmp_path: Path
) -> None:
    out = tmp_path / "trained.nnproj"
    nnplay("train", "--project", project, "--out", out, cwd=tmp_path).ok()
    trained = load_project(out)
    assert trained.model is not None and len(trained.model.history.rows) == CONFIG.epochs
    assert trained.network == NETWORK and trained.config == CONFIG


def test_a_project_whose_csv_moved_names_the_missing_file(
    nnplay: Any, project: Path, tmp_path: Path
) -> None:
    (tmp_path / "iris.csv").rename(tmp_path / "elsewhere.csv")
    nnplay("train", "--project", project, "--out", "m.nnp", cwd=tmp_path).bad_input(
        str(tmp_path / "iris.csv")
    )
    assert not (tmp_path / "m.nnp").exists()


def test_settings_on_the_command_line_conflict_with_the_project(
    nnplay: Any, project: Path, tmp_path: Path
) -> None:
    run = nnplay(
        "train",
        "--project",
        project,
        "--hidden",
        "3",
        "--lr",
        "0.5",
        "--out",
        "m.nnp",
        cwd=tmp_path,
    )
    run.bad_input("--hidden", "--lr", "from the project")


def test_a_pickle_disguised_as_a_project_is_refused_without_running_it(
    nnplay: Any, tmp_path: Path
) -> None:
    import os

    class Boom:
        def __reduce__(self) -> Any:
            return (os.system, (f"touch {tmp_path / 'pwned'}",))

    (tmp_path / "evil.nnproj").write_bytes(pickle.dumps(Boom()))
    nnplay("train", "--project", "evil.nnproj", "--out", "m.nnp", cwd=tmp_path).bad_input(
        "evil.nnproj", "not an NN Playground project file"
    )
    assert not (tmp_path / "pwned").exists() and not (tmp_path / "m.nnp").exists()


def test_a_hand_edited_project_with_an_infinite_setting_is_refused(
    nnplay: Any, project: Path, tmp_path: Path
) -> None:
    # JSON readers accept Infinity; training with it would fail, and saving would crash.
    with zipfile.ZipFile(project) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    text = members["project.json"].decode()
    assert '"learning_rate": 0.05' in text
    members["project.json"] = text.replace(
        '"learning_rate": 0.05', '"learning_rate": Infinity'
    ).encode()
    with zipfile.ZipFile(project, "w") as zf:
        for name, payload in members.items():
            zf.writestr(name, payload)
    run = nnplay("train", "--project", project, "--out", "m.nnp", cwd=tmp_path)
    run.bad_input("learning rate", "finite", "inf")
    assert not (tmp_path / "m.nnp").exists()


@pytest.mark.parametrize(
    ("columns", "text"),
    [
        # names the file has not: its own column names are its contents
        ((("a", "feature", "numeric"), ("label", "target", "categorical")), "no column"),
        # values that do not fit the settings: its values are its contents
        ((("user", "feature", "numeric"), ("password", "target", "categorical")), "number"),
    ],
)
def test_a_data_file_outside_the_project_folder_is_never_quoted(
    columns: tuple[tuple[str, str, str], ...], text: str, nnplay: Any, tmp_path: Path
) -> None:
    from core.data_spec import ColumnSpec, DataSpec

    secret = tmp_path / "elsewhere" / "accounts"
    secret.parent.mkdir()
    secret.write_text("user,password\nalice,hunter2\nbob,letmein\n")
    spec = DataSpec(
        CsvSource(str(secret)),
        tuple(
            ColumnSpec(name, role, kind, "none", "mean" if kind == "numeric" else "most_frequent")  # type: ignore[arg-type]
            for name, role, kind in columns
        ),
    )
    project = tmp_path / "projects" / "p.nnproj"
    project.parent.mkdir()
    save_project(project, ProjectFile(spec, NETWORK, CONFIG))

    run = nnplay("train", "--project", project, "--out", "m.nnp", cwd=tmp_path)
    line = run.bad_input("p.nnproj", str(secret), "--data")
    for content in ("user", "password", "alice", "hunter2", "bob", "letmein"):
        assert content not in line.replace(str(secret), ""), line
    assert text not in line  # the reason, which would quote the file, is not given
