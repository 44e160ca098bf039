"""The export registry: every format the File menu and `nnplay export` offer, and early refusals."""

from __future__ import annotations

import pytest
import torch

from core.errors import SpecError
from core.export import WRITERS, export_model
from core.export_formats import EXPORT_FORMATS, check_export, format_for
from core.modelfile import load_model
from core.predict import model_outputs


def test_every_format_is_offered_by_name_and_suffix():
    assert list(EXPORT_FORMATS) == ["nnp", "onnx", "python", "pt2"]
    for name, fmt in EXPORT_FORMATS.items():
        assert format_for(f"some/model{fmt.suffix}") == name
        assert fmt.label and fmt.description


def test_nnp_export_is_the_model_file_itself(iris, tmp_path):
    path = tmp_path / "copy.nnp"
    assert export_model(iris.model, "nnp", path) == [path]
    copy = load_model(path)
    assert torch.equal(model_outputs(copy, iris.frame), model_outputs(iris.model, iris.frame))


@pytest.mark.parametrize(
    ("fmt", "name", "words"),
    [
        ("tflite", "m.tflite", "unknown export format 'tflite'"),
        ("onnx", "missing/m.onnx", "does not exist"),
        ("python", "m.safetensors", r"\.py file"),
    ],
)
def test_impossible_exports_are_refused_before_any_work(tmp_path, fmt, name, words):
    with pytest.raises(SpecError, match=words):
        check_export(fmt, tmp_path / name)
    with pytest.raises(SpecError, match="cannot tell the export format"):
        format_for("model.bin")


def test_every_export_format_has_a_writer() -> None:
    assert set(WRITERS) == set(EXPORT_FORMATS)
