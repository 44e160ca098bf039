"""Train/validation/test splits: sizes, class shares, determinism."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.errors import SpecError
from core.split import split_indices


def test_sizes_follow_fractions_and_sets_cover_every_row_once() -> None:
    train, val, test = split_indices(100, None, 0.2, 0.1, seed=0, stratify=False)
    assert (len(train), len(val), len(test)) == (70, 20, 10)
    assert sorted(np.concatenate([train, val, test]).tolist()) == list(range(100))


def test_same_seed_same_split_other_seed_other_split() -> None:
    a = split_indices(50, None, 0.2, 0.2, seed=3, stratify=False)
    b = split_indices(50, None, 0.2, 0.2, seed=3, stratify=False)
    c = split_indices(50, None, 0.2, 0.2, seed=4, stratify=False)
    assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))
    assert not np.array_equal(a[1], c[1])


def test_zero_fractions_give_empty_sets() -> None:
    train, val, test = split_indices(10, None, 0.0, 0.0, seed=0, stratify=False)
    assert len(train) == 10 and len(val) == 0 and len(test) == 0
    assert val.dtype == np.int64


def test_stratified_split_gives_each_class_its_share() -> None:
    y = np.array(["a"] * 80 + ["b"] * 20)
    _, val, test = split_indices(100, y, 0.25, 0.0, seed=1, stratify=True)
    assert (y[val] == "a").sum() == 20 and (y[val] == "b").sum() == 5
    assert len(test) == 0


def test_rare_classes_keep_a_training_row() -> None:
    y = np.array(["common"] * 30 + ["pair"] * 2 + ["single"])
    for seed in range(20):
        train, _, _ = split_indices(len(y), y, 0.5, 0.4, seed=seed, stratify=True)
        assert {"common", "pair", "single"} <= set(y[train])


def test_bad_fractions_are_refused() -> None:
    with pytest.raises(SpecError):
        split_indices(10, None, 0.6, 0.5, seed=0, stratify=False)
    with pytest.raises(SpecError):
        split_indices(10, None, -0.1, 0.0, seed=0, stratify=False)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.integers(0, 4), min_size=1, max_size=200),
    st.floats(0, 0.45),
    st.floats(0, 0.45),
    st.integers(0, 1000),
)
def test_stratified_split_is_a_partition_with_a_train_row_per_class(
    labels: list[int], val_fraction: float, test_fraction: float, seed: int
) -> None:
    y = np.array(labels)
    train, val, test = split_indices(len(y), y, val_fraction, test_fraction, seed, stratify=True)
    everything = np.concatenate([train, val, test])
    assert sorted(everything.tolist()) == list(range(len(y)))
    assert set(y[train]) == set(y)
    assert abs(len(val) - len(y) * val_fraction) <= len(set(labels)) + 1


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(-3, 30), min_size=1, max_size=300), st.integers(0, 1000))
def test_labels_split_alike_as_numbers_or_as_texts(labels: list[int], seed: int) -> None:
    # Texts that sort as the numbers do: the same classes, found by another route.
    numbers = np.array(labels)
    texts = np.array([f"class {v + 3:02d}" for v in labels])
    want = split_indices(len(texts), texts, 0.2, 0.1, seed, stratify=True)
    for y in (numbers, numbers + 3):  # with negatives (sorted) and without (counted)
        got = split_indices(len(y), y, 0.2, 0.1, seed, stratify=True)
        for a, b in zip(got, want, strict=True):
            np.testing.assert_array_equal(a, b)
