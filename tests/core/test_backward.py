"""model.backward is loss.backward(), only faster: the same gradients bit for bit, the same accumulation,
the same errors, and loss.backward() itself whenever the fast path does not apply."""

from __future__ import annotations

import pytest
import torch

from gdviewer.core import model as model_module
from gdviewer.core.model import LinearModel, backward, criterion

from .tutorial import tutorial_data


def params(w: float = -10.0, b: float = -20.0, dtype: torch.dtype = torch.float32) -> tuple[torch.Tensor, ...]:
    return (torch.tensor(w, dtype=dtype, requires_grad=True), torch.tensor(b, dtype=dtype, requires_grad=True))


def mse(w, b, x, y):
    """The tutorial's forward and criterion, written here (not gdviewer's)."""
    return torch.mean((w * x + b - y) ** 2)


def grads_with(call, loss_fn, **kw) -> tuple[torch.Tensor, torch.Tensor]:
    """Gradients of w and b after ``call(loss)`` on a fresh pair of parameters."""
    w, b = params(**kw)
    call(loss_fn(w, b))
    return w.grad, b.grad


def reference(loss):
    loss.backward()


X, Y = tutorial_data()
PERM = torch.tensor([5, 91, 42, 0, 77])

LOSSES = {
    "batch of 100": lambda w, b: mse(w, b, X, Y),
    "one sample, shape (1,)": lambda w, b: mse(w, b, X[37], Y[37]),
    "first sample": lambda w, b: mse(w, b, X[0], Y[0]),
    "mini-batch of 10": lambda w, b: mse(w, b, X[20:30], Y[20:30]),
    "shuffled mini-batch": lambda w, b: mse(w, b, X[PERM], Y[PERM]),
    "sum of squares": lambda w, b: ((w * X + b - Y) ** 2).sum(),
    "w alone": lambda w, b: w * 3.0,
    "mixed terms": lambda w, b: (w * b).sin() + b.exp() / 1e8 + w.abs(),
}


def test_the_fast_path_is_active_on_this_torch():
    """If a torch upgrade removes the engine entry point, backward() silently becomes loss.backward(): say so."""
    assert model_module._RUN_BACKWARD is not None, f"torch {torch.__version__} has no autograd engine entry"


def test_the_samples_are_what_the_losses_claim():
    assert X.shape == (100, 1) and X[37].shape == (1,)
    assert mse(*params(), X[37], Y[37]).shape == ()


@pytest.mark.parametrize("loss_fn", LOSSES.values(), ids=LOSSES.keys())
def test_gradients_equal_loss_backward_exactly(loss_fn):
    dw, db = grads_with(backward, loss_fn)
    ref_dw, ref_db = grads_with(reference, loss_fn)
    assert dw.dtype == torch.float32 and dw.shape == ()
    assert torch.equal(dw, ref_dw)
    if ref_db is None:
        assert db is None  # b is not in the graph: no gradient, as with loss.backward()
    else:
        assert torch.equal(db, ref_db)


@pytest.mark.parametrize("start", [(-10.0, -20.0), (0.0, 0.0), (3.25, -0.5), (1e6, -1e6)])
def test_gradients_equal_loss_backward_from_any_start(start):
    w0, b0 = start
    for loss_fn in (LOSSES["batch of 100"], LOSSES["one sample, shape (1,)"], LOSSES["mini-batch of 10"]):
        dw, db = grads_with(backward, loss_fn, w=w0, b=b0)
        ref_dw, ref_db = grads_with(reference, loss_fn, w=w0, b=b0)
        assert torch.equal(dw, ref_dw) and torch.equal(db, ref_db)


def test_gradient_values_are_the_analytic_ones():
    """Independent of autograd: d/dw mean((wx + b − y)²) = mean(2x·r), d/db = mean(2r)."""
    w, b = params()
    backward(mse(w, b, X, Y))
    r = (-10.0 * X.double() - 20.0 - Y.double())
    assert w.grad.item() == pytest.approx(torch.mean(2 * X.double() * r).item(), rel=1e-5)
    assert b.grad.item() == pytest.approx(torch.mean(2 * r).item(), rel=1e-5)


def test_gdviewers_model_and_criterion_give_the_same_gradients():
    m, ref = LinearModel(-10.0, -20.0), LinearModel(-10.0, -20.0)
    backward(criterion(m(X[10:20]), Y[10:20]))
    criterion(ref(X[10:20]), Y[10:20]).backward()
    assert torch.equal(m.w.grad, ref.w.grad) and torch.equal(m.b.grad, ref.b.grad)


