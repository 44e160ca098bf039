"""Where a project file's data file is, read without torch (the window asks before it is read).

`core.project` reads the whole project and imports torch; the window's process never does. This
reads just the data source from `project.json` and finds the file as `core.project.load_project`
would: where it was saved, else at the same place relative to the project.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

from core.limits import MAX_JSON_BYTES

PROJECT_MANIFEST = "project.json"  # core.project.PROJECT_MANIFEST


def find_data_file(source: str, project: Path, relative: str | None) -> Path | None:
    """The CSV file a project reads: `source` when it is there, else `relative` to the project's
    folder when that is there, else None (it is missing)."""
    if Path(source).is_file():
        return Path(source)
    if relative:
        beside = project.parent / relative
        if beside.is_file():
            return beside.resolve()
    return None


def project_data_file(project: str | Path) -> Path | None:
    """The CSV file the project at `project` would read, or None: it reads none (a toy set, no
    data yet), the file is missing, or the project cannot be read (opening it says why)."""
    path = Path(project)
    try:
        with zipfile.ZipFile(path) as zf:
            info = zf.getinfo(PROJECT_MANIFEST)
            if info.file_size > MAX_JSON_BYTES or info.flag_bits & 0x1:
                return None
            with zf.open(info) as f:
                manifest: Any = json.loads(f.read(MAX_JSON_BYTES + 1).decode("utf-8"))
    except Exception:
        # Not a readable project (a broken or hostile zip may raise anything): the training
        # process reads no data of it and says what is wrong.
        return None
    if not isinstance(manifest, dict):
        return None
    data = manifest.get("data")
    source = data.get("source") if isinstance(data, dict) else None
    relative = manifest.get("data_relative_path")
    if not isinstance(source, dict) or not isinstance(source.get("path"), str):
        return None
    return find_data_file(source["path"], path, relative if isinstance(relative, str) else None)


def is_inside(file: Path, folder: Path) -> bool:
    """Whether `file` lies in `folder` or a folder below it (links followed)."""
    try:
        return file.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError):
        return False
