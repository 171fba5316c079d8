"""Prediction-only forwards for thinc's `LayerNorm` and `Maxout` layers: the same numbers, fewer temporary arrays.

thinc's layer norm computes the row means twice (once for the mean, once inside the variance) and makes a new array
for each of `X - mu`, its scaled copy and the scaled-and-shifted result; its maxout also records which piece won, for
training. In prediction the lean forwards reuse the mean for the variance (numpy's `var(mean=...)`, the same sums),
scale and shift one array in place (the same float32 operations in the same order), and take the pieces' maximum
with numpy, one piece at a time. Training (`is_train`) keeps thinc's own forwards; `tests/test_lean_layers.py` compares both.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy
from spacy.language import Language
from thinc.api import Model, NumpyOps
from thinc.layers import layernorm, maxout


def _no_backprop(d_y: Any) -> Any:
    raise ValueError("a lean prediction layer has no backward pass (it runs only when not training)")


def lean_layernorm(model: Model, X: Any, is_train: bool) -> tuple[Any, Callable]:
    """`thinc.layers.layernorm.forward`, in one array when predicting."""
    if is_train:
        return layernorm.forward(model, X, is_train)
    mu = X.mean(axis=1, keepdims=True)
    var = X.var(axis=1, keepdims=True, mean=mu) + 1e-08
    Y = X - mu
    Y *= var ** (-1.0 / 2.0)
    Y *= model.get_param("G")
    Y += model.get_param("b")
    return Y, _no_backprop


def lean_maxout(model: Model, X: Any, is_train: bool) -> tuple[Any, Callable]:
    """`thinc.layers.maxout.forward`, without the winning pieces' indices when predicting."""
    if is_train:
        return maxout.forward(model, X, is_train)
    nO, nP, nI = model.get_dim("nO"), model.get_dim("nP"), model.get_dim("nI")
    W = model.ops.reshape2f(model.get_param("W"), nO * nP, nI)
    Y = model.ops.gemm(X, W, trans2=True)
    Y += model.ops.reshape1f(model.get_param("b"), nO * nP)
    Z: Any = model.ops.reshape3f(Y, Y.shape[0], nO, nP)
    best = Z[:, :, 0].copy()
    for piece in range(1, nP):
        numpy.maximum(best, Z[:, :, piece], out=best)
    return best, _no_backprop


LEAN = {layernorm.forward: lean_layernorm, maxout.forward: lean_maxout}


def use_lean_layers(nlp: Language) -> int:
    """Give every CPU layer norm and maxout in the pipeline's models the lean forward; how many."""
    done = 0
    for _, component in nlp.pipeline:
        model = getattr(component, "model", None)
        if not isinstance(model, Model):
            continue
        for node in model.walk():
            lean = LEAN.get(node._func)
            if lean is not None and isinstance(node.ops, NumpyOps):
                node._func = lean
                done += 1
    return done
