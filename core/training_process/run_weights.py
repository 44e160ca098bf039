"""The final models of the user's training runs, kept in the training process (issue 14).

When a run ends (finished or stopped; a failed run's weights are not kept) the relay holds its
model here (`hold`, on the training thread, before the window hears of the end). The window
numbers runs (app.run_history), so it answers with `KeepRunWeights(number, step)`, which files
the held model under that number: a Configure or a Reset sent meanwhile cannot swap in another
model. Races' copies and search trials never pass through the relay, so they are not kept.

Bounded (core.runs): at most MAX_KEPT_RUNS models and MAX_KEPT_BYTES in all, the oldest
let go first (and runs the window no longer has before any); a model larger than the whole
budget is not kept. Models are held as bytes (a model file's members): their size is exact, and
training on cannot change them.
"""

from __future__ import annotations

from core.data_spec import DataSpec
from core.errors import SpecError
from core.events import TrainEnded
from core.limits import BYTES_PER_PARAMETER
from core.modelfile import TrainedModel
from core.project import ProjectFile
from core.run_models import KeptModel, kept_model, load_kept
from core.runs import MAX_KEPT_BYTES, MAX_KEPT_RUNS
from core.spec import NetworkSpec
from core.trainer import Trainer
from core.training_process.commands import KeepRunWeights
from core.training_process.messages import RunWeightsKept
from core.training_process.projects import same_design
from core.workflow import trained_model


class RunWeights:
    """Run number -> its final model, oldest first; and the model of the run that just ended."""

    def __init__(self, max_runs: int = MAX_KEPT_RUNS, max_bytes: int = MAX_KEPT_BYTES) -> None:
        self.max_runs, self.max_bytes = max_runs, max_bytes
        self.kept: dict[int, KeptModel] = {}
        self.held: tuple[int, KeptModel] | None = None  # (its last step, the model)

    @property
    def size(self) -> int:
        return sum(k.size for k in self.kept.values())

    def hold(self, trainer: Trainer | None, event: TrainEnded) -> None:
        """A run ended: hold its model until the window says which run it was."""
        self.held = None
        if trainer is None or event.outcome == "failed" or trainer.step == 0:
            return
        weights = sum(p.numel() for p in trainer.model.parameters()) * BYTES_PER_PARAMETER
        if weights <= self.max_bytes:  # never copied when it could not be kept
            self.held = (event.step, kept_model(trained_model(trainer)))

    def keep(self, command: KeepRunWeights) -> RunWeightsKept:
        """File the held model as run `command.number`'s, within the bounds."""
        number, held, self.held = command.number, self.held, None
        if command.live is not None:
            for gone in [n for n in self.kept if n not in command.live and n != number]:
                del self.kept[gone]
        self.kept.pop(number, None)  # a continued run's earlier model is stale now
        if held is None or held[0] != command.step or held[1].size > self.max_bytes:
            return RunWeightsKept(number, False)
        self.kept[number] = held[1]
        return RunWeightsKept(number, True, self._bound())

    def replace(self, models: dict[int, KeptModel]) -> None:
        """A project was opened: its runs' models are the ones kept now."""
        self.kept, self.held = dict(models), None
        self._bound()

    def model(
        self, number: int | None, data: DataSpec, network: NetworkSpec
    ) -> TrainedModel | None:
        """Run `number`'s model, rebuilt from its bytes, checked to be of this design (None for
        no run: a model with fresh weights)."""
        if number is None:
            return None
        kept = self.kept.get(number)
        if kept is None:
            raise SpecError(f"the weights of run {number} are no longer kept")
        tm = load_kept(kept, f"run {number}")
        if not same_design(ProjectFile(data, network), tm):
            raise SpecError(f"run {number}'s weights belong to another data or network")
        return tm

    def _bound(self) -> tuple[int, ...]:
        """Let the oldest go until the bounds hold; the numbers let go."""
        dropped: list[int] = []
        while len(self.kept) > self.max_runs or (self.size > self.max_bytes and self.kept):
            oldest = next(iter(self.kept))
            del self.kept[oldest]
            dropped.append(oldest)
        return tuple(dropped)
