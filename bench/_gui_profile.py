"""Where the GUI thread's time goes while the window trains: ms per second, per item.

Times are the GUI thread's CPU time (time.thread_time), so other processes on the machine do not
inflate them.

Wall-clock lateness percentiles swing with whatever else runs on the machine; the GUI thread's own
work per second of training does not, so that is what a change to the plots is judged by. Methods
are timed by patching them on their classes before the window is built (signals then connect to
the timed versions); paint events are timed per view.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable


class GuiProfile:
    def __init__(self) -> None:
        self.seconds: defaultdict[str, float] = defaultdict(float)
        self.calls: Counter[str] = Counter()
        self.longest: defaultdict[str, float] = defaultdict(float)
        self.paints: Counter[str] = Counter()  # paint events per widget class, any widget
        self.view_names: dict[int, str] = {}  # id(view) -> name, for the views' paint time
        self._restore: list[tuple[type, str, object]] = []
        self._cpu0 = self._wall0 = 0.0
        self.cpu_s = self.wall_s = 0.0
        self._filter = None
        self._gc0 = 0.0

    def time_method(self, cls: type, name: str, label: str) -> None:
        """Time every call of `cls.name` under `label` (patches the class)."""
        original = cls.__dict__.get(name) or getattr(cls, name)
        seconds, calls, longest, clock = self.seconds, self.calls, self.longest, time.thread_time

        def timed(self_, *args, **kwargs):  # type: ignore[no-untyped-def]
            t = clock()
            try:
                return original(self_, *args, **kwargs)
            finally:
                took = clock() - t
                seconds[label] += took
                calls[label] += 1
                longest[label] = max(longest[label], took)

        self._restore.append((cls, name, cls.__dict__.get(name)))
        setattr(cls, name, timed)

    def time_paint(self, cls: type) -> None:
        """Time `cls.paintEvent` per instance named in `view_names` (others: "paint: other")."""
        original = cls.paintEvent
        seconds, calls, longest, clock = self.seconds, self.calls, self.longest, time.thread_time
        names = self.view_names

        def paintEvent(self_, event):  # type: ignore[no-untyped-def]
            t = clock()
            try:
                return original(self_, event)
            finally:
                took = clock() - t
                label = "paint: " + names.get(id(self_), type(self_).__name__)
                seconds[label] += took
                calls[label] += 1
                longest[label] = max(longest[label], took)

        self._restore.append((cls, "paintEvent", cls.__dict__.get("paintEvent")))
        cls.paintEvent = paintEvent  # type: ignore[attr-defined]

    def count_paints(self, app: object) -> None:
        from PySide6.QtCore import QEvent, QObject

        paints = self.paints

        class _Counter(QObject):
            def eventFilter(self, watched: QObject, event: QEvent) -> bool:
                if event.type() == QEvent.Type.Paint:
                    paints[type(watched).__name__] += 1
                return False

        self._filter = _Counter()
        app.installEventFilter(self._filter)  # type: ignore[attr-defined]

    def start(self) -> None:
        """Measure from now (again: the figures add up over start/stop pairs)."""
        import gc

        self._cpu0, self._wall0 = time.thread_time(), time.perf_counter()
        if self._on_gc not in gc.callbacks:
            gc.callbacks.append(self._on_gc)

    def stop(self) -> None:
        import gc

        self.cpu_s += time.thread_time() - self._cpu0
        self.wall_s += time.perf_counter() - self._wall0
        if self._on_gc in gc.callbacks:
            gc.callbacks.remove(self._on_gc)

    def _on_gc(self, phase: str, info: dict[str, int]) -> None:
        # Python's collector stops the thread that triggered it: a stall no paint timing shows.
        if phase == "start":
            self._gc0 = time.perf_counter()
            return
        took = time.perf_counter() - self._gc0
        label = f"garbage collection (generation {info.get('generation')})"
        self.seconds[label] += took
        self.calls[label] += 1
        self.longest[label] = max(self.longest[label], took)

    def undo(self) -> None:
        for cls, name, original in reversed(self._restore):
            if original is None:
                delattr(cls, name)
            else:
                setattr(cls, name, original)
        self._restore.clear()

    def report(self, print_: Callable[[str], None] = print) -> None:
        per_s = 1000 / max(self.wall_s, 1e-9)
        print_(
            f"  GUI thread CPU {self.cpu_s * per_s:6.1f} ms/s over {self.wall_s:.0f} s "
            "(everything the GUI thread did)"
        )
        for label, s in sorted(self.seconds.items(), key=lambda kv: -kv[1]):
            n = self.calls[label]
            print_(
                f"  {label:<34} {s * per_s:6.1f} ms/s  {n / self.wall_s:6.1f} calls/s  "
                f"{1000 * s / max(n, 1):6.2f} ms/call, longest {1000 * self.longest[label]:5.1f} ms"
            )
        top = ", ".join(f"{k} {v / self.wall_s:.0f}/s" for k, v in self.paints.most_common(8))
        print_(f"  paint events: {top}")
