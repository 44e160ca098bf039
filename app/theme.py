"""Light and dark palettes that follow the system, and the colours the plots draw with.

`apply_theme(app)` follows the system's colour scheme; `NNPLAY_THEME=dark` (or `light`) or
`apply_theme(app, "dark")` forces one, e.g. for screenshots. Widgets that draw their own colours
read `current()`; they are told of a switch by the usual `QEvent.PaletteChange`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

# TensorFlow Playground's two class colours, used for the data, the weights and the plots.
BLUE = "#0877bd"
ORANGE = "#f59322"


@dataclass(frozen=True)
class Theme:
    dark: bool
    window: str
    base: str
    alt_base: str
    text: str
    muted: str  # secondary text: units, hints, axis labels
    button: str
    highlight: str
    border: str
    plot_background: str
    plot_foreground: str
    grid_alpha: float
    train: str  # training-loss and training-metric curves
    val: str  # validation curves
    marker: str  # vertical marks where a setting changed
    error: str
    series: tuple[str, ...]  # one colour per layer in the gradient plot


LIGHT = Theme(
    dark=False,
    window="#f5f6f8",
    base="#ffffff",
    alt_base="#eef1f5",
    text="#1f2328",
    muted="#5f6b7a",
    button="#eceff3",
    highlight="#2f6fb5",
    border="#cfd5dd",
    plot_background="#ffffff",
    plot_foreground="#3b4450",
    grid_alpha=0.25,
    train=BLUE,
    val=ORANGE,
    marker="#8e44ad",
    error="#c0392b",
    series=("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf"),
)

DARK = Theme(
    dark=True,
    window="#202327",
    base="#17191c",
    alt_base="#262a2f",
    text="#e6e8eb",
    muted="#9aa4b1",
    button="#2c3036",
    highlight="#4c8fd6",
    border="#3a3f46",
    plot_background="#17191c",
    plot_foreground="#c3c9d1",
    grid_alpha=0.2,
    train="#4aa3e8",
    val="#f7a541",
    marker="#c39bd3",
    error="#e57368",
    series=("#4aa3e8", "#f7a541", "#5cc46b", "#ef6b6b", "#b39ddb", "#c49c94", "#f48fb1", "#4dd0e1"),
)

_current = LIGHT


def current() -> Theme:
    """The theme in use (light until `apply_theme` runs)."""
    return _current


def system_prefers_dark(app: QApplication) -> bool:
    scheme = app.styleHints().colorScheme()
    if scheme == Qt.ColorScheme.Dark:
        return True
    if scheme == Qt.ColorScheme.Light:
        return False
    # Unknown (e.g. offscreen): judge by the platform palette's window colour.
    return app.palette().color(QPalette.ColorRole.Window).lightness() < 128


def apply_theme(app: QApplication, mode: str | None = None) -> Theme:
    """Set the Fusion style and a light or dark palette; mode is 'light', 'dark' or 'system'."""
    global _current
    mode = (mode or os.environ.get("NNPLAY_THEME") or "system").lower()
    dark = system_prefers_dark(app) if mode == "system" else mode == "dark"
    theme = DARK if dark else LIGHT
    _current = theme
    app.setStyle("Fusion")
    app.setPalette(_palette(theme))
    app.setStyleSheet(_style_sheet(theme))
    import pyqtgraph as pg

    pg.setConfigOptions(background=theme.plot_background, foreground=theme.plot_foreground)
    return theme


def _palette(t: Theme) -> QPalette:
    p = QPalette()
    role = QPalette.ColorRole
    colours = {
        role.Window: t.window,
        role.WindowText: t.text,
        role.Base: t.base,
        role.AlternateBase: t.alt_base,
        role.ToolTipBase: t.base,
        role.ToolTipText: t.text,
        role.PlaceholderText: t.muted,
        role.Text: t.text,
        role.Button: t.button,
        role.ButtonText: t.text,
        role.BrightText: "#ffffff",
        role.Highlight: t.highlight,
        role.HighlightedText: "#ffffff",
        role.Link: t.highlight,
        role.Mid: t.border,
        role.Midlight: t.alt_base,
        role.Dark: t.border,
        role.Shadow: "#000000",
    }
    for r, c in colours.items():
        p.setColor(r, QColor(c))
    disabled = QColor(t.muted)
    disabled.setAlpha(150)
    for r in (role.WindowText, role.Text, role.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, r, disabled)
    return p


def _style_sheet(t: Theme) -> str:
    # Only what the palette cannot say: section titles and the big Train button.
    return f"""
    QGroupBox {{ font-weight: 600; border: 1px solid {t.border}; border-radius: 6px;
                 margin-top: 1.1em; padding: 6px 6px 4px 6px; }}
    QGroupBox::title {{ subcontrol-origin: margin; left: 8px; padding: 0 4px; color: {t.text}; }}
    QLabel[role="muted"] {{ color: {t.muted}; }}
    QLabel[role="value"] {{ font-weight: 600; }}
    QLabel[role="error"] {{ color: {t.error}; }}
    QPushButton[role="primary"] {{ background: {t.highlight}; color: white; border: none;
                 border-radius: 5px; padding: 6px 14px; font-weight: 600; }}
    QPushButton[role="primary"]:hover {{ background: {QColor(t.highlight).lighter(112).name()}; }}
    QPushButton[role="primary"]:disabled {{ background: {t.border}; color: {t.muted}; }}
    QSplitter::handle {{ background: {t.window}; }}
    QSplitter::handle:hover {{ background: {t.border}; }}
    QToolTip {{ color: {t.text}; background: {t.base}; border: 1px solid {t.border}; padding: 4px; }}
    """
