"""LaTeX formulas as pictures: ziamath writes the SVG (pure Python), Qt's SVG renderer paints it.

ziamath was chosen over matplotlib's mathtext (measured, docs in README): it imports in about
0.1 s against 0.5 s, needs no numpy, Pillow or fontTools, and renders every formula of the
Learn tab (`cases`, `aligned`, `\\tfrac`, `\\text` with math), five of which mathtext cannot.
It is imported on the first formula drawn, never before the window's first paint, and every
picture is cached by its text, colour, size and pixel ratio.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QByteArray, QEvent, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent, QPixmap, QShowEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

MIN_SCALE = 0.8  # the most a formula is shrunk to fit a narrow page
_cache: dict[tuple[str, str, float, float], QPixmap | None] = {}


def render_formula(latex: str, color: str, size: float, ratio: float = 1.0) -> QPixmap | None:
    """The formula drawn in `color` at a font size of `size` pixels; None if it cannot be read."""
    key = (latex, color, size, ratio)
    if key not in _cache:
        _cache[key] = _render(latex, color, size, ratio)
    return _cache[key]


def _render(latex: str, color: str, size: float, ratio: float) -> QPixmap | None:
    import ziamath  # about 0.1 s: only once a formula is on screen
    from PySide6.QtSvg import QSvgRenderer

    # Qt's renderer draws SVG Tiny 1.2, which has no <symbol>: each glyph is written out.
    ziamath.config.svg2 = False

    try:
        svg = ziamath.Latex(latex, size=size, color=color).svg()
    except Exception:  # any parse error: the label shows the LaTeX text instead
        return None
    renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
    if not renderer.isValid():
        return None
    natural = renderer.defaultSize()
    image = QImage(
        math.ceil(natural.width() * ratio),
        math.ceil(natural.height() * ratio),
        QImage.Format.Format_ARGB32_Premultiplied,
    )
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, image.width(), image.height()))
    painter.end()
    pixmap = QPixmap.fromImage(image)
    pixmap.setDevicePixelRatio(ratio)
    return pixmap


class FormulaView(QWidget):
    """One formula, drawn when first shown and again when the palette changes; shrunk to the
    width there is (never wider than its natural size), the LaTeX text if it cannot be drawn."""

    def __init__(self, latex: str = "", scale: float = 1.3, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._latex = latex
        self._scale = scale
        self._pixmap: QPixmap | None = None
        self._drawn_for: tuple[str, str, float, float] | None = None
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    @property
    def latex(self) -> str:
        return self._latex

    @property
    def is_rendered(self) -> bool:
        """The formula is drawn as mathematics (not waiting, not fallen back to its text)."""
        return self._pixmap is not None and not self._pixmap.isNull()

    def set_latex(self, latex: str) -> None:
        if latex != self._latex:
            self._latex = latex
            self._drawn_for = None
            if self.isVisible():
                self.render_now()

    def render_now(self) -> None:
        """Draw the formula for the current palette and font (cached: cheap when unchanged)."""
        color = self.palette().color(self.foregroundRole()).name()
        size = round(self.fontInfo().pixelSize() * self._scale, 1)
        ratio = self.devicePixelRatioF()
        key = (self._latex, color, size, ratio)
        if key == self._drawn_for:
            return
        self._drawn_for = key
        self._pixmap = render_formula(*key) if self._latex else None
        self.setToolTip("" if self.is_rendered else self._latex)
        self.updateGeometry()
        self.update()

    def _natural(self) -> QSize:
        if self._pixmap is not None:
            return self._pixmap.deviceIndependentSize().toSize()
        return QSize(self.fontMetrics().horizontalAdvance(self._latex), self.fontMetrics().height())

    def sizeHint(self) -> QSize:
        return self._natural() + QSize(2, 4)

    def minimumSizeHint(self) -> QSize:
        # Shrunk further the symbols are too small to read: the page scrolls sideways instead.
        natural = self._natural()
        return QSize(math.ceil(natural.width() * MIN_SCALE), 8)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        natural = self._natural()
        if natural.width() <= 0:
            return natural.height() + 4
        return math.ceil(natural.height() * min(1.0, width / (natural.width() + 2))) + 4

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.render_now()  # lazily: a formula is drawn the first time its section is shown

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.FontChange) and self.isVisible():
            self.render_now()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        if self._pixmap is None:
            painter.setPen(QColor(self.palette().color(self.foregroundRole())))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignLeft, self._latex)
            return
        natural = self._natural()
        k = min(1.0, (self.width() - 2) / max(1, natural.width()))
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.drawPixmap(
            QRectF(1, 2, natural.width() * k, natural.height() * k),
            self._pixmap,
            QRectF(self._pixmap.rect()),
        )