def test_gradients_accumulate_like_loss_backward_when_not_zeroed():
    def twice(call):
        w, b = params()
        call(mse(w, b, X, Y))
        first = w.grad.clone()
        call(mse(w, b, X[3], Y[3]))  # a second loss, gradients not zeroed
        return first, w.grad, b.grad

    first, dw, db = twice(backward)
    ref_first, ref_dw, ref_db = twice(reference)
    assert torch.equal(first, ref_first)
    assert torch.equal(dw, ref_dw) and torch.equal(db, ref_db)
    assert not torch.equal(dw, first), "the second call added to the first gradient"


def test_the_same_loss_twice_doubles_the_gradient_with_retained_graph_only():
    w, b = params()
    loss = mse(w, b, X, Y)
    backward(loss)
    once = w.grad.clone()
    # like loss.backward(), the graph is freed: a second pass through it is an error
    with pytest.raises(RuntimeError):
        backward(loss)
    ref_w, ref_b = params()
    ref_loss = mse(ref_w, ref_b, X, Y)
    ref_loss.backward()
    with pytest.raises(RuntimeError):
        ref_loss.backward()
    assert torch.equal(once, ref_w.grad)


def test_gradients_after_grad_set_to_none_are_fresh():
    w, b = params()
    backward(mse(w, b, X, Y))
    w.grad = None
    b.grad = None
    backward(mse(w, b, X[20:30], Y[20:30]))
    dw, db = grads_with(reference, LOSSES["mini-batch of 10"])
    assert torch.equal(w.grad, dw) and torch.equal(b.grad, db)


# --- where the fast path does not apply ---------------------------------------------------------

@pytest.fixture
def engine_calls(monkeypatch):
    """Count the calls that reach the engine entry point directly."""
    calls = []
    real = model_module._RUN_BACKWARD
    assert real is not None

    def spy(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(model_module, "_RUN_BACKWARD", spy)
    return calls


def test_a_scalar_float32_loss_takes_the_fast_path(engine_calls):
    w, b = params()
    backward(mse(w, b, X, Y))
    assert len(engine_calls) == 1


def test_a_float64_loss_falls_back_to_loss_backward(engine_calls):
    X64, Y64 = X.double(), Y.double()
    dw, db = grads_with(backward, lambda w, b: mse(w, b, X64, Y64), dtype=torch.float64)
    ref_dw, ref_db = grads_with(reference, lambda w, b: mse(w, b, X64, Y64), dtype=torch.float64)
    assert dw.dtype == torch.float64
    assert torch.equal(dw, ref_dw) and torch.equal(db, ref_db)
    assert engine_calls == []  # the fast path's gradient of 1 is float32; it must not be used


def test_a_non_scalar_loss_is_refused_like_loss_backward(engine_calls):
    w, b = params()
    with pytest.raises(RuntimeError, match="scalar outputs") as ours:
        backward((w * X + b - Y) ** 2)
    with pytest.raises(RuntimeError, match="scalar outputs") as theirs:
        ((w * X + b - Y) ** 2).backward()
    assert str(ours.value) == str(theirs.value)
    assert w.grad is None and b.grad is None
    assert engine_calls == []


def test_a_one_element_loss_of_shape_1_goes_through_loss_backward(engine_calls):
    """Shape (1,) is not shape (): the fast path is for 0-d losses; loss.backward() accepts one element."""
    def one_element(w, b):
        loss = (w * X[0] + b - Y[0]) ** 2
        assert loss.shape == (1,)
        return loss

    dw, db = grads_with(backward, one_element)
    ref_dw, ref_db = grads_with(reference, one_element)
    assert dw.shape == () and torch.equal(dw, ref_dw) and torch.equal(db, ref_db)
    assert engine_calls == []


def test_a_loss_without_a_graph_is_an_error_like_loss_backward():
    loss = torch.mean((X - Y) ** 2)
    with pytest.raises(RuntimeError, match="does not require grad"):
        backward(loss)
    with pytest.raises(RuntimeError, match="does not require grad"):
        loss.backward()


def test_without_the_entry_point_backward_is_loss_backward(monkeypatch):
    monkeypatch.setattr(model_module, "_RUN_BACKWARD", None)
    for loss_fn in LOSSES.values():
        dw, db = grads_with(backward, loss_fn)
        ref_dw, ref_db = grads_with(reference, loss_fn)
        assert torch.equal(dw, ref_dw)
        assert (db is None and ref_db is None) or torch.equal(db, ref_db)
