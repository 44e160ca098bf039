"""What `nnplay train` prints when training ends: how far it got and how well it did, in words."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from core.text import plural


def summary_text(s: dict[str, Any], out: Path) -> str:
    """The lines printed after a model is saved: why training ended, losses, scores, the file."""
    metric = "accuracy" if s["task"] == "classification" else "r2"
    val = s.get(f"val_{metric}")
    reason = s.get("reason") or f"trained {plural(s['epochs'], 'epoch', 'epochs')}"
    parts = [
        f"{reason} ({_progress(s, epochs=not reason.startswith('trained'))})",
        f"train loss {_num(s['train_loss'])}, validation loss {_num(s['val_loss'])}",
    ]
    if val is not None:
        parts.append(f"validation {metric} {_num(val)}")
    if s.get(f"test_{metric}") is not None:
        parts.append(
            f"test {metric} {_num(s[f'test_{metric}'])} on the {plural(s['n_test'], 'row', 'rows')} held out "
            "from training"
        )
    parts.append(f"saved {out} ({plural(s['parameters'], 'parameter', 'parameters')})")
    return "\n".join(parts)


def _num(v: float | None) -> str:
    return "n/a" if v is None else f"{v:.4g}"


def _progress(s: dict[str, Any], epochs: bool = True) -> str:
    """How far training got, e.g. '3 epochs and 12 steps, 0.4 s on cpu'."""
    steps = (
        f"{plural(s['epochs'], 'epoch', 'epochs')} and {plural(s['steps'], 'step', 'steps')}"
        if epochs
        else plural(s["steps"], "step", "steps")
    )
    return f"{steps}, {seconds_on_device(s)}"


def seconds_on_device(s: dict[str, Any]) -> str:
    """How long training took and where, e.g. '0.4 s on cpu'."""
    return f"{s.get('seconds', 0):.3g} s on {s['device']}"
