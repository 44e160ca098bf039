"""Every page of a walk, in order: prepare, forward per layer, output, loss, backward per layer
(the output layer first), update."""

from __future__ import annotations

from dataclasses import replace

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
    # What the walk cannot show exactly, on the page it concerns (the last for the rest).
    out = []
    for page in pages:
        concerns = [n for n in walk.notes if _concerns(n, page)]
        out.append(replace(page, html=page.html + "".join(f"<p><i>{n}</i></p>" for n in concerns)))
    return out


def _concerns(note: str, page: Page) -> bool:
    if page.step == 1:
        return ("dropout" in note and page.layer.startswith("dropout")) or (
            "batch norm" in note and page.layer.startswith("batch_norm")
        )
    if page.step == 2:
        return "no loss" in note or "no known class" in note or "no target" in note
    return page.step == 5 and "batch of rows" in note
