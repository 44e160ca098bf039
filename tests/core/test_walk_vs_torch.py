"""The walk's numpy mathematics (core.walk) against PyTorch autograd and torch.optim.

Every quantity a walk shows, for every activation x loss x optimizer in the registries (those the
app allows: cross-entropy and bce only classify), on the network core.model builds, run in
float64 so that 1e-5 is a real bound. Torch's side builds the same nn.Sequential, runs one row
forward and backward (in evaluation mode, as the walk shows it) and one optimizer step.
"""

from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from core.activations import ACTIVATIONS
from core.fitted_preprocessor import (
    CategoricalFeature,
    FittedPreprocessor,
    NumericFeature,
    TargetEncoding,
)
from core.loss_functions import LOSS_FUNCTIONS, loss_target
from core.losses import LOSSES, make_head, resolve_loss
from core.model import build_model
from core.optimizers import OPTIMIZERS
from core.spec import LayerSpec, NetworkSpec, TrainConfig
from core.training_process.row_walk import optimizer_state_of, weights_of
from core.walk.functions import ACTIVATION_FUNCTIONS
from core.walk.steps import RowWalk
from core.walk.update import OPTIMIZER_STEPS
from core.walk.walk import walk_row

RTOL = 1e-5
ATOL = 1e-12  # for values that are zero on both sides (a dead unit's gradient)

FEATURES = (
    NumericFeature("a", fill=0.5, shift=-1.0, scale=2.0),
    NumericFeature("b", fill=3.0, shift=1.5, scale=0.5),
    CategoricalFeature("c", ("x", "y", "z"), fill="y"),
)
ROW = {"a": 0.8, "b": 2.1, "c": "z"}
OTHER_ROW = {"a": -0.4, "b": None, "c": "x"}  # the step before: gives the optimizer its state


def close(actual: object, expected: object) -> None:
    np.testing.assert_allclose(np.asarray(actual), np.asarray(expected), rtol=RTOL, atol=ATOL)


def preprocessor(task: str, n_classes: int = 3) -> FittedPreprocessor:
    if task == "regression":
        return FittedPreprocessor(FEATURES, TargetEncoding("t", "regression", (), 10.0, 4.0))
    classes = tuple("ABCDE"[:n_classes])
    return FittedPreprocessor(FEATURES, TargetEncoding("t", "classification", classes))


def torch_row(
    network: NetworkSpec,
    pre: FittedPreprocessor,
    config: TrainConfig,
    walk: RowWalk,
    model: nn.Sequential,
    target: object,
) -> dict[str, object]:
    """One row through `model` by torch (evaluation mode), every intermediate kept with its grad."""
    head = make_head(pre.task, len(pre.classes), network.binary_output)
    loss_name = resolve_loss(config.loss, pre.task, head)
    x = torch.tensor(walk.x[None], requires_grad=True)
    kept: dict[str, torch.Tensor] = {"x": x}
    h = x
    for name, module in model.named_children():
        h = module(h)
        if h.requires_grad:
            h.retain_grad()
        kept[name] = h
    if pre.task == "regression":
        y = np.array([[(float(target) - pre.target.mean) / pre.target.std]])  # type: ignore[arg-type]
    else:
        y = np.array([pre.classes.index(str(target))])
    t = loss_target(loss_name, y, head, torch.device("cpu"))
    t = t.double() if t.is_floating_point() else t
    loss = LOSS_FUNCTIONS[loss_name].compute(h, t, head)
    kept["loss"] = loss
    kept["t"] = t
    return kept


def build(network: NetworkSpec, pre: FittedPreprocessor, seed: int = 1) -> nn.Sequential:
    head = make_head(pre.task, len(pre.classes), network.binary_output)
    model = build_model(network, pre.n_inputs, head, seed=seed).double().eval()
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, (nn.BatchNorm1d, nn.LayerNorm)):
                # Not the fresh 1 and 0: a wrong formula must show.
                module.weight.copy_(1 + torch.rand(module.weight.shape, generator=gen))
                module.bias.copy_(torch.randn(module.bias.shape, generator=gen))
            if isinstance(module, nn.BatchNorm1d):
                module.running_mean.copy_(torch.randn(module.running_mean.shape, generator=gen))
                module.running_var.copy_(0.5 + torch.rand(module.running_var.shape, generator=gen))
    return model


def training_step(
    model: nn.Sequential,
    optimizer: torch.optim.Optimizer,
    loss: torch.Tensor,
    config: TrainConfig,
) -> None:
    """What the trainer does with a batch's loss: penalties, backward, clipping, step."""
    optimizer.zero_grad()
    weights = [m.weight for m in model.modules() if isinstance(m, nn.Linear)]
    total = loss
    if config.l1:
        total = total + config.l1 * sum(w.abs().sum() for w in weights)
    if config.l2:
        total = total + config.l2 * sum(w.square().sum() for w in weights)
    total.backward()
    if config.grad_clip:
        torch.nn.utils.clip_grad_norm_(list(model.parameters()), config.grad_clip)
    optimizer.step()


