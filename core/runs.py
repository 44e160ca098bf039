"""Run history: every training run as a record of its settings, curves and scores (torch-free).

A `RunRecord` is what a run leaves behind: the design it trained (data, network, training
settings; the seeds are in them), the curves the live plots drew (each at most `MAX_POINTS`
points), its final and best scores, its time and device, and whether its final model is kept
(`weights`: the model itself is in `core.run_models`). Records are stored in a project file
as JSON (`runs_to_json` / `runs_from_json`, checked as strictly as `core.spec.from_json`) and
compared in words by `describe_change`: "lr 0.03 → 0.01, dense2 tanh → relu".

Sizes are bounded so that a project with hundreds of runs stays small enough to open quickly:
`MAX_POINTS` per curve, `MAX_GRADIENT_LAYERS` gradient curves per run, `MAX_RUNS` per project.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from core.data_spec import CsvSource, DataSpec, ToySource
from core.errors import SpecError
from core.optimizers import OPTIMIZERS
from core.spec import LayerSpec, NetworkSpec, TrainConfig, from_json, to_json

MAX_POINTS = 500  # per curve: enough for a smooth line across a plot's width
MAX_GRADIENT_LAYERS = 8  # gradient curves kept per run (the first layers')
MAX_RUNS = 300  # per project: 300 runs of full curves stay well under a file member's 64 MB
MAX_NAME = 80  # characters of a run's name
# Final models kept (core.run_models): 20 runs is more than a learner compares at once; 256 MB
# holds 20 models of three million parameters, and a model larger than that is not kept.
MAX_KEPT_RUNS = 20
MAX_KEPT_BYTES = 256 * 1024 * 1024
RUNS_FORMAT_VERSION = 1
_HEX_COLOR = re.compile(r"#[0-9a-fA-F]{6}")

# The curves a record may hold; gradient curves are "gradient/<layer name>".
LOSS_STEP, LOSS_TRAIN, LOSS_VAL = "loss/step", "loss/train", "loss/validation"
METRIC_TRAIN, METRIC_VAL = "metric/train", "metric/validation"
LEARNING_RATE = "learning_rate"
GRADIENT = "gradient/"
CURVE_NAMES = (LOSS_STEP, LOSS_TRAIN, LOSS_VAL, METRIC_TRAIN, METRIC_VAL, LEARNING_RATE)

_OPTIMIZER_SETTINGS = {name for o in OPTIMIZERS.values() for name in o.settings}

# Short names of training settings in change descriptions: what a plot's marker says too.
SETTING_WORDS = {
    "learning_rate": "lr",
    "weight_decay": "decay",
    "batch_size": "batch",
    "early_stopping": "early stop",
    "grad_clip": "clip",
    "schedule_patience": "plateau patience",
    "step_size": "step size",
}


@dataclass(frozen=True)
class Curve:
    """One series of a run: x (steps) and y values; NaN where a value is missing."""

    x: tuple[float, ...]
    y: tuple[float, ...]


@dataclass(frozen=True)
class RunScores:
    """A run's scores; None where the run has no such figure (no validation rows, no test)."""

    train_loss: float | None = None  # of the last epoch
    val_loss: float | None = None
    train_metric: float | None = None
    val_metric: float | None = None
    best_val_loss: float | None = None  # lowest over the epochs
    best_val_metric: float | None = None  # highest over the epochs
    best_epoch: int = 0  # the epoch of the lowest validation (else training) loss
    test_loss: float | None = None  # the final weights on the test rows
    test_metric: float | None = None


