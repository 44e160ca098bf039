"""Which features of the project's data a 2-D plot can span, read from the DataSpec alone.

The points themselves come from the training process, which holds the data and made the split
(`core.plot_points.PlotPoints`, a capped sample of each split): the window neither reads the
file nor splits it again.
"""

from __future__ import annotations

from core.data_spec import DataSpec


def axis_names(spec: DataSpec) -> tuple[str, str] | None:
    """The two feature names of a 2-D spec, or None when the data is not two numeric features."""
    features = spec.table_features  # x1 and x2 of a toy dataset whose features are computed
    if len(features) != 2 or any(c.kind != "numeric" for c in features):
        return None
    return features[0].name, features[1].name


def numeric_features(spec: DataSpec) -> tuple[str, ...]:
    """The numeric feature columns: any two of them can span the output's plane."""
    return tuple(c.name for c in spec.table_features if c.kind == "numeric")
