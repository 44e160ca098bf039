"""What the user designed: frozen dataclasses that validate themselves and round-trip to JSON.

The GUI edits these, `core.model` builds torch modules from them, and files store them as JSON.
"""

from __future__ import annotations

import dataclasses
import math
import types
import typing
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from core.activations import ACTIVATIONS
from core.errors import SpecError
from core.layers import LAYER_KINDS
from core.limits import (
    MAX_BATCH_SIZE,
    MAX_EPOCHS,
    MAX_LAYERS,
    MAX_PARAMETERS,
    MAX_PATIENCE,
    MAX_SEED,
    MAX_UNITS,
    count_problem,
)
from core.losses import LOSSES
from core.optimizers import OPTIMIZERS, SCHEDULES

FORMAT_VERSION = 1
TASKS = ("classification", "regression")
Task = Literal["classification", "regression"]


@dataclass(frozen=True)
class LayerSpec:
    """One hidden layer. `units`, `activation` and `bias` matter for dense layers, `p` for dropout."""

    kind: str = "dense"
    units: int = 8
    activation: str = "relu"
    bias: bool = True
    p: float = 0.2

    def problems(self) -> list[str]:
        """What is wrong with this layer, in words; empty when it is fine."""
        if self.kind not in LAYER_KINDS:
            return [f"unknown layer kind {self.kind!r}; choose one of {', '.join(LAYER_KINDS)}"]
        out = []
        if self.kind == "dense":
            if not isinstance(self.units, int) or isinstance(self.units, bool) or self.units < 1:
                out.append(f"a dense layer needs at least 1 unit, not {self.units!r}")
            elif self.units > MAX_UNITS:
                out.append(f"{self.units:,} units is more than the {MAX_UNITS:,} a layer may have")
            if self.activation not in ACTIVATIONS:
                out.append(
                    f"unknown activation {self.activation!r}; choose one of {', '.join(ACTIVATIONS)}"
                )
        if self.kind == "dropout" and not (0.0 <= self.p < 1.0):
            out.append(f"dropout probability must be between 0 and 1 (below 1), not {self.p:g}")
        return out

    def label(self) -> str:
        """Short description for legends and cards, e.g. 'Dense 8, tanh'."""
        kind = LAYER_KINDS[self.kind].label
        if self.kind == "dense":
            return f"{kind} {self.units}, {ACTIVATIONS[self.activation].label}"
        if self.kind == "dropout":
            return f"{kind} p={self.p:g}"
        return kind


@dataclass(frozen=True)
class LayerShape:
    """A layer as it will be built for a given input width."""

    name: str
    label: str
    kind: str
    in_features: int
    out_features: int
    parameters: int


