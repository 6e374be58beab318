"""Section 1: the trainer (recording every step) against the tutorial's bare loops."""

from __future__ import annotations

import time

import torch

from gdviewer.bench.results import Figure
from gdviewer.core import RunConfig, synthetic, train


def tutorial_sgd(X: torch.Tensor, Y: torch.Tensor, epochs: int, lr: float) -> float:
    """The tutorial's stochastic loop, nothing recorded; returns steps/s."""
    w = torch.tensor(-10.0, requires_grad=True)
    b = torch.tensor(-20.0, requires_grad=True)
    start = time.perf_counter()
    for _ in range(epochs):
        for x, y in zip(X, Y, strict=True):
            loss = torch.mean((w * x + b - y) ** 2)
            loss.backward()
            w.data = w.data - lr * w.grad.data
            b.data = b.data - lr * b.grad.data
            w.grad.data.zero_()
            b.grad.data.zero_()
    return epochs * X.shape[0] / (time.perf_counter() - start)


def bare_adam(X: torch.Tensor, Y: torch.Tensor, epochs: int, lr: float) -> float:
    """A plain torch.optim.Adam per-sample loop, nothing recorded; returns steps/s."""
    w = torch.tensor(-10.0, requires_grad=True)
    b = torch.tensor(-20.0, requires_grad=True)
    opt = torch.optim.Adam([w, b], lr=lr)
    start = time.perf_counter()
    for _ in range(epochs):
        for x, y in zip(X, Y, strict=True):
            opt.zero_grad()
            loss = torch.mean((w * x + b - y) ** 2)
            loss.backward()
            opt.step()
    return epochs * X.shape[0] / (time.perf_counter() - start)


def trainer_rate(config: RunConfig) -> float:
    dataset = synthetic()
    start = time.perf_counter()
    history, _ = train(dataset, config)
    return len(history) / (time.perf_counter() - start)


def run(quick: bool) -> list[Figure]:
    torch.set_num_threads(1)
    epochs = 50 if quick else 200
    repeats = 2 if quick else 4
    ds = synthetic()
    sgd = RunConfig(algorithm="stochastic", lr=0.01, epochs=epochs)
    adam = RunConfig(algorithm="stochastic", optimizer="adam", lr=0.01, epochs=epochs)
    best = {"tutorial": 0.0, "ours": 0.0, "adam": 0.0, "ours_adam": 0.0}
    for _ in range(repeats):  # interleaved, best of each
        best["tutorial"] = max(best["tutorial"], tutorial_sgd(ds.X, ds.Y, epochs, 0.01))
        best["ours"] = max(best["ours"], trainer_rate(sgd))
        best["adam"] = max(best["adam"], bare_adam(ds.X, ds.Y, epochs, 0.01))
        best["ours_adam"] = max(best["ours_adam"], trainer_rate(adam))
    steps = epochs * ds.n
    return [
        Figure("engine", "SGD: trainer / tutorial loop", best["ours"] / best["tutorial"], "x", ">= 1.0",
               f"{best['ours']:,.0f} vs {best['tutorial']:,.0f} steps/s, {steps:,} steps, every step recorded"),
        Figure("engine", "Adam: trainer / bare torch.optim loop", best["ours_adam"] / best["adam"], "x", ">= 1.0",
               f"{best['ours_adam']:,.0f} vs {best['adam']:,.0f} steps/s"),
    ]
