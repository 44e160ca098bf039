"""The Walk panel shows a walk's numbers (core.walk) page by page, without a training process."""

from __future__ import annotations

import numpy as np
import pytest

from app.engine_link import EngineLink
from app.panels.walk_panel import WalkPanel
from app.plots.diagram_highlight import DiagramHighlight
from app.plots.network_diagram import NetworkDiagram
from app.project import Project
from app.walk.page import STEPS
from core.fitted_preprocessor import (
    CategoricalFeature,
    FittedPreprocessor,
    NumericFeature,
    TargetEncoding,
)
from core.spec import LayerSpec, NetworkSpec, TrainConfig
from core.walk.steps import RowWalk
from core.walk.walk import walk_row

PENGUINS = FittedPreprocessor(
    (
        NumericFeature("bill_length", fill=44.0, shift=32.0, scale=27.0),  # min-max
        NumericFeature("body_mass", fill=4200.0, shift=4200.0, scale=800.0),  # standardised
        CategoricalFeature("island", ("Biscoe", "Dream", "Torgersen"), fill="Biscoe"),
    ),
    TargetEncoding("species", "classification", ("Adelie", "Chinstrap", "Gentoo")),
)
ROW = {"bill_length": 39.1, "body_mass": None, "island": "Torgersen"}


def weights(
    network: NetworkSpec, n_inputs: int, n_outputs: int, seed: int = 0
) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    out = {}
    for shape in network.shapes(n_inputs, n_outputs):
        out[f"{shape.name}.weight"] = rng.normal(0, 0.7, (shape.out_features, shape.in_features))
        out[f"{shape.name}.bias"] = rng.normal(0, 0.2, shape.out_features)
    return out


def penguin_walk(units: int = 5, optimizer: str = "adam") -> RowWalk:
    network = NetworkSpec(
        (LayerSpec(units=units, activation="tanh"), LayerSpec(units=3, activation="relu"))
    )
    config = TrainConfig(optimizer=optimizer, learning_rate=0.05)
    w = weights(network, PENGUINS.n_inputs, 3)
    scalings = {"bill_length": "minmax", "body_mass": "standard"}
    return walk_row(
        network, w, PENGUINS, config, ROW, "Adelie", row="training row 3", scalings=scalings
    )


@pytest.fixture
def panel(qtbot):
    engine = EngineLink()  # never started: the walk is handed to the panel directly
    panel = WalkPanel(engine)
    qtbot.addWidget(panel)
    panel.resize(900, 420)
    panel.show()
    return panel


def column(panel: WalkPanel, header: str) -> np.ndarray:
    headers = [panel.table.horizontalHeaderItem(c).text() for c in range(panel.table.columnCount())]
    c = headers.index(header)
    return np.array([float(panel.table.item(r, c).text()) for r in range(panel.table.rowCount())])


def test_next_and_back_walk_through_the_six_steps_in_order(panel) -> None:
    walk = penguin_walk()
    panel.show_walk(walk)
    seen = []
    while True:
        seen.append((panel.pages[panel.index].step, panel.title.text()))
        if not panel.next_button.isEnabled():
            break
        panel.next_button.click()
    steps = [s for s, _ in seen]
    # Prepare, 3 forward layers (two hidden, the output), output, loss, 3 backward, update.
    assert steps == [0, 1, 1, 1, 2, 3, 4, 4, 4, 5]
    assert seen[1][1] == "Step 2 of 6 — Forward: Dense 5, tanh  (1 of 3)"
    assert all(f"Step {s + 1} of 6" in t for s, t in seen)
    panel.back_button.click()
    assert panel.pages[panel.index].step == 4
    panel.step_buttons[2].click()  # straight to the output
    assert panel.title.text().startswith("Step 3 of 6 — Output")
    assert [b.text() for b in panel.step_buttons] == [f"{i + 1} {s}" for i, s in enumerate(STEPS)]


