"""Where the data comes from and how it is prepared: the user's choices, as frozen dataclasses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from core.errors import SpecError
from core.input_features import (
    DEFAULT_INPUT_FEATURES,
    RAW_COLUMNS,
    computes,
    input_feature_problems,
)
from core.limits import MAX_SEED, count_problem
from core.spec import Task

ColumnRole = Literal["feature", "target", "ignore"]
ColumnKind = Literal["numeric", "categorical"]
Scaling = Literal["none", "minmax", "standard"]
Impute = Literal["mean", "median", "most_frequent", "missing_category"]


@dataclass(frozen=True)
class CsvSource:
    """A CSV file and how to read it. Empty strings mean 'detect'."""

    path: str
    delimiter: str = ""
    encoding: str = ""
    decimal: str = ""
    header: bool = True


@dataclass(frozen=True)
class ToySource:
    """One of the built-in 2-D datasets (see core.toy.TOY_DATASETS), and the input features
    the network sees (names in core.input_features.INPUT_FEATURES, computed from x1 and x2)."""

    name: str = "spiral"
    samples: int = 500
    noise: float = 0.1
    seed: int = 0
    features: tuple[str, ...] = DEFAULT_INPUT_FEATURES


@dataclass(frozen=True)
class ColumnSpec:
    """One column's role and preparation.

    Numeric features are imputed (mean or median) then scaled (none, min-max to [0,1], or
    standardised). Categorical features are imputed (most frequent, or a category of their own
    named "missing") then one-hot encoded. A categorical target is one-hot/label encoded; a numeric
    regression target is standardised for training and reported in its own units.
    """

    name: str
    role: ColumnRole = "feature"
    kind: ColumnKind = "numeric"
    scaling: Scaling = "standard"
    impute: Impute = "mean"

    def problems(self) -> list[str]:
        out = []
        if self.kind == "numeric" and self.impute not in ("mean", "median"):
            out.append(f"column {self.name!r}: a numeric column is imputed with mean or median")
        if self.kind == "categorical" and self.impute not in ("most_frequent", "missing_category"):
            out.append(
                f"column {self.name!r}: a categorical column is imputed with most_frequent or missing_category"
            )
        return out


@dataclass(frozen=True)
class DataSpec:
    """The data source, each column's role and preparation, the task and the split."""

    source: CsvSource | ToySource
    columns: tuple[ColumnSpec, ...]
    task: Task = "classification"
    val_fraction: float = 0.2
    test_fraction: float = 0.0
    seed: int = 0

    @property
    def features(self) -> tuple[ColumnSpec, ...]:
        return tuple(c for c in self.columns if c.role == "feature")

    @property
    def input_features(self) -> tuple[str, ...]:
        """The toy features computed from x1 and x2 (x1_sq, sin_x1, ...), in input order; empty
        when every feature is a column of the table itself."""
        if isinstance(self.source, ToySource) and computes(self.source.features):
            return self.source.features
        return ()

    @property
    def table_features(self) -> tuple[ColumnSpec, ...]:
        """The feature columns the loaded table holds: the features, or x1 and x2 when the
        features are computed from them (the plane is drawn over these)."""
        if self.input_features:
            return tuple(ColumnSpec(name, "feature", "numeric", "none") for name in RAW_COLUMNS)
        return self.features

    @property
    def target(self) -> ColumnSpec:
        targets = [c for c in self.columns if c.role == "target"]
        if len(targets) != 1:
            raise SpecError(f"exactly one target column is needed, found {len(targets)}")
        return targets[0]

    def range_problems(self) -> list[str]:
        """Numbers past what the window and numpy hold (the seeds). Checked even when the design
        is unfinished: a project opens with these, and a spin box overflows on them."""
        out = [count_problem("the split seed", self.seed, 0, MAX_SEED)]
        if isinstance(self.source, ToySource):
            out.append(count_problem("the toy dataset seed", self.source.seed, 0, MAX_SEED))
        return [p for p in out if p]

    def problems(self) -> list[str]:
        out = self.range_problems()
        for c in self.columns:
            out += c.problems()
        names = [c.name for c in self.columns]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            out.append(f"duplicate column name(s): {', '.join(dupes)}")
        n_targets = sum(c.role == "target" for c in self.columns)
        if n_targets != 1:
            out.append(f"choose exactly one target column (found {n_targets})")
        if isinstance(self.source, ToySource):
            out += self._toy_feature_problems()
        elif not self.features:
            out.append("choose at least one feature column")
        if self.task not in ("classification", "regression"):
            out.append(f"task must be classification or regression, not {self.task!r}")
        out += split_problems(self.val_fraction, self.test_fraction)
        if self.task == "regression" and n_targets == 1 and self.target.kind != "numeric":
            out.append(f"regression needs a numeric target; {self.target.name!r} is categorical")
        return out

    def _toy_feature_problems(self) -> list[str]:
        features = self.source.features  # type: ignore[union-attr]
        problems = input_feature_problems(features)
        if not problems and tuple(c.name for c in self.features) != features:
            problems.append(
                "the feature columns of a toy dataset must be its input features "
                f"({', '.join(features)}), not {', '.join(c.name for c in self.features)}"
            )
        return problems

    def validate(self) -> DataSpec:
        problems = self.problems()
        if problems:
            raise SpecError("invalid data settings: " + "; ".join(problems))
        return self


def split_problems(val_fraction: float, test_fraction: float) -> list[str]:
    """What is wrong with the shares of rows held out for validation and test (DataSpec's
    check, which needs no columns: the command line asks it before it reads the data)."""
    out = [
        f"{name} must be at least 0 and below 1, not {v:g}"
        for name, v in (("validation fraction", val_fraction), ("test fraction", test_fraction))
        if not 0 <= v < 1
    ]
    held_out = val_fraction + test_fraction
    if not out and held_out >= 0.95:
        out.append(
            f"validation fraction {val_fraction:g} and test fraction {test_fraction:g} hold out "
            f"{held_out:.0%} of the rows and leave too little to train on; keep their sum below "
            "0.95"
        )
    return out
