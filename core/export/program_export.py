"""PyTorch program export: the network alone, on preprocessed inputs, as a torch.export .pt2 file.

For people who serve models with PyTorch. The program takes the float32 [N, inputs] matrix that
`FittedPreprocessor.transform` makes and returns the raw outputs (logits, or the standardised
value); the preprocessing and the class names travel inside as `nnplay.json`, an extra file.

Loading a .pt2 (torch.export.load) unpickles, so runs code from a tampered file: the app writes
these files but never reads them.
"""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path

import torch

from core import __version__
from core.modelfile import TrainedModel, write_atomic

EXTRA_FILE = "nnplay.json"


def export_program(tm: TrainedModel, path: Path) -> list[Path]:
    """Write `path` (.pt2): torch.export of the network in eval mode, any number of rows."""
    model = copy.deepcopy(tm.model).cpu().eval()  # eval: dropout off, batch norm's running stats
    example = torch.zeros(2, tm.preprocessor.n_inputs)
    rows = torch.export.Dim("rows")
    program = torch.export.export(model, (example,), dynamic_shapes=({0: rows},))
    buffer = io.BytesIO()
    torch.export.save(program, buffer, extra_files={EXTRA_FILE: json.dumps(program_info(tm))})
    write_atomic(path, buffer.getvalue())
    return [path]


def program_info(tm: TrainedModel) -> dict[str, object]:
    """What the program's inputs and outputs mean."""
    return {
        "created_by": f"NN Playground {__version__}",
        "task": tm.task,
        "head": {"kind": tm.head.kind, "units": tm.head.units},
        "inputs": list(tm.preprocessor.input_names),
        "outputs": "logits" if tm.task == "classification" else "standardised value",
        "class_names": list(tm.class_names),
        "preprocessing": tm.preprocessor.to_json(),
    }
