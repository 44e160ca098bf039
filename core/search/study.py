"""The search itself, on Optuna: a study (in memory, SQLite, any RDB URL, or a journal file),
its TPE sampler and median pruner, and trials trained one after another by the engine.

Trials are asked for and told one at a time (Optuna's ask-and-tell), not run by
`study.optimize`: a stop between two batches ends the trial being trained as failed and keeps
every finished one, and several processes on one storage each ask for their own trials.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

import optuna
from optuna.trial import FrozenTrial, Trial
from optuna.trial import TrialState as OptunaState

from core.control import TrainingControl
from core.dataset import PreparedData
from core.errors import SpecError, describe_error
from core.events import Callback, EpochEnded, TrainStarted
from core.search.results import SearchSummary, TrialResult, TrialState
from core.search.settings import trial_settings
from core.search.space import SearchPlan, SearchSpace, journal_file
from core.search.stop import SearchStop
from core.spec import NetworkSpec, TrainConfig, from_json, to_json
from core.text import plural
from core.trainer import Trainer


def open_study(
    storage: str | None,
    name: str,
    plan: SearchPlan,
    memory: optuna.storages.BaseStorage | None = None,
) -> optuna.Study:
    """The study `name` in `storage`, created when it is not there yet. None: in `memory` (one
    that a process keeps, to go on with its studies), else in a new in-memory storage."""
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    # One process alone: the sampler is seeded, so a search is repeatable. Several processes on
    # one storage must not all draw the same first settings: their samplers are not seeded.
    sampler = optuna.samplers.TPESampler(
        seed=plan.seed if storage is None else None,
        n_startup_trials=min(10, max(2, plan.trials // 3)),
    )
    pruner = optuna.pruners.MedianPruner(
        n_startup_trials=3, n_warmup_steps=max(1, plan.epochs // 5)
    )
    study = _create(storage, name, plan, sampler, pruner, memory)
    if study.direction.name.lower() != plan.direction:
        raise SpecError(
            f"study {name!r} in {storage} was made to {study.direction.name.lower()} its score, "
            f"but {plan.metric} is to {plan.direction}; choose the study's metric or another --study"
        )
    return study


# Processes started together on a new database race to create its tables; the loser retries.
CREATE_ATTEMPTS = 5
RACES = ("IntegrityError", "OperationalError", "DuplicatedStudyError")


def _create(
    storage: str | None,
    name: str,
    plan: SearchPlan,
    sampler: optuna.samplers.BaseSampler,
    pruner: optuna.pruners.BasePruner,
    memory: optuna.storages.BaseStorage | None = None,
) -> optuna.Study:
    for attempt in range(1, CREATE_ATTEMPTS + 1):
        try:
            return optuna.create_study(
                storage=memory if storage is None else _storage(storage),
                study_name=name,
                direction=plan.direction,
                sampler=sampler,
                pruner=pruner,
                load_if_exists=True,
            )
        except SpecError:
            raise
        except Exception as exc:  # a URL the database drivers cannot use, a server not there
            if type(exc).__name__ in RACES and attempt < CREATE_ATTEMPTS:
                time.sleep(0.2 * attempt * (1 + random.random()))
                continue
            # SQLAlchemy adds a line with a link ("Background on this error at ..."): one line.
            reason = describe_error(getattr(exc, "orig", None) or exc).splitlines()[0]
            raise SpecError(f"cannot open the study storage {storage}: {reason}") from None
    raise AssertionError("unreachable")


def memory_storage() -> optuna.storages.BaseStorage:
    """A storage in this process's memory, for its searches to go on with one study."""
    return optuna.storages.InMemoryStorage()


def _storage(url: str) -> Any:
    journal = journal_file(url)
    if journal is not None:
        from optuna.storages.journal import JournalFileBackend, JournalStorage

        return JournalStorage(JournalFileBackend(journal))
    kwargs: dict[str, Any] = {}
    if url.startswith("sqlite"):
        # Several processes on one SQLite file wait for its lock instead of failing at once.
        kwargs["connect_args"] = {"timeout": 60}
    return optuna.storages.RDBStorage(url, engine_kwargs=kwargs)


