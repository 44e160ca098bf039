"""`nnplay` alone opens the window (here offscreen, quitting after its first paint)."""

import os
import subprocess
import sys

import pytest


@pytest.mark.slow
def test_nnplay_without_arguments_opens_the_window(tmp_path):
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        NNPLAY_STARTUP_TIME="1",
        NNPLAY_DATA_DIR=str(tmp_path),
    )
    r = subprocess.run(
        [sys.executable, "-m", "cli"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert r.returncode == 0, r.stderr
    assert "first paint" in r.stdout
    assert "Traceback" not in r.stderr
