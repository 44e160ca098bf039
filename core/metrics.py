"""Evaluation metrics in plain numpy, and the reports the CLI and the GUI's evaluation view show.

Classification metrics take class indices (0 .. n_classes - 1), as the model predicts them;
`classification_report` attaches the class names. Ratios that are undefined (a class that never
occurs, or is never predicted) are 0, without warnings, so a report never holds NaN.

Macro F1 follows scikit-learn's convention (`f1_score(average="macro")` without `labels`): the
mean F1 over the classes present in the true or the predicted values. A class in neither (say,
a rare class missing from a small test split) says nothing about the model and is left out; the
report lists which classes count (`in_macro_average`) and says so in a note.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from core.errors import DataError
from core.text import plural

# Lists, numpy arrays, pandas columns: anything np.asarray accepts.
ArrayLike = npt.ArrayLike


def _pair(y_true: ArrayLike, y_pred: ArrayLike, what: str) -> tuple[np.ndarray, np.ndarray]:
    """Both arrays, checked to hold the same, non-zero number of samples."""
    t = np.asarray(y_true)
    p = np.asarray(y_pred)
    if len(t) != len(p):
        raise DataError(
            f"cannot compute {what}: {plural(len(t), 'true value', 'true values')} but "
            f"{plural(len(p), 'prediction', 'predictions')}"
        )
    if len(t) == 0:
        raise DataError(f"cannot compute {what} of no samples")
    return t, p


def _safe_divide(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """num / den element-wise, 0 where den is 0 (instead of NaN and a RuntimeWarning)."""
    num = num.astype(np.float64)
    den = den.astype(np.float64)
    return np.divide(num, den, out=np.zeros_like(num), where=den != 0)


def accuracy(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """The fraction of samples whose prediction equals the true label."""
    t, p = _pair(y_true, y_pred, "accuracy")
    if t.shape != p.shape:
        raise DataError(f"cannot compute accuracy: shapes {t.shape} and {p.shape} differ")
    return float(np.mean(t == p))


def confusion_matrix(y_true: ArrayLike, y_pred: ArrayLike, n_classes: int) -> np.ndarray:
    """Counts of (true, predicted) class-index pairs: rows are true classes, columns predicted."""
    if n_classes < 1:
        raise DataError(f"a confusion matrix needs at least one class, not {n_classes}")
    t = np.asarray(y_true).ravel()
    p = np.asarray(y_pred).ravel()
    if len(t) != len(p):
        raise DataError(
            f"cannot compute a confusion matrix: {plural(len(t), 'true value', 'true values')} "
            f"but {plural(len(p), 'prediction', 'predictions')}"
        )
    for name, idx in (("true", t), ("predicted", p)):
        if len(idx) and not np.issubdtype(idx.dtype, np.integer):
            raise DataError(f"{name} classes must be class indices (integers), not {idx.dtype}")
        bad = (idx < 0) | (idx >= n_classes)
        if bad.any():
            raise DataError(f"{name} class index {int(idx[bad][0])} is outside 0..{n_classes - 1}")
    # One bincount over the flattened (true, predicted) pair is O(n), no Python loop per sample.
    flat = t.astype(np.int64) * n_classes + p.astype(np.int64)
    counts = np.bincount(flat, minlength=n_classes * n_classes)
    return counts.reshape(n_classes, n_classes).astype(np.int64)


def precision_recall_f1(cm: ArrayLike) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-class precision, recall and F1 from a confusion matrix; 0 where undefined."""
    m = np.asarray(cm)
    if m.ndim != 2 or m.shape[0] != m.shape[1]:
        raise DataError(f"a confusion matrix must be square, not of shape {m.shape}")
    tp = np.diag(m)
    precision = _safe_divide(tp, m.sum(axis=0))
    recall = _safe_divide(tp, m.sum(axis=1))
    f1 = _safe_divide(2 * precision * recall, precision + recall)
    return precision, recall, f1


def classes_seen(cm: ArrayLike) -> np.ndarray:
    """Per class, whether it occurs as truth or as prediction: the classes macro F1 averages."""
    m = np.asarray(cm)
    return np.asarray((m.sum(axis=0) + m.sum(axis=1)) > 0)


def macro_f1(cm: ArrayLike) -> float:
    """The unweighted mean F1 over the classes that occur, as truth or as prediction.

    A class absent from both (say, from a small test split) says nothing about the model, so it
    is left out rather than counted as F1 = 0 (scikit-learn's convention). No classes at all
    gives 0.
    """
    m = np.asarray(cm)
    _, _, f1 = precision_recall_f1(m)
    seen = classes_seen(m)
    return float(f1[seen].mean()) if seen.any() else 0.0


def _regression_pair(
    y_true: ArrayLike, y_pred: ArrayLike, what: str
) -> tuple[np.ndarray, np.ndarray]:
    t, p = _pair(y_true, y_pred, what)
    t = t.astype(np.float64)
    p = p.astype(np.float64)
    # A (n, 1) column and a flat (n,) vector are the same target; don't let them broadcast.
    if t.ndim == 2 and t.shape[1] == 1:
        t = t[:, 0]
    if p.ndim == 2 and p.shape[1] == 1:
        p = p[:, 0]
    if t.shape != p.shape:
        raise DataError(f"cannot compute {what}: shapes {t.shape} and {p.shape} differ")
    return t, p


