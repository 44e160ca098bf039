"""Bad input of every kind: exit code 2, one `error: ` line naming the culprit, no traceback.

`Run.bad_input(*names)` (conftest) checks the contract and that the line mentions each name.
"""

from __future__ import annotations

import errno
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import cli.main

IRIS_TRAIN = ["--target", "species", "--epochs", "1", "--hidden", "4"]


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# --- train -------------------------------------------------------------------------------


def test_missing_data_file(nnplay: Any, tmp_path: Path) -> None:
    run = nnplay("train", "--data", "nowhere.csv", "--target", "y", "--out", "m.nnp", cwd=tmp_path)
    run.bad_input("nowhere.csv")
    assert not (tmp_path / "m.nnp").exists()


def test_no_such_target_column(nnplay: Any, data_dir: Path, tmp_path: Path) -> None:
    args = ["--data", data_dir / "iris.csv", "--target", "colour", "--out", "m.nnp"]
    line = nnplay("train", *args, cwd=tmp_path).bad_input("'colour'", "iris.csv")
    assert "species" in line  # it lists the columns there are
    assert not (tmp_path / "m.nnp").exists()


def test_no_such_feature_column(nnplay: Any, data_dir: Path, tmp_path: Path) -> None:
    args = ["--data", data_dir / "iris.csv", *IRIS_TRAIN, "--out", "m.nnp"]
    run = nnplay("train", *args, "--features", "sepal_length,petal_size", cwd=tmp_path)
    run.bad_input("'petal_size'", "iris.csv")
    assert not (tmp_path / "m.nnp").exists()


@pytest.mark.parametrize(
    ("name", "text", "names"),
    [
        ("empty.csv", "", ["empty.csv", "empty"]),
        ("header_only.csv", "a,b,label\n", ["header_only.csv", "no data rows"]),
        ("ragged.csv", "a,b,label\n1,2,x\n3,4\n5,6,y\n", ["ragged.csv", "line 3"]),
        ("ragged_long.csv", "a,b,label\n1,2,x\n3,4,y,9\n5,6,y\n", ["ragged_long.csv", "line 3"]),
        ("one_class.csv", "a,b,label\n1,2,x\n3,4,x\n5,6,x\n", ["one_class.csv", "'label'", "x"]),
        ("no_target.csv", "a,b,label\n1,2,\n3,4,\n", ["no_target.csv", "'label'"]),
    ],
)
def test_unusable_training_csv(
    name: str, text: str, names: list[str], nnplay: Any, tmp_path: Path
) -> None:
    csv = _write(tmp_path / name, text)
    run = nnplay("train", "--data", csv, "--target", "label", "--out", "m.nnp", cwd=tmp_path)
    run.bad_input(*names)
    assert not (tmp_path / "m.nnp").exists()


def test_binary_file_passed_as_csv(nnplay: Any, tmp_path: Path) -> None:
    data = tmp_path / "sheet.csv"
    data.write_bytes(b"PK\x03\x04\x00\x00" + bytes(range(256)) * 4)
    run = nnplay("train", "--data", data, "--target", "y", "--out", "m.nnp", cwd=tmp_path)
    run.bad_input("sheet.csv")


@pytest.mark.parametrize(
    ("flags", "names"),
    [
        (["--hidden", "16,abc"], ["--hidden", "16,abc"]),
        (["--hidden", "0"], ["unit"]),
        (["--lr", "-0.1"], ["--lr", "learning rate", "-0.1"]),
        (["--epochs", "many"], ["--epochs", "many"]),
        (["--device", "quantum"], ["quantum"]),
        (["--val-fraction", "1.5"], ["--val-fraction", "1.5"]),
    ],
)
def test_invalid_training_setting(
    flags: list[str], names: list[str], nnplay: Any, data_dir: Path, tmp_path: Path
) -> None:
    args = ["--data", data_dir / "iris.csv", *IRIS_TRAIN, *flags, "--out", "m.nnp"]
    nnplay("train", *args, cwd=tmp_path).bad_input(*names)
    assert not (tmp_path / "m.nnp").exists()


