"""What a model predicted for a table of rows, as plain numpy: readable without torch.

The window receives these from the training process; `core.predict` makes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd


# eq=False: numpy fields have no single truth value under ==.
@dataclass(frozen=True, eq=False)
class Predictions:
    """Per row: the label or value, and for classification each class's probability."""

    values: np.ndarray  # class names (str) or values in the target's units
    probabilities: np.ndarray | None  # [n, classes] or None for regression
    class_names: tuple[str, ...]

    def as_frame(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The input columns plus `prediction` and `probability_<label>` columns."""
        out = frame.copy()
        out["prediction"] = self.values
        if self.probabilities is not None:
            for i, name in enumerate(self.class_names):
                out[f"probability_{name}"] = self.probabilities[:, i]
        return out
