"""This row's gradient size per layer, in the colours of the live gradient plot's lines."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app import theme
from app.walk.backward_pages import gradient_sizes
from app.walk.page import num
from core.walk.steps import RowWalk

if TYPE_CHECKING:
    from app.plots.gradient_plot import GradientPlot


def gradient_sizes_html(walk: RowWalk, plot: GradientPlot | None) -> tuple[str, dict[str, float]]:
    """(a line of coloured squares and sizes, the plot's latest value per layer)."""
    sizes = gradient_sizes(walk)
    if not sizes:
        return "", {}
    names = list(plot.layer_names) if plot is not None else []
    series = theme.current().series
    live: dict[str, float] = {}
    if plot is not None and len(plot.norms) and plot.norms.columns == len(names):
        # The plot stores each layer's smoothed log10 size.
        live = {n: float(10 ** plot.norms.y(i)[-1]) for i, n in enumerate(names)}
    items = []
    for name, size in sizes:
        color = series[names.index(name) % len(series)] if name in names else theme.current().muted
        items.append(f"<span style='color:{color}'>■</span>&nbsp;{name}&nbsp;{num(size)}")
    html = (
        "<p>This row's gradient size per layer, in the colours of the gradient plot's lines "
        "(Training tab): " + " &nbsp; ".join(items) + "</p>"
    )
    return html, live
