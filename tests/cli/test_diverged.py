"""Training that diverges: said once, nothing saved, and a non-zero exit that scripts notice."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

# A learning rate this large turns the loss into NaN within the first few steps.
DIVERGES = ["--target", "species", "--hidden", "4", "--epochs", "3", "--lr", "1e30", "--seed", "1"]
DEVICE = ["--device", "cpu"]


def test_a_diverged_run_fails_once_and_keeps_the_old_model(
    nnplay: Any, data_dir: Path, tmp_path: Path
) -> None:
    old = tmp_path / "m.nnp"
    old.write_bytes(b"a model from an earlier, good run")
    args = ["--data", data_dir / "iris.csv", *DIVERGES, *DEVICE, "--out", "m.nnp"]
    run = nnplay("train", *args, cwd=tmp_path)
    assert run.returncode == 1, run.stderr  # not bad input (2): the settings were valid
    assert "Traceback" not in run.stderr
    assert run.stdout == ""  # no summary of a model that was not saved
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr  # the reason, once
    assert lines[0].startswith("error: training failed")
    assert "NaN" in lines[0] and "lower learning rate" in lines[0]
    assert "m.nnp was not written" in lines[0] and "kept" not in lines[0]
    assert old.read_bytes() == b"a model from an earlier, good run"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.nnp"]


def test_a_diverged_run_still_prints_its_json_summary(
    nnplay: Any, data_dir: Path, tmp_path: Path
) -> None:
    args = ["--data", data_dir / "iris.csv", *DIVERGES, *DEVICE, "--out", "m.nnp", "--json"]
    run = nnplay("train", *args, cwd=tmp_path)
    assert run.returncode == 1
    s = run.json()
    assert s["outcome"] == "failed" and "NaN" in s["reason"]
    assert s["steps"] >= 1 and s["epochs"] == 0  # steps were taken, no epoch was finished
    assert not (tmp_path / "m.nnp").exists()


def test_a_run_that_stops_early_says_how_far_it_got(nnplay: Any, tmp_path: Path) -> None:
    # 300 toy rows, 180 of them for training: 6 steps of 32 rows per epoch.
    args = ["--toy", "xor", "--samples", "300", "--batch-size", "32", "--epochs", "500"]
    args += ["--early-stopping", "1", "--lr", "0.05", *DEVICE, "--out", "m.nnp"]
    first = nnplay("train", *args, cwd=tmp_path).ok().stdout.splitlines()[0]
    found = re.search(r"\((\d+) epochs and (\d+) steps, [\d.e-]+ s on cpu\)", first)
    assert first.startswith("early stopping") and found, first
    epochs, steps = int(found[1]), int(found[2])
    assert 1 <= epochs < 500 and steps == 6 * epochs
