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

from core import __version__, limits
from core.data_spec import DataSpec
from core.errors import ModelFileError, NNPlayError
from core.files import write_atomic  # here too for its callers (core.project, the CLI)
from core.fitted_preprocessor import FittedPreprocessor
from core.history import History
from core.losses import Head, make_head
from core.model import build_model, check_size
from core.spec import FORMAT_VERSION, NetworkSpec, TrainConfig, from_json, to_json

MODEL_FORMAT = "nnplay-model"
MANIFEST = "model.json"
WEIGHTS = "weights.safetensors"
# Keeps a hostile file from exhausting memory before it is rejected. The weights member's
# limit is what the network its manifest describes holds (`weights_limit`).
MAX_JSON_BYTES = limits.MAX_JSON_BYTES

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
    except MemoryError:
        raise ModelFileError(f"not enough memory to open {path.name}") from None
    except RecursionError:
        raise ModelFileError(f"{path.name}: the {kind} is nested too deeply to read") from None


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


@dataclass(frozen=True)
class ModelParts:
    """A model manifest, checked: everything but the weights."""

    network: NetworkSpec
    data: DataSpec
    config: TrainConfig
    preprocessor: FittedPreprocessor
    history: History
    loss: str
    summary: dict[str, Any]
    head: Head


def model_parts(manifest: Any, name: str) -> ModelParts:
    """Check a model manifest and the size of the network it describes (before anything is
    built or its weights are read)."""
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
        head = make_head(
            data.task,
            len(preprocessor.classes) if data.task == "classification" else 0,
            network.binary_output,
        )
        check_size(network, preprocessor.n_inputs, head.units)
    except KeyError as exc:
        raise ModelFileError(f"{name}: the model manifest lacks {exc}") from None
    except NNPlayError as exc:
        raise ModelFileError(f"{name}: {exc}") from None
    except (TypeError, ValueError, AttributeError, OverflowError) as exc:
        # A manifest whose values have the wrong shape for the parts that read them.
        raise ModelFileError(f"{name}: the model manifest is malformed ({exc})") from None
    return ModelParts(network, data, config, preprocessor, history, loss, summary, head)


def weights_limit(parts: ModelParts) -> int:
    """The most bytes the weights of this network take in safetensors: each tensor of its
    state (float32 parameters, and batch norm's running statistics and step count) and a
    header that names them."""
    shapes = parts.network.shapes(parts.preprocessor.n_inputs, parts.head.units)
    values = sum(s.parameters for s in shapes) * limits.BYTES_PER_PARAMETER
    tensors = 2 * len(shapes)
    for s in shapes:
        if s.kind == "batch_norm":
            values += 2 * s.in_features * limits.BYTES_PER_PARAMETER + 8
            tensors += 3
    return values + limits.SAFETENSORS_HEADER_BYTES + tensors * limits.SAFETENSORS_BYTES_PER_TENSOR


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


def read_json(zf: zipfile.ZipFile, member: str, name: str, kind: str = "model") -> Any:
    """A JSON member of the zip, within MAX_JSON_BYTES."""
    raw = read_member(zf, member, MAX_JSON_BYTES, name, kind)
    try:
        return json.loads(raw.decode("utf-8"))
    # ValueError: besides broken JSON, a number of more than 4,300 digits (Python's int limit).
    except ValueError as exc:
        raise ModelFileError(f"{name}: {member} is not valid JSON ({exc})") from None
    except RecursionError:
        raise ModelFileError(f"{name}: {member} is nested too deeply to read") from None


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
    if info.flag_bits & 0x1:
        raise ModelFileError(f"{name}: {member} is encrypted; NN Playground never writes it so")
    try:
        with zf.open(info) as f:
            data = f.read(limit + 1)
    except NotImplementedError:
        raise ModelFileError(
            f"{name}: {member} is compressed with a method NN Playground does not read "
            f"(zip method {info.compress_type})"
        ) from None
    if len(data) > limit:
        raise ModelFileError(f"{name}: {member} is larger than it claims")
    return data


def state_to_cpu(model: nn.Module) -> dict[str, torch.Tensor]:
    return {k: v.detach().cpu() for k, v in model.state_dict().items()}
