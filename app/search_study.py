"""Which study a search in the window goes on with: its name and where it is kept.

A saved project keeps its study in an SQLite file beside it (work.nnproj -> work.study.db), so
the next search, after "Use best", after reopening, or from `nnplay search --study NAME
--storage URL`, goes on with the trials before instead of starting again at trial 0.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

from core.data_spec import CsvSource, DataSpec
from core.search.settings import shared_settings
from core.search.space import SearchPlan
from core.spec import NetworkSpec, TrainConfig, to_json

STUDY_SUFFIX = ".study.db"  # beside a saved project: work.nnproj -> work.study.db


def study_storage(project_file: Path | None) -> str | None:
    """The study's storage URL beside a saved project; None (in memory) for an unsaved one."""
    if project_file is None:
        return None
    return f"sqlite:///{project_file.with_name(project_file.stem + STUDY_SUFFIX)}"


def study_name(data: DataSpec, network: NetworkSpec, config: TrainConfig, plan: SearchPlan) -> str:
    """One study per design and metric: trials of another dataset or network would mislead the
    sampler, and a study optimises one metric in one direction. The values the search varies
    are left out (each trial has its own), and so is the folder of the CSV file (a project
    saved, moved or reopened reads it from another path)."""
    network, config = shared_settings(plan.space, network, config)
    if isinstance(data.source, CsvSource):
        source = dataclasses.replace(data.source, path=Path(data.source.path).name)
        data = dataclasses.replace(data, source=source)
    design = json.dumps([to_json(data), to_json(network), to_json(config)], sort_keys=True)
    return f"search-{plan.metric}-{hashlib.sha1(design.encode()).hexdigest()[:8]}"
