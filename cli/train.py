"""`nnplay train`: a network trained on a CSV file, a toy dataset or a saved project, and saved.

What loads pandas (0.3 s: the CSV reader, the dataset) or torch (seconds: training, the model
file) is imported where it is used, after the command line is checked, so that a mistake in it
is reported at once.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import re
import signal
import sys
import tempfile
from pathlib import Path
from typing import Any

from cli.exit_codes import EXIT_TRAINING_FAILED
from cli.parser import build_parser
from cli.progress import ProgressBar
from cli.training_summary import seconds_on_device, summary_text
from core.control import TrainingControl
from core.data_spec import CsvSource, DataSpec, ToySource, split_problems
from core.errors import DataError, SpecError
from core.losses import LOSSES
from core.project_manifest import is_inside
from core.spec import NetworkSpec, TrainConfig
from core.toy import make_toy, toy_target


def train_command(ns: argparse.Namespace) -> int:
    """`nnplay train`: from --data or --toy with the options' settings, or from --project."""
    if ns.project:
        return _train_project(ns)
    from core.columns import auto_data_spec
    from core.dataset import prepare_data

    _check_command_line_rules(ns)
    try:
        hidden = [int(h) for h in ns.hidden.split(",") if h.strip()]
    except ValueError:
        raise SpecError(
            f"--hidden must be comma-separated whole numbers like 64,32, not {ns.hidden!r}"
        ) from None
    config = TrainConfig(
        loss=ns.loss,
        optimizer=ns.optimizer,
        learning_rate=ns.lr,
        weight_decay=ns.weight_decay,
        batch_size=ns.batch_size,
        epochs=ns.epochs,
        early_stopping=ns.early_stopping,
        seed=ns.seed,
        device=ns.device,
    )
    network = NetworkSpec.dense(hidden, ns.activation, ns.dropout)
    # The specs' own checks, said in the command line's words; and before the data is read
    # (torch takes a second or two to import after that), so that a mistake is reported at once.
    _refuse(
        config.problems() + network.problems() + split_problems(ns.val_fraction, ns.test_fraction)
    )
    frame, source, target = _load_training_frame(ns)
    features = [f.strip() for f in ns.features.split(",") if f.strip()] if ns.features else None
    if isinstance(source, ToySource) and features is not None:
        spec = _toy_features_spec(source, tuple(features), ns)
    else:
        spec = auto_data_spec(
            frame,
            source,
            target=target,
            features=features,
            task=ns.task,
            val_fraction=ns.val_fraction,
            test_fraction=ns.test_fraction,
            seed=ns.seed,
        )
    _check_loss(ns.loss, spec.task, target)
    _check_early_stopping(config.early_stopping, spec.val_fraction, "--val-fraction")
    out = _model_out(ns.out, (".nnp",))
    data = prepare_data(spec, frame)
    return _fit_and_save(network, data, config, out, ns.json, frame=frame)


def _toy_features_spec(
    source: ToySource, features: tuple[str, ...], ns: argparse.Namespace
) -> DataSpec:
    """A toy dataset with --features naming its input features (core.input_features: x1_sq,
    sin_x1, ...), computed from x1 and x2 and fed as they are, as the window and TensorFlow
    Playground feed them. Without --features, x1 and x2 are standardised as any CSV column."""
    from core.input_features import input_feature_problems
    from core.toy import toy_data_spec

    problems = input_feature_problems(features)
    if problems:
        raise SpecError("--features with --toy: " + "; ".join(problems))
    toy = dataclasses.replace(source, features=features)
    return toy_data_spec(toy, ns.val_fraction, ns.test_fraction)


def _check_command_line_rules(ns: argparse.Namespace) -> None:
    """What only the command line refuses: options of --toy given with --data, and epochs 0,
    which the engine takes as 'until stopped' but a command has no Stop button for."""
    if ns.data:
        defaults = build_parser().parse_args(["train", "--data", "x", "--out", "x"])
        ignored = [f"--{n}" for n in ("noise", "samples") if getattr(ns, n) != getattr(defaults, n)]
        if ignored:
            raise SpecError(f"{' and '.join(ignored)} applies to --toy datasets only, not --data")
    if ns.epochs < 1:
        raise SpecError(f"--epochs must be at least 1, not {ns.epochs}")


