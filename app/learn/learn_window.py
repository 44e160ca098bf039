"""A Learn section in a window of its own, for a "?" pressed in a modal dialog (the CSV import's
preparation choices, the race and search dialogs): the Learn tab is behind the dialog there,
and the dialog blocks it until closed."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout, QWidget

from app.learn.design import Design
from app.learn.sections import SECTIONS_BY_ID

SIZE = (600, 440)


class LearnWindow(QDialog):
    """One section's page (built on demand); a later request shows another section in it."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setModal(False)  # beside the dialog: both can be used
        self.resize(*SIZE)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 10, 10)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        self._layout.addWidget(buttons)
        self.page: QWidget | None = None
        self.section = ""

    def show_section(self, section: str, design: Design) -> None:
        from app.learn.now import now_lines
        from app.learn.section_page import SectionPage

        if section != self.section:
            if self.page is not None:
                self.page.deleteLater()
            page = SectionPage(SECTIONS_BY_ID[section])
            self._layout.insertWidget(0, page, 1)
            self.page, self.section = page, section
            self.setWindowTitle(f"Learn: {SECTIONS_BY_ID[section].title}")
        assert isinstance(self.page, SectionPage)
        self.page.show_now(now_lines(section, design))
        self.show()
        self.raise_()
        self.activateWindow()
