"""'In your network now' for the sections on a step of training: gradient descent and the
learning rate, momentum, and the chosen optimizer with its own settings."""

from __future__ import annotations

from app.learn.design import Design, Line, Math, batch_size, num
from core.optimizers import OPTIMIZERS, SCHEDULES


def gradient_descent(d: Design) -> list[Line]:
    c = d.config
    lr = num(c.learning_rate)
    lines: list[Line] = [
        f"Your learning rate is {lr} and each step averages a batch of {batch_size(d)} rows:",
        Math(rf"w \leftarrow w - {lr}\,\frac{{\partial L}}{{\partial w}}"),
    ]
    if c.optimizer != "sgd":
        lines.append(
            f"{OPTIMIZERS[c.optimizer].label} shapes each step from the gradient (see "
            f"Optimizers), but the learning rate still sets its size."
        )
    if c.schedule != "none":
        lines.append(f"Schedule: {SCHEDULES[c.schedule]}")
    if c.l2 or c.weight_decay:
        lines.append(
            Math(rf"g = \frac{{\partial L}}{{\partial w}} + {num(c.weight_decay + c.l2)}\,w")
        )
    return lines


def momentum(d: Design) -> list[Line]:
    c = d.config
    lr, mu = num(c.learning_rate), num(c.momentum)
    if c.optimizer == "sgd" and c.momentum == 0:
        return ["Your SGD has momentum 0: every step follows this batch's gradient alone."]
    if c.optimizer == "sgd" and c.nesterov:
        return [
            f"Your SGD uses Nesterov momentum {mu}: it looks one step ahead along v.",
            Math(rf"v \leftarrow {mu}\,v + g,\quad w \leftarrow w - {lr}\,(g + {mu}\,v)"),
        ]
    if c.optimizer == "sgd":
        return [
            f"Your SGD uses momentum {mu}:",
            Math(rf"v \leftarrow {mu}\,v + g,\quad w \leftarrow w - {lr}\,v"),
        ]
    if c.optimizer == "rmsprop" and c.momentum:
        return [
            f"Your RMSprop adds momentum {mu} to its scaled steps:",
            Math(
                rf"v \leftarrow {mu}\,v + \frac{{g}}{{\sqrt{{s}} + \epsilon}},\quad "
                rf"w \leftarrow w - {lr}\,v"
            ),
        ]
    if c.optimizer in ("adam", "adamw"):
        b1 = num(c.beta1)
        return [
            f"{OPTIMIZERS[c.optimizer].label}'s m is its momentum, with \u03b21 = {b1}:",
            Math(rf"m \leftarrow {b1}\,m + {num(1 - c.beta1)}\,g"),
        ]
    return [f"Your optimizer, {OPTIMIZERS[c.optimizer].label}, uses no momentum."]


def optimizers(d: Design) -> list[Line]:
    c = d.config
    lr, wd = num(c.learning_rate), num(c.weight_decay)
    label = OPTIMIZERS[c.optimizer].label
    lines: list[Line] = [f"Your optimizer: {label}, learning rate {lr}."]
    if c.optimizer in ("adam", "adamw"):
        b1, b2 = num(c.beta1), num(c.beta2)
        lines += [
            Math(
                rf"m \leftarrow {b1}\,m + {num(1 - c.beta1)}\,g,\quad "
                rf"v \leftarrow {b2}\,v + {num(1 - c.beta2)}\,g^2"
            ),
            Math(
                rf"\hat{{m}} = \frac{{m}}{{1 - {b1}^t}},\quad \hat{{v}} = \frac{{v}}{{1 - {b2}^t}},"
                rf"\quad w \leftarrow w - {lr}\,\frac{{\hat{{m}}}}{{\sqrt{{\hat{{v}}}} + 10^{{-8}}}}"
            ),
            f"At the first step (t = 1) the bias correction divides m by {num(1 - c.beta1)} and "
            f"v by {num(1 - c.beta2)}, so the first step is about {lr} in every weight.",
        ]
        if c.weight_decay and c.optimizer == "adamw":
            lines.append(Math(rf"w \leftarrow w - {lr} \cdot {wd}\,w \quad \text{{first}}"))
        elif c.weight_decay:
            lines.append(Math(rf"g \leftarrow g + {wd}\,w \quad \text{{first}}"))
    elif c.optimizer == "sgd":
        lines += momentum(d)[1:] or [Math(rf"w \leftarrow w - {lr}\,g")]
    elif c.optimizer == "rmsprop":
        lines.append(
            Math(
                rf"s \leftarrow 0.99\,s + 0.01\,g^2,\quad "
                rf"w \leftarrow w - {lr}\,\frac{{g}}{{\sqrt{{s}} + 10^{{-8}}}}"
            )
        )
    elif c.optimizer == "adagrad":
        lines.append(
            Math(
                rf"s \leftarrow s + g^2,\quad "
                rf"w \leftarrow w - {lr}\,\frac{{g}}{{\sqrt{{s}} + 10^{{-10}}}}"
            )
        )
    return lines