# The engine's words for a setting, and the option that sets it: the specs check the settings,
# the command line names its options in what they find.
_OPTION_WORDS = (
    ("learning rate", "--lr (the learning rate)"),
    ("weight decay", "--weight-decay"),
    ("batch size", "--batch-size"),
    ("early-stopping patience", "--early-stopping"),
    ("validation fraction", "--val-fraction"),
    ("test fraction", "--test-fraction"),
    ("dropout probability", "--dropout"),
    ("a dense layer", "each --hidden layer"),
    ("unknown device", "unknown --device"),
)


def _refuse(problems: list[str]) -> None:
    """Raise the specs' problems, if any, in the words of the options that set what they name."""
    said = []
    for problem in problems:
        # The layers all come from --hidden and --dropout: which one says nothing here.
        problem = re.sub(r"^layer \d+: ", "", problem)
        for words, option in _OPTION_WORDS:
            problem = problem.replace(words, option)
        said.append(problem)
    if said:
        raise SpecError("; ".join(dict.fromkeys(said)))  # each layer's same problem once


def _check_loss(loss: str, task: str, target: str) -> None:
    if loss != "auto" and task not in LOSSES[loss].tasks:
        fitting = [name for name, spec in LOSSES.items() if task in spec.tasks]
        raise SpecError(
            f"--loss {loss} is for {' or '.join(LOSSES[loss].tasks)}, but {target!r} is a "
            f"{task} target; choose --loss auto or one of {', '.join(fitting)}"
        )


def _model_out(path: str, suffixes: tuple[str, ...]) -> Path:
    """--out of `train`, checked before any training time is spent."""
    out = Path(path)
    if out.suffix.lower() not in suffixes:
        raise SpecError(
            f"--out {path}: the trained model is written as a {' or '.join(suffixes)} file; "
            f"name it like {out.with_suffix(suffixes[0]).name}"
        )
    if out.parent and not out.parent.exists():
        raise SpecError(f"cannot write {out}: folder {out.parent} does not exist")
    if out.is_dir():
        raise SpecError(
            f"--out {path} is a folder; name the file to write, like {out / ('model' + suffixes[0])}"
        )
    _check_writable(out)
    return out


def _check_writable(out: Path) -> None:
    """Write and remove a byte beside `out` now: a read-only or full folder is said before the
    training, not after it (when the trained model would be lost)."""
    folder = out.parent if str(out.parent) else Path(".")
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".nnplay-probe-") as probe:
            probe.write(b"\0")
            probe.flush()
            os.fsync(probe.fileno())
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise SpecError(f"cannot write {out}: {reason}") from None


def _check_early_stopping(patience: int, val_fraction: float, where: str) -> None:
    if patience and val_fraction == 0:
        raise SpecError(
            f"early stopping watches the validation loss, but {where} is 0 so there are no "
            "validation rows; give validation a share of the data or turn early stopping off"
        )


def _fit_and_save(
    network: Any,
    data: Any,
    config: Any,
    out: Path,
    as_json: bool,
    project: Any = None,
    frame: Any = None,
) -> int:
    """Train, save the model (or, given a project and a .nnproj path, the trained project) and
    print the summary, with the test rows' scores when the data has a test share (`frame` is
    the table `data` was prepared from)."""
    from core.modelfile import save_model
    from core.workflow import train

    control = TrainingControl()
    bar = ProgressBar(sys.stderr) if sys.stderr.isatty() else None
    # Ctrl+C stops training after the current batch; the model trained so far is still saved.
    previous = signal.signal(signal.SIGINT, lambda *_: control.stop())
    try:
        outcome = train(network, data, config, [bar] if bar else [], control)
    finally:
        signal.signal(signal.SIGINT, previous)
        if bar:
            bar.close()
    if outcome.result.outcome == "failed":
        return _training_failed(outcome, out, as_json)
    if project is not None and out.suffix == ".nnproj":
        from core.project import save_project

        save_project(out, dataclasses.replace(project, model=outcome.model))
    else:
        save_model(outcome.model, out)
    summary = outcome.summary
    if len(data.test.rows) and frame is not None:
        from core.predict import evaluate_frame

        # The rows training never saw: the honest estimate of how the model does on new data.
        test = evaluate_frame(outcome.model, frame.iloc[data.test.rows])
        summary = {**summary, **{f"test_{k}": test[k] for k in _TEST_FIGURES if k in test}}
    if as_json:
        print(json.dumps(summary))
    else:
        print(summary_text(summary, out))
    return 0


