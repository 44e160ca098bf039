"""The optimizer race in the training process: runs `core.optimizer_race` on the service's main
thread, sends its progress and its end, and ends early when the reader thread says so.

StopRace, Stop, Configure, OpenProject and Shutdown all end a race (the reader thread calls
`cancel`): the copies belong to the network the race started with, so a race on a network the
user has since edited is not worth finishing.
"""

from __future__ import annotations

import threading

from core.optimizer_race import RaceStatus, race
from core.trainer import Trainer
from core.training_process.commands import RaceOptimizers
from core.training_process.messages import RaceFinished, RaceProgress
from core.training_process.outbox import Outbox


class Races:
    """The race going on, if any, and its cancel flag (set from the reader thread)."""

    def __init__(self) -> None:
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def run(self, command: RaceOptimizers, trainer: Trainer, outbox: Outbox) -> None:
        """Race `command`'s entries on `trainer`'s network; every message goes out at once."""
        # A cancel sent before this race began was meant for an earlier one (or none).
        self._cancel.clear()

        def report(status: RaceStatus) -> None:
            outbox.send(
                RaceProgress(
                    command.race,
                    status.step,
                    command.steps,
                    status.losses,
                    status.paths,
                    status.variance_share,
                )
            )

        outcome = race(
            trainer,
            command.entries,
            command.steps,
            command.from_current,
            report,
            self._cancel.is_set,
        )
        surface = outcome.surface
        if surface is None:
            outbox.send(RaceFinished(command.race, "stopped", outcome.records, outcome.seconds))
            return
        outbox.send(
            RaceFinished(
                command.race,
                "finished",
                outcome.records,
                outcome.seconds,
                surface=surface.loss,
                extent=surface.extent,
                paths=surface.paths,
                path_steps=surface.path_steps,
                variance_share=surface.variance_share,
                direction_shares=surface.direction_shares,
                surface_rows=surface.rows,
            )
        )
