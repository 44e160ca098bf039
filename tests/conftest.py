"""Shared test setup: Qt runs offscreen everywhere, also outside CI."""

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

DATA = Path(__file__).resolve().parent.parent / "resources" / "data"


@pytest.fixture
def data_dir() -> Path:
    """The example CSVs shipped in resources/data (iris, breast_cancer, diabetes)."""
    return DATA
