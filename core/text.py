"""Small helpers for the sentences the program writes to the user."""

from __future__ import annotations


def plural(n: int, one: str, many: str) -> str:
    """`n` and the noun that goes with it: '1 class', '2 classes', '1,000 rows'."""
    return f"{n:,} {one if n == 1 else many}"
