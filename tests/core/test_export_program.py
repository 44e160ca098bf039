"""PyTorch program export: torch.export.load gives the network's outputs on preprocessed rows.

Only this test loads a .pt2: loading unpickles, so the app itself never does.
"""

from __future__ import annotations

import json

import pandas as pd
import torch

from core.export import export_model
from core.export.program_export import EXTRA_FILE


def test_the_program_computes_what_the_model_does_for_any_number_of_rows(
    mixed, mixed_csv, tmp_path
):
    tm = mixed["kind"].model  # dropout and batch norm: both must be in eval mode in the program
    path = tmp_path / "kind.pt2"
    assert export_model(tm, "pt2", path) == [path]
    extra = {EXTRA_FILE: ""}
    program = torch.export.load(path, extra_files=extra)
    frame = pd.read_csv(mixed_csv.train)
    x = torch.from_numpy(tm.preprocessor.transform(frame))
    with torch.no_grad():
        want = tm.model(x)
        for rows in (x, x[:1], x[:7]):
            got = program.module()(rows)
            assert torch.allclose(got, want[: len(rows)], atol=1e-6, rtol=1e-6)
    info = json.loads(extra[EXTRA_FILE])
    assert info["class_names"] == ["high", "low", "mid"]
    assert info["inputs"] == list(tm.preprocessor.input_names)


def test_exporting_leaves_the_model_as_it_was(iris, tmp_path):
    tm = iris.model
    before = {k: v.clone() for k, v in tm.model.state_dict().items()}
    export_model(tm, "pt2", tmp_path / "iris.pt2")
    after = tm.model.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)
    assert not tm.model.training
