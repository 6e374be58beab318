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


def criterion(y_pred: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Mean squared error, written as in the tutorial."""
    return torch.mean((y_pred - y) ** 2)
