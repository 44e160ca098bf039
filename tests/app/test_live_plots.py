"""The live plots over a long run: every point in view, drawn thinned, and a view that holds still."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pytest
from PySide6.QtGui import QFontMetrics

from app.plots import view_range
from app.plots.gradient_plot import GradientPlot
from app.plots.live_plot import LivePlot
from app.plots.loss_plot import LossPlot
from app.plots.training_plots import TrainingPlots
from core.events import BatchesEnded, TrainStarted

STEPS_PER_BATCH = 500
TRAIN_STARTED = TrainStarted(
    device="cpu",
    device_name="CPU",
    layer_names=("dense1", "out"),
    layer_labels=("dense1: Dense 8, tanh", "out: Dense 2"),
    parameters=50,
    n_train=1000,
    n_val=200,
    batch_size=10,
    steps_per_epoch=100,
    epochs=0,
    metric="accuracy",
    epoch=0,
    step=0,
)


def _batches(first_step: int, n: int, seed: int = 0) -> BatchesEnded:
    rng = np.random.default_rng(seed + first_step)
    steps = first_step + np.arange(n)
    loss = np.exp(-steps / 20_000) * (1 + 0.5 * rng.random(n))
    return BatchesEnded(
        first_step=first_step,
        epoch=1,
        loss=loss,
        grad_norms=np.exp(rng.normal(size=(n, 2))),
    )


def _train(plot: LossPlot, steps: int, start: int = 1) -> list[tuple[tuple[float, float], ...]]:
    """Feed `steps` steps in bursts, redrawing after each; the view after each redraw."""
    views = []
    for first in range(start, start + steps, STEPS_PER_BATCH):
        plot.add_batches([_batches(first, STEPS_PER_BATCH)])
        plot.refresh()
        vb = plot.plot.getPlotItem().getViewBox()
        views.append(tuple(tuple(r) for r in vb.viewRange()))
    return views


def _shown(qtbot, widget, width: int = 420, height: int = 300):  # type: ignore[no-untyped-def]
    qtbot.addWidget(widget)
    widget.resize(width, height)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def loss_plot(qtbot):
    return _shown(qtbot, LossPlot())


def test_a_long_run_is_drawn_thinned_to_the_plots_width(loss_plot, qtbot):
    _train(loss_plot, 100_000)
    curve = loss_plot._curves[0].item
    width = loss_plot.plot.getPlotItem().getViewBox().width()
    assert len(loss_plot.steps) == 100_000

    def thinned() -> None:
        # Peak downsampling: a lowest and a highest point per pixel or so, not 100,000 points.
        assert len(curve._getDisplayDataset().x) <= 4 * width

    qtbot.waitUntil(thinned, timeout=5000)  # the view takes its new range on the next paint
    shown = curve._getDisplayDataset()
    # ... and the envelope is kept: the thinned curve spans the values (pyqtgraph drops the
    # last, partial bin of points).
    logs = np.log10(loss_plot.steps.y())
    assert np.ptp(shown.y) >= 0.99 * np.ptp(logs)


def test_the_view_shows_all_the_data_and_moves_rarely(loss_plot):
    views = _train(loss_plot, 150_000)  # past the buffer's limit: it thins its points once
    assert loss_plot.steps.stride == 2
    (x0, x1), (y0, y1) = views[-1]
    logs = np.log10(loss_plot.steps.y())
    assert x0 <= loss_plot.steps.x[0] and loss_plot.steps.x[-1] <= x1
    assert y0 <= logs.min() and logs.max() <= y1
    assert loss_plot.steps.x[-1] >= x0 + 0.5 * (x1 - x0), "the data fills the width"
    # 300 redraws; the view moved in a handful of coarse steps, not with every redraw.
    moves = sum(a != b for a, b in pairwise(views))
    assert moves <= 30
    loss_plot.clear()
    _train(loss_plot, 2_000)
    (x0, x1), (y0, y1) = loss_plot.plot.getPlotItem().getViewBox().viewRange()
    logs = np.log10(loss_plot.steps.y())
    assert x1 <= 4_000 and y0 <= logs.min() and logs.max() <= y1  # a new run: a new view


def _steps(plot: LivePlot) -> list[float]:
    return plot.plot.getPlotItem().getViewBox().viewRange()[0]


def test_the_plots_show_the_loss_plots_steps_and_pan_together(qtbot):
    plots = _shown(qtbot, TrainingPlots(), 800, 500)
    plots.begin(TRAIN_STARTED, 0.01)
    for first in range(1, 20_000, STEPS_PER_BATCH):
        plots.add_batches([_batches(first, STEPS_PER_BATCH)])
    qtbot.waitUntil(lambda: not plots._timer.isActive(), timeout=5000)
    assert _steps(plots.loss)[1] >= 20_000
    for plot in plots.plots[1:]:
        assert _steps(plot) == pytest.approx(_steps(plots.loss))
    # A pan on one plot (what a drag emits) moves them all, and they stay there.
    vb = plots.gradients.plot.getPlotItem().getViewBox()
    vb.setXRange(100, 300, padding=0)
    vb.sigRangeChangedManually.emit(vb.state["mouseEnabled"])
    plots.add_batches([_batches(20_001, 30_000)])
    qtbot.waitUntil(lambda: not plots._timer.isActive(), timeout=5000)
    for plot in plots.plots:
        assert _steps(plot) == pytest.approx([100, 300])
    plots.accuracy.follow_data()  # a double click: all follow the data again
    for plot in plots.plots:
        assert _steps(plot)[1] >= 50_000


def test_a_view_the_user_moved_stays_until_a_double_click(loss_plot):
    _train(loss_plot, 5_000)
    vb = loss_plot.plot.getPlotItem().getViewBox()
    vb.setXRange(100, 200, padding=0)
    vb.sigRangeChangedManually.emit(vb.state["mouseEnabled"])  # what a drag or wheel emits
    _train(loss_plot, 20_000, start=5_001)
    assert vb.viewRange()[0] == pytest.approx([100, 200])
    loss_plot.follow_data()
    x0, x1 = vb.viewRange()[0]
    assert x0 <= 1 and x1 >= loss_plot.steps.x[-1]


def test_log_scale_toggle_refits_the_values(loss_plot):
    _train(loss_plot, 5_000)
    loss_plot.log_box.setChecked(False)
    y0, y1 = loss_plot.plot.getPlotItem().getViewBox().viewRange()[1]
    values = loss_plot.steps.y()
    assert 0.0 <= y0 <= values.min() and values.max() <= y1 <= 2 * values.max()  # linear


def test_gradient_lines_share_one_view(qtbot):
    plot = _shown(qtbot, GradientPlot())
    plot.set_layers(("dense1", "out"), ("dense1: Dense 8, tanh", "out: Dense 2"))
    plot.add_batches([_batches(1, 5_000)])
    plot.refresh()
    y0, y1 = plot.plot.getPlotItem().getViewBox().viewRange()[1]
    logs = np.log10(plot.norms._y[: plot.norms.n])
    assert y0 <= logs.min() and logs.max() <= y1


# --- the arithmetic of the ranges -------------------------------------------------------------


def test_nice_limits_step_by_at_most_half_again():
    limits = sorted({view_range.nice_limit(v) for v in np.geomspace(0.7, 3e6, 400)})
    assert all(b / a <= 1.5 + 1e-9 for a, b in pairwise(limits))
    assert view_range.nice_limit(1000) == 1000 and view_range.nice_limit(1001) == 1500


def test_x_range_grows_only_when_the_data_reaches_its_end():
    current = None
    changes = 0
    for last in range(10, 1_000_000, 997):
        new = view_range.x_range(1, last, current)
        assert new[0] <= 1 and last <= new[1]
        changes += new != current
        current = new
    assert changes <= 40  # about eight per decade


def test_y_range_holds_while_the_data_fits_and_tightens_when_it_fills_little():
    held = view_range.y_range(0.2, 0.9, (0.0, 1.0))
    assert held == (0.0, 1.0)
    moved = view_range.y_range(0.2, 1.3, (0.0, 1.0))
    assert moved[0] <= 0.2 and moved[1] >= 1.3
    tightened = view_range.y_range(0.50, 0.52, (0.0, 1.0))
    assert 0.0 < tightened[0] <= 0.50 and 0.52 <= tightened[1] < 1.0
    assert view_range.y_range(0.1, 3.0, None, from_zero=True)[0] == 0.0
    assert view_range.y_range(-3.0, -1.0, None, from_zero=True)[0] < -3.0  # log10 values


def test_log_axis_labels_use_one_notation_and_fit_the_axis(loss_plot):
    """Over eight decades the loss axis read "0.0001" (wider than the axis, under its title)
    beside "10⁻⁶"; now powers of ten below 0.01, and each label shown fits the axis' width."""
    axis = loss_plot.plot.getPlotItem().getAxis("left")
    values = [float(v) for v in range(-6, 3)]
    labels = axis.logTickStrings(values, 1.0, 1.0)
    assert labels == ["10⁻⁶", "10⁻⁵", "10⁻⁴", "10⁻³", "0.01", "0.1", "1", "10", "100"]
    near = [np.log10(v) for v in (1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 0.01, 0.05)]
    shown = axis.logTickStrings(near, 1.0, 1.0)
    assert shown == ["10⁻⁴", "", "", "10⁻³", "", "0.01", "0.05"]  # "2·10⁻⁴" would not fit
    # With no power of ten in view, the in-between values are all there is to read.
    assert axis.logTickStrings([np.log10(2e-4), np.log10(5e-4)], 1.0, 1.0) == ["2·10⁻⁴", "5·10⁻⁴"]
    room = axis.width() - axis.label.boundingRect().height() - axis.style["tickTextOffset"][0]
    metrics = QFontMetrics(axis.style["tickFont"] or axis.font())
    assert max(metrics.horizontalAdvance(s) for s in labels + shown) <= room
