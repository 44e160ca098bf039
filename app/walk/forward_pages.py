"""The pages of steps 1-3: preparing the row, the forward pass layer by layer, the output."""

from __future__ import annotations

import numpy as np

from app.walk.page import (
    SHOWN_UNITS,
    Page,
    formula,
    num,
    paren,
    sub,
    table,
    vector,
    weighted_sum,
)
from core.activations import ACTIVATIONS
from core.input_features import feature_label
from core.walk.steps import ColumnPrep, LayerForward, OutputStep, RowWalk

# f(z) for each activation in core.activations.ACTIVATIONS, as the walk computes it.
ACTIVATION_FORMULAS = {
    "relu": "f(z) = max(0, z)",
    "leaky_relu": "f(z) = z if z &gt; 0, else 0.01·z",
    "elu": "f(z) = z if z &gt; 0, else e<sup>z</sup> − 1",
    "gelu": "f(z) = z·Φ(z), Φ the standard normal distribution function",
    "silu": "f(z) = z·σ(z) = z / (1 + e<sup>−z</sup>)",
    "tanh": "f(z) = tanh z = (e<sup>z</sup> − e<sup>−z</sup>) / (e<sup>z</sup> + e<sup>−z</sup>)",
    "sigmoid": "f(z) = σ(z) = 1 / (1 + e<sup>−z</sup>)",
    "softplus": "f(z) = log(1 + e<sup>z</sup>)  (z itself above 20)",
    "linear": "f(z) = z",
}
IMPUTE_WORDS = {
    "mean": "the mean of the training rows",
    "median": "the median of the training rows",
    "most_frequent": "the training rows' most frequent category",
    "missing_category": "a category of its own",
}
KIND_WORDS = {
    "minmax": "min-max to [0, 1]",
    "standard": "standardised",
    "none": "not scaled",
    "scaled": "scaled",
    "one_hot": "one-hot",
}


def prepare_page(walk: RowWalk) -> Page:
    lines = [
        f"<p><b>{walk.row}</b>: each raw value becomes the network's input with the constants "
        "fitted on the training rows.</p>",
        formula(
            "min-max: x′ = (x − min) / (max − min) &nbsp;&nbsp; standardise: x′ = (x − μ) / σ"
            " &nbsp;&nbsp; one-hot: 1 for the row's category, 0 for the others"
        ),
    ]
    lines += [f"<p>{_column_line(c)}</p>" for c in walk.columns[:8]]
    if len(walk.columns) > 8:
        lines.append(f"<p>… and {len(walk.columns) - 8} more columns in the table.</p>")
    lines.append(f"<p>Input vector x = {vector(walk.x, 10)}</p>")
    columns = walk.columns
    headers, rows = table(
        ("column", "raw value", "used", "preparation", "constants", "input", "value"),
        [
            [c.column for c in columns for _ in c.input_names],
            [c.raw or "(missing)" for c in columns for _ in c.input_names],
            [_used(c) for c in columns for _ in c.input_names],
            [KIND_WORDS.get(c.kind, c.kind) for c in columns for _ in c.input_names],
            [_constants(c) for c in columns for _ in c.input_names],
            [name for c in columns for name in c.input_names],
            [float(v) for c in columns for v in c.prepared],
        ],
    )
    return Page(0, "Prepare the row", "".join(lines), headers, rows, "input")


def _used(c: ColumnPrep) -> str:
    return f"{c.used:.6g}" if isinstance(c.used, float) else str(c.used)


def _constants(c: ColumnPrep) -> str:
    if c.kind == "one_hot":
        return f"{len(c.categories)} categories"
    if c.kind == "minmax":
        return f"min {c.shift:.6g}, max {c.shift + c.scale:.6g}"
    if c.kind == "standard":
        return f"mean {c.shift:.6g}, std {c.scale:.6g}"
    return f"shift {c.shift:.6g}, scale {c.scale:.6g}"


