"""`nnplay`: the command line. Alone it opens the window; its subcommands run the engine headless.

Bad input of any kind ends with exit code 2 and one `error: ...` line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import re
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cli.model_report import model_report
from cli.progress import ProgressBar
from core.activations import ACTIVATIONS
from core.control import TrainingControl
from core.data_spec import CsvSource, ToySource, split_problems
from core.errors import DataError, NNPlayError, SpecError
from core.export_formats import EXPORT_FORMATS, check_export, format_for
from core.losses import LOSSES
from core.optimizers import OPTIMIZERS
from core.spec import TASKS, NetworkSpec, TrainConfig
from core.toy import TOY_DATASETS, make_toy, toy_target

# The modules above are the torch-free part of core/ and load no pandas: `nnplay --help` needs
# them for its choices and answers at once. What loads pandas (0.3 s: the CSV reader, the
# dataset) or torch (seconds: model files, training, export) is imported in the command that
# uses it, after the command line is checked; the window (Qt) only when it opens.

EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 1
EXIT_TRAINING_FAILED = 1  # valid input, but training diverged: scripts must notice


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        from app.main import main as open_window

        return open_window(sys.argv[:1] or ["nnplay"])
    parser = build_parser()
    ns = parser.parse_args(args)
    try:
        return int(ns.run(ns) or 0)
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:
        if isinstance(exc, NNPlayError):
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_BAD_INPUT
        if isinstance(exc, OSError):
            where = f"{exc.filename}: " if exc.filename else ""
            print(f"error: {where}{exc.strerror or exc}", file=sys.stderr)
            return EXIT_BAD_INPUT
        print(
            f"error: internal error ({type(exc).__name__}: {exc}); please report it",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # One line that names the option, not the whole usage: the usage is what --help is for.
        self.exit(
            EXIT_BAD_INPUT, f"error: {message}\nrun '{self.prog} --help' to see the options\n"
        )


class _ShowDefaults(argparse.HelpFormatter):
    """Help that ends each option with its default, unless it has none or says it already."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        # `is`, not `in`: 0 == False, and a default of 0 is worth showing.
        unset = any(action.default is v for v in (None, False, argparse.SUPPRESS))
        if unset or "default" in text:
            return text
        return f"{text} (default: %(default)s)".strip()


