"""Time to reach scikit-learn's held-out score: the engine against MLPClassifier/MLPRegressor.

    python bench/engine_vs_sklearn.py [--rounds 3] [--sets iris,breast_cancer,...]

Both sides get the same training rows and are scored on the same held-out 25% (stratified for
classes): accuracy for classes, R^2 for quantities, both from core.metrics. Same hidden sizes (32, 32, ReLU), Adam,
learning rate 0.001, batch size and epochs, no weight penalty (alpha=0). scikit-learn scales
with its own StandardScaler / OneHotEncoder (and scales a regression target, as the engine
does); its time is the whole `fit`, and it stops by its own rule (tol / n_iter_no_change).
The engine's time runs from its own preprocessing (prepare_data) until its held-out score
first equals or beats scikit-learn's, checked after every epoch (the check's own time is not
counted). Rounds are interleaved; the figure is the median ratio engine time / sklearn time.
Target (issue 6): <= 0.5 at an equal or better score.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import ROOT, result

from core.control import TrainingControl
from core.data_spec import ColumnSpec, CsvSource, DataSpec
from core.dataset import prepare_data
from core.events import Callback, EpochEnded
from core.metrics import accuracy, r2
from core.spec import LayerSpec, NetworkSpec, TrainConfig
from core.trainer import Trainer

HIDDEN = (32, 32)
LR = 0.001


@dataclass(frozen=True)
class Table:
    name: str
    frame: pd.DataFrame
    target: str
    task: str  # classification | regression
    batch: int
    epochs: int


def generated(rows: int) -> pd.DataFrame:
    """20 numeric inputs and one text input; 4 classes from a fixed nonlinear rule, some noise."""
    rng = np.random.default_rng(rows)
    x = rng.normal(size=(rows, 20))
    colour = rng.choice(["red", "green", "blue"], rows)
    score = np.stack(
        [
            x[:, 0] * x[:, 1] + (colour == "red"),
            np.sin(2 * x[:, 2]) + x[:, 3],
            x[:, 4] ** 2 - 1 + 0.5 * (colour == "blue"),
            -x[:, 5] + 0.3 * x[:, 6:10].sum(axis=1),
        ],
        axis=1,
    ) + rng.normal(scale=0.3, size=(rows, 4))
    frame = pd.DataFrame(x, columns=[f"x{i}" for i in range(20)])
    frame["colour"] = colour
    frame["label"] = np.array(["a", "b", "c", "d"])[score.argmax(axis=1)]
    return frame


def tables(names: list[str]) -> list[Table]:
    data = ROOT / "resources" / "data"
    known = {
        "iris": lambda: Table(
            "iris", pd.read_csv(data / "iris.csv"), "species", "classification", 16, 200
        ),
        "breast_cancer": lambda: Table(
            "breast_cancer",
            pd.read_csv(data / "breast_cancer.csv"),
            pd.read_csv(data / "breast_cancer.csv").columns[-1],
            "classification",
            32,
            200,
        ),
        "diabetes": lambda: Table(
            "diabetes", pd.read_csv(data / "diabetes.csv"), "progression", "regression", 32, 200
        ),
        "generated_10k": lambda: Table(
            "generated 10,000 rows", generated(10_000), "label", "classification", 64, 50
        ),
        "generated_100k": lambda: Table(
            "generated 100,000 rows", generated(100_000), "label", "classification", 256, 20
        ),
    }
    return [known[n]() for n in names]


def split(table: Table) -> tuple[pd.DataFrame, pd.DataFrame]:
    from sklearn.model_selection import train_test_split

    y = table.frame[table.target] if table.task == "classification" else None
    train, test = train_test_split(table.frame, test_size=0.25, random_state=0, stratify=y)
    return train.reset_index(drop=True), test.reset_index(drop=True)


def sklearn_run(table: Table, train: pd.DataFrame, test: pd.DataFrame) -> tuple[float, float]:
    """(seconds, held-out score) of scikit-learn's pipeline."""
    from sklearn.compose import ColumnTransformer, TransformedTargetRegressor
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier, MLPRegressor
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    features = train.drop(columns=[table.target])
    numeric = [c for c in features.columns if pd.api.types.is_numeric_dtype(features[c])]
    text = [c for c in features.columns if c not in numeric]
    prep = ColumnTransformer(
        [("num", StandardScaler(), numeric), ("cat", OneHotEncoder(handle_unknown="ignore"), text)]
    )
    common = dict(
        hidden_layer_sizes=HIDDEN,
        solver="adam",
        learning_rate_init=LR,
        batch_size=table.batch,
        max_iter=table.epochs,
        alpha=0.0,
        random_state=0,
    )
    if table.task == "classification":
        model = make_pipeline(prep, MLPClassifier(**common))
    else:
        model = TransformedTargetRegressor(
            make_pipeline(prep, MLPRegressor(**common)), transformer=StandardScaler()
        )
    t = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(features, train[table.target])
    seconds = time.perf_counter() - t
    return seconds, float(model.score(test.drop(columns=[table.target]), test[table.target]))


