"""`nnplay predict` and `nnplay evaluate`: a trained model on the rows of a CSV file.

Each reads the CSV before it imports torch (a second or two), so that a mistake in the file is
reported at once.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from core.data_spec import CsvSource
from core.errors import SpecError
from core.text import plural


def _read_data(path: str) -> Any:
    from core.csv_io import read_csv

    frame, fmt = read_csv(CsvSource(path=path))
    for note in fmt.column_notes:  # values read as missing: said, not silently dropped
        print(f"note: {note.text}", file=sys.stderr)
    return frame


def predict_command(ns: argparse.Namespace) -> int:
    """`nnplay predict`: every row's prediction, to --out or standard output."""
    out = Path(ns.out) if ns.out else None
    if out is not None and not out.parent.is_dir():
        raise SpecError(f"cannot write {out}: folder {out.parent} does not exist")
    if out is not None and out.is_dir():
        raise SpecError(
            f"--out {out} is a folder; name the file to write, like {out / 'predictions.csv'}"
        )
    # The CSV first: reading it needs no torch (a second or two to import), so a mistake in it
    # is reported at once.
    frame = _read_data(ns.data)
    from core.modelfile import load_model, write_atomic
    from core.predict import predict_frame

    tm = load_model(ns.model)
    result = predict_frame(tm, frame).as_frame(frame)
    if out is not None:
        write_atomic(out, result.to_csv(index=False).encode("utf-8"))
        print(f"wrote {plural(len(result), 'prediction', 'predictions')} to {out}", file=sys.stderr)
    else:
        result.to_csv(sys.stdout, index=False)
    return 0


def evaluate_command(ns: argparse.Namespace) -> int:
    """`nnplay evaluate`: loss and metrics on the labelled rows of --data (or one split of them)."""
    frame = _read_data(ns.data)  # before torch is imported, as in predict_command
    from core.modelfile import load_model
    from core.predict import evaluate_frame

    tm = load_model(ns.model)
    frame = _rows_to_score(tm, frame, ns.data, ns.split)
    report = evaluate_frame(tm, frame)
    if ns.json:
        print(json.dumps(report))
        return 0
    # The loss is what training minimised: for regression, on the standardised target.
    scale = " (on the standardised target)" if report["task"] == "regression" else ""
    print(f"{plural(report['n'], 'row', 'rows')}, {tm.loss} loss {report['loss']:.4g}{scale}")
    if report["task"] == "classification":
        print(f"accuracy {report['accuracy']:.4f}, macro F1 {report['macro_f1']:.4f}")
        labels = report["labels"]
        width = max(len(x) for x in labels) + 2
        print("confusion matrix (rows: true, columns: predicted)")
        print(" " * width + "".join(f"{x:>{width}}" for x in labels))
        for name, row in zip(labels, report["confusion_matrix"], strict=True):
            print(f"{name:>{width}}" + "".join(f"{v:>{width}}" for v in row))
    else:
        print(f"R² {report['r2']:.4f}, RMSE {report['rmse']:.4g}, MAE {report['mae']:.4g}")
    return 0


def _rows_to_score(tm: Any, frame: Any, path: str, split: str) -> Any:
    """The rows `evaluate` scores: all of them, or one part of the training split (which only
    the file the model was trained on has). Scoring a model's own training rows flatters it,
    so that case is pointed out."""
    from core.dataset import split_rows

    source = tm.data.source
    same_file = isinstance(source, CsvSource) and _same_path(source.path, path)
    if split == "all":
        if same_file:
            print(
                f"warning: {Path(path).name} is the file this model was trained on, so these "
                "figures include its training rows and flatter the model; --split test (or val) "
                "scores only the rows it never trained on",
                file=sys.stderr,
            )
        return frame
    if not same_file:
        trained_on = str(getattr(source, "path", "?"))
        ours, theirs = Path(trained_on).name, Path(path).name
        if ours == theirs:  # two files of one name: only their full paths tell them apart
            ours, theirs = _full_path(trained_on), _full_path(path)
        raise SpecError(
            f"--split {split} picks rows of the file the model was trained on ({ours}), not "
            f"of {theirs}; use --split all for other files"
        )
    rows = split_rows(tm.data, frame)
    part = dict(zip(("train", "val", "test"), rows.parts, strict=True))[split]
    if len(part) == 0:
        raise SpecError(f"the model was trained with no {split} rows; choose another --split")
    return frame.iloc[rows.kept[part]]


def _full_path(path: str) -> str:
    try:
        return str(Path(path).resolve())
    except OSError:
        return path


def _same_path(a: str, b: str) -> bool:
    try:
        return Path(a).resolve() == Path(b).resolve()
    except OSError:
        return False
