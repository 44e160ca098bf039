"""One live plot: a header with its title and the value under the mouse, and a pyqtgraph plot.

Curves are created once and redrawn with `setData` on views of `SeriesBuffer`s, clipped to the
view and peak-downsampled, and only when their buffer changed since the last redraw.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPointF, Qt, Signal, Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from app import theme
from app.plots.series_buffer import SeriesBuffer

MAX_MARKERS = 60  # oldest setting-change marks are removed beyond this


@dataclass
class _Curve:
    name: str
    item: pg.PlotDataItem
    buffer: SeriesBuffer
    column: int
    drawn_version: int = -1
    fmt: str = "{:.4g}"
    in_legend: bool = True


class LogFriendlyAxis(pg.AxisItem):
    """On a log scale spanning few decades, labels only 1, 2 and 5 of each decade.

    pyqtgraph labels every minor tick (0.2, 0.3, ... 0.9) then, and the labels run into each other.
    """

    def logTickStrings(self, values, scale, spacing):
        strings = super().logTickStrings(values, scale, spacing)
        if len(values) <= 6:
            return strings
        mantissas = [round(10 ** (v - np.floor(v)), 3) for v in values]
        return [s if m in (1.0, 2.0, 5.0) else "" for s, m in zip(strings, mantissas, strict=True)]


class LivePlot(QWidget):
    """Title, legend (or, under the mouse, the values), optional log-scale toggle, and the plot.

    The legend lives in the header rather than on the plot, so it never hides a curve.
    """

    log_scale_changed = Signal(bool)

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
        self._curves: list[_Curve] = []
        self._markers: list[pg.InfiniteLine] = []
        self._y_label = y_label
        self._empty_range = empty_range
        self._auto_y = True  # subclasses with a fixed scale turn this off
        self._x_leader = True  # False once `follow_x` links this plot's steps to another's

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

        self.plot = pg.PlotWidget(axisItems={"left": LogFriendlyAxis("left")})
        self.plot.setToolTip(tooltip)
        self.plot.setMinimumSize(160, 110)
        item = self.plot.getPlotItem()
        item.hideButtons()
        item.setMenuEnabled(False)
        # Horizontal grid lines only: each grid is redrawn with its axis, a cost paid per frame.
        item.showGrid(x=False, y=True, alpha=theme.current().grid_alpha)
        item.setLabel("bottom", "step")
        item.setLabel("left", y_label)
        item.getAxis("left").setWidth(54)
        for axis in ("left", "bottom"):
            item.getAxis(axis).enableAutoSIPrefix(False)
        item.setLogMode(y=log_y)

        self._cursor = pg.InfiniteLine(
            angle=90, movable=False, pen=pg.mkPen(theme.current().muted, width=1)
        )
        self._cursor.setZValue(20)
        self._cursor.hide()
        item.addItem(self._cursor, ignoreBounds=True)
        item.scene().sigMouseMoved.connect(self._on_mouse_moved)
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
        if legend_below:
            self.readout.setContentsMargins(4, 0, 4, 2)
            layout.addWidget(self.readout)
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
        )
        item.setClipToView(True)
        item.setDownsampling(auto=True, method="peak")
        self.plot.getPlotItem().addItem(item)
        self._curves.append(_Curve(name, item, buffer, column, fmt=fmt, in_legend=legend))
        self._show_legend()
        return item

    def remove_curves(self) -> None:
        for curve in self._curves:
            self.plot.getPlotItem().removeItem(curve.item)
        self._curves.clear()
        self._show_legend()

    def legend_html(self) -> str:
        parts = []
        for curve in self._curves:
            if curve.in_legend:
                color = _solid(curve.item.opts["pen"].color())
                name = curve.name.replace(" ", "&nbsp;")  # wrap between entries, not inside
                parts.append(f"<span style='color:{color}'>■</span>&nbsp;{name}")
        return " &nbsp; ".join(parts)

    def _show_legend(self) -> None:
        if not self._hovering:
            self.readout.setText(self.legend_html())

    @property
    def is_empty(self) -> bool:
        return not any(len(c.buffer) for c in self._curves)

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

    def _show_empty(self, empty: bool) -> None:
        """An empty plot gets a sensible scale and a line saying what will appear."""
        self.empty_label.setVisible(empty and bool(self.empty_label.text()))
        vb = self.plot.getPlotItem().getViewBox()
        if empty:
            vb.enableAutoRange(y=False)
            if self._x_leader:
                vb.enableAutoRange(x=False)
                vb.setXRange(0, 100, padding=0.02)
            low, high = self._empty_range
            if self.plot.getPlotItem().ctrl.logYCheck.isChecked():
                low, high = np.log10(max(low, 1e-12)), np.log10(max(high, 1e-12))
            vb.setYRange(low, high, padding=0.02)
        else:
            vb.enableAutoRange(y=self._auto_y)
            if self._x_leader:
                vb.enableAutoRange(x=True)

    def follow_x(self, leader: LivePlot) -> None:
        """Show the same steps as `leader`, which alone decides the range."""
        self._x_leader = False
        vb = self.plot.getPlotItem().getViewBox()
        vb.enableAutoRange(x=False)
        self.plot.setXLink(leader.plot)

    def clear(self) -> None:
        for curve in self._curves:
            curve.buffer.clear()
        for marker in self._markers:
            self.plot.getPlotItem().removeItem(marker)
        self._markers.clear()
        self.refresh()
        self._hide_hover()

    # --- marks where a setting changed --------------------------------------------------------

    def add_marker(self, x: float, text: str) -> None:
        t = theme.current()
        line = pg.InfiniteLine(
            pos=x,
            angle=90,
            movable=False,
            pen=pg.mkPen(t.marker, width=1, style=Qt.PenStyle.DashLine),
            label=text,
            labelOpts={"position": 0.92, "color": t.marker, "anchors": [(0, 0), (0, 0)]},
        )
        line.setToolTip(text)
        self.plot.getPlotItem().addItem(line, ignoreBounds=True)
        self._markers.append(line)
        if len(self._markers) > MAX_MARKERS:
            self.plot.getPlotItem().removeItem(self._markers.pop(0))

    @property
    def markers(self) -> list[pg.InfiniteLine]:
        return list(self._markers)

    # --- log scale ----------------------------------------------------------------------------

    @Slot(bool)
    def _on_log_scale_changed(self, on: bool) -> None:
        self.plot.getPlotItem().setLogMode(y=on)
        self._show_empty(self.is_empty)
        self.log_scale_changed.emit(on)

    def set_log_scale(self, on: bool) -> None:
        if self.log_box is not None:
            self.log_box.setChecked(on)
        else:
            self.plot.getPlotItem().setLogMode(y=on)

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
        parts, nearest_x = [], None
        for curve in self._curves:
            xs = curve.buffer.x
            if not len(xs):
                continue
            i = int(np.clip(np.searchsorted(xs, x), 0, len(xs) - 1))
            if i > 0 and abs(xs[i - 1] - x) < abs(xs[i] - x):
                i -= 1
            value = curve.buffer.y(curve.column)[i]
            if nearest_x is None or abs(xs[i] - x) < abs(nearest_x - x):
                nearest_x = xs[i]
            color = _solid(curve.item.opts["pen"].color())
            value_text = curve.fmt.format(value)
            parts.append(
                f"<span style='color:{color}'>{curve.name}</span>&nbsp;<b>{value_text}</b>"
            )
        if nearest_x is None:
            self._hide_hover()
            return ""
        text = f"step&nbsp;{nearest_x:,.0f}: " + " · ".join(parts)
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
        return super().eventFilter(watched, event)


def _solid(color: QColor) -> str:
    return QColor(color.red(), color.green(), color.blue()).name()