def test_the_numbers_shown_are_the_walks(panel) -> None:
    walk = penguin_walk()
    panel.show_walk(walk)
    text = panel.text.text()
    # Preparation: min-max, standardising a missing value (imputed), one-hot.
    assert "bill_length</b> = 39.1 → (39.1 − 32) / (59 − 32) = 0.263" in text
    assert "body_mass</b> is missing" in text and "4200" in text
    assert "Torgersen: 1" in text
    np.testing.assert_allclose(column(panel, "value"), walk.x, rtol=1e-5)

    panel.next_button.click()
    layer = walk.forward[0]
    np.testing.assert_allclose(column(panel, "z = W a + b"), layer.z, rtol=1e-5)
    np.testing.assert_allclose(column(panel, "a = f(z)"), layer.a, rtol=1e-5)
    assert "f(z) = tanh z" in panel.text.text()

    panel.go_to_step(2)
    np.testing.assert_allclose(column(panel, "probability"), walk.output.probabilities, rtol=1e-5)
    assert f"<b>{walk.output.predicted}</b>" in panel.text.text()

    panel.go_to_step(3)
    assert walk.loss is not None
    assert column(panel, "value")[0] == pytest.approx(walk.loss.value, rel=1e-5)
    assert "L = −log" in panel.text.text()

    panel.go_to_step(4)  # the output layer first
    np.testing.assert_allclose(column(panel, "delta = dL/dz"), walk.backward[0].delta, rtol=1e-5)
    assert "δ = p − y" in panel.text.text()

    panel.go_to_step(5)
    update = walk.updates["adam"]
    after = column(panel, "after")
    assert after[0] == pytest.approx(update.params[0].after.reshape(-1)[0], rel=1e-5)
    assert "this is step t = 1" in panel.text.text()
    assert panel.optimizer.isVisible() and panel.optimizer.currentText() == "Adam (training's)"


def test_another_optimizer_shows_its_own_update(panel) -> None:
    walk = penguin_walk()
    panel.show_walk(walk)
    panel.go_to_step(5)
    panel.optimizer.setCurrentIndex(panel.optimizer.findData("sgd"))
    panel.optimizer.activated.emit(panel.optimizer.currentIndex())
    assert panel.title.text() == "Step 6 of 6 — Update: SGD"
    sgd = walk.updates["sgd"]
    assert column(panel, "after")[0] == pytest.approx(sgd.params[0].after.reshape(-1)[0], rel=1e-5)
    assert "fresh state" in panel.text.text()


def test_a_wide_layer_lists_every_unit_in_the_table(panel) -> None:
    walk = penguin_walk(units=40)
    panel.show_walk(walk)
    panel.go_to_step(1)
    assert panel.table.rowCount() == 40
    assert "37 more units in the table" in panel.text.text()


def test_the_diagram_frames_the_layer_the_walk_is_at(qtbot) -> None:
    project = Project()
    diagram = NetworkDiagram(project)
    qtbot.addWidget(diagram)
    diagram.resize(600, 300)
    diagram.show()
    highlight = DiagramHighlight(diagram)
    highlight.show_layer("dense1")
    frame = highlight.rect()
    column = next(c for c in diagram.columns if c.layer.name == "dense1")
    assert frame is not None
    assert all(frame.contains(n.sceneBoundingRect()) for n in column.nodes)
    other = next(c for c in diagram.columns if c.layer.kind == "output")
    assert not any(frame.intersects(n.sceneBoundingRect()) for n in other.nodes)
    highlight.show_layer("")
    assert highlight.rect() is None


def every_page(panel: WalkPanel) -> list[str]:
    """The text of every page, from the first to the last by Next."""
    panel.go_to_step(0)
    texts = [panel.text.text()]
    while panel.next_button.isEnabled():
        panel.next_button.click()
        texts.append(panel.text.text())
    return texts


