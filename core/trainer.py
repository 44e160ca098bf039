"""The training loop: plain Python and torch, reporting through events, steerable from any thread."""

from __future__ import annotations

import math
import os
import time
from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import torch
from torch import nn

from core.backward import backward, grads_or_zeros, with_penalties
from core.control import TrainingControl
from core.cpu_threads import training_threads
from core.dataset import PreparedData
from core.device import DEVICE_OUT_OF_MEMORY, device_label, resolve_device
from core.early_stopping import EarlyStopping
from core.epoch_metrics import eval_chunk_rows, forward_eval, measure_epoch
from core.errors import SpecError
from core.events import (
    HOOKS,
    BatchesEnded,
    Callback,
    EpochEnded,
    Event,
    HealthChecked,
    HyperparameterChanged,
    TrainEnded,
    TrainPaused,
    TrainResult,
    TrainResumed,
    TrainStarted,
)
from core.health_monitor import HealthMonitor
from core.history import History
from core.layer_activity import ActivityCount
from core.loss_functions import LOSS_FUNCTIONS
from core.losses import Head, make_head, resolve_loss
from core.model import build_model, layer_labels, trainable_layers
from core.optimizer_steps import make_optimizer, optimizer_step
from core.optimizers import Schedule
from core.spec import NetworkSpec, TrainConfig
from core.step_record import StepRecord, first_non_finite
from core.text import plural
from core.training_tensors import drops_single_row_batch, place_data

# Reports go out at most this often (seconds) and hold at most this many steps.
REPORT_INTERVAL = 1 / 30
REPORT_MAX_STEPS = 512
# Health hints (core.health) are always on; NNPLAY_HEALTH=0 turns them off for the benchmarks
# that measure what they cost (bench/engine_vs_bare.py --health both), not for users.
HEALTH_HINTS = os.environ.get("NNPLAY_HEALTH", "1") != "0"


