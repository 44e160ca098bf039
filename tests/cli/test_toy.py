"""`nnplay train --toy NAME`: every built-in dataset is learnable from the command line."""

from __future__ import annotations

from typing import Any

import pytest

SMALL = ["--samples", "300", "--hidden", "32,32", "--activation", "tanh", "--epochs", "300"]
FAST = ["--lr", "0.03", "--batch-size", "0", "--seed", "0"]


EXPECTED = {
    "spiral": ("classification", "val_accuracy", 0.9),
    "circle": ("classification", "val_accuracy", 0.9),
    "xor": ("classification", "val_accuracy", 0.9),
    "gaussian": ("classification", "val_accuracy", 0.9),
    "plane": ("regression", "val_r2", 0.9),
}


@pytest.fixture(scope="module")
def toy_runs(nnplay: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Each toy dataset trained once; the model files lie next to the runs."""
    tmp = tmp_path_factory.mktemp("toys")
    runs = {
        toy: nnplay(
            "train",
            "--toy",
            toy,
            "--noise",
            "0.1",
            *SMALL,
            *FAST,
            "--out",
            f"{toy}.nnp",
            "--json",
            cwd=tmp,
        )
        for toy in EXPECTED
    }
    return {"folder": tmp, **runs}


@pytest.mark.parametrize("toy", list(EXPECTED))
def test_toy_dataset_trains_to_a_good_model(toy: str, toy_runs: dict[str, Any]) -> None:
    task, metric, least = EXPECTED[toy]
    s = toy_runs[toy].ok().json()
    assert (toy_runs["folder"] / f"{toy}.nnp").is_file()
    assert s["task"] == task
    assert s["epochs"] == 300
    assert s["n_train"] + s["n_val"] + s["n_test"] == 300
    assert s["n_test"] == 60  # --test-fraction defaults to 0.2
    assert s["device"]  # the default --device auto names what it picked
    assert s[metric] >= least
