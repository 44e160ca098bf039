"""Every command the window can send to the training process: the whole list is this file.

A command is a frozen dataclass; the child dispatches on its type (`service.TrainingService`),
so adding a command is one dataclass here and one handler there. Each docstring says what
answers it (the messages are in `messages.py`); any command can also be answered by `Failed`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from core.control import LIVE_SETTINGS
from core.data_spec import DataSpec
from core.errors import SpecError
from core.runs import RunRecord
from core.spec import NetworkSpec, TrainConfig
from core.text import plural

if TYPE_CHECKING:
    import pandas as pd

    from core.race_spec import RaceEntry
    from core.search.space import SearchPlan


# --- run control: acted on at once, between two batches -----------------------------------------


@dataclass(frozen=True)
class Train:
    """Start training, continue where the last run ended, or resume a paused run.

    A run that had finished its epochs trains as many epochs again. Answered by the run's events.
    """


@dataclass(frozen=True)
class Step:
    """Run `batches` batches, then pause (starts a paused run when none is going on)."""

    batches: int = 1

    def __post_init__(self) -> None:
        if self.batches < 1:
            raise SpecError(f"cannot step {plural(self.batches, 'batch', 'batches')}")


@dataclass(frozen=True)
class Pause:
    """Pause the running run after its current batch; answered by a TrainPaused event."""


@dataclass(frozen=True)
class Resume:
    """Resume a paused run; answered by a TrainResumed event."""


@dataclass(frozen=True)
class Stop:
    """End the run after its current batch; answered by a TrainEnded event."""


@dataclass(frozen=True)
class SetLive:
    """Change a setting that may change while training (core.control.LIVE_SETTINGS).

    Applied before the next batch; answered by a HyperparameterChanged event.
    """

    name: str
    value: float

    def __post_init__(self) -> None:
        if self.name not in LIVE_SETTINGS:
            raise SpecError(
                f"{self.name!r} cannot change while training; "
                f"live settings: {', '.join(LIVE_SETTINGS)}"
            )
        # Checked as the whole config would be: a negative rate never reaches the loop.
        setting: dict[str, Any] = {self.name: float(self.value)}
        replace(TrainConfig(), **setting).validate()


# --- the design: stop any run, then rebuild ------------------------------------------------------


@dataclass(frozen=True)
class Configure:
    """Load and prepare the data and build the network with fresh weights, or with the model
    of run `weights_of` (its weights, fitted preprocessing and history, kept by KeepRunWeights
    or read from the project: training continues from it).

    Answered by `Configured`, `PlotPoints` and a `Snapshot` (then a run's history as Events).
    """

    data: DataSpec
    network: NetworkSpec
    config: TrainConfig
    weights_of: int | None = None


@dataclass(frozen=True)
class OpenProject:
    """Open a project file, reading its CSV from `csv_path` when given (the file moved).

    With `without_data`, its data file is never read (the user declined a file outside the
    project's folder): the design opens without data and without its trained model.
    Answered by `ProjectOpened` (then, when it could be built, as for Configure, and its
    saved history as Events) or by `Failed`, the current model kept.
    """

    path: str
    csv_path: str | None = None
    without_data: bool = False


@dataclass(frozen=True)
class Search:
    """Stop any run, then search the settings (core.search): `plan.trials` trials one after
    another on this data, each the base network and settings with the sampler's values, in the
    study `study` of `storage` (None: in memory). The model built by Configure is left as it is.

    Answered by a `SearchTrialEnded` after each trial and a `SearchEnded`; `Stop` ends the
    search after the current batch, keeping the finished trials.
    """

    data: DataSpec
    network: NetworkSpec
    config: TrainConfig
    plan: SearchPlan
    storage: str | None = None
    study: str = "nnplay-search"

    def __post_init__(self) -> None:
        self.plan.validate()  # a bad range is refused in the window, before the process sees it


@dataclass(frozen=True)
class Shutdown:
    """Stop any run and end the process."""


# --- model work: answered between two batches while training ------------------------------------


@dataclass(frozen=True)
class TakeSnapshot:
    """Answered by a `Snapshot` of the model now."""


@dataclass(frozen=True)
class SaveModel:
    """Write the current model as a model file (.nnp); answered by `ModelSaved`."""

    path: str


# eq=False: `extras` is a dict.
@dataclass(frozen=True, eq=False)
class SaveProject:
    """Write a project file of this design; with `with_model`, once the model has trained, its
    weights, preprocessing and history too. Answered by `ProjectSaved`."""

    path: str
    data: DataSpec | None
    network: NetworkSpec
    config: TrainConfig
    extras: dict[str, Any] = field(default_factory=dict)
    with_model: bool = True
    runs: tuple[RunRecord, ...] = ()  # the run history (core.runs)


@dataclass(frozen=True)
class KeepRunWeights:
    """Keep the final model of the run that just ended (at step `step`) as run `number`'s,
    within the bounds of core.run_models; when `live` (the history's numbers) is given, runs
    not in it are let go first. Answered by `RunWeightsKept`."""

    number: int
    step: int
    live: tuple[int, ...] | None = None


@dataclass(frozen=True)
class Export:
    """Write the trained model in an export format (core.export_formats.EXPORT_FORMATS).

    Answered by `Exported`.
    """

    format: str
    path: str


@dataclass(frozen=True)
class Evaluate:
    """Score the current weights on the validation and test rows; answered by `Evaluation`."""


# eq=False: `rows` may be a table.
@dataclass(frozen=True, eq=False)
class Predict:
    """Predict raw rows (a table, or a CSV file's path) as `nnplay predict` does.

    Answered by `Predicted`, or a `Failed` naming the problem; both carry `request`.
    """

    rows: pd.DataFrame | str
    request: str = ""


@dataclass(frozen=True)
class SetPlane:
    """Draw snapshots over these two numeric features, the others held at the values in `held`
    (a number for a numeric feature, one of its categories for a categorical one); those it
    does not name at their training median, or most frequent category.

    Answered by a `Snapshot` over the new plane, after `PlotPoints` when the two features
    changed; kept when the data is configured again while the features and values still fit.
    """

    feature_x: str
    feature_y: str
    held: tuple[tuple[str, float | str], ...] = ()


@dataclass(frozen=True)
class RaceOptimizers:
    """Train a copy of the network per entry from the same weights on the same batches, for
    `steps` steps: from the current weights, or the fresh ones the seed gives. The user's model
    is left as it is. Answered by `RaceProgress` after each chunk of steps, then `RaceFinished`
    (with the loss surface unless stopped by StopRace, Stop, Configure or OpenProject); `race`
    is the window's number for it, carried by both."""

    race: int
    entries: tuple[RaceEntry, ...]
    steps: int
    from_current: bool = False

    def __post_init__(self) -> None:
        from core.race_spec import check_race  # the window imports it when it races

        check_race(self.entries, self.steps)


@dataclass(frozen=True)
class StopRace:
    """End the race going on after its current chunk of steps; answered by its `RaceFinished`."""


# eq=False: `values` may hold NaN.
@dataclass(frozen=True, eq=False)
class WalkRow:
    """Walk one row through the network in plain numpy (core.walk), with the current weights and
    the optimizer's own state; answered by `RowWalked` (or `Failed`, both with `request`).

    The row: position `index` of split `split` (train, val or test); or, with `point`, the row
    nearest that point of the output plane (in the plane's two features' units); or, with
    `values` (column -> raw value), those values and `target` as the true answer.
    """

    split: str = "train"
    index: int = 0
    point: tuple[float, float] | None = None
    plane: tuple[str, str] = ("", "")  # the two features `point` is in
    values: tuple[tuple[str, float | str | None], ...] = ()
    target: float | str | None = None
    request: str = ""


RunCommand = Train | Step | Pause | Resume | Stop | SetLive | StopRace
DesignCommand = Configure | OpenProject | Search | Shutdown
ModelCommand = (
    TakeSnapshot
    | SaveModel
    | SaveProject
    | KeepRunWeights
    | Export
    | Evaluate
    | Predict
    | SetPlane
    | RaceOptimizers
    | WalkRow
)
Command = RunCommand | DesignCommand | ModelCommand
