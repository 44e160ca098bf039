"""File > Export model: the dialog lists every format, and the training process writes each one.

The window never loads what it exported; the tests check the files with their real consumers
(onnxruntime here; the generated Python and the .pt2 are run in tests/core).
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest
from PySide6.QtWidgets import QApplication, QRadioButton

from core.data_spec import ToySource
from core.export_formats import EXPORT_FORMATS
from core.modelfile import load_model
from core.predict import predict_frame
from core.spec import LayerSpec, NetworkSpec
from core.toy import make_toy

# Every test here shares a window with a real training process (torch loads in it): slow.
pytestmark = pytest.mark.slow

TIMEOUT_MS = 30_000
XOR = ToySource("xor", samples=300, noise=0.05, seed=2)


@pytest.fixture(scope="module")
def window(qapp: QApplication, steps):
    with steps.running_window(qapp) as w:
        yield w


@pytest.fixture(scope="module")
def trained(window, qapp):
    """The window after training a small network on xor for a few epochs."""
    assert not window.files.export_action.isEnabled(), "nothing to export before training"
    window.project.set_toy(XOR)
    window.project.edit_network(
        NetworkSpec(layers=(LayerSpec(units=6, activation="tanh"),) * 2), "Small"
    )
    window.project.edit_config("Three epochs", epochs=3, learning_rate=0.03)
    end = time.monotonic() + 20
    while not window.run.model_fits_design:
        assert time.monotonic() < end
        qapp.processEvents()
        time.sleep(0.01)
    window.controls.train_button.click()
    while window.run.state != "finished":
        assert time.monotonic() < end + 20, "training did not finish"
        qapp.processEvents()
        time.sleep(0.01)
    return window


def _dialog(window):
    window.files.export_action.trigger()
    dialog = window.files.export_dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def test_the_dialog_lists_every_format_with_what_it_is_for(trained):
    dialog = _dialog(trained)
    assert list(dialog.buttons) == list(EXPORT_FORMATS)
    texts = [label.text() for label in dialog.findChildren(type(dialog.problem))]
    for name, fmt in EXPORT_FORMATS.items():
        assert isinstance(dialog.buttons[name], QRadioButton)
        assert fmt.label in dialog.buttons[name].text()
        assert fmt.description.replace("`", "") in texts
    dialog.reject()


@pytest.mark.parametrize("format", list(EXPORT_FORMATS))
def test_each_format_is_written_from_the_dialog(trained, qtbot, tmp_path, format):
    dialog = _dialog(trained)
    path = tmp_path / f"model{EXPORT_FORMATS[format].suffix}"
    dialog.set_choice(format, path)
    with qtbot.waitSignal(trained.engine.exported, timeout=TIMEOUT_MS) as exported:
        dialog.export_button.click()
    written = exported.args[0].paths
    assert written[0] == str(path) and all(Path(p).stat().st_size > 0 for p in written)
    if format == "python":
        assert path.with_suffix(".safetensors").is_file()
    assert str(path.name) in trained.message_label.text()


def test_the_onnx_export_runs_in_onnxruntime_and_agrees_with_the_model(trained, qtbot, tmp_path):
    files = trained.files
    for format in ("nnp", "onnx"):
        with qtbot.waitSignal(trained.engine.exported, timeout=TIMEOUT_MS):
            files.export_to(format, tmp_path / f"model.{format}")
    frame = make_toy(XOR)
    session = ort.InferenceSession(str(tmp_path / "model.onnx"), providers=["CPUExecutionProvider"])
    feeds = {
        i.name: frame[i.name].to_numpy(dtype=np.float32).reshape(-1, 1)
        for i in session.get_inputs()
    }
    assert sorted(feeds) == ["x1", "x2"]
    label, probabilities = session.run(None, feeds)
    expected = predict_frame(load_model(tmp_path / "model.nnp"), frame)
    assert label.tolist() == expected.values.tolist()
    assert expected.probabilities is not None
    np.testing.assert_allclose(probabilities, expected.probabilities, atol=1e-5)


def test_a_choice_that_cannot_be_written_is_said_in_the_dialog(trained, tmp_path):
    dialog = _dialog(trained)
    dialog.set_choice("python", tmp_path / "model.txt")
    dialog.export_button.click()
    assert dialog.isVisible() and "model.txt" in dialog.problem.text()
    dialog.set_choice("onnx", tmp_path / "no such folder" / "model.onnx")
    assert dialog.problem.isHidden()  # a new choice clears the old complaint
    dialog.export_button.click()
    assert dialog.isVisible() and "does not exist" in dialog.problem.text()
    dialog.reject()