def check_walk(
    network: NetworkSpec,
    task: str,
    config: TrainConfig,
    target: object,
    n_classes: int = 3,
    with_state: bool = True,
) -> RowWalk:
    pre = preprocessor(task, n_classes)
    model = build(network, pre)
    optimizer = OPTIMIZERS[config.optimizer].make(torch.optim, model.parameters(), config, False)
    state = None
    if with_state:  # one step on another row first: the walk then uses the optimizer's state
        first = walk_row(network, weights_of(model), pre, config, OTHER_ROW, target)
        training_step(
            model, optimizer, torch_row(network, pre, config, first, model, target)["loss"], config
        )  # type: ignore[arg-type]
        state = optimizer_state_of(model, optimizer)
    walk = walk_row(network, weights_of(model), pre, config, ROW, target, optimizer_state=state)
    close(walk.x, pre.transform(pd.DataFrame({k: [v] for k, v in ROW.items()}))[0])
    kept = torch_row(network, pre, config, walk, model, target)
    loss = kept["loss"]
    assert isinstance(loss, torch.Tensor)
    optimizer.zero_grad()
    loss.backward(retain_graph=True)

    # Forward, layer by layer.
    for step in walk.forward:
        out = kept[step.name]
        assert isinstance(out, torch.Tensor)
        if step.kind in ("dense", "output"):
            close(step.z, out.detach()[0])
            act = kept.get(f"{step.name}_act", out)
            close(step.a, act.detach()[0])  # type: ignore[union-attr]
            close(step.weights["W"], model.get_submodule(step.name).weight.detach())
        elif step.kind == "batch_norm":
            bn = model.get_submodule(step.name)
            z = F.batch_norm(
                torch.tensor(step.a_in[None]), bn.running_mean, bn.running_var, eps=bn.eps
            )
            close(step.z, z[0])
            close(step.a, out.detach()[0])
        elif step.kind == "layer_norm":
            z = F.layer_norm(torch.tensor(step.a_in[None]), (len(step.a_in),))
            close(step.z, z[0])
            close(step.a, out.detach()[0])
        else:
            close(step.a, out.detach()[0])

    # Output and loss.
    logits = kept["output"]
    assert isinstance(logits, torch.Tensor)
    close(walk.output.logits, logits.detach()[0])
    head = make_head(pre.task, len(pre.classes), network.binary_output)
    if head.kind == "softmax":
        close(walk.output.probabilities, torch.softmax(logits, 1).detach()[0])
        assert walk.output.predicted_index == int(logits.argmax())
    elif head.kind == "sigmoid":
        close(walk.output.probabilities, torch.sigmoid(logits).detach()[0])
        assert walk.output.predicted_index == int(logits[0, 0] > 0)
    assert walk.loss is not None
    close(walk.loss.value, loss.item())
    close(walk.loss.dloss_dlogits, logits.grad[0])  # type: ignore[index]
    for name, value in walk.loss.all_values.items():
        other = replace(config, loss=name)
        kept_other = torch_row(network, pre, other, walk, model, target)
        close(value, kept_other["loss"].item())  # type: ignore[union-attr]

    # Backward, layer by layer.
    names = list(dict(model.named_children()))
    for back in walk.backward:
        a_name = f"{back.name}_act" if f"{back.name}_act" in kept else back.name
        close(back.dloss_da, kept[a_name].grad[0])  # type: ignore[union-attr]
        if back.kind in ("dense", "output"):
            close(back.delta, kept[back.name].grad[0])  # type: ignore[union-attr]
        below = names[names.index(back.name) - 1] if names.index(back.name) else "x"
        close(back.dloss_da_in, kept[below].grad[0])  # type: ignore[union-attr]
        module = model.get_submodule(back.name)
        for key, g in back.grads.items():
            p = module.weight if key in ("W", "gamma") else module.bias
            close(g, p.grad)

    # One optimizer step with this row's gradient, from the optimizer's own state.
    update = walk.updates[config.optimizer]
    stateless = config.optimizer == "sgd" and config.momentum == 0
    assert update.state == ("none" if stateless else "current" if with_state else "fresh")
    training_step(model, optimizer, loss, config)
    params = dict(model.named_parameters())
    for p in update.params:
        close(p.after, params[p.name].detach())
        for key, value in optimizer_state_of(model, optimizer).get(p.name, {}).items():
            close(p.state_after[key], value)
    with torch.no_grad():
        after = torch_row(network, pre, config, walk, model, target)["loss"]
    close(update.loss_after, after.item())  # type: ignore[union-attr]
    return walk


def _net(activation: str) -> NetworkSpec:
    return NetworkSpec(
        (LayerSpec(units=4, activation=activation), LayerSpec(units=3, activation=activation))
    )


