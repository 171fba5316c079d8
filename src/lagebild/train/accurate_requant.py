"""Per-row activation quantisation for the exported encoder (onnx; a training extra, never imported at run time).

`quantize_dynamic` quantises each int8 MatMul's input with `DynamicQuantizeLinear`: one scale and zero point for the
whole [batch, length, hidden] tensor, so a sentence's tags depend on the other sentences of its batch (and on the
padding). This rewrite gives every row (token) its own scale and zero point and keeps the int8 per-channel weights:

    s = (max(x_row, 0) - min(x_row, 0)) / 127,  z = round(-min(x_row, 0) / s),  q = clip(round(x / s) + z, 0, 127)
    y = MatMulInteger(q, W) * (s * w_scale) - (s * z) * (w_scale * colsum(W)) + bias

Seven bits, not eight: ONNX Runtime's u8 x s8 kernel on AVX2 (no VNNI) adds products in pairs in int16 with
saturation, so uint8 activations near 255 against large int8 weights overflow. With q <= 127 a pair stays below
32,767 and the integer product is exact on every CPU. The row's zero point is taken out after the integer product
(the CPU MatMulInteger takes one activation zero point per tensor); ONNX Runtime fuses MatMulInteger, Cast and the
scale Mul into MatMulIntegerToFloat with the per-row scale; the Sub before the bias Add keeps it from fusing the
bias too, which ONNX Runtime 1.32 gets wrong with a per-row scale. Each row's result depends on that row alone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..accurate.image import ModelFileError

QUANT_LEVELS = 127.0  # 7 bits: u8 x s8 pairs stay within int16 (module docstring)
TINY_SCALE = 1e-30  # a row of zeros: any positive scale quantises it to zero exactly
OPSET = 17  # ReduceMax/ReduceMin take `axes` as an attribute up to opset 17


class RequantError(ModelFileError):
    """E041: the encoder graph is not the `quantize_dynamic` pattern this rewrite knows."""

    code = "E041"


@dataclass(frozen=True)
class QuantisedMatMul:
    """One `quantize_dynamic` group: MatMulInteger -> Cast -> Mul(Mul(x_scale, w_scale)) giving `output`."""

    matmul: Any
    cast: Any
    scale_mul: Any
    output_mul: Any
    weight: str
    weight_scale: str
    output: str


QUANTISATION = ("int8 MatMuls (layers 1-9): weights int8 per output channel; activations 7-bit unsigned (0..127) "
                "with one scale and zero point per row (token), computed in the graph; float32 elsewhere")


def requantise(model_dir: Path) -> int:
    """Rewrite `model_dir/encoder.onnx` in place and record the quantisation in meta.json; the groups rewritten."""
    count = requantise_file(model_dir / "encoder.onnx", model_dir / "encoder.onnx")
    meta_path = model_dir / "meta.json"
    if meta_path.exists():
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        meta["quantisation"] = QUANTISATION
        meta_path.write_text(json.dumps(meta, indent=1), encoding="utf-8")
    return count


def requantise_file(source: Path, target: Path) -> int:
    """Rewrite `source` (a `quantize_dynamic` export) to per-row activation quantisation; the groups rewritten.

    A graph without DynamicQuantizeLinear (already rewritten) is written unchanged, so the step can run twice.
    """
    import onnx

    model = onnx.load(str(source))
    count = per_row(model)
    onnx.checker.check_model(model)
    onnx.save(model, str(target))
    return count


def per_row(model: Any) -> int:
    """Replace every DynamicQuantizeLinear (one scale per tensor) by per-row quantisation, in place."""
    graph = model.graph
    if any(o.domain in ("", "ai.onnx") and o.version != OPSET for o in model.opset_import):
        raise RequantError(f"expected opset {OPSET}")
    inits = {t.name: t for t in graph.initializer}
    producers = {out: node for node in graph.node for out in node.output}
    consumers: dict[str, list[Any]] = {}
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)
    replaced: dict[int, list[Any]] = {}
    count = 0
    for node in list(graph.node):
        if node.op_type != "DynamicQuantizeLinear":
            continue
        replaced[id(node)] = _row_quantiser(node.input[0], node.name)
        for matmul in consumers.get(node.output[0], []):
            group = _group(matmul, node, producers, consumers, inits)
            replaced[id(group.scale_mul)] = []
            replaced[id(group.cast)] = []
            replaced[id(group.output_mul)] = []
            replaced[id(matmul)] = _row_matmul(graph, group, node.input[0], inits)
            count += 1
    nodes = [new for node in graph.node for new in replaced.get(id(node), [node])]
    del graph.node[:]
    graph.node.extend(nodes)
    _drop_unused(graph)
    return count


def _drop_unused(graph: Any) -> None:
    """Remove initializers no node reads any more (the weights' zero points)."""
    used = {name for node in graph.node for name in node.input} | {o.name for o in graph.output}
    kept = [t for t in graph.initializer if t.name in used]
    del graph.initializer[:]
    graph.initializer.extend(kept)


def _group(matmul: Any, quant: Any, producers: dict[str, Any], consumers: dict[str, list[Any]],
           inits: dict[str, Any]) -> QuantisedMatMul:
    """The nodes `quantize_dynamic` wrote around one MatMulInteger, checked."""
    from onnx import numpy_helper

    if matmul.op_type != "MatMulInteger" or len(matmul.input) != 4 or matmul.input[2] != quant.output[2]:
        raise RequantError(f"{matmul.name} is not a dynamically quantised MatMul")
    weight, weight_zero = matmul.input[1], matmul.input[3]
    if weight not in inits or numpy_helper.to_array(inits[weight]).dtype != np.int8:
        raise RequantError(f"{matmul.name}: weights are not an int8 initializer")
    if np.any(numpy_helper.to_array(inits[weight_zero]) != 0):
        raise RequantError(f"{matmul.name}: weight zero points are not 0")
    (cast,) = consumers[matmul.output[0]]
    (output_mul,) = consumers[cast.output[0]]
    scale_mul = producers[next(i for i in output_mul.input if i != cast.output[0])]
    if cast.op_type != "Cast" or output_mul.op_type != "Mul" or scale_mul.op_type != "Mul" \
            or list(scale_mul.input[:1]) != [quant.output[1]] or scale_mul.input[1] not in inits:
        raise RequantError(f"{matmul.name}: unexpected rescaling nodes")
    if len(consumers[scale_mul.output[0]]) != 1:
        raise RequantError(f"{matmul.name}: the scale product is shared")
    return QuantisedMatMul(matmul, cast, scale_mul, output_mul, weight, scale_mul.input[1], output_mul.output[0])


def _row_quantiser(x: str, name: str) -> list[Any]:
    """Nodes giving `x`'s per-row uint8 values, scales and zero points (named `{x}_row_q`, `_row_scale`, `_row_zp`)."""
    from onnx import TensorProto, helper

    p = f"{name}_row"

    def const(suffix: str, value: float | int, dtype: int = TensorProto.FLOAT, dims: tuple[int, ...] = ()) -> Any:
        return helper.make_node("Constant", [], [f"{p}_{suffix}"], name=f"{p}_{suffix}",
                                value=helper.make_tensor(f"{p}_{suffix}_value", dtype, list(dims), [value]))

    def node(op: str, inputs: list[str], out: str, **attrs: Any) -> Any:
        return helper.make_node(op, inputs, [out], name=out, **attrs)

    bounds = [
        const("zero", 0.0), const("tiny", TINY_SCALE), const("flat", -1, TensorProto.INT64, (1,)),
        node("ReduceMax", [x], f"{p}_max", axes=[-1], keepdims=1),
        node("ReduceMin", [x], f"{p}_min", axes=[-1], keepdims=1),
        node("Max", [f"{p}_max", f"{p}_zero"], f"{p}_hi"),
        node("Min", [f"{p}_min", f"{p}_zero"], f"{p}_lo"),
        node("Neg", [f"{p}_lo"], f"{p}_neglo"),
    ]
    scale = [
        const("levels", QUANT_LEVELS),
        node("Sub", [f"{p}_hi", f"{p}_lo"], f"{p}_range"),
        node("Div", [f"{p}_range", f"{p}_levels"], f"{p}_step"),
        node("Max", [f"{p}_step", f"{p}_tiny"], f"{x}_row_scale"),
        node("Div", [f"{p}_neglo", f"{x}_row_scale"], f"{p}_zpf"),
        node("Round", [f"{p}_zpf"], f"{p}_zpr"),
        node("Clip", [f"{p}_zpr", f"{p}_zero", f"{p}_levels"], f"{x}_row_zp"),
        node("Reshape", [f"{x}_row_scale", f"{p}_flat"], f"{p}_scale_flat"),
        node("Cast", [f"{x}_row_zp"], f"{p}_zp_u8", to=TensorProto.UINT8),
        node("Reshape", [f"{p}_zp_u8", f"{p}_flat"], f"{p}_zp_flat"),
    ]
    quantise = [
        node("Flatten", [x], f"{p}_rows2d", axis=2),
        node("QuantizeLinear", [f"{p}_rows2d", f"{p}_scale_flat", f"{p}_zp_flat"], f"{p}_q2d", axis=0),
        node("Shape", [x], f"{p}_shape"),
        node("Reshape", [f"{p}_q2d", f"{p}_shape"], f"{x}_row_q"),
    ]
    return bounds + scale + quantise


def _row_matmul(graph: Any, group: QuantisedMatMul, x: str, inits: dict[str, Any]) -> list[Any]:
    """Integer product with per-row rescaling; the row's zero point is removed through the weights' column sums."""
    from onnx import TensorProto, helper, numpy_helper

    p = group.matmul.name

    def node(op: str, inputs: list[str], out: str, **attrs: Any) -> Any:
        return helper.make_node(op, inputs, [out], name=out, **attrs)

    weight = numpy_helper.to_array(inits[group.weight]).astype(np.int64)
    w_scale = numpy_helper.to_array(inits[group.weight_scale]).astype(np.float32)
    correction = (w_scale * weight.sum(axis=0).astype(np.float32)).astype(np.float32)
    graph.initializer.append(numpy_helper.from_array(correction, f"{group.weight}_zp_correction"))
    return [
        node("MatMulInteger", [f"{x}_row_q", group.weight], f"{p}_acc"),
        node("Cast", [f"{p}_acc"], f"{p}_accf", to=TensorProto.FLOAT),
        node("Mul", [f"{x}_row_scale", group.weight_scale], f"{p}_scales"),
        node("Mul", [f"{p}_accf", f"{p}_scales"], f"{p}_raw"),
        node("Mul", [f"{x}_row_scale", f"{x}_row_zp"], f"{p}_offset"),
        node("Mul", [f"{p}_offset", f"{group.weight}_zp_correction"], f"{p}_shift"),
        node("Sub", [f"{p}_raw", f"{p}_shift"], group.output),
    ]
