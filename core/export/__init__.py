"""Writing a trained model in each export format of core.export_formats."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from core.export.onnx_export import export_onnx
from core.export.program_export import export_program
from core.export.python_export import export_python
from core.export_formats import check_export
from core.modelfile import TrainedModel, save_model


def _nnp(tm: TrainedModel, path: Path) -> list[Path]:
    save_model(tm, path)
    return [path]


# One writer per key of EXPORT_FORMATS (a test keeps the keys equal).
WRITERS: dict[str, Callable[[TrainedModel, Path], list[Path]]] = {
    "nnp": _nnp,
    "onnx": export_onnx,
    "python": export_python,
    "pt2": export_program,
}


def export_model(tm: TrainedModel, format: str, path: str | Path) -> list[Path]:
    """Write `tm` in `format` (a key of EXPORT_FORMATS) to `path`; returns the files written."""
    check_export(format, path)
    tm.model.eval()
    return WRITERS[format](tm, Path(path))
