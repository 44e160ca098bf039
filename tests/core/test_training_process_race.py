"""The optimizer race in the training process, on the spiral and on a CSV: progress as steps come
in, then the surface; Stop and a new design end a race."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from core.columns import auto_data_spec
from core.data_spec import CsvSource, ToySource
from core.dataset import load_frame
from core.race_spec import DEFAULT_RACE
from core.spec import TrainConfig
from core.training_process.client import TrainingProcess
from core.training_process.commands import Configure, RaceOptimizers, StopRace
from core.training_process.messages import (
    Configured,
    Failed,
    Message,
    RaceFinished,
    RaceProgress,
    Ready,
)
from core.workflow import dense_network

DATA = Path(__file__).resolve().parents[2] / "resources" / "data"
TIMEOUT = 90.0


class Inbox:
    def __init__(self, remote: TrainingProcess) -> None:
        self.remote = remote
        self.messages: list[Message] = []

    def wait(self, kind: type, race: int | None = None) -> Message:
        deadline = time.monotonic() + TIMEOUT
        seen = 0
        while time.monotonic() < deadline:
            for m in self.messages[seen:]:
                if isinstance(m, Failed):
                    raise AssertionError(m.message)
                if isinstance(m, kind) and (race is None or getattr(m, "race", None) == race):
                    return m
            seen = len(self.messages)
            self.messages += self.remote.poll(0.05)
        raise AssertionError(f"no {kind.__name__}; last: {self.messages[-3:]}")


@pytest.fixture(scope="module")
def inbox() -> Iterator[Inbox]:
    remote = TrainingProcess()
    remote.start()
    box = Inbox(remote)
    box.wait(Ready)
    yield box
    remote.close()


def configure(inbox: Inbox, source: ToySource | CsvSource, target: str) -> None:
    spec = auto_data_spec(load_frame(source), source, target)
    network = dense_network([12, 12], activation="relu")
    inbox.messages.clear()
    inbox.remote.send(Configure(spec, network, TrainConfig(device="cpu", batch_size=16)))
    inbox.wait(Configured)


@pytest.mark.parametrize(
    ("source", "target"),
    [
        (ToySource("spiral", samples=400, noise=0.1), "label"),
        (CsvSource(str(DATA / "iris.csv")), "species"),
    ],
    ids=["spiral", "iris"],
)
def test_the_race_runs_from_one_start_and_draws_the_surface(
    inbox: Inbox, source: ToySource | CsvSource, target: str
) -> None:
    configure(inbox, source, target)
    inbox.remote.send(RaceOptimizers(1, DEFAULT_RACE, 400))
    finished = inbox.wait(RaceFinished, race=1)
    assert isinstance(finished, RaceFinished) and finished.outcome == "finished"
    progress = [m for m in inbox.messages if isinstance(m, RaceProgress) and m.race == 1]
    assert len(progress) >= 2 and progress[-1].step == 400  # the paths grew as steps came in
    assert [r.name for r in finished.records] == [e.name for e in DEFAULT_RACE]
    assert all(len(r.losses) == 400 for r in finished.records)
    adam = finished.records[-1].losses
    assert adam[-50:].mean() < 0.85 * adam[:10].mean()  # the spiral is slow to learn
    assert all(np.array_equal(p[0], [0, 0]) for p in finished.paths)
    assert finished.surface is not None and np.isfinite(finished.surface).all()
    assert 0 <= finished.variance_share <= 1
    assert 0 < finished.surface_rows <= 2000


def test_stop_race_and_a_new_design_end_a_race(inbox: Inbox) -> None:
    source = ToySource("spiral", samples=400, noise=0.1)
    configure(inbox, source, "label")
    inbox.remote.send(RaceOptimizers(2, DEFAULT_RACE, 20_000))
    inbox.wait(RaceProgress, race=2)
    inbox.remote.send(StopRace())
    stopped = inbox.wait(RaceFinished, race=2)
    assert isinstance(stopped, RaceFinished)
    assert stopped.outcome == "stopped" and stopped.surface is None
    assert 0 < len(stopped.records[0].losses) < 20_000
    inbox.remote.send(RaceOptimizers(3, DEFAULT_RACE, 20_000))
    inbox.wait(RaceProgress, race=3)
    configure(inbox, source, "label")  # the user edited the design: the race is not finished
    ended = [m for m in inbox.messages if isinstance(m, RaceFinished) and m.race == 3]
    assert ended and ended[0].outcome == "stopped"