@dataclass(frozen=True)
class RunRecord:
    """One training run, from Train until it finished, stopped or was reset."""

    number: int  # 1, 2, ...: unique within a project, never reused
    name: str
    data: DataSpec
    network: NetworkSpec
    config: TrainConfig
    metric: str = "accuracy"  # "accuracy" or "r2": what the metric curves and scores hold
    epochs: int = 0
    steps: int = 0
    outcome: str = (
        "finished"  # finished, stopped, failed or pruned (a search trial the pruner stopped)
    )
    seconds: float = 0.0  # training time
    device: str = ""
    started: str = ""  # when, ISO 8601 (UTC)
    color: str | None = None  # "#rrggbb" drawn in (a race copy: its optimizer's); else by number
    scores: RunScores = dataclasses.field(default_factory=RunScores)
    curves: tuple[tuple[str, Curve], ...] = ()
    # The member of the project file holding this run's weights (`weights_member`), when its
    # final model is kept (core.run_models): the window's word on which runs have weights.
    weights: str | None = None

    def curve(self, name: str) -> Curve | None:
        return next((c for n, c in self.curves if n == name), None)

    @property
    def gradient_curves(self) -> list[tuple[str, Curve]]:
        """(layer name, curve) of each layer's gradient size."""
        return [(n[len(GRADIENT) :], c) for n, c in self.curves if n.startswith(GRADIENT)]

    def problems(self) -> list[str]:
        out = []
        if not self.number > 0:
            out.append(f"run number must be 1 or more, not {self.number}")
        if not self.name.strip() or len(self.name) > MAX_NAME:
            out.append(f"a run's name must have 1 to {MAX_NAME} characters")
        if self.metric not in ("accuracy", "r2"):
            out.append(f"unknown metric {self.metric!r}")
        if self.outcome not in ("finished", "stopped", "failed", "pruned"):
            out.append(f"unknown outcome {self.outcome!r}")
        if self.color is not None and not _HEX_COLOR.fullmatch(self.color):
            out.append(f"colour {self.color!r} is not #rrggbb")
        if self.weights is not None and self.weights != weights_member(self.number):
            out.append(f"run {self.number}'s weights must be {weights_member(self.number)!r}")
        if min(self.epochs, self.steps) < 0 or not 0 <= self.seconds < math.inf:
            out.append("epochs, steps and seconds cannot be negative")
        if len(self.curves) > len(CURVE_NAMES) + MAX_GRADIENT_LAYERS:
            out.append(f"{len(self.curves)} curves is more than a run keeps")
        for name, curve in self.curves:
            if name not in CURVE_NAMES and not name.startswith(GRADIENT):
                out.append(f"unknown curve {name!r}")
            if len(curve.x) != len(curve.y) or len(curve.x) > MAX_POINTS:
                out.append(f"curve {name!r} has {len(curve.x)} x and {len(curve.y)} y values")
        return out


def model_member(number: int) -> str:
    """The project member holding run `number`'s model manifest (as a model file's model.json)."""
    return f"runs/{number}/model.json"


def weights_member(number: int) -> str:
    """The project member holding run `number`'s weights (safetensors)."""
    return f"runs/{number}/weights.safetensors"


def downsample(
    x: Sequence[float] | np.ndarray, y: Sequence[float] | np.ndarray, limit: int = MAX_POINTS
) -> Curve:
    """At most `limit` points: consecutive points averaged in equal groups (the line keeps its
    shape; a noisy per-step loss becomes its running mean). Values rounded to 5 digits."""
    xs, ys = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    n = len(xs)
    if n > limit:
        size = math.ceil(n / limit)
        bins = np.arange(n) // size
        counts = np.bincount(bins)
        xs = np.bincount(bins, xs) / counts
        finite = np.isfinite(ys)
        sums = np.bincount(bins, np.where(finite, ys, 0.0))
        kept = np.bincount(bins, finite.astype(np.float64))
        with np.errstate(invalid="ignore", divide="ignore"):
            ys = np.where(kept > 0, sums / np.maximum(kept, 1), np.nan)
    return Curve(_rounded(xs), _rounded(ys))


def _rounded(values: np.ndarray) -> tuple[float, ...]:
    # Five significant digits: a plot cannot show more, and the file is a third the size.
    return tuple(float(f"{v:.5g}") for v in values.tolist())


# --- describing a change ----------------------------------------------------------------------


def describe_change(previous: RunRecord | None, current: RunRecord) -> str:
    """What `current` changed against `previous`, in words: "lr 0.03 → 0.01, dense2 tanh →
    relu"; "first run" without a previous one, "same settings" when nothing changed."""
    if previous is None:
        return "first run"
    parts = _data_changes(previous.data, current.data)
    parts += _network_changes(previous.network, current.network)
    parts += _config_changes(previous.config, current.config)
    return ", ".join(parts) if parts else "same settings"


def is_race_copy(run: RunRecord) -> bool:
    """A copy an optimizer race trained: its loss at every step, no epochs."""
    return run.curve(LOSS_TRAIN) is None and run.curve(LOSS_STEP) is not None


