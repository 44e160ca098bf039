"""Writing a trained model in each export format of core.export_formats."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from core.export_formats import check_export
from core.modelfile import TrainedModel, save_model


def _nnp(tm: TrainedModel, path: Path) -> list[Path]:
    save_model(tm, path)
    return [path]


# Each writer imports its format's module when it writes: importing onnx alone takes 0.5 s, which
# every start of the training process would otherwise pay.
def _onnx(tm: TrainedModel, path: Path) -> list[Path]:
    from core.export.onnx_export import export_onnx

    return export_onnx(tm, path)


def _python(tm: TrainedModel, path: Path) -> list[Path]:
    from core.export.python_export import export_python

    return export_python(tm, path)


def _program(tm: TrainedModel, path: Path) -> list[Path]:
    from core.export.program_export import export_program

    return export_program(tm, path)


# One writer per key of EXPORT_FORMATS (a test keeps the keys equal).
WRITERS: dict[str, Callable[[TrainedModel, Path], list[Path]]] = {
    "nnp": _nnp,
    "onnx": _onnx,
    "python": _python,
    "pt2": _program,
}


def export_model(tm: TrainedModel, format: str, path: str | Path) -> list[Path]:
    """Write `tm` in `format` (a key of EXPORT_FORMATS) to `path`; returns the files written."""
    check_export(format, path)
    tm.model.eval()
    return WRITERS[format](tm, Path(path))
