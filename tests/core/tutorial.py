"""The tutorial's code, written out independently of the engine: the reference every test compares with.

"Implementing Gradient Descent in PyTorch" (machinelearningmastery): the data, the batch loop
and the stochastic loop, with only the bookkeeping needed to compare (what the loops record
and print). Nothing here imports gdviewer.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch


def tutorial_data() -> tuple[torch.Tensor, torch.Tensor]:
    """``torch.manual_seed(42); X = arange(-5, 5, 0.1).view(-1, 1); Y = -5 * X + 0.4 * randn``.

    Run inside ``fork_rng`` so the tests leave the global random state as they found it.
    """
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(42)
        X = torch.arange(-5, 5, 0.1).view(-1, 1)
        Y = -5 * X + 0.4 * torch.randn(X.size())
    return X, Y


def forward(w: torch.Tensor, b: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    return w * x + b


def criterion(y_pred: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return torch.mean((y_pred - y) ** 2)


@dataclass
class Run:
    """What a tutorial loop gives: its loss list, and w, b after each epoch (the printed ones)."""

    losses: list[float]
    w: list[float]
    b: list[float]
    printed_loss: list[float]


def tutorial_batch(X: torch.Tensor, Y: torch.Tensor, step_size: float = 0.1, n_iter: int = 20,
                   w0: float = -10.0, b0: float = -20.0) -> Run:
    """The tutorial's batch gradient descent loop."""
    w = torch.tensor(w0, requires_grad=True)
    b = torch.tensor(b0, requires_grad=True)
    loss_BGD: list[float] = []
    ws, bs, printed = [], [], []
    for _i in range(n_iter):
        Y_pred = forward(w, b, X)
        loss = criterion(Y_pred, Y)
        loss_BGD.append(loss.item())
        loss.backward()
        w.data = w.data - step_size * w.grad.data
        b.data = b.data - step_size * b.grad.data
        w.grad.data.zero_()
        b.grad.data.zero_()
        printed.append(loss.item())
        ws.append(w.item())
        bs.append(b.item())
    return Run(loss_BGD, ws, bs, printed)


def tutorial_sgd(X: torch.Tensor, Y: torch.Tensor, step_size: float = 0.01, n_iter: int = 20,
                 w0: float = -10.0, b0: float = -20.0) -> Run:
    """The tutorial's stochastic gradient descent loop: full-data loss first, then one step per sample."""
    w = torch.tensor(w0, requires_grad=True)
    b = torch.tensor(b0, requires_grad=True)
    loss_SGD: list[float] = []
    ws, bs, printed = [], [], []
    for _i in range(n_iter):
        Y_pred = forward(w, b, X)
        loss_SGD.append(criterion(Y_pred, Y).tolist())
        for x, y in zip(X, Y, strict=True):
            y_hat = forward(w, b, x)
            loss = criterion(y_hat, y)
            loss.backward()
            w.data = w.data - step_size * w.grad.data
            b.data = b.data - step_size * b.grad.data
            w.grad.data.zero_()
            b.grad.data.zero_()
        printed.append(loss.item())
        ws.append(w.item())
        bs.append(b.item())
    return Run(loss_SGD, ws, bs, printed)
