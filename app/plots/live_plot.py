"""One live plot: a header with its title and the value under the mouse, and a pyqtgraph plot.

Curves are created once and redrawn with `setData` on views of `SeriesBuffer`s, clipped to the
view and peak-downsampled, and only when their buffer changed since the last redraw.

The view does not auto-range: `view_range` moves it in coarse steps only when the data needs it,
and the axes keep their drawing in a pixmap. Each move of the view redraws the tick labels and the
grid of the plot and of the plots linked to it; with pyqtgraph's auto-range that was every redraw,
and most of the window's drawing time (bench/bench_window_training.py --profile).
"""

from __future__ import annotations

import weakref

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPointF, Qt, Signal, Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app import theme
from app.plots import view_range
from app.plots.live_curve import LiveCurve, solid_name, values_at
from app.plots.live_plot_widget import live_plot_widget
from app.plots.run_overlays import Overlay, PlotOverlays
from app.plots.series_buffer import SeriesBuffer
from app.plots.setting_marks import SettingMarks

# Peak downsampling keeps the lowest and highest point of each bin: about one bin per pixel draws
# the same envelope as pyqtgraph's default of five, with a fifth of the line segments.
DOWNSAMPLE_FACTOR = 1.0


class LivePlot(QWidget):
    """Title, legend (or, under the mouse, the values), optional log-scale toggle, and the plot.

    The legend lives in the header rather than on the plot, so it never hides a curve.
    """

    log_scale_changed = Signal(bool)
    steps_moved = Signal()  # the x range moved to follow the data: plots following it should too

    def __init__(
        self,
        title: str,
        y_label: str,
        *,
        log_toggle: bool = False,
        log_y: bool = False,
        tooltip: str = "",
        empty_text: str = "",
        empty_range: tuple[float, float] = (0.0, 1.0),
        legend_below: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._curves: list[LiveCurve] = []
        self._y_label = y_label
        self._empty_range = empty_range
        self._auto_y = True  # subclasses with a fixed scale turn this off
        # Plots showing the same steps share one group; the first decides the range. Followers
        # take it on their own redraw, not at once: four plots redrawing their axes and curves
        # in one go held the GUI thread for 20-30 ms.
        # Weak references: plots referring to each other in a cycle outlived their C++ side and
        # crashed the garbage collector later.
        self._leader_ref: weakref.ref[LivePlot] | None = None
        self._group: list[weakref.ref[LivePlot]] = [weakref.ref(self)]
        self._following = True  # the view follows the data; False once the user pans or zooms
        self._empty_shown: bool | None = None

        self.title = QLabel(title)
        self.title.setProperty("role", "value")
        self.readout = QLabel("")
        self.readout.setTextFormat(Qt.TextFormat.RichText)
        self.readout.setWordWrap(True)
        self.readout.setMinimumWidth(10)
        self.readout.setContentsMargins(8, 0, 0, 0)
        # Expanding: a word-wrapped label otherwise settles for a narrow column in a row.
        self.readout.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self._hovering = False
        header = QHBoxLayout()
        header.setContentsMargins(4, 0, 4, 0)
        header.addWidget(self.title)
        if legend_below:  # a long legend gets a row of its own, the full width
            header.addStretch(1)
        else:
            header.addWidget(self.readout, 1)
        self.log_box: QCheckBox | None = None
        if log_toggle:
            self.log_box = QCheckBox("log")
            self.log_box.setToolTip("Show the vertical axis on a logarithmic scale.")
            self.log_box.setChecked(log_y)
            self.log_box.toggled.connect(self._on_log_scale_changed)
            header.addWidget(self.log_box)

        self.plot = live_plot_widget(y_label, tooltip, log_y)
        item = self.plot.getPlotItem()
        self.overlays = PlotOverlays(item)  # earlier runs, under the live curves
        self.marks = SettingMarks(item)  # where a setting changed
        item.getViewBox().sigRangeChangedManually.connect(self._on_range_changed_by_user)

        self._cursor = pg.InfiniteLine(
            angle=90, movable=False, pen=pg.mkPen(theme.current().muted, width=1)
        )
        self._cursor.setZValue(20)
        self._cursor.hide()
        item.addItem(self._cursor, ignoreBounds=True)
        item.scene().sigMouseMoved.connect(self._on_mouse_moved)
        item.scene().sigMouseClicked.connect(self._on_clicked)
        self.plot.viewport().installEventFilter(self)

        # Shown over the empty plot, saying what will appear there.
        self.empty_label = QLabel(empty_text, self.plot)
        self.empty_label.setProperty("role", "muted")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.plot.installEventFilter(self)
        self._show_empty(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(header)
        # The legend's own row, where a plot may add a widget after it (it costs no width: the
        # legend wraps).
        self.legend_row = QHBoxLayout()
        if legend_below:
            self.readout.setContentsMargins(4, 0, 4, 2)
            self.legend_row.addWidget(self.readout, 1)
            layout.addLayout(self.legend_row)
        layout.addWidget(self.plot, 1)

    # --- curves -------------------------------------------------------------------------------

    def add_curve(
        self,
        name: str,
        color: str,
        buffer: SeriesBuffer,
        column: int = 0,
        *,
        width: int = 1,
        alpha: int = 255,
        legend: bool = True,
        symbol: str | None = None,
        fmt: str = "{:.4g}",
    ) -> pg.PlotDataItem:
        qcolor = QColor(color)
        qcolor.setAlpha(alpha)
        item = pg.PlotDataItem(
            pen=pg.mkPen(qcolor, width=width),
            connect="finite",
            symbol=symbol,
            symbolSize=5,
            symbolBrush=qcolor,
            symbolPen=None,
            autoDownsampleFactor=DOWNSAMPLE_FACTOR,
        )
        # After addItem, which applies the PlotItem's own (menu) settings: both off.
        self.plot.getPlotItem().addItem(item)
        item.setClipToView(True)
        item.setDownsampling(auto=True, method="peak")
        self._curves.append(LiveCurve(name, item, buffer, column, fmt=fmt, in_legend=legend))
        self._show_legend()
        return item

    def remove_curves(self) -> None:
        for curve in self._curves:
            self.plot.getPlotItem().removeItem(curve.item)
        self._curves.clear()
        self._show_legend()

    def legend_html(self) -> str:
        entries = [
            (c.name, solid_name(c.item.opts["pen"].color())) for c in self._curves if c.in_legend
        ]
        parts = []
        for name, color in entries + self.overlays.legend():
            name = name.replace(" ", "&nbsp;")  # wrap between entries, not inside
            parts.append(f"<span style='color:{color}'>■</span>&nbsp;{name}")
        return " &nbsp; ".join(parts)

    def set_overlays(self, overlays: list[Overlay]) -> None:
        """Draw these curves of earlier runs under the live ones (`app.plots.run_overlays`)."""
        if self.overlays.set(overlays):
            self._show_legend()
            self._show_empty(self.is_empty)

    def _show_legend(self) -> None:
        if not self._hovering:
            self.readout.setText(self.legend_html())

    @property
    def is_empty(self) -> bool:
        return not any(len(c.buffer) for c in self._curves) and not self.overlays

    def refresh(self) -> None:
        """Redraw the curves whose data changed since the last redraw."""
        changed = False
        for curve in self._curves:
            if curve.drawn_version == curve.buffer.version:
                continue
            changed = True
            curve.drawn_version = curve.buffer.version
            if len(curve.buffer):
                curve.item.setData(curve.buffer.x, curve.buffer.y(curve.column))
            else:
                curve.item.setData([], [])
        if changed:
            self._show_empty(self.is_empty)
        self._match_leader()

    @property
    def _x_leader(self) -> bool:
        return self._leader_ref is None

    @property
    def _group_plots(self) -> list[LivePlot]:
        return [p for ref in self._group if (p := ref()) is not None]

    def _match_leader(self) -> None:
        leader = self._leader_ref() if self._leader_ref is not None else None
        if leader is None or not self._following:
            return
        vb = self.plot.getPlotItem().getViewBox()
        steps = leader.plot.getPlotItem().getViewBox().viewRange()[0]
        if steps != vb.viewRange()[0]:
            vb.setXRange(*steps, padding=0)

    def _show_empty(self, empty: bool) -> None:
        """An empty plot gets a sensible scale and a line saying what will appear."""
        if empty != self._empty_shown:
            self._empty_shown = empty
            self.empty_label.setVisible(empty and bool(self.empty_label.text()))
        if not empty:
            self.fit_view()
            return
        vb = self.plot.getPlotItem().getViewBox()
        if self._x_leader:
            vb.setXRange(0, 100, padding=0.02)
        low, high = self._empty_range
        if self.log_y:
            low, high = np.log10(max(low, 1e-12)), np.log10(max(high, 1e-12))
        vb.setYRange(low, high, padding=0.02)

    @property
    def log_y(self) -> bool:
        return bool(self.plot.getPlotItem().ctrl.logYCheck.isChecked())

    def fit_view(self, force: bool = False) -> None:
        """Move the view (in coarse steps) so that all the data shows, unless the user moved it."""
        if not self._following or self.is_empty:
            return
        vb = self.plot.getPlotItem().getViewBox()
        (x0, x1), (y0, y1) = vb.viewRange()
        if self._x_leader:
            ends = [(c.buffer.x[0], c.buffer.x[-1]) for c in self._curves if len(c.buffer)]
            ends += [e] if (e := self.overlays.x_extent()) else []
            first, last = min(e[0] for e in ends), max(e[1] for e in ends)
            xs = view_range.x_range(float(first), float(last), None if force else (x0, x1))
            if xs != (x0, x1):
                vb.setXRange(*xs, padding=0)
                self.steps_moved.emit()
        if self._auto_y:
            data = self.data_y_range()
            if data is not None:
                ys = view_range.y_range(
                    *data, None if force else (y0, y1), from_zero=not self.log_y
                )
                if ys != (y0, y1):
                    vb.setYRange(*ys, padding=0)

    def data_y_range(self) -> tuple[float, float] | None:
        """Lowest and highest value of the curves as the view sees them (log10 on a log scale)."""
        log = self.log_y
        extents = [e for c in self._curves if (e := c.value_extent(log)) is not None]
        extents += [e] if (e := self.overlays.y_extent(log)) else []
        if not extents:
            return None
        low, high = min(e[0] for e in extents), max(e[1] for e in extents)
        if log:
            return float(np.log10(low)), float(np.log10(high))
        return low, high

    @Slot(object)
    def _on_range_changed_by_user(self, *_args: object) -> None:
        """The user panned or zoomed: every plot of the group shows those steps, and stays."""
        steps = self.plot.getPlotItem().getViewBox().viewRange()[0]
        for plot in self._group_plots:
            plot._following = False
            if plot is not self:
                plot.plot.getPlotItem().getViewBox().setXRange(*steps, padding=0)

    @Slot(object)
    def _on_clicked(self, event: object) -> None:
        if event.double():  # type: ignore[attr-defined]
            self.follow_data()

    def follow_data(self) -> None:
        """Show all the data again and follow it (after the user panned or zoomed), with the
        plots showing the same steps."""
        for plot in self._group_plots:
            plot._following = True
        for plot in self._group_plots:
            plot._rescale()

    def _rescale(self) -> None:
        if self.is_empty:
            self._show_empty(True)
        else:
            self.fit_view(force=True)
        self._match_leader()

    def follow_x(self, leader: LivePlot) -> None:
        """Show the same steps as `leader`, which alone decides the range (on redraw)."""
        self._leader_ref = weakref.ref(leader)
        leader._group.append(weakref.ref(self))
        self._group = leader._group

    def clear(self) -> None:
        for curve in self._curves:
            curve.buffer.clear()
        self.marks.clear()
        self._following = True
        self.refresh()
        self._hide_hover()

    # --- marks where a setting changed --------------------------------------------------------

    def add_marker(self, x: float, text: str) -> None:
        self.marks.add(x, text)

    @property
    def markers(self) -> list[pg.InfiniteLine]:
        return list(self.marks.lines)

    # --- log scale ----------------------------------------------------------------------------

    @Slot(bool)
    def _on_log_scale_changed(self, on: bool) -> None:
        self.plot.getPlotItem().setLogMode(y=on)
        self._rescale()
        self.log_scale_changed.emit(on)

    def set_log_scale(self, on: bool) -> None:
        if self.log_box is not None:
            self.log_box.setChecked(on)
        else:
            self.plot.getPlotItem().setLogMode(y=on)
            self._rescale()

    # --- hover --------------------------------------------------------------------------------

    @Slot(QPointF)
    def _on_mouse_moved(self, pos: QPointF) -> None:
        vb = self.plot.getPlotItem().getViewBox()
        if not vb.sceneBoundingRect().contains(pos):
            self._hide_hover()
            return
        x = vb.mapSceneToView(pos).x()
        self.show_values_at(x)

    def show_values_at(self, x: float) -> str:
        """Show the value of each curve at the point nearest to `x`; returns the text shown."""
        values, nearest_x = values_at(self._curves, x)
        if nearest_x is None:
            self._hide_hover()
            return ""
        text = f"step&nbsp;{nearest_x:,.0f}: " + values
        self._hovering = True
        self.readout.setText(text)
        self._cursor.setPos(nearest_x)
        self._cursor.show()
        return text

    def _hide_hover(self) -> None:
        self._cursor.hide()
        self._hovering = False
        self._show_legend()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Leave:
            self._hide_hover()
        elif event.type() == QEvent.Type.Resize and watched is self.plot:
            self.empty_label.setGeometry(self.plot.rect().adjusted(70, 20, -20, -40))
            # A plot too short for its axis title drops it (the plot's own title says it).
            room = self.plot.height() - 45 - self.fontMetrics().horizontalAdvance(self._y_label)
            axis = self.plot.getPlotItem().getAxis("left")
            if axis.label.isVisible() != (room > 0):  # showLabel re-lays the plot out each time
                axis.showLabel(room > 0)
        return super().eventFilter(watched, event)
