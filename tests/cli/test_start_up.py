"""`import cli.main` loads neither torch (seconds) nor pandas (0.3 s): `nnplay --help` answers
at once, and a mistake in a command is reported before the engine loads."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def test_the_command_line_loads_no_torch_and_no_pandas_until_a_command_needs_them() -> None:
    code = "import sys, cli.main; print('torch' in sys.modules, 'pandas' in sys.modules)"
    r = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.stdout.strip() == "False False", r.stdout + r.stderr


@pytest.mark.slow  # a process of its own
def test_info_describes_a_model_without_loading_torch(iris_model) -> None:
    code = (
        "import sys\nfrom cli.main import main\n"
        f"code = main(['info', {str(iris_model.path)!r}])\n"
        "print('torch' in sys.modules, code)"
    )
    r = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    lines = r.stdout.strip().splitlines()
    assert lines[-1] == "False 0", r.stdout + r.stderr
    # The weights' header, read without torch, holds as many values as the network's parameters.
    total = re.search(r"total\s+([\d,]+) parameters", r.stdout)
    weights = re.search(r"weights\s+4 tensors, ([\d,]+) values in the file", r.stdout)
    assert total and weights and total.group(1) == weights.group(1), r.stdout
