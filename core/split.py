"""Split row indices into training, validation and test sets, stratified by class if asked."""

from __future__ import annotations

import math

import numpy as np

from core.errors import SpecError
from core.text import plural


def split_indices(
    n: int,
    y: np.ndarray | None,
    val_fraction: float,
    test_fraction: float,
    seed: int,
    stratify: bool,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(train, val, test) row indices into range(n), each sorted, int64, the same for a seed.

    Set sizes are round(n * fraction). Stratified (needs `y`), each class gets its share of
    every set, and a class keeps at least one training row (a class with one row trains on it),
    so every class the model is asked about was seen in training.
    """
    if n < 0:
        raise SpecError(f"cannot split {n} rows")
    for label, fraction in (("validation", val_fraction), ("test", test_fraction)):
        if not 0 <= fraction < 1:
            raise SpecError(f"the {label} fraction must be at least 0 and below 1, not {fraction}")
    if val_fraction + test_fraction >= 1:
        raise SpecError("the validation and test fractions leave no rows to train on")
    if y is not None and len(y) != n:
        raise SpecError(f"{plural(len(y), 'label', 'labels')} for {plural(n, 'row', 'rows')}")

    rng = np.random.default_rng(seed)
    members = _groups(np.asarray(y)) if stratify and y is not None and n > 0 else [np.arange(n)]
    sizes = [len(m) for m in members]
    n_test = _shares(sizes, _round(n * test_fraction))
    n_val = _shares(sizes, _round(n * val_fraction))

    train, val, test = [], [], []
    for rows, size, k_test, k_val in zip(members, sizes, n_test, n_val, strict=True):
        # Training keeps at least one row of every group that has any.
        while size > 0 and k_test + k_val >= size:
            if k_val > 0:
                k_val -= 1
            else:
                k_test -= 1
        rows = rng.permutation(rows)
        test.append(rows[:k_test])
        val.append(rows[k_test : k_test + k_val])
        train.append(rows[k_test + k_val :])
    return _join(train, n), _join(val, n), _join(test, n)


def _groups(y: np.ndarray) -> list[np.ndarray]:
    """The rows of each distinct value of `y`, values in sorted order, rows ascending."""
    if y.dtype.kind in "iu" and y.min() >= 0 and y.max() < 2**16:
        # Small whole numbers (class ranks): counted, not sorted as np.unique would.
        present = np.flatnonzero(np.bincount(y.astype(np.int64, copy=False)))
        lookup = np.zeros(int(present[-1]) + 1, dtype=np.uint16)
        lookup[present] = np.arange(len(present))
        groups = lookup[y]
    else:
        _, inverse = np.unique(y, return_inverse=True)
        groups = inverse.reshape(-1)
    n_groups = int(groups.max()) + 1
    if n_groups <= 8:
        return [np.flatnonzero(groups == g) for g in range(n_groups)]
    # A stable sort keeps each group's rows ascending, as flatnonzero gives them.
    order = np.argsort(groups, kind="stable")
    return np.split(order, np.cumsum(np.bincount(groups, minlength=n_groups))[:-1])


def _round(x: float) -> int:
    """Round half up; numpy and Python round half to even, making 2.5 rows into 2."""
    return math.floor(x + 0.5)


def _shares(sizes: list[int], total: int) -> list[int]:
    """Split `total` across groups in proportion to `sizes` (largest remainders get the rest)."""
    n = sum(sizes)
    if n == 0 or total == 0:
        return [0] * len(sizes)
    exact = [s * total / n for s in sizes]
    shares = [math.floor(e) for e in exact]
    # Ties go to the earlier group so the result does not depend on float noise or the seed.
    by_remainder = sorted(range(len(sizes)), key=lambda i: (-(exact[i] - shares[i]), i))
    for i in by_remainder[: total - sum(shares)]:
        shares[i] += 1
    return shares


def _join(parts: list[np.ndarray], n: int) -> np.ndarray:
    """The rows of `parts` (distinct positions in range(n)) in ascending order."""
    chosen = np.zeros(n, dtype=bool)
    for rows in parts:
        chosen[rows] = True
    return np.flatnonzero(chosen).astype(np.int64)
