"""A trial's chosen values turned into the settings the engine trains: (NetworkSpec, TrainConfig).

Plain functions of plain values (no Optuna): the training process, the command line and the
window's "Use best" build a trial's settings the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from core.search.space import MAX_SEARCH_LAYERS, SearchSpace
from core.spec import LayerSpec, NetworkSpec, TrainConfig

Params = Mapping[str, float | int | str]


def dense_layers(network: NetworkSpec) -> list[LayerSpec]:
    return [layer for layer in network.layers if layer.kind == "dense"]


def chosen_settings(
    params: Params, network: NetworkSpec, config: TrainConfig
) -> tuple[NetworkSpec, TrainConfig]:
    """The base settings with a trial's values in place, and nothing else changed ("Use best").
    A network whose shape the trial varies is built as dense layers (each followed by dropout
    when it has some); one it does not vary keeps the base's layers as they are."""
    shaped = any(k in params for k in ("layers", "activation", "dropout")) or any(
        k.startswith("units_") for k in params
    )
    if shaped:
        network = _network(params, network)
    changes = {k: params[k] for k in ("learning_rate", "batch_size", "weight_decay") if k in params}
    return network, replace(config, **changes)  # type: ignore[arg-type]


def trial_settings(
    params: Params, network: NetworkSpec, config: TrainConfig, epochs: int
) -> tuple[NetworkSpec, TrainConfig]:
    """What a trial trains: the chosen settings, for the search's number of epochs."""
    network, config = chosen_settings(params, network, config)
    # Early stopping would end trials at different epochs for reasons the pruner does not know.
    return network, replace(config, epochs=epochs, early_stopping=0)


def shared_settings(
    space: SearchSpace, network: NetworkSpec, config: TrainConfig
) -> tuple[NetworkSpec, TrainConfig]:
    """What every trial of a search over `space` shares: the base settings with each varied
    value set to one stand-in, so settings that differ only in varied values (the builder
    before and after "Use best") give the same. Epochs and early stopping are the search's."""
    stand_ins: dict[str, float | int | str] = {}
    if space.learning_rate is not None:
        stand_ins["learning_rate"] = 1.0
    if space.layers is not None:  # the most layers: every unvaried unit count a trial may use
        stand_ins["layers"] = MAX_SEARCH_LAYERS
    if space.units is not None:
        stand_ins.update({f"units_{i}": 1 for i in range(1, MAX_SEARCH_LAYERS + 1)})
    if space.activations:
        stand_ins["activation"] = "relu"
    if space.batch_sizes:
        stand_ins["batch_size"] = 1
    if space.weight_decay is not None:
        stand_ins["weight_decay"] = 0.0
    if space.dropout is not None:
        stand_ins["dropout"] = 0.0
    return trial_settings(stand_ins, network, config, epochs=1)


def _network(params: Params, base: NetworkSpec) -> NetworkSpec:
    dense = dense_layers(base) or [LayerSpec()]
    n = int(params.get("layers", len(dense)))
    units = [
        int(params.get(f"units_{i + 1}", dense[min(i, len(dense) - 1)].units)) for i in range(n)
    ]
    activation = str(params.get("activation", dense[0].activation))
    kept_dropout = next((layer.p for layer in base.layers if layer.kind == "dropout"), 0.0)
    dropout = float(params.get("dropout", kept_dropout))
    network = NetworkSpec.dense(units, activation, dropout)
    return replace(network, binary_output=base.binary_output)


def describe_params(params: Params) -> str:
    """A trial's values in words: 'lr 0.0123, 2 layers (32, 8), relu, batch 32'."""
    parts = []
    if "learning_rate" in params:
        parts.append(f"lr {float(params['learning_rate']):.3g}")
    units = [str(params[k]) for k in sorted(params) if k.startswith("units_")]
    if "layers" in params:
        n = int(params["layers"])
        parts.append(
            f"{n} layer{'s' if n != 1 else ''}" + (f" ({', '.join(units)})" if units else "")
        )
    elif units:
        parts.append(f"units {', '.join(units)}")
    if "activation" in params:
        parts.append(str(params["activation"]))
    if "batch_size" in params:
        parts.append(f"batch {params['batch_size']}")
    if "weight_decay" in params:
        parts.append(f"L2 {float(params['weight_decay']):.3g}")
    if "dropout" in params:
        parts.append(f"dropout {float(params['dropout']):.2f}")
    return ", ".join(parts)
