"""NN Playground's engine: specs, data, models, training, model files. Never imports Qt."""

__version__ = "0.1.0"