def r2(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """Coefficient of determination: 1 is perfect, 0 is no better than predicting the mean.

    With a constant target the usual formula divides by zero; like scikit-learn, that gives 1
    for a perfect prediction and 0 otherwise. Several target columns are averaged.
    """
    t, p = _regression_pair(y_true, y_pred, "R²")
    ss_res = ((t - p) ** 2).sum(axis=0)
    ss_tot = ((t - t.mean(axis=0)) ** 2).sum(axis=0)
    perfect = np.where(ss_res == 0, 1.0, 0.0)
    score = np.where(ss_tot != 0, 1.0 - _safe_divide(ss_res, ss_tot), perfect)
    return float(np.mean(score))


def rmse(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """Root mean squared error, in the target's own units."""
    t, p = _regression_pair(y_true, y_pred, "RMSE")
    return float(np.sqrt(np.mean((t - p) ** 2)))


def mae(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """Mean absolute error, in the target's own units."""
    t, p = _regression_pair(y_true, y_pred, "MAE")
    return float(np.mean(np.abs(t - p)))


@dataclass(frozen=True)
class ClassificationReport:
    """How well class predictions match, overall and per class; all plain Python numbers.

    Per-class tuples follow `class_names`; `confusion[i][j]` counts samples of class i predicted
    as class j. `in_macro_average[i]` says whether class i counts in `macro_f1`: it does when it
    occurs as truth or as prediction.
    """

    n: int
    accuracy: float
    macro_f1: float
    class_names: tuple[str, ...]
    precision: tuple[float, ...]
    recall: tuple[float, ...]
    f1: tuple[float, ...]
    support: tuple[int, ...]
    confusion: tuple[tuple[int, ...], ...]
    in_macro_average: tuple[bool, ...]

    @property
    def macro_f1_note(self) -> str:
        """'' when every class counts in macro F1, else a line naming the classes left out."""
        left_out = [
            name
            for name, counted in zip(self.class_names, self.in_macro_average, strict=True)
            if not counted
        ]
        if not left_out:
            return ""
        counted = len(self.class_names) - len(left_out)
        verb = "has" if len(left_out) == 1 else "have"
        return (
            f"macro F1 averages {counted} of {plural(len(self.class_names), 'class', 'classes')}: "
            f"{', '.join(left_out)} {verb} no rows and no predictions"
        )

    def to_json(self) -> dict[str, Any]:
        """The report as JSON data (dicts, lists, str, int, float)."""
        return {
            "task": "classification",
            "n": self.n,
            "accuracy": self.accuracy,
            "macro_f1": self.macro_f1,
            "labels": list(self.class_names),
            "precision": list(self.precision),
            "recall": list(self.recall),
            "f1": list(self.f1),
            "support": list(self.support),
            "confusion_matrix": [list(row) for row in self.confusion],
            "in_macro_average": list(self.in_macro_average),
            "macro_f1_classes": [
                name
                for name, counted in zip(self.class_names, self.in_macro_average, strict=True)
                if counted
            ],
            "macro_f1_note": self.macro_f1_note,
        }


@dataclass(frozen=True)
class RegressionReport:
    """How close numeric predictions are, in the target's own units; all plain Python floats."""

    n: int
    r2: float
    rmse: float
    mae: float

    def to_json(self) -> dict[str, Any]:
        """The report as JSON data (dicts, str, int, float)."""
        return {
            "task": "regression",
            "n": self.n,
            "r2": self.r2,
            "rmse": self.rmse,
            "mae": self.mae,
        }


def classification_report(
    y_true_idx: ArrayLike, y_pred_idx: ArrayLike, class_names: Sequence[str]
) -> ClassificationReport:
    """Accuracy, macro F1, per-class precision/recall/F1/support and the confusion matrix."""
    names = tuple(str(c) for c in class_names)
    cm = confusion_matrix(y_true_idx, y_pred_idx, len(names))
    n = int(cm.sum())
    if n == 0:
        raise DataError("cannot evaluate a classifier on no samples")
    precision, recall, f1 = precision_recall_f1(cm)
    return ClassificationReport(
        n=n,
        accuracy=float(np.trace(cm) / n),
        macro_f1=macro_f1(cm),
        class_names=names,
        precision=tuple(float(v) for v in precision),
        recall=tuple(float(v) for v in recall),
        f1=tuple(float(v) for v in f1),
        support=tuple(int(v) for v in cm.sum(axis=1)),
        confusion=tuple(tuple(int(v) for v in row) for row in cm),
        in_macro_average=tuple(bool(v) for v in classes_seen(cm)),
    )


def regression_report(y_true: ArrayLike, y_pred: ArrayLike) -> RegressionReport:
    """R², RMSE and MAE of numeric predictions."""
    t, p = _regression_pair(y_true, y_pred, "a regression report")
    return RegressionReport(n=len(t), r2=r2(t, p), rmse=rmse(t, p), mae=mae(t, p))
