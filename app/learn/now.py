"""'In your network now': each Learn section's formulas with the current design's own numbers.

Plain functions of the design (network, training settings, data) and of the engine's last
`Configured` (the split, the fitted preprocessing constants): no widgets. Each returns lines, a
`Math` to render or a plain sentence. The preprocessing sections are in `app.learn.now_data`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from app.learn import now_data, now_steps
from app.learn.design import Design, Line, Math, batch_size, listed, num, text
from app.learn.registry_formulas import ACTIVATION_FORMULAS, ACTIVATION_SLOPES, LOSS_FORMULAS
from core.activations import ACTIVATIONS
from core.errors import SpecError
from core.layers import LAYER_KINDS
from core.losses import LOSSES, resolve_loss
from core.spec import LayerShape


def loss_name(d: Design) -> str | None:
    try:
        return resolve_loss(d.config.loss, d.task, d.head)
    except SpecError:
        return None


def dense_shapes(d: Design) -> list[tuple[int, LayerShape, str]] | None:
    """(number, shape, activation) of each dense layer, the output last; None if unbuildable."""
    try:
        shapes = d.network.shapes(d.n_inputs, d.head.units)
    except SpecError:
        return None
    out: list[tuple[int, LayerShape, str]] = []
    layers = [*d.network.layers, None]
    for shape, layer in zip(shapes, layers, strict=True):
        if shape.kind == "dense":
            activation = layer.activation if layer is not None else f"output:{d.head.kind}"
            out.append((len(out) + 1, shape, activation))
    return out


def activation_name(key: str) -> str:
    if key in ACTIVATIONS:
        return rf"\mathrm{{{ACTIVATIONS[key].module}}}"
    return {"output:softmax": r"\mathrm{softmax}", "output:sigmoid": r"\sigma"}.get(key, "")


def forward(d: Design) -> list[Line]:
    shapes = dense_shapes(d)
    if shapes is None:
        return ["The network cannot be built as it is: fix the layer the builder marks in red."]
    lines: list[Line] = [
        f"Your {d.n_inputs} input{'s' if d.n_inputs != 1 else ''}:",
        Math(rf"a^{{(0)}} = x = \left({listed(d.input_names)}\right)"),
    ]
    others = sorted(
        {LAYER_KINDS[layer.kind].label for layer in d.network.layers if layer.kind != "dense"}
    )
    for number, shape, activation in shapes[:6]:
        bias = f" + b^{{({number})}}" if _has_bias(d, number) else ""
        f = activation_name(activation)
        after = rf",\quad a^{{({number})}} = {f}\left(z^{{({number})}}\right)" if f else ""
        lines.append(
            Math(
                rf"z^{{({number})}} = W^{{({number})}}a^{{({number - 1})}}{bias},\ "
                rf"W^{{({number})}} \in \mathbb{{R}}^{{{shape.out_features} \times "
                rf"{shape.in_features}}}{after}"
            )
        )
    if len(shapes) > 6:
        lines.append(f"… and {len(shapes) - 6} more dense layers, the output last.")
    if d.head.kind == "linear":
        lines.append("The output layer has no activation: its sums are the prediction.")
    if others:
        lines.append(f"Between them: {', '.join(others)} (see the layer cards).")
    return lines


def _has_bias(d: Design, number: int) -> bool:
    dense = [layer for layer in d.network.layers if layer.kind == "dense"]
    return number > len(dense) or dense[number - 1].bias


def activations(d: Design) -> list[Line]:
    used: dict[str, list[int]] = {}
    for number, _shape, activation in (dense_shapes(d) or [])[:-1]:
        used.setdefault(activation, []).append(number)
    if not used:
        return ["Your network has no hidden layer: the inputs go straight to the output."]
    lines: list[Line] = []
    for key, numbers in used.items():
        which = ", ".join(map(str, numbers))
        lines.append(f"Layer{'s' if len(numbers) > 1 else ''} {which}: {ACTIVATIONS[key].label}")
        lines.append(Math(ACTIVATION_FORMULAS[key]))
    return lines


def softmax(d: Design) -> list[Line]:
    names = d.class_names
    if d.head.kind == "softmax":
        k = d.head.units
        return [
            f"Your output has {k} units, one per class, and softmax:",
            Math(
                rf"p_k = \frac{{e^{{z_k}}}}{{\sum_{{j=1}}^{{{k}}} e^{{z_j}}}},\quad "
                rf"k = 1 \ldots {k}: \left({listed(names)}\right)"
            ),
        ]
    if d.head.kind == "sigmoid" and len(names) == 2:
        return [
            "Your output is one unit with a sigmoid (two classes):",
            Math(
                rf"p\left({text(names[1])}\right) = \sigma(z) = \frac{{1}}{{1 + e^{{-z}}}},\quad "
                rf"p\left({text(names[0])}\right) = 1 - \sigma(z)"
            ),
        ]
    return [
        "Your task is regression: the output has no softmax, its value is the prediction.",
        Math(r"\hat{y} = z"),
    ]


def losses(d: Design) -> list[Line]:
    name = loss_name(d)
    if name is None:
        return [f"The loss {d.config.loss!r} does not suit this task; choose another."]
    b = batch_size(d)
    chosen = "auto, which chose " if d.config.loss == "auto" else ""
    latex = LOSS_FORMULAS[name]
    lines: list[Line] = [f"Your loss: {chosen}{LOSSES[name].label}, over batches of {b} rows:"]
    if name == "huber":
        lines.append(Math(latex + rf",\quad L = \frac{{1}}{{{b}}}\sum_{{i=1}}^{{{b}}} L_i"))
    else:
        lines.append(Math(latex.replace("{B}", f"{{{b}}}")))
    if d.head.kind != "linear" and name in ("mse", "mae", "huber"):
        lines.append("For classes it compares the probabilities with the one-hot targets.")
    return lines


def output_error(d: Design) -> str:
    """δ at the output for the design's head and loss, as LaTeX."""
    name = loss_name(d)
    if (d.head.kind == "softmax" and name == "cross_entropy") or (
        d.head.kind == "sigmoid" and name in ("cross_entropy", "bce")
    ):
        return r"p - y"
    if d.head.kind == "linear" and name == "mse":
        return rf"\frac{{2}}{{{batch_size(d)}}}\left(\hat{{y}} - y\right)"
    return r"\frac{\partial L}{\partial z}"