def suggest(trial: Trial, space: SearchSpace) -> dict[str, float | int | str]:
    """Ask the sampler for one value of each varied setting."""
    params: dict[str, float | int | str] = {}
    lr = space.learning_rate
    if lr is not None:
        params["learning_rate"] = trial.suggest_float("learning_rate", lr.low, lr.high, log=lr.log)
    if space.layers is not None:
        params["layers"] = trial.suggest_int("layers", space.layers.low, space.layers.high)
    if space.units is not None:
        u = space.units
        count = int(params.get("layers", 1)) if space.layers is not None else 1
        for i in range(1, count + 1):
            params[f"units_{i}"] = trial.suggest_int(f"units_{i}", u.low, u.high, log=u.log)
    if space.activations:
        params["activation"] = trial.suggest_categorical("activation", list(space.activations))
    if space.batch_sizes:
        params["batch_size"] = trial.suggest_categorical("batch_size", list(space.batch_sizes))
    for name in ("weight_decay", "dropout"):
        r = getattr(space, name)
        if r is not None:
            params[name] = trial.suggest_float(name, r.low, r.high, log=r.log)
    return params


# The per-epoch figures each trial keeps (EpochEnded's names; TrialResult's curves).
CURVES = ("val_loss", "val_metric", "train_loss", "train_metric")


class _TrialWatch(Callback):
    """Reports each epoch's score to Optuna, stops the trial when the pruner says so, and keeps
    the trial's curves."""

    def __init__(
        self, trial: Trial, metric: str, control: TrainingControl, stop: SearchStop
    ) -> None:
        self.trial, self.metric, self.control, self.stop = trial, metric, control, stop
        self.pruned = False
        self.curves: dict[str, list[float]] = {name: [] for name in CURVES}

    def on_train_start(self, event: TrainStarted) -> None:
        # fit() clears a stop asked for before it started: asked again here.
        if self.stop.requested:
            self.control.stop()

    def on_train_epoch_end(self, event: EpochEnded) -> None:
        for name, values in self.curves.items():
            values.append(getattr(event, name))
        value = getattr(event, self.metric)  # the plan's metric is named as EpochEnded names it
        if math.isfinite(value):
            self.trial.report(value, event.epoch)
            if self.trial.should_prune():
                self.pruned = True
                self.control.stop()

    @property
    def score(self) -> float:
        curve = self.curves[self.metric]
        return curve[-1] if curve else math.nan


def run_search(
    plan: SearchPlan,
    network: NetworkSpec,
    config: TrainConfig,
    data: PreparedData,
    study: optuna.Study,
    on_trial: Callable[[TrialResult, TrialResult | None], None] = lambda r, b: None,
    stop: SearchStop | None = None,
    callbacks: Sequence[Callback] = (),
) -> SearchSummary:
    """Train `plan.trials` trials of the base settings with the sampler's values, one after
    another, until done, stopped or out of time; `on_trial(result, best)` after each."""
    plan.validate()
    if len(data.val) == 0:
        raise SpecError(
            "a search scores each trial on the validation rows, and there are none; "
            "give validation a share of the data"
        )
    stop = stop or SearchStop()
    started = time.monotonic()
    counts = {"complete": 0, "pruned": 0, "failed": 0}
    reason = f"{plural(plan.trials, 'trial', 'trials')} done"
    for _ in range(plan.trials):
        if stop.requested:
            reason = "stopped"
            break
        if plan.timeout and time.monotonic() - started >= plan.timeout:
            reason = f"the time budget of {plan.timeout:g} s is used"
            break
        result = _run_trial(study, plan, network, config, data, stop, callbacks)
        if result.state == "stopped":
            reason = "stopped"
            break
        counts[result.state] += 1
        on_trial(result, best_result(study))
    return SearchSummary(
        reason, counts["complete"], counts["pruned"], counts["failed"], best_result(study),
        time.monotonic() - started, plan.metric,
    )  # fmt: skip


