"""A project as one file (*.nnproj): the user's whole design and, once trained, the model.

The file is a zip of JSON and safetensors, never a pickle: `project.json` holds the data source
(a CSV file's path and import settings, or a toy dataset's parameters), the column choices, the
network and the training settings; a trained project adds the model's own members
(`model.json` and `weights.safetensors`, exactly as in a *.nnp file), which carry the fitted
preprocessing and the training history. A project with a run history adds `runs.json`: every
training run's settings, curves and scores (`core.runs`, bounded in size), and the final models
of the runs whose weights were kept (`runs/<number>/...`, `core.run_models`).

A CSV file that has moved does not stop a project from opening: `load_project` looks beside the
project for it, then reports the path in `ProjectFile.missing_source` so the window can ask for
the new location (`ProjectFile.relocated`).
"""

from __future__ import annotations

import dataclasses
import json
import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core import __version__
from core.data_spec import CsvSource, DataSpec
from core.errors import ModelFileError, NNPlayError
from core.model_manifest import MANIFEST, check_format, read_json, read_zip
from core.modelfile import TrainedModel, model_members, read_model, write_atomic, zip_bytes
from core.project_manifest import find_data_file
from core.run_models import KeptModel, read_run_models, run_model_members
from core.runs import RunRecord, runs_from_json, runs_to_json
from core.spec import NetworkSpec, TrainConfig, from_json, to_json

PROJECT_FORMAT = "nnplay-project"
PROJECT_FORMAT_VERSION = 1
PROJECT_MANIFEST = "project.json"
RUNS_MEMBER = "runs.json"
SUFFIX = ".nnproj"
_FIELDS = {
    "format",
    "format_version",
    "created_by",
    "data",
    "data_relative_path",
    "network",
    "config",
    "extras",
}


@dataclass(frozen=True, eq=False)
class ProjectFile:
    """What a project file holds.

    `data` is None until a dataset is chosen, and may be unfinished (no target yet): training
    validates it, opening does not, so a half-built design can be saved and reopened.
    `model` is the trained model (weights, fitted preprocessing, history), or None.
    `extras` is the window's own JSON-able state (which tab was open, ...); core ignores it.
    `missing_source` is set by `load_project` when the CSV file is no longer where it was.
    `runs` is the run history (core.runs), oldest first; `run_models` the kept final models of
    some of them, by run number (saved for the runs whose record names its weights).
    `notes` says what `load_project` left out: a run's model that could not be read.
    """

    data: DataSpec | None = None
    network: NetworkSpec = field(default_factory=NetworkSpec)
    config: TrainConfig = field(default_factory=TrainConfig)
    model: TrainedModel | None = None
    extras: dict[str, Any] = field(default_factory=dict)
    missing_source: str | None = None
    runs: tuple[RunRecord, ...] = ()
    run_models: dict[int, KeptModel] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    @property
    def trained(self) -> bool:
        return self.model is not None

    def relocated(self, csv_path: str | Path) -> ProjectFile:
        """The same project reading its CSV file from `csv_path` (settings kept)."""
        if self.data is None or not isinstance(self.data.source, CsvSource):
            raise ModelFileError("this project does not read a CSV file")
        path = str(csv_path)
        model = self.model
        if model is not None and isinstance(model.data.source, CsvSource):
            model = dataclasses.replace(model, data=_with_path(model.data, path))
        return dataclasses.replace(
            self, data=_with_path(self.data, path), model=model, missing_source=None
        )


