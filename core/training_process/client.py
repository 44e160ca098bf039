"""The window's handle on the training process: spawn it, send it commands, read its messages.

Training runs in a long-lived child process so that the window's plots never share a GIL with
the loop (measured: a QThread next to live plots ran at 0.2-0.7x, bench/bench_window_training.py).
Nothing here imports torch; the child does.
"""

from __future__ import annotations

import importlib
import multiprocessing as mp
import threading
import time
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from core.training_process.commands import Command, Shutdown, Stop
from core.training_process.messages import EngineStarting, Message, ProcessDied, Ready

# The engine that runs in the child, imported there by name: the service imports torch, which the
# window's process never loads (the import-linter contract "the window's process never loads
# torch" checks every import the window's modules can reach, and this one it cannot).
SERVICE_MODULE = "core.training_process.service"


# What the window shows while the child starts: importing the service (torch, pandas) takes
# most of the time, the warm-up (core.training_process.loop_hooks.warm_up) the rest.
START_STAGES = ("loading PyTorch", "warming up")


def child_main(conn: Connection) -> None:
    """Entry point of the training process."""
    conn.send(EngineStarting(START_STAGES[0], 1, len(START_STAGES)))
    importlib.import_module(SERVICE_MODULE).TrainingService(conn).run()


class TrainingProcess:
    """Runs the engine in a child process; every method but `close()` returns at once.

    Call `start()` early (importing torch takes seconds) and keep it for the whole session.
    Commands may be sent from any thread; `poll()` is meant for one thread (the window's
    reader). Poll steadily while training: the child waits when the pipe is full.
    """

    def __init__(self) -> None:
        self._process: BaseProcess | None = None
        self._conn: Connection | None = None
        self._send_lock = threading.Lock()
        self._recv_lock = threading.Lock()
        self._lost = False
        self._died_reported = False
        self._ready = False

    # --- life cycle ---

    def start(self) -> None:
        """Spawn the child if none is running; it sends `Ready` once warmed up."""
        if self._process is not None and self._process.is_alive() and not self._lost:
            return
        self._discard()
        ctx = mp.get_context("spawn")
        parent, child = ctx.Pipe(duplex=True)
        # daemon: the child is terminated if this process exits without close().
        process = ctx.Process(target=child_main, args=(child,), name="nnplay-trainer", daemon=True)
        process.start()
        child.close()  # the child holds its end; closing ours lets EOF reach each side
        self._process, self._conn = process, parent
        self._lost = self._died_reported = self._ready = False

    @property
    def process(self) -> BaseProcess | None:
        return self._process

    def is_alive(self) -> bool:
        return self._process is not None and self._process.is_alive() and not self._lost

    def close(self, timeout: float = 3.0) -> None:
        """Stop training, shut the child down and wait for it (killing it after `timeout`)."""
        process = self._process
        if process is not None and process.is_alive():
            if self._ready:
                self.send(Stop())
                self.send(Shutdown())
                process.join(timeout)
            # Before Ready the child is only importing and warming up: nothing to finish.
            if process.is_alive():
                process.terminate()
                process.join(1.0)
            if process.is_alive():
                process.kill()
                process.join(1.0)
        self._discard()

    def __enter__(self) -> TrainingProcess:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- commands and messages ---

    def send(self, command: Command) -> None:
        """Send a command (core.training_process.commands); its answer comes through poll().

        A command to a process that died is dropped: the next poll() reports ProcessDied.
        """
        conn = self._conn
        if conn is None:
            raise RuntimeError("the training process is not started; call start() first")
        with self._send_lock:
            try:
                conn.send(command)
            except (OSError, ValueError):
                self._lost = True

    def poll(self, timeout: float = 0.0) -> list[Message]:
        """The messages that arrived, waiting up to `timeout` seconds for the first one.

        A child that died is reported once, as `ProcessDied`.
        """
        with self._recv_lock:
            conn, process = self._conn, self._process
            if conn is None or process is None or self._died_reported:
                if timeout > 0:
                    time.sleep(timeout)  # keeps a polling loop from spinning on a dead child
                return []
            out: list[Message] = []
            try:
                ready = conn.poll(timeout)
                while ready:
                    received = conn.recv()
                    out.extend(received if isinstance(received, list) else [received])
                    self._ready = self._ready or any(isinstance(m, Ready) for m in out)
                    ready = conn.poll(0)
            except (EOFError, OSError):
                self._lost = True
            if self._lost or not process.is_alive():
                process.join(0.5)  # the pipe closes just before the process is reaped
                out.append(ProcessDied(process.exitcode))
                self._died_reported = True
            return out

    def _discard(self) -> None:
        if self._conn is not None:
            self._conn.close()
        self._conn, self._process = None, None
