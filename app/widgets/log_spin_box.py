"""A number field for rates and penalties that span decades: 0.0001 ... 10, stepped 1-3-10."""

from __future__ import annotations

import math

from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QAbstractSpinBox, QDoubleSpinBox, QWidget

LADDER = tuple(m * 10.0**e for e in range(-7, 3) for m in (1.0, 3.0))


class LogSpinBox(QDoubleSpinBox):
    """Shows values as 0.003 or 1e-05; the arrows step along 1, 3, 10, 30, ...; 0 reads 'off'."""

    def __init__(
        self,
        minimum: float,
        maximum: float,
        *,
        allow_zero: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._allow_zero = allow_zero
        self._smallest = minimum
        self.setDecimals(12)
        self.setRange(0.0 if allow_zero else minimum, maximum)
        if allow_zero:
            self.setSpecialValueText("off")
        self.setKeyboardTracking(False)
        self.setCorrectionMode(QAbstractSpinBox.CorrectionMode.CorrectToNearestValue)

    def textFromValue(self, value: float) -> str:
        return f"{value:.6g}"

    def valueFromText(self, text: str) -> float:
        text = text.strip()
        if self._allow_zero and text == self.specialValueText():
            return 0.0
        try:
            return float(text)
        except ValueError:
            return self.value()

    def validate(self, text: str, pos: int) -> object:
        stripped = text.strip()
        if self._allow_zero and stripped == self.specialValueText():
            return QValidator.State.Acceptable, text, pos
        try:
            value = float(stripped)
        except ValueError:
            partial = stripped in ("", ".", "-") or stripped.lower().endswith(("e", "e-", "e+"))
            state = QValidator.State.Intermediate if partial else QValidator.State.Invalid
            return state, text, pos
        if self.minimum() <= value <= self.maximum() and (value == 0 or value >= self._smallest):
            return QValidator.State.Acceptable, text, pos
        return QValidator.State.Intermediate, text, pos

    def stepBy(self, steps: int) -> None:
        value = self.value()
        for _ in range(abs(steps)):
            value = self._next(value, up=steps > 0)
        self.setValue(value)

    def stepEnabled(self) -> QAbstractSpinBox.StepEnabledFlag:
        flags = QAbstractSpinBox.StepEnabledFlag.StepNone
        if self.value() < self.maximum():
            flags |= QAbstractSpinBox.StepEnabledFlag.StepUpEnabled
        if self.value() > self.minimum():
            flags |= QAbstractSpinBox.StepEnabledFlag.StepDownEnabled
        return flags

    def _next(self, value: float, up: bool) -> float:
        ladder = [v for v in LADDER if self._smallest <= v <= self.maximum()]
        if up:
            bigger = [v for v in ladder if v > value * (1 + 1e-9)]
            return bigger[0] if bigger else self.maximum()
        smaller = [v for v in ladder if v < value * (1 - 1e-9)]
        if smaller:
            return smaller[-1]
        return 0.0 if self._allow_zero else ladder[0] if ladder else value


def is_close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=0.0)
