"""`nnplay` alone opens the window (here offscreen, quitting after its first paint)."""

import json
import os
import re
import subprocess
import sys

import pytest


def first_paint(args: list[str], tmp_path, platform: str) -> subprocess.CompletedProcess:
    """Run `python ARGS` until the window's first paint (it then quits)."""
    env = dict(
        os.environ,
        QT_QPA_PLATFORM=platform,
        NNPLAY_STARTUP_TIME="1",
        NNPLAY_DATA_DIR=str(tmp_path),
    )
    run = subprocess.run(
        [sys.executable, *args], env=env, capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    return run


@pytest.mark.slow
def test_nnplay_without_arguments_opens_the_window(tmp_path):
    assert "first paint" in first_paint(["-m", "cli"], tmp_path, "offscreen").stdout


@pytest.mark.slow
@pytest.mark.parametrize("screen", [(1024, 768), (1920, 1080)])
def test_the_window_opens_within_its_screen(tmp_path, screen):
    config = tmp_path / "screen.json"
    config.write_text(json.dumps({"screens": [
        {"name": "s", "x": 0, "y": 0, "width": screen[0], "height": screen[1], "logicalDpi": 96, "dpr": 1}
    ]}))  # fmt: skip
    out = first_paint(["-m", "app"], tmp_path, f"offscreen:configfile={config}").stdout
    size = re.search(r"first paint .* s after start-up, (\d+) x (\d+)", out)
    assert size is not None, out
    width, height = int(size[1]), int(size[2])
    if screen == (1920, 1080):
        assert (width, height) == (1400, 900)  # its own size
    else:  # maximized: the screen less the window's frame
        assert screen[0] - 10 <= width <= screen[0] and screen[1] - 10 <= height <= screen[1]


def test_nnplay_with_a_project_or_csv_opens_the_window_on_it(monkeypatch):
    import app.main
    from cli.main import main

    opened: list[list[str]] = []
    monkeypatch.setattr(app.main, "main", lambda argv: opened.append(argv) or 0)
    assert main(["work.nnproj"]) == 0 and main(["Data.CSV"]) == 0
    assert [argv[1:] for argv in opened] == [["work.nnproj"], ["Data.CSV"]]