def change_descriptions(runs: Sequence[RunRecord]) -> list[str]:
    """What each run changed, against the last run before it that was not a race's copy: a
    race's copies are side trials of the design they started from ("optimizer adam → sgd, lr
    0.01 → 0.1" against it, not against each other), and the next run is compared with that
    design again."""
    out, base = [], None
    for run in runs:
        out.append(describe_change(base, run))
        if not is_race_copy(run):
            base = run
    return out


def _value(v: object) -> str:
    if isinstance(v, bool):
        return "on" if v else "off"
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def _config_changes(a: TrainConfig, b: TrainConfig) -> list[str]:
    # An optimizer's own settings count only where the run's optimizer has them: Adam after
    # SGD with momentum is "optimizer sgd → adam", not also "momentum 0.9 → 0".
    own = OPTIMIZERS.get(b.optimizer)
    unused = _OPTIMIZER_SETTINGS - set(own.settings) if own is not None else set()
    out = []
    for f in dataclasses.fields(TrainConfig):
        old, new = getattr(a, f.name), getattr(b, f.name)
        if old != new and f.name not in unused:
            word = SETTING_WORDS.get(f.name, f.name.replace("_", " "))
            out.append(f"{word} {_value(old)} → {_value(new)}")
    return out


def _network_changes(a: NetworkSpec, b: NetworkSpec) -> list[str]:
    if len(a.layers) != len(b.layers):
        return [f"layers {_layers_text(a)} → {_layers_text(b)}"]
    out = []
    for name, old, new in zip(b.layer_names(), a.layers, b.layers, strict=True):
        if old.kind != new.kind:
            out.append(f"layer {name} {old.kind} → {new.kind}")
            continue
        for f in dataclasses.fields(LayerSpec):
            before, after = getattr(old, f.name), getattr(new, f.name)
            if before != after and _layer_field_matters(new.kind, f.name):
                word = "" if f.name == "activation" else f" {f.name}"
                out.append(f"{name}{word} {_value(before)} → {_value(after)}")
    for f in dataclasses.fields(NetworkSpec):
        if f.name != "layers" and getattr(a, f.name) != getattr(b, f.name):
            word = f.name.replace("_", " ")
            out.append(f"{word} {_value(getattr(a, f.name))} → {_value(getattr(b, f.name))}")
    return out


def _layer_field_matters(kind: str, name: str) -> bool:
    if kind == "dense":
        return name in ("units", "activation", "bias")
    return kind == "dropout" and name == "p"


def _layers_text(network: NetworkSpec) -> str:
    """ "12-12-12 relu" for dense layers: how a network is said in a sentence."""
    dense = [layer for layer in network.layers if layer.kind == "dense"]
    units = "-".join(str(layer.units) for layer in dense) or "none"
    acts = sorted({layer.activation for layer in dense})
    others = len(network.layers) - len(dense)
    text = f"{units} {'/'.join(acts)}".strip()
    return text + (f" +{others} other" if others else "")


def _data_changes(a: DataSpec, b: DataSpec) -> list[str]:
    out = []
    sa, sb = a.source, b.source
    if type(sa) is not type(sb) or (isinstance(sa, CsvSource) and sa != sb):
        out.append(f"data {_source_text(sa)} → {_source_text(sb)}")
    elif isinstance(sa, ToySource) and isinstance(sb, ToySource):
        for f in dataclasses.fields(ToySource):
            old, new = getattr(sa, f.name), getattr(sb, f.name)
            if old != new:
                word = "dataset" if f.name == "name" else f"data {f.name}"
                out.append(f"{word} {_value(old)} → {_value(new)}")
    if a.columns != b.columns and type(sa) is type(sb):
        out.append("columns changed")
    words = {
        "val_fraction": "validation share",
        "test_fraction": "test share",
        "seed": "split seed",
    }
    for name, word in words.items():
        old, new = getattr(a, name), getattr(b, name)
        if old != new and not (isinstance(sa, ToySource) and name == "seed"):
            out.append(f"{word} {_value(old)} → {_value(new)}")
    return out


def named_by_data(runs: Sequence[RunRecord], data: DataSpec | None) -> list[RunRecord]:
    """The runs, those trained on other data than `data` named with it ("run 1 (spiral)"): a
    plot's legend then says which curves come from another dataset."""
    source = None if data is None else _source_text(data.source)
    return [
        run
        if _source_text(run.data.source) == source
        else dataclasses.replace(run, name=f"{run.name} ({_source_text(run.data.source)})")
        for run in runs
    ]


