"""`nnplay search`: a settings search on Optuna, headless; one process of many on one storage.

Optuna, pandas and torch load only after the command line is checked, so a bad range is said
at once. Ctrl+C ends the trial being trained (told to the study as failed) and keeps every
finished trial; the summary is printed and the exit code is 0, as after `train`'s Ctrl+C.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
from typing import Any

from cli.search_parser import BASE_LAYERS, BASE_UNITS, search_plan
from core.errors import SpecError
from core.search.results import SearchSummary, TrialResult
from core.search.settings import describe_params
from core.search.space import SearchPlan, journal_file
from core.spec import NetworkSpec, TrainConfig, to_json


def search_command(ns: argparse.Namespace) -> int:
    """`nnplay search`: train trials until --trials are done, --timeout passes or Ctrl+C."""
    from cli.train import _check_loss, _load_training_frame, _refuse
    from core.data_spec import split_problems

    plan, fixed = search_plan(ns)
    network = NetworkSpec.dense(
        [fixed.get("units", BASE_UNITS)] * fixed.get("layers", BASE_LAYERS),
        fixed.get("activation", "relu"),
        fixed.get("dropout", 0.0),
    )
    config = TrainConfig(
        loss=ns.loss,
        optimizer=ns.optimizer,
        learning_rate=fixed.get("learning_rate", 0.001),
        weight_decay=fixed.get("weight_decay", 0.0),
        batch_size=fixed.get("batch_size", 32),
        epochs=plan.epochs,
        seed=ns.seed,
        device=ns.device,
    )
    _refuse(
        config.problems() + network.problems() + split_problems(ns.val_fraction, ns.test_fraction)
    )
    if ns.val_fraction == 0:
        raise SpecError("--val-fraction 0 leaves no rows to score the trials on")
    if ns.storage is not None:
        journal_file(ns.storage)  # its shape, before Optuna loads
    if ns.storage is None and ns.study != "nnplay-search":
        raise SpecError("--study names a study in a --storage; give --storage too")
    from core.columns import auto_data_spec
    from core.dataset import prepare_data
    from core.search.stop import SearchStop
    from core.search.study import open_study, run_search

    frame, source, target = _load_training_frame(ns)
    features = [f.strip() for f in ns.features.split(",") if f.strip()] if ns.features else None
    spec = auto_data_spec(
        frame, source, target=target, features=features, task=ns.task,
        val_fraction=ns.val_fraction, test_fraction=ns.test_fraction, seed=ns.seed,
    )  # fmt: skip
    _check_loss(ns.loss, spec.task, target)
    data = prepare_data(spec, frame)
    study = open_study(ns.storage, ns.study, plan)
    stop = SearchStop()
    previous = signal.signal(signal.SIGINT, lambda *_: stop.stop())
    try:
        summary = run_search(plan, network, config, data, study, _print_trial(plan), stop)
    finally:
        signal.signal(signal.SIGINT, previous)
    in_study = len(study.get_trials(deepcopy=False))
    if ns.json:
        print(json.dumps(_summary_json(summary, plan, ns, in_study)))
    else:
        print(_summary_text(summary, plan, ns, in_study))
    return 0


def _print_trial(plan: SearchPlan) -> Any:
    def show(result: TrialResult, best: TrialResult | None) -> None:
        score = "" if result.score is None else f" {plan.metric} {result.score:.4g}"
        how = {
            "complete": "done",
            "pruned": f"pruned after epoch {result.epochs}",
            "failed": f"failed ({result.reason})",
        }.get(result.state, result.state)
        best_text = "" if best is None else f"; best {best.score:.4g} (trial {best.number})"
        print(
            f"trial {result.number}: {how}{score}{best_text}; {describe_params(dict(result.params))}"
            f" ({result.seconds:.1f} s)",
            file=sys.stderr,
            flush=True,
        )

    return show


def _summary_text(s: SearchSummary, plan: SearchPlan, ns: argparse.Namespace, total: int) -> str:
    where = f"study {ns.study!r} in {ns.storage}" if ns.storage else "an in-memory study"
    lines = [
        f"{s.reason}: {s.complete} complete, {s.pruned} pruned, {s.failed} failed here in "
        f"{s.seconds:.1f} s; {total} trials in {where}"
    ]
    if s.best is None:
        lines.append("no trial has finished yet")
    else:
        b = s.best
        lines.append(f"best: trial {b.number}, {plan.metric} {b.score:.4g}")
        lines.append(f"settings: {describe_params(dict(b.params))}")
    return "\n".join(lines)


def _summary_json(
    s: SearchSummary, plan: SearchPlan, ns: argparse.Namespace, total: int
) -> dict[str, Any]:
    best = s.best
    return {
        "study": ns.study,
        "storage": ns.storage,
        "metric": plan.metric,
        "direction": plan.direction,
        "reason": s.reason,
        "complete": s.complete,
        "pruned": s.pruned,
        "failed": s.failed,
        "seconds": round(s.seconds, 3),
        "study_trials": total,
        "best": None
        if best is None
        else {
            "number": best.number,
            "score": best.score,
            "params": dict(best.params),
            "network": to_json(best.network),
            "config": to_json(best.config),
        },
    }
