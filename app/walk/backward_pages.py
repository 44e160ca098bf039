"""The pages of steps 4-6: the loss, backpropagation layer by layer, one optimizer update."""

from __future__ import annotations

import numpy as np

from app.walk.page import SHOWN_UNITS, Page, formula, num, paren, sub, table, vector
from core.losses import LOSSES
from core.optimizers import OPTIMIZERS
from core.walk.steps import RowWalk, UpdateStep

# f′(z) for each activation, as core.walk.functions computes it.
DERIVATIVE_FORMULAS = {
    "relu": "f′(z) = 1 if z &gt; 0, else 0",
    "leaky_relu": "f′(z) = 1 if z &gt; 0, else 0.01",
    "elu": "f′(z) = 1 if z &gt; 0, else e<sup>z</sup>",
    "gelu": "f′(z) = Φ(z) + z·φ(z)",
    "silu": "f′(z) = σ(z)·(1 + z·(1 − σ(z)))",
    "tanh": "f′(z) = 1 − tanh² z",
    "sigmoid": "f′(z) = σ(z)·(1 − σ(z))",
    "softplus": "f′(z) = σ(z)",
    "linear": "f′(z) = 1",
}
OPTIMIZER_FORMULAS = {
    "sgd": "g ← g + λw; &nbsp; with momentum μ: v ← μv + g, g ← v (Nesterov: g ← g + μv); "
    "&nbsp; w ← w − η·g",
    "adam": "g ← g + λw; &nbsp; m ← β₁m + (1−β₁)g; &nbsp; v ← β₂v + (1−β₂)g²; &nbsp; "
    "m̂ = m / (1−β₁<sup>t</sup>), v̂ = v / (1−β₂<sup>t</sup>); &nbsp; w ← w − η·m̂ / (√v̂ + ε)",
    "adamw": "w ← w − ηλw; &nbsp; m ← β₁m + (1−β₁)g; &nbsp; v ← β₂v + (1−β₂)g²; &nbsp; "
    "m̂ = m / (1−β₁<sup>t</sup>), v̂ = v / (1−β₂<sup>t</sup>); &nbsp; w ← w − η·m̂ / (√v̂ + ε)",
    "rmsprop": "g ← g + λw; &nbsp; r ← αr + (1−α)g²; &nbsp; with momentum μ: b ← μb + g/(√r + ε), "
    "w ← w − η·b; without: w ← w − η·g/(√r + ε)",
    "adagrad": "g ← g + λw; &nbsp; G ← G + g²; &nbsp; w ← w − η·g / (√G + ε)",
}
STATE_WORDS = {
    "exp_avg": "m",
    "exp_avg_sq": "v",
    "momentum_buffer": "buffer",
    "square_avg": "r",
    "sum": "G",
}
SHOWN_WEIGHTS = 6


def loss_page(walk: RowWalk) -> Page:
    loss, o = walk.loss, walk.output
    assert loss is not None
    label = LOSSES[loss.name].label
    t, c = loss.target, loss.compared
    lines = [f"<p>The loss of this row: <b>{label}</b> — {LOSSES[loss.name].description}</p>"]
    if loss.name == "cross_entropy" and o.head == "softmax":
        y = o.true_index
        lines += [
            formula(
                "L = −log p<sub>y</sub>, &nbsp; p<sub>y</sub> the probability of the true class"
            ),
            f"<p>L = −log {num(c[y])} = <b>{num(loss.value)}</b></p>",
        ]
    elif loss.name in ("cross_entropy", "bce"):
        lines += [
            formula(
                "L = −mean<sub>k</sub> [y<sub>k</sub> log p<sub>k</sub> + (1 − y<sub>k</sub>) "
                "log(1 − p<sub>k</sub>)], &nbsp; p<sub>k</sub> = σ(z<sub>k</sub>)"
            ),
            f"<p>y = {vector(t)}, p = {vector(c)} → L = <b>{num(loss.value)}</b></p>",
        ]
    else:
        what = "the value" if o.head == "linear" else "the probabilities against the one-hot target"
        shapes = {
            "mse": "L = mean<sub>k</sub> (o<sub>k</sub> − y<sub>k</sub>)²",
            "mae": "L = mean<sub>k</sub> |o<sub>k</sub> − y<sub>k</sub>|",
            "huber": "L = mean<sub>k</sub> of ½d² where |d| &lt; δ, else δ(|d| − ½δ); "
            f"d = o<sub>k</sub> − y<sub>k</sub>, δ = {loss.huber_delta:g}",
        }
        terms = " + ".join(f"({num(ck)} − {num(tk)})" for ck, tk in zip(c[:4], t[:4], strict=True))
        lines += [
            formula(shapes[loss.name]),
            f"<p>It compares {what}: o = {vector(c)}, y = {vector(t)}.</p>",
            f"<p>differences d: {terms}{' …' if len(t) > 4 else ''} → L = <b>{num(loss.value)}</b></p>",
        ]
    others = ", ".join(
        f"{LOSSES[n].label} {num(v)}" for n, v in loss.all_values.items() if n != loss.name
    )
    lines.append(f"<p>The other losses on this row: {others}.</p>")
    headers, rows = table(
        ("loss", "value", ""),
        [
            [LOSSES[n].label for n in loss.all_values],
            list(loss.all_values.values()),
            ["✓ in use" if n == loss.name else "" for n in loss.all_values],
        ],
    )
    return Page(3, "Loss", "".join(lines), headers, rows, "output")


