"""Model work the training process answers between batches: save, export, evaluate, predict,
walk a row.

Each but the walk goes through `core.workflow.trained_model`, the exact path of a saved model,
so what the window shows matches `nnplay evaluate` and `nnplay predict` row for row; the walk
(`row_walk`) reads the model's weights and the optimizer's state as they are.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from core.csv_io import read_csv
from core.data_spec import CsvSource
from core.errors import SpecError
from core.export import export_model
from core.modelfile import save_model
from core.predict import evaluation_details, predict_frame
from core.project import ProjectFile
from core.project import save_project as write_project
from core.trainer import Trainer
from core.training_process import row_walk
from core.training_process.commands import (
    Command,
    Evaluate,
    Export,
    Predict,
    SaveModel,
    SaveProject,
    WalkRow,
)
from core.training_process.messages import (
    Evaluation,
    Exported,
    Message,
    ModelSaved,
    Predicted,
    ProjectSaved,
    SplitEvaluation,
)
from core.workflow import trained_model

if TYPE_CHECKING:
    from core.training_process.run_weights import RunWeights

# An evaluation sends at most this many (actual, predicted) regression pairs for plotting.
EVAL_POINTS = 5000


def answer(command: Command, trainer: Trainer, frame: pd.DataFrame) -> Message:
    """Run `command` on the trained model; `frame` is the loaded table the trainer's split indexes."""
    match command:
        case SaveModel(path=path):
            save_model(trained_model(trainer), path)
            return ModelSaved(path)
        case Export(format=format, path=path):
            if trainer.step == 0:
                raise SpecError("train the model before exporting it")
            paths = export_model(trained_model(trainer), format, path)
            return Exported(format, tuple(str(p) for p in paths))
        case Evaluate():
            return evaluate(trainer, frame)
        case Predict(rows=rows, request=request):
            table = read_csv(CsvSource(rows))[0] if isinstance(rows, str) else rows
            predictions = predict_frame(trained_model(trainer), table)
            return Predicted(request, predictions, trainer.step, trainer.epoch)
        case WalkRow():
            return row_walk.walk(command, trainer, frame)
    raise SpecError(f"the training process cannot run {type(command).__name__}")


def save_project(
    command: SaveProject, trainer: Trainer | None, run_weights: RunWeights
) -> ProjectSaved:
    """Write the design; with the model's members when asked and the model has trained, and
    the kept models of the runs whose records say so."""
    model = None
    if command.with_model and trainer is not None and trainer.step > 0:
        model = trained_model(trainer)
    c = command
    project = ProjectFile(
        c.data, c.network, c.config, model, c.extras, runs=c.runs, run_models=run_weights.kept
    )
    write_project(c.path, project)
    return ProjectSaved(c.path, model is not None)


def evaluate(trainer: Trainer, frame: pd.DataFrame) -> Evaluation:
    """The current weights on the validation and test rows, as `nnplay evaluate` scores them."""
    model = trained_model(trainer)
    splits: list[SplitEvaluation] = []
    parts: tuple[tuple[Literal["val", "test"], np.ndarray], ...] = (
        ("val", trainer.data.val.rows),
        ("test", trainer.data.test.rows),
    )
    for name, rows in parts:
        if len(rows) == 0:
            continue
        done = evaluation_details(model, frame.iloc[rows])
        actual, predicted = done.actual, done.predicted
        if actual is not None and predicted is not None and len(actual) > EVAL_POINTS:
            rng = np.random.default_rng(0)
            keep = np.sort(rng.choice(len(actual), EVAL_POINTS, replace=False))
            actual, predicted = actual[keep], predicted[keep]
        splits.append(SplitEvaluation(name, done.report, actual, predicted))
    if not splits:
        raise SpecError(
            "there are no validation or test rows to evaluate on; "
            "give the validation set a share of the data"
        )
    return Evaluation(trainer.step, trainer.epoch, tuple(splits))
