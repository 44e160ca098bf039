"""A run's final model, kept as a model file's members, and saved in a project beside its runs.

The training process keeps the last runs' models (`core.training_process.run_weights`) as the
same two members a *.nnp file has (`model.json` with the network, the fitted preprocessing and
the history; `weights.safetensors`), so that restoring a run gives back exactly its model. A
project saves them as `runs/<number>/model.json` and `runs/<number>/weights.safetensors`, for the
runs whose record says so (`RunRecord.weights`).

Bounded: at most `MAX_KEPT_RUNS` runs' models and `MAX_KEPT_BYTES` in all (core.runs), the
oldest run's dropped first; a model larger than the whole budget is not kept at all.

Reading them from a project is as strict as reading a model file (core.modelfile): sizes checked
before anything is read, the manifest checked, the network built and every weight checked. A
run's model that fails is left out with a note naming the run and the member, and the project
opens without those weights: they are a convenience, the project's design and runs are not.
"""

from __future__ import annotations

import dataclasses
import json
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

from core.errors import ModelFileError
from core.model_manifest import MAX_JSON_BYTES, model_parts, read_member, weights_limit
from core.modelfile import MANIFEST, WEIGHTS, TrainedModel, model_from_parts, model_members
from core.runs import MAX_KEPT_BYTES, MAX_KEPT_RUNS, RunRecord, model_member, weights_member


@dataclass(frozen=True)
class KeptModel:
    """A whole model as bytes: its manifest (model.json) and its weights (safetensors)."""

    manifest: bytes
    weights: bytes

    @property
    def size(self) -> int:
        return len(self.manifest) + len(self.weights)


def kept_model(tm: TrainedModel) -> KeptModel:
    """`tm` as the members a model file would hold (a copy: training on does not change it)."""
    members = model_members(tm)
    return KeptModel(members[MANIFEST], members[WEIGHTS])


def load_kept(kept: KeptModel, label: str) -> TrainedModel:
    """The model `kept` holds, built and checked as a model file's is; errors name `label`."""
    try:
        manifest = json.loads(kept.manifest.decode("utf-8"))
    except ValueError as exc:
        raise ModelFileError(f"{label}: model.json is not valid JSON ({exc})") from None
    parts = model_parts(manifest, f"{label}: model.json")
    if len(kept.weights) > weights_limit(parts):
        raise ModelFileError(f"{label}: the weights are larger than the network can hold")
    return model_from_parts(parts, kept.weights, f"{label}: weights.safetensors")


def run_model_members(
    runs: Sequence[RunRecord], models: dict[int, KeptModel]
) -> tuple[tuple[RunRecord, ...], dict[str, bytes]]:
    """The runs as a project saves them, and the members of their models: a run's model is
    saved when its record says it is kept and `models` has it; otherwise it says not kept."""
    members: dict[str, bytes] = {}
    out = []
    for run in runs:
        kept = models.get(run.number) if run.weights is not None else None
        if kept is None:
            out.append(run if run.weights is None else dataclasses.replace(run, weights=None))
            continue
        members[model_member(run.number)] = kept.manifest
        members[weights_member(run.number)] = kept.weights
        out.append(dataclasses.replace(run, weights=weights_member(run.number)))
    return tuple(out), members


def read_run_models(
    zf: zipfile.ZipFile, name: str, runs: Sequence[RunRecord]
) -> tuple[tuple[RunRecord, ...], dict[int, KeptModel], tuple[str, ...]]:
    """The models of the runs whose record names them, checked; the runs, marked not kept where
    a model could not be read (or went past the bounds); and a note for each of those."""
    notes: list[str] = []
    chosen: list[RunRecord] = []
    total = 0
    names = set(zf.namelist())
    # Newest first, so that the bounds leave out the oldest, as the training process does.
    for run in reversed([r for r in runs if r.weights is not None]):
        claimed = sum(
            zf.getinfo(m).file_size
            for m in (model_member(run.number), weights_member(run.number))
            if m in names
        )
        if len(chosen) >= MAX_KEPT_RUNS or total + claimed > MAX_KEPT_BYTES:
            notes.append(
                f"{name}: run {run.number}'s weights are left out: a project keeps the models "
                f"of at most {MAX_KEPT_RUNS} runs and {MAX_KEPT_BYTES // 2**20} MB"
            )
            continue
        chosen.append(run)
        total += claimed
    models: dict[int, KeptModel] = {}
    for run in reversed(chosen):
        try:
            models[run.number] = _read_run_model(zf, names, run.number)
        except ModelFileError as exc:
            notes.append(f"{name}: {exc}; it opens without run {run.number}'s weights")
    out = tuple(
        r if r.weights is None or r.number in models else dataclasses.replace(r, weights=None)
        for r in runs
    )
    return out, models, tuple(reversed(notes))


def _read_run_model(zf: zipfile.ZipFile, names: set[str], number: int) -> KeptModel:
    label = f"run {number}"
    json_name, weights_name = model_member(number), weights_member(number)
    for member in (json_name, weights_name):
        if member not in names:
            raise ModelFileError(f"{label}: the project has no {member}")
    try:
        raw = read_member(zf, json_name, MAX_JSON_BYTES, label, "project")
        try:
            manifest = json.loads(raw.decode("utf-8"))
        except ValueError as exc:
            raise ModelFileError(f"{label}: {json_name} is not valid JSON ({exc})") from None
        except RecursionError:
            raise ModelFileError(f"{label}: {json_name} is nested too deeply to read") from None
        parts = model_parts(manifest, f"{label}: {json_name}")
        weights = read_member(zf, weights_name, weights_limit(parts), label, "project")
    # A member whose bytes are corrupt (a file cut short, a bad checksum).
    except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
        raise ModelFileError(f"{label}: {exc}") from None
    model_from_parts(parts, weights, f"{label}: {weights_name}")  # every weight checked
    return KeptModel(raw, weights)