def backprop(d: Design) -> list[Line]:
    shapes = dense_shapes(d)
    if shapes is None:
        return ["The network cannot be built as it is."]
    top = shapes[-1][0]
    lines: list[Line] = [
        "Your network, from the output back:",
        Math(rf"\delta^{{({top})}} = {output_error(d)}"),
    ]
    for number, shape, activation in reversed(shapes[:-1][-4:]):
        slope = re.sub(
            r"(?<![A-Za-z\\])z(?![A-Za-z])", f"z^{{({number})}}", ACTIVATION_SLOPES[activation]
        )
        lines.append(
            Math(
                rf"\delta^{{({number})}} = \left(W^{{({number + 1})\top}}\delta^{{({number + 1})}}"
                rf"\right) \odot {slope},\ \ \delta^{{({number})}} \in \mathbb{{R}}^{{{shape.out_features}}}"
            )
        )
    if len(shapes) > 5:
        lines.append(f"… and so on back to layer 1 ({len(shapes) - 5} more), each the same way.")
    lines.append(
        Math(
            rf"\frac{{\partial L}}{{\partial W^{{(1)}}}} = \delta^{{(1)}}\,x^\top \in "
            rf"\mathbb{{R}}^{{{shapes[0][1].out_features} \times {shapes[0][1].in_features}}}"
        )
    )
    lines.append(
        "The plot 'Gradient size per layer' on the Training tab draws the size of each "
        "layer's gradient at every step."
    )
    return lines


def convergence(d: Design) -> list[Line]:
    c, info = d.config, d.info
    epochs = f"{c.epochs:,} epochs" if c.epochs else "epochs until you stop it"
    if info is None:
        return [f"Your plan: {epochs}; the split is known once the engine has prepared the data."]
    b = batch_size(d)
    lines: list[Line] = [
        f"Your plan: {epochs} over {info.n_train:,} training rows in batches of {b}; "
        f"{info.n_val:,} validation rows check it.",
        Math(
            rf"\left\lceil \frac{{{info.n_train}}}{{{b}}} \right\rceil = "
            rf"{info.steps_per_epoch}\ \text{{steps per epoch}}"
            + (
                rf",\quad {info.steps_per_epoch * c.epochs:,}".replace(",", "{,}")
                + r"\ \text{steps in all}"
                if c.epochs
                else ""
            )
        ),
    ]
    if c.early_stopping and info.n_val:
        lines.append(
            f"Early stopping is on: training ends when the validation loss has not improved for "
            f"{c.early_stopping} epochs, keeping the weights of the best epoch."
        )
    elif c.early_stopping:
        lines.append("Early stopping is set, but there are no validation rows for it to watch.")
    else:
        lines.append("Early stopping is off (patience 0): training runs every epoch.")
    return lines


