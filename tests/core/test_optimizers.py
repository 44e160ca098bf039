"""The direct fused Adam/AdamW step against torch.optim's own step()."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from core.optimizer_steps import DirectAdamStep, make_optimizer, optimizer_step
from core.spec import TrainConfig


def _net() -> nn.Sequential:
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 2))


def _train(direct: bool, config: TrainConfig, steps: int = 12) -> list[torch.Tensor]:
    model = _net()
    params = list(model.parameters())
    opt = make_optimizer(params, config, torch.device("cpu"))
    step = optimizer_step(opt) if direct else (lambda grads: opt.step())
    g = torch.Generator().manual_seed(1)
    for i in range(steps):
        if i == 6:  # a live learning-rate change must be honoured from the next step
            opt.param_groups[0]["lr"] *= 0.5
        x = torch.randn(8, 3, generator=g)
        loss = model(x).square().mean()
        for p in params:
            p.grad = None
        loss.backward()
        step([p.grad for p in params])
    return [p.detach().clone() for p in params]


@pytest.mark.parametrize("name", ["adam", "adamw"])
def test_direct_step_updates_weights_exactly_as_torch_optim(name):
    config = TrainConfig(optimizer=name, learning_rate=0.01, weight_decay=0.05)
    direct, plain = _train(True, config), _train(False, config)
    assert all(torch.equal(a, b) for a, b in zip(direct, plain, strict=True))
    assert not torch.equal(direct[0], _net()[0].weight.detach())  # it did train


def test_direct_step_applies_only_where_its_kernel_matches():
    params = list(_net().parameters())
    cpu = torch.device("cpu")
    assert DirectAdamStep.applies(make_optimizer(params, TrainConfig(optimizer="adam"), cpu))
    assert not DirectAdamStep.applies(make_optimizer(params, TrainConfig(optimizer="sgd"), cpu))
    assert not DirectAdamStep.applies(torch.optim.Adam(params, amsgrad=True, fused=True))


def test_a_missing_gradient_falls_back_to_torch_step_which_skips_that_weight():
    model = _net()
    params = list(model.parameters())
    opt = make_optimizer(params, TrainConfig(optimizer="adam"), torch.device("cpu"))
    step = optimizer_step(opt)
    for _ in range(3):
        loss = model(torch.ones(2, 3)).sum()
        for p in params:
            p.grad = None
        loss.backward()
        params[-1].grad = None  # the output bias took no part this step
        before = params[-1].detach().clone()
        step([p.grad for p in params])
        assert torch.equal(params[-1], before)


def test_a_torch_without_the_private_kernel_trains_the_same_through_step(monkeypatch):
    # torch >= 2.4 is allowed; a build whose private fused kernel is gone or called differently
    # must cost speed, never correctness.
    def changed(*args, **kwargs):
        raise TypeError("_fused_adam_() got an unexpected keyword argument 'amsgrad'")

    config = TrainConfig(optimizer="adam", learning_rate=0.01)
    plain = _train(False, config)
    monkeypatch.setattr(DirectAdamStep, "_kernel", staticmethod(lambda group: changed))
    direct = _train(True, config)
    assert all(torch.equal(a, b) for a, b in zip(direct, plain, strict=True))
