"""Links into the Learn tab: any control, hint or dialog asks for a section by its id.

The Learn tab listens to `LEARN_LINKS.requested`; whoever wants a section calls `open_learn(id)`,
so a layer card or a health hint never needs a reference to the window.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

# One id per idea of the course; the Learn tab has one section for each.
SECTION_IDS: tuple[str, ...] = (
    "forward",  # weighted sum plus bias, then an activation
    "activations",  # every activation in the registry
    "softmax",  # softmax, and sigmoid for binary outputs
    "losses",  # cross-entropy, MSE and the other losses
    "gradient_descent",  # gradient descent and the learning rate
    "momentum",
    "optimizers",  # Adam and the other optimizers
    "backprop",  # the chain rule, layer by layer
    "min_max",  # min-max normalisation to [0, 1]
    "standardise",  # standardisation
    "one_hot",  # one-hot encoding
    "convergence",  # epochs, batches, validation, early stopping, overfitting
    "prediction",  # one-hot decoding: argmax to a class name
    "features",  # TensorFlow Playground's input features (x1², sin x1, ...)
    "health",  # what the health hints on the layer cards mean
)


class LearnLinks(QObject):
    """Carries 'open this section' from anywhere in the window to the Learn tab."""

    requested = Signal(str)


LEARN_LINKS = LearnLinks()


def open_learn(section: str) -> None:
    """Show the Learn tab at `section` (one of SECTION_IDS)."""
    if section not in SECTION_IDS:
        raise ValueError(f"no Learn section {section!r}")
    LEARN_LINKS.requested.emit(section)
