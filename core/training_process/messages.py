"""Every message the training process sends to the window.

Frozen dataclasses holding plain values and numpy arrays, never tensors: the window's process
never imports torch. The window turns each message type into one Qt signal
(`app.engine_link.EngineLink`); the commands they answer are in `commands.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from core.data_spec import DataSpec
from core.events import Event
from core.plot_points import PlotPoints
from core.runs import RunRecord
from core.spec import NetworkSpec, TrainConfig

if TYPE_CHECKING:
    from core.fitted_preprocessor import FittedPreprocessor
    from core.predictions import Predictions
    from core.race_spec import RaceRecord
    from core.search.results import SearchSummary, TrialResult
    from core.spec import DeviceChoice
    from core.training_process.commands import Command
    from core.walk.steps import RowWalk

# The decision surface is drawn from GRID x GRID points, each hidden unit from UNIT_GRID x UNIT_GRID.
GRID = 64
UNIT_GRID = 24
# Weights and per-unit pictures are sent only when no layer is wider than this (the diagram's limit).
MAX_DIAGRAM_UNITS = 12

# The values the features the plane does not span are held at: (feature, number or category).
HeldValues = tuple[tuple[str, float | str], ...]


@dataclass(frozen=True)
class FeatureRange:
    """A feature over the training rows, for the window to offer values to hold it at."""

    name: str
    default: float | str  # the median (numeric) or the most frequent category
    low: float = 0.0  # numeric: the smallest and largest training value
    high: float = 0.0
    categories: tuple[str, ...] = ()  # categorical: the categories the network knows

    @property
    def numeric(self) -> bool:
        return not self.categories


@dataclass(frozen=True)
class EngineStarting:
    """The child is starting up: which stage (in the user's words), and how far along it is."""

    stage: str  # "loading PyTorch", "warming up"
    step: int  # 1-based
    steps: int


@dataclass(frozen=True)
class Ready:
    """The child has imported torch and warmed up; commands run without start-up delay now."""

    devices: tuple[DeviceChoice, ...]  # what TrainConfig.device may name here, best first
    torch_version: str


@dataclass(frozen=True)
class Configured:
    """A model was built (Configure, OpenProject): what it will train, and how."""

    task: str  # classification or regression
    class_names: tuple[str, ...]  # in output order; empty for regression
    input_names: tuple[str, ...]  # one per network input
    layer_names: tuple[str, ...]  # trainable layers: the columns of BatchesEnded.grad_norms
    parameters: int
    loss: str
    seed: int
    n_train: int
    n_val: int
    n_test: int
    dropped_rows: int  # rows left out because their target was missing
    batch_size: int
    steps_per_epoch: int
    device: str
    device_name: str
    # The two feature columns snapshots are drawn over, and their extent (x min, x max, y min,
    # y max) in the columns' own units; None when the data has fewer than two numeric features.
    # With more features, the others are held at `held` (by default their training median, or
    # most frequent category); SetPlane chooses the two and the held values.
    plane_features: tuple[str, str] | None
    extent: tuple[float, float, float, float] | None
    # The fitted preparation of the inputs (torch-free): the feature columns, their categories.
    preprocessor: FittedPreprocessor | None = None
    layer_labels: tuple[str, ...] = ()  # one per layer name, for legends
    feature_ranges: tuple[FeatureRange, ...] = ()  # one per feature, in the data's order
    held: HeldValues = ()  # the features the plane does not span, and the values they are held at


@dataclass(frozen=True)
class Events:
    """Training events in the order they happened; consecutive BatchesEnded are merged into one."""

    events: tuple[Event, ...]


@dataclass(frozen=True, eq=False)
class Snapshot:
    """The model as it is now: its answer over the input plane, and its weights when it is small.

    Grids are indexed [row, column] = [y, x], row 0 at the extent's y min; each value is taken at
    the centre of its cell, so an image stretched over `Configured.extent` lines up exactly.
    """

    step: int
    epoch: int  # completed epochs
    # probability: class-1 probability (two classes); class: the most likely class index, with
    # its probability in `confidence`; value: the prediction in the target's units (regression).
    kind: Literal["probability", "class", "value"]
    output: np.ndarray | None  # float32 [GRID, GRID]; None when the data is not 2-D
    confidence: np.ndarray | None  # float32 [GRID, GRID] for kind "class", else None
    # Dense layers (hidden ones, then "output") whose weights follow; empty when the network is
    # too large to draw (any layer wider than MAX_DIAGRAM_UNITS).
    dense_names: tuple[str, ...]
    weights: tuple[np.ndarray, ...]  # float32 [out, in] per dense layer
    biases: tuple[np.ndarray | None, ...]  # float32 [out] per dense layer
    # Each hidden dense layer's activations over the plane: float32 [units, UNIT_GRID, UNIT_GRID];
    # empty unless the network is small enough to draw and the data is 2-D.
    units: tuple[np.ndarray, ...]
    # The plane `output` is drawn over: its two features and extent; None without a plane.
    features: tuple[str, str] | None = None
    extent: tuple[float, float, float, float] | None = None
    held: HeldValues = ()  # the other features' values over that plane


@dataclass(frozen=True)
class ModelSaved:
    """Answer to SaveModel: the file is written (atomically)."""

    path: str


@dataclass(frozen=True)
class ProjectSaved:
    """Answer to SaveProject: the file is written (atomically)."""

    path: str
    trained: bool  # the file holds the trained model (weights, preprocessing, history)


# eq=False: `extras` is a dict (unhashable, and compared by nobody).
@dataclass(frozen=True, eq=False)
class ProjectOpened:
    """Answer to OpenProject: the design the file holds, already checked by core.project.

    When `configured`, a `Configured` and a `Snapshot` of the project's model follow (its saved
    weights when `trained`, else fresh ones), then its training history as `Events` of
    EpochEnded, so the plots redraw. With `missing_source` set nothing was loaded: the CSV
    file is not where the project says; ask for it and send OpenProject(path, csv_path).
    """

    path: str
    data: DataSpec | None
    network: NetworkSpec
    config: TrainConfig
    extras: dict[str, Any]
    trained: bool
    configured: bool
    finished: bool  # the saved training had done all its epochs
    missing_source: str | None = None
    # The data's shape as the network sees it (known when `configured`).
    input_names: tuple[str, ...] = ()
    class_names: tuple[str, ...] = ()
    n_rows: int = 0
    runs: tuple[RunRecord, ...] = ()  # the run history the file holds (core.runs)
    notes: tuple[str, ...] = ()  # what was left out: a run's model that could not be read


@dataclass(frozen=True)
class RunWeightsKept:
    """Answer to KeepRunWeights: whether run `number`'s model is kept now, and the runs whose
    models were let go to make room (the oldest first)."""

    number: int
    kept: bool
    dropped: tuple[int, ...] = ()


@dataclass(frozen=True)
class Exported:
    """Answer to Export: the files written."""

    format: str
    paths: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class SplitEvaluation:
    """The current weights on one split's rows, as `nnplay evaluate` reports them."""

    split: Literal["val", "test"]
    report: dict[str, Any]  # core.predict.evaluate_frame's report (`nnplay evaluate --json`)
    # Regression: true and predicted values in the target's units, at most EVAL_POINTS of them
    # (an even sample of the split's rows); None for classification.
    actual: np.ndarray | None
    predicted: np.ndarray | None


@dataclass(frozen=True, eq=False)
class Evaluation:
    """Answer to Evaluate: the validation split, then the test split when there is one."""

    step: int
    epoch: int
    splits: tuple[SplitEvaluation, ...]


@dataclass(frozen=True, eq=False)
class Predicted:
    """Answer to Predict: what the current weights say, as `nnplay predict` would."""

    request: str  # as given in Predict
    predictions: Predictions
    step: int
    epoch: int


@dataclass(frozen=True, eq=False)
class RowWalked:
    """Answer to WalkRow: every number of one row's way through the network (core.walk)."""

    request: str  # as given in WalkRow
    walk: RowWalk


@dataclass(frozen=True)
class SearchStarted:
    """A Search opened its study: the trials the study already held (an earlier search's,
    another process's), so that the window shows the whole study and its best."""

    study: str
    earlier: tuple[TrialResult, ...]


@dataclass(frozen=True)
class SearchTrialEnded:
    """A trial of a Search ended (complete, pruned or failed): its result, and the study's best
    so far (which another process on the same storage may have found)."""

    trial: TrialResult
    best: TrialResult | None
    done: int  # trials this search has ended so far


@dataclass(frozen=True)
class SearchEnded:
    """The Search is over: done, out of time, stopped, or failed (a Failed came first)."""

    summary: SearchSummary | None  # None when it could not start


@dataclass(frozen=True)
class Failed:
    """A command failed; the child goes on working. `message` is meant for the user."""

    message: str
    # The kind of command that failed (Configure, Train, SaveProject...); None when no command
    # did (the window could not read the pipe).
    command: type[Command] | None = None
    request: str = ""  # Predict's request, so the window knows which one failed


@dataclass(frozen=True, eq=False)
class RaceProgress:
    """A race's steps so far: each copy's new losses and its path on the plane fitted so far
    (the plane turns as steps come in; the final one is in RaceFinished)."""

    race: int
    step: int  # steps done by each copy still racing
    steps: int  # of how many
    losses: tuple[np.ndarray, ...]  # float32 per entry: the losses of the steps since the last
    paths: tuple[np.ndarray, ...]  # float32 [points, 2] per entry; empty for a wide network
    variance_share: float  # of the paths so far; NaN without paths


@dataclass(frozen=True, eq=False)
class RaceFinished:
    """A race ended: each copy's record and, unless it was stopped, the training loss over the
    plane through the start spanned by the paths' two principal directions (Li et al. 2018)."""

    race: int
    outcome: Literal["finished", "stopped"]
    records: tuple[RaceRecord, ...]  # one per entry: settings, loss per step, how it ended
    seconds: float
    # float32 [grid, grid], [y, x] with row 0 at the extent's y min; NaN where not finite.
    surface: np.ndarray | None = None
    extent: tuple[float, float, float, float] | None = None
    paths: tuple[np.ndarray, ...] = ()  # float32 [points, 2] per entry, from (0, 0)
    path_steps: tuple[np.ndarray, ...] = ()  # the step of each path point
    variance_share: float = float("nan")  # in [0, 1]
    direction_shares: tuple[float, float] = (0.0, 0.0)  # the first and second direction's part
    surface_rows: int = 0  # the training rows the surface's loss is measured on


@dataclass(frozen=True)
class ProcessDied:
    """The child process ended without being asked to (killed, crashed); start() spawns a new one."""

    exitcode: int | None  # negative: killed by that signal


Message = (
    Ready
    | Configured
    | Events
    | Snapshot
    | ModelSaved
    | ProjectSaved
    | ProjectOpened
    | RunWeightsKept
    | Exported
    | Evaluation
    | Predicted
    | RowWalked
    | SearchStarted
    | SearchTrialEnded
    | SearchEnded
    | Failed
    | ProcessDied
    | RaceProgress
    | RaceFinished
    | PlotPoints  # the data points to draw: a capped sample of each split (core.plot_points)
)
