"""The main window: lays the panels out and wires them to the project and the run.

Everything on one screen, as in TensorFlow Playground: the run's controls along the top; data on
the left; the network builder and its diagram in the centre above the live plots; the output
and the training settings on the right. Splitters let each area grow.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Slot
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QShowEvent
from PySide6.QtWidgets import QMainWindow, QVBoxLayout, QWidget

from app.csv_import import CsvImport, dropped_csv
from app.engine_link import EngineLink
from app.file_actions import FileActions
from app.help_menu import HelpMenu
from app.icons import icon
from app.learn.panel import LearnPanel
from app.panels.controls_panel import ControlsPanel
from app.panels.data_panel import DataPanel
from app.panels.evaluation_panel import EvaluationPanel
from app.panels.network_panel import NetworkPanel
from app.panels.predict_panel import PredictPanel
from app.panels.training_panel import TrainingPanel
from app.plots.network_diagram import NetworkDiagram
from app.plots.output_view import OutputView
from app.plots.training_plots import TrainingPlots
from app.project import Project
from app.race_launcher import RaceLauncher
from app.race_runs import keep_race, race_outcome
from app.run import ACTIVE, Run
from app.run_history import RunHistory
from app.search_action import SearchAction
from app.search_runs import keep_trial
from app.snapshot_views import show_snapshot
from app.walk.tab import WalkPage
from app.widgets.combo_choices import show_full_text
from app.widgets.wheel_guard import guard_wheel_below
from app.window_layout import (
    DEFAULT_SIZE,
    add_runs_tab,
    build_splits,
    central_widget,
    centre_tabs,
    network_splits,
    share_space,
)
from app.window_menus import fill_menu_bar, fill_status_bar, undo_actions
from core.data_spec import CsvSource
from core.events import HyperparameterChanged, TrainStarted
from core.health import Hint
from core.runs import named_by_data
from core.training_process.commands import Configure
from core.training_process.messages import (
    Configured,
    Failed,
    RaceFinished,
    Ready,
    SearchTrialEnded,
    Snapshot,
)

if TYPE_CHECKING:
    from app.panels.runs_panel import RunsPanel
    from app.panels.walk_panel import WalkPanel


class MainWindow(QMainWindow):
    def __init__(self, project: Project | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("NN Playground")
        self.setWindowIcon(icon("app"))
        self.resize(*DEFAULT_SIZE)
        self.project = project or Project(self)
        self.engine = EngineLink(self)
        self.run = Run(self.project, self.engine, self)
        self.runs = RunHistory(self.project, self.engine, self)

        self.controls = ControlsPanel()
        self.data_panel = DataPanel(self.project)
        self.network_panel = NetworkPanel(self.project)
        self.diagram = NetworkDiagram(self.project)
        self.plots = TrainingPlots()
        self._runs_panel: RunsPanel | None = None  # built when its tab is first shown
        self._runs_holder = QWidget()
        QVBoxLayout(self._runs_holder).setContentsMargins(0, 0, 0, 0)
        self.output_view = OutputView(self.project)
        self.training_panel = TrainingPanel(self.project)
        self.evaluation_panel = EvaluationPanel(self.engine, self.run)
        self.predict_panel = PredictPanel(self.engine, self.run)
        self.learn_panel = LearnPanel(self.project, self.run)
        self.csv_import = CsvImport(self.project, self)
        self.files = FileActions(self)  # File > New, Open, Save, Export; autosave and recovery
        self.races = RaceLauncher(self, self.engine, self.run, self.project)
        self.files.exporter.project_file = lambda: self.files.path
        self.files.exporter.data_file = self._data_file
        self.files.runs = lambda: tuple(self.runs.runs)
        self.setAcceptDrops(True)  # a CSV file dropped on the window opens the import dialog
        self._build_layout()
        self._build_menus()
        self._build_status_bar()
        self._connect()
        guard_wheel_below(self)  # the wheel scrolls the panels, never a value passed over
        self._on_state_changed(self.run.state)

    # --- layout ---------------------------------------------------------------------------------

    def _build_layout(self) -> None:
        self.network_split, self.centre_split = network_splits(self)
        self.tabs = centre_tabs(self)
        self.walk_page = WalkPage(self)  # Learn's last page, "Walk one row"
        self.runs_tab = add_runs_tab(self.tabs, self._runs_holder)
        self.tabs.currentChanged.connect(self._on_tab_changed)
        splits = self._splits = build_splits(self, self.network_split, self.centre_split)
        self.main_split, self.right_split = splits.main, splits.right
        share_space(splits, self.network_panel, *DEFAULT_SIZE)
        self._shared_on_show = False
        self.setCentralWidget(central_widget(self.files.banner, self.controls, self.main_split))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._shared_on_show:  # once: later the user's splitter positions stand
            self._shared_on_show = True
            handle = self.main_split.handleWidth()
            width, height = self.main_split.width(), self.centre_split.height()
            # The cards are polished now: their widths decide the column's, and so how tall it is.
            self.network_panel.fit_width()
            share_space(self._splits, self.network_panel, width - 2 * handle, height - handle)

    def _data_file(self) -> Path | None:
        """The CSV the design reads, if it reads one (a toy dataset has no file)."""
        source = self.project.data.source
        return Path(source.path) if isinstance(source, CsvSource) else None

    def _build_menus(self) -> None:
        self.undo_action, self.redo_action = undo_actions(self.project.undo_stack, self)
        self.search_action = SearchAction(self)
        self.help = HelpMenu(self)  # Learn (F1), Keyboard shortcuts, About
        fill_menu_bar(self)

    def _build_status_bar(self) -> None:
        self.message_label, self.device_label, self.health_line = fill_status_bar(self)

    def _connect(self) -> None:
        c, s, w, plots = self.controls, self.run, self.engine, self.plots
        c.train_clicked.connect(s.toggle)
        c.step_clicked.connect(s.step)
        c.stop_clicked.connect(s.stop)
        c.reset_clicked.connect(s.reset_weights)
        c.race_clicked.connect(self.races.open)
        s.state_changed.connect(self._on_state_changed)
        s.message_changed.connect(self._on_message_changed)
        s.configured.connect(self._on_configured)
        w.ready.connect(self._on_ready)
        w.started.connect(self._on_started)
        w.batches_received.connect(plots.add_batches)
        w.batches_received.connect(c.add_batches)
        w.epochs_ended.connect(plots.add_epochs)
        w.epochs_ended.connect(c.add_epochs)
        w.hyperparameter_changed.connect(self._on_hyperparameter_changed)
        w.health_checked.connect(lambda event: self._show_hints(event.hints))
        w.finished.connect(c.on_finished)
        w.snapshot_received.connect(self._on_snapshot_received)
        w.points_received.connect(self.output_view.show_points)
        w.failed.connect(self._on_failed)
        self.output_view.plane_requested.connect(w.send)
        for combo in (self.output_view.plane_x, self.output_view.plane_y):
            show_full_text(combo)  # a narrow column cuts them to "worst perim…"
        self.data_panel.open_csv_requested.connect(self.csv_import.choose_file)
        self.data_panel.csv_settings_requested.connect(self.csv_import.reopen)
        self.csv_import.message_changed.connect(self._on_message_changed)
        self.files.message_changed.connect(self._on_message_changed)
        self.files.design_replaced.connect(self._clear_model_views)
        self.project.changed.connect(self._on_project_changed)
        self.runs.ticked_changed.connect(self._on_ticked_runs_changed)
        self.races.race_finished.connect(self._on_race_finished)
        self.engine.search_trial_ended.connect(self._on_search_trial_ended)
        self.search_action.message_changed.connect(self._on_message_changed)
        self.runs.edited.connect(self.files.mark_changed)
        self.files.runs_replaced.connect(self.runs.replace_all)

    # --- life cycle -----------------------------------------------------------------------------

    @property
    def runs_panel(self) -> RunsPanel:
        """The Runs tab's table and buttons (built on first use: not before the first paint)."""
        if self._runs_panel is None:
            from app.panels.runs_panel import RunsPanel

            panel = self._runs_panel = RunsPanel(self.runs, self.project, self.run)
            layout = self._runs_holder.layout()
            assert layout is not None
            layout.addWidget(panel)
            panel.message_changed.connect(self._on_message_changed)
        return self._runs_panel

    @Slot(int)
    def _on_tab_changed(self, index: int) -> None:
        if index == self.runs_tab:
            self.runs_panel.show()

    @property
    def walk_panel(self) -> WalkPanel:
        """Learn > Walk one row's panel (built on first use)."""
        return self.walk_page.panel

    def start_engine(self) -> None:
        """Spawn the training process; call once the window is on screen (torch takes seconds)."""
        self.engine.start()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.files.may_close():  # Cancel, or saving first (it closes once saved)
            event.ignore()
            return
        self.files.close()
        # Stops a running training and waits for the child process (terminating it if it hangs).
        self.engine.close()
        self.predict_panel.jobs.close()  # a file still being read or written
        self.csv_import.close()
        super().closeEvent(event)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if dropped_csv(event.mimeData()) and not self.run.is_active:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        path = dropped_csv(event.mimeData())
        if path:
            event.acceptProposedAction()
            self.csv_import.open(path)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self.controls.set_state(self.controls.state)  # recolours the icons

    # --- slots ----------------------------------------------------------------------------------

    @Slot(str)
    def _on_state_changed(self, state: str) -> None:
        active = state in ACTIVE
        self.controls.set_state(state)
        self.data_panel.set_training(active)
        self.network_panel.set_training(active)
        self.training_panel.set_training(active)
        self.csv_import.set_training(active)

    @Slot(str, bool)
    def _on_message_changed(self, text: str, error: bool) -> None:
        self.message_label.setText(text)
        self.message_label.setProperty("role", "error" if error else "")
        self.message_label.style().polish(self.message_label)
        self.message_label.setToolTip(text)

    @Slot(object)
    def _on_ready(self, ready: Ready) -> None:
        self.training_panel.set_devices(ready.devices)

    @Slot(str)
    def _on_project_changed(self, field: str) -> None:
        if field in ("network", "data"):
            self._show_hints(())  # about a network that is no longer there
        if field == "data":
            self._on_ticked_runs_changed()  # the legends name runs of other data
        if field == "config" and not self.run.is_active:
            self.controls.set_plan(self.project.config.epochs)  # "Epoch 0 / 1,000" at once

    @Slot(object)
    def _on_race_finished(self, finished: RaceFinished) -> None:
        dialog = self.races.dialog
        if dialog is not None:
            keep_race(self.runs, finished, dialog.started_with, dialog.colors, self._device())
        self._on_message_changed(race_outcome(finished), False)

    @Slot(object)
    def _on_search_trial_ended(self, ended: SearchTrialEnded) -> None:
        info = self.run.info
        steps = info.steps_per_epoch if info else 1
        keep_trial(self.runs, ended.trial, self.project.data, steps, self._device())

    def _device(self) -> str:
        """What the engine trains on (a race's copies and a search's trials too)."""
        return self.run.info.device_name if self.run.info is not None else ""

    @Slot()
    def _on_ticked_runs_changed(self) -> None:
        self.plots.show_runs(named_by_data(self.runs.ticked_runs, self.project.data))

    @Slot()
    def _clear_model_views(self) -> None:
        """What the views show of a model that is gone: its curves, counters, weights, surface."""
        self.plots.clear()
        self.controls.clear()
        self._show_hints(())
        self.diagram.clear_weights()
        self.output_view.clear_surface()

    @Slot(object)
    def _on_configured(self, info: Configured) -> None:
        self._clear_model_views()
        self.controls.set_plan(self.project.config.epochs, info.steps_per_epoch)
        # Before any run starts, so a reopened project's saved steps have their lines.
        self.plots.gradients.set_layers(info.layer_names, info.layer_labels or info.layer_names)
        self.output_view.show_plane(info.plane_features, info.feature_ranges, info.held)
        if self.run.model_fits_design:  # not an answer to an older design still on its way
            self.data_panel.show_split(info.n_train, info.n_val, info.n_test, info.dropped_rows)
        self.device_label.setText(f"Device: {info.device_name}")

    @Slot(str, str)
    def _on_failed(self, failed: Failed) -> None:
        if failed.command is Configure:  # the status bar says why
            self.output_view.clear_points("The data could not be prepared.")

    @Slot(object)
    def _on_started(self, event: TrainStarted) -> None:
        self.plots.begin(event, self.project.config.learning_rate)
        self._show_hints(())  # a new run judges itself afresh
        self.controls.on_started(event)
        self.device_label.setText(f"Device: {event.device_name}")

    @Slot(object)
    def _on_hyperparameter_changed(self, event: HyperparameterChanged) -> None:
        self.plots.mark_change(event)

    def _show_hints(self, hints: tuple[Hint, ...]) -> None:
        self.network_panel.show_hints(hints)
        self.health_line.show_hints(hints)

    @Slot(object)
    def _on_snapshot_received(self, snapshot: Snapshot) -> None:
        if self.run.info is not None:
            show_snapshot(snapshot, self.run.info, self.output_view, self.diagram)
