"""torch.optim without importing torch._dynamo, which costs 0.8-2.4 s at the first optimizer.

torch.optim guards its methods against torch.compile: `Optimizer.add_param_group`, `zero_grad`,
`state_dict` and the functional updates (`adam()`, `sgd()`, ...) go through
`torch._disable_dynamo`, whose wrapper imports torch._dynamo on its first call, and `step()` goes
through `_use_grad_for_differentiable`, which imports it on every call. Nothing here compiles,
so "disabled for dynamo" is the same as the plain function: `mark_dynamo_disabled()` fills the
wrapper's own cache (`fn.__dynamo_disable`) with the function itself, and `plain_step()` calls
the undecorated `step` under `no_grad`, as the decorator does when `differentiable` is off.

Both read torch internals. Where they are missing or differ (another torch version), everything
falls back to the public path, which is exact and only slower to start.
"""

from __future__ import annotations

import importlib
import inspect
import sys
from collections.abc import Callable

import torch

# The modules of the optimizers in core.optimizers.OPTIMIZERS, and the base class's.
_OPTIM_MODULES = (
    "torch.optim.optimizer",
    "torch.optim.sgd",
    "torch.optim.adam",
    "torch.optim.adamw",
    "torch.optim.rmsprop",
    "torch.optim.adagrad",
)
_GUARDED_METHODS = ("add_param_group", "zero_grad", "state_dict", "load_state_dict")


def _guarded_functions() -> list[Callable[..., object]]:
    """The functions torch.optim wraps with `torch._disable_dynamo`, unwrapped one level."""
    found = []
    for name in _OPTIM_MODULES:
        module = importlib.import_module(name)
        for value in vars(module).values():
            if inspect.isfunction(value) and value.__module__ == name:
                found.append(value)
            elif inspect.isclass(value) and issubclass(value, torch.optim.Optimizer):
                found.extend(vars(value)[m] for m in _GUARDED_METHODS if m in vars(value))
    unwrapped = (getattr(f, "__wrapped__", None) for f in found)
    return [f for f in unwrapped if inspect.isfunction(f)]


def mark_dynamo_disabled() -> bool:
    """Let torch.optim's guarded functions run without importing torch._dynamo.

    Returns False (and changes nothing) where torch's wrappers are not the ones this knows.
    """
    if "torch._dynamo" in sys.modules:
        return False  # already paid for: the public path costs nothing more
    # The cache attribute torch/_compile.py's wrapper reads before importing torch._dynamo.
    wrapper = getattr(torch.optim.Optimizer.zero_grad, "__code__", None)
    if wrapper is None or "__dynamo_disable" not in wrapper.co_consts:
        return False
    for fn in _guarded_functions():
        if getattr(fn, "__dynamo_disable", None) is None:
            setattr(fn, "__dynamo_disable", fn)
    return True


def plain_step(optimizer: torch.optim.Optimizer) -> Callable[[], None]:
    """`optimizer.step()` without the wrappers that import torch._dynamo on every call.

    The wrappers add a profiler record, step hooks (this app registers none) and graph breaks
    for torch.compile; the update itself is the same function on the same state.
    """
    raw = inspect.unwrap(type(optimizer).step)
    base = sys.modules["torch.optim.optimizer"]
    if (
        raw is type(optimizer).step
        or optimizer.defaults.get("differentiable")
        or getattr(optimizer, "_optimizer_step_pre_hooks", True)
        or getattr(optimizer, "_optimizer_step_post_hooks", True)
        or getattr(base, "_global_optimizer_pre_hooks", True)
        or getattr(base, "_global_optimizer_post_hooks", True)
    ):
        return optimizer.step

    def step() -> None:
        with torch.no_grad():
            raw(optimizer)

    return step
