"""Toggles for TensorFlow Playground's input features of a toy dataset: x₁, x₂, x₁², x₂², x₁x₂,
sin x₁, sin x₂ (core.input_features), and a "?" that opens their Learn section.

The widget shows a choice and says when the user changes it (`features_changed`); the data panel
turns that into one undoable edit of the data spec. The last feature that is on cannot be turned
off: a network needs at least one input.
"""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from app.learn_links import open_learn
from app.widgets.flow_layout import FlowLayout
from core.input_features import INPUT_FEATURES

_TOGGLE_STYLE = """
QToolButton { border: 1px solid palette(mid); border-radius: 4px; padding: 2px 6px; }
QToolButton:checked { border-color: palette(highlight); background: palette(highlight);
    color: palette(highlighted-text); }
QToolButton:disabled { color: palette(mid); }
"""
LAST_ONE_TIP = "At least one input feature must be on: turn another on first."


class InputFeatureToggles(QWidget):
    """One toggle per input feature, in the registry's order, and a "?" link."""

    features_changed = Signal(tuple)  # the names now on, in the registry's order

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._enabled = True
        self.toggles: dict[str, QToolButton] = {}
        flow = FlowLayout(spacing=4)
        for name, feature in INPUT_FEATURES.items():
            button = QToolButton()
            button.setCheckable(True)
            button.setText(feature.label)
            button.setStyleSheet(_TOGGLE_STYLE)
            button.setToolTip(f"Feed the network {feature.label}: {feature.description}.")
            button.setAccessibleName(f"input feature {feature.label}")
            button.toggled.connect(self._on_toggled)
            self.toggles[name] = button
            flow.addWidget(button)
        holder = QWidget()
        holder.setLayout(flow)

        self.help = QToolButton()
        self.help.setText("?")
        self.help.setAutoRaise(True)
        self.help.setToolTip(
            "Input features: computed from x₁ and x₂ before the network sees them. With x₁² and "
            "x₂², a circle needs no hidden layer (opens Learn)."
        )
        self.help.setAccessibleName("Learn about input features")
        self.help.clicked.connect(lambda: open_learn("features"))

        # A title line of its own and the toggles below at the panel's full width: beside a
        # form label they wrapped onto four rows on a 1024-pixel screen.
        title = QLabel("Input features")
        title.setToolTip("What the network is fed: x₁, x₂ and values computed from them.")
        header = QHBoxLayout()
        header.setContentsMargins(0, 0, 0, 0)
        header.addWidget(title)
        header.addWidget(self.help)
        header.addStretch(1)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addLayout(header)
        column.addWidget(holder)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        # The data panel's form gives a row its size hint's height (one row of toggles), not its
        # height for this width: at 1024 pixels the second row was cut off under "Train / val".
        layout = self.layout()
        needed = layout.heightForWidth(event.size().width()) if layout is not None else -1
        if needed > 0 and needed != self.minimumHeight():
            self.setMinimumHeight(needed)

    def show_features(self, names: tuple[str, ...], enabled: bool = True) -> None:
        """Show `names` as on (without saying so as a change); `enabled` False while training."""
        self._enabled = enabled
        for name, button in self.toggles.items():
            with QSignalBlocker(button):
                button.setChecked(name in names)
        self._guard_last()

    def features(self) -> tuple[str, ...]:
        """The names on now, in the registry's order."""
        return tuple(name for name, b in self.toggles.items() if b.isChecked())

    def _on_toggled(self) -> None:
        self._guard_last()
        self.features_changed.emit(self.features())

    def _guard_last(self) -> None:
        on = self.features()
        for name, button in self.toggles.items():
            last = on == (name,)
            button.setEnabled(self._enabled and not last)
            feature = INPUT_FEATURES[name]
            button.setToolTip(
                LAST_ONE_TIP
                if last
                else f"Feed the network {feature.label}: {feature.description}."
            )
