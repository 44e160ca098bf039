"""What `predict` tolerates in the rows it is given: extra or reordered columns, no target,
missing values, and category values never seen in training."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

IRIS_PROBS = ["probability_setosa", "probability_versicolor", "probability_virginica"]


def test_extra_columns_order_and_missing_values_do_not_matter(
    nnplay: Any, iris_model: Any, iris_predictions: Path, data_dir: Path, tmp_path: Path
) -> None:
    rows = [0, 1, 2, 50, 51, 52, 100, 101, 102]
    reference = pd.read_csv(iris_predictions).iloc[rows].reset_index(drop=True)
    given = pd.read_csv(data_dir / "iris.csv").iloc[rows].reset_index(drop=True)
    given = given.drop(columns="species")  # predict needs no target
    given.insert(0, "notes", [f"plant {i}" for i in rows])
    given = given[["notes", "petal_width", "sepal_length", "petal_length", "sepal_width"]]
    given.loc[2, "petal_length"] = np.nan
    given.loc[5, "sepal_width"] = np.nan
    given.to_csv(tmp_path / "field.csv", index=False)

    pred = nnplay("predict", iris_model.path, "--data", "field.csv", cwd=tmp_path).ok().frame()
    assert list(pred.columns) == [*given.columns, "prediction", *IRIS_PROBS]
    assert list(pred["notes"]) == list(given["notes"])
    assert pred["sepal_width"].isna().sum() == 1  # the input is echoed as given, not imputed
    complete = [i for i in range(len(rows)) if i not in (2, 5)]
    # The extra column and the column order change nothing for the complete rows.
    assert list(pred["prediction"].iloc[complete]) == list(reference["prediction"].iloc[complete])
    np.testing.assert_allclose(
        pred[IRIS_PROBS].iloc[complete], reference[IRIS_PROBS].iloc[complete], atol=1e-6
    )
    # Rows with a missing value are imputed and predicted like any other.
    probs = pred[IRIS_PROBS].to_numpy()
    assert np.isfinite(probs).all()
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-5)
    assert pred["prediction"].notna().all()


def _shop_table(n: int = 240) -> pd.DataFrame:
    """Whether a customer buys: decided by the colour of the item (a categorical feature)."""
    rng = np.random.default_rng(0)
    colour = rng.choice(["red", "green", "blue"], size=n)
    price = rng.uniform(1, 10, size=n).round(2)
    bought = np.where(colour == "red", "yes", "no")
    return pd.DataFrame({"colour": colour, "price": price, "bought": bought})


def test_unseen_and_missing_categories_are_predicted_not_refused(
    nnplay: Any, tmp_path: Path
) -> None:
    _shop_table().to_csv(tmp_path / "shop.csv", index=False)
    model = tmp_path / "shop.nnp"
    args = ["--data", "shop.csv", "--target", "bought", "--hidden", "8", "--epochs", "40"]
    fast = ["--lr", "0.05", "--seed", "0", "--device", "cpu", "--out", model, "--json"]
    summary = nnplay("train", *args, *fast, cwd=tmp_path).ok().json()
    assert summary["val_accuracy"] == 1.0

    new = pd.DataFrame(
        {
            "colour": ["red", "green", "purple", None, "blue"],
            "price": [5.0, 5.0, 5.0, 5.0, None],
        }
    )
    new.to_csv(tmp_path / "new.csv", index=False)
    pred = nnplay("predict", model, "--data", "new.csv", cwd=tmp_path).ok().frame()
    assert list(pred.columns) == [
        "colour",
        "price",
        "prediction",
        "probability_no",
        "probability_yes",
    ]
    assert list(pred["prediction"].iloc[[0, 1, 4]]) == ["yes", "no", "no"]
    assert set(pred["prediction"]) <= {"yes", "no"}
    probs = pred[["probability_no", "probability_yes"]].to_numpy()
    assert np.isfinite(probs).all()
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-5)
