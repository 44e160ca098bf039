"""Per-step losses and per-layer gradient norms, read back in one go."""

from __future__ import annotations

import math

import pytest
import torch

import core.step_record as step_record
from core.step_record import StepRecord


def _steps(
    k: int,
) -> tuple[list[list[torch.Tensor]], list[tuple[torch.Tensor, list[torch.Tensor]]]]:
    g = torch.Generator().manual_seed(0)
    layers = [[torch.zeros(4, 3), torch.zeros(4)], [torch.zeros(2, 4), torch.zeros(2)]]
    steps = []
    for _ in range(k):
        grads = [torch.randn(p.shape, generator=g) for ps in layers for p in ps]
        steps.append((torch.rand((), generator=g), grads))
    return layers, steps


@pytest.mark.parametrize("keeps_grads", [True, False])
def test_read_gives_each_steps_loss_and_each_layers_gradient_norm(keeps_grads, monkeypatch):
    if not keeps_grads:  # as for a network too big to keep its gradients until the report
        monkeypatch.setattr(step_record, "HELD_GRAD_BYTES", 0)
    layers, steps = _steps(5)
    record = StepRecord(layers, max_steps=512)
    assert record.keeps_grads == keeps_grads
    for loss, grads in steps:
        record.add(loss, grads)
    assert len(record) == 5
    losses, norms = record.read()
    assert len(record) == 0
    for i, (loss, grads) in enumerate(steps):
        assert losses[i] == pytest.approx(loss.item())
        expected = [
            math.sqrt(sum(g.square().sum().item() for g in grads[:2])),
            math.sqrt(sum(g.square().sum().item() for g in grads[2:])),
        ]
        assert norms[i] == pytest.approx(expected, rel=1e-5)


def test_a_non_finite_gradient_shows_only_in_its_own_layer():
    layers, steps = _steps(1)
    loss, grads = steps[0]
    grads[2][0, 0] = math.inf
    record = StepRecord(layers, max_steps=512)
    record.add(loss, grads)
    _, norms = record.read()
    assert math.isfinite(norms[0, 0]) and norms[0, 1] == math.inf


def test_held_gradients_are_bounded_by_the_memory_budget(monkeypatch):
    monkeypatch.setattr(step_record, "HELD_GRAD_BYTES", 100 * 50 * 4)  # room for 100 steps
    record = StepRecord([[torch.zeros(50)]], max_steps=512)
    assert record.keeps_grads and record.max_steps == 100
    for _ in range(100):
        record.add(torch.tensor(1.0), [torch.ones(50)])
    assert record.full
