"""The optimizer race: copies of one network, one per optimizer, trained from the same weights on
the same batches in the same order; then the training loss over the plane of their paths.

The copies are the trainer's network, never its model: the user's weights, optimizer and random
state are as they were when the race ends (torch's global generator is forked, so dropout in
the copies does not change what the user's next training draws). The maths of the plane is in
`core.loss_plane` (numpy only).
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn
from torch.nn.utils import parameters_to_vector, vector_to_parameters

from core.loss_functions import LOSS_FUNCTIONS
from core.loss_plane import (
    PathPlane,
    grid_coordinates,
    map_extent,
    principal_plane,
    recorded_steps,
    surface_grid_size,
)
from core.model import build_model
from core.optimizer_steps import make_optimizer, optimizer_step
from core.race_spec import (
    SURFACE_BUDGET,
    SURFACE_GRID,
    SURFACE_MIN_GRID,
    SURFACE_ROWS,
    RaceEntry,
    RaceRecord,
    check_race,
)
from core.trainer import Trainer

# Progress goes out after each chunk: at most this many chunks a race, at least this often.
MAX_CHUNKS = 60
CHUNK_SECONDS = 0.15
# A provisional plane is fitted for the progress only while it is this cheap (points x weights).
LIVE_PLANE_COST = 2e7
LIVE_PATH_POINTS = 40  # points of each path the live plane is fitted to and drawn with


@dataclass(frozen=True, eq=False)
class RaceStatus:
    """Where the race is: each copy's losses so far and its path on the plane fitted so far."""

    step: int
    losses: tuple[np.ndarray, ...]  # float32 per copy: the losses since the last status
    paths: tuple[np.ndarray, ...]  # float32 [points, 2] per copy; empty when too costly
    variance_share: float


@dataclass(frozen=True, eq=False)
class RaceSurface:
    """The training loss over the plane of the paths (grid [y, x], row 0 at y min)."""

    paths: tuple[np.ndarray, ...]  # float32 [points, 2] per copy, the start at (0, 0)
    path_steps: tuple[np.ndarray, ...]  # int64: the step of each path point
    variance_share: float
    direction_shares: tuple[float, float]
    extent: tuple[float, float, float, float]
    loss: np.ndarray  # float32 [grid, grid]; NaN where the loss is not finite
    rows: int  # the training rows the loss is measured on


@dataclass(frozen=True, eq=False)
class RaceOutcome:
    records: tuple[RaceRecord, ...]
    surface: RaceSurface | None  # None when the race was stopped
    seconds: float


@dataclass(eq=False)
class _Copy:
    entry: RaceEntry
    model: nn.Module
    params: list[torch.Tensor]
    step: Callable[[list[torch.Tensor | None]], None]
    shuffle: torch.Generator
    points: list[np.ndarray] = field(default_factory=list)
    point_steps: list[int] = field(default_factory=list)
    losses: list[np.ndarray] = field(default_factory=list)
    perm: torch.Tensor | None = None
    sent: int = 0  # how many of `losses` (chunks) a status has carried
    outcome: str = "finished"
    reason: str = ""


def race(
    trainer: Trainer,
    entries: tuple[RaceEntry, ...],
    steps: int,
    from_current: bool,
    report: Callable[[RaceStatus], None],
    cancelled: Callable[[], bool],
) -> RaceOutcome:
    """Train one copy of `trainer`'s network per entry for `steps` steps (from its current
    weights, or the fresh ones its seed gives), reporting after each chunk of steps; then the
    loss surface, unless `cancelled()` turned true on the way."""
    check_race(entries, steps)
    t0 = time.perf_counter()
    devices = [trainer.device] if trainer.device.type == "cuda" else []
    threads_before = torch.get_num_threads()
    torch.set_num_threads(trainer.threads)
    try:
        with torch.random.fork_rng(devices=devices):
            start = _start_model(trainer, from_current)
            copies = [_make_copy(trainer, start, e) for e in entries]
            origin = _flat(copies[0].params)
            keep = recorded_steps(steps, origin.size, len(copies))
            for c in copies:
                c.points.append(origin)
                c.point_steps.append(0)
            stopped = _train(trainer, copies, steps, set(keep.tolist()), origin, report, cancelled)
            surface = None
            if not stopped:
                surface = _surface(trainer, start, copies, origin, cancelled)
    finally:
        torch.set_num_threads(threads_before)
    records = tuple(
        RaceRecord(
            c.entry,
            np.concatenate(c.losses) if c.losses else np.zeros(0, np.float32),
            "stopped" if stopped and c.outcome == "finished" else c.outcome,
            c.reason,
            c.entry.settings(),
        )
        for c in copies
    )
    return RaceOutcome(records, surface, time.perf_counter() - t0)