def _column_line(c: ColumnPrep) -> str:
    name = f"<b>{feature_label(c.column)}</b>"
    if c.missing:
        how = IMPUTE_WORDS.get(c.impute, "the training rows' fill value")
        start = f"{name} is missing → {how}: {_used(c)}"
    else:
        # A toy input feature computed from x1 and x2: its formula first.
        made = c.computed.replace("np.sin", "sin")
        start = f"{name} = {made} = {c.raw}" if made and made != c.column else f"{name} = {c.raw}"
    if c.kind == "one_hot":
        spots = ", ".join(
            f"{cat}: {int(v)}" for cat, v in zip(c.categories, c.prepared, strict=True)
        )
        return f"{start} → one-hot over its {len(c.categories)} categories: [{spots}]"
    # Six digits: a mean of 4178.91 must not read as the value 4179 itself.
    used = float(c.used)  # type: ignore[arg-type]
    x = num(float(c.prepared[0]))
    v, shift, top = num(used, 6), paren(c.shift, 6), num(c.shift + c.scale, 6)
    if c.kind == "minmax":
        return f"{start} → ({v} − {shift}) / ({top} − {shift}) = {x}  (min, max of training)"
    if c.kind == "standard":
        return f"{start} → ({v} − {shift}) / {num(c.scale, 6)} = {x}  (μ, σ of training)"
    if c.kind == "none":
        return f"{start} → used as it is: {x}"
    return f"{start} → ({v} − {shift}) / {num(c.scale, 6)} = {x}"


def forward_page(walk: RowWalk, k: int) -> Page:
    step = walk.forward[k]
    where = f"layer {k + 1} of {len(walk.forward)}"
    if step.kind in ("dense", "output"):
        return _dense_page(walk, step, where)
    if step.kind == "dropout":
        html = (
            f"<p><b>{step.label}</b> ({where}): in evaluation mode dropout passes its input on.</p>"
            + formula("a = a<sub>in</sub>")
            + f"<p>a = {vector(step.a)}</p>"
        )
        headers, rows = table(("unit", "a_in", "a"), [_units(step.a), step.a_in, step.a])
        return Page(1, f"Forward: {step.label}", html, headers, rows, step.name)
    own = (
        "the running mean and variance"
        if step.kind == "batch_norm"
        else "the row's own mean and variance"
    )
    assert step.mean is not None and step.var is not None
    lines = [
        f"<p><b>{step.label}</b> ({where}): normalise with {own}, then scale and shift.</p>",
        formula("z = (a<sub>in</sub> − μ) / √(σ² + ε), &nbsp; a = γ·z + β"),
    ]
    for i in range(min(SHOWN_UNITS, len(step.a))):
        g, b = step.weights["gamma"][i], step.weights["beta"][i]
        lines.append(
            f"<p>{sub('z', i + 1)} = ({num(step.a_in[i])} − {paren(step.mean[i])}) / "
            f"√({num(step.var[i])} + {step.eps:g}) = {num(step.z[i])}, &nbsp; "
            f"{sub('a', i + 1)} = {paren(g)}·{paren(step.z[i])} + {paren(b)} = {num(step.a[i])}</p>"
        )
    headers, rows = table(
        ("unit", "a_in", "mean", "variance", "z", "gamma", "beta", "a"),
        [
            _units(step.a),
            step.a_in,
            step.mean,
            step.var,
            step.z,
            step.weights["gamma"],
            step.weights["beta"],
            step.a,
        ],
    )
    return Page(1, f"Forward: {step.label}", "".join(lines), headers, rows, step.name)


def _units(values: np.ndarray) -> list[str]:
    return [str(i + 1) for i in range(len(values))]


def _dense_page(walk: RowWalk, step: LayerForward, where: str) -> Page:
    W, b = step.weights["W"], step.weights.get("b")
    out = step.kind == "output"
    act = ACTIVATIONS[step.activation].label
    lines = [
        f"<p><b>{step.label}</b> ({where}): each unit takes a weighted sum of the "
        f"{len(step.a_in)} values below it plus its bias"
        + (", and that is the logit." if out else f", then applies {act}.</p>"),
        formula(
            "z = W a + b"
            if out
            else f"z = W a + b, &nbsp; a = f(z), &nbsp; {ACTIVATION_FORMULAS[step.activation]}"
        ),
        f"<p>a (the layer's input) = {vector(step.a_in)}</p>",
    ]
    for i in range(min(SHOWN_UNITS, len(step.z))):
        bias = None if b is None else float(b[i])
        line = f"{sub('z', i + 1)} = {weighted_sum(W[i], step.a_in, bias)} = {num(step.z[i])}"
        if not out:
            line += f", &nbsp; {sub('a', i + 1)} = f({num(step.z[i])}) = {num(step.a[i])}"
        lines.append(f"<p>{line}</p>")
    if len(step.z) > SHOWN_UNITS:
        lines.append(f"<p>… {len(step.z) - SHOWN_UNITS} more units in the table.</p>")
    biases = b if b is not None else np.zeros(len(step.z))
    headers, rows = table(
        ("unit", "bias b", "z = W a + b", "a = f(z)"),
        [_units(step.z), biases, step.z, step.a],
    )
    return Page(1, f"Forward: {step.label}", "".join(lines), headers, rows, step.name)


