"""The training process's settings search: trials one after another on the main thread.

The reader thread queues a search (`queued`) and stops it (`stop`, with any Stop); the main
thread runs it (`run`), answering model work between two trials so the window is never kept
waiting a whole search for a snapshot or a save.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

import pandas as pd

from core.data_spec import CsvSource, ToySource
from core.dataset import prepare_data
from core.errors import describe_error
from core.search.results import TrialResult
from core.search.stop import SearchStop
from core.training_process.commands import Search
from core.training_process.jobs import RunSearch
from core.training_process.messages import Failed, SearchEnded, SearchStarted, SearchTrialEnded
from core.training_process.outbox import Outbox

if TYPE_CHECKING:  # Optuna loads with the first search
    from optuna.storages import BaseStorage


class SearchWork:
    """At most one search at a time; a new one stops the one before."""

    def __init__(self, outbox: Outbox, serve: Callable[[], None]) -> None:
        self.outbox = outbox
        self._serve = serve
        self._lock = threading.Lock()
        self._stop: SearchStop | None = None
        # An unsaved project's studies, kept while the process lives: a search goes on with one.
        self._memory: BaseStorage | None = None

    def queued(self, command: Search) -> RunSearch:
        """On the reader thread: the job that runs `command`, which `stop()` will reach."""
        with self._lock:
            if self._stop is not None:
                self._stop.stop()
            self._stop = SearchStop()
            return RunSearch(command, self._stop)

    def stop(self) -> None:
        with self._lock:
            if self._stop is not None:
                self._stop.stop()

    def run(self, job: RunSearch, load: Callable[[CsvSource | ToySource], pd.DataFrame]) -> None:
        """On the main thread: the whole search; its trials and its end are sent as they come."""
        from core.search.study import earlier_results, memory_storage, open_study, run_search

        command = job.command
        done = 0

        def trial_ended(result: TrialResult, best: TrialResult | None) -> None:
            nonlocal done
            done += 1
            self.outbox.send(SearchTrialEnded(result, best, done))
            self._serve()

        try:
            data = prepare_data(command.data, load(command.data.source))
            if self._memory is None:
                self._memory = memory_storage()
            study = open_study(command.storage, command.study, command.plan, self._memory)
            self.outbox.send(SearchStarted(command.study, earlier_results(study)))
            summary = run_search(
                command.plan, command.network, command.config, data, study, trial_ended, job.stop
            )
        except Exception as exc:
            self.outbox.send(Failed(describe_error(exc), Search), SearchEnded(None))
            return
        self.outbox.send(SearchEnded(summary))
