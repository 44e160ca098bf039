"""A model file's manifest, read and checked without torch (`nnplay info` never loads it).

core.modelfile builds the network and loads the weights; everything before that is here: the
zip's members within their limits, the format version, the specs, and the size of the network
the manifest describes.
"""

from __future__ import annotations

import json
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from core import limits
from core.data_spec import DataSpec
from core.errors import ModelFileError, NNPlayError, SpecError
from core.fitted_preprocessor import FittedPreprocessor
from core.history import History
from core.limits import BYTES_PER_PARAMETER, available_memory
from core.losses import Head, make_head
from core.spec import FORMAT_VERSION, NetworkSpec, TrainConfig, from_json

T = TypeVar("T")

MODEL_FORMAT = "nnplay-model"
MANIFEST = "model.json"
WEIGHTS = "weights.safetensors"
# Keeps a hostile file from exhausting memory before it is rejected. The weights member's
# limit is what the network its manifest describes holds (`weights_limit`).
MAX_JSON_BYTES = limits.MAX_JSON_BYTES


def check_size(network: NetworkSpec, n_inputs: int, n_outputs: int) -> None:
    """Refuse, before torch allocates anything, a network past MAX_PARAMETERS for these inputs
    and outputs or larger than the memory free now (when the system says how much is free)."""
    problems = network.size_problems(n_inputs, n_outputs)
    if problems:
        raise SpecError("invalid network settings: " + "; ".join(problems))
    needed = network.parameter_count(n_inputs, n_outputs) * BYTES_PER_PARAMETER
    free = available_memory()
    if free is not None and needed > free:
        raise SpecError(
            f"the network's weights need {needed / 1e9:,.1f} GB of memory and only "
            f"{free / 1e9:,.1f} GB is free"
        )


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


class ModelTask:
    """What a model predicts, read from its data settings and fitted preprocessing (shared by
    `ModelParts` and `core.modelfile.TrainedModel`)."""

    data: DataSpec
    preprocessor: FittedPreprocessor

    @property
    def task(self) -> str:
        return self.data.task

    @property
    def class_names(self) -> tuple[str, ...]:
        return tuple(self.preprocessor.classes) if self.task == "classification" else ()


@dataclass(frozen=True)
class ModelParts(ModelTask):
    """A model manifest, checked: everything but the weights."""

    network: NetworkSpec
    data: DataSpec
    config: TrainConfig
    preprocessor: FittedPreprocessor
    history: History
    loss: str
    summary: dict[str, Any]
    head: Head

    def parameter_count(self) -> int:
        return self.network.parameter_count(self.preprocessor.n_inputs, self.head.units)


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


def safetensors_shapes(weights: bytes, name: str) -> dict[str, tuple[int, ...]]:
    """The tensors a safetensors blob names, with their shapes, read from its JSON header alone."""
    try:
        (size,) = struct.unpack("<Q", weights[:8])
        header = json.loads(weights[8 : 8 + size].decode("utf-8"))
        return {
            key: tuple(int(n) for n in value["shape"])
            for key, value in header.items()
            if key != "__metadata__"
        }
    except (struct.error, ValueError, TypeError, KeyError, AttributeError) as exc:
        raise ModelFileError(f"{name}: the weights are not valid safetensors ({exc})") from None


def read_model_parts(path: str | Path) -> tuple[ModelParts, dict[str, tuple[int, ...]]]:
    """A model file's checked manifest and the shapes its weights header names, without torch
    (the weights' values are checked when the model is loaded: core.modelfile.load_model)."""
    path = Path(path)

    def read(zf: zipfile.ZipFile) -> tuple[ModelParts, dict[str, tuple[int, ...]]]:
        parts = model_parts(read_json(zf, MANIFEST, path.name), path.name)
        weights = read_member(zf, WEIGHTS, weights_limit(parts), path.name)
        return parts, safetensors_shapes(weights, path.name)

    return read_zip(path, "model", read)