def _classify(activation: str, loss: str, optimizer: str) -> None:
    config = TrainConfig(loss=loss, optimizer=optimizer, learning_rate=0.05, weight_decay=0.01)
    check_walk(_net(activation), "classification", config, target="C")


# The fast tier: each activation, loss and optimizer at least once (about 20 ms a case).
_CYCLE = zip(
    ACTIVATIONS, itertools.cycle(LOSSES), itertools.cycle(reversed(OPTIMIZERS)), strict=False
)


@pytest.mark.parametrize(("activation", "loss", "optimizer"), list(_CYCLE))
def test_each_activation_loss_and_optimizer_matches_torch(
    activation: str, loss: str, optimizer: str
) -> None:
    _classify(activation, loss, optimizer)


@pytest.mark.slow
@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
@pytest.mark.parametrize("loss", list(LOSSES))
@pytest.mark.parametrize("activation", list(ACTIVATIONS))
def test_every_activation_loss_and_optimizer_matches_torch(
    activation: str, loss: str, optimizer: str
) -> None:
    _classify(activation, loss, optimizer)


HEADS = [
    ("sigmoid", "classification", 2, "B"),
    ("binary softmax", "classification", 2, "A"),
    ("regression", "regression", 0, 13.5),
]


# The app refuses cross-entropy and binary cross-entropy for regression (core.losses.resolve_loss).
_ALLOWED_HEADS = [(lo, h) for lo, h in itertools.product(LOSSES, HEADS) if h[1] in LOSSES[lo].tasks]


def _head(optimizer: str, loss: str, head: tuple[str, str, int, object]) -> None:
    label, task, n_classes, target = head
    binary_output = "softmax" if label == "binary softmax" else "sigmoid"
    network = replace(_net("tanh"), binary_output=binary_output)
    config = TrainConfig(loss=loss, optimizer=optimizer, learning_rate=0.05)
    check_walk(network, task, config, target, n_classes)


@pytest.mark.parametrize(
    ("loss", "head", "optimizer"),
    [(lo, h, o) for (lo, h), o in zip(_ALLOWED_HEADS, itertools.cycle(OPTIMIZERS))],
)
def test_sigmoid_binary_softmax_and_regression_heads_match_torch(
    loss: str, head: tuple[str, str, int, object], optimizer: str
) -> None:
    _head(optimizer, loss, head)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("optimizer", "loss", "head"),
    [(o, lo, h) for o in OPTIMIZERS for lo, h in _ALLOWED_HEADS],
)
def test_every_head_loss_and_optimizer_matches_torch(
    optimizer: str, loss: str, head: tuple[str, str, int, object]
) -> None:
    _head(optimizer, loss, head)


NORM_NETWORK = NetworkSpec(
    (
        LayerSpec(units=5, activation="elu"),
        LayerSpec(kind="batch_norm"),
        LayerSpec(kind="dropout", p=0.3),
        LayerSpec(units=4, activation="gelu", bias=False),
        LayerSpec(kind="layer_norm"),
    )
)


@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_batch_norm_layer_norm_dropout_and_no_bias_match_torch_in_evaluation_mode(
    optimizer: str,
) -> None:
    walk = check_walk(NORM_NETWORK, "classification", TrainConfig(optimizer=optimizer), "A")
    assert any("batch norm" in note for note in walk.notes)
    assert any("dropout" in note for note in walk.notes)


@pytest.mark.parametrize(
    "settings",
    [
        {"optimizer": "sgd", "momentum": 0.0},
        {"optimizer": "sgd", "momentum": 0.8, "nesterov": True},
        {"optimizer": "rmsprop", "momentum": 0.0},
        {"optimizer": "adamw", "weight_decay": 0.1, "beta1": 0.5, "beta2": 0.9},
        {"optimizer": "adam", "l1": 0.01, "l2": 0.02},
        {"optimizer": "sgd", "grad_clip": 0.05},
    ],
    ids=str,
)
def test_optimizer_settings_penalties_and_clipping_match_torch(settings: dict[str, object]) -> None:
    config = replace(TrainConfig(learning_rate=0.1), **settings)  # type: ignore[arg-type]
    walk = check_walk(_net("relu"), "classification", config, "B")
    update = walk.updates[config.optimizer]
    if config.grad_clip:
        assert update.clip_factor < 1  # the test's gradient is large enough to be clipped


def test_first_step_uses_a_fresh_state_and_every_optimizer_is_shown() -> None:
    walk = check_walk(
        _net("silu"), "classification", TrainConfig(optimizer="rmsprop"), "A", with_state=False
    )
    assert list(walk.updates) == ["rmsprop", *(o for o in OPTIMIZERS if o != "rmsprop")]
    assert all(u.state == "fresh" for u in walk.updates.values())


def test_numpy_registries_cover_the_app_registries() -> None:
    assert set(ACTIVATION_FUNCTIONS) == set(ACTIVATIONS)
    assert set(OPTIMIZER_STEPS) == set(OPTIMIZERS)