@dataclass(frozen=True)
class NetworkSpec:
    """The hidden layers; the input width and the output layer come from the data."""

    layers: tuple[LayerSpec, ...] = (
        LayerSpec(units=8, activation="tanh"),
        LayerSpec(units=8, activation="tanh"),
    )
    # How a two-class problem is answered: one sigmoid unit, or two softmax units.
    binary_output: Literal["sigmoid", "softmax"] = "sigmoid"

    def problems(self) -> list[str]:
        """What is wrong with the network, in words; empty when it is fine. Includes its size
        with the fewest inputs and outputs it can have (one each), so that a network too large
        for memory is refused before torch allocates it; `size_problems` checks the real size."""
        if len(self.layers) > MAX_LAYERS:
            # Checked first, alone: checking 200,000 layers one by one is itself slow.
            return [
                f"{len(self.layers):,} layers is more than the {MAX_LAYERS:,} a network may have"
            ]
        out = []
        for i, layer in enumerate(self.layers, 1):
            out += [f"layer {i}: {p}" for p in layer.problems()]
        if self.binary_output not in ("sigmoid", "softmax"):
            out.append(f"binary_output must be 'sigmoid' or 'softmax', not {self.binary_output!r}")
        if not out:
            out += self.size_problems(1, 1)
        return out

    def size_problems(self, n_inputs: int, n_outputs: int) -> list[str]:
        """Whether the network built for `n_inputs` and `n_outputs` stays within MAX_PARAMETERS
        (counted from the spec, without torch)."""
        parameters = sum(s.parameters for s in self._shapes(n_inputs, n_outputs))
        if parameters > MAX_PARAMETERS:
            return [
                f"the network has {parameters:,} parameters, more than the {MAX_PARAMETERS:,} "
                f"a network may have ({parameters * 4 / 1e9:,.1f} GB of weights)"
            ]
        return []

    def validate(self) -> NetworkSpec:
        _raise_problems("network", self.problems())
        return self

    @classmethod
    def dense(
        cls, hidden: Sequence[int], activation: str = "relu", dropout: float = 0.0
    ) -> NetworkSpec:
        """Dense layers of the given widths, each followed by dropout when `dropout` is not 0.
        Not validated: `problems()` says what is wrong with the widths or the dropout."""
        layers: list[LayerSpec] = []
        for units in hidden:
            layers.append(LayerSpec(kind="dense", units=units, activation=activation))
            if dropout:
                layers.append(LayerSpec(kind="dropout", p=dropout))
        return cls(layers=tuple(layers))

    def layer_names(self) -> list[str]:
        """Stable names: dense1, dense2, dropout1, ... by kind and order."""
        counts: dict[str, int] = {}
        names = []
        for layer in self.layers:
            counts[layer.kind] = counts.get(layer.kind, 0) + 1
            names.append(f"{layer.kind}{counts[layer.kind]}")
        return names

    def shapes(self, n_inputs: int, n_outputs: int) -> list[LayerShape]:
        """Each layer's width and parameter count, output layer last, without building torch."""
        self.validate()
        return self._shapes(n_inputs, n_outputs)

    def _shapes(self, n_inputs: int, n_outputs: int) -> list[LayerShape]:
        width = n_inputs
        out = []
        for name, layer in zip(self.layer_names(), self.layers, strict=True):
            kind = LAYER_KINDS[layer.kind]
            new_width = kind.out_features(width, layer)
            out.append(
                LayerShape(
                    name, layer.label(), layer.kind, width, new_width, kind.parameters(width, layer)
                )
            )
            width = new_width
        out.append(
            LayerShape("output", "Output", "dense", width, n_outputs, width * n_outputs + n_outputs)
        )
        return out

    def parameter_count(self, n_inputs: int, n_outputs: int) -> int:
        return sum(s.parameters for s in self.shapes(n_inputs, n_outputs))


@dataclass(frozen=True)
class DeviceChoice:
    """A device TrainConfig.device may name, as the training process found it."""

    name: str  # what TrainConfig.device stores: auto, cpu, cuda, cuda:1, mps
    label: str  # what a person reads: "NVIDIA H200 (cuda:0)"


@dataclass(frozen=True)
class TrainConfig:
    """How to train: loss, optimizer and its settings, batches, epochs, regularisation, device."""

    loss: str = "auto"
    optimizer: str = "adam"
    learning_rate: float = 0.01
    momentum: float = 0.9
    nesterov: bool = False
    beta1: float = 0.9
    beta2: float = 0.999
    weight_decay: float = 0.0
    l1: float = 0.0
    l2: float = 0.0
    batch_size: int = 32  # 0 means full batch
    epochs: int = 100  # 0 means until stopped
    schedule: str = "none"
    step_size: int = 30  # epochs between drops for the step schedule
    gamma: float = 0.5  # factor of each drop (step and plateau schedules)
    schedule_patience: int = 10  # epochs without improvement before a plateau drop
    early_stopping: int = 0  # patience in epochs; 0 turns it off
    grad_clip: float = 0.0  # max total gradient norm; 0 turns it off
    seed: int = 0
    device: str = "auto"

    def problems(self) -> list[str]:
        out = []
        if self.loss != "auto" and self.loss not in LOSSES:
            out.append(f"unknown loss {self.loss!r}; choose auto or one of {', '.join(LOSSES)}")
        if self.optimizer not in OPTIMIZERS:
            out.append(
                f"unknown optimizer {self.optimizer!r}; choose one of {', '.join(OPTIMIZERS)}"
            )
        if self.schedule not in SCHEDULES:
            out.append(f"unknown schedule {self.schedule!r}; choose one of {', '.join(SCHEDULES)}")
        # inf or nan would pass some range checks below, then break training or the JSON file.
        not_finite = [n for n in _FLOAT_SETTINGS if not math.isfinite(getattr(self, n))]
        if not_finite:
            return out + [
                f"{n.replace('_', ' ')} must be a finite number, not {getattr(self, n)}"
                for n in not_finite
            ]
        if not self.learning_rate > 0:
            out.append(f"learning rate must be above 0, not {self.learning_rate}")
        for name in ("weight_decay", "l1", "l2", "grad_clip", "momentum"):
            if getattr(self, name) < 0:
                out.append(f"{name.replace('_', ' ')} cannot be negative ({getattr(self, name)})")
        for name in ("beta1", "beta2"):
            if not 0 <= getattr(self, name) < 1:
                out.append(f"{name} must be at least 0 and below 1, not {getattr(self, name)}")
        # Each within what the training panel's spin box holds (a 32-bit int at most), so that a
        # file cannot hand the window a number it overflows on.
        for what, value, low, high in (
            ("batch size", self.batch_size, 0, MAX_BATCH_SIZE),
            ("epochs", self.epochs, 0, MAX_EPOCHS),
            ("schedule step size", self.step_size, 1, MAX_PATIENCE),
            ("schedule patience", self.schedule_patience, 1, MAX_PATIENCE),
            ("early-stopping patience", self.early_stopping, 0, MAX_PATIENCE),
            ("seed", self.seed, 0, MAX_SEED),
        ):
            problem = count_problem(what, value, low, high)
            if problem:
                out.append(problem)
        if self.schedule == "cosine" and self.epochs == 0:
            out.append("the cosine schedule needs a fixed number of epochs, not 'until stopped'")
        if not 0 < self.gamma <= 1:
            out.append(f"schedule factor must be above 0 and at most 1, not {self.gamma}")
        if not isinstance(self.device, str) or (
            self.device not in ("auto", "cpu", "cuda", "mps")
            and not self.device.startswith("cuda:")
        ):
            out.append(f"unknown device {self.device!r}; choose auto, cpu, cuda or mps")
        return out

    def validate(self) -> TrainConfig:
        _raise_problems("training", self.problems())
        return self


