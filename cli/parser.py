"""`nnplay`'s command line: its commands, their options and how a mistake in them is said."""

from __future__ import annotations

import argparse
import math

from cli.exit_codes import EXIT_BAD_INPUT
from cli.search_parser import add_search_parser
from core.activations import ACTIVATIONS
from core.export_formats import EXPORT_FORMATS
from core.input_features import INPUT_FEATURES
from core.losses import LOSSES
from core.optimizers import OPTIMIZERS
from core.spec import TASKS
from core.toy import TOY_DATASETS

# The modules above are the torch-free part of core/ and load no pandas: `nnplay --help` needs
# them for its choices and answers at once.


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
    """The parser of every command; `command` names the one given (`cli.main.COMMANDS` runs it)."""
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
    t.add_argument(
        "--features",
        help="comma-separated feature columns (default: all usable); with --toy, the input "
        "features computed from x1 and x2: " + ",".join(INPUT_FEATURES),
    )
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

    pr = sub.add_parser("predict", help="predict every row of a CSV file")
    pr.add_argument("model", metavar="MODEL.nnp")
    pr.add_argument("--data", required=True, metavar="FILE.csv")
    pr.add_argument("--out", metavar="PREDICTIONS.csv", help="default: standard output")

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

    info = sub.add_parser("info", help="describe a model or project file (with its runs)")
    info.add_argument("model", metavar="MODEL.nnp|PROJECT.nnproj")

    runs = sub.add_parser(
        "runs", help="list a project's runs; write their curves as CSV or for TensorBoard"
    )
    runs.add_argument("project", metavar="PROJECT.nnproj")
    runs.add_argument("--select", metavar="N,N", help="only these runs (their numbers)")
    runs.add_argument("--csv", metavar="FILE.csv", help="write the runs' curves to one CSV file")
    runs.add_argument(
        "--tensorboard",
        metavar="FOLDER",
        help="write the runs as TensorBoard event files, a folder each (needs the tensorboard "
        "package); open them with: tensorboard --logdir FOLDER",
    )

    ex = sub.add_parser("export", help="export a model file for use outside NN Playground")
    ex.add_argument("model", metavar="MODEL.nnp")
    ex.add_argument(
        "--format",
        choices=list(EXPORT_FORMATS),
        help="nnp: model file; onnx: with the preprocessing inside; python: a .py file and its "
        ".safetensors weights; pt2: torch.export program (default: from the --out suffix)",
    )
    ex.add_argument("--out", required=True, metavar="PATH")

    add_search_parser(sub, _ShowDefaults)
    return p