def _run_trial(
    study: optuna.Study,
    plan: SearchPlan,
    base_network: NetworkSpec,
    base_config: TrainConfig,
    data: PreparedData,
    stop: SearchStop,
    callbacks: Sequence[Callback],
) -> TrialResult:
    trial = study.ask()
    params = suggest(trial, plan.space)
    network, config = trial_settings(
        params, base_network, replace(base_config, seed=plan.seed), plan.epochs
    )
    control = stop.trial_control()
    watch = _TrialWatch(trial, plan.metric, control, stop)
    started = time.monotonic()
    state: TrialState
    reason = ""
    epochs = 0
    try:
        trainer = Trainer(network, data, config, [watch, *callbacks], control)
        outcome = trainer.fit()
        epochs, reason = outcome.epochs, outcome.reason
        if watch.pruned:
            state = "pruned"
        elif stop.requested and outcome.outcome == "stopped":
            state = "stopped"
        elif outcome.outcome == "failed" or not math.isfinite(watch.score):
            state = "failed"
        else:
            state = "complete"
    except Exception as exc:  # settings the data cannot take (a network too large): one trial
        state, reason = "failed", describe_error(exc)
    seconds = time.monotonic() - started
    score = watch.score if state in ("complete", "pruned") else None
    trial.set_user_attr("network", to_json(network))
    trial.set_user_attr("config", to_json(config))
    trial.set_user_attr("seconds", round(seconds, 3))
    for name, values in watch.curves.items():
        trial.set_user_attr(name, _nulls(values))
    if state == "complete":
        study.tell(trial, score)
    elif state == "pruned":
        study.tell(trial, state=OptunaState.PRUNED)
    else:
        trial.set_user_attr("reason", reason)
        study.tell(trial, state=OptunaState.FAIL)
    return TrialResult(
        number=trial.number,
        state=state,
        score=score,
        params=tuple(params.items()),
        network=network,
        config=config,
        epochs=epochs,
        seconds=seconds,
        reason=reason,
        **{name: tuple(values) for name, values in watch.curves.items()},
    )


def best_result(study: optuna.Study) -> TrialResult | None:
    """The study's best finished trial (from any process on its storage), or None yet."""
    try:
        best = study.best_trial
    except ValueError:  # no finished trial yet
        return None
    return trial_result(best)


def trial_result(trial: FrozenTrial) -> TrialResult:
    """A stored trial as plain data; its settings are the ones its process trained."""
    attrs = trial.user_attrs
    states = {OptunaState.COMPLETE: "complete", OptunaState.PRUNED: "pruned"}
    state: TrialState = states.get(trial.state, "failed")  # type: ignore[assignment]
    score = trial.value
    if state == "pruned" and trial.intermediate_values:
        score = trial.intermediate_values[max(trial.intermediate_values)]
    return TrialResult(
        number=trial.number,
        state=state,
        score=score,
        params=tuple(trial.params.items()),
        network=from_json(NetworkSpec, attrs.get("network", {}), "the trial's network"),
        config=from_json(TrainConfig, attrs.get("config", {}), "the trial's settings"),
        epochs=len(attrs.get("val_loss", [])),
        seconds=float(attrs.get("seconds", 0.0)),
        reason=str(attrs.get("reason", "")),
        **{name: _nans(attrs.get(name, [])) for name in CURVES},
    )


# The earlier trials a window is sent when a search goes on with a study: the latest this many.
MAX_EARLIER = 2000


def earlier_results(study: optuna.Study) -> tuple[TrialResult, ...]:
    """The trials that ended in `study` before now (any process's), oldest first."""
    ended = (OptunaState.COMPLETE, OptunaState.PRUNED, OptunaState.FAIL)
    trials = study.get_trials(deepcopy=False, states=ended)[-MAX_EARLIER:]
    return tuple(trial_result(t) for t in trials)


def use_best(study: optuna.Study) -> tuple[NetworkSpec, TrainConfig]:
    """The best trial's settings, to train again or to put in the builder."""
    best = best_result(study)
    if best is None:
        raise SpecError(f"study {study.study_name!r} has no finished trial yet")
    return best.network, best.config


def _nulls(values: list[float]) -> list[float | None]:
    # Optuna stores user attributes as JSON, which has no NaN.
    return [v if math.isfinite(v) else None for v in values]


def _nans(values: list[Any]) -> tuple[float, ...]:
    return tuple(math.nan if v is None else float(v) for v in values)
