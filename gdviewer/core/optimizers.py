"""Optimisers by name: the tutorial's hand-written update, the torch.optim ones and the
second-order ones (Newton, diagonal preconditioning: ``core/second_order.py``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import torch

from gdviewer.core.config import RunConfig
from gdviewer.core.second_order import DiagonalPreconditionedGD, Newton


class Optimizer(Protocol):
    def zero_grad(self) -> None: ...

    def step(self) -> None: ...


class TutorialGD:
    """The tutorial's update, verbatim: ``p.data = p.data - lr * p.grad.data``, then zero grads."""

    def __init__(self, params: Sequence[torch.Tensor], lr: float) -> None:
        self.params = list(params)
        self.lr = lr

    def zero_grad(self) -> None:
        for p in self.params:
            if p.grad is not None:
                p.grad.data.zero_()

    def step(self) -> None:
        for p in self.params:
            p.data = p.data - self.lr * p.grad.data
        self.zero_grad()


def make_optimizer(config: RunConfig, params: Sequence[torch.Tensor]) -> Optimizer:
    """Build the optimiser ``config.optimizer`` names, with its hyperparameters."""
    params = list(params)
    name = config.optimizer
    if name == "gd":
        return TutorialGD(params, config.lr)
    if name == "sgd":
        return torch.optim.SGD(params, lr=config.lr)
    if name == "momentum":
        return torch.optim.SGD(params, lr=config.lr, momentum=config.momentum)
    if name == "nesterov":
        return torch.optim.SGD(params, lr=config.lr, momentum=config.momentum, nesterov=True)
    if name == "adam":
        return torch.optim.Adam(params, lr=config.lr, betas=(config.beta1, config.beta2), eps=config.eps)
    if name == "rmsprop":
        return torch.optim.RMSprop(params, lr=config.lr, alpha=config.alpha, eps=config.eps)
    if name == "adagrad":
        return torch.optim.Adagrad(params, lr=config.lr, eps=config.eps)
    if name == "newton":
        return Newton(params, lr=config.lr)
    if name == "diagonal":
        return DiagonalPreconditionedGD(params, lr=config.lr)
    raise ValueError(f"unknown optimizer {name!r}")  # validate() catches this first
