"""A trained model as one file (*.nnp): a zip of JSON and safetensors. Loading never unpickles.

The JSON holds everything needed to rebuild the network from its spec (the nanoGPT pattern:
config + state dict) and to prepare raw rows exactly as in training.
"""

from __future__ import annotations

import io
import json
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import torch
from safetensors import SafetensorError
from safetensors.torch import load as load_safetensors
from safetensors.torch import save as save_safetensors
from torch import nn

from core import __version__
from core.data_spec import DataSpec
from core.errors import ModelFileError, NNPlayError
from core.files import write_atomic  # here too for its callers (core.project, the CLI)
from core.fitted_preprocessor import FittedPreprocessor
from core.history import History
from core.losses import Head, make_head
from core.model import build_model
from core.spec import FORMAT_VERSION, NetworkSpec, TrainConfig, from_json, to_json

MODEL_FORMAT = "nnplay-model"
MANIFEST = "model.json"
WEIGHTS = "weights.safetensors"
# Limits that keep a hostile file from exhausting memory before it is rejected.
MAX_JSON_BYTES = 64 * 1024 * 1024
MAX_WEIGHTS_BYTES = 4 * 1024 * 1024 * 1024

T = TypeVar("T")


@dataclass
class TrainedModel:
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
    def task(self) -> str:
        return self.data.task

    @property
    def class_names(self) -> tuple[str, ...]:
        return tuple(self.preprocessor.classes) if self.task == "classification" else ()

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
            "feature_columns": [{"name": c.name, "kind": c.kind} for c in self.data.features],
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
    name = path.name

    def read(zf: zipfile.ZipFile) -> tuple[Any, bytes]:
        manifest = read_json(zf, MANIFEST, name)
        return manifest, read_member(zf, WEIGHTS, MAX_WEIGHTS_BYTES, name)

    manifest, weights = read_zip(path, "model", read)
    return model_from_parts(manifest, weights, name)


def read_zip(path: Path, kind: str, read: Callable[[zipfile.ZipFile], T]) -> T:
    """Run `read` on the zip at `path`; a missing, unreadable or broken zip is a ModelFileError.

    `kind` ("model", "project") names the file in messages.
    """
    if not path.is_file():
        raise ModelFileError(f"no such {kind} file: {path}")
    try:
        with zipfile.ZipFile(path) as zf:
            return read(zf)
    # zlib.error: a member whose compressed bytes are corrupt, as in a file cut short.
    except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile, zlib.error) as exc:
        raise ModelFileError(
            f"{path.name} is not an NN Playground {kind} file (not a valid zip: {exc})"
        ) from None
    except OSError as exc:
        raise ModelFileError(f"cannot read {path.name}: {exc.strerror or exc}") from None


def check_format(manifest: Any, expected: str, newest: int, name: str, kind: str) -> int:
    """The manifest's format version, after checking that it is a manifest of this kind of file."""
    if not isinstance(manifest, dict) or manifest.get("format") != expected:
        raise ModelFileError(f"{name} is not an NN Playground {kind} file (no {kind} manifest)")
    version = manifest.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ModelFileError(f"{name}: the {kind}'s format version is missing or invalid")
    if version > newest:
        raise ModelFileError(
            f"{name} was written by a newer NN Playground ({kind} format {version}; this version "
            f"reads up to {newest}); update the app to open it"
        )
    return version


def model_from_parts(manifest: Any, weights: bytes, name: str) -> TrainedModel:
    """Rebuild a TrainedModel from its manifest and safetensors bytes, checking both."""
    check_format(manifest, MODEL_FORMAT, FORMAT_VERSION, name, "model")
    try:
        network = from_json(NetworkSpec, manifest["network"]).validate()
        data = from_json(DataSpec, manifest["data"]).validate()
        config = from_json(TrainConfig, manifest["config"]).validate()
        preprocessor = FittedPreprocessor.from_json(manifest["preprocessor"])
        history = History.from_json(
            manifest.get("history", {"metric": "accuracy", "columns": [], "rows": []})
        )
        loss = manifest["loss"]
        summary = manifest.get("summary", {})
        if not isinstance(loss, str) or not isinstance(summary, dict):
            raise ModelFileError("loss or summary has the wrong type")
    except KeyError as exc:
        raise ModelFileError(f"{name}: the model manifest lacks {exc}") from None
    except NNPlayError as exc:
        raise ModelFileError(f"{name}: {exc}") from None
    head = make_head(
        data.task,
        len(preprocessor.classes) if data.task == "classification" else 0,
        network.binary_output,
    )
    model = build_model(network, preprocessor.n_inputs, head)
    try:
        state = load_safetensors(weights)
    except (SafetensorError, ValueError, RuntimeError) as exc:
        raise ModelFileError(f"{name}: the weights are not valid safetensors ({exc})") from None
    expected = model.state_dict()
    if set(state) != set(expected):
        raise ModelFileError(f"{name}: the weights do not match the network described in the file")
    for key, tensor in state.items():
        if tensor.shape != expected[key].shape or tensor.dtype != expected[key].dtype:
            raise ModelFileError(
                f"{name}: weight {key} has shape {tuple(tensor.shape)}, the network needs {tuple(expected[key].shape)}"
            )
    model.load_state_dict(state)
    model.eval()
    return TrainedModel(network, data, config, preprocessor, model, loss, history, summary)


def read_json(zf: zipfile.ZipFile, member: str, name: str, kind: str = "model") -> Any:
    """A JSON member of the zip, within MAX_JSON_BYTES."""
    raw = read_member(zf, member, MAX_JSON_BYTES, name, kind)
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelFileError(f"{name}: {member} is not valid JSON ({exc})") from None


def read_member(
    zf: zipfile.ZipFile, member: str, limit: int, name: str, kind: str = "model"
) -> bytes:
    """A member's bytes; refused before reading when it claims, or turns out, to exceed `limit`."""
    try:
        info = zf.getinfo(member)
    except KeyError:
        raise ModelFileError(
            f"{name} is not an NN Playground {kind} file (it has no {member})"
        ) from None
    if info.file_size > limit:
        raise ModelFileError(
            f"{name}: {member} is {info.file_size:,} bytes, over the {limit:,}-byte limit"
        )
    with zf.open(info) as f:
        data = f.read(limit + 1)
    if len(data) > limit:
        raise ModelFileError(f"{name}: {member} is larger than it claims")
    return data


def state_to_cpu(model: nn.Module) -> dict[str, torch.Tensor]:
    return {k: v.detach().cpu() for k, v in model.state_dict().items()}
