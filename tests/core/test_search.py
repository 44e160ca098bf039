"""Settings search: ranges checked in words, a trial's settings built from its values, and a
small Optuna search on iris that does at least as well as the default settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.columns import auto_data_spec
from core.data_spec import CsvSource
from core.dataset import load_frame, prepare_data
from core.errors import SpecError
from core.events import Callback, EpochEnded
from core.search.settings import chosen_settings, trial_settings
from core.search.space import FloatRange, IntRange, SearchPlan, SearchSpace
from core.spec import LayerSpec, NetworkSpec, TrainConfig

IRIS = Path(__file__).resolve().parents[2] / "resources" / "data" / "iris.csv"


def iris_data():
    source = CsvSource(str(IRIS))
    frame = load_frame(source)
    return prepare_data(auto_data_spec(frame, source, "species", seed=0), frame)


@pytest.mark.parametrize(
    ("space", "words"),
    [
        (
            SearchSpace(learning_rate=FloatRange(0.1, 0.001, log=True)),
            "runs from 0.1 down to 0.001",
        ),
        (
            SearchSpace(learning_rate=FloatRange(0.0, 0.1, log=True)),
            "log scale needs a low end above 0",
        ),
        (SearchSpace(layers=IntRange(0, 3)), "number of layers must be from 1 to 10"),
        (SearchSpace(units=IntRange(8, 4)), "units per layer range runs from 8 down to 4"),
        (SearchSpace(dropout=FloatRange(0.2, 1.0)), "dropout must stay below 1"),
        (SearchSpace(weight_decay=FloatRange(-1.0, 0.1)), "weight decay (L2) cannot be below 0"),
        (SearchSpace(activations=("relu", "swish2")), "unknown activation 'swish2'"),
        (SearchSpace(batch_sizes=(32, -1)), "batch sizes must be from 0"),
    ],
)
def test_bad_ranges_are_said_in_words(space: SearchSpace, words: str) -> None:
    with pytest.raises(SpecError, match="invalid search") as err:
        SearchPlan(space=space).validate()
    assert words in str(err.value)


def test_bad_budget_is_said_in_words() -> None:
    problems = SearchPlan(trials=0, epochs=0, timeout=-1).problems()
    assert any("number of trials must be from 1" in p for p in problems)
    assert any("epochs per trial must be from 1" in p for p in problems)
    assert any("time budget" in p for p in problems)
    assert SearchPlan().problems() == []


def test_a_trials_values_replace_only_what_was_varied() -> None:
    base_net = NetworkSpec((LayerSpec(units=5, activation="elu"), LayerSpec(kind="batch_norm")))
    base = TrainConfig(learning_rate=0.5, batch_size=7, epochs=99, early_stopping=4)
    params = {"learning_rate": 0.01, "layers": 2, "units_1": 16, "units_2": 4, "dropout": 0.25}
    network, config = chosen_settings(params, base_net, base)
    assert [(la.kind, la.units, la.activation) for la in network.layers if la.kind == "dense"] == [
        ("dense", 16, "elu"),
        ("dense", 4, "elu"),
    ]
    assert [la.p for la in network.layers if la.kind == "dropout"] == [0.25, 0.25]
    assert (config.learning_rate, config.batch_size, config.epochs) == (0.01, 7, 99)
    assert config.early_stopping == 4
    # What a trial trains: the search's epochs, no early stopping (the pruner decides).
    _, trial = trial_settings(params, base_net, base, epochs=12)
    assert (trial.epochs, trial.early_stopping) == (12, 0)
    # A network the trial does not shape is kept as it is, batch norm and all.
    kept, _ = chosen_settings({"learning_rate": 0.1}, base_net, base)
    assert kept == base_net


@pytest.mark.slow
def test_search_on_iris_does_at_least_as_well_as_the_default() -> None:
    from core.search.study import open_study, run_search, use_best
    from core.trainer import Trainer

    data = iris_data()
    epochs = 15
    # The default network and settings, trained as long as each trial: the score to match.
    trainer = Trainer(NetworkSpec(), data, TrainConfig(epochs=epochs, device="cpu"))
    trainer.fit()
    default_loss = trainer.history.last("val_loss")

    plan = SearchPlan(trials=10, epochs=epochs)
    study = open_study(None, "iris", plan)
    seen = []
    summary = run_search(
        plan, NetworkSpec(), TrainConfig(device="cpu"), data, study, lambda r, b: seen.append(r)
    )
    assert summary.reason == "10 trials done"
    assert [r.number for r in seen] == list(range(10))
    assert summary.complete + summary.pruned + summary.failed == 10
    assert summary.pruned >= 1  # the median pruner stopped some hopeless trial early
    pruned = [r for r in seen if r.state == "pruned"]
    assert all(r.epochs < epochs for r in pruned)
    best = summary.best
    assert best is not None and best.state == "complete"
    print(f"default {default_loss:.4f}, best of the search {best.score:.4f}")
    assert best.score <= default_loss
    assert best.val_loss[-1] == pytest.approx(best.score)
    assert len(best.train_loss) == len(best.val_metric) == best.epochs == epochs
    # Training the best settings again gives the same validation loss (same seed, same split).
    network, config = use_best(study)
    again = Trainer(network, data, config)
    again.fit()
    assert again.history.last("val_loss") == pytest.approx(best.score, rel=1e-4)


@pytest.mark.slow
def test_stop_ends_the_trial_in_training_and_keeps_the_finished_ones(tmp_path: Path) -> None:
    from core.search.stop import SearchStop
    from core.search.study import open_study, run_search, trial_result

    storage = f"sqlite:///{tmp_path / 'study.db'}"
    plan = SearchPlan(trials=50, epochs=2000)  # each trial far too long to finish on its own
    study = open_study(storage, "stopped", plan)
    stop = SearchStop()

    class StopInSecondTrial(Callback):
        def on_train_epoch_end(self, event: EpochEnded) -> None:
            if len(study.get_trials(deepcopy=False)) == 2 and event.epoch == 3:
                stop.stop()  # as Ctrl+C or the dialog's Stop would, from another thread

    # A first trial that finishes (3 epochs; the pruner never judges the first trials).
    short = SearchPlan(trials=1, epochs=3)
    run_search(short, NetworkSpec(), TrainConfig(device="cpu"), iris_data(), study)
    summary = run_search(
        plan, NetworkSpec(), TrainConfig(device="cpu"), iris_data(), study,
        stop=stop, callbacks=[StopInSecondTrial()],
    )  # fmt: skip
    assert summary.reason == "stopped"
    trials = open_study(storage, "stopped", plan).get_trials()
    assert [t.state.name for t in trials] == ["COMPLETE", "FAIL"]
    assert trial_result(trials[0]).epochs == 3
    assert summary.best is not None and summary.best.number == 0


@pytest.mark.slow  # loads Optuna and SQLAlchemy: seconds
def test_a_bad_storage_or_a_metric_against_the_study_is_an_error(tmp_path: Path) -> None:
    from core.search.study import open_study

    with pytest.raises(SpecError, match="not a storage URL"):
        open_study("study.db", "s", SearchPlan())
    with pytest.raises(SpecError, match="cannot open the study storage nosuchdb://x"):
        open_study("nosuchdb://x", "s", SearchPlan())
    storage = f"sqlite:///{tmp_path / 's.db'}"
    open_study(storage, "s", SearchPlan(metric="val_loss"))
    with pytest.raises(SpecError, match="made to minimize"):
        open_study(storage, "s", SearchPlan(metric="val_metric"))


@pytest.mark.slow  # loads Optuna: seconds
def test_a_process_goes_on_with_its_in_memory_study_and_sends_its_earlier_trials() -> None:
    from core.search.study import earlier_results, memory_storage, open_study

    memory = memory_storage()
    first = open_study(None, "s", SearchPlan(), memory)
    for value in (0.5, 0.25):
        first.tell(first.ask(), value)
    first.tell(first.ask(), state=optuna_pruned())
    again = open_study(None, "s", SearchPlan(), memory)
    earlier = earlier_results(again)
    assert [(r.number, r.state, r.score) for r in earlier] == [
        (0, "complete", 0.5), (1, "complete", 0.25), (2, "pruned", None),
    ]  # fmt: skip
    assert again.ask().number == 3  # not a second trial 0
    assert earlier_results(open_study(None, "s", SearchPlan())) == ()  # no memory: a new study


def optuna_pruned():
    from optuna.trial import TrialState

    return TrialState.PRUNED