def _training_failed(outcome: Any, out: Path, as_json: bool) -> int:
    """A run that diverged (or ran out of memory) saves nothing: its last finite weights are
    rarely worth keeping, and writing them would replace a good model of the same name. It
    exits 1, not 2: the input was valid, the training went wrong."""
    s = outcome.summary
    # The engine keeps the last finite weights in memory (the window shows them); here they
    # are not saved, so the engine's note about keeping them would mislead.
    reason = outcome.result.reason.removesuffix(" (kept the last finite weights)")
    print(
        f"error: training failed after {seconds_on_device(s)}: {reason}; {out} was not written",
        file=sys.stderr,
    )
    if as_json:
        print(json.dumps(s))
    return EXIT_TRAINING_FAILED


_TEST_FIGURES = ("loss", "accuracy", "macro_f1", "r2", "rmse", "mae")

# Options that describe data, network or training: a project brings its own.
_PROJECT_SETTINGS = (
    "target", "features", "task", "noise", "samples", "hidden", "activation", "dropout", "loss",
    "optimizer", "lr", "weight_decay", "batch_size", "epochs", "val_fraction", "test_fraction",
    "early_stopping", "seed",
)  # fmt: skip


def _train_project(ns: argparse.Namespace) -> int:
    """`train --project`: the project's data and settings; only --device may override them."""
    defaults = build_parser().parse_args(["train", "--project", ns.project, "--out", ns.out])
    given = [name for name in _PROJECT_SETTINGS if getattr(ns, name) != getattr(defaults, name)]
    if given:
        flags = ", ".join("--" + name.replace("_", "-") for name in given)
        raise SpecError(
            f"{flags}: with --project the settings come from the project; change them in the "
            "window, or train from --data"
        )
    from core.dataset import load_frame, prepare_data
    from core.project import load_project

    project = load_project(ns.project)
    if project.data is None:
        raise SpecError(f"{Path(ns.project).name} has no data yet; choose a dataset in the window")
    if project.missing_source:
        raise DataError(
            f"the data file of {Path(ns.project).name}, {project.missing_source}, is not there any "
            "more; open the project in the window to find it"
        )
    config = project.config
    if ns.device != defaults.device:
        config = dataclasses.replace(config, device=ns.device)
    config.validate()
    if config.epochs == 0:
        raise SpecError(
            f"{Path(ns.project).name} trains until stopped (epochs 0); set a number of epochs "
            "in the window to train it from the command line"
        )
    _check_early_stopping(config.early_stopping, project.data.val_fraction, "its validation share")
    out = _model_out(ns.out, (".nnp", ".nnproj"))
    try:
        frame = load_frame(project.data.source)
        data = prepare_data(project.data, frame)
    except DataError:
        _refuse_unquoted(Path(ns.project), project.data.source)
        raise
    return _fit_and_save(project.network, data, config, out, ns.json, project, frame)


def _refuse_unquoted(project: Path, source: CsvSource | ToySource) -> None:
    """A project can name any file as its data: when that file lies outside the project's
    folder, its problem is not told, since telling it would quote the file (its column names,
    its values); training from --data names the file on purpose and tells it."""
    if not isinstance(source, CsvSource) or is_inside(Path(source.path), project.parent):
        return
    raise DataError(
        f"the data file of {project.name}, {source.path}, does not fit the project; it lies "
        "outside the project's folder, so what it holds is not shown: train with --data "
        f"{source.path} to see why, or open the project in the window"
    ) from None


def _load_training_frame(ns: argparse.Namespace) -> tuple[Any, CsvSource | ToySource, str]:
    if ns.toy:
        toy = ToySource(name=ns.toy, samples=ns.samples, noise=ns.noise, seed=ns.seed)
        return make_toy(toy), toy, ns.target or toy_target(ns.toy)
    if not ns.target:
        raise SpecError("--target is required with --data: name the column to predict")
    from core.csv_io import read_csv

    frame, fmt = read_csv(CsvSource(path=ns.data))
    for note in fmt.column_notes:  # values read as missing: said, not silently dropped
        print(f"note: {note.text}", file=sys.stderr)
    source = CsvSource(
        path=ns.data, delimiter=fmt.delimiter, encoding=fmt.encoding, decimal=fmt.decimal
    )
    return frame, source, ns.target
