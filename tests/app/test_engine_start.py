"""While the training process starts, the window says what it is doing, and a Train pressed
meanwhile starts training the moment the engine is ready."""

from __future__ import annotations

import pytest

from app.widgets.engine_start import EngineStartBar

pytestmark = pytest.mark.slow  # a training process of its own


def test_train_pressed_while_the_engine_starts_trains_once_it_is_ready(qtbot):
    from app.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    qtbot.waitExposed(window)
    bar = window.statusBar().findChild(EngineStartBar)
    said: list[tuple[str, str, bool]] = []
    window.engine.starting.connect(
        lambda s: said.append((s.stage, window.message_label.text(), bar.isVisible()))
    )
    window.start_engine()
    window.controls.train_button.click()  # before the engine has said anything
    assert window.run.state == "running"

    qtbot.waitUntil(lambda: window.engine.is_ready, timeout=120_000)
    stages = [stage for stage, _, _ in said]
    assert stages == ["loading PyTorch", "warming up"]
    assert all(text.startswith("Training starts when the engine is ready") for _, text, _ in said)
    assert all(visible for _, _, visible in said)
    qtbot.waitUntil(lambda: window.controls._epoch >= 1, timeout=60_000)
    assert not bar.isVisible()

    window.run.stop()
    qtbot.waitUntil(lambda: not window.run.is_active, timeout=30_000)
    window.project.undo_stack.setClean()
    window.close()
