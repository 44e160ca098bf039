"""The training loop reads values back from the device a few times a second, not every step.

On a GPU each read back (`.item()`, `.tolist()`, `.cpu()`, `float(t)`, `if t:`) waits for every
queued kernel, so a read per step would stall the GPU on every batch (issue 6). The same calls on
the CPU cost nothing but can be counted: this runs on any machine.
"""

from __future__ import annotations

import torch

from core.columns import auto_data_spec
from core.data_spec import ToySource
from core.dataset import prepare_data
from core.events import BatchesEnded, Callback
from core.spec import LayerSpec, NetworkSpec, TrainConfig
from core.toy import make_toy, toy_target
from core.trainer import Trainer

READS = ("item", "tolist", "cpu", "numpy", "__float__", "__int__", "__bool__")


class CountSteps(Callback):
    def __init__(self) -> None:
        self.losses = 0

    def on_train_batch_end(self, event: BatchesEnded) -> None:
        self.losses += len(event.loss)


def test_host_reads_per_step_stay_far_below_one(monkeypatch):
    source = ToySource(name="spiral", samples=2000, noise=0.1, seed=0)
    frame = make_toy(source)
    spec = auto_data_spec(frame, source, toy_target("spiral"), val_fraction=0.2)
    data = prepare_data(spec, frame)
    net = NetworkSpec(layers=(LayerSpec(units=8, activation="tanh"),) * 2)
    config = TrainConfig(epochs=4, batch_size=8, learning_rate=0.01, device="cpu", seed=0)
    steps = CountSteps()
    trainer = Trainer(net, data, config, [steps])

    reads = {name: 0 for name in READS}
    for name in READS:
        original = getattr(torch.Tensor, name)

        def counted(self, *args, _name=name, _original=original, **kwargs):
            reads[_name] += 1
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(torch.Tensor, name, counted)
    trainer.fit()
    monkeypatch.undo()

    assert trainer.step == 4 * 200 == steps.losses  # every step's loss still reached the callback
    # A few reads per epoch (its metrics) and one per ~30 Hz report: far fewer than steps.
    assert sum(reads.values()) <= trainer.step / 10, reads
