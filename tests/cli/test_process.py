"""The real `nnplay` process: its exit codes, Ctrl+C, and what it loads before it needs to.

The other command-line tests call `cli.main.main(argv)` in-process; these start `python -m cli`
(torch loads in each: seconds), so they are marked slow.
"""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
XOR = ["train", "--toy", "xor", "--samples", "200", "--hidden", "4", "--device", "cpu"]


@pytest.mark.parametrize(
    ("args", "code"),
    [
        ([*XOR, "--epochs", "2", "--out", "m.nnp"], 0),
        ([*XOR, "--epochs", "0", "--out", "m.nnp"], 2),  # bad input
        ([*XOR, "--epochs", "3", "--lr", "1e30", "--out", "m.nnp"], 1),  # diverges
    ],
    ids=["trained", "bad-input", "diverged"],
)
def test_exit_codes_of_the_real_process(
    args: list[str], code: int, nnplay_process: Any, tmp_path: Path
) -> None:
    run = nnplay_process(*args, cwd=tmp_path)
    assert run.returncode == code, run.stderr
    assert "Traceback" not in run.stderr
    assert (tmp_path / "m.nnp").is_file() == (code == 0)
    if code:
        assert run.stderr.startswith("error: ") and len(run.stderr.splitlines()) == 1


def test_a_wrong_data_file_is_reported_before_torch_is_loaded(tmp_path: Path) -> None:
    """Loading torch takes seconds: a mistake in the command is said before that."""
    code = (
        "import sys\n"
        "from cli.main import main\n"
        "code = main(['train', '--data', 'nowhere.csv', '--target', 'y', '--out', 'm.nnp'])\n"
        "print(code, 'torch' in sys.modules)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    r = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert r.stdout.strip() == "2 False", r.stdout + r.stderr
    assert "nowhere.csv" in r.stderr


def test_ctrl_c_stops_training_and_saves_the_model_trained_so_far(tmp_path: Path) -> None:
    """On a terminal, Ctrl+C ends the run after the current batch; the model is still saved."""
    parent, child = pty.openpty()  # a terminal for stderr: the progress bar says training runs
    args = [*XOR, "--samples", "2000", "--epochs", "100000", "--out", "m.nnp"]
    process = subprocess.Popen(
        [sys.executable, "-m", "cli", *args],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=child,
        text=True,
    )
    os.close(child)
    seen = b""
    try:
        deadline = time.monotonic() + 120
        while b"epoch " not in seen:  # training runs, under its Ctrl+C handler
            assert time.monotonic() < deadline and process.poll() is None, seen
            if select.select([parent], [], [], 1.0)[0]:
                seen += os.read(parent, 4096)
        process.send_signal(signal.SIGINT)
        while True:  # read the terminal to its end, so that the bar never blocks on it
            ready = select.select([parent], [], [], 1.0)[0]
            try:
                chunk = os.read(parent, 4096) if ready else b""
            except OSError:  # the process closed the terminal
                break
            if ready and not chunk:
                break
            seen += chunk
            assert time.monotonic() < deadline, seen
        out = process.communicate(timeout=60)[0]
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(parent)
    assert process.returncode == 0, seen
    assert b"Traceback" not in seen
    assert out.startswith("stopped by the user at step"), out
    assert "saved m.nnp" in out
    assert (tmp_path / "m.nnp").is_file()
