"""Compare optimizers: the dialog sends the race, draws the paths, the surface and the variance
the plane holds, and the race ends when the network changes."""

from __future__ import annotations

import re

import numpy as np
import pytest

from core.race_spec import DEFAULT_RACE, RaceRecord
from core.training_process.commands import RaceOptimizers, StopRace
from core.training_process.messages import RaceFinished, RaceProgress

SHARE = re.compile(r"The plane holds \d+ % of the paths' variance\.")


def test_the_race_waits_for_a_built_network(bare_window) -> None:
    dialog = bare_window.races.open()
    dialog.start_button.click()
    assert not dialog.racing
    assert "Wait until the network is built" in dialog.status.text()
    dialog.close()


def test_the_dialog_draws_the_paths_as_they_come_and_then_the_surface(
    bare_window, qtbot, monkeypatch
) -> None:
    sent: list[object] = []
    monkeypatch.setattr(bare_window.engine, "send", sent.append)
    bare_window.controls.race_button.click()  # the Compare button beside Stop opens it
    dialog = bare_window.races.dialog
    assert dialog is not None and dialog.isVisible()
    monkeypatch.setattr(dialog, "_cannot_start", lambda: "")
    dialog.steps.setValue(40)
    dialog.start_button.click()
    race = sent[-1]
    assert isinstance(race, RaceOptimizers) and race.steps == 40
    assert race.entries == DEFAULT_RACE  # the ticked rows, at their default settings
    assert dialog.racing and dialog.stop_button.isEnabled()

    def path(k: int, turn: float) -> np.ndarray:
        t = np.linspace(0, 1, k)[:, None]
        return np.hstack([t * 3, t * t * turn]).astype(np.float32)

    losses = tuple(np.linspace(0.7, 0.5, 20, dtype=np.float32) for _ in DEFAULT_RACE)
    paths = tuple(path(11, turn) for turn in (1, -1, 2, -2))
    bare_window.engine.race_progressed.emit(RaceProgress(race.race, 20, 40, losses, paths, 0.8))
    qtbot.waitUntil(lambda: dialog.map.path_points() == [11] * 4)
    assert "so far" in dialog.map.share_label.text()

    records = tuple(
        RaceRecord(e, np.linspace(0.7, 0.1, 40, dtype=np.float32)) for e in DEFAULT_RACE
    )
    grid = np.add.outer(np.linspace(0, 1, 21), np.linspace(0, 2, 21)).astype(np.float32) + 0.1
    finished = RaceFinished(
        race.race,
        "finished",
        records,
        1.5,
        surface=grid,
        extent=(-1.0, 4.0, -3.0, 3.0),
        paths=tuple(path(21, turn) for turn in (1, -1, 2, -2)),
        path_steps=tuple(np.arange(0, 42, 2) for _ in DEFAULT_RACE),
        variance_share=0.93,
        surface_rows=300,
    )
    with qtbot.waitSignal(bare_window.races.race_finished):  # for the run history
        bare_window.engine.race_finished.emit(finished)
    assert not dialog.racing and dialog.start_button.isEnabled()
    assert dialog.map.path_points() == [21] * 4
    assert SHARE.fullmatch(dialog.map.share_label.text())
    assert "93 %" in dialog.map.share_label.text() and dialog.map.share_label.isVisible()
    assert dialog.map.image.image is not None and dialog.map.contours
    assert dialog.records == records  # plain data a run history can keep
    assert dialog.started_with is not None
    data, network, config = dialog.started_with
    assert (data, network) == (bare_window.project.data, bare_window.project.network)
    adam = records[-1].entry.train_config(config)
    assert (adam.optimizer, adam.learning_rate) == ("adam", 0.01)
    assert all(e.name in dialog.status.text() for e in DEFAULT_RACE)
    legend = dialog.losses.legend_html().replace("&nbsp;", " ")
    assert all(e.name in legend for e in DEFAULT_RACE)
    dialog.close()


@pytest.mark.slow
def test_a_race_on_the_spiral_and_a_network_edit_that_ends_one(qapp, qtbot, steps) -> None:
    with steps.running_window(qapp) as window:
        dialog = window.races.open()
        dialog.steps.setValue(150)
        dialog.start_button.click()
        assert dialog.racing, dialog.status.text()
        qtbot.waitUntil(lambda: not dialog.racing, timeout=120_000)
        assert dialog.map.path_points()[0] > 2
        assert SHARE.fullmatch(dialog.map.share_label.text())
        assert np.isfinite(dialog.map.image.image).all()
        assert [len(r.losses) for r in dialog.records] == [150] * 4

        dialog.steps.setValue(5_000)
        dialog.start_button.click()
        qtbot.waitUntil(lambda: any(dialog.map.path_points()), timeout=60_000)
        layers = window.project.network.layers[:-1]
        window.project.edit_network(type(window.project.network)(layers=layers), "one less")
        qtbot.waitUntil(lambda: not dialog.racing, timeout=60_000)
        assert "the network changed" in dialog.status.text()
        assert all(r.outcome == "stopped" for r in dialog.records)
        dialog.close()
        window.project.undo_stack.setClean()


