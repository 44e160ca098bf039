"""Each training step's loss and per-layer gradient norms, kept on the device between reports."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from torch._utils import _flatten_dense_tensors

# A small network's gradients are kept as they are (references, no copy) until the report, which
# measures them all at once: a norm kernel per parameter per step costs about a microsecond each,
# 3-5% of a playground-size step. Above this many bytes of held gradients per report window, each
# step's norms are taken at once instead (a big network's norms are bandwidth, not overhead).
HELD_GRAD_BYTES = 8 * 2**20
MIN_HELD_STEPS = 64


class StepRecord:
    """Collects steps with `add`; `read` returns them as numpy with one host sync.

    `layers` lists, per trainable layer, its parameters in the order the step's gradients come.
    """

    def __init__(self, layers: Sequence[Sequence[torch.Tensor]], max_steps: int) -> None:
        params = [p for ps in layers for p in ps]
        self.n_params = len(params)
        self.n_layers = len(layers)
        numel = sum(p.numel() for p in params)
        per_step = numel * params[0].element_size() if params else 0
        self.keeps_grads = per_step * MIN_HELD_STEPS <= HELD_GRAD_BYTES
        self.max_steps = (
            min(max_steps, max(1, HELD_GRAD_BYTES // max(per_step, 1)))
            if self.keeps_grads
            else max_steps
        )
        owners = [li for li, ps in enumerate(layers) for _ in ps]
        # Parameter i's squared norm adds to layer owners[i] (combined on the host).
        self._owner_matrix = np.zeros((self.n_params, self.n_layers))
        self._owner_matrix[np.arange(self.n_params), owners] = 1.0
        device = params[0].device if params else torch.device("cpu")
        # Element j of one step's flattened gradients belongs to layer _element_owner[j].
        self._element_owner = torch.repeat_interleave(
            torch.tensor(owners, dtype=torch.long), torch.tensor([p.numel() for p in params])
        ).to(device)
        self._numel = numel
        self._losses: list[torch.Tensor] = []
        self._grads: list[torch.Tensor] = []  # held gradients, or each parameter's norm

    def __len__(self) -> int:
        return len(self._losses)

    @property
    def full(self) -> bool:
        return len(self._losses) >= self.max_steps

    def add(self, loss: torch.Tensor, grads: list[torch.Tensor]) -> None:
        """One step: its loss and its parameters' gradients (no host sync)."""
        self._losses.append(loss.detach())
        if self.keeps_grads:
            self._grads.extend(grads)
        else:
            self._grads.extend(torch._foreach_norm(grads))

    def read(self) -> tuple[np.ndarray, np.ndarray]:
        """(loss [k], per-layer gradient norm [k, layers]) of the steps since the last read."""
        k = len(self._losses)
        if not k:
            return np.zeros(0), np.zeros((0, self.n_layers))
        if self.keeps_grads:
            flat = _flatten_dense_tensors(self._grads).view(k, self._numel)
            layer_sq = torch.zeros(k, self.n_layers, dtype=flat.dtype, device=flat.device)
            layer_sq.index_add_(1, self._element_owner, flat.square())
            values = torch.cat([torch.stack(self._losses).unsqueeze(1), layer_sq], dim=1)
            host = values.cpu().numpy().astype(np.float64)  # the one host sync
            losses, norms = host[:, 0], np.sqrt(host[:, 1:])
        else:
            host = torch.stack(self._losses + self._grads).cpu().numpy().astype(np.float64)
            losses = host[:k]
            norms = np.sqrt(np.square(host[k:].reshape(k, self.n_params)) @ self._owner_matrix)
        self._losses.clear()
        self._grads.clear()
        return losses, norms

    def clear(self) -> None:
        self._losses.clear()
        self._grads.clear()


def first_non_finite(losses: np.ndarray, norms: np.ndarray) -> tuple[int, str] | None:
    """The first step whose loss or a gradient norm is NaN or infinite, and what became what
    ("the loss became NaN"); None when every step is finite."""
    bad = ~(np.isfinite(losses) & np.isfinite(norms).all(axis=1))
    if not bad.any():
        return None
    k = int(np.argmax(bad))
    what = "loss" if not np.isfinite(losses[k]) else "gradient"
    value = losses[k] if what == "loss" else norms[k][~np.isfinite(norms[k])][0]
    return k, f"the {what} became {'NaN' if np.isnan(value) else 'infinite'}"
