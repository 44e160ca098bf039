"""The engine with every event on against the shortest correct hand-written PyTorch loop.

Same model (built from the same spec and seed), data, optimizer, batch size, device and thread
count. Runs are interleaved (bare, engine, bare, engine, ...) so machine drift cancels; the ratio
printed is the median of the per-round ratios of steps per second.

    python bench/engine_vs_bare.py [--rows issue2|all|gpu] [--device cpu|cuda] [--rounds 5]
                                   [--table-rows 1000000] [--torch-step] [--health on|off|both]

The bare loop steps with `torch.optim.Adam(fused=True).step()`; the engine calls the same fused
kernel on the same state directly (core/optimizer_steps.py `DirectAdamStep`, tested to give identical
weights), skipping about 30 us of Python per step. `--torch-step` makes the engine use
`optimizer.step()` too, to show how much of the ratio that is.

`--rows gpu --device cuda` is the GPU check of issue 6 in one go: the large network on 100,000
and 1,000,000 rows and the 20-[64,64] network on 1,000,000 rows (target >= 0.9 there).
`--table-rows N` makes every row's table N rows long.

`--health both` runs the engine with its health hints (core.health) on and off in the same
interleaved rounds (bare, on, off, ...) and prints both ratios and on / off: issue 13 asks that
the hints cost no more than 3 %. `--health off` measures the engine without them.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import result

from core.columns import auto_data_spec
from core.cpu_threads import training_threads
from core.data_spec import CsvSource
from core.dataset import PreparedData, prepare_data
from core.events import Callback, EpochEnded
from core.loss_functions import LOSS_FUNCTIONS
from core.model import build_model
from core.optimizer_steps import make_optimizer
from core.spec import LayerSpec, NetworkSpec, TrainConfig
from core.trainer import Trainer


@dataclass(frozen=True)
class Case:
    name: str
    inputs: int
    hidden: tuple[int, ...]
    activation: str
    classes: int
    rows: int
    batch: int
    target: float = 0.95


CASES = {
    "issue2": [
        Case("tiny 2-[8,8]-tanh b32", 2, (8, 8), "tanh", 2, 1000, 32),
        Case("20-[64,64]-relu-10 b256", 20, (64, 64), "relu", 10, 100_000, 256),
    ],
    "all": [
        Case("tiny 2-[8,8]-tanh b10", 2, (8, 8), "tanh", 2, 1000, 10),
        Case("tiny 2-[8,8]-tanh b32", 2, (8, 8), "tanh", 2, 1000, 32),
        Case("20-[64,64]-relu-10 b64", 20, (64, 64), "relu", 10, 100_000, 64),
        Case("20-[64,64]-relu-10 b256", 20, (64, 64), "relu", 10, 100_000, 256),
        Case("20-[64,64]-relu-10 b1024", 20, (64, 64), "relu", 10, 100_000, 1024),
        Case("100-[512x3]-relu-10 b256", 100, (512, 512, 512), "relu", 10, 100_000, 256),
    ],
    "gpu": [
        Case("100-[512x3]-relu-10 b256", 100, (512, 512, 512), "relu", 10, 100_000, 256, 0.9),
        Case("100-[512x3]-relu-10 b256 1M", 100, (512, 512, 512), "relu", 10, 10**6, 256, 0.9),
        Case("20-[64,64]-relu-10 b1024 1M", 20, (64, 64), "relu", 10, 10**6, 1024, 0.9),
    ],
}


def make_data(case: Case) -> PreparedData:
    """A learnable table: the class is the argmax of a fixed random projection of the inputs."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(case.rows, case.inputs)).astype(np.float32)
    w = rng.normal(size=(case.inputs, case.classes))
    frame = pd.DataFrame(x, columns=[f"f{i}" for i in range(case.inputs)])
    frame["label"] = [f"c{k}" for k in (x @ w).argmax(axis=1)]
    spec = auto_data_spec(frame, CsvSource("generated.csv"), "label", val_fraction=0.2)
    return prepare_data(spec, frame)


class CountEvents(Callback):
    """A subscriber that touches every event, as the GUI's process does."""

    def __init__(self) -> None:
        self.steps = 0
        self.epochs = 0

    def on_train_batch_end(self, event) -> None:  # type: ignore[no-untyped-def]
        self.steps += len(event.loss)

    def on_train_epoch_end(self, event: EpochEnded) -> None:
        self.epochs += 1


def engine_run(
    case: Case, data: PreparedData, net: NetworkSpec, cfg: TrainConfig, health: bool = True
) -> float:
    sink = CountEvents()
    trainer = Trainer(net, data, cfg, [sink], health=health)
    trainer.fit()
    assert sink.steps == trainer.step
    return trainer.step / trainer.last_fit_seconds


def bare_run(
    case: Case, data: PreparedData, net: NetworkSpec, cfg: TrainConfig, device: torch.device
) -> float:
    """The shortest correct loop: tensors on the device, one shuffle per epoch, slices."""
    trainer_head = Trainer(net, data, cfg).head  # same head and loss as the engine picks
    model = build_model(net, data.n_inputs, trainer_head, seed=cfg.seed).to(device)
    opt = make_optimizer(model.parameters(), cfg, device)
    loss_fn = LOSS_FUNCTIONS["cross_entropy"].compute
    x = torch.from_numpy(data.train.x).to(device)
    y = torch.from_numpy(data.train.y).to(device)
    n, bs = len(x), cfg.batch_size
    g = torch.Generator().manual_seed(cfg.seed)
    steps = 0
    if device.type == "cuda":
        torch.cuda.synchronize()
    t0 = time.perf_counter()
    for _ in range(cfg.epochs):
        perm = torch.randperm(n, generator=g).to(device)
        xs, ys = x[perm], y[perm]
        for s in range(0, n, bs):
            loss = loss_fn(model(xs[s : s + bs]), ys[s : s + bs], trainer_head)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            steps += 1
    if device.type == "cuda":
        torch.cuda.synchronize()
    return steps / (time.perf_counter() - t0)


