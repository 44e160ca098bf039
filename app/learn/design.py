"""What the Learn tab's "in your network now" reads: the design and the engine's model of it, and
the helpers that write its numbers and names as LaTeX."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from core.data_spec import DataSpec
from core.losses import Head
from core.spec import NetworkSpec, TrainConfig

if TYPE_CHECKING:
    from core.training_process.messages import Configured


@dataclass(frozen=True)
class Math:
    """A line to render as mathematics."""

    latex: str


Line = str | Math


@dataclass(frozen=True)
class Design:
    """What the Learn tab fills in: the user's design and the engine's model of it, if built."""

    network: NetworkSpec
    config: TrainConfig
    data: DataSpec
    n_inputs: int
    input_names: tuple[str, ...]
    class_names: tuple[str, ...]
    task: str
    head: Head
    info: Configured | None  # None until the engine has built a model of this design


def num(x: float) -> str:
    """A number as LaTeX: four significant digits, powers of ten written out."""
    if x == 0:
        return "0"
    text = f"{x:.4g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        power = f"10^{{{int(exponent)}}}"
        return power if mantissa == "1" else rf"{mantissa} \times {power}"
    return text


def text(name: str) -> str:
    """A column or class name inside LaTeX. ziamath's \\text takes _ % $ # as they are; the
    characters it cannot take are replaced by look-alikes."""
    return rf"\text{{{name.translate(_TEXT_SAFE)}}}"


_TEXT_SAFE = str.maketrans({"&": "+", "\\": "/", "{": "(", "}": ")"})


def listed(names: tuple[str, ...] | list[str], most: int = 6) -> str:
    shown = [text(n) for n in names[:most]]
    if len(names) > most:
        shown.append(rf"\ldots\ ({len(names)}\ \text{{in all}})")
    return r",\ ".join(shown)


def batch_size(d: Design) -> int:
    """Rows per batch: the setting, or every training row for a full batch (0)."""
    full = d.info.n_train if d.info is not None else 0
    return d.config.batch_size or full
