"""A trained model as one file (*.nnp): a zip of JSON and safetensors. Loading never unpickles.

The JSON holds everything needed to rebuild the network from its spec (the nanoGPT pattern:
config + state dict) and to prepare raw rows exactly as in training.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from safetensors import SafetensorError
from safetensors.torch import load as load_safetensors
from safetensors.torch import save as save_safetensors
from torch import nn

from core import __version__
from core.data_spec import DataSpec
from core.errors import ModelFileError
from core.files import write_atomic  # here too for its callers (core.project, the CLI)
from core.fitted_preprocessor import FittedPreprocessor
from core.history import History
from core.losses import Head, make_head
from core.model import build_model
from core.model_manifest import (  # MANIFEST and WEIGHTS here too, for their callers
    MANIFEST,
    MODEL_FORMAT,
    WEIGHTS,
    ModelParts,
    ModelTask,
    model_parts,
    read_json,
    read_member,
    read_zip,
    weights_limit,
)
from core.spec import FORMAT_VERSION, NetworkSpec, TrainConfig, to_json


@dataclass
class TrainedModel(ModelTask):
    """A network with its weights, the fitted preprocessing and how it was trained."""

    network: NetworkSpec
    data: DataSpec
    config: TrainConfig
    preprocessor: FittedPreprocessor
    model: nn.Sequential
    loss: str
    history: History = field(default_factory=History)
    summary: dict[str, Any] = field(default_factory=dict)

    @property
    def head(self) -> Head:
        return make_head(self.task, len(self.class_names), self.network.binary_output)

    def parameter_count(self) -> int:
        return sum(p.numel() for p in self.model.parameters())

    def manifest(self) -> dict[str, Any]:
        return {
            "format": MODEL_FORMAT,
            "format_version": FORMAT_VERSION,
            "created_by": f"NN Playground {__version__}",
            "network": to_json(self.network),
            "data": to_json(self.data),
            "config": to_json(self.config),
            "loss": self.loss,
            "head": {"kind": self.head.kind, "units": self.head.units},
            "preprocessor": self.preprocessor.to_json(),
            "class_names": list(self.class_names),
            # The columns a table needs: x1 and x2 when the inputs are computed from them.
            "feature_columns": [{"name": c.name, "kind": c.kind} for c in self.data.table_features],
            **(
                {"input_features": list(self.preprocessor.input_features)}
                if self.preprocessor.input_features
                else {}
            ),
            "history": self.history.to_json(),
            "summary": self.summary,
        }


def save_model(tm: TrainedModel, path: str | Path) -> None:
    """Write the model file atomically: a crash mid-write leaves any old file intact."""
    write_atomic(Path(path), zip_bytes(model_members(tm)))


def model_members(tm: TrainedModel) -> dict[str, bytes]:
    """A model's zip members: its JSON manifest and its safetensors weights."""
    state = {k: v.detach().cpu().contiguous() for k, v in tm.model.state_dict().items()}
    return {
        MANIFEST: json.dumps(tm.manifest(), indent=1, allow_nan=False).encode("utf-8"),
        WEIGHTS: save_safetensors(state),
    }


def zip_bytes(members: dict[str, bytes]) -> bytes:
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, payload in members.items():
            zf.writestr(name, payload)
    return data.getvalue()


def load_model(path: str | Path) -> TrainedModel:
    """Read a model file; anything that is not a valid model raises ModelFileError."""
    path = Path(path)
    return read_zip(path, "model", lambda zf: read_model(zf, path.name))


def read_model(
    zf: zipfile.ZipFile, name: str, kind: str = "model", label: str | None = None
) -> TrainedModel:
    """The model held in `zf` (a model file, or a trained project): its manifest first, then
    its weights, read only up to what the network the manifest describes can hold.

    `name` is the file's name, `label` how errors name the model in it (default: `name`).
    """
    label = label or name
    parts = model_parts(read_json(zf, MANIFEST, name, kind), label)
    weights = read_member(zf, WEIGHTS, weights_limit(parts), name, kind)
    return model_from_parts(parts, weights, label)


def model_from_parts(parts: ModelParts, weights: bytes, name: str) -> TrainedModel:
    """Build the network of a checked manifest and load its safetensors weights, checking them:
    the same tensors, each of the shape and dtype the network needs, every value finite."""
    model = build_model(parts.network, parts.preprocessor.n_inputs, parts.head)
    try:
        state = load_safetensors(weights)
    except (SafetensorError, ValueError, RuntimeError) as exc:
        raise ModelFileError(f"{name}: the weights are not valid safetensors ({exc})") from None
    expected = model.state_dict()
    if set(state) != set(expected):
        raise ModelFileError(f"{name}: the weights do not match the network described in the file")
    for key, tensor in state.items():
        need = expected[key]
        if tensor.shape != need.shape or tensor.dtype != need.dtype:
            raise ModelFileError(
                f"{name}: weight {key} is {_dtype_name(tensor)} of shape {tuple(tensor.shape)}, "
                f"the network needs {_dtype_name(need)} of shape {tuple(need.shape)}"
            )
        if tensor.is_floating_point() and not bool(torch.isfinite(tensor).all()):
            raise ModelFileError(
                f"{name}: weight {key} holds NaN or infinite values; a network with them "
                "predicts nothing meaningful"
            )
    model.load_state_dict(state)
    model.eval()
    return TrainedModel(
        parts.network,
        parts.data,
        parts.config,
        parts.preprocessor,
        model,
        parts.loss,
        parts.history,
        parts.summary,
    )


def _dtype_name(tensor: torch.Tensor) -> str:
    return str(tensor.dtype).removeprefix("torch.")


def state_to_cpu(model: nn.Module) -> dict[str, torch.Tensor]:
    return {k: v.detach().cpu() for k, v in model.state_dict().items()}
