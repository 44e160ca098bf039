"""The loss landscape's plane: PCA of the paths, their projection and the variance share, checked
on trajectories whose answer is known."""

from __future__ import annotations

import numpy as np
import pytest

from core.loss_plane import (
    MAX_PATH_POINTS,
    MIN_ASPECT,
    PATH_MEMORY_BYTES,
    grid_coordinates,
    map_extent,
    principal_plane,
    recorded_steps,
)
from core.race_spec import DEFAULT_RACE, RaceEntry, race_problems

P = 10


def axis(i: int, values: list[float]) -> np.ndarray:
    """A path moving along weight `i` only: one row per point."""
    out = np.zeros((len(values), P))
    out[:, i] = values
    return out


def test_paths_inside_a_plane_are_held_whole_and_keep_their_distances() -> None:
    rng = np.random.default_rng(0)
    basis = np.linalg.qr(rng.normal(size=(P, 2)))[0].T  # two orthonormal directions
    origin = rng.normal(size=P)
    coords = [rng.normal(size=(20, 2)).cumsum(axis=0) for _ in range(3)]
    paths = [origin + c @ basis for c in coords]
    plane = principal_plane(paths, origin)
    assert plane.variance_share == pytest.approx(1.0)
    np.testing.assert_allclose(plane.directions @ plane.directions.T, np.eye(2), atol=1e-12)
    # The directions span the same plane as the basis, and each point keeps its distance from
    # the start and from every other point (a rotation or reflection, never a stretch).
    np.testing.assert_allclose(np.linalg.svd(plane.directions @ basis.T)[1], [1, 1], atol=1e-9)
    for got, want in zip(plane.paths, coords, strict=True):
        np.testing.assert_allclose(np.linalg.norm(got, axis=1), np.linalg.norm(want, axis=1))
        np.testing.assert_allclose(
            np.linalg.norm(got[1:] - got[:-1], axis=1), np.linalg.norm(want[1:] - want[:-1], axis=1)
        )


def test_the_share_is_what_the_plane_leaves_out_of_the_squared_distances() -> None:
    origin = np.full(P, 3.0)
    a = axis(0, [0, 1, 2, 3, 4])  # sum of squares 30
    b = axis(1, [0, 1, 2])  # 5
    c = axis(2, [0, 0.5, 1.0])  # 1.25: the smallest, left out
    plane = principal_plane([origin + a, origin + b, origin + c], origin)
    assert plane.variance_share == pytest.approx(35 / 36.25)
    assert plane.direction_shares == pytest.approx((30 / 36.25, 5 / 36.25))
    # Directions are weights 0 and 1, signed so the paths end on the positive side.
    np.testing.assert_allclose(np.abs(plane.directions[:, :2]), np.eye(2), atol=1e-12)
    np.testing.assert_allclose(plane.paths[0][:, 0], [0, 1, 2, 3, 4])
    np.testing.assert_allclose(plane.paths[1][:, 1], [0, 1, 2])
    np.testing.assert_allclose(plane.paths[2], 0, atol=1e-12)  # at right angles to the plane
    # Residual = (1 - share) x total squared distance, exactly.
    stacked = np.concatenate([a, b, c])
    projected = np.concatenate(plane.paths) @ plane.directions
    residual = np.square(stacked - projected).sum()
    assert residual == pytest.approx((1 - plane.variance_share) * np.square(stacked).sum())


def test_directions_point_towards_where_the_paths_end() -> None:
    origin = np.zeros(P)
    plane = principal_plane([axis(4, [0, -1, -2, -3]), axis(7, [0, 0.5, 1])], origin)
    assert plane.paths[0][-1, 0] == pytest.approx(3.0)
    assert plane.paths[1][-1, 1] == pytest.approx(1.0)


def test_paths_that_never_left_the_start_give_a_flat_plane_that_misses_nothing() -> None:
    origin = np.ones(P)
    plane = principal_plane([np.tile(origin, (4, 1)), np.tile(origin, (2, 1))], origin)
    assert plane.variance_share == 1.0
    assert all(np.all(p == 0) for p in plane.paths)
    extent = map_extent(plane.paths)
    assert extent[0] < 0 < extent[1] and extent[2] < 0 < extent[3]


def test_a_single_straight_path_is_held_whole_by_its_first_direction() -> None:
    plane = principal_plane([axis(3, [0, 2, 4])], np.zeros(P))
    assert plane.variance_share == pytest.approx(1.0)
    np.testing.assert_allclose(plane.paths[0], [[0, 0], [2, 0], [4, 0]], atol=1e-12)


def test_the_map_holds_the_start_and_every_point_with_a_margin_and_a_readable_height() -> None:
    paths = [np.array([[0, 0], [10, 0.1], [20, 0.2]]), np.array([[0, 0], [5, -0.3]])]
    x0, x1, y0, y1 = map_extent(paths)
    assert x0 < 0 and x1 > 20 and y0 < -0.3 and y1 > 0.2
    assert (y1 - y0) >= MIN_ASPECT * (x1 - x0) - 1e-9  # not a thin strip
    # Points that are not finite (a diverged copy) do not blow the map up.
    x0b, x1b, *_ = map_extent([*paths, np.array([[np.inf, 0.0]])])
    assert (x0b, x1b) == (x0, x1)


def test_grid_points_sit_at_the_cell_centres_row_by_row_from_the_bottom() -> None:
    ab = grid_coordinates((0.0, 4.0, -2.0, 2.0), 4)
    assert ab.shape == (16, 2)
    np.testing.assert_allclose(ab[:4], [[0.5, -1.5], [1.5, -1.5], [2.5, -1.5], [3.5, -1.5]])
    np.testing.assert_allclose(ab[-1], [3.5, 1.5])


def test_recorded_steps_keep_the_start_and_the_end_within_the_bounds() -> None:
    assert recorded_steps(5, 100, 4).tolist() == [0, 1, 2, 3, 4, 5]
    many = recorded_steps(10_000, 100, 4)
    assert many[0] == 0 and many[-1] == 10_000 and len(many) == MAX_PATH_POINTS
    # A wide network keeps fewer points, within the memory budget for all copies together.
    wide = recorded_steps(10_000, 2_000_000, 4)
    assert 3 <= len(wide) < MAX_PATH_POINTS
    assert len(wide) * 4 * 2_000_000 * 4 <= PATH_MEMORY_BYTES


def test_race_settings_are_checked_in_words() -> None:
    assert race_problems(DEFAULT_RACE, 1000) == []
    problems = race_problems((RaceEntry("sgd", -1.0), RaceEntry("nadam", 0.1)), 0)
    text = "; ".join(problems)
    assert "steps must be 1 to 20,000" in text
    assert "SGD: learning rate must be above 0" in text
    assert "unknown optimizer 'nadam'" in text
    assert "its own name" in race_problems((RaceEntry("adam", 0.01), RaceEntry("adam", 0.1)), 5)[0]