def measure(
    case: Case, device: torch.device, rounds: int, seconds: float, health: str = "on"
) -> dict:
    data = make_data(case)
    net = NetworkSpec(
        layers=tuple(LayerSpec(units=h, activation=case.activation) for h in case.hidden),
        binary_output="softmax",
    )
    steps_per_epoch = -(-len(data.train.x) // case.batch)
    threads = training_threads(net.parameter_count(case.inputs, case.classes), case.batch, device)
    torch.set_num_threads(threads)
    probe = TrainConfig(epochs=1, batch_size=case.batch, learning_rate=0.001, device=str(device))
    t = time.perf_counter()
    bare_run(case, data, net, probe, device)  # warm-up, and a measure of the epoch length
    epoch_s = time.perf_counter() - t
    epochs = max(1, round(seconds / max(epoch_s, 1e-3)))
    cfg = TrainConfig(epochs=epochs, batch_size=case.batch, learning_rate=0.001, device=str(device))
    engine_run(case, data, net, cfg, health != "off")  # warm-up
    bare, engine, without = [], [], []
    for _ in range(rounds):
        bare.append(bare_run(case, data, net, cfg, device))
        engine.append(engine_run(case, data, net, cfg, health != "off"))
        if health == "both":
            without.append(engine_run(case, data, net, cfg, health=False))
    ratios = [e / b for e, b in zip(engine, bare, strict=True)]
    extra = {}
    if without:
        off_ratios = [e / b for e, b in zip(without, bare, strict=True)]
        on_off = [e / w for e, w in zip(engine, without, strict=True)]
        extra = {
            "engine_off_steps_per_s": statistics.median(without),
            "ratio_off": statistics.median(off_ratios),
            "on_vs_off": statistics.median(on_off),
            "on_vs_off_rounds": [round(r, 3) for r in on_off],
        }
    return {
        "case": case.name,
        "device": str(device),
        "threads": threads,
        "epochs_per_run": epochs,
        "steps_per_epoch": steps_per_epoch,
        "bare_steps_per_s": statistics.median(bare),
        "engine_steps_per_s": statistics.median(engine),
        "ratio": statistics.median(ratios),
        "ratios": [round(r, 3) for r in ratios],
        "target": case.target,
        "met": statistics.median(ratios) >= case.target,
        "health": health,
        **extra,
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--rows", choices=sorted(CASES), default="all")
    p.add_argument("--device", default="cpu")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--seconds", type=float, default=1.5, help="length of one run")
    p.add_argument("--json", action="store_true", help="print one JSON line per row")
    p.add_argument("--table-rows", type=int, default=0, help="rows of every table (0: per row)")
    p.add_argument("--torch-step", action="store_true", help="engine steps with optimizer.step()")
    p.add_argument(
        "--health",
        choices=("on", "off", "both"),
        default="on",
        help="the engine's health hints: on (as users run it), off, or both side by side",
    )
    ns = p.parse_args(argv)
    if ns.torch_step:
        import core.trainer

        core.trainer.optimizer_step = lambda optimizer: lambda grads: optimizer.step()  # type: ignore[assignment]
    device = torch.device(ns.device)
    step = ", engine with optimizer.step()" if ns.torch_step else ""
    print(
        f"# engine vs bare loop on {device} (torch {torch.__version__}), {ns.rounds} interleaved "
        f"rounds{step}"
    )
    print(
        f"{'case':<28}{'threads':>8}{'bare st/s':>12}{'engine st/s':>13}{'ratio':>8}{'target':>8}  met"
    )
    for case in CASES[ns.rows]:
        if ns.table_rows:
            case = replace(case, rows=ns.table_rows, name=f"{case.name} {ns.table_rows:,} rows")
        r = measure(case, device, ns.rounds, ns.seconds, ns.health)
        print(
            f"{r['case']:<28}{r['threads']:>8}{r['bare_steps_per_s']:>12.0f}{r['engine_steps_per_s']:>13.0f}"
            f"{r['ratio']:>8.3f}{r['target']:>8.2f}  {'yes' if r['met'] else 'NO'}   rounds {r['ratios']}"
        )
        if "on_vs_off" in r:
            print(
                f"{'':<28}health hints off: engine {r['engine_off_steps_per_s']:.0f} st/s, ratio "
                f"{r['ratio_off']:.3f}; on / off {r['on_vs_off']:.3f}   rounds {r['on_vs_off_rounds']}"
            )
            result(
                "engine vs bare loop",
                f"{r['case']} ({device}): health hints on / off",
                r["on_vs_off"],
                "x steps/s",
                ">= 0.97",
                r["on_vs_off"] >= 0.97,
                f"on {r['engine_steps_per_s']:.0f}, off {r['engine_off_steps_per_s']:.0f} steps/s, "
                f"rounds {r['on_vs_off_rounds']}",
            )
        if ns.json:
            print("JSON " + json.dumps(r))
        result(
            "engine vs bare loop",
            f"{r['case']} ({device}{', optimizer.step()' if ns.torch_step else ''})",
            r["ratio"],
            "x steps/s",
            f">= {r['target']}",
            r["met"],
            f"bare {r['bare_steps_per_s']:.0f}, engine {r['engine_steps_per_s']:.0f} steps/s, "
            f"{r['threads']} thread(s), rounds {r['ratios']}",
        )
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
