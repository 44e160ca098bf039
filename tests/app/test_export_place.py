"""File > Export model suggests a file beside the project, or beside the CSV, never ~/model."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from app.main_window import MainWindow
from core.data_spec import CsvSource


def test_export_is_suggested_beside_the_project_or_else_the_csv(qtbot, tmp_path):
    window = MainWindow()
    qtbot.addWidget(window)
    exporter = window.files.exporter
    csv = tmp_path / "tables" / "penguins.csv"
    csv.parent.mkdir()
    csv.write_text("a,b\n1,2\n", encoding="utf-8")
    window.project.data = replace(window.project.data, source=CsvSource(str(csv)))

    exporter.open_dialog(Path.home(), "model")
    assert exporter.dialog is not None
    assert exporter.dialog.path == csv.parent / "penguins.onnx"
    exporter.dialog.close()

    project = tmp_path / "work" / "study.nnproj"
    project.parent.mkdir()
    window.files.path = project
    exporter.open_dialog(Path.home(), "study")
    assert exporter.dialog.path == project.parent / "study.onnx"
    exporter.dialog.close()