def _source_text(source: CsvSource | ToySource) -> str:
    if isinstance(source, ToySource):
        return source.name
    return source.path.replace("\\", "/").rsplit("/", 1)[-1]


# --- JSON -------------------------------------------------------------------------------------


def runs_to_json(runs: Sequence[RunRecord]) -> dict[str, Any]:
    """The records as JSON data (NaN as null: strict JSON has no NaN)."""
    return {"format_version": RUNS_FORMAT_VERSION, "runs": [run_to_json(r) for r in runs]}


def run_to_json(run: RunRecord) -> dict[str, Any]:
    out: dict[str, Any] = {
        f.name: to_json(getattr(run, f.name))
        for f in dataclasses.fields(RunRecord)
        if f.name not in ("curves", "scores")
    }
    out["scores"] = {k: _finite_or_none(v) for k, v in to_json(run.scores).items()}
    out["curves"] = {
        name: {"x": list(c.x), "y": [_finite_or_none(v) for v in c.y]} for name, c in run.curves
    }
    return out


def _finite_or_none(v: Any) -> Any:
    return None if isinstance(v, float) and not math.isfinite(v) else v


def runs_from_json(data: Any, where: str = "runs") -> tuple[RunRecord, ...]:
    """Records from JSON data; anything malformed raises SpecError naming where."""
    if not isinstance(data, dict) or set(data) != {"format_version", "runs"}:
        raise SpecError(f"{where}: expected an object with format_version and runs")
    if data["format_version"] != RUNS_FORMAT_VERSION:
        raise SpecError(f"{where}: format version {data['format_version']!r} is not supported")
    items = data["runs"]
    if not isinstance(items, list):
        raise SpecError(f"{where}.runs: expected a list")
    if len(items) > MAX_RUNS:
        raise SpecError(f"{where}: {len(items):,} runs is more than the {MAX_RUNS} a project keeps")
    runs = tuple(run_from_json(item, f"{where}[{i}]") for i, item in enumerate(items))
    numbers = [r.number for r in runs]
    if len(set(numbers)) != len(numbers):
        raise SpecError(f"{where}: two runs have the same number")
    return runs


def run_from_json(data: Any, where: str = "run") -> RunRecord:
    if not isinstance(data, dict):
        raise SpecError(f"{where}: expected an object, got {type(data).__name__}")
    plain = {k: v for k, v in data.items() if k != "curves"}
    run = from_json(RunRecord, plain, where)
    curves = _curves_from_json(data.get("curves", {}), f"{where}.curves")
    run = dataclasses.replace(run, curves=curves)
    problems = run.problems() + run.data.range_problems()
    problems += run.network.problems() + run.config.problems()
    if problems:
        raise SpecError(f"{where}: " + "; ".join(problems))
    return run


_NUMBER_TYPES = {float, int, type(None)}


def _curves_from_json(data: Any, where: str) -> tuple[tuple[str, Curve], ...]:
    if not isinstance(data, dict):
        raise SpecError(f"{where}: expected an object, got {type(data).__name__}")
    out = []
    for name, value in data.items():
        if not isinstance(value, dict) or set(value) != {"x", "y"}:
            raise SpecError(f"{where}.{name}: expected an object with x and y")
        xs, ys = value["x"], value["y"]
        for axis, values in (("x", xs), ("y", ys)):
            # Checked by type in one pass (bool is not a number here; null is a missing value).
            if not isinstance(values, list) or not set(map(type, values)) <= _NUMBER_TYPES:
                raise SpecError(f"{where}.{name}.{axis}: expected a list of numbers")
        if len(xs) > MAX_POINTS or len(xs) != len(ys) or None in xs:
            raise SpecError(f"{where}.{name}: expected as many x as y values, at most {MAX_POINTS}")
        try:
            x = tuple(map(float, xs))
            y = np.asarray(ys, dtype=np.float64)  # null becomes NaN
        except OverflowError:  # a whole number of hundreds of digits
            raise SpecError(f"{where}.{name}: a number is too large") from None
        out.append((name, Curve(x, tuple(y.tolist()))))
    return tuple(out)