def _start_model(trainer: Trainer, from_current: bool) -> nn.Module:
    if from_current:
        return copy.deepcopy(trainer.model)
    model = build_model(
        trainer.network, trainer.data.n_inputs, trainer.head, seed=trainer.config.seed
    )
    return model.to(trainer.device)


def _make_copy(trainer: Trainer, start: nn.Module, entry: RaceEntry) -> _Copy:
    model = copy.deepcopy(start)
    model.train()
    params = [p for p in model.parameters() if p.requires_grad]
    # The optimizer alone differs: no weight decay, penalties, clipping or schedule.
    optimizer = make_optimizer(params, entry.train_config(trainer.config), trainer.device)
    shuffle = torch.Generator().manual_seed(trainer.config.seed)
    return _Copy(entry, model, list(params), optimizer_step(optimizer), shuffle)


def _flat(params: list[torch.Tensor]) -> np.ndarray:
    # A host sync: once per recorded point (at most loss_plane.MAX_PATH_POINTS a copy).
    return parameters_to_vector([p.detach() for p in params]).cpu().numpy().astype(np.float64)


def _train(
    trainer: Trainer,
    copies: list[_Copy],
    steps: int,
    keep: set[int],
    origin: np.ndarray,
    report: Callable[[RaceStatus], None],
    cancelled: Callable[[], bool],
) -> bool:
    """Train the copies chunk by chunk, each copy in turn; True when cancelled."""
    chunk = max(1, -(-steps // MAX_CHUNKS))
    done = 0
    while done < steps:
        t_chunk = time.perf_counter()
        end = min(steps, done + chunk)
        for c in copies:
            if c.outcome == "finished" and _train_copy(trainer, c, done, end, keep, cancelled):
                return True
        done = end
        report(_status(copies, done, origin))
        # Progress a few times a second: larger chunks when each is quick, smaller when slow.
        seconds = time.perf_counter() - t_chunk
        if seconds < CHUNK_SECONDS / 4 and chunk < steps:
            chunk *= 2
        elif seconds > 4 * CHUNK_SECONDS and chunk > 1:
            chunk //= 2
    return False


def _train_copy(
    trainer: Trainer,
    c: _Copy,
    first: int,
    end: int,
    keep: set[int],
    cancelled: Callable[[], bool],
) -> bool:
    """Steps first + 1 ... end of copy `c`; True when cancelled on the way."""
    tensors, head = trainer.tensors, trainer.head
    compute = LOSS_FUNCTIONS[trainer.loss_name].compute
    n, bs, per_epoch = len(tensors.train_inputs), trainer.batch_size, trainer.steps_per_epoch
    losses: list[torch.Tensor] = []
    stopped = False
    for step in range(first, end):
        if cancelled():  # an Event's flag: cheap beside a step
            stopped = True
            break
        k = step % per_epoch
        if k == 0 or c.perm is None:
            c.perm = torch.randperm(n, generator=c.shuffle).to(trainer.device)
        rows = c.perm[k * bs : (k + 1) * bs]
        loss = compute(c.model(tensors.train_inputs[rows]), tensors.train_loss_targets[rows], head)
        for p in c.params:
            p.grad = None
        loss.backward()
        c.step([p.grad for p in c.params])
        losses.append(loss.detach())
        if step + 1 in keep:
            c.points.append(_flat(c.params))
            c.point_steps.append(step + 1)
    if losses:
        # One host sync per copy and chunk.
        _keep_finite(c, torch.stack(losses).float().cpu().numpy(), first)
    return stopped


def _keep_finite(c: _Copy, losses: np.ndarray, first: int) -> None:
    """Append `losses` (steps first, first + 1, ...); a copy whose loss or weights stopped being
    finite ends there (diverged), its path at its last finite point."""
    bad = ~np.isfinite(losses)
    if not bad.any():
        c.losses.append(losses)
        finite = np.isfinite(c.points[-1]).all()
        if finite:
            return
        k = len(losses)
    else:
        k = int(np.argmax(bad))
        c.losses.append(losses[:k])
    c.outcome = "diverged"
    c.reason = f"its loss became NaN or infinite at step {first + k + 1}: try a lower learning rate"
    last = first + k
    while len(c.points) > 1 and (c.point_steps[-1] > last or not np.isfinite(c.points[-1]).all()):
        c.points.pop()
        c.point_steps.pop()


def _status(copies: list[_Copy], step: int, origin: np.ndarray) -> RaceStatus:
    fresh = []
    for c in copies:
        new = c.losses[c.sent :]
        fresh.append(np.concatenate(new) if new else np.zeros(0, np.float32))
        c.sent = len(c.losses)
    paths: tuple[np.ndarray, ...] = ()
    share = float("nan")
    # The live plane is fitted to a few points of each path: it is fitted after every chunk.
    points = [_thin(np.array(c.points), LIVE_PATH_POINTS) for c in copies]
    if sum(len(p) for p in points) * origin.size <= LIVE_PLANE_COST:
        fitted = [_fits(c, copies) for c in copies]
        plane = principal_plane(points, origin, fitted, _eigh)
        paths = tuple(p.astype(np.float32) for p in plane.paths)
        share = plane.variance_share
    return RaceStatus(step, tuple(fresh), paths, share)


def _thin(points: np.ndarray, most: int) -> np.ndarray:
    """At most `most` of `points`, evenly spread, the first and the last kept."""
    if len(points) <= most:
        return points
    return points[np.unique(np.round(np.linspace(0, len(points) - 1, most)).astype(int))]


def _fits(c: _Copy, copies: list[_Copy]) -> bool:
    """Whether `c`'s path shapes the plane and the map: a diverged one only when all diverged."""
    return c.outcome != "diverged" or all(o.outcome == "diverged" for o in copies)


def _plane(copies: list[_Copy], origin: np.ndarray) -> PathPlane:
    fitted = [_fits(c, copies) for c in copies]
    return principal_plane([np.array(c.points) for c in copies], origin, fitted, _eigh)


def _eigh(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """numpy.linalg.eigh by torch, on the threads torch is set to (loss_plane says why)."""
    values, vectors = torch.linalg.eigh(torch.from_numpy(matrix))
    return values.numpy(), vectors.numpy()


def _surface(
    trainer: Trainer,
    start: nn.Module,
    copies: list[_Copy],
    origin: np.ndarray,
    cancelled: Callable[[], bool],
) -> RaceSurface | None:
    """The training loss on a grid over the paths' plane, on at most SURFACE_ROWS rows."""
    plane = _plane(copies, origin)
    extent = map_extent([p for p, c in zip(plane.paths, copies, strict=True) if _fits(c, copies)])
    tensors = trainer.tensors
    n = len(tensors.train_inputs)
    g = torch.Generator().manual_seed(trainer.config.seed + 2)
    rows = torch.randperm(n, generator=g)[: min(n, SURFACE_ROWS)].to(trainer.device)
    inputs, targets = tensors.train_inputs[rows], tensors.train_loss_targets[rows]
    size = surface_grid_size(origin.size, len(rows), SURFACE_GRID, SURFACE_MIN_GRID, SURFACE_BUDGET)
    ab = grid_coordinates(extent, size)
    model = copy.deepcopy(start)
    model.eval()  # dropout off, batch norm at the start's statistics: one answer per point
    params = [p for p in model.parameters() if p.requires_grad]
    compute = LOSS_FUNCTIONS[trainer.loss_name].compute
    device = trainer.device
    base = torch.as_tensor(origin, dtype=torch.float32, device=device)
    d = torch.as_tensor(plane.directions, dtype=torch.float32, device=device)
    coords = torch.as_tensor(ab, dtype=torch.float32, device=device)
    values = torch.empty(len(ab), device=device)
    with torch.no_grad():
        for i in range(len(ab)):
            if i % size == 0 and cancelled():
                return None
            vector_to_parameters(base + coords[i] @ d, params)
            values[i] = compute(model(inputs), targets, trainer.head)
    loss = values.reshape(size, size).float().cpu().numpy()
    loss[~np.isfinite(loss)] = np.nan
    return RaceSurface(
        paths=tuple(p.astype(np.float32) for p in plane.paths),
        path_steps=tuple(np.array(c.point_steps, dtype=np.int64) for c in copies),
        variance_share=plane.variance_share,
        direction_shares=plane.direction_shares,
        extent=extent,
        loss=loss,
        rows=len(rows),
    )