def test_stop_sends_stop_race(bare_window, monkeypatch) -> None:
    sent: list[object] = []
    monkeypatch.setattr(bare_window.engine, "send", sent.append)
    dialog = bare_window.races.open()
    monkeypatch.setattr(dialog, "_cannot_start", lambda: "")
    dialog.start_button.click()
    dialog.stop_button.click()
    assert isinstance(sent[-1], StopRace)
    dialog.close()  # closing while the race is on its way stops it too
    assert isinstance(sent[-1], StopRace)


def test_running_mean_and_contour_levels() -> None:
    from app.plots.race_loss_plot import running_mean
    from app.plots.race_map import log_levels, share_text

    np.testing.assert_allclose(running_mean(np.array([1.0, 3.0, 5.0, 7.0]), 2), [1, 2, 4, 6])
    assert len(running_mean(np.zeros(0), 5)) == 0
    levels = log_levels(np.array([[0.0, np.nan], [1.0, 2.0]]), n=3)
    np.testing.assert_allclose(levels, [0.5, 1.0, 1.5])  # inside the finite range
    assert len(log_levels(np.ones((3, 3)))) == 0  # a flat surface has no level lines
    assert share_text(0.934, final=True) == "The plane holds 93 % of the paths' variance."


def finished_race(race: int, steps: int, surface: bool = True) -> RaceFinished:
    records = tuple(
        RaceRecord(e, np.linspace(0.7, 0.1, steps, dtype=np.float32)) for e in DEFAULT_RACE
    )
    if not surface:
        return RaceFinished(race, "stopped", records, 1.0)
    grid = np.add.outer(np.linspace(0, 1, 21), np.linspace(0, 2, 21)).astype(np.float32) + 0.1
    path = np.linspace([0.0, 0.0], [3.0, 1.0], 11).astype(np.float32)
    return RaceFinished(race, "finished", records, 1.0, surface=grid,
                        extent=(-1.0, 4.0, -3.0, 3.0), paths=(path,) * len(DEFAULT_RACE),
                        path_steps=(np.arange(11),) * len(DEFAULT_RACE), variance_share=0.9,
                        surface_rows=300)  # fmt: skip


def test_a_new_race_clears_the_last_map_until_its_own_arrives(bare_window, monkeypatch) -> None:
    import pyqtgraph as pg

    sent: list[object] = []
    monkeypatch.setattr(bare_window.engine, "send", sent.append)
    dialog = bare_window.races.open()
    monkeypatch.setattr(dialog, "_cannot_start", lambda: "")
    race_map = dialog.map

    def drawn_contours() -> int:
        scene = race_map.plot.scene()
        return sum(isinstance(i, pg.IsocurveItem) and i.isVisible() for i in scene.items())

    dialog.start_button.click()
    bare_window.engine.race_finished.emit(finished_race(sent[-1].race, 40))
    assert drawn_contours() > 0 and not race_map.pending_label.isVisible()

    dialog.start_button.click()  # the next race: nothing of the last landscape stays
    assert drawn_contours() == 0 and race_map.image.image is None
    assert not race_map.share_label.isVisible()
    assert (
        race_map.pending_label.isVisible() and "loss map" in race_map.pending_label.text().lower()
    )
    bare_window.engine.race_finished.emit(finished_race(sent[-1].race, 40, surface=False))
    assert "No loss map" in race_map.pending_label.text() and drawn_contours() == 0
    dialog.close()


def test_the_last_step_keeps_its_tick_label(bare_window, monkeypatch, qtbot) -> None:
    from PySide6.QtGui import QImage, QPainter

    sent: list[object] = []
    monkeypatch.setattr(bare_window.engine, "send", sent.append)
    dialog = bare_window.races.open()
    monkeypatch.setattr(dialog, "_cannot_start", lambda: "")
    dialog.resize(1180, 720)  # the dialog's own size on a large screen
    dialog.steps.setValue(1000)
    dialog.start_button.click()
    race = sent[-1].race
    losses = tuple(np.linspace(0.7, 0.5, 800, dtype=np.float32) for _ in DEFAULT_RACE)
    bare_window.engine.race_progressed.emit(RaceProgress(race, 800, 1000, losses, (), 0.8))
    qtbot.waitUntil(lambda: len(dialog.losses._raw[0]) == 800)
    bare_window.engine.race_finished.emit(finished_race(race, 1000))
    axis = dialog.losses.plot.getPlotItem().getAxis("bottom")
    image = QImage(axis.boundingRect().size().toSize(), QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    labels = [spec[2] for spec in axis.generateDrawSpecs(painter)[2]]
    painter.end()
    assert "1000" in labels, (labels, axis.linkedView().viewRange()[0], axis.boundingRect())
    dialog.close()
