"""`nnplay`'s exit codes: what a script that calls it can tell apart."""

EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 1
EXIT_TRAINING_FAILED = 1  # valid input, but training diverged: scripts must notice
