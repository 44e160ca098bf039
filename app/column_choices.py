"""The import dialog's choices of columns, worked out without widgets: what a file starts with,
what a reopened import keeps, and which roles follow from choosing another target."""

from __future__ import annotations

from collections.abc import Generator, Sequence
from dataclasses import replace

from app.csv_loading import LoadedTable, choose_target
from core.columns import ColumnProfile, default_target
from core.data_spec import ColumnSpec, CsvSource, DataSpec


def load_with_defaults(
    source: CsvSource,
) -> Generator[str, None, tuple[LoadedTable, str, DataSpec | None, str]]:
    """Read and profile the file, and the engine's default choice: (table, target, spec, error).

    Yields what it is doing, as `load_table` does."""
    from app.csv_loading import load_table
    from core.errors import DataError, SpecError

    table = yield from load_table(source)
    target = default_target(table.profiles)
    try:
        return table, target, choose_target(table, target, None, "auto"), ""
    except (DataError, SpecError) as exc:
        return table, target, None, str(exc)


def fallback_columns(profiles: tuple[ColumnProfile, ...], target: str) -> list[ColumnSpec]:
    """Column choices when the engine could not make its own (the default target is unusable)."""
    out = []
    for p in profiles:
        numeric = p.min is not None or (p.kind == "constant" and p.n_distinct == 0)
        kind = "numeric" if numeric else "categorical"
        role = (
            "target"
            if p.name == target
            else "ignore"
            if p.kind in ("constant", "identifier")
            else "feature"
        )
        if kind == "numeric":
            out.append(ColumnSpec(p.name, role, "numeric", "standard", "mean"))
        else:
            out.append(ColumnSpec(p.name, role, "categorical", "none", "most_frequent"))
    return out


def reopened_columns(columns: Sequence[ColumnSpec], current: DataSpec) -> list[ColumnSpec] | None:
    """The earlier choices for the columns that are still there (new ones ignored); None when
    they no longer name exactly one target."""
    before = {c.name: c for c in current.columns}
    merged = [before.get(c.name, replace(c, role="ignore")) for c in columns]
    return merged if sum(c.role == "target" for c in merged) == 1 else None


def target_of(columns: Sequence[ColumnSpec]) -> str:
    """The name of the target column ('' when none is)."""
    targets = [c.name for c in columns if c.role == "target"]
    return targets[0] if targets else ""


def profile_of(table: LoadedTable | None, name: str) -> ColumnProfile | None:
    if table is None:
        return None
    return next((p for p in table.profiles if p.name == name), None)


def with_target(
    columns: Sequence[ColumnSpec], table: LoadedTable, target: str
) -> tuple[list[ColumnSpec], list[str]]:
    """`columns` with `target` as the target, and the features in file order.

    The features stay features; the old target becomes one when it can be one (it is numeric or
    categorical); every other column is ignored. Kinds are left for the engine to decide.
    """
    old = target_of(columns)
    features = [c.name for c in columns if c.role == "feature" and c.name != target]
    if old and old != target:
        profile = profile_of(table, old)
        if profile is not None and profile.kind in ("numeric", "categorical"):
            features.append(old)
    changed = [
        replace(c, role="target")
        if c.name == target
        else replace(c, role="feature" if c.name in features else "ignore")
        for c in columns
    ]
    return changed, [c.name for c in changed if c.name in features]
