"""Small helpers for the sentences the program writes to the user."""

from __future__ import annotations


def plural(n: int, one: str, many: str) -> str:
    """`n` and the noun that goes with it: '1 class', '2 classes', '1,000 rows'."""
    return f"{n:,} {one if n == 1 else many}"


def split_text(n_train: int, n_val: int, n_test: int, unit: str = "row") -> str:
    """'300 training rows, 100 validation, 100 test' (the test part only when there is one)."""
    test = f", {n_test:,} test" if n_test else ""
    return f"{plural(n_train, f'training {unit}', f'training {unit}s')}, {n_val:,} validation{test}"
