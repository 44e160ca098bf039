"""Training history: every epoch, and the steps thinned evenly over a long run."""

import json
import math

import numpy as np

from core.history import MAX_STEP_ROWS, History


def test_steps_are_kept_whole_for_short_runs_and_thinned_evenly_for_long_ones():
    h = History(step_layers=("dense1", "output"))
    h.add_steps(1, np.array([0.5, 0.4]), np.array([[1.0, 2.0], [3.0, 4.0]]))
    assert h.step_rows == [(1.0, 0.5, 1.0, 2.0), (2.0, 0.4, 3.0, 4.0)]
    total = 3 * MAX_STEP_ROWS
    for first in range(3, total + 1, 500):
        n = min(500, total - first + 1)
        h.add_steps(first, np.linspace(1, 0, n), np.ones((n, 2)))
    steps = [int(r[0]) for r in h.step_rows]
    assert len(steps) <= MAX_STEP_ROWS
    assert steps[-1] > total - h.step_stride  # the end of the run is still there
    assert set(np.diff(steps)) == {h.step_stride}  # evenly spaced


def test_history_round_trips_through_json_with_gaps():
    h = History(metric="r2", step_layers=("dense1",), step_stride=2)
    h.rows.append((1, 10, 0.5, math.nan, 0.1, math.nan, 0.01, 0.2))
    h.step_rows.append((2.0, 0.7, 0.3))
    back = History.from_json(json.loads(json.dumps(h.to_json())))
    assert back.step_rows == h.step_rows and back.step_stride == 2 and back.metric == "r2"
    assert math.isnan(back.rows[0][3]) and back.rows[0][2] == 0.5


def test_a_history_from_before_steps_were_kept_still_loads():
    old = {"metric": "accuracy", "columns": History().to_json()["columns"], "rows": []}
    assert History.from_json(old).step_rows == []
