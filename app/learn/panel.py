"""The Learn tab: a list of the course's ideas beside the chosen one's page.

Each section's page is built the first time it is shown, and its formulas are drawn then
(ziamath is imported by the first one): opening the window costs nothing. "In your network now"
follows the project and the run: an edit or a newly built model refills the page on screen (the
others are refilled when next shown). `add_page` adds a page of another kind (the walk through
one row) to the same list.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSignalBlocker, QTimer, Signal, Slot
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.learn.design import Design
from app.learn.sections import SECTIONS, SECTIONS_BY_ID
from app.learn_links import LEARN_LINKS
from app.project import Project
from app.run import Run

if TYPE_CHECKING:
    from app.learn.section_page import SectionPage

LIST_WIDTH = 150
NARROW = 640  # below this width the sections are chosen in a combo box, not a list


def current_design(project: Project, run: Run) -> Design:
    """The design the window shows, with the engine's model of it when that fits the design."""
    info = run.info if run.model_fits_design else None
    shape = project.shape
    return Design(
        network=project.network,
        config=project.config,
        data=project.data,
        n_inputs=shape.n_inputs,
        input_names=info.input_names if info is not None else shape.input_names,
        class_names=info.class_names if info is not None else shape.class_names,
        task=shape.task,
        head=project.head,
        info=info,
    )


class LearnPanel(QWidget):
    """Sections of the course (one per `SECTION_IDS`), then any pages added with `add_page`."""

    section_requested = Signal(str)  # a "?" or F1 asked for a section: the window shows the tab

    def __init__(self, project: Project, run: Run, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.run = run
        self.list = QListWidget()
        self.list.setFixedWidth(LIST_WIDTH)
        self.list.setAccessibleName("Learn sections")
        # In a narrow tab (a 1024-wide window) the list gives its width to the page: a combo
        # box above the page chooses the section instead.
        self.picker = QComboBox()
        self.picker.setAccessibleName("Learn section")
        self.picker.setVisible(False)
        self.stack = QStackedWidget()
        self._pages: dict[str, SectionPage] = {}
        self._ids: list[str] = []  # the list's rows: section ids, then added pages' titles
        for section in SECTIONS:
            self.list.addItem(QListWidgetItem(section.short))
            self.picker.addItem(section.title)
            self._ids.append(section.id)
            self.stack.addWidget(QWidget())  # the page is built when first shown
        right = QVBoxLayout()
        right.setContentsMargins(0, 0, 0, 0)
        right.addWidget(self.picker)
        right.addWidget(self.stack, 1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.list)
        layout.addLayout(right, 1)
        # A burst of edits (a spin box typed in) refills the page once.
        self._refill = QTimer(self)
        self._refill.setSingleShot(True)
        self._refill.setInterval(80)
        self._refill.timeout.connect(self._fill_current)
        self.list.currentRowChanged.connect(self._on_row_changed)
        self.picker.currentIndexChanged.connect(self.list.setCurrentRow)
        project.changed.connect(self._on_design_changed)
        run.configured.connect(self._on_design_changed)
        LEARN_LINKS.requested.connect(self.show_section)
        self.list.setCurrentRow(0)

    # --- public ---------------------------------------------------------------------------------

    def add_page(self, title: str, widget: QWidget) -> None:
        """Add a page of its own (e.g. a walk through one row) below the sections."""
        self.list.addItem(QListWidgetItem(title))
        self.picker.addItem(title)
        self._ids.append(title)
        self.stack.addWidget(widget)

    def show_page(self, widget: QWidget) -> None:
        """Select a page added with `add_page` (the window shows the tab)."""
        self.list.setCurrentRow(self.stack.indexOf(widget))

    def show_section(self, section: str) -> None:
        """Select `section` (a SECTION_ID) and ask the window to show the tab."""
        if section in SECTIONS_BY_ID:
            self.list.setCurrentRow(self._ids.index(section))
            self.section_requested.emit(section)

    @property
    def current_section(self) -> str:
        return self._ids[self.list.currentRow()]

    def page(self, section: str) -> SectionPage:
        """The section's page, built now if it was not yet."""
        from app.learn.section_page import SectionPage

        if section not in self._pages:
            row = self._ids.index(section)
            page = SectionPage(SECTIONS_BY_ID[section])
            placeholder = self.stack.widget(row)
            self.stack.insertWidget(row, page)
            if placeholder is not None:
                self.stack.removeWidget(placeholder)
                placeholder.deleteLater()
            self._pages[section] = page
        return self._pages[section]

    # --- slots ----------------------------------------------------------------------------------

    @Slot(int)
    def _on_row_changed(self, row: int) -> None:
        if row < 0:
            return
        with QSignalBlocker(self.picker):
            self.picker.setCurrentIndex(row)
        key = self._ids[row]
        if key in SECTIONS_BY_ID and self.isVisible():
            self.page(key)  # a hidden tab builds its page when shown (showEvent)
        self.stack.setCurrentIndex(row)
        self._fill_current()

    @Slot()
    def _on_design_changed(self) -> None:
        if self.isVisible():
            self._refill.start()

    @Slot()
    def _fill_current(self) -> None:
        if not self.isVisible():
            return  # filled when shown (showEvent)
        from app.learn.now import now_lines  # formulas' text: loaded when a page is first shown

        key = self._ids[self.list.currentRow()] if self.list.currentRow() >= 0 else ""
        if key in SECTIONS_BY_ID and key not in self._pages and self.isVisible():
            self.page(key)
            self.stack.setCurrentIndex(self.list.currentRow())
        if key in self._pages:
            page = self._pages[key]
            page.show_now(now_lines(key, current_design(self.project, self.run)))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        narrow = event.size().width() < NARROW
        self.list.setVisible(not narrow)
        self.picker.setVisible(narrow)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fill_current()  # edits made while the tab was hidden
