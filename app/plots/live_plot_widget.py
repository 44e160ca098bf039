"""The pyqtgraph plot inside a live plot, set up for being redrawn many times a second."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtWidgets import QGraphicsItem

from app import theme
from app.plots.live_curve import LogFriendlyAxis


def live_plot_widget(y_label: str, tooltip: str, log_y: bool) -> pg.PlotWidget:
    """A plot of values against training steps: no menu or buttons, horizontal grid lines, the
    view moved by the program (never auto-ranged), axes drawn from a cache."""
    plot = pg.PlotWidget(axisItems={"left": LogFriendlyAxis("left")})
    plot.setToolTip(tooltip)
    plot.setMinimumSize(160, 110)
    item = plot.getPlotItem()
    item.hideButtons()
    item.setMenuEnabled(False)
    # Horizontal grid lines only: each grid is redrawn with its axis, a cost paid per frame.
    item.showGrid(x=False, y=True, alpha=theme.current().grid_alpha)
    item.setLabel("bottom", "step")
    item.setLabel("left", y_label)
    item.getAxis("left").setWidth(54)
    for axis in ("left", "bottom"):
        item.getAxis(axis).enableAutoSIPrefix(False)
        # Redrawn from the pixmap unless its range or size changed: the curves' redraws
        # repaint the area under the grid lines, and would replay every tick label.
        item.getAxis(axis).setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
    item.setLogMode(y=log_y)
    item.getViewBox().disableAutoRange()
    return plot
