"""`nnplay info` of a project file: its design, its trained model if any, and its run history."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from cli.model_report import model_report
from core.data_spec import CsvSource
from core.runs import RunRecord, change_descriptions

if TYPE_CHECKING:
    from core.model_manifest import ModelParts
    from core.project import ProjectFile  # loads torch


def project_report(
    project: ProjectFile, model: tuple[ModelParts, dict[str, tuple[int, ...]]] | None = None
) -> str:
    """What `nnplay info work.nnproj` prints; `model` is its trained model's manifest and
    weight shapes (core.model_manifest.read_model_parts), when it has one."""
    data = project.data
    if data is None:
        source = "none chosen yet"
    elif isinstance(data.source, CsvSource):
        source = data.source.path
    else:
        s = data.source
        source = f"{s.name} (built in: {s.samples} points, noise {s.noise:g}, seed {s.seed})"
    lines = [f"project data: {source}"]
    if model is not None:
        lines += ["", model_report(*model)]
    else:
        layers = ", ".join(layer.label() for layer in project.network.layers) or "none"
        lines += [f"network: {layers}", "not trained"]
    lines += ["", runs_report(project.runs)]
    lines += [f"note: {note}" for note in project.notes]  # a run's model left out
    return "\n".join(lines)


def runs_report(runs: Sequence[RunRecord]) -> str:
    """The run history as a table: one line a run, oldest first; "weights" marks the runs
    whose final model the project keeps (the window's Restore puts it back)."""
    if not runs:
        return "runs: none"
    lines = [f"runs: {len(runs)}"]
    header = (
        f"  {'#':>3}  {'name':<16} {'epochs':>6} {'best val loss':>13} {'val':>8} "
        f"{'test':>8} {'time':>7} {'weights':>7}  changed"
    )
    lines.append(header)
    for run, change in zip(runs, change_descriptions(runs), strict=True):
        s = run.scores
        lines.append(
            f"  {run.number:>3}  {run.name[:16]:<16} {run.epochs:>6} "
            f"{_number(s.best_val_loss, '{:.4g}'):>13} {_score(run, s.val_metric):>8} "
            f"{_score(run, s.test_metric):>8} {run.seconds:>6.1f}s "
            f"{'kept' if run.weights else '–':>7}  "
            f"{change}"
        )
    return "\n".join(lines)


def _score(run: RunRecord, value: float | None) -> str:
    return _number(value, "{:.1%}" if run.metric == "accuracy" else "R² {:.3f}")


def _number(value: float | None, fmt: str) -> str:
    return "–" if value is None else fmt.format(value)