@pytest.mark.slow
def test_cuda_on_a_machine_without_cuda(
    nnplay_process: Any, data_dir: Path, tmp_path: Path
) -> None:
    args = ["--data", data_dir / "iris.csv", *IRIS_TRAIN, "--device", "cuda", "--out", "m.nnp"]
    # An empty CUDA_VISIBLE_DEVICES hides every GPU, so this holds on GPU machines too; torch
    # reads it once, as it starts CUDA: so a process of its own.
    run = nnplay_process("train", *args, cwd=tmp_path, env={"CUDA_VISIBLE_DEVICES": ""})
    run.bad_input("cuda", "CUDA")
    assert not (tmp_path / "m.nnp").exists()


def test_output_folder_that_does_not_exist(nnplay: Any, data_dir: Path, tmp_path: Path) -> None:
    args = ["--data", data_dir / "iris.csv", *IRIS_TRAIN, "--out", "no/such/m.nnp"]
    nnplay("train", *args, cwd=tmp_path).bad_input("no/such")


def test_unknown_toy_dataset(nnplay: Any, tmp_path: Path) -> None:
    nnplay("train", "--toy", "moons", "--out", "m.nnp", cwd=tmp_path).bad_input("moons")


# --- predict, evaluate, info ------------------------------------------------------------


@pytest.fixture
def not_models(tmp_path: Path, data_dir: Path) -> dict[str, Path]:
    """Files that are not model files, each named .nnp as a confused user might."""
    csv = tmp_path / "iris_csv.nnp"
    csv.write_bytes((data_dir / "iris.csv").read_bytes())
    noise = tmp_path / "noise.nnp"
    noise.write_bytes(bytes((i * 7919 + 13) % 256 for i in range(4096)))
    other_zip = tmp_path / "other_zip.nnp"
    with zipfile.ZipFile(other_zip, "w") as zf:
        zf.writestr("readme.txt", "not a model")
    bad_manifest = tmp_path / "bad_manifest.nnp"
    with zipfile.ZipFile(bad_manifest, "w") as zf:
        zf.writestr("model.json", '{"format": "something-else"}')
        zf.writestr("weights.safetensors", b"")
    return {p.stem: p for p in (csv, noise, other_zip, bad_manifest)}


@pytest.mark.parametrize(
    ("kind", "command"),
    [
        ("iris_csv", "predict"),
        ("noise", "info"),
        ("other_zip", "predict"),
        ("bad_manifest", "info"),
    ],
)
def test_file_that_is_not_a_model(
    kind: str,
    command: str,
    not_models: dict[str, Path],
    nnplay: Any,
    data_dir: Path,
    tmp_path: Path,
) -> None:
    model = not_models[kind]
    data = [] if command == "info" else ["--data", data_dir / "iris.csv"]
    line = nnplay(command, model, *data, cwd=tmp_path).bad_input(model.name)
    assert "model" in line


def test_missing_model_file(nnplay: Any, data_dir: Path, tmp_path: Path) -> None:
    run = nnplay("predict", "gone.nnp", "--data", data_dir / "iris.csv", cwd=tmp_path)
    run.bad_input("gone.nnp")


def test_missing_data_file_at_predict_time(nnplay: Any, iris_model: Any, tmp_path: Path) -> None:
    out = tmp_path / "p.csv"
    run = nnplay("predict", iris_model.path, "--data", "nowhere.csv", "--out", out, cwd=tmp_path)
    run.bad_input("nowhere.csv")
    assert not out.exists()


def test_predictions_into_a_folder_that_does_not_exist(
    nnplay: Any, iris_model: Any, data_dir: Path, tmp_path: Path
) -> None:
    data = ["--data", data_dir / "iris.csv"]
    run = nnplay("predict", iris_model.path, *data, "--out", "nodir/p.csv", cwd=tmp_path)
    line = run.bad_input("nodir/p.csv", "folder nodir")
    assert not line.startswith("error: :")


