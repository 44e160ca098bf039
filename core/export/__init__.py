"""Taking a trained model out of the app: the export formats, keyed by the name files and the
command line use. Each writer is imported when used, so reading the registry loads no exporter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import SpecError

if TYPE_CHECKING:  # the registry is read without loading torch (the command line's parser)
    from core.modelfile import TrainedModel


@dataclass(frozen=True)
class ExportFormat:
    """One way to export: its name for people, the usual file suffix and what it is for."""

    label: str
    suffix: str
    description: str
    write: Callable[[TrainedModel, Path], list[Path]]
    # Files written beside the named one take their names from it, so it must have the suffix.
    suffix_required: bool = False


def _nnp(tm: TrainedModel, path: Path) -> list[Path]:
    from core.modelfile import save_model

    save_model(tm, path)
    return [path]


def _onnx(tm: TrainedModel, path: Path) -> list[Path]:
    try:
        from core.export.onnx_export import export_onnx
    except ImportError:
        raise SpecError("ONNX export needs the onnx package (pip install onnx)") from None
    return export_onnx(tm, path)


def _python(tm: TrainedModel, path: Path) -> list[Path]:
    from core.export.python_export import export_python

    return export_python(tm, path)


def _pt2(tm: TrainedModel, path: Path) -> list[Path]:
    from core.export.program_export import export_program

    return export_program(tm, path)


EXPORT_FORMATS: dict[str, ExportFormat] = {
    "nnp": ExportFormat(
        "NN Playground model",
        ".nnp",
        "The model file: reopen it in the app or use it with `nnplay predict`.",
        _nnp,
    ),
    "onnx": ExportFormat(
        "ONNX with preprocessing",
        ".onnx",
        "Raw column values in, class names or values out, with onnxruntime alone.",
        _onnx,
    ),
    "python": ExportFormat(
        "Python script",
        ".py",
        "A readable .py file and its .safetensors weights; needs torch, pandas and safetensors.",
        _python,
        suffix_required=True,
    ),
    "pt2": ExportFormat(
        "PyTorch program",
        ".pt2",
        "torch.export of the network on preprocessed inputs, for serving with PyTorch.",
        _pt2,
    ),
}


def format_for(path: str | Path) -> str:
    """The export format a file name asks for, by its suffix."""
    suffix = Path(path).suffix.lower()
    for name, fmt in EXPORT_FORMATS.items():
        if fmt.suffix == suffix:
            return name
    raise SpecError(
        f"cannot tell the export format from {Path(path).name!r}; choose one of "
        + ", ".join(EXPORT_FORMATS)
    )


def check_export(format: str, path: str | Path) -> None:
    """Refuse at once an export that could not be written: an unknown format, a folder that
    does not exist, a name without the suffix the format needs."""
    if format not in EXPORT_FORMATS:
        raise SpecError(
            f"unknown export format {format!r}; choose one of {', '.join(EXPORT_FORMATS)}"
        )
    path = Path(path)
    if not path.parent.is_dir():
        raise SpecError(f"cannot write {path}: folder {path.parent} does not exist")
    fmt = EXPORT_FORMATS[format]
    if fmt.suffix_required and path.suffix != fmt.suffix:
        raise SpecError(f"a {fmt.label} export is a {fmt.suffix} file; {path.name} is not")


def export_model(tm: TrainedModel, format: str, path: str | Path) -> list[Path]:
    """Write `tm` in `format` (a key of EXPORT_FORMATS) to `path`; returns the files written."""
    check_export(format, path)
    tm.model.eval()
    return EXPORT_FORMATS[format].write(tm, Path(path))
