"""Python export: a readable .py file that rebuilds the network layer by layer, plus its weights.

The generated file needs only torch, pandas (with numpy) and safetensors. It spells out the
fitted preprocessing as Python literals and mirrors `FittedPreprocessor.transform` and
`core.predict.predict_frame`, so it gives the same predictions as the app.
"""

from __future__ import annotations

import io
import json
import textwrap
from pathlib import Path
from typing import Any

from safetensors.torch import save as save_safetensors
from torch import nn

from core import __version__
from core.activations import ACTIVATIONS
from core.data_spec import CsvSource
from core.errors import SpecError
from core.fitted_preprocessor import CategoricalFeature, NumericFeature
from core.input_features import INPUT_FEATURES
from core.modelfile import TrainedModel, write_atomic

# Activation modules are built without arguments (core.activations.Activation.make).
_ACTIVATION_CLASSES = {a.module for a in ACTIVATIONS.values()}


def export_python(tm: TrainedModel, path: Path) -> list[Path]:
    """Write `path` (a .py file) and its weights beside it (same name, .safetensors)."""
    if path.suffix != ".py":
        raise SpecError(f"a Python export is a .py file; {path.name} does not end in .py")
    weights = path.with_suffix(".safetensors")
    source = python_source(tm, path.name)
    state = {k: v.detach().cpu().contiguous() for k, v in tm.model.state_dict().items()}
    write_atomic(weights, save_safetensors(state))
    write_atomic(path, source.encode("utf-8"))
    return [path, weights]


def python_source(tm: TrainedModel, file_name: str) -> str:
    """The text of the generated .py file `file_name`; its weights are beside it, .safetensors."""
    weights_name = str(Path(file_name).with_suffix(".safetensors"))
    pre = tm.preprocessor
    classification = tm.task == "classification"
    numeric = [f for f in pre.features if isinstance(f, NumericFeature)]
    categorical = [f for f in pre.features if isinstance(f, CategoricalFeature)]
    out = io.StringIO()
    w = out.write
    w(_header(tm, file_name, weights_name))
    w(f"WEIGHTS = Path(__file__).with_name({_lit(weights_name)})\n")
    w(f"TARGET = {_lit(pre.target.name)}\n")
    if classification:
        w(_assign("CLASS_NAMES", list(tm.class_names)))
    else:
        w("# The network predicts the standardised target: (value - TARGET_MEAN) / TARGET_STD.\n")
        w(f"TARGET_MEAN = {pre.target.mean!r}\n")
        w(f"TARGET_STD = {pre.target.std!r}\n")
    w("# How the training file was read; pass other options to predict() for other files.\n")
    w(_assign("READ_CSV", _read_options(tm)))
    if pre.input_features:
        w("\n# The columns the network's inputs are computed from.\n")
        w(_assign("FEATURES", list(pre.feature_names)))
        w("# The network's inputs, in order: features computed from x1 and x2 before anything\n")
        w("# else, as TensorFlow Playground computes them (see with_input_features).\n")
        w(_assign("INPUTS", list(pre.input_features)))
    else:
        w("\n# The columns in the order their inputs reach the network.\n")
        w(_assign("FEATURES", list(pre.feature_names)))
    w("# Numeric columns: a missing value becomes `fill`, then the network sees\n")
    w("# (value - shift) / scale.\n")
    w(
        _table(
            "NUMERIC",
            {f.name: {"fill": f.fill, "shift": f.shift, "scale": f.scale} for f in numeric},
        )
    )
    w(
        "# Categorical columns: a missing value becomes `fill`, then one input per category: 1 where\n"
    )
    w("# the value is that category, else 0 (a value never seen in training gives all zeros).\n")
    w(
        _table(
            "CATEGORICAL",
            {c.name: {"fill": c.fill, "categories": list(c.categories)} for c in categorical},
        )
    )
    w("\n\n")
    w(_network_class(tm))
    w(_with_input_features(pre.input_features) if pre.input_features else _FUNCTIONS)
    w(_CLASSIFY if classification else _REGRESS)
    w(_MAIN)
    return out.getvalue()


def _header(tm: TrainedModel, file_name: str, weights_name: str) -> str:
    pre = tm.preprocessor
    answer = (
        f"the class of {pre.target.name!r} ({', '.join(tm.class_names)}) with each class's "
        "probability"
        if tm.task == "classification"
        else f"the value of {pre.target.name!r}"
    )
    columns = ", ".join(pre.feature_names)
    doc = "\n".join(
        [
            f"A neural network exported from NN Playground {__version__}.",
            "",
            *textwrap.wrap(f"It predicts {answer} from the columns {columns}.", 96),
            "",
            f"    python {file_name} rows.csv            print the rows with their predictions (CSV)",
            f"    python {file_name} rows.csv out.csv    write them to out.csv",
            "",
            *textwrap.wrap(
                "From Python: `predict('rows.csv')` returns the table with a `prediction` column"
                + (
                    " and a `probability_<class>` column per class."
                    if tm.task == "classification"
                    else "."
                ),
                96,
            ),
            "",
            f"Needs torch, pandas and safetensors; the weights are in {weights_name} beside this file.",
        ]
    )
    # Column and class names are the user's text: keep them from ending the docstring early.
    doc = doc.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    return (
        f'"""{doc}\n"""\n\n'
        "from __future__ import annotations\n\n"
        "import sys\nfrom pathlib import Path\nfrom typing import Any\n\n"
        "import numpy as np\nimport pandas as pd\nimport torch\n"
        "from safetensors.torch import load_file\nfrom torch import nn\n\n"
    )


