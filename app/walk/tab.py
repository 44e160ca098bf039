"""The walk through one row, a page of the Learn tab, wired into the window: the row comes from
the panel's chooser, a click on the output plot or a double-click in the Predict table; the
current layer is framed on the diagram while the page is on screen.

One object made by the main window (`WalkPage`).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from app.plots.diagram_highlight import DiagramHighlight
from app.run import NO_MODEL, RunState
from core.training_process.commands import WalkRow

if TYPE_CHECKING:
    from app.main_window import MainWindow
    from app.panels.walk_panel import WalkPanel


class WalkPage:
    """The Learn tab's last page, "Walk one row". Its panel is built the first time the page is
    shown or a row is chosen (a click on the plot, a Predict row): not before the first paint."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.holder = QWidget()
        layout = QVBoxLayout(self.holder)
        layout.setContentsMargins(0, 0, 0, 0)
        window.learn_panel.add_page("Walk one row", self.holder)
        self._panel: WalkPanel | None = None
        self._highlight = DiagramHighlight(window.diagram)
        window.tabs.currentChanged.connect(self._on_page_changed)
        window.learn_panel.stack.currentChanged.connect(self._on_page_changed)
        window.run.model_changed.connect(self._on_model_changed)
        plot = window.output_view.plot
        plot.scene().sigMouseClicked.connect(self._on_plot_clicked)
        plot.setToolTip(plot.toolTip() + " Click a point to walk its row through the network.")
        table = window.predict_panel.table
        table.doubleClicked.connect(self._on_predict_row)
        table.setToolTip("Double-click a row to walk it through the network.")

    @property
    def panel(self) -> WalkPanel:
        """The walk's panel, built and wired on first use."""
        if self._panel is None:
            from app.panels.walk_panel import WalkPanel  # its pages' modules come with it

            window = self.window
            panel = self._panel = WalkPanel(window.engine, window.plots.gradients)
            self.holder.layout().addWidget(panel)
            panel.layer_shown.connect(self._frame_layer)
            window.run.configured.connect(panel.set_model)
            window.run.state_changed.connect(panel.set_state)
            if window.run.info is not None:  # built before the panel was
                panel.set_model(window.run.info)
            panel.set_state(window.run.state)
        return self._panel

    def on_screen(self) -> bool:
        learn = self.window.learn_panel
        return (
            self.window.tabs.currentWidget() is learn and learn.stack.currentWidget() is self.holder
        )

    def walk(self, command: WalkRow) -> None:
        """Walk `command`'s row and show the page."""
        window = self.window
        if window.run.state in NO_MODEL:
            return
        self.panel.request(command)
        window.learn_panel.show_page(self.holder)
        window.tabs.setCurrentWidget(window.learn_panel)

    def _frame_layer(self, name: str) -> None:
        self._highlight.show_layer(name if self.on_screen() else "")

    def _on_page_changed(self, _index: int) -> None:
        if not self.on_screen():
            self._highlight.show_layer("")
            return
        panel = self.panel
        page = panel.pages[panel.index] if panel.pages else None
        self._frame_layer(page.layer if page is not None else "")

    def _on_model_changed(self, _version: int) -> None:
        # Stepped, paused or finished: the row shown is walked again with the new weights.
        state = self.window.run.state
        if (
            self._panel is not None
            and self.on_screen()
            and state not in (*NO_MODEL, RunState.RUNNING)
        ):
            self._panel.refresh()

    def _on_plot_clicked(self, event: object) -> None:
        view = self.window.output_view
        features = view.plane_features
        pos = event.scenePos()  # type: ignore[attr-defined]
        if event.button() != Qt.MouseButton.LeftButton or features is None:  # type: ignore[attr-defined]
            return
        if not view.viewbox.sceneBoundingRect().contains(pos):
            return
        point = view.viewbox.mapSceneToView(pos)
        self.walk(WalkRow(point=(point.x(), point.y()), plane=features))

    def _on_predict_row(self, index: QModelIndex) -> None:
        predict = self.window.predict_panel
        info = self.window.run.info
        if predict.frame is None or info is None or info.preprocessor is None:
            return
        record = predict.frame.iloc[int(predict.model.order[index.row()])]
        pre = info.preprocessor
        values = tuple((name, _plain(record.get(name))) for name in pre.feature_names)
        self.walk(WalkRow(values=values, target=_plain(record.get(pre.target.name))))


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
