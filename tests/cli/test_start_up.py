"""`import cli.main` loads neither torch (seconds) nor pandas (0.3 s): `nnplay --help` answers
at once, and a mistake in a command is reported before the engine loads."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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
