"""Restoring a run: its settings into the builder and, where its final model is kept, that
model as the current one, as opening a trained project does (Predict, Evaluate and Export use
it; Train goes on from it)."""

from __future__ import annotations

from app.project import Project
from app.run import Run
from core.runs import RunRecord
from core.training_process.commands import Configure


def restore_run(record: RunRecord, project: Project, run: Run) -> str:
    """Put `record`'s data, network and training settings back (one undoable step) and, where
    its weights are kept, have the training process build its model; what the status bar says."""
    text = f"Restore the settings of {record.name}"
    changed = project.restore(record.data, record.network, record.config, text)
    if record.weights is not None and run.engine.is_ready and not run.is_active:
        p = project
        run.engine.send(Configure(p.data, p.network, p.config, weights_of=record.number))
        # Finished: Train goes on for as many epochs again, as after the run itself.
        run.adopt_opened(finished=0 < record.config.epochs <= record.epochs, trained=True)
        return f"Restored the settings and weights of {record.name}."
    if not changed:
        return f"The builder already has the settings of {record.name}."
    return f"Restored the settings of {record.name} (its weights are not kept)."
