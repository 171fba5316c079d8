"""CPU ops whose matrix products go through numpy (OpenBLAS), about twice as fast here as thinc's default BLIS gemm."""

from __future__ import annotations

from typing import Any

import numpy
from thinc.api import NumpyOps, get_current_ops, set_current_ops


class MatmulNumpyOps(NumpyOps):
    """thinc NumpyOps with `gemm` on numpy.matmul."""

    name = "numpy"

    def gemm(self, x: Any, y: Any, out: Any = None, trans1: bool = False, trans2: bool = False) -> Any:
        """x @ y (optionally transposed), into out when given."""
        a = x.T if trans1 else x
        b = y.T if trans2 else y
        if out is None:
            return numpy.matmul(a, b)
        numpy.matmul(a, b, out=out)
        return out


def use_matmul_ops() -> None:
    """Make MatmulNumpyOps current unless a GPU or another non-default backend is active."""
    if type(get_current_ops()) is NumpyOps:
        set_current_ops(MatmulNumpyOps())