def backward_page(
    walk: RowWalk, k: int, live_sizes: dict[str, float] | None = None, sizes_html: str = ""
) -> Page:
    """Step 5 for walk.backward[k] (0: the output layer). `live_sizes` are the gradient plot's
    latest per-layer values, shown beside this row's; `sizes_html` lists every layer's size in
    the gradient plot's colours."""
    back = walk.backward[k]
    forward = {s.name: s for s in walk.forward}[back.name]
    where = f"layer {len(walk.backward) - k} of {len(walk.backward)}, going backwards"
    lines = [f"<p><b>{forward.label}</b> ({where}).</p>"]
    if back.kind == "output":
        start = _output_delta(walk)
        lines.append(
            formula(
                f"{start}; &nbsp; ∂L/∂W = δ a<sup>T</sup>, &nbsp; ∂L/∂b = δ, &nbsp; passed back: W<sup>T</sup> δ"
            )
        )
    elif back.kind == "dense":
        lines.append(
            formula(
                "δ = (W<sub>above</sub><sup>T</sup> δ<sub>above</sub>) ⊙ f′(z), &nbsp; "
                f"{DERIVATIVE_FORMULAS[forward.activation]}; &nbsp; ∂L/∂W = δ a<sup>T</sup>, ∂L/∂b = δ"
            )
        )
    elif back.kind == "dropout":
        lines.append(formula("∂L/∂a<sub>in</sub> = ∂L/∂a (evaluation mode: the identity)"))
    else:
        lines.append(
            formula(
                "∂L/∂γ = ∂L/∂a ⊙ z, &nbsp; ∂L/∂β = ∂L/∂a, &nbsp; δ = ∂L/∂z = ∂L/∂a ⊙ γ, then back through the normalisation"
            )
        )
    for i in range(min(SHOWN_UNITS, len(back.delta))):
        if back.kind == "dense":
            line = f"{sub('δ', i + 1)} = {num(back.dloss_da[i])} · f′({num(forward.z[i])}) = {num(back.dloss_da[i])} · {num(back.derivative[i])} = {num(back.delta[i])}"
        else:
            line = f"{sub('δ', i + 1)} = {num(back.delta[i])}"
        if "W" in back.grads:
            a0 = forward.a_in[0]
            line += f", &nbsp; ∂L/∂w<sub>{i + 1},1</sub> = {num(back.delta[i])} · {paren(a0)} = {num(back.grads['W'][i, 0])}"
        lines.append(f"<p>{line}</p>")
    if back.grads:
        lines.append(f"<p>Gradient size of the layer ‖∂L/∂θ‖ = <b>{num(back.gradient_norm)}</b>")
        live = (live_sizes or {}).get(back.name)
        if live is not None:
            lines.append(
                f" (the gradient plot's line for it, averaged over batches, is at {num(live)})"
            )
        lines.append("</p>")
    lines.append(f"<p>Passed down: ∂L/∂a<sub>in</sub> = {vector(back.dloss_da_in)}</p>")
    lines.append(sizes_html)
    bias = back.grads.get("b", back.grads.get("beta"))
    headers, rows = table(
        ("unit", "dL/da", "f'(z)" if back.kind == "dense" else "da/dz", "delta = dL/dz", "dL/db"),
        [
            [str(i + 1) for i in range(len(back.delta))],
            back.dloss_da,
            back.derivative,
            back.delta,
            bias if bias is not None else np.full(len(back.delta), np.nan),
        ],
    )
    return Page(4, f"Backward: {forward.label}", "".join(lines), headers, rows, back.name)


def _output_delta(walk: RowWalk) -> str:
    """The error at the output, as the loss and the head make it."""
    assert walk.loss is not None
    name, head, units = walk.loss.name, walk.output.head, len(walk.loss.target)
    if name == "cross_entropy" and head == "softmax":
        return "δ = p − y (softmax with cross-entropy)"
    if name in ("cross_entropy", "bce"):
        per_unit = f" / {units} (the loss is a mean over {units} units)" if units > 1 else ""
        return f"δ = (σ(z) − y){per_unit} (sigmoid with binary cross-entropy)"
    return "δ = ∂L/∂z: the loss's derivative through the output (step 4)"


def gradient_sizes(walk: RowWalk) -> list[tuple[str, float]]:
    """(layer, ‖∂L/∂θ‖) for every layer with weights, in the model's order."""
    return [(b.name, b.gradient_norm) for b in reversed(walk.backward) if b.grads]