def output_page(walk: RowWalk) -> Page:
    o = walk.output
    if o.head == "linear":
        return _regression_page(o)
    if o.head == "sigmoid":
        z = float(o.logits[0])
        p = float(o.probabilities[0])
        lines = [
            "<p>One output unit: the sigmoid turns its logit into the probability of the second "
            f"class, <b>{o.classes[1]}</b>.</p>",
            formula(
                "p = σ(z) = 1 / (1 + e<sup>−z</sup>); &nbsp; the answer is the second class when p &gt; 0.5"
            ),
            f"<p>p = 1 / (1 + e<sup>−({num(z)})</sup>) = {num(p)}</p>",
        ]
        probs = np.array([1 - p, p])
    else:
        lines = [
            "<p>Softmax turns the logits into one probability per class, summing to 1.</p>",
            formula(
                "p<sub>k</sub> = e<sup>z<sub>k</sub></sup> / Σ<sub>j</sub> e<sup>z<sub>j</sub></sup>"
            ),
            f"<p>logits z = {vector(o.logits)}</p>",
        ]
        # Past e^50 the exponentials are shown after subtracting the largest z (p is the same).
        shift = float(o.logits.max()) if o.logits.max() > 50 else 0.0
        total = float(np.exp(o.logits - shift).sum())
        shifted = " − max z" if shift else ""
        lines.append(f"<p>Σ<sub>j</sub> e<sup>z<sub>j</sub>{shifted}</sup> = {num(total)}</p>")
        for k in range(min(SHOWN_UNITS, len(o.classes))):
            z = float(o.logits[k] - shift)
            lines.append(
                f"<p>{sub('p', o.classes[k])} = e<sup>{num(z)}</sup> / {num(total)} = "
                f"{num(float(o.probabilities[k]))}</p>"
            )
        if len(o.classes) > SHOWN_UNITS:
            lines.append(f"<p>p = {vector(o.probabilities)}</p>")
        probs = o.probabilities
    lines.append(
        f"<p>One-hot decoding: the most probable class, <b>{o.predicted}</b> "
        f"(p = {num(float(probs[o.predicted_index]))}). True class: <b>{o.true or '(none)'}</b>"
        + (" ✓" if o.true_index == o.predicted_index else " ✗" if o.true else "")
        + "</p>"
    )
    marks = ["predicted" if i == o.predicted_index else "" for i in range(len(o.classes))]
    for i in range(len(o.classes)):
        if i == o.true_index:
            marks[i] = (marks[i] + ", true").lstrip(", ")
    logits = o.logits if o.head == "softmax" else np.array([np.nan, o.logits[0]])
    headers, rows = table(
        ("class", "logit z", "probability", ""), [list(o.classes), logits, probs, marks]
    )
    return Page(2, "Output", "".join(lines), headers, rows, "output")


def _regression_page(o: OutputStep) -> Page:
    z = float(o.logits[0])
    lines = [
        "<p>Regression: the output unit's value is the prediction itself (no softmax), in "
        "standardised units; it is turned back into the target's own units.</p>",
        formula("ŷ = z, &nbsp; value = mean + std · ŷ"),
        f"<p>value = {num(o.target_mean)} + {num(o.target_std)} · {paren(z)} = "
        f"<b>{num(o.predicted_value)}</b>; true value: <b>{o.true or '(none)'}</b></p>",
    ]
    headers, rows = table(
        ("", "standardised", "in the target's units"),
        [
            ["predicted", "true"],
            [z, (o.true_value - o.target_mean) / o.target_std],
            [o.predicted_value, o.true_value],
        ],
    )
    return Page(2, "Output", "".join(lines), headers, rows, "output")
