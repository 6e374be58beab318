"""gdviewer: watch gradient descent train a PyTorch model, live."""

__version__ = "0.1.0"
