"""The data panel: pick a built-in dataset by its picture, set noise, size and split, regenerate.

Every change is one undoable `Project.edit("data", ...)`; the panel only shows `project.data`
and refreshes on `project.changed("data")`, so undo/redo and loaded files show up here too.
How many rows each set holds is the split the training process made (`show_split`, from its
`Configured`), never a count worked out here: rounding, stratification and rows without a
target make the two differ on small files.
While training runs the controls are disabled (changing the data under a running model would
make its numbers meaningless); a note says so, and stopping training enables them again.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QSignalBlocker, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.panels.own_data_box import OwnDataBox, csv_summary
from app.project import Project, toy_data_spec
from app.widgets.input_feature_toggles import InputFeatureToggles
from app.widgets.toy_picker import ToyPicker
from app.widgets.value_slider import slider_row, value_slider
from core.data_spec import CsvSource, DataSpec, ToySource
from core.input_features import feature_label
from core.text import plural, split_text
from core.toy import MIN_SAMPLES, TOY_DATASETS

MAX_NOISE = 0.5  # TensorFlow Playground's slider range; core.toy accepts up to 1
MAX_SAMPLES = 20_000  # more points than this make the live plot slow and teach nothing new
TRAIN_PERCENT = (10, 95)  # of all points; validation gets what training and test leave
TEST_PERCENT = (0, 40)


class DataPanel(QWidget):
    """Choose and shape the training data; edits go to `project.data` as undoable steps."""

    open_csv_requested = Signal()
    csv_settings_requested = Signal()  # reopen the import dialog for the current CSV

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self._running = False
        # The engine's split of the data it was given: (that data, (train, val, test, dropped)).
        self._split: tuple[DataSpec, tuple[int, int, int, int]] | None = None
        # The toy settings to go back to when the user leaves a CSV for a toy dataset.
        self._last_toy = project.data.source if project.is_toy else ToySource()

        self.training_note = QLabel("Stop training to change the data.")
        self.training_note.setWordWrap(True)
        self.training_note.setProperty("role", "muted")
        self.training_note.setStyleSheet("font-style: italic;")
        self.training_note.setVisible(False)

        # --- the datasets, as pictures ---
        self.picker = ToyPicker()
        self.picker.chosen.connect(self._on_dataset_clicked)
        self.thumbnails = self.picker.thumbnails

        self.description = QLabel()
        self.description.setWordWrap(True)
        self.description.setToolTip(
            "What the selected dataset looks like and what it asks of a network."
        )

        # --- its settings ---
        # Sliders edit on release, not on every pixel of a drag; the number beside follows the drag.
        self.noise, self.noise_value = value_slider(
            (0, round(MAX_NOISE * 100)),
            (1, 5),
            "How much randomness blurs the pattern, from 0 (clean) to 0.5 (as noisy as "
            "TensorFlow Playground goes).",
            "0.00",
            "",
        )
        self.noise.sliderMoved.connect(self._on_noise_moved)
        self.noise.valueChanged.connect(self._on_noise_changed)

        self.samples = QSpinBox()
        self.samples.setRange(MIN_SAMPLES, MAX_SAMPLES)
        self.samples.setSingleStep(100)
        self.samples.setGroupSeparatorShown(True)
        self.samples.setKeyboardTracking(False)  # one edit when the number is typed, not per digit
        self.samples.setToolTip("How many points to draw in all, before they are split.")
        self.samples.valueChanged.connect(self._on_samples_changed)

        self.train_share, self.ratio_value = value_slider(
            TRAIN_PERCENT,
            (5, 10),
            "How the points are shared between training (filled dots, the network learns from "
            "them) and validation (rings, used only to check it).",
            "95 / 5",
            "Percent of points for training / for validation.",
        )
        self.train_share.sliderMoved.connect(self._on_train_share_moved)
        self.train_share.valueChanged.connect(self._on_train_share_changed)

        self.test_share, self.test_value = value_slider(
            TEST_PERCENT,
            (5, 10),
            "How many points are kept back as a test set: never trained or validated on, drawn "
            'as crosses with "Show test data" and scored in the Evaluation tab.',
            "95 / 5",
            "Percent of points kept back for testing.",
        )
        self.test_share.sliderMoved.connect(self._on_test_share_moved)
        self.test_share.valueChanged.connect(self._on_test_share_changed)

        self.regenerate = QPushButton("Regenerate")
        self.regenerate.setToolTip(
            "Draw a fresh random sample of the same dataset (the next seed)."
        )
        self.regenerate.clicked.connect(self._on_regenerate_clicked)
        self.seed_label = QLabel()
        self.seed_label.setProperty("role", "muted")
        self.seed_label.setToolTip(
            "The random seed: the same seed always draws the same points and split."
        )

        self.summary = QLabel()
        self.summary.setProperty("role", "muted")
        self.summary.setWordWrap(True)
        self.summary.setToolTip("How many points each set holds.")

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._noise_row = slider_row(self.noise, self.noise_value)
        form.addRow("Noise", self._noise_row)
        form.addRow("Samples", self.samples)
        self.input_features = InputFeatureToggles()
        self.input_features.features_changed.connect(self._on_features_changed)
        form.addRow(self.input_features)
        form.addRow("Train / val", slider_row(self.train_share, self.ratio_value))
        form.addRow("Test", slider_row(self.test_share, self.test_value))
        self.toy_form = form
        self.regenerate_row = QWidget()
        regenerate_row = QHBoxLayout(self.regenerate_row)
        regenerate_row.setContentsMargins(0, 0, 0, 0)
        regenerate_row.addWidget(self.regenerate)
        regenerate_row.addWidget(self.seed_label)
        regenerate_row.addStretch(1)

        toys = QGroupBox("Dataset")
        toys_layout = QVBoxLayout(toys)
        toys_layout.addWidget(self.picker)
        toys_layout.addWidget(self.description)
        toys_layout.addLayout(form)
        toys_layout.addWidget(self.regenerate_row)
        toys_layout.addWidget(self.summary)

        # --- room for the user's own table (filled in by the CSV issue) ---
        own = OwnDataBox()
        self.open_csv, self.csv_settings = own.open_csv, own.csv_settings
        self.csv_label = own.csv_label
        self.open_csv.clicked.connect(self.open_csv_requested)
        self.csv_settings.clicked.connect(self.csv_settings_requested)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.training_note)
        layout.addWidget(toys)
        layout.addWidget(own)
        layout.addStretch(1)

        project.changed.connect(self._on_project_changed)
        self._refresh()

    # --- public -------------------------------------------------------------------------------

    def set_training(self, running: bool) -> None:
        """Disable every data control while training runs (the note says why); enable after."""
        self._running = running
        self.training_note.setVisible(running)
        self._refresh()

    def show_split(self, n_train: int, n_val: int, n_test: int, dropped_rows: int = 0) -> None:
        """The engine split the current data so (its `Configured`): show these counts."""
        self._split = (self.project.data, (n_train, n_val, n_test, dropped_rows))
        self._refresh()

    def split_counts(self) -> tuple[int, int, int, int] | None:
        """(training, validation, test, dropped) rows of the current data, once the engine
        has split it; None until then."""
        if self._split is None or self._split[0] != self.project.data:
            return None
        return self._split[1]

    # --- showing the project ------------------------------------------------------------------

    def _on_project_changed(self, field: str) -> None:
        if field == "data":
            self._refresh()

    def _refresh(self) -> None:
        spec = self.project.data
        source = spec.source
        toy = isinstance(source, ToySource)
        if toy:
            self._last_toy = source
        shown = source if toy else self._last_toy

        self.picker.show_choice(source.name if toy else None, not self._running)

        with QSignalBlocker(self.noise):
            self.noise.setMaximum(max(round(MAX_NOISE * 100), round(shown.noise * 100)))
            self.noise.setValue(round(shown.noise * 100))
        self.noise_value.setText(f"{shown.noise:.2f}")
        with QSignalBlocker(self.samples):
            self.samples.setMaximum(max(MAX_SAMPLES, shown.samples))
            self.samples.setValue(shown.samples)
        test_percent = round(100 * spec.test_fraction)
        train_percent = round(100 * (1 - spec.val_fraction - spec.test_fraction))
        with QSignalBlocker(self.train_share):
            self.train_share.setMaximum(max(TRAIN_PERCENT[0], TRAIN_PERCENT[1] - test_percent))
            self.train_share.setValue(train_percent)
        with QSignalBlocker(self.test_share):
            self.test_share.setMaximum(max(TEST_PERCENT[1], test_percent))
            self.test_share.setValue(test_percent)
        self._show_ratio(train_percent)
        self._show_test(test_percent)
        self.seed_label.setText(f"seed {shown.seed}")
        for widget in (self.noise, self.samples, self.regenerate):
            widget.setEnabled(toy and not self._running)
        # They draw a built-in dataset's points: for a CSV they would do nothing, so they go.
        self.toy_form.setRowVisible(self._noise_row, toy)
        self.toy_form.setRowVisible(self.samples, toy)
        self.toy_form.setRowVisible(self.input_features, toy)
        self.input_features.show_features(shown.features, toy and not self._running)
        self.regenerate_row.setVisible(toy)
        self.train_share.setEnabled(not self._running)
        self.test_share.setEnabled(not self._running)
        self.open_csv.setEnabled(not self._running)
        self.csv_settings.setVisible(isinstance(source, CsvSource))
        self.csv_settings.setEnabled(not self._running)

        if toy:
            dataset = TOY_DATASETS[source.name]
            self.description.setText(
                f"<b>{dataset.label}</b> · {dataset.task}<br>{dataset.description}"
            )
            self.summary.setText(self._split_text("point"))
            self.csv_label.setText("Train on a table of yours.")
        else:
            self.description.setText(
                "Using your own data; pick a picture to go back to a built-in dataset."
            )
            self.summary.setText("")
            self.csv_label.setText(
                csv_summary(spec, self.project.shape.n_rows, self._split_text("row"))
            )

    def _split_text(self, unit: str) -> str:
        """'300 training points, 100 validation, 100 test.' as the engine split the data."""
        counts = self.split_counts()
        if counts is None:
            return ""
        n_train, n_val, n_test, dropped = counts
        text = split_text(n_train, n_val, n_test, unit) + "."
        if dropped:
            text += f" {plural(dropped, 'row', 'rows')} without a target left out."
        return text

    def _show_ratio(self, train_percent: int) -> None:
        test_percent = round(100 * self.project.data.test_fraction)
        self.ratio_value.setText(f"{train_percent} / {100 - train_percent - test_percent}")

    def _show_test(self, test_percent: int) -> None:
        self.test_value.setText(f"{test_percent} %")

    # --- editing ------------------------------------------------------------------------------

    def _edit_toy(self, source: ToySource, text: str) -> None:
        spec = self.project.data
        self.project.edit(
            "data", toy_data_spec(source, spec.val_fraction, spec.test_fraction), text
        )

    def _edit_split(self, val_fraction: float, test_fraction: float, text: str) -> None:
        """The same points shared out anew, for a toy dataset or a CSV alike."""
        spec = self.project.data
        if isinstance(spec.source, ToySource):
            new = toy_data_spec(spec.source, val_fraction, test_fraction)
        else:
            new = replace(spec, val_fraction=val_fraction, test_fraction=test_fraction)
        self.project.edit("data", new, text)

    def _current_toy(self) -> ToySource:
        source = self.project.data.source
        return source if isinstance(source, ToySource) else self._last_toy

    def _on_dataset_clicked(self, name: str) -> None:
        self._edit_toy(replace(self._current_toy(), name=name), f"Use the {name} dataset")

    def _on_noise_moved(self, value: int) -> None:
        self.noise_value.setText(f"{value / 100:.2f}")

    def _on_noise_changed(self, value: int) -> None:
        noise = value / 100
        # The text names the value so that separate changes stay separate undo steps.
        self._edit_toy(replace(self._current_toy(), noise=noise), f"Set noise to {noise:.2f}")

    def _on_samples_changed(self, value: int) -> None:
        self._edit_toy(replace(self._current_toy(), samples=value), f"Use {value:,} samples")

    def _on_features_changed(self, names: tuple[str, ...]) -> None:
        if not names:  # the toggles keep one on; a spec without features would not train
            return
        text = f"Use input features {', '.join(feature_label(n) for n in names)}"
        self._edit_toy(replace(self._current_toy(), features=names), text)

    def _on_train_share_moved(self, value: int) -> None:
        self._show_ratio(value)

    def _on_train_share_changed(self, value: int) -> None:
        tf = self.project.data.test_fraction
        vf = round(1 - value / 100 - tf, 2)
        text = f"Train on {value}%, validate on {round(vf * 100)}%"
        self._edit_split(vf, tf, text)

    def _on_test_share_moved(self, value: int) -> None:
        self._show_test(value)

    def _on_test_share_changed(self, value: int) -> None:
        tf = value / 100
        # Training keeps at least its smallest share: validation gives way when it must.
        vf = min(self.project.data.val_fraction, round(1 - TRAIN_PERCENT[0] / 100 - tf, 2))
        self._edit_split(vf, tf, f"Keep {value}% of the points for testing")

    def _on_regenerate_clicked(self) -> None:
        source = self._current_toy()
        self._edit_toy(replace(source, seed=source.seed + 1), "Regenerate the data")
