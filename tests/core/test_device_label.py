"""The device a run names is the one it uses: a small CPU run says how many threads it trains on."""

from __future__ import annotations

import torch

from core.columns import auto_data_spec
from core.data_spec import ToySource
from core.dataset import prepare_data
from core.device import device_label
from core.events import EventForwarder, TrainStarted
from core.spec import LayerSpec, NetworkSpec, TrainConfig
from core.toy import make_toy
from core.trainer import Trainer


def test_a_small_run_names_the_one_thread_it_trains_on():
    source = ToySource("xor", samples=200, seed=1)
    frame = make_toy(source)
    data = prepare_data(auto_data_spec(frame, source, "label"), frame)
    events: list = []
    network = NetworkSpec(layers=(LayerSpec(units=4, activation="tanh"),))
    trainer = Trainer(network, data, TrainConfig(epochs=1), [EventForwarder(events.append)])
    trainer.fit()
    started = next(e for e in events if isinstance(e, TrainStarted))
    assert trainer.threads == 1  # a step this small runs faster on one thread
    assert started.device_name == "CPU (1 thread)"


def test_without_a_count_the_label_is_torchs_own():
    n = torch.get_num_threads()
    assert device_label(torch.device("cpu")) == f"CPU ({n} thread{'s' if n != 1 else ''})"
    assert device_label(torch.device("cpu"), 4) == "CPU (4 threads)"
