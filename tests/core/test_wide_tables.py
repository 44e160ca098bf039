"""Wide tables (gene expression, pixels) load; a table too large for the memory free is refused
before anything is allocated, with the numbers that decided it (README "Limits")."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from core import limits
from core.columns import auto_data_spec
from core.csv_io import read_csv
from core.data_spec import CsvSource
from core.dataset import prepare_data
from core.errors import DataError
from core.spec import TrainConfig
from core.workflow import dense_network, train


@pytest.mark.slow  # a 5,000-column table, read and trained
def test_a_5000_column_table_imports_and_trains(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    n_rows, n_genes = 24, 5000
    header = ",".join([*(f"gene{i}" for i in range(n_genes)), "label"])
    lines = [header]
    for r in range(n_rows):
        values = ",".join(f"{v:.3f}" for v in rng.random(n_genes))
        lines.append(f"{values},{'ab'[r % 2]}")
    path = tmp_path / "expression.csv"
    path.write_text("\n".join(lines) + "\n")
    source = CsvSource(str(path))

    frame, _ = read_csv(source)
    assert frame.shape == (n_rows, n_genes + 1)
    data = prepare_data(auto_data_spec(frame, source, "label"), frame)
    assert data.n_inputs == n_genes
    outcome = train(dense_network([4]), data, TrainConfig(epochs=2, batch_size=8))
    assert outcome.result.epochs == 2
    assert outcome.result.steps >= 2
    assert all(np.isfinite(v) for v in outcome.summary.values() if isinstance(v, float))


def test_a_table_far_larger_than_memory_is_refused_with_the_numbers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A few real rows, then a declared size of 1 TiB (a sparse file: no disk is used).
    monkeypatch.setattr(limits, "available_memory", lambda: 8 * 1024**3)
    header = ",".join(f"c{i}" for i in range(100))
    row = ",".join(f"{i}.5" for i in range(100))
    path = tmp_path / "huge.csv"
    path.write_text(header + "\n" + (row + "\n") * 300)
    with path.open("r+b") as f:
        f.truncate(2**40)

    with pytest.raises(DataError) as info:
        read_csv(CsvSource(str(path)))
    message = str(info.value)
    assert "huge.csv holds about 2,2" in message  # about 2.2 billion rows
    assert "x 100 columns" in message
    assert "8.0 GB free" in message
    assert "TB of memory" in message
