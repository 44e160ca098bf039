"""`nnplay train --help`: every option that has a default says what it is."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

# Options with no default: the data source, what to predict, where to write, a switch.
NO_DEFAULT = {"-h", "--data", "--toy", "--project", "--target", "--out", "--json"}


def test_train_help_shows_every_default(nnplay: Any, tmp_path: Path) -> None:
    run = nnplay("train", "--help", cwd=tmp_path).ok()
    text = run.stdout.split("options:", 1)[1]
    # One entry per option: from its line "  --name ..." to the next such line.
    entries = re.split(r"\n  (?=-)", "\n" + text)[1:]
    helps = {entry.split()[0].rstrip(","): " ".join(entry.split()) for entry in entries}
    assert len(helps) > 20
    missing = [o for o, h in helps.items() if o not in NO_DEFAULT and "default" not in h]
    assert missing == []
    assert "(default: 0.001)" in helps["--lr"]
    assert "(default: 100)" in helps["--epochs"]
    assert "(default: 0.2)" in helps["--val-fraction"]
    assert "(default: 0.2)" in helps["--test-fraction"]
    assert "(default: 0)" in helps["--early-stopping"]  # a default of 0 is shown too
