"""The Help menu: Learn (F1: the section of the control with the focus), Keyboard shortcuts, About.

It also brings the Learn tab forward whenever a "?" or F1 asks for a section.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QMenuBar
from shiboken6 import isValid

from app.learn_links import open_learn
from app.widgets.learn_button import section_for
from core.training_process.messages import Ready

if TYPE_CHECKING:
    from app.dialogs.about_dialog import AboutDialog
    from app.dialogs.shortcuts_dialog import ShortcutsDialog
    from app.learn.learn_window import LearnWindow
    from app.main_window import MainWindow


class HelpMenu(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.torch_version = ""  # from the training process's Ready: this process has no torch
        self.about_dialog: AboutDialog | None = None
        self.shortcuts_dialog: ShortcutsDialog | None = None
        self.learn_window: LearnWindow | None = None  # a section opened from a modal dialog
        self.learn_action = QAction("&Learn", window)
        self.learn_action.setShortcut(QKeySequence(Qt.Key.Key_F1))
        self.learn_action.setStatusTip("Explain the control that has the focus, in the Learn tab.")
        self.learn_action.triggered.connect(self.learn_about_focus)
        self.shortcuts_action = QAction("&Keyboard shortcuts", window)
        self.shortcuts_action.triggered.connect(self.show_shortcuts)
        self.about_action = QAction("&About NN Playground", window)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.about_action.triggered.connect(self.show_about)
        window.engine.ready.connect(self._on_ready)
        window.learn_panel.section_requested.connect(self._show_learn_tab)

    def add_to(self, bar: QMenuBar) -> None:
        menu = bar.addMenu("&Help")
        menu.addAction(self.learn_action)
        menu.addAction(self.shortcuts_action)
        menu.addSeparator()
        menu.addAction(self.about_action)

    @Slot()
    def learn_about_focus(self) -> None:
        """Open the Learn section of the focused control (or of the nearest marked parent)."""
        focus = QApplication.focusWidget()
        if focus is not None and self.window.learn_panel.isAncestorOf(focus):
            return  # already reading: F1 there keeps the section
        open_learn(section_for(focus))

    @Slot()
    def show_shortcuts(self) -> None:
        from app.dialogs.shortcuts_dialog import ShortcutsDialog  # built when first asked for

        self.shortcuts_dialog = ShortcutsDialog(self.window)
        self.shortcuts_dialog.open()

    @Slot()
    def show_about(self) -> None:
        info = self.window.run.info
        from app.dialogs.about_dialog import AboutDialog, versions

        self.about_dialog = AboutDialog(
            versions(self.torch_version, info.device_name if info else ""), self.window
        )
        self.about_dialog.open()

    @Slot(object)
    def _on_ready(self, ready: Ready) -> None:
        self.torch_version = ready.torch_version

    @Slot(str)
    def _show_learn_tab(self, section: str) -> None:
        modal = QApplication.activeModalWidget()
        if modal is None or modal is self.window:
            self.window.tabs.setCurrentWidget(self.window.learn_panel)
            return
        # The tab is behind the dialog, which blocks it: the section opens beside the dialog.
        from app.learn.learn_window import LearnWindow
        from app.learn.panel import current_design

        beside = self.learn_window
        if beside is None or not isValid(beside) or beside.parent() is not modal:
            beside = self.learn_window = LearnWindow(modal)
        beside.show_section(section, current_design(self.window.project, self.window.run))