def save_project(path: str | Path, project: ProjectFile) -> None:
    """Write the project atomically: a crash mid-write leaves any old file intact."""
    path = Path(path)
    data = project.data
    if data is not None and isinstance(data.source, CsvSource):
        # Absolute, so that opening does not depend on the folder the app was started in.
        data = _with_path(data, str(Path(data.source.path).resolve()))
    manifest = {
        "format": PROJECT_FORMAT,
        "format_version": PROJECT_FORMAT_VERSION,
        "created_by": f"NN Playground {__version__}",
        "data": None if data is None else to_json(data),
        "data_relative_path": _relative_source(project.data, path),
        "network": to_json(project.network),
        "config": to_json(project.config),
        "extras": project.extras,
    }
    try:
        text = json.dumps(manifest, indent=1, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ModelFileError(f"cannot save the project: {exc}") from None
    members = {PROJECT_MANIFEST: text.encode("utf-8")}
    if project.runs:
        runs, run_members = run_model_members(project.runs, project.run_models)
        text = json.dumps(runs_to_json(runs), allow_nan=False, separators=(",", ":"))
        members[RUNS_MEMBER] = text.encode("utf-8")
        members.update(run_members)
    if project.model is not None:
        members.update(model_members(project.model))
    write_atomic(path, zip_bytes(members))


def load_project(path: str | Path) -> ProjectFile:
    """Read a project file; anything that is not a valid project raises ModelFileError."""
    path = Path(path)
    name = path.name

    def read(zf: zipfile.ZipFile) -> tuple[ProjectFile, str | None]:
        # The design is checked before the trained model is read: a broken project.json is
        # refused without building its network.
        project, relative = _project_from_manifest(
            read_json(zf, PROJECT_MANIFEST, name, "project"), name
        )
        if RUNS_MEMBER in zf.namelist():
            project = dataclasses.replace(project, runs=_read_runs(zf, name))
        if MANIFEST in zf.namelist():
            model = read_model(zf, name, "project", f"{name} (its trained model)")
            project = dataclasses.replace(project, model=model)
        if project.runs:
            runs, models, notes = read_run_models(zf, name, project.runs)
            project = dataclasses.replace(project, runs=runs, run_models=models, notes=notes)
        return project, relative

    project, relative = read_zip(path, "project", read)
    return _find_source(project, path, relative)


def _project_from_manifest(manifest: Any, name: str) -> tuple[ProjectFile, str | None]:
    """The design a project manifest holds (no model yet), and its CSV path relative to it."""
    check_format(manifest, PROJECT_FORMAT, PROJECT_FORMAT_VERSION, name, "project")
    unknown = set(manifest) - _FIELDS
    if unknown:
        raise ModelFileError(
            f"{name}: unknown field(s) {', '.join(sorted(unknown))} in the project"
        )
    try:
        data = None if manifest["data"] is None else from_json(DataSpec, manifest["data"])
        if data is not None:
            # An unfinished design is not validated, but its numbers must fit the window.
            problems = data.range_problems()
            if problems:
                raise ModelFileError("invalid data settings: " + "; ".join(problems))
        network = from_json(NetworkSpec, manifest["network"]).validate()
        config = from_json(TrainConfig, manifest["config"]).validate()
    except KeyError as exc:
        raise ModelFileError(f"{name}: the project lacks {exc}") from None
    except NNPlayError as exc:
        raise ModelFileError(f"{name}: {exc}") from None
    extras = manifest.get("extras", {})
    relative = manifest.get("data_relative_path")
    if not isinstance(extras, dict):
        raise ModelFileError(f"{name}: extras: expected an object, got {type(extras).__name__}")
    if relative is not None and not isinstance(relative, str):
        raise ModelFileError(f"{name}: data_relative_path: expected text, got {relative!r}")
    return ProjectFile(data, network, config, extras=extras), relative


def _read_runs(zf: zipfile.ZipFile, name: str) -> tuple[RunRecord, ...]:
    data = read_json(zf, RUNS_MEMBER, name, "project")
    try:
        return runs_from_json(data, "runs")
    except NNPlayError as exc:
        raise ModelFileError(f"{name}: {RUNS_MEMBER}: {exc}") from None


def _find_source(project: ProjectFile, path: Path, relative: str | None) -> ProjectFile:
    """Where the CSV file is now: where it was, else at the same place relative to the project
    (a folder moved or copied as a whole), else missing."""
    if project.data is None or not isinstance(project.data.source, CsvSource):
        return project
    source = project.data.source.path
    found = find_data_file(source, path, relative)
    if found is None:
        return dataclasses.replace(project, missing_source=source)
    return project if str(found) == source else project.relocated(found)


def _relative_source(data: DataSpec | None, path: Path) -> str | None:
    if data is None or not isinstance(data.source, CsvSource):
        return None
    try:
        return os.path.relpath(Path(data.source.path).resolve(), path.resolve().parent)
    except ValueError:  # on Windows, a path on another drive has no relative form
        return None


def _with_path(data: DataSpec, path: str) -> DataSpec:
    assert isinstance(data.source, CsvSource)
    return dataclasses.replace(data, source=dataclasses.replace(data.source, path=path))
