"""`nnplay`: the command line. Alone it opens the window (`nnplay FILE.nnproj` or `FILE.csv`: with
that file open); its subcommands run the engine headless.

Bad input of any kind ends with exit code 2 and one `error: ...` line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from cli.exit_codes import EXIT_BAD_INPUT, EXIT_INTERNAL
from cli.model_file import export_command, info_command
from cli.parser import build_parser
from cli.predict import evaluate_command, predict_command
from cli.runs_command import runs_command
from cli.search import search_command
from cli.train import train_command
from core.errors import NNPlayError

# The commands' modules import only the torch-free part of core/, which loads no pandas:
# `nnplay --help` answers at once. What loads pandas (0.3 s: the CSV reader, the dataset) or
# torch (seconds: model files, training, export) is imported in the command that uses it, after
# the command line is checked; the window (Qt) only when it opens.

COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "train": train_command,
    "predict": predict_command,
    "evaluate": evaluate_command,
    "info": info_command,
    "export": export_command,
    "runs": runs_command,
    "search": search_command,
}


def main(argv: Sequence[str] | None = None) -> int:
    """`nnplay ARGS`: the window when there are none, else the command they name; its exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or (len(args) == 1 and args[0].lower().endswith((".nnproj", ".csv"))):
        from app.main import main as open_window  # `nnplay work.nnproj`: the window opens it

        return open_window((sys.argv[:1] or ["nnplay"]) + args)
    ns = build_parser().parse_args(args)
    try:
        return int(COMMANDS[ns.command](ns) or 0)
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


if __name__ == "__main__":
    sys.exit(main())
