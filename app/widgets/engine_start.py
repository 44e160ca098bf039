"""The status bar's word on the training process starting: its stage, and a bar of how far along."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QLabel, QProgressBar

from app.engine_link import EngineLink
from app.run import Run, RunState
from core.training_process.messages import EngineStarting


class EngineStartBar(QProgressBar):
    """Shown while the training process starts (at launch, and after a restart); hidden once ready.

    The stage goes into `message` ("Starting the training engine: loading PyTorch…"), or, when
    Train was pressed meanwhile, says that training starts once the engine is ready.
    """

    def __init__(self, engine: EngineLink, run: Run, message: QLabel) -> None:
        super().__init__()
        self.run = run
        self.message = message
        self.setMaximumWidth(120)
        self.setTextVisible(False)
        self.setRange(0, 0)  # busy until the child says its first stage
        self.setToolTip("The training process is starting: it loads PyTorch, then warms up.")
        engine.starting.connect(self._on_starting)
        engine.ready.connect(self.hide)

    @Slot(object)
    def _on_starting(self, starting: EngineStarting) -> None:
        # Half-way through the stage it names: a bar that starts empty looks like a text field.
        self.setRange(0, 2 * starting.steps)
        self.setValue(2 * starting.step - 1)
        self.show()
        if self.run.state == RunState.RUNNING:  # Train was pressed: it goes as soon as it can
            self.message.setText(f"Training starts when the engine is ready ({starting.stage}…)")
        else:
            self.message.setText(f"Starting the training engine: {starting.stage}…")
