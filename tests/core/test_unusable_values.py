"""Infinite, out-of-range and stray text values: read as missing, said once per column."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.columns import auto_data_spec, profile_columns
from core.control import TrainingControl
from core.csv_io import read_csv
from core.data_spec import CsvSource
from core.dataset import prepare_data
from core.events import BatchesEnded, EpochEnded, EventForwarder
from core.spec import LayerSpec, NetworkSpec, TrainConfig
from core.trainer import Trainer
from core.value_checks import MOSTLY_NUMERIC


def write(tmp_path: Path, text: str) -> CsvSource:
    path = tmp_path / "data.csv"
    path.write_text(text)
    return CsvSource(str(path))


def infinite_table(tmp_path: Path) -> CsvSource:
    rng = np.random.default_rng(0)
    lines = ["x1,x2,x3,y"]
    for _ in range(60):
        x1, x2, x3 = rng.normal(size=3)
        lines.append(f"{x1:.4f},{x2:.4f},{x3:.4f},{2 * x1 - x3:.4f}")
    lines[5] = "0.1,inf,0.2,0.3"
    lines[9] = "0.4,-inf,1e308,0.5"
    lines[12] = "-1e39,0.3,0.1,0.9"
    lines[20] = "0.5,0.5,0.5,inf"
    return write(tmp_path, "\n".join(lines) + "\n")


def test_infinite_and_out_of_range_values_are_missing_and_said_per_column(
    tmp_path: Path,
) -> None:
    frame, fmt = read_csv(infinite_table(tmp_path))
    assert [n.text for n in fmt.column_notes] == [
        "x1: 1 value beyond float32's range (±3.4e+38) treated as missing",
        "x2: 2 infinite values treated as missing",
        "x3: 1 value beyond float32's range (±3.4e+38) treated as missing",
        "y: 1 infinite value treated as missing",
    ]
    assert frame["x2"].isna().sum() == 2
    means = {p.name: p.mean for p in profile_columns(frame)}
    assert all(m is not None and math.isfinite(m) for m in means.values())


def test_a_table_with_infinities_trains_with_finite_losses(tmp_path: Path) -> None:
    source = infinite_table(tmp_path)
    frame, _ = read_csv(source)
    data = prepare_data(auto_data_spec(frame, source, "y", val_fraction=0.25), frame)
    assert data.dropped_rows == 1  # the row whose target was infinite
    assert np.isfinite(data.train.x).all() and np.isfinite(data.val.x).all()
    events: list = []
    network = NetworkSpec(layers=(LayerSpec(units=8, activation="relu"),))
    config = TrainConfig(epochs=3, learning_rate=0.01, batch_size=8)
    trainer = Trainer(network, data, config, [EventForwarder(events.append)], TrainingControl())
    result = trainer.fit()
    assert result.outcome == "finished"
    losses = np.concatenate([e.loss for e in events if isinstance(e, BatchesEnded)])
    assert len(losses) > 3 and np.isfinite(losses).all()
    assert all(math.isfinite(e.val_loss) for e in events if isinstance(e, EpochEnded))


def test_a_frame_not_read_from_a_file_is_cleaned_for_training_too() -> None:
    frame = pd.DataFrame(
        {"a": [1.0, np.inf, 2.0, 3.0] * 5, "b": [0.5, 1.5, -np.inf, 1e300] * 5, "c": [0, 1] * 10}
    )
    source = CsvSource("made.csv")
    data = prepare_data(auto_data_spec(frame, source, "c", val_fraction=0.25), frame)
    assert np.isfinite(data.train.x).all()


MOSTLY_NUMBERS = (
    "\n".join(
        ["age,score,label"]
        + [f"{20 + i * 7 % 30},{i * 1.5},{'ab'[i % 2]}" for i in range(36)]
        + ["?,1.0,a", "--,2.0,b", "missing,3.0,a", "n/a,4.0,b"]
    )
    + "\n"
)


def test_a_mostly_numeric_column_with_stray_texts_is_numeric(tmp_path: Path) -> None:
    source = write(tmp_path, MOSTLY_NUMBERS)
    frame, fmt = read_csv(source)
    assert pd.api.types.is_float_dtype(frame["age"])
    assert frame["age"].isna().sum() == 4
    (note,) = fmt.column_notes
    assert note.column == "age"
    assert set(note.stray_values) == {"?", "--", "missing"}  # n/a is pandas' own missing mark
    assert note.text.startswith("age: 3 values that are not numbers ('?', '--', 'missing')")
    spec = auto_data_spec(frame, source, "label")
    age = next(c for c in spec.columns if c.name == "age")
    assert (age.role, age.kind, age.impute) == ("feature", "numeric", "mean")
    # The user may still make it categorical.
    from dataclasses import replace

    spec = replace(
        spec,
        columns=tuple(
            replace(c, kind="categorical", scaling="none", impute="most_frequent")
            if c.name == "age"
            else c
            for c in spec.columns
        ),
    ).validate()
    assert prepare_data(spec, frame).n_inputs > 3


def test_a_text_column_with_some_numbers_stays_text(tmp_path: Path) -> None:
    rows = [f"{'xyz'[i % 3]}{i},{i}" for i in range(20)] + [f"{i},{i}" for i in range(5)]
    frame, fmt = read_csv(write(tmp_path, "code,v\n" + "\n".join(rows) + "\n"))
    assert not pd.api.types.is_numeric_dtype(frame["code"])
    assert fmt.column_notes == ()


@pytest.mark.parametrize(("strays", "numeric"), [(2, True), (3, False)])
def test_the_threshold_is_ninety_percent_of_the_non_empty_values(
    tmp_path: Path, strays: int, numeric: bool
) -> None:
    # 18 numbers, an empty field (not counted), and 2 or 3 stray texts: 90 % or 85.7 % numbers.
    values = [str(i * 3 % 11) for i in range(18)] + [""] + ["?"] * strays
    rows = "".join(f"{v},{i % 2}\n" for i, v in enumerate(values))
    frame, _ = read_csv(write(tmp_path, "v,t\n" + rows))
    assert (18 / (18 + strays) >= MOSTLY_NUMERIC) == numeric
    assert pd.api.types.is_float_dtype(frame["v"]) == numeric


def test_one_stray_text_is_said_in_the_singular(tmp_path: Path) -> None:
    rows = "".join(f"{i},{'ab'[i % 2]}\n" for i in range(30))
    source = write(tmp_path, f"age,label\n?,a\n{rows}")
    _frame, fmt = read_csv(source)
    (note,) = fmt.column_notes
    assert note.text.startswith("age: 1 value that is not a number ('?') treated as missing")
