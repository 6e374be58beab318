"""The tutorial's model and criterion: y = w·x + b with scalar tensors, and MSE."""

from __future__ import annotations

import torch


class LinearModel:
    """Two trainable scalars, exactly as the tutorial declares them.

    Kept as bare tensors with ``requires_grad=True`` (not an ``nn.Module``) so the
    hand-written update ``w.data = w.data - lr * w.grad.data`` is the tutorial's own.
    """

    def __init__(self, w: float, b: float) -> None:
        self.w = torch.tensor(float(w), requires_grad=True)
        self.b = torch.tensor(float(b), requires_grad=True)

    def parameters(self) -> list[torch.Tensor]:
        return [self.w, self.b]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.w * x + self.b

    __call__ = forward


def _engine_entry():
    """The autograd engine's entry point, as ``torch.autograd.backward`` itself calls it."""
    try:
        from torch.autograd.variable import Variable

        return Variable._execution_engine.run_backward
    except (ImportError, AttributeError):  # a torch without it: use the public call
        return None


_RUN_BACKWARD = _engine_entry()
_ONE = torch.tensor(1.0)


def backward(loss: torch.Tensor) -> None:
    """``loss.backward()`` for a scalar float32 loss, with less Python around it.

    ``Tensor.backward`` normalises its arguments in Python (about 8 µs a call here, 15 % of a
    one-sample step) and then calls the autograd engine with a gradient of 1. This calls the
    engine the same way directly: same graph, same gradients (tested against
    ``loss.backward()``). Falls back to ``loss.backward()`` if the entry point is missing.
    """
    if _RUN_BACKWARD is None or loss.dtype != torch.float32 or loss.ndim != 0:
        loss.backward()
        return
    _RUN_BACKWARD((loss,), (_ONE,), False, False, (), allow_unreachable=True, accumulate_grad=True)


def criterion(y_pred: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Mean squared error, written as in the tutorial."""
    return torch.mean((y_pred - y) ** 2)
