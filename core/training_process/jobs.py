"""The jobs the reader thread queues for the service's main thread, besides commands."""

from __future__ import annotations

from core.search.stop import SearchStop
from core.training_process.commands import Command, Search, Step, TakeSnapshot, Train


class StartRun:
    """Main-thread job: start run number `run`, paused after `steps` batches when steps > 0."""

    def __init__(self, run: int, steps: int) -> None:
        self.run, self.steps = run, steps


class ServeModelWork:
    """Main-thread job: wake an idle main thread to serve the model work waiting."""


class RunSearch:
    """Main-thread job: run `command`'s search until done or `stop` is asked for."""

    def __init__(self, command: Search, stop: SearchStop) -> None:
        self.command, self.stop = command, stop


Job = Command | StartRun | ServeModelWork | RunSearch


def command_of(job: Job) -> type[Command]:
    """The command a main-thread job came from, for Failed."""
    if isinstance(job, StartRun):
        return Step if job.steps else Train
    if isinstance(job, RunSearch):
        return Search
    return TakeSnapshot if isinstance(job, ServeModelWork) else type(job)
