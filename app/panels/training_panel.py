"""How to train: loss, optimizer and only its settings, batches, epochs, regularisation, schedule.

Every control shows `project.config` and edits it through `project.edit_config` (one undo step
per change). While training runs, only the settings the running loop can take (learning rate,
weight decay, L1, L2) stay editable.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QSignalBlocker, Qt, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.project import Project
from app.widgets.combo_choices import show_full_text
from app.widgets.learn_button import labelled, learn_button
from app.widgets.log_spin_box import LogSpinBox
from core.control import LIVE_SETTINGS
from core.errors import SpecError
from core.losses import LOSSES, resolve_loss
from core.optimizers import OPTIMIZERS, SCHEDULES

# One sentence each, shown as tooltips.
TIPS = {
    "loss": "What the network minimises; Auto picks the usual one for the task and output layer.",
    "optimizer": "How the weights move against the gradient at each step.",
    "learning_rate": "How far each step moves the weights: too high diverges, too low crawls (may change while training).",
    "momentum": "How much of the previous step carries into the next, smoothing and speeding up descent.",
    "nesterov": "Look ahead along the momentum before taking the gradient (Nesterov's variant).",
    "beta1": "How slowly the running average of gradients forgets (Adam's first moment).",
    "beta2": "How slowly the running average of squared gradients forgets (Adam's second moment).",
    "weight_decay": "Shrinks every weight a little at each step, inside the optimizer (may change while training).",
    "batch_size": "Rows per step: small batches are noisy but quick, full batch is smooth but slow.",
    "epochs": "Passes over the training rows; 'until stopped' trains until you press Stop.",
    "l1": "Adds this times the sum of |weights| to the loss, pushing weights to exactly zero (may change while training).",
    "l2": "Adds this times the sum of squared weights to the loss, keeping weights small (may change while training).",
    "schedule": "How the learning rate changes by itself from epoch to epoch.",
    "step_size": "Epochs between two drops of the learning rate.",
    "gamma": "What each drop multiplies the learning rate by.",
    "schedule_patience": "Epochs without a better validation loss before the learning rate drops.",
    "early_stopping": "Stop when the validation loss has not improved for this many epochs, keeping the best weights.",
    "grad_clip": "Scale the gradient down when its total size exceeds this, taming sudden large steps.",
    "seed": "Starting point of the random numbers: the same seed gives the same initial weights and batches.",
    "device": (
        "Where training runs: the GPU when there is one, else the CPU (the status bar shows "
        "how many threads a CPU run uses)."
    ),
}

# The Learn section each setting's "?" opens (and F1 on the setting).
LEARN_SECTIONS = {
    "loss": "losses",
    "optimizer": "optimizers",
    "learning_rate": "gradient_descent",
    "momentum": "momentum",
    "beta1": "optimizers",
    "beta2": "optimizers",
    "weight_decay": "optimizers",
    "batch_size": "convergence",
    "epochs": "convergence",
    "early_stopping": "convergence",
}

SCHEDULE_LABELS = {
    "none": "Constant",
    "step": "Step decay",
    "cosine": "Cosine",
    "plateau": "On plateau",
}
# Rows shown only for some optimizers or schedules.
SCHEDULE_SETTINGS = {"step": ("step_size", "gamma"), "plateau": ("schedule_patience", "gamma")}
OPTIONAL = ("momentum", "nesterov", "beta1", "beta2", "weight_decay")


class TrainingPanel(QWidget):
    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self._training = False
        self.fields: dict[str, QWidget] = {}

        self.loss = self._combo("loss")
        self.optimizer = self._combo("optimizer")
        for name, opt in OPTIMIZERS.items():
            self.optimizer.addItem(opt.label, name)
            self.optimizer.setItemData(
                self.optimizer.count() - 1, opt.description, Qt.ItemDataRole.ToolTipRole
            )
        self.learning_rate = self._log("learning_rate", 1e-6, 10.0)
        self.momentum = self._float("momentum", 0.0, 0.999, 0.05, 3)
        self.nesterov = QCheckBox("Nesterov momentum")
        self._register("nesterov", self.nesterov)
        self.nesterov.toggled.connect(self._on_nesterov_changed)
        self.beta1 = self._float("beta1", 0.0, 0.9999, 0.01, 4)
        self.beta2 = self._float("beta2", 0.0, 0.9999, 0.001, 4)
        self.weight_decay = self._log("weight_decay", 1e-7, 1.0, allow_zero=True)
        self.batch_size = self._int("batch_size", 0, 1_000_000, special="Full batch")
        self.epochs = self._int("epochs", 0, 1_000_000, special="Until stopped")
        self.l1 = self._log("l1", 1e-7, 1.0, allow_zero=True)
        self.l2 = self._log("l2", 1e-7, 1.0, allow_zero=True)
        self.schedule = self._combo("schedule")
        for name, text in SCHEDULES.items():
            self.schedule.addItem(SCHEDULE_LABELS.get(name, name), name)
            self.schedule.setItemData(self.schedule.count() - 1, text, Qt.ItemDataRole.ToolTipRole)
        self.step_size = self._int("step_size", 1, 100_000, suffix=" epochs")
        self.gamma = self._float("gamma", 0.01, 1.0, 0.05, 2, prefix="× ")
        self.schedule_patience = self._int("schedule_patience", 1, 100_000, suffix=" epochs")
        self.early_stopping = self._int(
            "early_stopping", 0, 100_000, special="Off", suffix=" epochs"
        )
        self.grad_clip = self._log("grad_clip", 1e-4, 1e6, allow_zero=True)
        self.seed = self._int("seed", 0, 2**31 - 1)
        self.device = self._combo("device")

        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.form.setHorizontalSpacing(8)
        self.form.setVerticalSpacing(5)
        self._section("Loss and optimizer")
        self._row("Loss", "loss")
        self._row("Optimizer", "optimizer")
        self._row("Learning rate", "learning_rate")
        self._row("Momentum", "momentum")
        self._row("", "nesterov")
        self._row("β₁", "beta1")
        self._row("β₂", "beta2")
        self._row("Weight decay", "weight_decay")
        self._section("Batches and epochs")
        self._row("Batch size", "batch_size")
        self._row("Epochs", "epochs")
        self._row("Early stopping", "early_stopping")
        self._section("Regularisation")
        self._row("L1", "l1")
        self._row("L2", "l2")
        self._row("Gradient clip", "grad_clip")
        self._section("Learning-rate schedule")
        self._row("Schedule", "schedule")
        self._row("Every", "step_size")
        self._row("Patience", "schedule_patience")
        self._row("Factor", "gamma")
        self._section("Run")
        self._row("Seed", "seed")
        self._row("Device", "device")

        self.note = QLabel(
            "While training, only the learning rate, weight decay, L1 and L2 can change."
        )
        self.note.setWordWrap(True)
        self.note.setProperty("role", "muted")
        self.note.setVisible(False)
        self.problems = QLabel()
        self.problems.setWordWrap(True)
        self.problems.setProperty("role", "error")
        self.problems.setVisible(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(self.form)
        layout.addWidget(self.note)
        layout.addWidget(self.problems)
        layout.addStretch(1)

        self.set_devices(())
        project.changed.connect(self._on_project_changed)
        self._show_config()

    # --- building -------------------------------------------------------------------------------

    def _register(self, name: str, widget: QWidget) -> None:
        widget.setToolTip(TIPS[name])
        widget.setObjectName(name)
        self.fields[name] = widget

    def _combo(self, name: str) -> QComboBox:
        combo = QComboBox()
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(8)
        self._register(name, combo)
        show_full_text(combo)  # "Auto (binary cross-entropy)" is cut in a 1024-wide window
        combo.activated.connect(lambda _i, n=name: self._on_choice_changed(n))
        return combo

    def _log(self, name: str, lo: float, hi: float, allow_zero: bool = False) -> LogSpinBox:
        box = LogSpinBox(lo, hi, allow_zero=allow_zero)
        self._register(name, box)
        box.valueChanged.connect(lambda v, n=name: self._on_value_changed(n, float(v)))
        return box

    def _float(
        self, name: str, lo: float, hi: float, step: float, decimals: int, prefix: str = ""
    ) -> QDoubleSpinBox:
        box = QDoubleSpinBox()
        box.setRange(lo, hi)
        box.setSingleStep(step)
        box.setDecimals(decimals)
        box.setPrefix(prefix)
        box.setKeyboardTracking(False)
        self._register(name, box)
        box.valueChanged.connect(lambda v, n=name: self._on_value_changed(n, float(v)))
        return box

    def _int(self, name: str, lo: int, hi: int, special: str = "", suffix: str = "") -> QSpinBox:
        box = QSpinBox()
        box.setRange(lo, hi)
        box.setSuffix(suffix)
        if special:
            box.setSpecialValueText(special)
        box.setKeyboardTracking(False)
        box.setGroupSeparatorShown(True)
        self._register(name, box)
        box.valueChanged.connect(lambda v, n=name: self._on_value_changed(n, int(v)))
        return box

    def _section(self, title: str) -> None:
        label = QLabel(title)
        label.setProperty("role", "value")
        if self.form.rowCount():
            label.setContentsMargins(0, 8, 0, 0)
        self.form.addRow(label)

    def _row(self, label: str, name: str) -> None:
        widget = self.fields[name]
        if label:
            text = QLabel(label)
            text.setToolTip(TIPS[name])
            text.setBuddy(widget)
            section = LEARN_SECTIONS.get(name)
            self.form.addRow(
                labelled(text, learn_button(section, widget)) if section else text, widget
            )
        else:
            self.form.addRow(widget)

    # --- public ---------------------------------------------------------------------------------

    def set_devices(self, devices: tuple[object, ...]) -> None:
        """Fill the device list from the engine's Ready message (DeviceChoice name + label)."""
        with QSignalBlocker(self.device):
            self.device.clear()
            names = []
            for d in devices:
                self.device.addItem(cpu_without_threads(str(d.label)), str(d.name))
                names.append(str(d.name))
            if "auto" not in names:
                self.device.insertItem(0, "Automatic", "auto")
            current = self.project.config.device
            if self.device.findData(current) < 0:
                self.device.addItem(current, current)
            self.device.setCurrentIndex(self.device.findData(current))

    def set_training(self, running: bool) -> None:
        """Lock what the running model cannot follow; the live settings stay editable."""
        self._training = running
        for name, widget in self.fields.items():
            widget.setEnabled(not running or name in LIVE_SETTINGS)
        self.note.setVisible(running)

    # --- showing the project --------------------------------------------------------------------

    @Slot(str)
    def _on_project_changed(self, field: str) -> None:
        if field in ("config", "data", "network"):
            self._show_config()

    def _show_config(self) -> None:
        c = self.project.config
        blockers = [QSignalBlocker(w) for w in self.fields.values()]
        self._fill_losses()
        self.loss.setCurrentIndex(max(0, self.loss.findData(c.loss)))
        self.optimizer.setCurrentIndex(max(0, self.optimizer.findData(c.optimizer)))
        self.schedule.setCurrentIndex(max(0, self.schedule.findData(c.schedule)))
        if self.device.findData(c.device) < 0:
            self.device.addItem(c.device, c.device)
        self.device.setCurrentIndex(self.device.findData(c.device))
        self.nesterov.setChecked(c.nesterov)
        for name in (
            "learning_rate",
            "momentum",
            "beta1",
            "beta2",
            "weight_decay",
            "batch_size",
            "epochs",
            "l1",
            "l2",
            "step_size",
            "gamma",
            "schedule_patience",
            "early_stopping",
            "grad_clip",
            "seed",
        ):
            self.fields[name].setValue(getattr(c, name))
        del blockers
        for name, widget in self.fields.items():
            widget.setToolTip(self._tip(name))
        self._show_relevant_rows()
        problems = c.problems()
        self.problems.setText("\n".join(p[:1].upper() + p[1:] + "." for p in problems))
        self.problems.setVisible(bool(problems))

    def _tip(self, name: str) -> str:
        c = self.project.config
        if name == "optimizer" and c.optimizer in OPTIMIZERS:
            return f"{TIPS[name]} {OPTIMIZERS[c.optimizer].label}: {OPTIMIZERS[c.optimizer].description}"
        if name == "loss":
            key = self._resolved_loss()
            if key in LOSSES:
                return f"{TIPS[name]} {LOSSES[key].label}: {LOSSES[key].description}"
        if name == "schedule" and c.schedule in SCHEDULES:
            return f"{TIPS[name]} {SCHEDULES[c.schedule]}"
        return TIPS[name]

    def _resolved_loss(self) -> str:
        p = self.project
        try:
            return resolve_loss(p.config.loss, p.shape.task, p.head)
        except SpecError:
            return p.config.loss

    def _fill_losses(self) -> None:
        p = self.project
        task = p.shape.task
        try:
            auto = LOSSES[resolve_loss("auto", task, p.head)].label.lower()
        except (SpecError, KeyError):
            auto = "by task"
        self.loss.clear()
        self.loss.addItem(f"Auto ({auto})", "auto")
        self.loss.setItemData(0, TIPS["loss"], Qt.ItemDataRole.ToolTipRole)
        for name, loss in LOSSES.items():
            if task in loss.tasks or name == p.config.loss:
                self.loss.addItem(loss.label, name)
                self.loss.setItemData(
                    self.loss.count() - 1, loss.description, Qt.ItemDataRole.ToolTipRole
                )

    def _show_relevant_rows(self) -> None:
        c = self.project.config
        settings = OPTIMIZERS[c.optimizer].settings if c.optimizer in OPTIMIZERS else ()
        for name in OPTIONAL:
            self.form.setRowVisible(self.fields[name], name in settings)
        shown = SCHEDULE_SETTINGS.get(c.schedule, ())
        for name in ("step_size", "gamma", "schedule_patience"):
            self.form.setRowVisible(self.fields[name], name in shown)

    # --- editing --------------------------------------------------------------------------------

    def _on_choice_changed(self, name: str) -> None:
        combo: QComboBox = self.fields[name]  # type: ignore[assignment]
        value = combo.currentData()
        if value is not None and value != getattr(self.project.config, name):
            self.project.edit_config(f"Change the {name.replace('_', ' ')}", **{name: value})

    def _on_value_changed(self, name: str, value: float) -> None:
        if value != getattr(self.project.config, name):
            self.project.edit_config(f"Change the {_words(name)}", **{name: value})

    @Slot(bool)
    def _on_nesterov_changed(self, on: bool) -> None:
        if on != self.project.config.nesterov:
            self.project.edit_config("Change Nesterov momentum", nesterov=on)


def _words(name: str) -> str:
    return {
        "l1": "L1 penalty",
        "l2": "L2 penalty",
        "beta1": "β₁",
        "beta2": "β₂",
        "gamma": "schedule factor",
        "grad_clip": "gradient clipping",
        "schedule_patience": "schedule patience",
        "step_size": "schedule step",
        "early_stopping": "early-stopping patience",
    }.get(name, name.replace("_", " "))


def cpu_without_threads(label: str) -> str:
    """ "Automatic (CPU (2 threads))" as "Automatic (CPU)": how many threads training uses
    depends on the network's size, and the status bar names them once it is built."""
    return re.sub(r"CPU \(\d+ threads?\)", "CPU", label)
