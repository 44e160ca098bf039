"""ONNX export with the preprocessing inside: raw column values in, class names or values out.

The graph has one input per feature column, named as the column, of shape [N, 1]: float32 for a
numeric column (NaN where a value is missing), string for a categorical one ("" where missing;
values as NN Playground reads them: trimmed text, whole numbers written without a decimal
point). It imputes, scales and one-hot encodes exactly as `FittedPreprocessor.transform` does,
runs the network, and outputs `label` ([N]: the class name, or the value in the target's units,
float64) and, for classification, `probabilities` ([N, classes], float32).

The graph is written node by node with onnx.helper rather than by torch.onnx.export: measured
here (torch 2.13), the exporter took 0.8-2.6 s per export, printed warnings on every call and
needs onnxscript; writing the dozen node kinds a network can hold takes milliseconds and pins
every detail. tests/core/test_export_onnx.py checks each layer kind and activation against torch,
so a new entry in LAYER_KINDS or ACTIVATIONS fails there until it is taught to `_network`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from torch import nn

from core import __version__
from core.errors import SpecError
from core.fitted_preprocessor import CategoricalFeature, NumericFeature
from core.input_features import INPUT_FEATURES, InputFeature
from core.modelfile import TrainedModel, write_atomic

# Equal compares strings (the one-hot encoding) from opset 19; onnxruntime runs 19 since 1.15.
OPSET = 19
OUTPUTS = ("label", "probabilities")
BATCH = "N"


class _Graph:
    """Nodes, constants and fresh value names for one graph."""

    def __init__(self, taken: set[str]) -> None:
        self.nodes: list[onnx.NodeProto] = []
        self.initializers: list[onnx.TensorProto] = []
        # Internal names must never equal a column name, which is an input's name.
        self.prefix = "nnplay/"
        while any(name.startswith(self.prefix) for name in taken):
            self.prefix = "_" + self.prefix
        self._count = 0

    def name(self, hint: str) -> str:
        self._count += 1
        return f"{self.prefix}{hint}_{self._count}"

    def const(self, hint: str, value: Any, dtype: Any = np.float32) -> str:
        name = self.name(hint)
        self.initializers.append(numpy_helper.from_array(np.asarray(value, dtype=dtype), name))
        return name

    def strings(self, hint: str, values: list[str]) -> str:
        name = self.name(hint)
        # An object array of str becomes a string tensor (UTF-8).
        self.initializers.append(numpy_helper.from_array(np.array(values, dtype=object), name))
        return name

    def op(self, op_type: str, inputs: list[str], out: str | None = None, **attrs: Any) -> str:
        out = out or self.name(op_type.lower())
        self.nodes.append(helper.make_node(op_type, inputs, [out], **attrs))
        return out


def build_onnx(tm: TrainedModel) -> onnx.ModelProto:
    """The whole pipeline, raw columns to answers, as a checked ONNX model."""
    pre = tm.preprocessor
    clash = [name for name in pre.feature_names if name in OUTPUTS]
    if clash:
        raise SpecError(
            f"a feature column is named {clash[0]!r}, which is the name of an output of the ONNX "
            "model; rename the column to export to ONNX"
        )
    g = _Graph(set(pre.feature_names))
    inputs, blocks = [], []
    raw = {}  # computed input features: the raw columns they are made from, in float64
    for name in pre.feature_names if pre.input_features else ():
        inputs.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, [BATCH, 1]))
        raw[name] = g.op("Cast", [name], to=TensorProto.DOUBLE)
    for f in pre.features:
        if isinstance(f, NumericFeature):
            if raw:
                x = _input_feature(g, INPUT_FEATURES[f.name], raw)
            else:
                inputs.append(helper.make_tensor_value_info(f.name, TensorProto.FLOAT, [BATCH, 1]))
                # In float64, as core computes it, then float32 as the network takes it.
                x = g.op("Cast", [f.name], to=TensorProto.DOUBLE)
            x = g.op("Where", [g.op("IsNaN", [x]), g.const("fill", [f.fill], np.float64), x])
            x = g.op("Sub", [x, g.const("shift", [f.shift], np.float64)])
            x = g.op("Div", [x, g.const("scale", [f.scale], np.float64)])
            blocks.append(g.op("Cast", [x], to=TensorProto.FLOAT))
        else:
            assert isinstance(f, CategoricalFeature)
            inputs.append(helper.make_tensor_value_info(f.name, TensorProto.STRING, [BATCH, 1]))
            empty = g.op("Equal", [f.name, g.strings("empty", [""])])
            x = g.op("Where", [empty, g.strings("fill", [f.fill]), f.name])
            # [N, 1] == [K] -> [N, K]: one-hot; a value not among the categories stays all zeros.
            hot = g.op("Equal", [x, g.strings("categories", list(f.categories))])
            blocks.append(g.op("Cast", [hot], to=TensorProto.FLOAT))
    x = g.op("Concat", blocks, axis=1) if len(blocks) > 1 else blocks[0]
    logits = _network(g, tm.model, x)
    outputs = _head(g, tm, logits)
    graph = helper.make_graph(
        g.nodes, "nnplay", inputs, outputs, g.initializers, doc_string=_doc(tm)
    )
    opsets = [helper.make_opsetid("", OPSET)]
    model = helper.make_model(
        graph,
        opset_imports=opsets,
        producer_name="NN Playground",
        producer_version=__version__,
        ir_version=helper.find_min_ir_version_for(opsets),
    )
    helper.set_model_props(model, metadata(tm))
    onnx.checker.check_model(model, full_check=True)
    return model


def _input_feature(g: _Graph, feature: InputFeature, raw: dict[str, str]) -> str:
    """A computed input feature (x1², sin x1, ...) from the raw columns, as core computes it."""
    a = raw[feature.of[0]]
    if feature.operation == "column":
        return a
    if feature.operation == "product":
        return g.op("Mul", [a, raw[feature.of[1]]])
    return g.op("Sin", [a])


def export_onnx(tm: TrainedModel, path: Path) -> list[Path]:
    """Write one self-contained .onnx file (weights inside); returns the files written."""
    write_atomic(path, build_onnx(tm).SerializeToString())
    return [path]


def metadata(tm: TrainedModel) -> dict[str, str]:
    """metadata_props: what a program needs to feed the model and read its answers, as JSON."""
    pre = tm.preprocessor
    columns = [
        {
            "name": f.name,
            "kind": "numeric" if isinstance(f, NumericFeature) else "categorical",
            "dtype": "float32" if isinstance(f, NumericFeature) else "string",
        }
        for f in pre.source_features
    ]
    computed = {"input_features": json.dumps(pre.input_features)} if pre.input_features else {}
    return {
        **computed,
        "task": tm.task,
        "target": pre.target.name,
        "feature_columns": json.dumps(columns),
        "class_names": json.dumps(list(tm.class_names)),
        "outputs": json.dumps(
            ["label", "probabilities"] if tm.task == "classification" else ["label"]
        ),
        "preprocessing": json.dumps(pre.to_json()),
    }


def _doc(tm: TrainedModel) -> str:
    answer = (
        "label: the predicted class name; probabilities: one column per class, in the order "
        "of the metadata's class_names"
        if tm.task == "classification"
        else f"label: the predicted {tm.preprocessor.target.name} (float64)"
    )
    return (
        "Inputs: one per feature column, [N, 1]; float32 for numeric columns (NaN when missing), "
        "string for categorical ones (empty when missing). Outputs: " + answer + "."
    )


# --- network ----------------------------------------------------------------------------------


def _network(g: _Graph, model: nn.Sequential, x: str) -> str:
    for name, module in model.named_children():
        convert = _MODULES.get(type(module))
        if convert is None:
            raise SpecError(f"layer {name} ({type(module).__name__}) cannot be exported to ONNX")
        x = convert(g, module, x)
    return x


def _weights(module: nn.Module, name: str, fallback: float, width: int) -> np.ndarray:
    tensor = getattr(module, name, None)
    if tensor is None:
        return np.full(width, fallback, dtype=np.float32)
    return np.asarray(tensor.detach().cpu().numpy(), dtype=np.float32)


def _linear(g: _Graph, m: nn.Module, x: str) -> str:
    assert isinstance(m, nn.Linear)
    inputs = [x, g.const("weight", m.weight.detach().cpu().numpy())]
    if m.bias is not None:
        inputs.append(g.const("bias", m.bias.detach().cpu().numpy()))
    return g.op("Gemm", inputs, transB=1)


def _batch_norm(g: _Graph, m: nn.Module, x: str) -> str:
    assert isinstance(m, nn.BatchNorm1d) and m.running_mean is not None
    n = m.num_features
    return g.op(
        "BatchNormalization",
        [
            x,
            g.const("scale", _weights(m, "weight", 1.0, n)),
            g.const("bias", _weights(m, "bias", 0.0, n)),
            g.const("mean", _weights(m, "running_mean", 0.0, n)),
            g.const("var", _weights(m, "running_var", 1.0, n)),
        ],
        epsilon=float(m.eps),
    )


def _layer_norm(g: _Graph, m: nn.Module, x: str) -> str:
    assert isinstance(m, nn.LayerNorm) and len(m.normalized_shape) == 1
    n = m.normalized_shape[0]
    scale = g.const("scale", _weights(m, "weight", 1.0, n))
    bias = g.const("bias", _weights(m, "bias", 0.0, n))
    return g.op("LayerNormalization", [x, scale, bias], axis=-1, epsilon=float(m.eps))


def _gelu(g: _Graph, m: nn.Module, x: str) -> str:
    assert isinstance(m, nn.GELU) and m.approximate == "none"
    # 0.5 x (1 + erf(x / sqrt 2)): torch's exact GELU (a Gelu op arrives in opset 20).
    erf = g.op("Erf", [g.op("Mul", [x, g.const("inv_sqrt2", 1 / math.sqrt(2))])])
    half_x = g.op("Mul", [x, g.const("half", 0.5)])
    return g.op("Mul", [half_x, g.op("Add", [erf, g.const("one", 1.0)])])


def _softplus(g: _Graph, m: nn.Module, x: str) -> str:
    assert isinstance(m, nn.Softplus)
    # torch: log(1 + exp(beta x)) / beta, and x itself above the threshold (no overflow).
    bx = g.op("Mul", [x, g.const("beta", float(m.beta))])
    soft = g.op("Div", [g.op("Softplus", [bx]), g.const("beta", float(m.beta))])
    return g.op("Where", [g.op("Greater", [bx, g.const("threshold", float(m.threshold))]), x, soft])


_MODULES: dict[type[nn.Module], Callable[[_Graph, Any, str], str]] = {
    nn.Linear: _linear,
    nn.Dropout: lambda g, m, x: x,  # a no-op at prediction time
    nn.Identity: lambda g, m, x: x,
    nn.BatchNorm1d: _batch_norm,
    nn.LayerNorm: _layer_norm,
    nn.ReLU: lambda g, m, x: g.op("Relu", [x]),
    nn.LeakyReLU: lambda g, m, x: g.op("LeakyRelu", [x], alpha=float(m.negative_slope)),
    nn.ELU: lambda g, m, x: g.op("Elu", [x], alpha=float(m.alpha)),
    nn.GELU: _gelu,
    nn.SiLU: lambda g, m, x: g.op("Mul", [x, g.op("Sigmoid", [x])]),
    nn.Tanh: lambda g, m, x: g.op("Tanh", [x]),
    nn.Sigmoid: lambda g, m, x: g.op("Sigmoid", [x]),
    nn.Softplus: _softplus,
}


# --- head -------------------------------------------------------------------------------------


def _head(g: _Graph, tm: TrainedModel, logits: str) -> list[onnx.ValueInfoProto]:
    if tm.task == "regression":
        target = tm.preprocessor.target
        z = g.op("Squeeze", [logits, g.const("axis", [1], np.int64)])
        z = g.op("Cast", [z], to=TensorProto.DOUBLE)
        z = g.op("Mul", [z, g.const("std", target.std, np.float64)])
        g.op("Add", [z, g.const("mean", target.mean, np.float64)], out="label")
        return [helper.make_tensor_value_info("label", TensorProto.DOUBLE, [BATCH])]
    classes = list(tm.class_names)
    if tm.head.kind == "sigmoid":
        p = g.op("Sigmoid", [logits])
        g.op("Concat", [g.op("Sub", [g.const("one", 1.0), p]), p], out="probabilities", axis=1)
    else:
        g.op("Softmax", [logits], out="probabilities", axis=1)
    # ArgMax keeps the first of equal maxima, as numpy's argmax does in core.predict.
    index = g.op("ArgMax", ["probabilities"], axis=1, keepdims=0)
    g.op("Gather", [g.strings("class_names", classes), index], out="label", axis=0)
    return [
        helper.make_tensor_value_info("label", TensorProto.STRING, [BATCH]),
        helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, [BATCH, len(classes)]),
    ]
