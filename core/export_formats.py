"""The ways to take a trained model out of the app, keyed by the name files and the command line
use: what each is, its suffix, and the checks made before anything is written. Torch-free (the
window and the command line's parser read it); core.export writes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from core.errors import SpecError


@dataclass(frozen=True)
class ExportFormat:
    """One way to export: its name for people, the usual file suffix and what it is for."""

    label: str
    suffix: str
    description: str
    # Files written beside the named one take their names from it, so it must have the suffix.
    suffix_required: bool = False


EXPORT_FORMATS: dict[str, ExportFormat] = {
    "nnp": ExportFormat(
        "NN Playground model",
        ".nnp",
        "The model file: reopen it in the app or use it with `nnplay predict`.",
    ),
    "onnx": ExportFormat(
        "ONNX with preprocessing",
        ".onnx",
        "Raw column values in, class names or values out, with onnxruntime alone.",
    ),
    "python": ExportFormat(
        "Python script",
        ".py",
        "A readable .py file and its .safetensors weights; needs torch, pandas and safetensors.",
        suffix_required=True,
    ),
    "pt2": ExportFormat(
        "PyTorch program",
        ".pt2",
        "torch.export of the network on preprocessed inputs, for serving with PyTorch.",
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