def test_text_in_a_numeric_column_at_predict_time(
    nnplay: Any, iris_model: Any, data_dir: Path, tmp_path: Path
) -> None:
    frame = pd.read_csv(data_dir / "iris.csv", dtype=str)
    # Text in 21 of 150 rows: too many to be stray marks of a missing value (one typo would be
    # read as missing, core.value_checks), so the column is text where the model wants numbers.
    frame.loc[[3, *range(100, 120)], "sepal_width"] = "three"
    frame.to_csv(tmp_path / "typo.csv", index=False)
    out = tmp_path / "p.csv"
    run = nnplay("predict", iris_model.path, "--data", "typo.csv", "--out", out, cwd=tmp_path)
    run.bad_input("'sepal_width'", "row 4", "three")
    assert not out.exists()


def test_csv_that_lacks_a_feature_column(
    nnplay: Any, iris_model: Any, data_dir: Path, tmp_path: Path
) -> None:
    pd.read_csv(data_dir / "iris.csv").drop(columns="petal_length").to_csv(
        tmp_path / "short.csv", index=False
    )
    run = nnplay("predict", iris_model.path, "--data", "short.csv", cwd=tmp_path)
    run.bad_input("'petal_length'")
    assert run.stdout == ""


def test_evaluate_needs_the_target_column(
    nnplay: Any, iris_model: Any, data_dir: Path, tmp_path: Path
) -> None:
    pd.read_csv(data_dir / "iris.csv").drop(columns="species").to_csv(
        tmp_path / "unlabelled.csv", index=False
    )
    run = nnplay("evaluate", iris_model.path, "--data", "unlabelled.csv", cwd=tmp_path)
    run.bad_input("'species'")


def test_empty_csv_at_predict_time(nnplay: Any, iris_model: Any, tmp_path: Path) -> None:
    _write(tmp_path / "header.csv", "sepal_length,sepal_width,petal_length,petal_width\n")
    run = nnplay("predict", iris_model.path, "--data", "header.csv", cwd=tmp_path)
    run.bad_input("header.csv")


# --- what a new user tried ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "names"),
    [
        (["train", "--toy", "xor", "--out", "m.nnp", "--lr", "abc"], ["--lr", "abc"]),
        (["train", "--toy", "xor", "--out", "m.nnp", "--seed", "abc"], ["--seed", "abc"]),
        (["evaluate", "m.nnp", "--data", "x.csv", "--split", "bogus"], ["--split", "bogus"]),
    ],
)
def test_option_the_parser_refuses_is_one_line_not_the_usage(
    args: list[str], names: list[str], nnplay: Any, tmp_path: Path
) -> None:
    run = nnplay(*args, cwd=tmp_path)
    run.bad_input(*names)
    lines = run.stderr.strip().splitlines()
    assert len(lines) <= 2 and lines[0].startswith("error: "), run.stderr
    assert "usage" not in run.stderr
    assert f"nnplay {args[0]} --help" in run.stderr  # the one hint: where the options are


@pytest.mark.parametrize(
    ("flag", "value"),
    [
        ("--lr", "inf"),
        ("--lr", "nan"),
        ("--lr", "1e400"),  # too big for a float: inf
        ("--weight-decay", "inf"),
        ("--noise", "nan"),
        ("--dropout", "nan"),
        ("--val-fraction", "inf"),
        ("--test-fraction", "nan"),
    ],
)
def test_numbers_must_be_finite(flag: str, value: str, nnplay: Any, tmp_path: Path) -> None:
    run = nnplay(
        "train", "--toy", "xor", "--epochs", "1", flag, value, "--out", "m.nnp", cwd=tmp_path
    )
    run.bad_input(flag, "finite", value)
    assert not (tmp_path / "m.nnp").exists()


