"""The window without a training process: layout, settings, buttons, plots and palettes."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox, QComboBox

from app.plots.series_buffer import SeriesBuffer
from app.plots.training_plots import TrainingPlots
from core.events import BatchesEnded, EpochEnded, HyperparameterChanged, TrainStarted
from core.spec import NetworkSpec


@pytest.fixture
def window(bare_window):
    return bare_window


def started(step: int = 0, layers: int = 2) -> TrainStarted:
    names = (*tuple(f"dense{i + 1}" for i in range(layers - 1)), "output")
    labels = (*tuple(f"{n}: Dense 8, ReLU" for n in names[:-1]), "output")
    return TrainStarted("cpu", "CPU", names, labels, 100, 400, 100, 16, 25, 10, "accuracy", 0, step)


def batches(first: int, n: int, layers: int = 2, loss: float = 0.5) -> BatchesEnded:
    return BatchesEnded(first, 1, np.full(n, loss), np.full((n, layers), 0.1))


def epoch(e: int, step: int, loss: float) -> EpochEnded:
    return EpochEnded(e, step, loss, loss * 1.1, 0.8, 0.75, "accuracy", 0.01, 1000.0, 1.0)


def test_opens_on_the_spiral_with_a_small_network_and_a_default_size(window):
    assert window.project.data.source.name == "spiral"
    assert 0 < len(window.project.network.layers) <= 4
    assert window.width() >= 1200 and window.height() >= 800
    assert window.controls.state == "idle"
    assert window.controls.train_button.text() == "Train"
    assert not window.controls.stop_button.isEnabled()


def test_every_control_explains_itself_in_a_tooltip(window):
    for panel in (window.training_panel, window.controls):
        widgets = [
            w
            for kind in (QAbstractButton, QAbstractSpinBox, QComboBox)
            for w in panel.findChildren(kind)
        ]
        for widget in widgets:
            if isinstance(widget.parent(), (QAbstractSpinBox, QComboBox)):
                continue  # a spin box's or combo box's own parts
            assert widget.toolTip().strip(), (
                f"{widget.objectName() or widget.text()} has no tooltip"
            )


def test_only_the_chosen_optimizers_settings_are_shown(window, qtbot):
    panel = window.training_panel
    form = panel.form

    def visible(name: str) -> bool:
        return form.isRowVisible(panel.fields[name])

    assert window.project.config.optimizer == "adam"
    assert visible("beta1") and visible("beta2") and not visible("momentum")
    panel.optimizer.setCurrentIndex(panel.optimizer.findData("sgd"))
    panel.optimizer.activated.emit(panel.optimizer.currentIndex())
    assert window.project.config.optimizer == "sgd"
    assert visible("momentum") and visible("nesterov") and not visible("beta1")
    window.project.undo_stack.undo()
    assert window.project.config.optimizer == "adam"
    assert panel.optimizer.currentData() == "adam"


def test_learning_rate_field_edits_the_project_with_undo(window):
    box = window.training_panel.learning_rate
    box.setValue(0.3)
    assert window.project.config.learning_rate == pytest.approx(0.3)
    box.stepBy(1)
    assert window.project.config.learning_rate == pytest.approx(1.0)
    box.stepBy(-2)
    assert window.project.config.learning_rate == pytest.approx(0.1)
    window.project.undo_stack.undo()
    assert box.value() == pytest.approx(window.project.config.learning_rate)


def test_while_training_only_live_settings_stay_editable(window):
    window._on_state_changed("running")
    panel = window.training_panel
    assert panel.learning_rate.isEnabled() and panel.l2.isEnabled()
    assert not panel.optimizer.isEnabled() and not panel.batch_size.isEnabled()
    assert window.controls.train_button.text() == "Pause"
    assert window.controls.stop_button.isEnabled()
    window._on_state_changed("paused")
    assert window.controls.train_button.text() == "Resume"
    window._on_state_changed("idle")
    assert panel.optimizer.isEnabled()


def test_invalid_settings_are_explained_and_do_not_reach_the_engine(window, qtbot):
    messages = []
    window.run.message_changed.connect(lambda text, error: messages.append((text, error)))
    window.project.edit_config("Until stopped", epochs=0, schedule="cosine")
    assert window.training_panel.problems.isVisible()
    assert "cosine" in window.training_panel.problems.text()
    window.controls.train_button.click()
    assert window.run.state == "idle"
    assert messages and messages[-1][1] and "cosine" in messages[-1][0]


def test_plots_draw_events_on_their_timer_and_mark_live_changes(qtbot):
    plots = TrainingPlots()
    qtbot.addWidget(plots)
    plots.begin(started(), 0.01)
    plots.add_batches([batches(1, 25, loss=0.6)])
    plots.add_epochs([epoch(1, 25, 0.6)])
    plots.add_batches([batches(26, 25, loss=0.3)])
    plots.add_epochs([epoch(2, 50, 0.3)])
    plots.mark_change(HyperparameterChanged(30, 2, "learning_rate", 0.003))
    # Nothing is drawn until the redraw timer fires.
    assert plots.loss.steps.n == 50
    qtbot.waitUntil(lambda: plots.redraws > 0, timeout=2000)
    x, y = plots.loss._curves[0].item.getData()
    assert len(x) == 50 and 10 ** y[-1] == pytest.approx(0.3)  # drawn on a log scale
    assert len(plots.gradients._curves) == 2  # one line per layer, named in the legend
    assert "dense1" in plots.gradients.legend_html()
    assert all(len(p.markers) == 1 for p in plots.plots)
    assert "lr 0.003" in plots.loss.markers[0].label.toPlainText()
    assert "0.3" in plots.loss.show_values_at(50)
    plots.begin(started(step=0), 0.01)  # a fresh run starts the plots over
    assert plots.loss.steps.n == 0 and not plots.loss.markers


def test_history_buffers_stay_bounded_over_long_runs():
    buffer = SeriesBuffer(1, capacity=16, max_points=1024)
    for start in range(0, 200_000, 500):
        xs = np.arange(start, start + 500)
        buffer.append(xs, xs.astype(float))
    assert len(buffer) <= 1024
    assert buffer.x[0] == 0 and buffer.x[-1] >= 199_000
    assert np.all(np.diff(buffer.x) > 0)
    assert np.array_equal(buffer.x, buffer.y())


def test_a_deep_network_and_other_data_keep_the_window_consistent(window):
    from core.data_spec import ToySource
    from core.spec import LayerSpec

    window.project.edit_network(
        NetworkSpec(layers=(LayerSpec(units=64), LayerSpec(kind="dropout"), LayerSpec(units=32))),
        "deeper",
    )
    window.project.set_toy(ToySource("plane", 300, 0.0, 1))
    assert window.training_panel.loss.itemData(0) == "auto"
    assert "squared" in window.training_panel.loss.itemText(0)


def test_dark_palette_can_be_forced(qtbot):
    from PySide6.QtGui import QPalette
    from PySide6.QtWidgets import QApplication

    from app import theme

    app = QApplication.instance()
    old = app.palette()
    try:
        applied = theme.apply_theme(app, "dark")
        assert applied.dark and theme.current().dark
        assert app.palette().color(QPalette.ColorRole.Window).lightness() < 80
        applied = theme.apply_theme(app, "light")
        assert not applied.dark
    finally:
        app.setPalette(old)
        app.setStyleSheet("")


def test_space_toggles_training_from_anywhere_in_the_window(window, qtbot):
    calls = []
    window.controls.train_clicked.connect(lambda: calls.append(1))
    window.activateWindow()
    qtbot.keyClick(window.plots, Qt.Key.Key_Space)
    assert calls


@pytest.mark.slow  # a GUI process of its own
def test_gui_process_starts_without_importing_torch():
    code = (
        "import os, sys; os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from app.main_window import MainWindow\n"
        "w = MainWindow(); w.show(); app.processEvents()\n"
        "print('torch' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip().splitlines()[-1] == "False", out.stderr


def test_the_epoch_counter_names_the_running_epoch_as_the_status_bar_does(window, qtbot):
    from core.events import TrainEnded, TrainPaused

    controls = window.controls
    controls.on_started(started())  # 10 epochs of 25 steps
    # Steps 51-52 belong to the third epoch; the second's end is reported after them.
    controls.add_batches([BatchesEnded(51, 3, np.full(2, 0.5), np.full((2, 2), 0.1))])
    controls.add_epochs([epoch(2, 50, 0.4)])
    qtbot.waitUntil(lambda: controls.epoch_label[1].text() == "3 / 10", timeout=2000)
    window.run._on_paused(TrainPaused(52, 3))
    assert "epoch 3," in window.message_label.text()
    # Stopped during the third: two full epochs were done, as the stop message says.
    controls.on_finished(TrainEnded("stopped", "stopped after 2 full epochs", 2, 52, 2))
    assert controls.epoch_label[1].text() == "2 / 10"

    # Paused (a Step) right after an epoch's last step: the next epoch is the running one, as
    # the pause message says ("Paused at epoch 4, step 75"); the last epoch has no next one.
    controls.on_started(started())
    controls.add_batches([BatchesEnded(75, 3, np.full(1, 0.5), np.full((1, 2), 0.1))])
    controls.add_epochs([epoch(3, 75, 0.4)])
    qtbot.waitUntil(lambda: controls.epoch_label[1].text() == "4 / 10", timeout=2000)
    controls.add_epochs([epoch(10, 250, 0.1)])
    qtbot.waitUntil(lambda: controls.epoch_label[1].text() == "10 / 10", timeout=2000)


def test_a_model_trained_past_the_chosen_epochs_shows_no_smaller_total(window):
    """A project trained to 400 epochs (Train after a finished run of 200 goes on for 200 more),
    reopened with Epochs at 200, read "Epoch 400 / 200"."""
    from core.events import TrainEnded

    controls = window.controls
    controls.on_finished(TrainEnded("finished", "trained 400 epochs", 400, 7600, 400))
    controls.set_plan(200, 19)
    assert controls.epoch_label[1].text() == "400"
    assert controls.progress.value() == controls.progress.maximum()
    controls.set_plan(500)
    assert controls.epoch_label[1].text() == "400 / 500"


def test_the_device_list_leaves_the_thread_count_to_the_status_bar(window):
    """The engine offers "Automatic (CPU (2 threads))", but a small network trains on one
    thread, as the status bar says: the list names the CPU without a count to contradict it."""
    from core.spec import DeviceChoice

    window.training_panel.set_devices(
        (
            DeviceChoice("auto", "Automatic (CPU (2 threads))"),
            DeviceChoice("cuda:0", "NVIDIA H200 (cuda:0)"),
            DeviceChoice("cpu", "CPU (1 thread)"),
        )
    )
    combo = window.training_panel.device
    shown = [combo.itemText(i) for i in range(combo.count())]
    assert shown == ["Automatic (CPU)", "NVIDIA H200 (cuda:0)", "CPU"]
    assert combo.currentData() == "auto"
