"""The optimizer race's map: the training loss over the plane of the paths, as a shaded image
with contour lines, and each optimizer's path across it from the shared start.

The shading is light (white where the loss is lowest, grey where it is highest, on a log scale)
so that the paths, in their optimizers' colours, stand out; the contour lines are the loss's
level lines. The share of the paths' variance the plane holds is printed in the corner: a
flat picture of a path that mostly leaves the plane would mislead.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QResizeEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

CONTOURS = 12  # level lines, evenly spaced in log(loss) between the lowest and highest value
LOW = (255, 255, 255)  # the shade of the lowest loss ...
HIGH = (150, 156, 168)  # ... and of the highest


def share_text(share: float, final: bool) -> str:
    """What the corner says about the plane, e.g. 'The plane holds 93 % of the paths' variance'."""
    if not np.isfinite(share):
        return "The network is too wide to follow its paths live: the map comes at the end."
    which = "" if final else " so far"
    return f"The plane holds {100 * share:.0f} % of the paths' variance{which}."


def log_levels(values: np.ndarray, n: int = CONTOURS) -> np.ndarray:
    """`n` contour levels of log10(loss) evenly spaced inside the finite values' range."""
    finite = values[np.isfinite(values)]
    if not len(finite) or finite.max() <= finite.min():
        return np.zeros(0)
    return np.linspace(finite.min(), finite.max(), n + 2)[1:-1]


