"""Opening a saved project in the training process: what the window is told of it, its model,
its counters, its history."""

from __future__ import annotations

from dataclasses import replace
from typing import Literal

import numpy as np

from core.data_spec import CsvSource
from core.dataset import PreparedData
from core.events import BatchesEnded, EpochEnded, Event
from core.history import COLUMNS
from core.modelfile import TrainedModel
from core.project import ProjectFile, load_project
from core.trainer import Trainer
from core.training_process.messages import ProjectOpened


def read_project(
    path: str, csv_path: str | None, without_data: bool = False
) -> tuple[ProjectFile, TrainedModel | None, ProjectOpened]:
    """The project at `path`, checked whole (core.project) before anything in the process
    changes, with its data file at `csv_path` when given, or with no data at all; the model to
    continue from, None when there is none or it is of another design; and what the window is
    first told of it."""
    project = load_project(path)
    if without_data:
        project = replace(project, data=None, model=None, missing_source=None)
    elif csv_path is not None:
        project = project.relocated(csv_path)
    data, tm = project.data, project.model
    if tm is not None and (data is None or not same_design(project, tm)):
        tm = None  # a model of another design (a file edited by hand): train afresh
    opened = ProjectOpened(
        path,
        data,
        project.network,
        project.config,
        project.extras,
        trained=tm is not None,
        configured=False,
        finished=False,
        missing_source=project.missing_source,
        runs=project.runs,
        notes=project.notes,
    )
    return project, tm, opened


def has_problems(project: ProjectFile) -> bool:
    """Whether the design is unfinished: no data yet, or a setting the window must fix first."""
    problems = [] if project.data is None else project.data.problems()
    problems += project.network.problems() + project.config.problems()
    return project.data is None or bool(problems)


def configured_opening(
    opened: ProjectOpened,
    project: ProjectFile,
    tm: TrainedModel | None,
    prepared: PreparedData,
    n_rows: int,
) -> ProjectOpened:
    """What the window is told of a project whose data is prepared: its inputs, classes and
    rows, and whether its training had already run all its epochs."""
    epochs = project.config.epochs
    finished = tm is not None and epochs > 0 and tm.history.last("epoch") >= epochs
    return replace(
        opened,
        configured=True,
        finished=finished,
        input_names=prepared.preprocessor.input_names,
        class_names=prepared.class_names,
        n_rows=n_rows,
    )


def same_design(project: ProjectFile, tm: TrainedModel) -> bool:
    """Whether the project's model was trained on the project's own data and network (the
    training settings may have changed since; the data file's path may differ: it moved)."""
    assert project.data is not None
    data = tm.data
    if isinstance(data.source, CsvSource) and isinstance(project.data.source, CsvSource):
        data = replace(data, source=replace(data.source, path=project.data.source.path))
    return data == project.data and tm.network == project.network


def continue_from(trainer: Trainer, tm: TrainedModel) -> None:
    """Carry a saved model's history and counters over, so training continues where it was."""
    trainer.history = tm.history
    if tm.history.rows:
        trainer.epoch = trainer.best_epoch = int(tm.history.last("epoch"))
        trainer.step = int(tm.history.last("step"))


def history_events(tm: TrainedModel) -> tuple[Event, ...]:
    """A saved training history as the events that drew it: its thinned steps, then its epochs."""
    metric: Literal["accuracy", "r2"] = "r2" if tm.history.metric == "r2" else "accuracy"
    out: list[Event] = []
    epochs = [int(r[0]) for r in tm.history.rows]
    ends = [int(r[1]) for r in tm.history.rows]
    for row in tm.history.step_rows:
        step = int(row[0])
        # The epoch a step belongs to: the first whose last step is at or after it.
        epoch = next(
            (e for e, end in zip(epochs, ends, strict=True) if end >= step), len(epochs) + 1
        )
        out.append(BatchesEnded(step, epoch, np.array([row[1]]), np.array([row[2:]])))
    for row in tm.history.rows:
        r = dict(zip(COLUMNS, row, strict=True))
        out.append(
            EpochEnded(
                epoch=int(r["epoch"]),
                step=int(r["step"]),
                train_loss=r["train_loss"],
                val_loss=r["val_loss"],
                train_metric=r["train_metric"],
                val_metric=r["val_metric"],
                metric=metric,
                learning_rate=r["learning_rate"],
                samples_per_second=float("nan"),
                elapsed=r["elapsed"],
            )
        )
    return tuple(out)