def update_page(walk: RowWalk, optimizer: str = "") -> Page:
    name = optimizer or walk.optimizer
    update = walk.updates[name]
    s = update.settings
    lines = [
        f"<p><b>{OPTIMIZERS[name].label}</b>: {OPTIMIZERS[name].description}</p>",
        formula(OPTIMIZER_FORMULAS[name]),
        f"<p>{_settings(name, s)}</p>",
        f"<p>{_state_words(update, name == walk.optimizer)}</p>",
    ]
    if update.penalty:
        lines.append(
            "<p>The gradient includes the penalties "
            + ", ".join(f"{k.upper()} {v:g}" for k, v in update.penalty.items())
            + " on the dense weights.</p>"
        )
    if update.clip_factor < 1:
        lines.append(f"<p>Gradient clipping scaled the gradient by {num(update.clip_factor)}.</p>")
    lines.append(_loss_words(update, name))
    picked = _chosen_weights(update)
    state_keys = sorted({k for p in update.params for k in p.state_after if k != "step"})
    # Before, after and the change first: what a narrow table shows without scrolling.
    headers = (
        "weight",
        "before",
        "after",
        "change",
        "gradient",
        *(STATE_WORDS.get(k, k) + " (after)" for k in state_keys),
    )
    rows = []
    for key, index in picked:
        p = next(p for p in update.params if p.name == key)
        before, after = p.before.reshape(-1)[index], p.after.reshape(-1)[index]
        state = [
            p.state_after[k].reshape(-1)[index] if k in p.state_after else np.nan
            for k in state_keys
        ]
        rows.append(
            (
                _weight_name(key, index, p.before.shape),
                before,
                after,
                after - before,
                p.grad.reshape(-1)[index],
                *state,
            )
        )
    table_headers, table_rows = table(
        headers, list(zip(*rows, strict=True)) if rows else [[] for _ in headers]
    )
    return Page(
        5, f"Update: {OPTIMIZERS[name].label}", "".join(lines), table_headers, table_rows, ""
    )


def _settings(name: str, s: dict[str, float]) -> str:
    parts = [f"η (learning rate) = {s['learning_rate']:g}"]
    if name == "sgd":
        parts.append(f"μ (momentum) = {s['momentum']:g}" + (", Nesterov" if s["nesterov"] else ""))
    if name in ("adam", "adamw"):
        parts += [f"β₁ = {s['beta1']:g}", f"β₂ = {s['beta2']:g}", f"ε = {s['adam_eps']:g}"]
    if name == "rmsprop":
        parts += [
            f"α = {s['rmsprop_alpha']:g}",
            f"μ = {s['momentum']:g}",
            f"ε = {s['rmsprop_eps']:g}",
        ]
    if name == "adagrad":
        parts.append(f"ε = {s['adagrad_eps']:g}")
    parts.append(f"λ (weight decay) = {s['weight_decay']:g}")
    return ", ".join(parts)


def _state_words(update: UpdateStep, chosen: bool) -> str:
    step = max((p.step for p in update.params), default=0)
    if update.state == "none":
        return "Plain SGD keeps no state: the step is the gradient times the learning rate."
    if update.state == "current":
        return f"It starts from the optimizer's own state as training left it: this is its step t = {step}."
    if chosen:
        return "Training has not stepped yet: the state starts at zero, so this is step t = 1."
    return (
        "Not the optimizer training uses: shown from a fresh state (step t = 1), as it would start."
    )


def _loss_words(update: UpdateStep, name: str) -> str:
    before, after = update.loss_before, update.loss_after
    text = f"<p>The row's loss before the step: {num(before)}, after it: <b>{num(after)}</b>"
    if after < before:
        return text + " — lower: the step moved the weights downhill for this row.</p>"
    s = update.settings
    reasons = []
    remembers = name in ("adam", "adamw") or (s["momentum"] > 0 and name in ("sgd", "rmsprop"))
    if update.state == "current" and remembers:
        reasons.append(
            "the step follows the running average of earlier batches' gradients, which can "
            "point elsewhere than this row's own gradient"
        )
    reasons.append("the step may have overshot (the learning rate is too large for this row)")
    if update.penalty or s["weight_decay"]:
        reasons.append("the penalties and weight decay pull the weights towards zero")
    return text + " — <b>not lower</b>: " + "; or ".join(reasons) + ".</p>"


def _chosen_weights(update: UpdateStep) -> list[tuple[str, int]]:
    """The first weight of each tensor, then the weights whose gradients are largest."""
    picked = [(p.name, 0) for p in update.params]
    flat = [
        (abs(float(g)), p.name, i) for p in update.params for i, g in enumerate(p.grad.reshape(-1))
    ]
    for _, key, i in sorted(flat, reverse=True):
        if len(picked) >= len(update.params) + SHOWN_WEIGHTS:
            break
        if (key, i) not in picked:
            picked.append((key, i))
    return picked


def _weight_name(key: str, index: int, shape: tuple[int, ...]) -> str:
    layer, kind = key.rsplit(".", 1)
    if len(shape) == 2:
        row, col = divmod(index, shape[1])
        return f"{layer} w[{row + 1},{col + 1}]"
    dense = layer.startswith(("dense", "output"))
    short = ("b" if dense else "beta") if kind == "bias" else "gamma"
    return f"{layer} {short}[{index + 1}]"
