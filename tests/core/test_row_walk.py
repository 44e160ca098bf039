"""WalkRow in the training process's own code (core.training_process.row_walk), in-process:
the row the engine trains on, its inputs and outputs as the engine computes them, and the update
from the optimizer's real state."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest
import torch

from core.data_spec import DataSpec, ToySource
from core.dataset import load_frame, prepare_data
from core.errors import DataError, SpecError
from core.loss_functions import LOSS_FUNCTIONS
from core.spec import LayerSpec, NetworkSpec, TrainConfig
from core.toy import toy_data_spec
from core.trainer import Trainer
from core.training_process.commands import WalkRow
from core.training_process.row_walk import walk

NETWORK = NetworkSpec(
    (LayerSpec(units=6, activation="tanh"), LayerSpec(units=4, activation="relu"))
)


def mixed_trainer(spec: DataSpec, optimizer: str = "adam") -> tuple[Trainer, pd.DataFrame]:
    frame = load_frame(spec.source)
    config = TrainConfig(optimizer=optimizer, epochs=2, batch_size=32, device="cpu", seed=2)
    return Trainer(NETWORK, prepare_data(spec, frame), config), frame


@pytest.mark.parametrize(("target", "task"), [("kind", "classification"), ("price", "regression")])
def test_a_training_row_is_walked_as_the_engine_sees_it(
    mixed_specs, target: str, task: str
) -> None:  # type: ignore[no-untyped-def]
    trainer, frame = mixed_trainer(mixed_specs(target, task))
    trainer.fit()
    data = trainer.data
    # Rows with gaps: the walk imputes them as the preprocessing did.
    gappy = [
        i
        for i, r in enumerate(data.train.rows)
        if frame.iloc[r][["age", "income", "color", "size", "rooms"]].isna().any()
    ]
    index = gappy[0]
    result = walk(WalkRow("train", index, request="r"), trainer, frame)
    w = result.walk
    assert result.request == "r"
    assert (
        w.row
        == f"training row {index + 1} of {len(data.train):,} (data row {data.train.rows[index] + 1})"
    )
    assert any(c.missing for c in w.columns)
    assert {c.column: (c.kind, c.impute) for c in w.columns} == {
        c.name: ("one_hot" if c.kind == "categorical" else c.scaling, c.impute)
        for c in data.spec.features
    }
    np.testing.assert_allclose(w.x, data.train.x[index], rtol=1e-5, atol=1e-6)
    logits = trainer.evaluate_logits(data.train.x[index : index + 1]).numpy()[0]
    np.testing.assert_allclose(w.output.logits, logits, rtol=1e-5, atol=1e-6)
    if task == "classification":
        assert w.output.true == data.class_names[int(data.train.y[index])]
    else:
        assert w.output.true_value == pytest.approx(
            float(frame.iloc[data.train.rows[index]][target])
        )

    # The update starts from the optimizer's own state: Adam's moments after two epochs.
    update = w.updates["adam"]
    assert update.state == "current" and update.params[0].step == trainer.step + 1
    model, optimizer = copy.deepcopy((trainer.model, trainer.optimizer))
    model.eval()
    x = torch.as_tensor(data.train.x[index : index + 1])
    y = trainer.tensors.train_loss_targets[
        torch.as_tensor([list(data.train.rows).index(data.train.rows[index])])
    ]
    loss = LOSS_FUNCTIONS[trainer.loss_name].compute(model(x), y, trainer.head)
    assert w.loss is not None
    assert w.loss.value == pytest.approx(loss.item(), rel=1e-5)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    after = dict(model.named_parameters())
    for p in update.params:
        np.testing.assert_allclose(p.after, after[p.name].detach().numpy(), rtol=1e-5, atol=1e-7)


def test_walks_before_training_by_point_and_by_typed_values(mixed_specs) -> None:  # type: ignore[no-untyped-def]
    trainer, frame = mixed_trainer(mixed_specs("kind", "classification"), "sgd")
    first = walk(WalkRow("val", 0), trainer, frame).walk
    assert first.step == 0 and first.updates["sgd"].state == "fresh"  # momentum, no state yet
    typed = walk(
        WalkRow(
            values=(
                ("age", "31.5"),
                ("income", None),
                ("color", "red"),
                ("size", "M"),
                ("rooms", 2),
            ),
            target="mid",
        ),
        trainer,
        frame,
    ).walk
    age, income, _, _, rooms = typed.columns
    assert age.used == 31.5 and income.missing and rooms.used == "2" and typed.output.true == "mid"
    with pytest.raises(DataError, match=r"'age'.*'old' is not a number"):
        walk(WalkRow(values=(("age", "old"),), target="mid"), trainer, frame)
    with pytest.raises(SpecError, match="no test row 1"):
        walk(WalkRow("test", 0), trainer, frame)


def test_a_point_on_the_plane_walks_the_nearest_row_with_its_computed_features() -> None:
    source = ToySource("spiral", samples=200, seed=3, features=("x1", "x2", "x1_sq", "sin_x2"))
    frame = load_frame(source)
    trainer = Trainer(
        NETWORK, prepare_data(toy_data_spec(source), frame), TrainConfig(device="cpu")
    )
    row = trainer.data.val.rows[3]
    point = (float(frame.x1[row]), float(frame.x2[row]))
    w = walk(WalkRow(point=point, plane=("x1", "x2")), trainer, frame).walk
    assert w.row.startswith("validation row 4 of")
    assert [c.used for c in w.columns][:2] == list(point)
    np.testing.assert_allclose(w.x, trainer.data.val.x[3], rtol=1e-5)
    assert w.columns[2].computed == "x1 * x1"
