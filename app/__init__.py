"""NN Playground's window: a thin PySide6 client of the engine in `core/`."""
