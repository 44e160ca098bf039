"""Scores on rows the model never trained on: `train --test-fraction` and `evaluate --split`."""

from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).resolve().parents[2] / "resources" / "data"
SEED = ["--seed", "1", "--device", "cpu"]
CANCER = [
    "--data", str(DATA / "breast_cancer.csv"), "--target", "diagnosis", "--hidden", "16",
    "--epochs", "30", "--lr", "0.01", "--test-fraction", "0.25", *SEED,
]  # fmt: skip


@pytest.fixture(scope="module")
def held_out(nnplay: Any, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    folder = tmp_path_factory.mktemp("held_out")
    summary = nnplay("train", *CANCER, "--out", "m.nnp", "--json", cwd=folder).ok().json()
    return folder / "m.nnp", summary


def test_train_scores_the_test_rows_and_says_so(nnplay: Any, tmp_path: Path) -> None:
    text = nnplay("train", *CANCER, "--out", "m.nnp", cwd=tmp_path).ok().stdout
    assert "test accuracy" in text and "rows held out from training" in text


def test_evaluate_split_test_scores_exactly_the_rows_training_held_out(
    nnplay: Any, held_out: tuple[Path, dict], tmp_path: Path
) -> None:
    model, summary = held_out
    assert summary["n_test"] == pytest.approx(569 * 0.25, abs=1)
    assert 0.8 <= summary["test_accuracy"] <= 1
    args = [model, "--data", DATA / "breast_cancer.csv", "--split", "test", "--json"]
    report = nnplay("evaluate", *args, cwd=tmp_path).ok().json()
    assert report["n"] == summary["n_test"]
    assert report["accuracy"] == pytest.approx(summary["test_accuracy"])
    assert report["loss"] == pytest.approx(summary["test_loss"], rel=1e-5)


def test_evaluate_on_the_training_file_warns_that_it_flatters(
    nnplay: Any, held_out: tuple[Path, dict], tmp_path: Path
) -> None:
    model, _ = held_out
    run = nnplay("evaluate", model, "--data", DATA / "breast_cancer.csv", cwd=tmp_path).ok()
    assert "warning: breast_cancer.csv is the file this model was trained on" in run.stderr
    copy = tmp_path / "new_patients.csv"
    copy.write_bytes((DATA / "breast_cancer.csv").read_bytes())
    assert "warning" not in nnplay("evaluate", model, "--data", copy, cwd=tmp_path).ok().stderr
    # A split of another file means nothing: said, not guessed.
    run = nnplay("evaluate", model, "--data", copy, "--split", "test", cwd=tmp_path)
    run.bad_input("--split test", "new_patients.csv")


def test_train_refuses_an_output_that_is_not_a_model_file(nnplay: Any, tmp_path: Path) -> None:
    run = nnplay("train", "--toy", "xor", "--epochs", "1", "--out", "model.csv", cwd=tmp_path)
    run.bad_input("model.csv", ".nnp")
    assert not (tmp_path / "model.csv").exists()


def test_early_stopping_without_validation_rows_is_refused(nnplay: Any, tmp_path: Path) -> None:
    args = ["--toy", "xor", "--val-fraction", "0", "--early-stopping", "5", "--out", "m.nnp"]
    nnplay("train", *args, cwd=tmp_path).bad_input("early stopping", "--val-fraction")
    assert not (tmp_path / "m.nnp").exists()


def test_train_holds_out_test_rows_by_default(nnplay: Any, iris_model: Any, tmp_path: Path) -> None:
    # The example models are trained without --test-fraction: 20% of iris is held out.
    args = [iris_model.path, "--data", DATA / "iris.csv", "--split", "test", "--json"]
    report = nnplay("evaluate", *args, cwd=tmp_path).ok().json()
    assert report["n"] == iris_model.summary["n_test"] == 30
    assert report["accuracy"] == pytest.approx(iris_model.summary["test_accuracy"])


def test_split_of_another_file_of_the_same_name_names_both_full_paths(
    nnplay: Any, iris_model: Any, tmp_path: Path
) -> None:
    other = tmp_path / "copy" / "iris.csv"
    other.parent.mkdir()
    other.write_bytes((DATA / "iris.csv").read_bytes())
    args = [iris_model.path, "--data", "copy/iris.csv", "--split", "test"]
    run = nnplay("evaluate", *args, cwd=tmp_path)
    run.bad_input(str(other.resolve()), str((DATA / "iris.csv").resolve()))
