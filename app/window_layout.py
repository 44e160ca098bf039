"""How the main window shares its screen: the tabs under the network, the splitters between the
areas, and how much room each area gets for a window size."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from app.main_window import MainWindow
    from app.panels.network_panel import NetworkPanel

DEFAULT_SIZE = (1400, 900)


def opens_maximized(free_width: int, free_height: int) -> bool:
    """Whether the window opens maximized: on a screen whose free area (without panels) is
    smaller than DEFAULT_SIZE it would spill off the screen; maximized, it fills what there is."""
    return free_width < DEFAULT_SIZE[0] or free_height < DEFAULT_SIZE[1]


def centre_tabs(window: MainWindow) -> QTabWidget:
    """The live plots share their place with how good the model is and what it predicts."""
    tabs = QTabWidget()
    tabs.setDocumentMode(True)
    tabs.addTab(padded(window.plots), "Training")
    tabs.addTab(window.evaluation_panel, "Evaluation")
    tabs.addTab(window.predict_panel, "Predict")
    tabs.setTabToolTip(0, "Loss, accuracy, gradients and learning rate as training runs.")
    tabs.setTabToolTip(1, "How good the model is on the validation and test rows.")
    tabs.setTabToolTip(2, "Predict new rows: a CSV file, or one row typed in.")
    tabs.addTab(window.learn_panel, "Learn")
    tabs.setTabToolTip(
        3, "Every idea behind the network, with its own numbers (F1); walk one row through it."
    )
    return tabs


def add_runs_tab(tabs: QTabWidget, runs_panel: QWidget) -> int:
    """Every run of the project; the ones ticked there are drawn on the Training tab's plots.
    A tab of its own: under the plots, a 768-pixel-high window left it one row."""
    index = tabs.addTab(padded(runs_panel), "Runs")
    tabs.setTabToolTip(
        index, "Every training run: compare, rename, restore; tick to draw on the plots."
    )
    return index


@dataclass(frozen=True)
class Splits:
    """The window's areas: data | (network builder | diagram) over the tabs | output over
    the training settings."""

    main: QSplitter
    centre: QSplitter
    network: QSplitter
    right: QSplitter
    data_area: QScrollArea


def network_splits(window: MainWindow) -> tuple[QSplitter, QSplitter]:
    """The network builder beside its diagram, and the centre column they head (its tabs come
    in `build_splits`)."""
    network_split = QSplitter(Qt.Orientation.Horizontal)
    network_split.addWidget(window.network_panel)
    network_split.addWidget(window.diagram)
    network_split.setStretchFactor(0, 0)
    network_split.setStretchFactor(1, 1)

    centre_split = QSplitter(Qt.Orientation.Vertical)
    centre_split.addWidget(network_split)
    return network_split, centre_split


def build_splits(window: MainWindow, network_split: QSplitter, centre_split: QSplitter) -> Splits:
    centre_split.addWidget(window.tabs)
    centre_split.setStretchFactor(0, 1)
    centre_split.setStretchFactor(1, 1)

    settings = vertical_scroll(window.training_panel)
    right_split = QSplitter(Qt.Orientation.Vertical)
    right_split.addWidget(titled("Output", window.output_view))
    right_split.addWidget(titled("Training", settings))
    right_split.setStretchFactor(0, 1)
    right_split.setStretchFactor(1, 1)

    data = vertical_scroll(window.data_panel)

    main_split = QSplitter(Qt.Orientation.Horizontal)
    main_split.addWidget(data)
    main_split.addWidget(centre_split)
    main_split.addWidget(right_split)
    main_split.setStretchFactor(0, 0)
    main_split.setStretchFactor(1, 1)
    main_split.setStretchFactor(2, 0)
    for split in (main_split, centre_split, network_split, right_split):
        split.setChildrenCollapsible(False)
        split.setHandleWidth(6)
    return Splits(main_split, centre_split, network_split, right_split, data)


def share_space(splits: Splits, network_panel: NetworkPanel, width: int, height: int) -> None:
    """Split the window between the areas for its size: the side panels at their width (a
    little more when there is room), the centre the rest; the network builder as tall as its
    cards need, up to what leaves the plots about 380 pixels."""
    data_w = splits.data_area.minimumWidth()
    right_w = max(splits.right.minimumSizeHint().width(), min(330, width * 24 // 100))
    centre_w = max(0, width - data_w - right_w)
    splits.main.setSizes([data_w, centre_w, right_w])
    # The cards a little wider than they must be: their texts wrap less, the column is shorter.
    cards = max(
        network_panel.minimumWidth(),
        min(network_panel.minimumWidth() + 50, centre_w // 2),
    )
    splits.network.setSizes([cards, max(0, centre_w - cards)])
    needed = network_panel.height_for_all_cards(cards)
    top = min(needed, max(height * 40 // 100, height - 380))
    splits.centre.setSizes([top, height - top])
    output = min(380, height * 45 // 100)
    splits.right.setSizes([output, height - output])


def central_widget(banner: QWidget, controls: QWidget, areas: QWidget) -> QWidget:
    """The recovery banner and the run's controls along the top, a line, then the areas."""
    central = QWidget()
    layout = QVBoxLayout(central)
    layout.setContentsMargins(4, 0, 4, 0)
    layout.setSpacing(0)
    layout.addWidget(banner)
    layout.addWidget(controls)
    line = QFrame()
    line.setFrameShape(QFrame.Shape.HLine)
    line.setStyleSheet("color: palette(mid);")
    layout.addWidget(line)
    layout.addWidget(areas, 1)
    return central


def titled(title: str, widget: QWidget) -> QWidget:
    box = QWidget()
    label = QLabel(title)
    label.setProperty("role", "value")
    layout = QVBoxLayout(box)
    layout.setContentsMargins(6, 6, 6, 2)
    layout.setSpacing(4)
    layout.addWidget(label)
    layout.addWidget(widget, 1)
    return box


def vertical_scroll(widget: QWidget) -> QScrollArea:
    """`widget` in a frameless, vertical-only scroll area never narrower than it and a scroll
    bar: the content is never cut at the right edge."""
    scroll = QScrollArea()
    scroll.setWidget(widget)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    bar = scroll.verticalScrollBar().sizeHint().width()
    scroll.setMinimumWidth(widget.minimumSizeHint().width() + bar)
    return scroll


def padded(widget: QWidget) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(4, 4, 4, 4)
    layout.addWidget(widget)
    return box