@pytest.mark.parametrize(
    ("flags", "names", "not_said"),
    [
        (["--epochs", "-1"], ["--epochs", "at least 1", "-1"], "until stopped"),
        (["--epochs", "0"], ["--epochs", "at least 1"], "until stopped"),
        (
            ["--test-fraction", "0.9"],
            ["--val-fraction 0.2", "--test-fraction 0.9", "110%"],
            "fractions leave",
        ),
        (["--test-fraction", "1.5"], ["--test-fraction", "1.5"], ";"),
        (["--dropout", "1.5"], ["--dropout must be between 0 and 1", "1.5"], "layer"),
        (["--weight-decay", "-1"], ["--weight-decay", "-1"], "weight_decay"),
    ],
)
def test_training_settings_are_refused_in_the_words_of_the_command_line(
    flags: list[str],
    names: list[str],
    not_said: str,
    nnplay: Any,
    data_dir: Path,
    tmp_path: Path,
) -> None:
    args = ["--data", data_dir / "iris.csv", *IRIS_TRAIN, *flags, "--out", "m.nnp"]
    line = nnplay("train", *args, cwd=tmp_path).bad_input(*names)
    assert not_said not in line.removeprefix("error: ")


def test_a_classification_loss_on_a_regression_target(
    nnplay: Any, data_dir: Path, tmp_path: Path
) -> None:
    args = ["--data", data_dir / "diabetes.csv", "--target", "progression", "--epochs", "1"]
    run = nnplay("train", *args, "--loss", "cross_entropy", "--out", "m.nnp", cwd=tmp_path)
    run.bad_input("--loss cross_entropy", "'progression'", "regression", "mse")


@pytest.mark.parametrize("flags", [["--noise", "0.3"], ["--samples", "50"]])
def test_toy_options_with_a_csv_are_refused_not_ignored(
    flags: list[str], nnplay: Any, data_dir: Path, tmp_path: Path
) -> None:
    args = ["--data", data_dir / "iris.csv", *IRIS_TRAIN, *flags, "--out", "m.nnp"]
    nnplay("train", *args, cwd=tmp_path).bad_input(flags[0], "--toy")
    assert not (tmp_path / "m.nnp").exists()


def test_predictions_into_an_existing_folder(
    nnplay: Any, iris_model: Any, data_dir: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "results"
    folder.mkdir()
    args = [iris_model.path, "--data", data_dir / "iris.csv", "--out", folder]
    nnplay("predict", *args, cwd=tmp_path).bad_input("--out", "results", "folder")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results"]  # no stray temporary file
    assert not any(folder.iterdir())


@pytest.mark.parametrize("failure", ["folder", "not bytes"])
def test_a_failed_atomic_write_leaves_no_temporary_file(failure: str, tmp_path: Path) -> None:
    from core.errors import ModelFileError
    from core.modelfile import write_atomic

    target = tmp_path / "out.csv"
    if failure == "folder":
        target.mkdir()  # the rename over it fails
        with pytest.raises(ModelFileError, match=r"out\.csv"):
            write_atomic(target, b"a,b\n")
    else:
        with pytest.raises(TypeError):  # not an OSError, and still cleaned up
            write_atomic(target, "text, not bytes")  # type: ignore[arg-type]
    assert [p.name for p in tmp_path.iterdir()] == (["out.csv"] if failure == "folder" else [])


def test_an_operating_system_error_is_one_line_and_exit_code_2(
    nnplay: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Whatever the file system refuses that no command turned into a sentence of its own (a full
    # disk, a file that vanished mid-read): the path and the reason, not an "internal error".
    def disk_full(ns: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "m.nnp"))

    monkeypatch.setitem(cli.main.COMMANDS, "info", disk_full)
    line = nnplay("info", "m.nnp", cwd=tmp_path).bad_input("m.nnp", "No space left on device")
    assert "internal error" not in line


def test_an_unwritable_out_folder_is_refused_before_training(nnplay: Any, tmp_path: Path) -> None:
    # /proc takes no new files, not even from root: the model could never be saved there.
    r = nnplay(
        "train", "--toy", "circle", "--epochs", "1000", "--out", "/proc/model.nnp", cwd=tmp_path
    )
    r.bad_input("/proc/model.nnp")
    assert "epoch" not in r.stdout.lower()  # refused before any training
