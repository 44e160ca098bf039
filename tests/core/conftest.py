"""Small trained models shared by the export and project tests (tiny networks, few epochs).

`mixed_csv` is a generated table with what real files have and the examples lack: categorical
columns (text and whole-number codes), gaps in every feature, and, in its `new` rows, categories
never seen in training.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.columns import auto_data_spec
from core.csv_io import read_csv
from core.data_spec import ColumnSpec, CsvSource, DataSpec
from core.dataset import prepare_data
from core.modelfile import TrainedModel
from core.spec import LayerSpec, NetworkSpec, TrainConfig
from core.workflow import dense_network, train

DATA = Path(__file__).resolve().parents[2] / "resources" / "data"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test of core/training_process (test_training_process*.py) starts or shares a training process, which
    loads torch: slow. Marked here, so that the mark holds however those files are split."""
    for item in items:
        if item.path.name.startswith("test_training_process"):
            item.add_marker(pytest.mark.slow)


FAST = TrainConfig(epochs=15, learning_rate=0.02, batch_size=64, device="cpu", seed=3)


@dataclass(frozen=True)
class Example:
    """A model trained on a CSV file, and the file read as core reads it."""

    model: TrainedModel
    csv: Path
    frame: pd.DataFrame


def _train_csv(
    csv: Path, target: str, network: NetworkSpec, spec: DataSpec | None = None
) -> Example:
    frame, fmt = read_csv(CsvSource(str(csv)))
    source = CsvSource(str(csv), fmt.delimiter, fmt.encoding, fmt.decimal)
    spec = spec or auto_data_spec(frame, source, target)
    data = prepare_data(spec, frame)
    return Example(train(network, data, FAST).model, csv, frame)


@pytest.fixture(scope="session")
def iris() -> Example:
    return _train_csv(DATA / "iris.csv", "species", dense_network([12], "tanh", 0.1))


@pytest.fixture(scope="session")
def cancer() -> Example:
    """Two classes: the one-unit sigmoid head."""
    return _train_csv(DATA / "breast_cancer.csv", "diagnosis", dense_network([8], "relu"))


@pytest.fixture(scope="session")
def diabetes() -> Example:
    return _train_csv(DATA / "diabetes.csv", "progression", dense_network([8], "elu"))


@dataclass(frozen=True)
class Mixed:
    train: Path  # the training file
    new: Path  # rows to predict: gaps everywhere and categories never seen in training


@pytest.fixture(scope="session")
def mixed_csv(tmp_path_factory: pytest.TempPathFactory) -> Mixed:
    rng = np.random.default_rng(7)
    n = 240

    def gaps(values: pd.Series, fraction: float = 0.1) -> pd.Series:
        return values.mask(rng.random(len(values)) < fraction)

    age = pd.Series(rng.normal(40, 12, n)).round(1)
    income = pd.Series(rng.lognormal(10, 0.5, n)).round(0)
    color = pd.Series(rng.choice(["red", "grün", "blue"], n))
    size = pd.Series(rng.choice(["S", "M", "L", "XL"], n))
    rooms = pd.Series(rng.integers(1, 5, n))
    score = age / 10 + (color == "red") * 2 + rooms - (size == "S") * 1.5
    table = pd.DataFrame(
        {
            "age": gaps(age),
            "income": gaps(income),
            "color": gaps(color),
            "size": gaps(size),
            # Whole-number codes with gaps: pandas reads them as floats (2.0), core as "2".
            "rooms": gaps(rooms).astype("Int64"),
            "kind": np.where(score > 8, "high", np.where(score > 6, "mid", "low")),
            "buys": np.where(score + rng.normal(0, 1, n) > 7, "yes", "no"),
            "price": (score * 1000 + rng.normal(0, 300, n)).round(2),
        }
    )
    new = table.head(12).copy()
    new.loc[0, "color"] = "purple"  # unseen categories: all-zero one-hot blocks
    new.loc[1, "size"] = "XXL"
    new.loc[2, "rooms"] = 9
    new.loc[3, ["age", "income", "color", "size", "rooms"]] = [np.nan, np.nan, None, None, pd.NA]
    new.loc[4, "size"] = None
    folder = tmp_path_factory.mktemp("mixed")
    table.to_csv(folder / "train.csv", index=False)
    new.drop(columns=["kind", "buys", "price"]).to_csv(folder / "new.csv", index=False)
    return Mixed(folder / "train.csv", folder / "new.csv")


def mixed_spec(csv: Path, target: str, task: str) -> DataSpec:
    """Every kind of preparation: both scalings, both imputations of each kind of column."""
    _, fmt = read_csv(CsvSource(str(csv)))
    source = CsvSource(str(csv), fmt.delimiter, fmt.encoding, fmt.decimal)
    columns = [
        ColumnSpec("age", "feature", "numeric", "standard", "mean"),
        ColumnSpec("income", "feature", "numeric", "minmax", "median"),
        ColumnSpec("color", "feature", "categorical", "none", "most_frequent"),
        ColumnSpec("size", "feature", "categorical", "none", "missing_category"),
        ColumnSpec("rooms", "feature", "categorical", "none", "most_frequent"),
    ]
    for name in ("kind", "buys", "price"):
        kind = "numeric" if name == "price" else "categorical"
        role = "target" if name == target else "ignore"
        impute = "mean" if kind == "numeric" else "most_frequent"
        columns.append(ColumnSpec(name, role, kind, "none", impute))
    return DataSpec(source, tuple(columns), task).validate()


@pytest.fixture(scope="session")
def mixed_specs(mixed_csv: Mixed) -> Callable[[str, str], DataSpec]:
    """`mixed_spec` of the mixed table's training file: (target, task) -> its DataSpec."""
    return lambda target, task: mixed_spec(mixed_csv.train, target, task)


MIXED_NETWORK = NetworkSpec(
    (
        LayerSpec(units=10, activation="gelu"),
        LayerSpec(kind="batch_norm"),
        LayerSpec(kind="dropout", p=0.1),
        LayerSpec(units=6, activation="silu"),
    )
)


@pytest.fixture(scope="session")
def mixed(mixed_csv: Mixed) -> dict[str, Example]:
    """Models of the mixed table: three classes (softmax), two (sigmoid), and a regression."""
    out = {}
    for target, task in (
        ("kind", "classification"),
        ("buys", "classification"),
        ("price", "regression"),
    ):
        spec = mixed_spec(mixed_csv.train, target, task)
        out[target] = _train_csv(mixed_csv.train, target, MIXED_NETWORK, spec)
    return out
