"""The network builder: the layers as cards from input to output, edited by clicking.

Every change goes through `Project.edit_network`, so undo and redo cover all of them; the panel
redraws itself from the project on `changed('network')` and `changed('data')`, reusing its cards
so the spin box being typed in keeps its focus and caret.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from PySide6.QtCore import QByteArray, QEvent, QMimeData, QObject, QPoint, Qt
from PySide6.QtGui import (
    QColor,
    QDrag,
    QPainter,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.network_shapes import layer_shapes
from app.panels.card_list import LAYER_MIME, CardList, InsertRow
from app.panels.io_cards import InputCard, OutputCard
from app.panels.layer_card import LayerCard, error_label
from app.project import Project
from core.health import Hint
from core.layers import LAYER_KINDS
from core.spec import LayerShape, LayerSpec

__all__ = ["LAYER_MIME", "NetworkPanel"]


class NetworkPanel(QWidget):
    """Builds the hidden layers between the data's inputs and the task's output layer."""

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self._training = False

        # In the total's place while training runs (the status bar names the total then), so
        # the note takes no row from the cards.
        self.training_note = QLabel("Stop training to edit.")
        self.training_note.setToolTip("Training is running: stop it to change the network.")
        self.training_note.setProperty("role", "muted")
        self.training_note.setStyleSheet("font-style: italic;")
        self.training_note.setVisible(False)

        self.input_card = InputCard()
        self.output_card = OutputCard()
        self.output_card.binary_output_changed.connect(self._on_binary_output_changed)
        self.cards: list[LayerCard] = []
        self.insert_rows: list[InsertRow] = []

        self._list = CardList()
        self._list.layer_dropped.connect(self._on_layer_dropped)
        self._column = QVBoxLayout(self._list)
        self._column.setContentsMargins(6, 2, 6, 2)
        self._column.setSpacing(0)
        self._column.addWidget(self.input_card)
        self._column.addWidget(self._new_insert_row())
        self._column.addWidget(self.output_card)
        self._column.addStretch(1)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        scroll.setWidget(self._list)
        self.scroll_area = scroll

        # The total sits on the title row (each card shows its own width, and the diagram all of
        # them), so that the column keeps its height for the cards.
        self.total_label = QLabel()
        bold = self.total_label.font()
        bold.setBold(True)
        self.total_label.setFont(bold)
        self.total_label.setWordWrap(True)
        self.total_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.problem_label = error_label()
        footer = QVBoxLayout()
        footer.setContentsMargins(10, 2, 10, 4)
        footer.addWidget(self.problem_label)

        title = QLabel("Network")
        font = title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        title.setFont(font)
        title_row = QHBoxLayout()
        title_row.addWidget(title, 0, Qt.AlignmentFlag.AlignTop)
        title_row.addWidget(self.total_label, 1)
        title_row.addStretch(0)
        title_row.addWidget(self.training_note)
        head = QVBoxLayout()
        head.setContentsMargins(10, 4, 10, 0)
        head.setSpacing(2)
        head.addLayout(title_row)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(head)
        layout.addWidget(scroll, 1)
        layout.addLayout(footer)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)

        project.changed.connect(self._on_project_changed)
        self._refresh()
        # Wide enough for a dense card's row of controls beside a vertical scroll bar, and for
        # the widest card shown (the output card's row is wider than a layer's): none is cut off.
        probe = LayerCard()
        margins = self._column.contentsMargins()
        self._dense_width = probe.minimumSizeHint().width() + margins.left() + margins.right()
        probe.deleteLater()
        self.fit_width()
        self._list.installEventFilter(self)

    # --- public -------------------------------------------------------------------------------

    def set_training(self, running: bool) -> None:
        """Forbid structure edits while training runs (the running model could not follow them)."""
        self._training = running
        self.training_note.setVisible(running)
        self.total_label.setVisible(not running)
        for card in self.cards:
            card.set_editable(not running)
        for row in self.insert_rows:
            row.setEnabled(not running)
        self.output_card.set_editable(not running)

    def show_hints(self, hints: Sequence[Hint]) -> None:
        """Put each health hint on its layer's card (hints about the whole network go to the
        status bar); no hints clears every badge."""
        for card in self.cards:
            card.show_hints([h for h in hints if h.layer == card.index])

    def height_for_all_cards(self, width: int) -> int:
        """The height at which every card shows without scrolling when the panel is `width`
        wide (measured from the panel as laid out now)."""
        viewport = self.scroll_area.viewport()
        around = self.height() - viewport.height()  # the title and the footer
        # At the column's width: wrapped texts take more lines than at their preferred width.
        column = width - (self.width() - viewport.width())
        cards = self._list.heightForWidth(column) if self._list.hasHeightForWidth() else -1
        return around + max(cards, self._list.sizeHint().height())

    @property
    def total_parameters(self) -> int | None:
        """The parameter count shown in the footer (None while the network is invalid)."""
        shapes = self._shapes()
        return None if None in shapes else sum(s.parameters for s in shapes if s is not None)

    # --- showing the project ------------------------------------------------------------------

    def _on_project_changed(self, field: str) -> None:
        if field in ("network", "data"):
            self._refresh()

    def _shapes(self) -> list[LayerShape | None]:
        return layer_shapes(
            self.project.network, self.project.shape.n_inputs, self.project.head.units
        )

    def _refresh(self) -> None:
        network, shape, head = self.project.network, self.project.shape, self.project.head
        layers = network.layers
        self._set_card_count(len(layers))
        shapes = self._shapes()
        for i, (card, layer) in enumerate(zip(self.cards, layers, strict=True)):
            card.show_layer(i, len(layers), layer, shapes[i])
            card.set_editable(not self._training)
        self.input_card.show_inputs(shape.input_names, shape.n_inputs)
        self.output_card.show_head(head, len(shape.class_names), network.binary_output, shapes[-1])
        total = self.total_parameters
        if total is None:
            self.total_label.setText("Total unknown: fix the layers in red")
            self.total_label.setToolTip("")
        else:
            self.total_label.setText(f"{total:,} parameter{'s' if total != 1 else ''} in all")
            widths = [shape.n_inputs] + [s.out_features for s in shapes if s is not None]
            self.total_label.setToolTip(
                "The weights and biases the whole network learns. Widths, input to output: "
                + " → ".join(f"{w:,}" for w in widths)
            )
        problems = [p for p in network.problems() if not p.startswith("layer ")]
        self.problem_label.setText("\n".join(problems))
        self.problem_label.setVisible(bool(problems))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # The cards' widths settle when they are polished and whenever their texts change.
        if watched is self._list and event.type() == QEvent.Type.LayoutRequest:
            self.fit_width()
        return super().eventFilter(watched, event)

    def fit_width(self) -> None:
        """As wide as the widest card (the window calls it before sharing out its space)."""
        widest = max(self._dense_width, self._list.minimumSizeHint().width())
        self.setMinimumWidth(widest + self.scroll_area.verticalScrollBar().sizeHint().width() + 2)

    def _set_card_count(self, n: int) -> None:
        # Cards are positional and reused; only the surplus is removed, so editing never
        # destroys the widget under the user's cursor.
        while len(self.cards) < n:
            card = LayerCard()
            card.layer_edited.connect(
                lambda layer, text, c=card: self._on_layer_edited(c.index, layer, text)
            )
            card.remove_clicked.connect(lambda c=card: self._on_remove_clicked(c.index))
            card.duplicate_clicked.connect(lambda c=card: self._on_duplicate_clicked(c.index))
            card.move_clicked.connect(lambda delta, c=card: self._on_move_clicked(c.index, delta))
            card.drag_started.connect(lambda c=card: self._on_drag_started(c))
            at = self._column.indexOf(self.output_card)
            self._column.insertWidget(at, card)
            self._column.insertWidget(at + 1, self._new_insert_row())
            self.cards.append(card)
        while len(self.cards) > n:
            card = self.cards.pop()
            row = self.insert_rows.pop()
            for widget in (card, row):
                self._column.removeWidget(widget)
                widget.hide()  # gone at once, not when the event loop gets to deleting it
                widget.deleteLater()
        for i, row in enumerate(self.insert_rows):
            row.slot = i

    def _new_insert_row(self) -> InsertRow:
        row = InsertRow()
        row.slot = len(self.insert_rows)
        row.add_clicked.connect(lambda kind, r=row: self._on_add_clicked(r.slot, kind))
        row.setEnabled(not self._training)
        self.insert_rows.append(row)
        self._list.rows = self.insert_rows
        return row

    # --- edits --------------------------------------------------------------------------------

    def _edit(self, layers: list[LayerSpec], text: str, merge: bool = False) -> None:
        # Spin box typing merges into one undo step; a click is always a step of its own.
        self.project.edit_network(replace(self.project.network, layers=tuple(layers)), text, merge)

    def _on_layer_edited(self, index: int, layer: LayerSpec, text: str) -> None:
        layers = list(self.project.network.layers)
        if layers[index] == layer:
            return
        layers[index] = layer
        self._edit(
            layers, text, merge=text.startswith("Change units") or text.startswith("Change dropout")
        )

    def _on_add_clicked(self, slot: int, kind: str) -> None:
        layers = list(self.project.network.layers)
        layers.insert(slot, self._new_layer(layers, slot, kind))
        label = LAYER_KINDS[kind].label.lower()
        self._edit(layers, f"Add a {label} layer as layer {slot + 1}")

    @staticmethod
    def _new_layer(layers: list[LayerSpec], slot: int, kind: str) -> LayerSpec:
        """A new layer of `kind`; a dense one copies the nearest dense layer above (or below)."""
        if kind != "dense":
            return LayerSpec(kind=kind)
        above = [layer for layer in layers[:slot] if layer.kind == "dense"]
        below = [layer for layer in layers[slot:] if layer.kind == "dense"]
        like = above[-1] if above else below[0] if below else None
        if like is None:
            return LayerSpec(kind="dense", units=8, activation="tanh")
        return LayerSpec(kind="dense", units=like.units, activation=like.activation, bias=like.bias)

    def _on_remove_clicked(self, index: int) -> None:
        layers = list(self.project.network.layers)
        del layers[index]
        self._edit(layers, f"Remove layer {index + 1}")

    def _on_duplicate_clicked(self, index: int) -> None:
        layers = list(self.project.network.layers)
        layers.insert(index + 1, layers[index])
        self._edit(layers, f"Duplicate layer {index + 1}")

    def _on_move_clicked(self, index: int, delta: int) -> None:
        self._move(index, index + delta + (1 if delta > 0 else 0))

    def _on_layer_dropped(self, source: int, slot: int) -> None:
        if not self._training:
            self._move(source, slot)

    def _move(self, source: int, slot: int) -> None:
        """Move hidden layer `source` into insert slot `slot` (0 = first, n = last)."""
        layers = list(self.project.network.layers)
        if not 0 <= source < len(layers) or not 0 <= slot <= len(layers):
            return
        target = slot if slot <= source else slot - 1
        if target == source:
            return
        layers.insert(target, layers.pop(source))
        where = "up" if target < source else "down"
        self._edit(layers, f"Move layer {source + 1} {where}")

    def _on_binary_output_changed(self, binary_output: str) -> None:
        if binary_output != self.project.network.binary_output:
            network = replace(self.project.network, binary_output=binary_output)
            self.project.edit_network(network, f"Answer two classes with {binary_output}")

    def _on_drag_started(self, card: LayerCard) -> None:
        if self._training:
            return
        mime = QMimeData()
        mime.setData(LAYER_MIME, QByteArray(str(card.index).encode()))
        drag = QDrag(card)
        drag.setMimeData(mime)
        pixmap = card.grab()
        faded = pixmap.copy()
        faded.fill(QColor(0, 0, 0, 0))
        painter = QPainter(faded)
        painter.setOpacity(0.75)
        painter.drawPixmap(0, 0, pixmap)
        painter.end()
        drag.setPixmap(faded)
        drag.setHotSpot(QPoint(12, 12))
        drag.exec(Qt.DropAction.MoveAction)
