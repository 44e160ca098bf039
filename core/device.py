"""Which device trains: CUDA, then Apple MPS, then CPU, or the user's choice."""

from __future__ import annotations

import torch

from core.errors import SpecError
from core.spec import DeviceChoice

# A device running out of memory: torch.OutOfMemoryError (any device) from torch 2.5; before it,
# the same exception class lived only as torch.cuda.OutOfMemoryError (both exist on CPU builds).
DEVICE_OUT_OF_MEMORY: type[Exception] = getattr(
    torch, "OutOfMemoryError", torch.cuda.OutOfMemoryError
)


def available_devices() -> list[DeviceChoice]:
    """The devices this machine offers, best first, with 'auto' on top."""
    out = [DeviceChoice("auto", f"Automatic ({device_label(resolve_device('auto'))})")]
    if torch.cuda.is_available():
        for i in range(torch.cuda.device_count()):
            out.append(DeviceChoice(f"cuda:{i}", f"{torch.cuda.get_device_name(i)} (cuda:{i})"))
    if _mps_available():
        out.append(DeviceChoice("mps", "Apple GPU (mps)"))
    out.append(DeviceChoice("cpu", f"CPU ({torch.get_num_threads()} threads)"))
    return out


def resolve_device(name: str) -> torch.device:
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda", torch.cuda.current_device())
        if _mps_available():
            return torch.device("mps")
        return torch.device("cpu")
    if name.startswith("cuda"):
        if not torch.cuda.is_available():
            raise SpecError(
                f"device {name!r} was asked for, but this machine has no CUDA GPU; use cpu or auto"
            )
        device = torch.device(name)
        index = device.index or 0
        if index >= torch.cuda.device_count():
            raise SpecError(
                f"there is no {name}: this machine has {torch.cuda.device_count()} GPU(s)"
            )
        return torch.device("cuda", index)
    if name == "mps":
        if not _mps_available():
            raise SpecError(
                "device 'mps' was asked for, but this machine has no Apple GPU; use cpu or auto"
            )
        return torch.device("mps")
    if name == "cpu":
        return torch.device("cpu")
    raise SpecError(f"unknown device {name!r}; choose auto, cpu, cuda or mps")


def device_label(device: torch.device, threads: int | None = None) -> str:
    """'CPU (1 thread)', or the GPU's name; `threads`: those training will use (default: torch's)."""
    if device.type == "cuda":
        return f"{torch.cuda.get_device_name(device)} ({device})"
    if device.type == "mps":
        return "Apple GPU (mps)"
    n = torch.get_num_threads() if threads is None else threads
    return f"CPU ({n} thread{'s' if n != 1 else ''})"


def _mps_available() -> bool:
    backend = getattr(torch.backends, "mps", None)
    return bool(backend is not None and backend.is_available())
