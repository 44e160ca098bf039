"""One LaTeX formula per activation, loss and optimizer in the registries (the Learn tab's).

Keyed by the registry names; a test checks every registry entry has one. They follow PyTorch's
definitions (core builds the torch modules): the same defaults for ε, α and the Huber δ.
"""

from __future__ import annotations

ACTIVATION_FORMULAS: dict[str, str] = {
    "relu": r"\mathrm{ReLU}(z) = \max(0,\ z)",
    "leaky_relu": r"\mathrm{LeakyReLU}(z) = \max(0.01\,z,\ z)",
    "elu": r"\mathrm{ELU}(z) = \begin{cases} z & z > 0 \\ e^{z} - 1 & z \le 0 \end{cases}",
    "gelu": r"\mathrm{GELU}(z) = z\,\Phi(z), \quad \Phi = \text{normal CDF}",
    "silu": r"\mathrm{SiLU}(z) = z\,\sigma(z) = \frac{z}{1 + e^{-z}}",
    "tanh": r"\tanh(z) = \frac{e^{z} - e^{-z}}{e^{z} + e^{-z}}",
    "sigmoid": r"\sigma(z) = \frac{1}{1 + e^{-z}}",
    "softplus": r"\mathrm{softplus}(z) = \log\left(1 + e^{z}\right)",
    "linear": r"f(z) = z",
}

# The derivative each activation passes the error back through (backpropagation's f').
ACTIVATION_SLOPES: dict[str, str] = {
    "relu": r"\mathbf{1}[z > 0]",
    "leaky_relu": r"(z > 0\ ?\ 1 : 0.01)",
    "elu": r"(z > 0\ ?\ 1 : e^{z})",
    "gelu": r"\Phi(z) + z\,\varphi(z)",
    "silu": r"\sigma(z)\left(1 + z\,(1 - \sigma(z))\right)",
    "tanh": r"1 - \tanh^2(z)",
    "sigmoid": r"\sigma(z)\left(1 - \sigma(z)\right)",
    "softplus": r"\sigma(z)",
    "linear": r"1",
}

LOSS_FORMULAS: dict[str, str] = {
    "cross_entropy": r"L = -\frac{1}{B}\sum_{i=1}^{B} \log p_{i,\,y_i}",
    "bce": r"L = -\frac{1}{B}\sum_{i=1}^{B} \left[y_i \log p_i + (1 - y_i)\log(1 - p_i)\right]",
    "mse": r"L = \frac{1}{B}\sum_{i=1}^{B} \left(\hat{y}_i - y_i\right)^2",
    "mae": r"L = \frac{1}{B}\sum_{i=1}^{B} \left|\hat{y}_i - y_i\right|",
    "huber": r"L_i = \begin{cases} \tfrac{1}{2}e_i^2 & |e_i| \le 1 \\ |e_i| - \tfrac{1}{2} & "
    r"|e_i| > 1 \end{cases}, \quad e_i = \hat{y}_i - y_i",
}

OPTIMIZER_FORMULAS: dict[str, str] = {
    "sgd": r"v \leftarrow \mu v + g, \quad w \leftarrow w - \eta\,v",
    "adam": r"\begin{array}{l} m \leftarrow \beta_1 m + (1 - \beta_1)\,g, \quad "
    r"v \leftarrow \beta_2 v + (1 - \beta_2)\,g^2 \\ "
    r"\hat{m} = \frac{m}{1 - \beta_1^t}, \quad \hat{v} = \frac{v}{1 - \beta_2^t}, \quad "
    r"w \leftarrow w - \eta\,\frac{\hat{m}}{\sqrt{\hat{v}} + \epsilon} \end{array}",
    "adamw": r"w \leftarrow w - \eta\lambda w, \quad \text{then the Adam step}",
    "rmsprop": r"s \leftarrow 0.99\,s + 0.01\,g^2, \quad "
    r"w \leftarrow w - \eta\,\frac{g}{\sqrt{s} + \epsilon}",
    "adagrad": r"s \leftarrow s + g^2, \quad w \leftarrow w - \eta\,\frac{g}{\sqrt{s} + \epsilon}",
}
