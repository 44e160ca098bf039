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