class RaceMap(QWidget):
    """The loss surface, its contours and the paths; `share_label` says what the plane holds."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot = pg.PlotWidget(background="w")
        self.plot.setMinimumSize(240, 200)
        item = self.plot.getPlotItem()
        item.hideButtons()
        item.setMenuEnabled(False)
        self._label_axes()
        for axis in ("left", "bottom"):
            item.getAxis(axis).enableAutoSIPrefix(False)
            item.getAxis(axis).setPen(pg.mkPen("#555"))
            item.getAxis(axis).setTextPen(pg.mkPen("#333"))
        self.plot.setToolTip(
            "The training loss over the plane through the start spanned by the two directions "
            "along which the paths moved most (Li et al. 2018): lighter is lower. Each line is "
            "one optimizer's path; the star is where all of them started."
        )
        self.image = pg.ImageItem(axisOrder="row-major")
        lut = np.stack([np.linspace(a, b, 256) for a, b in zip(LOW, HIGH, strict=True)], axis=1)
        self.image.setLookupTable(lut.round().astype(np.uint8))
        item.addItem(self.image)
        self.contours: list[pg.IsocurveItem] = []
        self.paths: list[pg.PlotDataItem] = []
        self.start = pg.ScatterPlotItem(
            [0.0], [0.0], symbol="star", size=16, brush=pg.mkBrush("#222"), pen=pg.mkPen("w")
        )
        self.start.setZValue(30)
        self.start.hide()  # until a race starts: the empty map's text sits there
        item.addItem(self.start)

        self.share_label = QLabel("", self.plot)
        self.share_label.setProperty("role", "value")
        self.share_label.setStyleSheet(
            "background: rgba(255, 255, 255, 215); color: #222; padding: 3px 6px;"
            "border: 1px solid #bbb; border-radius: 3px;"
        )
        self.share_label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.share_label.hide()
        self.empty_label = QLabel(
            "Press Start: each optimizer's path across the loss appears here.", self.plot
        )
        self.empty_label.setProperty("role", "muted")
        self.empty_label.setStyleSheet("color: #666;")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        # Says where the map is while a race runs: its paths come live, its loss only at the end.
        self.pending_label = QLabel("", self.plot)
        self.pending_label.setStyleSheet("color: #666; background: transparent;")
        self.pending_label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.pending_label.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)

    # --- what is drawn --------------------------------------------------------------------------

    def begin(self, colors: list[str]) -> None:
        """A new race of len(colors) optimizers: no surface, one empty path each."""
        item = self.plot.getPlotItem()
        for path in self.paths:
            item.removeItem(path)
        self.paths = []
        for color in colors:
            path = pg.PlotDataItem(
                pen=pg.mkPen(QColor(color), width=2),
                symbolBrush=pg.mkBrush(QColor(color)),
                symbolPen=pg.mkPen("w"),
                symbolSize=[],
            )
            path.setZValue(20)
            item.addItem(path)
            self.paths.append(path)
        self.clear_surface()
        self._label_axes()
        self.share_label.hide()
        self.empty_label.hide()
        self.say_pending("Loss map: computed when the race ends…")
        self.start.show()

    def say_pending(self, text: str) -> None:
        """A short line in the map's lower corner about its loss map ("" hides it)."""
        self.pending_label.setText(text)
        self.pending_label.adjustSize()
        self.pending_label.setVisible(bool(text))
        self._place_labels()

    def _label_axes(self) -> None:
        item = self.plot.getPlotItem()
        item.setLabel("bottom", "1st principal direction of the paths (weight-space distance)")
        item.setLabel("left", "2nd direction")

    def clear_surface(self) -> None:
        self.image.clear()
        for contour in self.contours:
            # A child of the image, not of the plot: the plot's removeItem would leave it drawn.
            contour.setParentItem(None)
            if (scene := contour.scene()) is not None:
                scene.removeItem(contour)
        self.contours = []

    def set_paths(self, paths: tuple[np.ndarray, ...], share: float, final: bool) -> None:
        """Each optimizer's path (points [k, 2] from the start), its last point marked."""
        if not paths:
            self.share_label.setText(share_text(float("nan"), final))
        else:
            for item, points in zip(self.paths, paths, strict=False):
                sizes = np.zeros(len(points))
                sizes[-1:] = 9
                item.setData(points[:, 0], points[:, 1], symbol="o", symbolSize=sizes)
            self.share_label.setText(share_text(share, final))
            if not final:
                self.plot.getPlotItem().getViewBox().autoRange(padding=0.1)
        self.share_label.show()
        self._place_labels()

    def set_surface(
        self,
        loss: np.ndarray,
        extent: tuple[float, float, float, float],
        shares: tuple[float, float] = (0.0, 0.0),
    ) -> None:
        """The loss over the plane ([y, x], row 0 at y min) shaded on a log scale, with contours;
        each axis names its direction's share of the variance (as Li et al. label theirs)."""
        self.clear_surface()
        self.say_pending("")
        item = self.plot.getPlotItem()
        item.setLabel("bottom", f"1st principal direction: {100 * shares[0]:.0f} % of the variance")
        item.setLabel("left", f"2nd: {100 * shares[1]:.0f} %")
        with np.errstate(divide="ignore", invalid="ignore"):
            shade = np.log10(np.maximum(loss.astype(np.float64), 1e-12))
        finite = np.isfinite(shade)
        top = float(shade[finite].max()) if finite.any() else 0.0
        shade = np.where(finite, shade, top)  # not a number: as high as the highest
        x0, x1, y0, y1 = extent
        self.image.setImage(shade, autoLevels=True)
        self.image.setRect(x0, y0, x1 - x0, y1 - y0)
        # Isocurves are traced in pixel units: scaled and moved onto the extent, centred on cells.
        for level in log_levels(shade):
            contour = pg.IsocurveItem(data=shade.T, level=level, pen=pg.mkPen("#6b7280", width=1))
            contour.setParentItem(self.image)
            contour.setTransform(pg.QtGui.QTransform().translate(0.5, 0.5))
            self.contours.append(contour)
        vb = self.plot.getPlotItem().getViewBox()
        vb.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)

    def path_points(self) -> list[int]:
        """How many points each path shows (for tests and screenshots)."""
        return [len(p.xData) if p.xData is not None else 0 for p in self.paths]

    # --- geometry -------------------------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place_labels()

    def _place_labels(self) -> None:
        area = self.plot.getPlotItem().getViewBox().sceneBoundingRect().toRect()
        label, room = self.share_label, max(120, area.width() - 16)
        label.setWordWrap(False)
        label.adjustSize()
        if label.width() > room:  # a narrow map: the sentence wraps rather than running off
            label.setWordWrap(True)
            label.resize(room, label.heightForWidth(room))
        label.move(area.left() + 8, area.top() + 8)
        pending = self.pending_label
        pending.move(area.right() - pending.width() - 8, area.bottom() - pending.height() - 6)
        self.empty_label.setGeometry(area.adjusted(20, 0, -20, 0))