_FLOAT_SETTINGS = tuple(
    f.name for f in dataclasses.fields(TrainConfig) if f.type in (float, "float")
)


def _raise_problems(what: str, problems: list[str]) -> None:
    if problems:
        raise SpecError(f"invalid {what} settings: " + "; ".join(problems))


# --- JSON -------------------------------------------------------------------------------------

T = TypeVar("T")


def to_json(obj: Any) -> Any:
    """A spec (or tuple/list of specs) as plain JSON data."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_json(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, (tuple, list)):
        return [to_json(v) for v in obj]
    return obj


def from_json(cls: type[T], data: Any, where: str = "") -> T:
    """Rebuild a spec dataclass from JSON data, checking names and types; unknown keys are errors."""
    where = where or cls.__name__
    if not isinstance(data, dict):
        raise SpecError(f"{where}: expected an object, got {type(data).__name__}")
    hints = _field_types(cls)
    unknown = set(data) - set(hints)
    if unknown:
        raise SpecError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    kwargs = {}
    for name, value in data.items():
        kwargs[name] = _convert(hints[name], value, f"{where}.{name}")
    try:
        return cls(**kwargs)
    except TypeError as exc:
        raise SpecError(f"{where}: {exc}") from None


def _field_types(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _convert(tp: Any, value: Any, where: str) -> Any:
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if tp is Any:
        return value
    if origin is typing.Literal:
        if value not in args:
            raise SpecError(f"{where}: {value!r} is not one of {', '.join(map(repr, args))}")
        return value
    if origin in (typing.Union, types.UnionType):
        for option in args:
            if option is type(None) and value is None:
                return None
        errors = []
        for option in args:
            if option is type(None):
                continue
            try:
                return _convert(option, value, where)
            except SpecError as exc:
                errors.append(str(exc))
        raise SpecError(errors[0] if errors else f"{where}: unexpected {value!r}")
    if origin is tuple:
        if not isinstance(value, list):
            raise SpecError(f"{where}: expected a list, got {type(value).__name__}")
        item = args[0]
        return tuple(_convert(item, v, f"{where}[{i}]") for i, v in enumerate(value))
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return from_json(tp, value, where)
    if tp is bool:
        if not isinstance(value, bool):
            raise SpecError(f"{where}: expected true or false, got {value!r}")
        return value
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise SpecError(f"{where}: expected a whole number, got {value!r}")
        return value
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise SpecError(f"{where}: expected a number, got {value!r}")
        try:
            return float(value)
        except OverflowError:  # a whole number of hundreds of digits
            raise SpecError(f"{where}: the number is too large") from None
    if tp is str:
        if not isinstance(value, str):
            raise SpecError(f"{where}: expected text, got {value!r}")
        return value
    return value
