"""Optimizers without torch._dynamo's import: the same updates, a clean start, and the fallback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import torch
from torch import nn

from core.optimizer_steps import make_optimizer, optimizer_step
from core.optimizers import OPTIMIZERS
from core.spec import TrainConfig
from core.without_dynamo import mark_dynamo_disabled, plain_step

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = [
    TrainConfig(optimizer=name, learning_rate=0.01, momentum=momentum, weight_decay=0.01)
    for name in OPTIMIZERS
    for momentum in ((0.0, 0.9) if "momentum" in OPTIMIZERS[name].settings else (0.0,))
]


def _weights_after(config: TrainConfig, step_with: str) -> list[torch.Tensor]:
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 2))
    params = list(model.parameters())
    opt = make_optimizer(params, config, torch.device("cpu"))
    steps = {
        "public": lambda grads: opt.step(),
        "plain": lambda grads: plain_step(opt)(),
        "engine": optimizer_step(opt),
    }
    g = torch.Generator().manual_seed(1)
    for _ in range(8):
        loss = model(torch.randn(8, 3, generator=g)).square().mean()
        for p in params:
            p.grad = None
        loss.backward()
        steps[step_with]([p.grad for p in params])
    return [p.detach().clone() for p in params]


@pytest.mark.parametrize("config", SETTINGS, ids=lambda c: f"{c.optimizer}-m{c.momentum}")
def test_the_plain_step_updates_weights_exactly_as_step(config):
    public = _weights_after(config, "public")
    for way in ("plain", "engine"):
        assert all(
            torch.equal(a, b) for a, b in zip(_weights_after(config, way), public, strict=True)
        ), way


@pytest.mark.slow  # a process of its own
def test_training_every_optimizer_never_imports_dynamo():
    code = (
        "import sys\n"
        "from core.dataset import load_frame, prepare_data\n"
        "from core.columns import auto_data_spec\n"
        "from core.data_spec import ToySource\n"
        "from core.optimizers import OPTIMIZERS\n"
        "from core.spec import NetworkSpec, TrainConfig\n"
        "from core.trainer import Trainer\n"
        "source = ToySource('circle', samples=64)\n"
        "frame = load_frame(source)\n"
        "data = prepare_data(auto_data_spec(frame, source, 'label'), frame)\n"
        "for name in OPTIMIZERS:\n"
        "    t = Trainer(NetworkSpec(), data, TrainConfig(optimizer=name, epochs=2, momentum=0.5))\n"
        "    t.fit()\n"
        "    t.optimizer.state_dict()\n"
        "print('torch._dynamo' in sys.modules)\n"
    )
    r = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert r.stdout.strip() == "False", r.stdout + r.stderr


def test_an_unknown_wrapper_leaves_torch_alone(monkeypatch):
    """Another torch whose guard is not the cached wrapper: nothing is marked, step() is used."""

    def zero_grad(self, set_to_none: bool = True) -> None:  # no __dynamo_disable cache
        pass

    monkeypatch.delitem(sys.modules, "torch._dynamo", raising=False)
    monkeypatch.setattr(torch.optim.Optimizer, "zero_grad", zero_grad)
    assert mark_dynamo_disabled() is False


def test_an_optimizer_of_its_own_and_one_with_hooks_still_step_as_written():
    class Plain(torch.optim.Optimizer):
        def __init__(self, params):
            super().__init__(params, {"lr": 0.1})

        def step(self, closure=None):  # no decorator: nothing to unwrap
            for group in self.param_groups:
                for p in group["params"]:
                    p.data.add_(p.grad, alpha=-group["lr"])

    weight = nn.Parameter(torch.ones(2))
    weight.grad = torch.ones(2)
    plain_step(Plain([weight]))()
    assert torch.allclose(weight.detach(), torch.full((2,), 0.9))

    adam = torch.optim.Adam([weight], lr=0.1)
    seen = []
    adam.register_step_post_hook(lambda *args: seen.append(1))
    weight.grad = torch.ones(2)
    plain_step(adam)()
    assert seen == [1]  # a hook someone registered still runs: the public step was taken
