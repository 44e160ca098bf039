"""`nnplay search`: bad ranges refused with exit 2, a search's JSON summary, several processes
on one study, and Ctrl+C keeping the finished trials."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
IRIS = REPO / "resources" / "data" / "iris.csv"
TINY = ["--data", IRIS, "--target", "species", "--epochs", "3", "--device", "cpu"]


@pytest.mark.parametrize(
    ("options", "words"),
    [
        (["--lr", "0.1:0.001"], ["learning rate range runs from 0.1 down to 0.001"]),
        (["--lr", "0:0.1"], ["learning rate on a log scale needs a low end above 0"]),
        (["--layers", "0:3"], ["number of layers must be from 1 to 10"]),
        (["--units", "four:64"], ["--units", "expected a whole number, not 'four'"]),
        (["--dropout", "0.5:1.5"], ["dropout must stay below 1"]),
        (["--activation", "relu,nope"], ["--activation 'nope' is unknown"]),
        (["--trials", "0"], ["number of trials must be from 1"]),
        (["--storage", "study.db"], ["'study.db' is not a storage URL", "sqlite:///"]),
        pytest.param(
            ["--storage", "nosuchdb://x"],
            ["cannot open the study storage nosuchdb://x"],
            marks=pytest.mark.slow,  # loads Optuna and SQLAlchemy: seconds
        ),
        pytest.param(  # SQLAlchemy's second line (a link) is not printed
            ["--storage", "sqlite:///nonexist/dir/x.db"],
            ["cannot open the study storage sqlite:///nonexist/dir/x.db", "unable to open"],
            marks=pytest.mark.slow,
        ),
    ],
)
def test_bad_ranges_and_storage_exit_2_with_a_message(nnplay, tmp_path, options, words) -> None:
    run = nnplay("search", *TINY, "--trials", "2", *options, cwd=tmp_path)
    line = run.bad_input(*words)
    assert line.startswith("error: ")


def test_a_missing_file_exits_2_naming_it(nnplay, tmp_path) -> None:
    run = nnplay("search", "--data", "nowhere.csv", "--target", "y", cwd=tmp_path)
    run.bad_input("nowhere.csv")


@pytest.mark.slow
def test_search_prints_each_trial_and_a_json_summary_with_the_best(nnplay, tmp_path) -> None:
    storage = f"sqlite:///{tmp_path / 'study.db'}"
    args = ("search", *TINY, "--trials", "3", "--storage", storage, "--study", "iris", "--json")
    first = nnplay(*args, cwd=tmp_path).ok()
    summary = first.json()
    assert summary["reason"] == "3 trials done"
    assert summary["complete"] + summary["pruned"] + summary["failed"] == 3
    assert summary["study_trials"] == 3
    assert [line.split(":")[0] for line in first.stderr.splitlines()] == [
        "trial 0", "trial 1", "trial 2",
    ]  # fmt: skip
    best = summary["best"]
    assert best["config"]["learning_rate"] == best["params"]["learning_rate"]
    # The same command again goes on with the same study.
    again = nnplay(*args, cwd=tmp_path).ok().json()
    assert again["study_trials"] == 6
    assert again["best"]["score"] <= best["score"]


def _start(*args: object, cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "cli", "search", *map(str, args)],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _trials(storage: str, study: str) -> list:
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    try:
        return optuna.load_study(study_name=study, storage=storage).get_trials()
    except KeyError:  # not created yet
        return []


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["sqlite", "journal"])
def test_two_processes_share_one_study_and_no_trial_is_lost(tmp_path, kind) -> None:
    storage = (
        f"sqlite:///{tmp_path / 'study.db'}"
        if kind == "sqlite"
        else f"journal:{tmp_path / 'j.log'}"
    )
    args = (*TINY, "--trials", "4", "--storage", storage, "--study", "shared", "--json")
    processes = [_start(*args, cwd=tmp_path) for _ in range(2)]
    outputs = [p.communicate(timeout=180) for p in processes]
    for p, (_, err) in zip(processes, outputs, strict=True):
        assert p.returncode == 0, err
    summaries = [json.loads(out.strip().splitlines()[-1]) for out, _ in outputs]
    assert all(s["complete"] + s["pruned"] + s["failed"] == 4 for s in summaries)
    if kind == "journal":
        from optuna.storages.journal import JournalFileBackend, JournalStorage

        storage_object = JournalStorage(JournalFileBackend(str(tmp_path / "j.log")))
        trials = _trials(storage_object, "shared")
    else:
        trials = _trials(storage, "shared")
    assert sorted(t.number for t in trials) == list(range(8))  # 4 + 4, none lost or twice
    assert {t.state.name for t in trials} <= {"COMPLETE", "PRUNED"}
    # Each process told only its own trials: their numbers, from the lines they printed, split 8.
    mine = [
        {int(line.split(":")[0].removeprefix("trial ")) for line in err.splitlines()}
        for _, err in outputs
    ]
    assert mine[0].isdisjoint(mine[1]) and mine[0] | mine[1] == set(range(8))


@pytest.mark.slow
def test_ctrl_c_keeps_the_finished_trials_and_exits_cleanly(tmp_path) -> None:
    storage = f"sqlite:///{tmp_path / 'study.db'}"
    process = _start(
        "--data", IRIS, "--target", "species", "--device", "cpu", "--epochs", "20",
        "--trials", "500", "--storage", storage, "--study", "long",
        cwd=tmp_path,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        finished: list = []
        while not finished:  # poll the study until a trial has finished
            assert process.poll() is None and time.monotonic() < deadline, process.stderr.read()
            finished = [t for t in _trials(storage, "long") if t.state.is_finished()]
            time.sleep(0.2)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, err
    assert "Traceback" not in err
    assert out.startswith("stopped:"), out
    trials = _trials(storage, "long")
    kept = [t for t in trials if t.state.name in ("COMPLETE", "PRUNED")]
    assert len(kept) >= 1
    assert {t.number for t in finished} <= {t.number for t in kept}
    # The trial being trained is told as failed: none is left 'running' in the shared study.
    assert all(t.state.is_finished() for t in trials)
    assert "best: trial" in out