class Trainer:
    """Trains a NetworkSpec on PreparedData with a TrainConfig.

    `fit()` runs on the calling thread until the epochs are done, early stopping triggers, the
    loss diverges or `control.stop()` is called. Calling `fit()` again continues from where it
    ended (weights, optimizer state and counters are kept).
    """

    def __init__(
        self,
        network: NetworkSpec,
        data: PreparedData,
        config: TrainConfig,
        callbacks: Sequence[Callback] = (),
        control: TrainingControl | None = None,
        model: nn.Sequential | None = None,
        health: bool = HEALTH_HINTS,
    ) -> None:
        network.validate()
        config.validate()
        if len(data.train.x) == 0:
            raise SpecError("there are no training rows: lower the validation and test fractions")
        self.network = network
        self.data = data
        self.config = config
        self.callbacks = list(callbacks)
        self.control = control or TrainingControl()
        self.device = resolve_device(config.device)
        self.head: Head = make_head(data.task, len(data.class_names), network.binary_output)
        self.loss_name = resolve_loss(config.loss, data.task, self.head)
        self._loss = LOSS_FUNCTIONS[self.loss_name]
        self.metric = "r2" if data.task == "regression" else "accuracy"
        if model is None:
            model = build_model(network, data.n_inputs, self.head, seed=config.seed)
        self.model = model.to(self.device)
        self.layers = trainable_layers(self.model)
        self.params = [p for ps in self.layers.values() for p in ps]
        self._penalised = [m.weight for m in self.model.modules() if isinstance(m, nn.Linear)]
        self.optimizer = make_optimizer(self.params, config, self.device)
        self._optimizer_step = optimizer_step(self.optimizer)
        self.schedule = Schedule(config)
        self.history = History(metric=self.metric, step_layers=tuple(self.layers))
        self.health = HealthMonitor(network, tuple(self.layers)) if health else None
        self.epoch = 0
        self.step = 0
        self.best_epoch = 0
        self._early = EarlyStopping()
        self.tensors = place_data(data, self.loss_name, self.head, self.device, config.seed)
        self._eval_chunk = eval_chunk_rows(data.n_inputs, self.params)
        self._shuffle = torch.Generator().manual_seed(config.seed)
        self._safe = [p.detach().clone() for p in self.params]
        self.threads = training_threads(
            sum(p.numel() for p in self.params), self.batch_size, self.device
        )
        self.last_fit_seconds = 0.0

    # --- public -------------------------------------------------------------------------------

    @property
    def batch_size(self) -> int:
        n = len(self.tensors.train_inputs)
        return n if self.config.batch_size == 0 else min(self.config.batch_size, n)

    @property
    def steps_per_epoch(self) -> int:
        n, bs = len(self.tensors.train_inputs), self.batch_size
        steps = -(-n // bs)
        if drops_single_row_batch(self.network, len(self.tensors.train_inputs), self.batch_size):
            steps -= 1
        return max(steps, 1)

    def fit(self) -> TrainResult:
        """Train until done or stopped; emits events to the callbacks."""
        cfg = self.config
        self.control.stop_requested = False
        self.control.settle()
        self._emit(
            TrainStarted(
                device=str(self.device),
                device_name=device_label(self.device, self.threads),
                layer_names=tuple(self.layers),
                layer_labels=tuple(self.layer_labels()),
                parameters=sum(p.numel() for p in self.params),
                n_train=len(self.tensors.train_inputs),
                n_val=len(self.tensors.val_inputs),
                batch_size=self.batch_size,
                steps_per_epoch=self.steps_per_epoch,
                epochs=cfg.epochs,
                metric=self.metric,  # type: ignore[arg-type]
                epoch=self.epoch,
                step=self.step,
            )
        )
        if self.health is not None:
            self.health.start_run()
        threads_before = torch.get_num_threads()
        torch.set_num_threads(self.threads)
        self._t0 = time.perf_counter()
        try:
            outcome, reason = self._run()
        except DEVICE_OUT_OF_MEMORY:
            self._restore(self._safe)
            outcome, reason = (
                "failed",
                f"the {self.device} device ran out of memory; try a smaller batch or network",
            )
        finally:
            if self.device.type == "cuda":
                torch.cuda.synchronize(self.device)
            seconds = self.last_fit_seconds = time.perf_counter() - self._t0
            torch.set_num_threads(threads_before)
        self._check_health(self.epoch)  # what the last epochs showed, before the end
        best = (
            self.best_epoch
            if outcome == "finished" and self._early.best_state is not None
            else self.epoch
        )
        self._emit(TrainEnded(outcome, reason, self.epoch, self.step, best))  # type: ignore[arg-type]
        return TrainResult(outcome, reason, self.epoch, self.step, best, seconds)

    def evaluate_logits(self, x: np.ndarray | torch.Tensor) -> torch.Tensor:
        """Model outputs (logits) for preprocessed rows, in evaluation mode, in chunks."""
        xt = torch.as_tensor(x, dtype=torch.float32).to(self.device)
        return forward_eval(self.model, xt, self._eval_chunk)

    # --- the loop -----------------------------------------------------------------------------

    def _run(self) -> tuple[str, str]:
        cfg = self.config
        n, bs = len(self.tensors.train_inputs), self.batch_size
        drop_single = drops_single_row_batch(
            self.network, len(self.tensors.train_inputs), self.batch_size
        )
        record = StepRecord(list(self.layers.values()), REPORT_MAX_STEPS)
        compute, head, params = self._loss.compute, self.head, self.params
        model, control, optimizer_step = self.model, self.control, self._optimizer_step
        clock, tensors = time.perf_counter, self.tensors
        one = torch.ones((), device=self.device)
        penalised, clip = bool(cfg.l1 or cfg.l2), cfg.grad_clip
        self._apply_lr()
        while cfg.epochs == 0 or self.epoch < cfg.epochs:
            epoch = self.epoch + 1
            model.train()
            perm = torch.randperm(n, generator=self._shuffle).to(self.device)
            # One gather per epoch; each batch is then a free slice (a view).
            inputs, targets = tensors.train_inputs[perm], tensors.train_loss_targets[perm]
            epoch_t0 = time.perf_counter()
            self._epoch_losses: list[float] = []
            last_report = epoch_t0
            for start in range(0, n, bs):
                if drop_single and n - start == 1:
                    break  # batch norm cannot train on a single row
                if control.has_requests:
                    ended = self._handle_control(record, epoch)
                    if ended:
                        return ended
                    penalised = bool(self.config.l1 or self.config.l2)
                loss = compute(model(inputs[start : start + bs]), targets[start : start + bs], head)
                # Cheaper than optimizer.zero_grad(), which wraps the same in profiler hooks.
                for p in params:
                    p.grad = None
                objective = (
                    with_penalties(loss, self._penalised, self.config.l1, self.config.l2)
                    if penalised
                    else loss
                )
                backward(objective, one)  # the loss recorded and shown stays the data's own
                grads = [p.grad for p in params]
                if clip:
                    torch.nn.utils.clip_grad_norm_(params, clip, foreach=True)
                # Device scalars (or the gradients themselves), read back once per report.
                record.add(loss, grads_or_zeros(grads, params))
                optimizer_step(grads)
                self.step += 1
                if control.steps_allowed:
                    with control._cond:
                        control.steps_allowed -= 1
                        control.has_requests = True
                    failure = self._report(record, epoch)  # a stepped batch shows at once
                    if failure:
                        return "failed", failure
                elif record.full or clock() - last_report > REPORT_INTERVAL:
                    failure = self._report(record, epoch)
                    if failure:
                        return "failed", failure
                    last_report = clock()
            failure = self._report(record, epoch)
            if failure:
                return "failed", failure
            self.epoch = epoch
            done = self._end_epoch(epoch, time.perf_counter() - epoch_t0)
            if done:
                return done
        return "finished", f"trained {plural(self.epoch, 'epoch', 'epochs')}"

    def _report(self, record: StepRecord, epoch: int) -> str | None:
        """Read the recorded steps back (one host sync), check them, emit them."""
        if not len(record):
            return None
        first_step = self.step - len(record) + 1
        losses, norms = record.read()
        bad = first_non_finite(losses, norms)
        if bad is not None:
            k, became = bad
            step_in_epoch = first_step + k - (epoch - 1) * self.steps_per_epoch
            self._restore(self._safe)
            if k:
                self._emit(BatchesEnded(first_step, epoch, losses[:k], norms[:k]))
            return (
                f"{became} at epoch {epoch} step {step_in_epoch}; "
                f"try a lower learning rate (kept the last finite weights)"
            )
        torch._foreach_copy_(self._safe, [p.detach() for p in self.params])
        self._epoch_losses.extend(losses.tolist())
        self.history.add_steps(first_step, losses, norms)
        if self.health is not None:
            self.health.add_steps(losses, norms)
            if self.health.due_mid_epoch():
                self._check_health(epoch)
        self._emit(BatchesEnded(first_step, epoch, losses, norms))
        return None

    def _handle_control(self, record: StepRecord, epoch: int) -> tuple[str, str] | None:
        """Apply pending requests; block while paused. Returns (outcome, reason) to end the run."""
        control = self.control
        paused_emitted = False
        while True:
            for name, value in control.take_pending().items():
                if name == "learning_rate" and self.health is not None:
                    self.health.learning_rate_changed(self.config.learning_rate, value)
                self.config = replace(self.config, **{name: value})  # type: ignore[arg-type]
                if name in ("learning_rate", "weight_decay"):
                    self._apply_lr()
                self._emit(HyperparameterChanged(self.step, epoch, name, value))
            if control.stop_requested or (control.paused and not paused_emitted):
                failure = self._report(record, epoch)
                if failure:
                    return "failed", failure
            if control.stop_requested:
                return (
                    "stopped",
                    f"stopped by the user at step {self.step}, after {self.epoch} full epochs",
                )
            if control.paused and not control.steps_allowed:
                if not paused_emitted:
                    self._emit(TrainPaused(self.step, epoch))
                    paused_emitted = True
                control.wait_while_paused()
                continue
            if paused_emitted and not control.paused:
                self._emit(TrainResumed(self.step, epoch))
            control.settle()
            if control.steps_allowed:
                control.has_requests = True
            return None

    def _end_epoch(self, epoch: int, seconds: float) -> tuple[str, str] | None:
        cfg = self.config
        self.model.eval()
        n_train, bs = len(self.tensors.train_inputs), self.batch_size
        losses = self._epoch_losses
        sizes = [min(bs, n_train - s) for s in range(0, n_train, bs)][: len(losses)]
        train_loss = float(np.average(losses, weights=sizes)) if losses else math.nan
        health = self.health
        health_due = health is not None and health.due()
        # The layers' activity is counted in the evaluation below only when hints are due.
        activity = (
            ActivityCount(health.watched) if health and health_due and health.watched else None
        )
        train_metric, val_loss, val_metric, shares = measure_epoch(
            self.model,
            self.tensors,
            self._loss,
            self.head,
            self.metric,
            self._eval_chunk,
            self.device,
            activity,
        )
        if len(self.tensors.val_inputs) and not math.isfinite(val_loss):
            self._restore(self._safe)
            return (
                "failed",
                f"the validation loss became {val_loss} at epoch {epoch}; try a lower learning rate",
            )
        lr = self.optimizer.param_groups[0]["lr"]
        event = EpochEnded(
            epoch=epoch,
            step=self.step,
            train_loss=train_loss,
            val_loss=val_loss,
            train_metric=train_metric,
            val_metric=val_metric,
            metric=self.metric,  # type: ignore[arg-type]
            learning_rate=lr,
            samples_per_second=n_train / seconds if seconds > 0 else math.nan,
            elapsed=time.perf_counter() - self._t0,
        )
        self.history.append(event)
        self._emit(event)
        if health is not None:
            health.epoch_ended(train_loss, val_loss, shares)
            if health_due:
                self._check_health(epoch)
        monitored = val_loss if len(self.tensors.val_inputs) else train_loss
        factor_before = self.schedule.factor
        self.schedule.epoch_ended(epoch, monitored)
        if self.schedule.factor != factor_before:
            self._apply_lr()
        if cfg.early_stopping and len(self.tensors.val_inputs):
            stopped = self._early.epoch_ended(epoch, val_loss, self.model, cfg.early_stopping)
            self.best_epoch = self._early.best_epoch
            if stopped:
                return "finished", stopped
        else:
            self.best_epoch = epoch
        return None

    # --- helpers ------------------------------------------------------------------------------

    def _check_health(self, epoch: int) -> None:
        hints = self.health.check() if self.health is not None else None
        if hints is not None:
            self._emit(HealthChecked(self.step, epoch, hints))

    def _apply_lr(self) -> None:
        lr = self.config.learning_rate * self.schedule.factor
        for group in self.optimizer.param_groups:
            group["lr"] = lr
            if "weight_decay" in group:
                group["weight_decay"] = self.config.weight_decay

    def _restore(self, saved: list[torch.Tensor]) -> None:
        with torch.no_grad():
            torch._foreach_copy_([p.data for p in self.params], saved)

    def layer_labels(self) -> list[str]:
        return layer_labels(self.network, self.layers)

    def _emit(self, event: Event) -> None:
        hook = HOOKS[type(event)]
        for cb in self.callbacks:
            getattr(cb, hook)(event)
