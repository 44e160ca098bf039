"""`nnplay search`'s options, and the ranges they give read into a SearchPlan.

Torch- and Optuna-free, like the rest of the parser: `nnplay search --help` answers at once.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any, TypeVar

from core.activations import ACTIVATIONS
from core.errors import SpecError
from core.search.space import FloatRange, IntRange, SearchPlan, SearchSpace
from core.spec import TASKS
from core.toy import TOY_DATASETS

N = TypeVar("N", int, float)

# The base settings of what a search does not vary (a fixed value given for a range option).
BASE_LAYERS, BASE_UNITS = 2, 32


def add_search_parser(sub: Any, formatter: type[argparse.HelpFormatter]) -> None:
    s = sub.add_parser(
        "search",
        help="search the settings (learning rate, layers, units, ...) with Optuna",
        formatter_class=formatter,
        description="Train one trial after another, each with settings Optuna's TPE sampler "
        "picks, stopping the hopeless ones early; several processes on one --storage share "
        "one study. A range option takes LOW:HIGH to vary the setting, or one value to fix it.",
    )
    src = s.add_mutually_exclusive_group(required=True)
    src.add_argument("--data", metavar="FILE.csv", help="CSV file to train on")
    src.add_argument("--toy", choices=list(TOY_DATASETS), help="built-in 2-D dataset")
    s.add_argument("--target", help="column to predict (required with --data)")
    s.add_argument("--features", help="comma-separated feature columns (default: all usable)")
    s.add_argument("--task", choices=["auto", *TASKS], default="auto")
    s.add_argument("--noise", type=float, default=0.1, help="--toy dataset noise, 0 to 1")
    s.add_argument("--samples", type=int, default=500, help="--toy dataset size")
    s.add_argument("--trials", type=int, default=30, help="trials this process runs")
    s.add_argument("--epochs", type=int, default=30, help="epochs each trial trains at most")
    s.add_argument(
        "--timeout", type=float, default=0.0, metavar="S",
        help="start no trial after S seconds; 0: no limit",
    )  # fmt: skip
    s.add_argument(
        "--metric", choices=["loss", "score"], default="loss",
        help="optimise the validation loss, or the validation accuracy (R² for regression)",
    )  # fmt: skip
    s.add_argument(
        "--storage", metavar="URL",
        help="where the study lives: sqlite:///study.db, postgresql://user:pw@host/db or "
        "journal:/shared/study.log (default: in memory, this process alone)",
    )  # fmt: skip
    s.add_argument("--study", default="nnplay-search", metavar="NAME", help="the study's name")
    s.add_argument("--lr", default="0.0001:0.1", help="learning rate range (log scale)")
    s.add_argument("--layers", default="1:3", help="number of hidden layers")
    s.add_argument("--units", default="4:64", help="units of each hidden layer (log scale)")
    s.add_argument("--activation", default="relu,tanh", help="activations to try")
    s.add_argument("--batch-size", default="16,32,64", help="batch sizes to try (0: full batch)")
    s.add_argument(
        "--weight-decay", default="0", help="L2 range (log scale when it starts above 0)"
    )
    s.add_argument("--dropout", default="0", help="dropout range, 0 to below 1")
    s.add_argument("--optimizer", default="adam", help="update rule of every trial")
    s.add_argument("--loss", default="auto")
    s.add_argument("--val-fraction", type=float, default=0.2, help="rows the trials are scored on")
    s.add_argument("--test-fraction", type=float, default=0.2, help="rows no trial sees")
    s.add_argument("--seed", type=int, default=0, help="seed of the split and the weights")
    s.add_argument("--device", default="auto", help="auto, cpu, cuda, cuda:N or mps")
    s.add_argument("--json", action="store_true", help="print a JSON summary as the last line")


def search_plan(ns: argparse.Namespace) -> tuple[SearchPlan, dict[str, Any]]:
    """The plan the options describe, and the fixed values of what it does not vary."""
    fixed: dict[str, Any] = {}
    lr = _range(ns.lr, "--lr", float, fixed, "learning_rate", log=True)
    layers = _range(ns.layers, "--layers", int, fixed, "layers")
    units = _range(ns.units, "--units", int, fixed, "units", log=True)
    decay = _range(ns.weight_decay, "--weight-decay", float, fixed, "weight_decay", log=None)
    dropout = _range(ns.dropout, "--dropout", float, fixed, "dropout")
    activations = _choices(ns.activation, "--activation", str)
    batches = _choices(ns.batch_size, "--batch-size", int)
    unknown = [a for a in activations if a not in ACTIVATIONS]
    if unknown:
        raise SpecError(
            f"--activation {unknown[0]!r} is unknown; choose from {', '.join(ACTIVATIONS)}"
        )
    for name, values in (("activation", activations), ("batch_size", batches)):
        if len(values) == 1:
            fixed[name] = values[0]
    space = SearchSpace(
        learning_rate=lr,  # type: ignore[arg-type]
        layers=layers,  # type: ignore[arg-type]
        units=units,  # type: ignore[arg-type]
        activations=tuple(activations) if len(activations) > 1 else (),
        batch_sizes=tuple(batches) if len(batches) > 1 else (),
        weight_decay=decay,  # type: ignore[arg-type]
        dropout=dropout,  # type: ignore[arg-type]
    )
    plan = SearchPlan(
        space=space,
        metric="val_loss" if ns.metric == "loss" else "val_metric",
        trials=ns.trials,
        epochs=ns.epochs,
        timeout=ns.timeout,
        seed=ns.seed,
    )
    return plan.validate(), fixed


def _number(text: str, option: str, kind: Callable[[str], N]) -> N:
    try:
        return kind(text.strip())
    except ValueError:
        what = "a whole number" if kind is int else "a number"
        raise SpecError(f"{option}: expected {what}, not {text.strip()!r}") from None


def _range(
    text: str,
    option: str,
    kind: Callable[[str], N],
    fixed: dict[str, Any],
    name: str,
    log: bool | None = False,
) -> FloatRange | IntRange | None:
    """LOW:HIGH as a range (None for `log`: log scale when LOW is above 0); one value is fixed."""
    if ":" not in text:
        fixed[name] = _number(text, option, kind)
        return None
    low_text, _, high_text = text.partition(":")
    low, high = _number(low_text, option, kind), _number(high_text, option, kind)
    scale = low > 0 if log is None else log
    if kind is int:
        return IntRange(int(low), int(high), scale)
    return FloatRange(float(low), float(high), scale)


def _choices(text: str, option: str, kind: Callable[[str], Any]) -> list[Any]:
    values = [v.strip() for v in text.split(",") if v.strip()]
    if not values:
        raise SpecError(f"{option} needs at least one value")
    return values if kind is str else [_number(v, option, int) for v in values]