def prediction(d: Design) -> list[Line]:
    names = d.class_names
    if d.head.kind == "softmax":
        return [
            "Your network predicts the class of the largest probability:",
            Math(rf"\hat{{k}} = \arg\max_k p_k,\quad \hat{{y}} \in \left({listed(names)}\right)"),
        ]
    if d.head.kind == "sigmoid" and len(names) == 2:
        return [
            "Your network has one sigmoid unit: above one half is the second class.",
            Math(
                rf"\hat{{y}} = \begin{{cases}} {text(names[1])} & \sigma(z) > 0.5 \\ "
                rf"{text(names[0])} & \text{{otherwise}} \end{{cases}}"
            ),
        ]
    target = d.info.preprocessor.target if d.info and d.info.preprocessor else None
    if target is not None:
        return [
            f"Your target {target.name} was standardised; the prediction is turned back:",
            Math(rf"\hat{{y}} = {num(target.mean)} + {num(target.std)}\,z"),
        ]
    return ["Your network predicts a value, turned back into the target's units."]


def features(d: Design) -> list[Line]:
    hidden = sum(layer.kind == "dense" for layer in d.network.layers)
    lines: list[Line] = [
        f"Your network reads {d.n_inputs} input{'s' if d.n_inputs != 1 else ''} and has "
        f"{hidden} hidden dense layer{'s' if hidden != 1 else ''}:",
        Math(rf"x = \left({listed(d.input_names)}\right)"),
    ]
    if set(d.input_names) == {"x1", "x2"}:
        lines.append(
            "With x\u2081 and x\u2082 alone a circle needs at least one hidden layer; with "
            "x\u2081\u00b2 and x\u2082\u00b2 added it would need none."
        )
    return lines


def health(d: Design) -> list[Line]:
    shapes = dense_shapes(d) or []
    used = [a for _n, _s, a in shapes[:-1]]
    lines: list[Line] = []
    relu = sum(a in ("relu", "leaky_relu", "elu") for a in used)
    if relu:
        lines.append(f"{relu} of your layers use the ReLU family: watch for dead units.")
    saturating = sum(a == "sigmoid" for a in used)
    if saturating:
        bound = num(0.25**saturating)
        lines.append(
            f"{saturating} sigmoid layer{'s' if saturating > 1 else ''} scale the error "
            "passed back by at most:"
        )
        lines.append(Math(rf"\left(\tfrac{{1}}{{4}}\right)^{{{saturating}}} = {bound}"))
    if "tanh" in used:
        lines.append("tanh layers saturate when their sums grow large: their slope nears 0.")
    if len(shapes) > 1:
        lines.append(
            f"With {len(shapes)} weight layers the error is multiplied {len(shapes) - 1} "
            f"time{'s' if len(shapes) > 2 else ''} on its way back; the Gradients plot shows "
            "each layer's size."
        )
    lines.append(
        f"Learning rate now: {d.config.learning_rate:g}; if the loss jumps or rises, lower it."
    )
    return lines


NOW: dict[str, Callable[[Design], list[Line]]] = {
    "forward": forward,
    "activations": activations,
    "softmax": softmax,
    "losses": losses,
    "gradient_descent": now_steps.gradient_descent,
    "momentum": now_steps.momentum,
    "optimizers": now_steps.optimizers,
    "backprop": backprop,
    "convergence": convergence,
    "prediction": prediction,
    "features": features,
    "health": health,
    "min_max": now_data.min_max,
    "standardise": now_data.standardise,
    "one_hot": now_data.one_hot,
}


def now_lines(section: str, design: Design) -> list[Line]:
    """The section's formulas with the design's own numbers (never raises: a line says why)."""
    try:
        return NOW[section](design)
    except (SpecError, KeyError, ValueError, ZeroDivisionError) as exc:
        return [f"Cannot fill this in for the current design ({exc})."]
