"""The Learn tab's text: one section per idea of the course, as data (no widgets).

Each section has a title, two to five plain sentences and its formulas in LaTeX (rendered by
`app.learn.formula`). The activations, losses and optimizers have one formula per registry entry
(`app.learn.registry_formulas`), so adding one to a registry without its formula fails a test.
What the current network fills in ("in your network now") is `app.learn.now`.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.learn.registry_formulas import (
    ACTIVATION_FORMULAS,
    LOSS_FORMULAS,
    OPTIMIZER_FORMULAS,
)
from core.activations import ACTIVATIONS
from core.losses import LOSSES
from core.optimizers import OPTIMIZERS


@dataclass(frozen=True)
class Formula:
    """One formula and what it says, in a few words."""

    latex: str
    caption: str = ""


@dataclass(frozen=True)
class Section:
    id: str  # one of app.learn_links.SECTION_IDS
    title: str
    short: str  # the title in the tab's list of sections
    text: tuple[str, ...]  # two to five plain sentences
    formulas: tuple[Formula, ...]


def _each(formulas: dict[str, str], labels: dict[str, str]) -> tuple[Formula, ...]:
    return tuple(Formula(formulas[key], label) for key, label in labels.items())


SECTIONS: tuple[Section, ...] = (
    Section(
        "forward",
        "Forward pass",
        "Forward pass",
        (
            "Each layer takes the numbers coming in (the inputs, or the previous layer's "
            "outputs), multiplies them by its weights, adds a bias and passes the sum through "
            "an activation function.",
            "Doing this layer after layer, from the inputs to the output, is the forward pass.",
            "Without the activation a stack of layers would be one big weighted sum: the "
            "activation is what lets the network bend its decision boundary.",
        ),
        (
            Formula(r"z^{(l)} = W^{(l)}\,a^{(l-1)} + b^{(l)}", "weighted sum plus bias"),
            Formula(r"a^{(l)} = f\left(z^{(l)}\right), \quad a^{(0)} = x", "then the activation"),
        ),
    ),
    Section(
        "activations",
        "Activation functions",
        "Activations",
        (
            "An activation is applied to every unit's weighted sum on its own.",
            "ReLU and its relatives pass positive values and (nearly) zero the rest; they are "
            "fast and keep gradients alive in deep networks.",
            "tanh and sigmoid squash everything into a fixed range; for large inputs their "
            "slope is almost zero, so the layers before them learn slowly.",
        ),
        _each(ACTIVATION_FORMULAS, {k: a.label for k, a in ACTIVATIONS.items()}),
    ),
    Section(
        "softmax",
        "Softmax and sigmoid",
        "Softmax, sigmoid",
        (
            "The last layer produces one raw number per output unit, the logits.",
            "Softmax turns several logits into probabilities that are all positive and sum "
            "to 1: the larger a logit, the larger its class's share.",
            "With two classes one unit is enough: the sigmoid turns its logit into the "
            "probability of the second class, and the first gets the rest.",
        ),
        (
            Formula(r"p_k = \frac{e^{z_k}}{\sum_{j=1}^{K} e^{z_j}}", "softmax over K classes"),
            Formula(r"\sigma(z) = \frac{1}{1 + e^{-z}}", "sigmoid for one unit"),
        ),
    ),
    Section(
        "losses",
        "Loss functions",
        "Loss functions",
        (
            "The loss is one number that says how wrong the network is on a batch of rows; "
            "training tries to make it small.",
            "For classes, cross-entropy looks at the probability given to the right class: "
            "near 1 costs almost nothing, near 0 costs a lot.",
            "For values, the squared or absolute difference between the prediction and the "
            "target is averaged over the rows.",
        ),
        _each(LOSS_FORMULAS, {k: loss.label for k, loss in LOSSES.items()}),
    ),
    Section(
        "gradient_descent",
        "Gradient descent and the learning rate",
        "Gradient descent",
        (
            "The gradient of the loss says, for every weight, in which direction the loss "
            "grows and how fast.",
            "Gradient descent moves every weight a small step the other way, batch after batch.",
            "The learning rate is the size of that step: too small and training crawls, too "
            "large and the loss jumps around or blows up.",
        ),
        (
            Formula(
                r"w \leftarrow w - \eta\,\frac{\partial L}{\partial w}", "one step, rate \u03b7"
            ),
            Formula(
                r"\frac{\partial L}{\partial w} = \frac{1}{B}\sum_{i=1}^{B}"
                r"\frac{\partial L_i}{\partial w}",
                "averaged over a batch of B rows",
            ),
        ),
    ),
    Section(
        "momentum",
        "Momentum",
        "Momentum",
        (
            "Momentum keeps a running sum of past gradients, like a ball rolling downhill "
            "that keeps its speed.",
            "Steps in a direction the gradients agree on grow; zig-zags across a narrow "
            "valley cancel out.",
            "A momentum of 0.9 means each step remembers about the last ten gradients.",
        ),
        (
            Formula(r"v \leftarrow \mu\,v + g", "velocity: \u03bc times the old one plus g"),
            Formula(r"w \leftarrow w - \eta\,v", "step along the velocity"),
        ),
    ),
    Section(
        "optimizers",
        "Optimizers: Adam and the others",
        "Optimizers, Adam",
        (
            "An optimizer decides how a gradient becomes a step.",
            "Adam keeps two running averages per weight: m of the gradients (momentum) and v "
            "of their squares (how large they usually are), and divides one by the square "
            "root of the other, so every weight moves at a similar pace.",
            "Both averages start at zero, so the first steps would be too small; dividing by "
            "1 \u2212 \u03b2\u1d57 (the bias correction) fixes that.",
        ),
        _each(OPTIMIZER_FORMULAS, {k: o.label for k, o in OPTIMIZERS.items()}),
    ),
    Section(
        "backprop",
        "Backpropagation",
        "Backpropagation",
        (
            "Backpropagation finds every weight's gradient in one backward sweep, using the "
            "chain rule.",
            "It starts at the output with the error \u03b4 (for softmax with cross-entropy "
            "simply p \u2212 y), then passes it back through each layer's weights and the "
            "slope of its activation.",
            "A layer's weight gradient is its error times the inputs it saw; if an "
            "activation's slope is near zero, the error passed back is too.",
        ),
        (
            Formula(r"\delta^{(L)} = p - y", "error at the output (softmax or sigmoid with CE)"),
            Formula(
                r"\delta^{(l)} = \left(W^{(l+1)\top}\,\delta^{(l+1)}\right) \odot f'\left(z^{(l)}\right)",
                "passed back one layer",
            ),
            Formula(
                r"\frac{\partial L}{\partial W^{(l)}} = \delta^{(l)}\,a^{(l-1)\top}, \quad "
                r"\frac{\partial L}{\partial b^{(l)}} = \delta^{(l)}",
                "the layer's gradients",
            ),
        ),
    ),
    Section(
        "min_max",
        "Min-max normalisation",
        "Min-max scaling",
        (
            "Min-max scaling maps a column's smallest training value to 0 and its largest to "
            "1, with everything else in between.",
            "The minimum and maximum are taken from the training rows only and reused for "
            "validation, test and new rows, which may fall a little outside [0, 1].",
            "Inputs on similar scales let one learning rate suit every weight.",
        ),
        (Formula(r"x' = \frac{x - \min}{\max - \min}", "into [0, 1]"),),
    ),
    Section(
        "standardise",
        "Standardisation",
        "Standardisation",
        (
            "Standardising subtracts a column's mean and divides by its standard deviation, "
            "so the column has mean 0 and spread 1 over the training rows.",
            "It keeps outliers as large numbers rather than squeezing the rest, and is the "
            "usual default for numeric inputs.",
            "A regression target is standardised the same way for training, and predictions "
            "are turned back into the target's own units.",
        ),
        (Formula(r"x' = \frac{x - \mu}{\sigma}", "mean \u03bc and standard deviation \u03c3"),),
    ),
    Section(
        "one_hot",
        "One-hot encoding",
        "One-hot encoding",
        (
            "A network only computes with numbers, so a column of categories becomes one input "
            "per category.",
            "The row's own category gets a 1 and all the others 0, so no category is 'larger' "
            "than another.",
            "Classes to predict are one-hot vectors too: the target y that the loss compares "
            "the probabilities with.",
        ),
        (
            Formula(
                r"\text{Dream} \mapsto \left(0,\ 1,\ 0\right) \text{ for } "
                r"\left(\text{Biscoe},\ \text{Dream},\ \text{Torgersen}\right)",
                "one 1, the rest 0",
            ),
        ),
    ),
    Section(
        "convergence",
        "Training to convergence",
        "Convergence",
        (
            "One epoch shows the network every training row once, in batches; each batch is "
            "one step of the optimizer.",
            "The validation rows are never trained on: their loss tells whether the network "
            "learns the pattern or memorises the training rows.",
            "When the training loss keeps falling but the validation loss rises, the network "
            "is overfitting; early stopping ends training after the validation loss has not "
            "improved for a number of epochs (the patience).",
        ),
        (
            Formula(r"\text{steps per epoch} = \left\lceil \frac{N}{B} \right\rceil", ""),
            Formula(
                r"\text{stop when } L_{\text{val}}^{(t)} > \min_{s \le t-P} L_{\text{val}}^{(s)}"
                r" \text{ for } P \text{ epochs}",
                "early stopping with patience P",
            ),
        ),
    ),
    Section(
        "prediction",
        "Prediction: from probabilities to a class",
        "Prediction",
        (
            "To predict, the network runs the forward pass on a new row and reads the output.",
            "For classes the answer is the class with the largest probability (the argmax), "
            "turned back from its position into its name: the one-hot decoding.",
            "For a regression target the output is turned back into the target's own units.",
        ),
        (
            Formula(r"\hat{k} = \arg\max_k\, p_k, \quad \hat{y} = \text{classes}[\hat{k}]", ""),
            Formula(r"\hat{y} = \mu_y + \sigma_y\, z", "regression, in the target's units"),
        ),
    ),
    Section(
        "features",
        "Input features",
        "Input features",
        (
            "A network can only combine the inputs it is given: with x\u2081 and x\u2082 alone, "
            "a circle needs a hidden layer to build the curve from straight lines.",
            "Given x\u2081\u00b2 and x\u2082\u00b2 as inputs, a circle needs no hidden layer at "
            "all: x\u2081\u00b2 + x\u2082\u00b2 < r\u00b2 is a straight line in those inputs.",
            "TensorFlow Playground offers x\u2081, x\u2082, x\u2081\u00b2, x\u2082\u00b2, "
            "x\u2081x\u2082, sin x\u2081 and sin x\u2082; choosing good features is often "
            "worth more than adding depth.",
        ),
        (
            Formula(
                r"x = \left(x_1,\ x_2,\ x_1^2,\ x_2^2,\ x_1 x_2,\ \sin x_1,\ \sin x_2\right)",
                "the features on offer",
            ),
            Formula(r"w_1 x_1^2 + w_2 x_2^2 + b = 0", "a circle, with no hidden layer"),
        ),
    ),
    Section(
        "health",
        "Health hints",
        "Health hints",
        (
            "A ReLU unit whose sum is negative on every row outputs 0 and has slope 0: it is "
            "dead and stops learning (a large negative bias or a too-high learning rate does "
            "that).",
            "tanh and sigmoid units with large sums are saturated: their slope is nearly 0, "
            "and so is the error passed back through them.",
            "Because the error is multiplied layer by layer, gradients can shrink (vanish) or "
            "grow (explode) by orders of magnitude from the last layer to the first.",
            "A loss that rises or swings wildly means the learning rate is too high; a "
            "validation loss that rises while the training loss falls means overfitting "
            "(try early stopping, L2 or dropout).",
        ),
        (
            Formula(r"\mathrm{ReLU}'(z) = 0 \text{ for } z < 0", "a dead unit passes nothing back"),
            Formula(r"\sigma'(z) = \sigma(z)\left(1 - \sigma(z)\right) \le \tfrac{1}{4}", ""),
            Formula(
                r"\left\|\frac{\partial L}{\partial W^{(1)}}\right\| \ll "
                r"\left\|\frac{\partial L}{\partial W^{(L)}}\right\|",
                "vanishing gradients",
            ),
        ),
    ),
)

SECTIONS_BY_ID: dict[str, Section] = {s.id: s for s in SECTIONS}