def _number(text: str) -> float:
    """A finite number: `inf` and `nan` parse as floats but are no setting."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, not {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be a finite number, not {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="nnplay", description="NN Playground: train, evaluate and use neural networks."
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    t = sub.add_parser(
        "train",
        help="train a network on a CSV file or a toy dataset",
        formatter_class=_ShowDefaults,
    )
    src = t.add_mutually_exclusive_group(required=True)
    src.add_argument("--data", metavar="FILE.csv", help="CSV file to train on")
    src.add_argument("--toy", choices=list(TOY_DATASETS), help="built-in 2-D dataset")
    src.add_argument(
        "--project",
        metavar="FILE.nnproj",
        help="a saved project: its data, network and training settings (--out may be a .nnproj)",
    )
    t.add_argument("--target", help="column to predict (required with --data)")
    t.add_argument("--features", help="comma-separated feature columns (default: all usable)")
    t.add_argument(
        "--task",
        choices=["auto", *TASKS],
        default="auto",
        help="auto: classification for a text or few-valued target",
    )
    t.add_argument("--noise", type=_number, default=0.1, help="--toy dataset noise, 0 to 1")
    t.add_argument("--samples", type=int, default=500, help="--toy dataset size")
    t.add_argument(
        "--hidden", default="64,32", help="hidden layer widths, e.g. 64,32 ('' for none)"
    )
    t.add_argument(
        "--activation", default="relu", choices=list(ACTIVATIONS), help="of every hidden layer"
    )
    t.add_argument(
        "--dropout", type=_number, default=0.0, help="share of units dropped in training, 0 to 1"
    )
    t.add_argument("--loss", default="auto", choices=["auto", *LOSSES], help="auto: fits the task")
    t.add_argument("--optimizer", default="adam", choices=list(OPTIMIZERS), help="update rule")
    t.add_argument("--lr", type=_number, default=0.001, help="learning rate")
    t.add_argument("--weight-decay", type=_number, default=0.0, help="pulls the weights toward 0")
    t.add_argument("--batch-size", type=int, default=32, help="rows per step; 0 for full batch")
    t.add_argument("--epochs", type=int, default=100, help="passes over the training rows")
    t.add_argument(
        "--val-fraction", type=_number, default=0.2, help="share of rows held out for validation"
    )
    t.add_argument(
        "--test-fraction",
        type=_number,
        default=0.2,
        help="share of rows held out for the final test score",
    )
    t.add_argument(
        "--early-stopping",
        type=int,
        default=0,
        metavar="PATIENCE",
        help="stop after this many epochs without a better validation loss; 0: off",
    )
    t.add_argument("--seed", type=int, default=0, help="seed of the split, weights and batches")
    t.add_argument("--device", default="auto", help="auto, cpu, cuda, cuda:N or mps")
    t.add_argument("--out", required=True, metavar="MODEL.nnp", help="model file to write")
    t.add_argument("--json", action="store_true", help="print a JSON summary as the last line")
    t.set_defaults(run=_train)

    pr = sub.add_parser("predict", help="predict every row of a CSV file")
    pr.add_argument("model", metavar="MODEL.nnp")
    pr.add_argument("--data", required=True, metavar="FILE.csv")
    pr.add_argument("--out", metavar="PREDICTIONS.csv", help="default: standard output")
    pr.set_defaults(run=_predict)

    ev = sub.add_parser("evaluate", help="loss and metrics on a labelled CSV file")
    ev.add_argument("model", metavar="MODEL.nnp")
    ev.add_argument("--data", required=True, metavar="FILE.csv")
    ev.add_argument(
        "--split",
        choices=["all", "train", "val", "test"],
        default="all",
        help="on the file the model was trained on: score only its training, validation or "
        "test rows, split as in training (default: every row)",
    )
    ev.add_argument("--json", action="store_true")
    ev.set_defaults(run=_evaluate)

    info = sub.add_parser("info", help="describe a model file")
    info.add_argument("model", metavar="MODEL.nnp")
    info.set_defaults(run=_info)

    ex = sub.add_parser("export", help="export a model file for use outside NN Playground")
    ex.add_argument("model", metavar="MODEL.nnp")
    ex.add_argument(
        "--format",
        choices=list(EXPORT_FORMATS),
        help="nnp: model file; onnx: with the preprocessing inside; python: a .py file and its "
        ".safetensors weights; pt2: torch.export program (default: from the --out suffix)",
    )
    ex.add_argument("--out", required=True, metavar="PATH")
    ex.set_defaults(run=_export)
    return p


def _train(ns: argparse.Namespace) -> int:
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
    return out


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
        print(_summary_text(summary, out))
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
        f"error: training failed after {_seconds(s)}: {reason}; {out} was not written",
        file=sys.stderr,
    )
    if as_json:
        print(json.dumps(s))
    return EXIT_TRAINING_FAILED


def _progress(s: dict[str, Any], epochs: bool = True) -> str:
    """How far training got, e.g. '3 epochs and 12 steps, 0.4 s on cpu'."""
    steps = (
        f"{s['epochs']:,} epochs and {s['steps']:,} steps" if epochs else f"{s['steps']:,} steps"
    )
    return f"{steps}, {_seconds(s)}"


def _seconds(s: dict[str, Any]) -> str:
    return f"{s.get('seconds', 0):.3g} s on {s['device']}"


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
    frame = load_frame(project.data.source)
    data = prepare_data(project.data, frame)
    return _fit_and_save(project.network, data, config, out, ns.json, project, frame)


def _load_training_frame(ns: argparse.Namespace) -> tuple[Any, CsvSource | ToySource, str]:
    if ns.toy:
        toy = ToySource(name=ns.toy, samples=ns.samples, noise=ns.noise, seed=ns.seed)
        return make_toy(toy), toy, ns.target or toy_target(ns.toy)
    if not ns.target:
        raise SpecError("--target is required with --data: name the column to predict")
    from core.csv_io import read_csv

    frame, fmt = read_csv(CsvSource(path=ns.data))
    source = CsvSource(
        path=ns.data, delimiter=fmt.delimiter, encoding=fmt.encoding, decimal=fmt.decimal
    )
    return frame, source, ns.target


def _summary_text(s: dict[str, Any], out: Path) -> str:
    metric = "accuracy" if s["task"] == "classification" else "r2"
    val = s.get(f"val_{metric}")
    reason = s.get("reason") or f"trained {s['epochs']} epochs"
    parts = [
        f"{reason} ({_progress(s, epochs=not reason.startswith('trained'))})",
        f"train loss {_num(s['train_loss'])}, validation loss {_num(s['val_loss'])}",
    ]
    if val is not None:
        parts.append(f"validation {metric} {_num(val)}")
    if s.get(f"test_{metric}") is not None:
        parts.append(
            f"test {metric} {_num(s[f'test_{metric}'])} on the {s['n_test']:,} rows held out "
            "from training"
        )
    parts.append(f"saved {out} ({s['parameters']:,} parameters)")
    return "\n".join(parts)


def _num(v: float | None) -> str:
    return "n/a" if v is None else f"{v:.4g}"


def _read_data(path: str) -> Any:
    from core.csv_io import read_csv

    frame, _ = read_csv(CsvSource(path=path))
    return frame


def _predict(ns: argparse.Namespace) -> int:
    out = Path(ns.out) if ns.out else None
    if out is not None and not out.parent.is_dir():
        raise SpecError(f"cannot write {out}: folder {out.parent} does not exist")
    if out is not None and out.is_dir():
        raise SpecError(
            f"--out {out} is a folder; name the file to write, like {out / 'predictions.csv'}"
        )
    # The CSV first: reading it needs no torch (a second or two to import), so a mistake in it
    # is reported at once.
    frame = _read_data(ns.data)
    from core.modelfile import load_model, write_atomic
    from core.predict import predict_frame

    tm = load_model(ns.model)
    result = predict_frame(tm, frame).as_frame(frame)
    if out is not None:
        write_atomic(out, result.to_csv(index=False).encode("utf-8"))
        print(f"wrote {len(result):,} predictions to {out}", file=sys.stderr)
    else:
        result.to_csv(sys.stdout, index=False)
    return 0


def _evaluate(ns: argparse.Namespace) -> int:
    frame = _read_data(ns.data)  # before torch is imported, as in _predict
    from core.modelfile import load_model
    from core.predict import evaluate_frame

    tm = load_model(ns.model)
    frame = _rows_to_score(tm, frame, ns.data, ns.split)
    report = evaluate_frame(tm, frame)
    if ns.json:
        print(json.dumps(report))
        return 0
    # The loss is what training minimised: for regression, on the standardised target.
    scale = " (on the standardised target)" if report["task"] == "regression" else ""
    print(f"{report['n']:,} rows, {tm.loss} loss {report['loss']:.4g}{scale}")
    if report["task"] == "classification":
        print(f"accuracy {report['accuracy']:.4f}, macro F1 {report['macro_f1']:.4f}")
        labels = report["labels"]
        width = max(len(x) for x in labels) + 2
        print("confusion matrix (rows: true, columns: predicted)")
        print(" " * width + "".join(f"{x:>{width}}" for x in labels))
        for name, row in zip(labels, report["confusion_matrix"], strict=True):
            print(f"{name:>{width}}" + "".join(f"{v:>{width}}" for v in row))
    else:
        print(f"R² {report['r2']:.4f}, RMSE {report['rmse']:.4g}, MAE {report['mae']:.4g}")
    return 0


def _rows_to_score(tm: Any, frame: Any, path: str, split: str) -> Any:
    """The rows `evaluate` scores: all of them, or one part of the training split (which only
    the file the model was trained on has). Scoring a model's own training rows flatters it,
    so that case is pointed out."""
    from core.dataset import split_rows

    source = tm.data.source
    same_file = isinstance(source, CsvSource) and _same_path(source.path, path)
    if split == "all":
        if same_file:
            print(
                f"warning: {Path(path).name} is the file this model was trained on, so these "
                "figures include its training rows and flatter the model; --split test (or val) "
                "scores only the rows it never trained on",
                file=sys.stderr,
            )
        return frame
    if not same_file:
        trained_on = str(getattr(source, "path", "?"))
        ours, theirs = Path(trained_on).name, Path(path).name
        if ours == theirs:  # two files of one name: only their full paths tell them apart
            ours, theirs = _full_path(trained_on), _full_path(path)
        raise SpecError(
            f"--split {split} picks rows of the file the model was trained on ({ours}), not "
            f"of {theirs}; use --split all for other files"
        )
    rows = split_rows(tm.data, frame)
    part = dict(zip(("train", "val", "test"), rows.parts, strict=True))[split]
    if len(part) == 0:
        raise SpecError(f"the model was trained with no {split} rows; choose another --split")
    return frame.iloc[rows.kept[part]]


def _full_path(path: str) -> str:
    try:
        return str(Path(path).resolve())
    except OSError:
        return path


def _same_path(a: str, b: str) -> bool:
    try:
        return Path(a).resolve() == Path(b).resolve()
    except OSError:
        return False


def _export(ns: argparse.Namespace) -> int:
    fmt = ns.format or format_for(ns.out)
    check_export(fmt, ns.out)  # before loading torch, so that a mistake is reported at once
    from core.export import export_model
    from core.modelfile import load_model

    written = export_model(load_model(ns.model), fmt, ns.out)
    for path in written:
        print(f"wrote {path}")
    return 0


def _info(ns: argparse.Namespace) -> int:
    from core.modelfile import load_model

    print(model_report(load_model(ns.model)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
