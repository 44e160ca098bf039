"""One Learn section on screen: its title, sentences, formulas, and "in your network now"."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from app.learn.design import Line, Math
from app.learn.formula import FormulaView
from app.learn.sections import Section

CAPTION_WIDTH = 150  # a formula's caption wraps within this, left of the formula


def _label(text: str, role: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if role:
        label.setProperty("role", role)
    return label


class SectionPage(QScrollArea):
    """A section in a vertical scroll area; `show_now(lines)` fills its "now" box."""

    def __init__(self, section: Section, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.section = section
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(12, 8, 12, 12)
        layout.setSpacing(6)
        title = QLabel(section.title)
        font: QFont = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        title.setFont(font)
        layout.addWidget(title)
        layout.addWidget(_label(" ".join(section.text)))
        # Each formula with what it says on its left: a line each, so "now" comes soon below.
        grid = QGridLayout()
        grid.setContentsMargins(0, 4, 0, 0)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(6)
        grid.setColumnStretch(1, 1)
        self.formulas: list[FormulaView] = []
        for row, formula in enumerate(section.formulas):
            caption = _label(formula.caption, "muted")
            caption.setMaximumWidth(CAPTION_WIDTH)
            grid.addWidget(caption, row, 0, Qt.AlignmentFlag.AlignVCenter)
            view = FormulaView(formula.latex)
            self.formulas.append(view)
            grid.addWidget(view, row, 1, Qt.AlignmentFlag.AlignVCenter)
        layout.addLayout(grid)
        heading = QLabel("In your network now")
        heading.setProperty("role", "value")
        heading.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(heading)
        self.now_box = QFrame()
        self.now_box.setAutoFillBackground(True)
        self.now_box.setBackgroundRole(QPalette.ColorRole.AlternateBase)
        self.now_layout = QVBoxLayout(self.now_box)
        self.now_layout.setContentsMargins(10, 8, 10, 8)
        self.now_layout.setSpacing(4)
        layout.addWidget(self.now_box)
        layout.addStretch(1)
        self.setWidget(body)
        self.lines: list[Line] = []
        self._now_views: list[FormulaView] = []

    def show_now(self, lines: list[Line]) -> None:
        """Replace the "now" box's lines (nothing is redrawn when they are the same)."""
        if lines == self.lines:
            return
        self.lines = list(lines)
        while self.now_layout.count():
            item = self.now_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self._now_views = []
        for line in lines:
            if isinstance(line, Math):
                view = FormulaView(line.latex, scale=1.15)
                self._now_views.append(view)
                self.now_layout.addWidget(view)
            else:
                self.now_layout.addWidget(_label(line))

    def now_text(self) -> str:
        """The "now" box as text: the sentences, and each formula's LaTeX."""
        return "\n".join(line.latex if isinstance(line, Math) else line for line in self.lines)

    def now_formulas(self) -> list[FormulaView]:
        return list(self._now_views)
