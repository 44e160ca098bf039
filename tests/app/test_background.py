"""The app's one way to run short work off the GUI thread: the latest job of a group wins, a
failure reaches the caller as a sentence, and closing waits for what still runs."""

from __future__ import annotations

import threading

import pytest

from app.background import LatestJobs

WAIT_MS = 5000


@pytest.fixture
def jobs(qtbot):
    jobs = LatestJobs()
    yield jobs
    assert jobs.close(5.0)


def blocked(gate: threading.Event, value: object) -> object:
    gate.wait(5.0)
    return value


def test_a_newer_job_of_a_group_wins_and_the_older_result_is_dropped(qtbot, jobs):
    gate = threading.Event()
    results: list[object] = []
    jobs.submit("load", blocked, gate, "old", done=results.append)
    jobs.submit("load", blocked, gate, "new", done=results.append)
    jobs.submit("other", blocked, gate, "other", done=results.append)
    assert jobs.busy
    gate.set()
    qtbot.waitUntil(lambda: not jobs.busy, timeout=WAIT_MS)
    assert sorted(results) == ["new", "other"]  # "old" may have run; its result never came


def test_a_generator_job_reports_progress_and_stops_at_a_yield_when_superseded(qtbot, jobs):
    gate = threading.Event()
    steps: list[str] = []
    progress: list[str] = []
    jobs.progressed.connect(progress.append)

    def counting(name: str):
        yield f"{name} started"
        gate.wait(5.0)
        steps.append(name)
        yield f"{name} half way"
        steps.append(f"{name} end")
        return name

    results: list[object] = []
    jobs.submit("count", counting, "first", done=results.append)
    qtbot.waitUntil(lambda: progress == ["first started"], timeout=WAIT_MS)
    jobs.submit("count", counting, "second", done=results.append)
    gate.set()
    qtbot.waitUntil(lambda: results == ["second"], timeout=WAIT_MS)
    assert "first end" not in steps  # it stopped at its next yield
    assert progress == ["first started", "second started", "second half way"]


@pytest.mark.parametrize(
    ("error", "sentence"),
    [
        (ValueError("no columns to parse"), "ValueError: no columns to parse"),
        (RuntimeError("boom"), "RuntimeError: boom"),  # superqt alone would drop it silently
        (MemoryError(), "too big"),
    ],
)
def test_a_failure_reaches_the_caller_as_a_sentence(qtbot, error, sentence):
    jobs = LatestJobs(out_of_memory="too big")

    def failing():
        raise error

    messages: list[str] = []
    busy: list[bool] = []
    jobs.busy_changed.connect(busy.append)
    jobs.submit("job", failing, done=pytest.fail, failed=messages.append)
    qtbot.waitUntil(lambda: messages == [sentence], timeout=WAIT_MS)
    assert busy == [True, False]
    assert jobs.close(5.0)


def test_cancel_drops_everything_and_close_waits_for_what_runs(qapp):
    jobs = LatestJobs()
    gate = threading.Event()
    started = threading.Event()
    results: list[object] = []

    def slow():
        started.set()
        gate.wait(0.3)
        return "late"

    jobs.submit("job", slow, done=results.append)
    assert started.wait(5.0)
    jobs.cancel()
    assert not jobs.busy
    assert jobs.close(5.0)  # returns once `slow` has ended
    qapp.processEvents()  # deliver what the worker sent meanwhile: it is dropped
    assert results == []
