"""Errors meant for a person: each message says what is wrong and where (file, row, column)."""


class NNPlayError(Exception):
    """Base of every error whose message is shown to the user as it is."""


class SpecError(NNPlayError, ValueError):
    """A network, data or training setting that cannot work."""


class DataError(NNPlayError, ValueError):
    """A data file or table that cannot be used as it is."""


class ModelFileError(NNPlayError, ValueError):
    """A file that is not a valid NN Playground model or project."""


class TrainingError(NNPlayError, RuntimeError):
    """Training could not go on (divergence, device failure)."""


def describe_error(exc: BaseException, out_of_memory: str = "out of memory") -> str:
    """A sentence for the user: our own errors as they are, a system error as the system says
    it (with the file it names), others with their type. The app's one such helper: the window's
    background jobs and the training process both use it."""
    if isinstance(exc, NNPlayError):
        return str(exc)
    if isinstance(exc, MemoryError):
        return out_of_memory
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.strerror}: {exc.filename}" if exc.filename else exc.strerror
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
