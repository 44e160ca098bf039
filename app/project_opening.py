"""A project file being opened: what the window remembers while the training process reads it,
and what the window takes from the answer."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.project import DEFAULT_TOY, DataShape, toy_data_spec
from core.data_spec import CsvSource, DataSpec
from core.training_process.messages import ProjectOpened

__all__ = ["Opening", "opened_data"]


@dataclass
class Opening:
    path: Path
    recovering: Path | None = None  # an orphaned autosave being recovered
    sent: bool = False
    relocated: bool = False  # its data file was found at a new place
    without_data: Path | None = None  # its data file, which the user chose not to read


def opened_data(o: ProjectOpened) -> tuple[DataSpec, DataShape | None]:
    """The opened project's data (the default toy set when it has none), and its shape when the
    training process has configured a model on a CSV file."""
    data = o.data or toy_data_spec(DEFAULT_TOY)
    shape = None
    if o.configured and isinstance(data.source, CsvSource):
        shape = DataShape(
            len(o.input_names),
            data.task,
            o.class_names,
            o.input_names,
            n_rows=o.n_rows,
        )
    return data, shape
