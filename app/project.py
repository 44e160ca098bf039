"""The document the window edits: the user's specs, with undo/redo for every change.

Widgets never hold the truth; they show `Project` and call `Project.edit`, which pushes an undo
command. Every change, undo and redo included, emits `changed(field)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from core.data_spec import CsvSource, DataSpec, ToySource
from core.input_features import feature_label
from core.losses import Head, make_head
from core.spec import LayerSpec, NetworkSpec, TrainConfig

FIELDS = ("data", "network", "config")


@dataclass(frozen=True)
class DataShape:
    """What the network needs to know about the data: widths, task, names."""

    n_inputs: int
    task: str
    class_names: tuple[str, ...]
    input_names: tuple[str, ...]
    n_rows: int = 0  # rows in the table (a CSV's; 0 when not known)


# New data (a toy dataset, or a CSV as the import dialog offers it) keeps a fifth of its points
# back as a test set, as TensorFlow Playground shows test points: the output view draws them on
# the decision boundary ("Show test data") and the Evaluation tab scores them. A saved project
# without a test share keeps none, as before.
DEFAULT_VAL_FRACTION = 0.2
DEFAULT_TEST_FRACTION = 0.2
TOY_TEST_FRACTION = DEFAULT_TEST_FRACTION


def toy_data_spec(
    source: ToySource, val_fraction: float = 0.2, test_fraction: float = TOY_TEST_FRACTION
) -> DataSpec:
    """The DataSpec of a built-in 2-D dataset (its input features and the label or y column)."""
    from core.toy import toy_data_spec as core_toy_data_spec

    return core_toy_data_spec(source, val_fraction, test_fraction)


def toy_data_shape(source: ToySource) -> DataShape:
    from core.toy import CLASS_NAMES, TOY_DATASETS

    task = TOY_DATASETS[source.name].task
    names = tuple(CLASS_NAMES) if task == "classification" else ()
    # The input nodes' names as people read them: x₁², sin x₁.
    labels = tuple(feature_label(name) for name in source.features)
    return DataShape(len(labels), task, names, labels)


# The network a newcomer sees first: small, and it learns the spiral within seconds. Measured
# (seeds 0-2): 3 x 12 ReLU with Adam at 0.01 and batches of 16 reaches 97-98 % validation
# accuracy within 40 epochs (1,000 steps, 1-2 s on a CPU) and stays there; at 0.03 it learns
# as fast but spikes back to 60-75 % now and then; 3 x 8 tanh with batches of 10 stayed near
# 75 % after 100 epochs.
DEFAULT_NETWORK = NetworkSpec(
    layers=tuple(LayerSpec(units=12, activation="relu") for _ in range(3))
)
DEFAULT_CONFIG = TrainConfig(learning_rate=0.01, batch_size=16, epochs=200, optimizer="adam")
DEFAULT_TOY = ToySource(name="spiral", samples=500, noise=0.1, seed=0)


def _shape_key(spec: DataSpec) -> tuple[object, ...]:
    # The split and seed change which rows train, rarely the inputs or classes: they keep a shape.
    return (spec.source, spec.columns, spec.task)


class _Edit(QUndoCommand):
    """Sets one field of the project. A mergeable edit (a spin box being typed in) folds into the
    previous one when that has the same field and text, so one undo undoes the whole typing."""

    ID = 1

    def __init__(
        self, project: Project, field: str, old: Any, new: Any, text: str, merge: bool
    ) -> None:
        super().__init__(text)
        self.project, self.field, self.old, self.new = project, field, old, new
        self.merge = merge

    def id(self) -> int:
        return self.ID if self.merge else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, _Edit) or not other.merge:
            return False
        if other.field != self.field or other.text() != self.text():
            return False
        self.new = other.new
        return True

    def redo(self) -> None:
        self.project._set(self.field, self.new)

    def undo(self) -> None:
        self.project._set(self.field, self.old)


class Project(QObject):
    """The user's data choice, network and training settings, and the undo stack over them."""

    changed = Signal(str)  # "data", "network" or "config"

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.undo_stack = QUndoStack(self)
        self.data: DataSpec = toy_data_spec(DEFAULT_TOY)
        self.shape: DataShape = toy_data_shape(DEFAULT_TOY)
        self.network: NetworkSpec = DEFAULT_NETWORK
        self.config: TrainConfig = DEFAULT_CONFIG
        # The shape of each CSV choice seen, so that undo and redo bring the right one back.
        self._csv_shapes: dict[tuple[object, ...], DataShape] = {}

    # --- editing ------------------------------------------------------------------------------

    def edit(self, field: str, value: Any, text: str, merge: bool = False) -> None:
        """Change `field` to `value` as one undoable step described by `text`.

        With `merge`, it joins the previous step if that changed the same field with the same text.
        """
        if field not in FIELDS:
            raise ValueError(f"unknown field {field!r}")
        old = getattr(self, field)
        if old == value:
            return
        self.undo_stack.push(_Edit(self, field, old, value, text, merge))

    def edit_network(self, network: NetworkSpec, text: str, merge: bool = False) -> None:
        self.edit("network", network, text, merge)

    def edit_config(self, text: str, merge: bool = False, **changes: Any) -> None:
        from dataclasses import replace

        self.edit("config", replace(self.config, **changes), text, merge)

    def restore(self, data: DataSpec, network: NetworkSpec, config: TrainConfig, text: str) -> bool:
        """Put a whole design back (a run's settings) as one undoable step; False when it is
        the design already."""
        changes = [
            (field, value)
            for field, value in (("data", data), ("network", network), ("config", config))
            if getattr(self, field) != value
        ]
        if not changes:
            return False
        self.undo_stack.beginMacro(text)
        for field, value in changes:
            self.edit(field, value, text)
        self.undo_stack.endMacro()
        return True

    def set_toy(self, source: ToySource, val_fraction: float | None = None) -> None:
        """Use a built-in dataset, with the split the data has now (or this validation share)."""
        vf = self.data.val_fraction if val_fraction is None else val_fraction
        spec = toy_data_spec(source, vf, self.data.test_fraction)
        self.edit("data", spec, f"Use the {source.name} dataset")

    def replace_design(
        self,
        data: DataSpec,
        network: NetworkSpec,
        config: TrainConfig,
        shape: DataShape | None = None,
    ) -> None:
        """Show another design as a whole (a project opened, File > New). Not undoable: the
        undo history starts over, clean. `shape` is a CSV's, when known."""
        if shape is not None:
            self._csv_shapes[_shape_key(data)] = shape
        self.undo_stack.clear()
        for field, value in (("data", data), ("network", network), ("config", config)):
            self._set(field, value)

    def _set(self, field: str, value: Any) -> None:
        setattr(self, field, value)
        if field == "data" and isinstance(value.source, ToySource):
            self.shape = toy_data_shape(value.source)
        elif field == "data":
            self.shape = self._csv_shapes.get(_shape_key(value), self.shape)
        self.changed.emit(field)

    def set_data_shape(self, shape: DataShape, spec: DataSpec | None = None) -> None:
        """Called once a CSV's preprocessing is known (its one-hot widths, classes).

        With `spec`, the shape is remembered for that data (call it before `edit("data", spec)`
        so the edit shows the right shape at once); otherwise it is the current data's.
        """
        self._csv_shapes[_shape_key(self.data if spec is None else spec)] = shape
        if spec is None or spec == self.data:
            self.shape = shape
            self.changed.emit("data")

    # --- derived ------------------------------------------------------------------------------

    @property
    def head(self) -> Head:
        return make_head(self.shape.task, len(self.shape.class_names), self.network.binary_output)

    @property
    def is_toy(self) -> bool:
        return isinstance(self.data.source, ToySource)

    @property
    def is_csv(self) -> bool:
        return isinstance(self.data.source, CsvSource)
