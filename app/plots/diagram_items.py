"""The network diagram's graphics items: what each column, bar and gap is drawn with.

Every item a pointer can rest on has a `describe` callable (app.plots.diagram_hover), read by
`DiagramScene` when a tooltip is asked for, so the text shows the weights as they are then.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtWidgets import (
    QGraphicsLineItem,
    QGraphicsPixmapItem,
    QGraphicsPolygonItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSceneHelpEvent,
    QGraphicsSimpleTextItem,
    QToolTip,
)

from app.plots.diagram_layout import Bar, Column


class DiagramScene(QGraphicsScene):
    """Shows each item's tooltip from its `describe` callable, so it can read live weights."""

    def helpEvent(self, event: QGraphicsSceneHelpEvent) -> None:
        item = self.itemAt(event.scenePos(), self.views()[0].transform() if self.views() else None)
        while item is not None and not callable(getattr(item, "describe", None)):
            item = item.parentItem()
        text = item.describe() if item is not None else ""  # type: ignore[attr-defined]
        if text:
            QToolTip.showText(event.screenPos(), text)
        else:
            QToolTip.hideText()
        event.accept()


class NodeItem(QGraphicsRectItem):
    """A unit, a block or a bar."""

    describe: Callable[[], str]


class LineItem(QGraphicsLineItem):
    """A weight, or all of a node's weights to or from a block."""

    describe: Callable[[], str]


class BandItem(QGraphicsPolygonItem):
    """All the weights between two blocks."""

    describe: Callable[[], str]


@dataclass
class ColumnItems:
    """A column's graphics items: a node (with its heatmap) per unit, or one block."""

    layer: Column
    nodes: list[QGraphicsRectItem] = field(default_factory=list)
    heatmaps: list[QGraphicsPixmapItem] = field(default_factory=list)
    block: QGraphicsRectItem | None = None
    block_text: QGraphicsSimpleTextItem | None = None
    title_item: QGraphicsSimpleTextItem | None = None
    subtitle_item: QGraphicsSimpleTextItem | None = None

    @property
    def kind(self) -> str:
        return self.layer.kind

    @property
    def units(self) -> int:
        return self.layer.units

    @property
    def is_block(self) -> bool:
        return self.layer.is_block


@dataclass
class BarItems:
    """A dropout or normalisation layer's bar and its rotated label."""

    layer: Bar
    rect: QGraphicsRectItem | None = None
    text: QGraphicsSimpleTextItem | None = None

    @property
    def label(self) -> str:
        return self.layer.label


@dataclass
class GapItems:
    """The weights between column `gap` and the next: lines, or a band between two blocks."""

    gap: int
    lines: list[QGraphicsLineItem] = field(default_factory=list)
    band: QGraphicsPolygonItem | None = None
