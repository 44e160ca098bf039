"""The marks on a live plot where a setting changed: dashed, labelled vertical lines, at most
MAX_MARKERS of them (the oldest go)."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt

from app import theme

MAX_MARKERS = 60  # oldest setting-change marks are removed beyond this


def marker_line(x: float, text: str) -> pg.InfiniteLine:
    """A dashed vertical line at step `x`, labelled `text`: where a setting was changed."""
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
    return line


class SettingMarks:
    """The marks of one plot."""

    def __init__(self, item: pg.PlotItem) -> None:
        self._item = item
        self.lines: list[pg.InfiniteLine] = []

    def add(self, x: float, text: str) -> None:
        line = marker_line(x, text)
        self._item.addItem(line, ignoreBounds=True)
        self.lines.append(line)
        if len(self.lines) > MAX_MARKERS:
            self._item.removeItem(self.lines.pop(0))

    def clear(self) -> None:
        for line in self.lines:
            self._item.removeItem(line)
        self.lines.clear()
