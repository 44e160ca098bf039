"""A walk page as text and a table, and how numbers are written on it (no Qt: tested plainly)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

STEPS = ("Prepare", "Forward", "Output", "Loss", "Backward", "Update")
# Units written out in the formulas; the table below always lists every one.
SHOWN_UNITS = 3
SHOWN_TERMS = 4


@dataclass(frozen=True)
class Page:
    """One page of the walk: which of the six steps, its text (rich text with the formula and
    the numbers) and a table of every number (for wide layers, all units)."""

    step: int  # 0-5: an index into STEPS
    title: str
    html: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    layer: str = ""  # the layer the diagram highlights ("input", dense1, output, ...)


def num(value: float, digits: int = 4) -> str:
    """A number in the text: 4 significant digits, a real minus sign."""
    text = f"{float(value) + 0.0:.{digits}g}"
    return text.replace("-", "−") if not text.startswith("nan") else "NaN"


def paren(value: float, digits: int = 4) -> str:
    """A number as a factor: negative ones in brackets."""
    return f"({num(value, digits)})" if value < 0 else num(value, digits)


def cell(value: float) -> str:
    """A number in the table: 6 significant digits, plain ASCII so that it can be copied."""
    return f"{float(value) + 0.0:.6g}"  # + 0.0: a -0.0 reads 0


def sub(name: str, index: int | str) -> str:
    return f"{name}<sub>{index}</sub>"


def vector(values: np.ndarray, limit: int = 6) -> str:
    """[0.1, −0.2, …] with at most `limit` entries, then how many more."""
    items = [num(v) for v in np.asarray(values).reshape(-1)[:limit]]
    more = len(np.asarray(values).reshape(-1)) - limit
    tail = f", … ({more:,} more)" if more > 0 else ""
    return "[" + ", ".join(items) + tail + "]"


def weighted_sum(
    weights: np.ndarray, inputs: np.ndarray, bias: float | None, w: str = "w", a: str = "a"
) -> str:
    """w·a + w·a + … + b, with the first SHOWN_TERMS terms written out."""
    terms = [f"{paren(wi)}·{paren(ai)}" for wi, ai in zip(weights, inputs, strict=True)]
    text = " + ".join(terms[:SHOWN_TERMS])
    if len(terms) > SHOWN_TERMS:
        text += f" + … ({len(terms) - SHOWN_TERMS} more)"
    if bias is not None:
        text += f" + {paren(bias)}"
    return text


def table(
    headers: Sequence[str], columns: Sequence[Sequence[object]]
) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """Headers and rows from columns of numbers (written with `cell`) or text."""
    rows = []
    for values in zip(*columns, strict=True):
        rows.append(
            tuple(v if isinstance(v, str) else cell(float(v)) for v in values)  # type: ignore[arg-type]
        )
    return tuple(headers), tuple(rows)


def formula(text: str) -> str:
    """A formula on its own line, set off from the prose."""
    return f"<p style='margin-left:12px'><i>{text}</i></p>"