class ScoreEachEpoch(Callback):
    """Scores the held-out rows after each epoch; stops training once `goal` is reached."""

    def __init__(self, trainer_box: list, x_test, y_test, task: str, goal: float) -> None:
        self.box, self.x, self.y, self.task, self.goal = trainer_box, x_test, y_test, task, goal
        self.reached_at: float | None = None
        self.best = -np.inf
        self.check_seconds = 0.0
        self.epochs = 0

    def on_train_epoch_end(self, event: EpochEnded) -> None:
        t = time.perf_counter()
        trainer = self.box[0]
        out = trainer.evaluate_logits(self.x).numpy()
        if self.task == "classification":
            if out.shape[1] == 1:
                predicted = (out[:, 0] > 0).astype(np.int64)
            else:
                predicted = out.argmax(axis=1)
            score = accuracy(self.y, predicted)
        else:
            # R² on the standardised target equals R² in the target's own units.
            score = r2(self.y, out[:, 0])
        self.best = max(self.best, score)
        self.epochs = event.epoch
        self.check_seconds += time.perf_counter() - t
        if score >= self.goal and self.reached_at is None:
            self.reached_at = time.perf_counter() - self.check_seconds
            trainer.control.stop()


def engine_run(
    table: Table, train: pd.DataFrame, test: pd.DataFrame, goal: float
) -> tuple[float, float, int]:
    """(seconds to reach `goal` or to finish, best held-out score, epochs)."""
    t = time.perf_counter()
    columns = []
    for name in train.columns:
        numeric = pd.api.types.is_numeric_dtype(train[name])
        role = "target" if name == table.target else "feature"
        if role == "target":
            kind = "categorical" if table.task == "classification" else "numeric"
        else:
            kind = "numeric" if numeric else "categorical"
        scaling = "standard" if (kind == "numeric" and role == "feature") else "none"
        impute = "mean" if kind == "numeric" else "most_frequent"
        columns.append(ColumnSpec(name, role, kind, scaling, impute))  # type: ignore[arg-type]
    spec = DataSpec(CsvSource("bench.csv"), tuple(columns), table.task, 0.0, 0.0, 0)  # type: ignore[arg-type]
    data = prepare_data(spec, train)
    x_test = data.preprocessor.transform(test)
    y_test = data.preprocessor.encode_target(test[table.target])
    y_test = y_test if table.task == "classification" else y_test[:, 0]
    network = NetworkSpec(layers=tuple(LayerSpec(units=u, activation="relu") for u in HIDDEN))
    config = TrainConfig(
        optimizer="adam",
        learning_rate=LR,
        batch_size=table.batch,
        epochs=table.epochs,
        device="cpu",
        seed=0,
    )
    box: list = []
    scorer = ScoreEachEpoch(box, x_test, y_test, table.task, goal)
    trainer = Trainer(network, data, config, [scorer], TrainingControl())
    box.append(trainer)
    trainer.fit()
    end = (
        scorer.reached_at
        if scorer.reached_at is not None
        else time.perf_counter() - scorer.check_seconds
    )
    return end - t, scorer.best, scorer.epochs


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--sets", default="iris,breast_cancer,diabetes,generated_10k,generated_100k")
    ns = p.parse_args(argv)
    print(f"# engine vs scikit-learn MLP, hidden {HIDDEN}, adam lr {LR}, {ns.rounds} rounds")
    # Warm both up once (first calls in a process load kernels and thread pools).
    iris = tables(["iris"])[0]
    train, test = split(iris)
    engine_run(iris, train, test, sklearn_run(iris, train, test)[1])
    for table in tables(ns.sets.split(",")):
        train, test = split(table)
        sk_times, en_times, ratios = [], [], []
        sk_score = en_best = 0.0
        epochs = 0
        for _ in range(ns.rounds):
            sk_s, sk_score = sklearn_run(table, train, test)
            en_s, en_best, epochs = engine_run(table, train, test, sk_score)
            sk_times.append(sk_s)
            en_times.append(en_s)
            ratios.append(en_s / sk_s if en_best >= sk_score else float("inf"))
        ratio = statistics.median(ratios)
        reached = en_best >= sk_score
        print(
            f"{table.name:<24} sklearn {statistics.median(sk_times):7.2f} s score {sk_score:.4f} | "
            f"engine {statistics.median(en_times):7.2f} s best {en_best:.4f} "
            f"({epochs} epochs) | ratio {ratio:.2f}"
        )
        result(
            "engine vs scikit-learn",
            f"{table.name} (batch {table.batch}, <= {table.epochs} epochs)",
            ratio,
            "x sklearn time",
            "<= 0.5",
            reached and ratio <= 0.5,
            f"sklearn {statistics.median(sk_times):.2f} s to {sk_score:.4f}; engine "
            f"{statistics.median(en_times):.2f} s, best {en_best:.4f} "
            f"{'reached' if reached else 'NOT reached'} after {epochs} epochs",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
