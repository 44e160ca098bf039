"""Health hints in the window: a badge on the layer's card, a line in the status bar, a click
that opens Learn; gone when the network changes or a new run starts."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.learn_links import LEARN_LINKS
from core.events import HealthChecked, TrainStarted
from core.health import dead_units_hint, learning_rate_hint
from core.spec import LayerSpec, NetworkSpec

NETWORK = NetworkSpec(layers=(LayerSpec(units=12, activation="relu"),) * 3)
DEAD = dead_units_hint(1, 1.0)
TOO_HIGH = learning_rate_hint(0.7, 40_000.0, [40_000.0])


@pytest.fixture
def window(bare_window, qtbot):
    bare_window.project.edit_network(NETWORK, "Three ReLU layers")
    qtbot.waitUntil(lambda: len(bare_window.network_panel.cards) == 3)
    return bare_window


def send(window, *hints) -> None:
    window.engine.health_checked.emit(HealthChecked(100, 3, hints))


def test_a_hint_about_a_layer_shows_as_a_badge_on_its_card(window, qtbot):
    send(window, DEAD)
    cards = window.network_panel.cards
    badge = cards[1].health_badge
    qtbot.waitUntil(badge.isVisible)
    assert badge.text() == "⚠ 100 % dead"
    assert "Leaky ReLU" in badge.toolTip()
    assert not cards[0].health_badge.isVisible() and not cards[2].health_badge.isVisible()
    line = window.health_line
    assert line.isVisible() and line.full_text.startswith("⚠ Layer 2: 100 % dead: lower")
    with qtbot.waitSignal(LEARN_LINKS.requested) as opened:
        qtbot.mouseClick(badge, Qt.MouseButton.LeftButton)
    assert opened.args == ["activations"]


def test_the_status_bar_names_the_most_important_hint_and_opens_its_section(window, qtbot):
    send(window, TOO_HIGH, DEAD)
    line = window.health_line
    qtbot.waitUntil(line.isVisible)
    assert line.full_text == "⚠ learning rate too high: divide it by 10 · 1 more hint"
    assert "Layer 2: 100 % of this layer's ReLU units" in line.toolTip()
    assert line.width() > 200 and line.text()  # room for it beside the messages
    with qtbot.waitSignal(LEARN_LINKS.requested) as opened:
        qtbot.mouseClick(line, Qt.MouseButton.LeftButton)
    assert opened.args == ["gradient_descent"]


def test_hints_clear_when_the_network_changes(window, qtbot):
    send(window, DEAD)
    badge = window.network_panel.cards[1].health_badge
    qtbot.waitUntil(badge.isVisible)
    window.project.edit_network(NetworkSpec(layers=NETWORK.layers[:2]), "Remove a layer")
    assert not badge.isVisible() and not window.health_line.isVisible()


def test_hints_clear_when_a_new_run_starts(window, qtbot):
    send(window, DEAD, TOO_HIGH)
    qtbot.waitUntil(window.health_line.isVisible)
    names = ("dense1", "dense2", "dense3", "output")
    window.engine.started.emit(
        TrainStarted("cpu", "CPU", names, names, 400, 400, 100, 16, 25, 10, "accuracy", 0, 0)
    )
    assert not window.health_line.isVisible()
    assert not any(card.health_badge.isVisible() for card in window.network_panel.cards)


@pytest.mark.slow  # a real training process
def test_a_learning_rate_of_10_puts_hints_on_the_cards_while_it_trains(qapp, qtbot, steps):
    with steps.running_window(qapp) as w:
        w.project.edit_network(NETWORK, "Three ReLU layers")
        w.project.edit_config("Far too fast", learning_rate=10.0, epochs=10)
        qtbot.waitUntil(lambda: w.run.model_fits_design and w.run.state == "ready", timeout=20_000)
        with qtbot.waitSignal(w.engine.finished, timeout=30_000):
            w.controls.train_button.click()
        qtbot.waitUntil(w.health_line.isVisible, timeout=5_000)
        assert "learning rate too high" in w.health_line.full_text
        assert any(card.health_badge.isVisible() for card in w.network_panel.cards)
