"""Second-order steps: Newton's method and diagonal (Jacobi) preconditioning, as torch.optim optimisers.

Why they are here: gradient descent's step −lr·∇L is long where the valley is steep and short
where it is flat, so on a stretched valley it zig-zags across and crawls along. Dividing the
gradient by the curvature (the Hessian H = ∇²L) undoes the stretching. The loss of
y = w·x + b is quadratic, so its Hessian is constant and Newton's step with lr = 1 lands on the
batch loss's minimum in one step; the diagonal variant divides by the curvature along each axis
only, which rescales the axes but cannot turn a tilted valley (x not centred) round.

Both take the Hessian from torch: the optimiser's ``step(closure)`` evaluates the batch loss
again (the torch.optim idiom for an optimiser that needs the loss, as ``LBFGS`` does) and
differentiates its gradient once more (double backward). The code export copies these classes
into the script verbatim (``inspect.getsource``), so the classes use nothing but torch and keep
their settings as class attributes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import torch


class SecondOrderOptimizer(torch.optim.Optimizer):
    """θ ← θ − lr·d, where d is the gradient divided by the batch loss's curvature.

    ``step(closure)``: ``closure()`` recomputes the batch loss with its graph (no backward).
    The gradient is the parameters' ``.grad``, as the caller's ``loss.backward()`` left it
    (what every torch.optim optimiser steps on; the closure's own gradient if a ``.grad`` is
    missing). The Hessian is the derivative of the closure's gradient, by torch.

    The parameters are tensors of one shape, and element k of each belongs to problem k: one
    model has 0-d tensors w and b (one 2×2 Hessian), the learning-rate sweep trains K models as
    K-vectors (K independent 2×2 Hessians; the loss is the sum of theirs, so differentiating
    the summed gradient gives each model's own second derivatives). Subclasses say how the
    gradient is divided (:meth:`precondition`).
    """

    def __init__(self, params: Iterable[torch.Tensor], lr: float = 1.0) -> None:
        if not lr > 0:
            raise ValueError(f"learning rate must be above 0, got {lr}")
        super().__init__(params, {"lr": lr})

    def curvature(self, closure: Callable[[], torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
        """The gradient, shape (…, n), and the Hessian, shape (…, n, n), of the batch loss."""
        params = [p for group in self.param_groups for p in group["params"]]
        with torch.enable_grad():
            loss = closure()
            grads = torch.autograd.grad(loss, params, create_graph=True)
            rows = []
            for i, g in enumerate(grads):
                if not g.requires_grad:  # the gradient does not depend on the parameters: no curvature
                    rows.append(torch.stack([torch.zeros_like(p) for p in params], -1))
                    continue
                row = torch.autograd.grad(g.sum(), params, retain_graph=i < len(grads) - 1, allow_unused=True)
                rows.append(torch.stack([torch.zeros_like(p) if r is None else r for p, r in
                                         zip(params, row, strict=True)], -1))
        hessian = torch.stack(rows, -2)
        gradient = torch.stack([(p.grad if p.grad is not None else g).detach()
                                for p, g in zip(params, grads, strict=True)], -1)
        return gradient, hessian.detach()

    def precondition(self, gradient: torch.Tensor, hessian: torch.Tensor) -> torch.Tensor:
        """The step direction d (shape of ``gradient``); the step is −lr·d."""
        raise NotImplementedError

    def direction(self, closure: Callable[[], torch.Tensor]) -> list[torch.Tensor]:
        """Each parameter's step direction, without stepping (the sweep scales it per model)."""
        return list(self.precondition(*self.curvature(closure)).unbind(-1))

    @torch.no_grad()
    def step(self, closure: Callable[[], torch.Tensor] | None = None) -> None:
        """One step θ ← θ − lr·d on the batch loss ``closure`` returns."""
        if closure is None:
            raise RuntimeError(f"{type(self).__name__} needs the batch loss again: call step(closure), "
                               "where closure() recomputes the loss")
        directions = iter(self.direction(closure))
        for group in self.param_groups:
            lr = group["lr"]
            for p in group["params"]:
                p.sub_(lr * next(directions))


class Newton(SecondOrderOptimizer):
    """Newton's method: d = H⁺·g, the gradient divided by the whole curvature.

    On a quadratic loss the gradient is g = H·(θ − θ*), so with lr = 1 the step lands on the
    batch loss's minimum θ*, and with any lr it multiplies the distance to it by (1 − lr): the
    step is stable for 0 < lr < 2, whatever the valley's shape.

    H⁺ is the pseudo-inverse: H⁻¹ when the batch's curvature is non-zero in every direction.
    One sample's loss (w·x + b − y)² is flat along a whole line of (w, b) — every fit through
    that sample is perfect — so its Hessian 2·[x, 1]ᵀ[x, 1] is singular. The pseudo-inverse
    then takes the shortest step to that line: with lr = 1 the fit passes exactly through the
    sample, the next sample pulls it to its own line, and stochastic Newton keeps jumping from
    sample to sample (it is the Kaczmarz method) instead of settling; lr < 1 averages the jumps.
    Curvatures below ``rtol`` times the largest are treated as flat (nothing is stepped along
    them): float32 cannot tell them from rounding noise. The 2×2 solve is done in float64 so
    that it adds no error to torch's float32 gradient and Hessian. Never NaN for finite inputs.
    """

    #: Curvatures below this fraction of the largest count as zero (see the class docstring).
    rtol = 1e-6

    def precondition(self, gradient: torch.Tensor, hessian: torch.Tensor) -> torch.Tensor:
        # autograd forms ∂²L/∂w∂b and ∂²L/∂b∂w along different routes: symmetric up to rounding
        h = (hessian + hessian.transpose(-1, -2)).double() / 2
        step = torch.linalg.pinv(h, rtol=self.rtol, hermitian=True) @ gradient.double().unsqueeze(-1)
        return step.squeeze(-1).to(gradient.dtype)


class DiagonalPreconditionedGD(SecondOrderOptimizer):
    """Diagonal (Jacobi) preconditioning: dᵢ = gᵢ / Hᵢᵢ, each gradient divided by its own axis's curvature.

    It rescales w and b so that the valley is equally steep along both axes, which fixes the
    stretching when the valley's axes are w and b (x centred: then it is Newton). It cannot
    turn a tilted valley: when x̄ ≠ 0, w and b are coupled (H has off-diagonal x̄) and the
    rescaled valley is still elongated, with curvatures 1 ± |x̄|/√(mean x²). A parameter the
    batch loss does not bend along (Hᵢᵢ = 0: w when every x in the batch is 0) is not moved.

    On small batches no learning rate is safe in general, and that is a lesson too: each batch
    rescales w by its own curvature 2·mean x², so a batch whose x are near 0 (but not 0) takes a
    huge step in w that throws every other sample off. Newton's step has no such problem: on one
    sample it is the shortest step to that sample's best fits.
    """

    def precondition(self, gradient: torch.Tensor, hessian: torch.Tensor) -> torch.Tensor:
        diagonal = torch.diagonal(hessian, dim1=-2, dim2=-1)
        return torch.where(diagonal > 0, gradient / diagonal, torch.zeros_like(gradient))
