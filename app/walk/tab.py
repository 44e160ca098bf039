"""The walk through one row, a page of the Learn tab, wired into the window: the row comes from
the panel's chooser, a click on the output plot or a double-click in the Predict table; the
current layer is framed on the diagram while the page is on screen.

One call from the main window (`add_walk_page`).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt

from app.panels.walk_panel import NO_MODEL, WalkPanel
from app.plots.diagram_highlight import DiagramHighlight
from app.run import RunState
from core.training_process.commands import WalkRow

if TYPE_CHECKING:
    from app.main_window import MainWindow


def add_walk_page(window: MainWindow) -> WalkPanel:
    """Add the walk as the Learn tab's last page ("Walk one row"), and wire it."""
    panel = WalkPanel(window.engine, window.plots.gradients)
    tabs, learn = window.tabs, window.learn_panel
    learn.add_page("Walk one row", panel)
    highlight = DiagramHighlight(window.diagram)

    def on_screen() -> bool:
        return tabs.currentWidget() is learn and learn.stack.currentWidget() is panel

    def frame_layer(name: str) -> None:
        highlight.show_layer(name if on_screen() else "")

    def on_page_changed(_index: int) -> None:
        page = panel.pages[panel.index] if panel.pages else None
        frame_layer(page.layer if page is not None else "")

    panel.layer_shown.connect(frame_layer)
    tabs.currentChanged.connect(on_page_changed)
    learn.stack.currentChanged.connect(on_page_changed)
    window.run.configured.connect(panel.set_model)
    window.run.state_changed.connect(panel.set_state)
    panel.set_state(window.run.state)

    def on_model_changed(_version: int) -> None:
        # Stepped, paused or finished: the row shown is walked again with the new weights.
        if on_screen() and window.run.state not in (*NO_MODEL, RunState.RUNNING):
            panel.refresh()

    window.run.model_changed.connect(on_model_changed)

    def walk(command: WalkRow) -> None:
        if window.run.state in NO_MODEL:
            return
        panel.request(command)
        learn.show_page(panel)
        tabs.setCurrentWidget(learn)

    def on_plot_clicked(event: object) -> None:
        view = window.output_view
        features = view.plane_features
        pos = event.scenePos()  # type: ignore[attr-defined]
        if event.button() != Qt.MouseButton.LeftButton or features is None:  # type: ignore[attr-defined]
            return
        if not view.viewbox.sceneBoundingRect().contains(pos):
            return
        point = view.viewbox.mapSceneToView(pos)
        walk(WalkRow(point=(point.x(), point.y()), plane=features))

    def on_predict_row(index: QModelIndex) -> None:
        predict = window.predict_panel
        info = window.run.info
        if predict.frame is None or info is None or info.preprocessor is None:
            return
        record = predict.frame.iloc[int(predict.model.order[index.row()])]
        pre = info.preprocessor
        values = tuple((name, _plain(record.get(name))) for name in pre.feature_names)
        walk(WalkRow(values=values, target=_plain(record.get(pre.target.name))))

    window.output_view.plot.scene().sigMouseClicked.connect(on_plot_clicked)
    plot = window.output_view.plot
    plot.setToolTip(plot.toolTip() + " Click a point to walk its row through the network.")
    window.predict_panel.table.doubleClicked.connect(on_predict_row)
    window.predict_panel.table.setToolTip("Double-click a row to walk it through the network.")
    return panel


def _plain(value: object) -> float | str | None:
    """A table's value as WalkRow carries it: a number, a text, or None where missing."""
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return None if math.isnan(float(value)) else float(value)
    if hasattr(value, "item"):  # a numpy scalar
        return _plain(value.item())
    text = str(value)
    return None if text in ("", "nan", "<NA>") else text
