"""Writing files so that a crash or a full disk never leaves a half-written one (no torch here:
the window's process writes predictions with it and must not import torch)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from core.errors import ModelFileError


def write_atomic(path: Path, payload: bytes) -> None:
    """Write `payload` to a temporary file beside `path`, then rename it over `path`. Errors
    name `path`, the file the user asked for, never the temporary file."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        _remove_leftover(tmp)  # left by a save that was killed before it could clean up
        with open(tmp, "wb") as f:
            f.write(payload)
            f.flush()
            # Without this, a power cut soon after the rename can leave an empty file behind.
            os.fsync(f.fileno())
        tmp.replace(path)
    except BaseException as exc:
        # Whatever stopped the write (a full disk, a folder named like `path`, Ctrl+C), no
        # stray temporary file is left beside it, where the folder lets it be removed.
        # A read-only folder refuses this too; the error below is the one to show.
        with contextlib.suppress(OSError):
            _remove_leftover(tmp)
        if isinstance(exc, OSError):
            raise ModelFileError(f"cannot write {path}: {exc.strerror or exc}") from None
        raise


def _remove_leftover(tmp: Path) -> None:
    try:
        tmp.unlink()
    except FileNotFoundError:
        pass
    except IsADirectoryError:
        tmp.rmdir()  # only an empty one: a folder with files in it is not ours to delete