NORMS = NetworkSpec(
    (
        LayerSpec(units=4, activation="gelu"),
        LayerSpec(kind="batch_norm"),
        LayerSpec(kind="dropout", p=0.2),
        LayerSpec(kind="layer_norm"),
    )
)


def test_normalising_layers_dropout_regression_and_a_row_without_target_have_their_pages(
    panel,
) -> None:
    w = weights(NetworkSpec((LayerSpec(units=4),)), PENGUINS.n_inputs, 1)
    w["output.weight"] = np.ones((3, 4))
    w["output.bias"] = np.zeros(3)
    for name in ("batch_norm1", "layer_norm1"):
        w[f"{name}.weight"], w[f"{name}.bias"] = np.full(4, 1.5), np.full(4, 0.1)
    w["batch_norm1.running_mean"], w["batch_norm1.running_var"] = np.zeros(4), np.full(4, 2.0)
    walk = walk_row(NORMS, w, PENGUINS, TrainConfig(), ROW, "Gentoo")
    panel.show_walk(walk)
    texts = every_page(panel)
    assert any("running mean and variance" in t and "evaluation mode" in t for t in texts)
    assert any("dropout passes its input on" in t for t in texts)
    assert any("row's own mean and variance" in t for t in texts)

    regression = FittedPreprocessor(
        PENGUINS.features, TargetEncoding("mass", "regression", (), 4000.0, 500.0)
    )
    net = NetworkSpec((LayerSpec(units=3, activation="softplus"),))
    walk = walk_row(
        net, weights(net, PENGUINS.n_inputs, 1), regression, TrainConfig(loss="huber"), ROW, 4300.0
    )
    panel.show_walk(walk, step=0)
    texts = every_page(panel)
    assert any("value = 4000 + 500 ·" in t for t in texts)
    assert any("δ = 1" in t for t in texts)  # Huber's delta, in its formula

    no_target = walk_row(
        net, weights(net, PENGUINS.n_inputs, 1), regression, TrainConfig(), ROW, None
    )
    panel.show_walk(no_target, step=0)
    texts = every_page(panel)
    assert len(texts) == 4  # prepare, two forward layers, output: nothing to learn from
    assert "no target value" in texts[-1]
    assert not panel.step_buttons[3].isEnabled()


def test_a_sigmoid_output_shows_its_own_error_and_probability(panel) -> None:
    binary = FittedPreprocessor(
        PENGUINS.features, TargetEncoding("species", "classification", ("Adelie", "Gentoo"))
    )
    net = NetworkSpec((LayerSpec(units=3, activation="sigmoid"),))
    walk = walk_row(net, weights(net, binary.n_inputs, 1), binary, TrainConfig(), ROW, "Gentoo")
    panel.show_walk(walk)
    panel.go_to_step(2)
    p = float(walk.output.probabilities[0])
    assert "p = 1 / (1 + e<sup>−" in panel.text.text()
    assert column(panel, "probability")[1] == pytest.approx(p, rel=1e-5)
    panel.go_to_step(4)
    assert "δ = (σ(z) − y) (sigmoid with binary cross-entropy)" in panel.text.text()
    assert column(panel, "delta = dL/dz")[0] == pytest.approx(p - 1.0, rel=1e-5)


def test_a_computed_toy_feature_shows_its_formula(panel) -> None:
    from core.fitted_preprocessor import NumericFeature as Numeric

    pre = FittedPreprocessor(
        (Numeric("x1", 0.0, 0.0, 1.0), Numeric("x1_sq", 0.0, 0.0, 1.0)),
        TargetEncoding("label", "classification", ("blue", "orange")),
        input_features=("x1", "x1_sq"),
    )
    net = NetworkSpec((LayerSpec(units=2),))
    walk = walk_row(net, weights(net, 2, 1), pre, TrainConfig(), {"x1": 3.0, "x2": 1.0}, "blue")
    panel.show_walk(walk)
    assert "<b>x₁²</b> = x1 * x1 = 9 → used as it is: 9" in panel.text.text()
