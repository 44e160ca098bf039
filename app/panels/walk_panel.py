"""The Walk panel: one row walked through the network, step by step, every number with its formula.

The row comes from the row chooser here, a click on the output plot, or a row of the Predict
table (`app/walk/tab.py` wires those); the training process computes the walk (`WalkRow`,
answered by `RowWalked`) with core.walk's numpy mathematics on the current weights.
"""

from __future__ import annotations

from itertools import count
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.engine_link import EngineLink
from app.plots.gradient_plot import GradientPlot
from app.run import NO_MODEL
from app.walk.page import STEPS, Page
from app.widgets.flow_layout import FlowLayout
from core.optimizers import OPTIMIZERS
from core.training_process.commands import WalkRow
from core.training_process.messages import Configured, Failed, RowWalked

if TYPE_CHECKING:
    from core.walk.steps import RowWalk

SPLITS = (("train", "Training"), ("val", "Validation"), ("test", "Test"))


class WalkPanel(QWidget):
    """Choose a row, then Next / Back through its six steps."""

    layer_shown = Signal(str)  # the layer the current page is about ("" none)

    def __init__(
        self,
        engine: EngineLink,
        gradients: GradientPlot | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.engine = engine
        self.gradients = gradients  # the live gradient plot: its colours and latest values
        self.walk: RowWalk | None = None
        self.pages: list[Page] = []
        self.index = 0
        self._requests = count(1)
        self._request = ""
        self._split_sizes = (0, 0, 0)
        self._last: WalkRow | None = None  # the row walked last, walked again by `refresh`

        self.split = QComboBox()
        for key, label in SPLITS:
            self.split.addItem(label, key)
        self.split.setToolTip("Which rows to choose from: training, validation or test.")
        self.row = QSpinBox()
        self.row.setRange(1, 1)
        self.row.setToolTip("The row's number within the chosen rows.")
        self.walk_button = QPushButton("Walk this row")
        self.walk_button.setToolTip(
            "Walk the row through the network with the weights as they are now. You can also "
            "click a point on the output plot, or double-click a row in the Predict table."
        )
        self.walk_button.clicked.connect(self.walk_chosen_row)
        self.split.currentIndexChanged.connect(self._on_split_changed)
        self.about = QLabel("Choose a row, or click a point on the output plot.")
        self.about.setWordWrap(True)
        self.about.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        # Both rows wrap in a narrow window instead of widening it.
        chooser = QWidget()
        flow = FlowLayout(chooser)
        for widget in (QLabel("Row:"), self.split, self.row, self.walk_button):
            flow.addWidget(widget)
        self.about.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

        self.step_buttons: list[QPushButton] = []
        steps = QWidget()
        step_flow = FlowLayout(steps)
        for i, name in enumerate(STEPS):
            button = QPushButton(f"{i + 1} {name}")
            button.setCheckable(True)
            button.setFlat(True)
            button.setToolTip(f"Go to step {i + 1}: {name.lower()}.")
            button.clicked.connect(lambda _c=False, step=i: self.go_to_step(step))
            step_flow.addWidget(button)
            self.step_buttons.append(button)
        self.back_button = QPushButton("◀ Back")
        self.next_button = QPushButton("Next ▶")
        self.back_button.clicked.connect(self.back)
        self.next_button.clicked.connect(self.next)
        step_flow.addWidget(self.back_button)
        step_flow.addWidget(self.next_button)

        self.title = QLabel()
        self.title.setStyleSheet("font-weight: bold")
        self.title.setWordWrap(True)
        self.title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.optimizer = QComboBox()
        self.optimizer.setToolTip("Show what another optimizer would do with the same gradient.")
        self.optimizer.activated.connect(self._on_optimizer_chosen)
        self.optimizer.setVisible(False)
        heading = QHBoxLayout()
        heading.setContentsMargins(0, 0, 0, 0)
        heading.addWidget(self.title, 1)
        heading.addWidget(self.optimizer)

        self.text = QLabel()
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setWordWrap(True)
        self.text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setContentsMargins(4, 0, 8, 4)
        text_area = QScrollArea()
        text_area.setWidgetResizable(True)
        text_area.setWidget(self.text)
        text_area.setFrameShape(QScrollArea.Shape.NoFrame)
        self.table = QTableWidget()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.setToolTip("Every number of this step (all units of a wide layer).")
        self.body = QSplitter(Qt.Orientation.Horizontal)
        self.body.addWidget(text_area)
        self.body.addWidget(self.table)
        self.body.setChildrenCollapsible(False)
        self.body.setStretchFactor(0, 3)
        self.body.setStretchFactor(1, 2)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 6, 4, 4)
        layout.setSpacing(4)
        layout.addWidget(chooser)
        layout.addWidget(self.about)
        layout.addWidget(steps)
        layout.addLayout(heading)
        layout.addWidget(self.body, 1)

        engine.row_walked.connect(self._on_row_walked)
        engine.failed.connect(self._on_failed)
        self._update_buttons()

    # --- choosing the row ---------------------------------------------------------------------

    def set_model(self, info: Configured) -> None:
        """A model was built: its splits' sizes bound the row numbers; the walk shown was of
        another model (or other rows) and goes."""
        self._split_sizes = (info.n_train, info.n_val, info.n_test)
        self._on_split_changed()
        if self.walk is not None:
            self.walk, self.pages, self._last = None, [], None
            self.title.clear()
            self.text.clear()
            self.table.setRowCount(0)
            self.table.setColumnCount(0)
            self.optimizer.setVisible(False)
            self.layer_shown.emit("")
            self.about.setText("The network or the data changed: choose a row to walk.")
            self._update_buttons()

    def refresh(self) -> None:
        """Walk the last row again, with the weights as they are now."""
        if self._last is not None:
            self.request(self._last)

    def set_state(self, state: str) -> None:
        self.walk_button.setEnabled(state not in NO_MODEL)

    def walk_chosen_row(self) -> None:
        self.request(WalkRow(self.split.currentData(), self.row.value() - 1))

    def request(self, command: WalkRow) -> None:
        """Ask the training process for the walk of `command`'s row."""
        self._last = command
        self._request = f"walk-{next(self._requests)}"
        self.engine.send(
            WalkRow(
                command.split,
                command.index,
                command.point,
                command.plane,
                command.values,
                command.target,
                self._request,
            )
        )
        self.about.setText("Walking the row…")

    def _on_split_changed(self, *_args: object) -> None:
        n = dict(zip((k for k, _ in SPLITS), self._split_sizes, strict=True))[
            self.split.currentData()
        ]
        self.row.setRange(1, max(1, n))
        self.row.setSuffix(f" of {n:,}")

    # --- the walk -----------------------------------------------------------------------------

    @Slot(object)
    def _on_row_walked(self, answer: RowWalked) -> None:
        if answer.request != self._request:
            return  # an older row's walk
        self.show_walk(answer.walk)

    @Slot(object)
    def _on_failed(self, failed: Failed) -> None:
        if failed.command is WalkRow and failed.request == self._request:
            self.about.setText(f"Could not walk the row: {failed.message}")

    def show_walk(self, walk: RowWalk, step: int | None = None) -> None:
        """Show `walk` at the page it was on (the first page of a new one)."""
        keep = self.pages[self.index].step if self.pages and step is None else step
        self.walk = walk
        self.optimizer.clear()
        for name in walk.updates:
            suffix = " (training's)" if name == walk.optimizer else ""
            self.optimizer.addItem(OPTIMIZERS[name].label + suffix, name)
        self._build_pages()
        weights = f"weights after {walk.step:,} steps" if walk.step else "the untrained weights"
        self.about.setText(f"{walk.row}, with {weights}.")
        if walk.split:  # the chooser shows the row walked, wherever it was chosen
            self.split.setCurrentIndex(self.split.findData(walk.split))
            self.row.setValue(walk.index + 1)
        self.go_to_step(keep or 0)

    def _build_pages(self) -> None:
        # The pages' text and tables are made when a walk first arrives, not at start-up.
        from app.walk.gradient_sizes import gradient_sizes_html
        from app.walk.pages import walk_pages

        assert self.walk is not None
        html, live = gradient_sizes_html(self.walk, self.gradients)
        self.pages = walk_pages(self.walk, self.optimizer.currentData() or "", html, live)

    def go_to_step(self, step: int) -> None:
        """The first page of step `step` (0-5), or the nearest one this walk has."""
        if not self.pages:
            self._update_buttons()
            return
        at = [i for i, p in enumerate(self.pages) if p.step >= step]
        self.show_page(at[0] if at else len(self.pages) - 1)

    def next(self) -> None:
        self.show_page(min(self.index + 1, len(self.pages) - 1))

    def back(self) -> None:
        self.show_page(max(self.index - 1, 0))

    def show_page(self, index: int) -> None:
        self.index = index
        page = self.pages[index]
        of_step = [p for p in self.pages if p.step == page.step]
        part = f"  ({of_step.index(page) + 1} of {len(of_step)})" if len(of_step) > 1 else ""
        self.title.setText(f"Step {page.step + 1} of 6 — {page.title}{part}")
        self.text.setText(page.html)
        self._fill_table(page)
        self.optimizer.setVisible(page.step == 5)
        self.layer_shown.emit(page.layer)
        self._update_buttons()

    def _fill_table(self, page: Page) -> None:
        table = self.table
        table.clearContents()
        table.setColumnCount(len(page.headers))
        table.setRowCount(len(page.rows))
        table.setHorizontalHeaderLabels(list(page.headers))
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        for r, row in enumerate(page.rows):
            for c, text in enumerate(row):
                item = QTableWidgetItem(text)
                if _is_number(text):
                    item.setTextAlignment(right)
                table.setItem(r, c, item)
        table.resizeColumnsToContents()
        self._share_width()

    def _share_width(self) -> None:
        """The table as wide as its columns, up to half the room (more for the update's many
        columns); the formulas take the rest."""
        table = self.table
        needed = table.horizontalHeader().length() + table.verticalScrollBar().sizeHint().width()
        room = self.body.width() - self.body.handleWidth()
        share = 0.6 if self.pages and self.pages[self.index].step == 5 else 0.5
        width = min(needed + 2 * table.frameWidth(), int(room * share))
        self.body.setSizes([room - width, width])

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.pages:
            self._share_width()

    def _on_optimizer_chosen(self, _index: int) -> None:
        if self.walk is not None:
            self._build_pages()
            self.go_to_step(5)

    def _update_buttons(self) -> None:
        step = self.pages[self.index].step if self.pages else -1
        steps = {p.step for p in self.pages}
        for i, button in enumerate(self.step_buttons):
            button.setChecked(i == step)
            button.setEnabled(i in steps)
        self.back_button.setEnabled(bool(self.pages) and self.index > 0)
        self.next_button.setEnabled(bool(self.pages) and self.index < len(self.pages) - 1)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
