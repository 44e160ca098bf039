"""The small "?" beside a control whose idea the Learn tab explains, and what F1 reads.

`learn_button(section, control)` makes the button and marks the control (and the button) with
the section's id in the dynamic property `learn_section`, so Help > Learn (F1) opens the section
of whatever control has the keyboard focus: `section_for(widget)` walks up from it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QHBoxLayout, QToolButton, QWidget

from app.learn_links import SECTION_IDS, open_learn

PROPERTY = "learn_section"


def mark(section: str, *widgets: QWidget) -> None:
    """F1 on any of `widgets` (or inside one) opens `section`."""
    if section not in SECTION_IDS:
        raise ValueError(f"no Learn section {section!r}")
    for widget in widgets:
        widget.setProperty(PROPERTY, section)


def learn_button(section: str, *controls: QWidget) -> QToolButton:
    """A small "?" that opens `section` of the Learn tab; `controls` get F1 to it too."""
    from app.learn.sections import SECTIONS_BY_ID  # text only: no widgets, nothing heavy

    title = SECTIONS_BY_ID[section].title
    button = QToolButton()
    button.setText("?")
    button.setAutoRaise(True)
    button.setCursor(Qt.CursorShape.WhatsThisCursor)
    button.setToolTip(f"Learn: {title} (F1 on the control opens it too)")
    button.setAccessibleName(f"Learn about {title}")
    # Not a tab stop: F1 on the control itself reaches the same section.
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    side = button.fontMetrics().height() + 4
    button.setFixedSize(side, side)
    font = button.font()
    font.setBold(True)
    button.setFont(font)
    button.setStyleSheet("QToolButton { padding: 0px; color: palette(link); }")
    mark(section, button, *controls)
    button.clicked.connect(lambda: open_learn(section))
    return button


def f1_opens_learn(dialog: QWidget) -> QShortcut:
    """F1 in `dialog` opens the section of its focused control: the main window's F1 does not
    reach a window of its own (and a modal dialog blocks it); the section opens beside it."""
    shortcut = QShortcut(QKeySequence(Qt.Key.Key_F1), dialog)
    shortcut.activated.connect(lambda: open_learn(section_for(QApplication.focusWidget())))
    return shortcut


def section_for(widget: QWidget | None) -> str:
    """The Learn section of `widget` or the nearest parent marked with one; else the first."""
    while widget is not None:
        section = widget.property(PROPERTY)
        if isinstance(section, str) and section in SECTION_IDS:
            return section
        widget = widget.parentWidget()
    return SECTION_IDS[0]


def labelled(label: QWidget, button: QToolButton) -> QWidget:
    """A form's label with its "?" after it, the two kept to the right of the label column."""
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(2)
    row.addStretch(1)
    row.addWidget(label)
    row.addWidget(button)
    return box