def _read_options(tm: TrainedModel) -> dict[str, str]:
    source = tm.data.source
    if isinstance(source, CsvSource) and source.delimiter:
        return {
            "sep": source.delimiter,
            "decimal": source.decimal or ".",
            "encoding": source.encoding or "utf-8",
        }
    return {"sep": ",", "decimal": ".", "encoding": "utf-8"}


def _lit(value: Any) -> str:
    """A Python literal, written as ruff format would write it."""
    if isinstance(value, str):
        # JSON's escapes are all valid in Python strings.
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_lit(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_lit(k)}: {_lit(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"no literal for {type(value).__name__}")


def _assign(name: str, value: list[str] | dict[str, str]) -> str:
    """`name = value`, one item a line when one line would pass 100 characters."""
    line = f"{name} = {_lit(value)}\n"
    if len(line) <= 100:
        return line
    return f"{name} = {_multiline(value, '')}\n"


def _multiline(value: Any, indent: str) -> str:
    inner = indent + "    "
    if isinstance(value, list):
        return "[\n" + "".join(f"{inner}{_lit(v)},\n" for v in value) + indent + "]"
    items = []
    for k, v in value.items():
        line = f"{inner}{_lit(k)}: {_lit(v)},"
        if len(line) > 100 and isinstance(v, (list, dict)):
            line = f"{inner}{_lit(k)}: {_multiline(v, inner)},"
        items.append(line + "\n")
    return "{\n" + "".join(items) + indent + "}"


def _table(name: str, rows: dict[str, dict[str, Any]]) -> str:
    if not rows:
        return f"{name}: dict[str, dict[str, Any]] = {{}}\n"
    return f"{name}: dict[str, dict[str, Any]] = {_multiline(rows, '')}\n"


def _network_class(tm: TrainedModel) -> str:
    children = list(tm.model.named_children())
    lines = []
    for name, module in children:
        if not name.isidentifier():
            raise SpecError(f"layer name {name!r} cannot be written as Python")
        lines.append(f"        self.{name} = {_constructor(name, module)}")
    layers = " -> ".join(
        [f"{tm.preprocessor.n_inputs} inputs", *(_module_label(m) for _, m in children)]
    )
    doc = "\n    ".join(textwrap.wrap(f"{layers} (the outputs).", 92))
    body = "\n".join(f"        x = self.{name}(x)" for name, _ in children)
    return (
        "class Network(nn.Module):\n"
        f'    """{doc}\n    """\n\n'
        "    def __init__(self) -> None:\n"
        "        super().__init__()\n" + "\n".join(lines) + "\n\n"
        "    def forward(self, x: torch.Tensor) -> torch.Tensor:\n"
        f"{body}\n        return x\n\n\n"
    )


def _constructor(name: str, m: nn.Module) -> str:
    if isinstance(m, nn.Linear):
        return f"nn.Linear({m.in_features}, {m.out_features}{'' if m.bias is not None else ', bias=False'})"
    if isinstance(m, nn.Dropout):
        return f"nn.Dropout(p={m.p!r})  # active only while training"
    if isinstance(m, nn.BatchNorm1d):
        return f"nn.BatchNorm1d({m.num_features}, eps={m.eps!r})"
    if isinstance(m, nn.LayerNorm):
        return f"nn.LayerNorm({list(m.normalized_shape)!r}, eps={m.eps!r})"
    cls = type(m).__name__
    # An activation is written as its class with default arguments: check that is what it is.
    if cls in _ACTIVATION_CLASSES and repr(m) == repr(getattr(nn, cls)()):
        return f"nn.{cls}()"
    raise SpecError(f"layer {name} ({cls}) cannot be written as Python")


def _module_label(m: nn.Module) -> str:
    """A layer's short name for the class docstring, e.g. 'Linear 8', 'ReLU'."""
    if isinstance(m, nn.Linear):
        return f"Linear {m.out_features}"
    return type(m).__name__


_FUNCTIONS = '''\
def load_network() -> Network:
    """The network with its trained weights, ready to predict."""
    network = Network()
    network.load_state_dict(load_file(str(WEIGHTS)))
    return network.eval()


def as_text(column: pd.Series) -> pd.Series:
    """Category labels as NN Playground writes them: trimmed text, whole numbers without '.0'."""
    missing = column.isna().to_numpy()
    out = np.full(len(column), np.nan, dtype=object)
    if pd.api.types.is_bool_dtype(column.dtype):
        out[:] = np.where(column.to_numpy(dtype=bool), "True", "False")
    elif pd.api.types.is_numeric_dtype(column.dtype):
        values = column.to_numpy(dtype=np.float64, na_value=np.nan)
        with np.errstate(invalid="ignore"):
            whole = ~missing & (values == np.round(values)) & (np.abs(values) < 2**53)
        out[whole] = values[whole].astype(np.int64).astype(str)
        out[~missing & ~whole] = values[~missing & ~whole].astype(str)
    else:
        out[~missing] = column[~missing].astype(str).str.strip().to_numpy(dtype=object)
    out[missing] = np.nan
    return pd.Series(out, index=column.index, dtype=object)


def prepare(table: pd.DataFrame) -> torch.Tensor:
    """The network's inputs, float32 [rows, inputs], from the raw columns of `table`."""
    blocks = []
    for name in FEATURES:
        if name in NUMERIC:
            c = NUMERIC[name]
            values = pd.to_numeric(table[name]).to_numpy(dtype=np.float64, na_value=np.nan)
            values = np.where(np.isnan(values), c["fill"], values)
            blocks.append(((values - c["shift"]) / c["scale"])[:, None])
        else:
            c = CATEGORICAL[name]
            text = as_text(table[name]).fillna(c["fill"]).to_numpy(dtype=object)
            blocks.append(np.stack([text == category for category in c["categories"]], axis=1))
    return torch.from_numpy(np.concatenate(blocks, axis=1).astype(np.float32))


def read_table(csv_path: str | Path, **read_csv: Any) -> pd.DataFrame:
    table = pd.read_csv(csv_path, **{**READ_CSV, **read_csv})
    table.columns = [str(c).strip() for c in table.columns]
    absent = [name for name in FEATURES if name not in table.columns]
    if absent:
        raise SystemExit(f"error: {csv_path} lacks the column(s) {', '.join(absent)}")
    return table


'''


def _with_input_features(names: tuple[str, ...]) -> str:
    """`_FUNCTIONS` with `prepare` computing the input features from x1 and x2 first."""
    lines = [f"        {name!r}: {INPUT_FEATURES[name].formula}," for name in names]
    function = (
        "def with_input_features(table: pd.DataFrame) -> pd.DataFrame:\n"
        '    """The input features, computed from the raw columns x1 and x2 (float64)."""\n'
        '    x1 = pd.to_numeric(table["x1"]).to_numpy(dtype=np.float64, na_value=np.nan)\n'
        '    x2 = pd.to_numeric(table["x2"]).to_numpy(dtype=np.float64, na_value=np.nan)\n'
        "    return pd.DataFrame(\n        {\n" + "\n".join(lines) + "\n        }\n    )\n\n\n"
    )
    prepare = "    blocks = []\n    for name in FEATURES:\n"
    assert prepare in _FUNCTIONS
    return function + _FUNCTIONS.replace(
        prepare,
        "    table = with_input_features(table)\n    blocks = []\n    for name in INPUTS:\n",
    )


_CLASSIFY = '''\
def predict_table(table: pd.DataFrame) -> pd.DataFrame:
    """`table` with a `prediction` column and a `probability_<class>` column per class."""
    with torch.no_grad():
        logits = load_network()(prepare(table))
    if logits.shape[1] == 1:  # one sigmoid unit: the probability of the second class
        p = torch.sigmoid(logits)
        probabilities = torch.cat([1 - p, p], dim=1)
    else:
        probabilities = torch.softmax(logits, dim=1)
    out = table.copy()
    out["prediction"] = np.asarray(CLASS_NAMES)[probabilities.argmax(dim=1).numpy()]
    for i, name in enumerate(CLASS_NAMES):
        out[f"probability_{name}"] = probabilities[:, i].numpy().astype(np.float64)
    return out


'''

_REGRESS = '''\
def predict_table(table: pd.DataFrame) -> pd.DataFrame:
    """`table` with a `prediction` column: the predicted value in the target's units."""
    with torch.no_grad():
        z = load_network()(prepare(table))
    out = table.copy()
    out["prediction"] = z[:, 0].numpy().astype(np.float64) * TARGET_STD + TARGET_MEAN
    return out


'''

_MAIN = '''\
def predict(csv_path: str | Path, **read_csv: Any) -> pd.DataFrame:
    """Predict every row of a CSV file; keyword arguments go to pandas.read_csv."""
    return predict_table(read_table(csv_path, **read_csv))


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        raise SystemExit(__doc__)
    result = predict(sys.argv[1])
    if len(sys.argv) == 3:
        result.to_csv(sys.argv[2], index=False)
    else:
        result.to_csv(sys.stdout, index=False)
'''
