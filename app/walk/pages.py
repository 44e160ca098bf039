"""Every page of a walk, in order: prepare, forward per layer, output, loss, backward per layer
(the output layer first), update."""

from __future__ import annotations

from app.walk.backward_pages import backward_page, loss_page, update_page
from app.walk.forward_pages import forward_page, output_page, prepare_page
from app.walk.page import Page
from core.walk.steps import RowWalk


def walk_pages(
    walk: RowWalk, optimizer: str = "", sizes_html: str = "", live: dict[str, float] | None = None
) -> list[Page]:
    """The pages of `walk`; the update with `optimizer` (the one training uses by default)."""
    pages = [prepare_page(walk)]
    pages += [forward_page(walk, k) for k in range(len(walk.forward))]
    pages.append(output_page(walk))
    if walk.loss is not None:
        pages.append(loss_page(walk))
        pages += [backward_page(walk, k, live, sizes_html) for k in range(len(walk.backward))]
    if walk.updates:
        pages.append(update_page(walk, optimizer))
    return pages
