"""Model building and the losses, checked against plain torch."""

import math

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from core.loss_functions import LOSS_FUNCTIONS, loss_target, predicted_class, probabilities
from core.losses import LOSSES, make_head, resolve_loss
from core.model import build_model, trainable_layers
from core.spec import LayerSpec, NetworkSpec


def test_layers_are_named_and_ordered_as_designed():
    net = NetworkSpec(
        layers=(
            LayerSpec(units=5, activation="relu"),
            LayerSpec(kind="batch_norm"),
            LayerSpec(kind="dropout", p=0.3),
            LayerSpec(units=4, activation="tanh"),
        )
    )
    model = build_model(net, 3, make_head("classification", 3))
    names = [n for n, _ in model.named_children()]
    assert names == [
        "dense1",
        "dense1_act",
        "batch_norm1",
        "dropout1",
        "dense2",
        "dense2_act",
        "output",
    ]
    assert isinstance(model.dense1_act, nn.ReLU) and isinstance(model.dense2_act, nn.Tanh)
    assert model.dropout1.p == 0.3
    assert list(trainable_layers(model)) == ["dense1", "batch_norm1", "dense2", "output"]
    assert model(torch.randn(7, 3)).shape == (7, 3)


def test_initialisation_follows_the_activation():
    torch.manual_seed(0)
    wide = NetworkSpec(
        layers=(
            LayerSpec(units=2000, activation="relu"),
            LayerSpec(units=2000, activation="sigmoid"),
        )
    )
    model = build_model(wide, 1000, make_head("regression", 0))
    # ReLU family: nn.Linear's Kaiming-uniform, U(+-1/sqrt(fan_in)) for weights and biases, so
    # std = 1/sqrt(3 fan_in). Glorot uniform for the rest: std = sqrt(2 / (fan_in + fan_out)).
    assert model.dense1.weight.std().item() == pytest.approx(math.sqrt(1 / 3000), rel=0.02)
    assert model.dense1.bias.abs().max().item() <= 1 / math.sqrt(1000)
    assert model.dense1.bias.std().item() == pytest.approx(math.sqrt(1 / 3000), rel=0.1)
    assert model.dense2.weight.std().item() == pytest.approx(math.sqrt(2 / 4000), rel=0.02)
    assert torch.all(model.dense2.bias == 0)


def test_same_seed_builds_the_same_weights():
    net = NetworkSpec()
    head = make_head("classification", 2)
    a, b = build_model(net, 2, head, seed=3), build_model(net, 2, head, seed=3)
    c = build_model(net, 2, head, seed=4)
    assert all(torch.equal(x, y) for x, y in zip(a.parameters(), b.parameters(), strict=True))
    assert not torch.equal(a.dense1.weight, c.dense1.weight)


def test_heads_follow_the_task():
    assert make_head("classification", 2).kind == "sigmoid"
    assert make_head("classification", 2, "softmax").units == 2
    assert make_head("classification", 5).units == 5
    assert make_head("regression", 0).kind == "linear"
    assert resolve_loss("auto", "classification", make_head("classification", 2)) == "bce"
    assert resolve_loss("auto", "classification", make_head("classification", 4)) == "cross_entropy"
    assert resolve_loss("auto", "regression", make_head("regression", 0)) == "mse"


def test_classification_losses_on_regression_are_refused():
    from core.errors import SpecError

    with pytest.raises(SpecError, match="for classification"):
        resolve_loss("cross_entropy", "regression", make_head("regression", 0))


def test_every_loss_has_a_computation_and_nothing_else_does():
    assert set(LOSSES) == set(LOSS_FUNCTIONS)


def test_losses_match_plain_torch():
    torch.manual_seed(0)
    logits = torch.randn(16, 4, requires_grad=True)
    y = torch.randint(0, 4, (16,))
    head = make_head("classification", 4)
    onehot = F.one_hot(y, 4).float()
    expected = {  # each builds its own graph, so gradients can be compared one by one
        "cross_entropy": lambda: -torch.log_softmax(logits, 1)[torch.arange(16), y].mean(),
        "mse": lambda: ((torch.softmax(logits, 1) - onehot) ** 2).mean(),
        "mae": lambda: (torch.softmax(logits, 1) - onehot).abs().mean(),
        "bce": lambda: (
            -(onehot * F.logsigmoid(logits) + (1 - onehot) * F.logsigmoid(-logits)).mean()
        ),
    }
    for name, manual in expected.items():
        value = manual()
        fn = LOSS_FUNCTIONS[name]
        got = fn.compute(logits, loss_target(name, y.numpy(), head, torch.device("cpu")), head)
        assert got.item() == pytest.approx(value.item(), rel=1e-5), name
        g_got = torch.autograd.grad(got, logits)[0]
        g_exp = torch.autograd.grad(value, logits)[0]
        assert torch.allclose(g_got, g_exp, atol=1e-6), name


def test_sigmoid_head_cross_entropy_is_binary_cross_entropy():
    logits = torch.tensor([[2.0], [-1.0], [0.5]])
    y = torch.tensor([1, 0, 0])
    head = make_head("classification", 2)
    t = loss_target("cross_entropy", y.numpy(), head, torch.device("cpu"))
    got = LOSS_FUNCTIONS["cross_entropy"].compute(logits, t, head)
    p = torch.sigmoid(logits[:, 0])
    manual = -(y * p.log() + (1 - y) * (1 - p).log()).mean()
    assert got.item() == pytest.approx(manual.item(), rel=1e-6)
    probs = probabilities(logits, head)
    assert torch.allclose(probs.sum(1), torch.ones(3))
    assert predicted_class(logits, head).tolist() == [1, 0, 1]


def test_huber_is_quadratic_near_zero_and_linear_far_away():
    head = make_head("regression", 0)
    f = LOSS_FUNCTIONS["huber"]
    small = f.compute(torch.tensor([[0.5]]), torch.tensor([[0.0]]), head).item()
    large = f.compute(torch.tensor([[10.0]]), torch.tensor([[0.0]]), head).item()
    assert small == pytest.approx(0.5 * 0.25)
    assert large == pytest.approx(10 - 0.5)


def test_every_layer_kind_and_activation_builds_its_torch_modules() -> None:
    from torch import nn

    from core.activations import ACTIVATIONS
    from core.layers import LAYER_KINDS
    from core.model import LAYER_MODULES

    assert set(LAYER_MODULES) == set(LAYER_KINDS)
    for name, activation in ACTIVATIONS.items():
        assert isinstance(getattr(nn, activation.module)(), nn.Module), name
