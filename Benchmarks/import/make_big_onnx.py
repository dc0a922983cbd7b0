#!/usr/bin/env python3
"""Writes a ≥ 100 MB ONNX model for the import benchmark, once: a stack of 24 Gemm layers
(1024 × 1024 float32 weights + bias, ReLU between), random weights from numpy's default_rng(2026).
24 × (1024·1024 + 1024) × 4 B = 100,761,600 B of weights.

Usage: make_big_onnx.py OUT.onnx   (does nothing if OUT.onnx exists)
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

LAYERS, WIDTH = 24, 1024


def main():
    out = sys.argv[1]
    if os.path.exists(out):
        return
    rng = np.random.default_rng(2026)
    nodes, inits = [], []
    x = "x"
    for i in range(LAYERS):
        w = (rng.standard_normal((WIDTH, WIDTH), dtype=np.float32) / np.sqrt(WIDTH)).astype(np.float32)
        b = np.zeros(WIDTH, np.float32)
        inits += [numpy_helper.from_array(w, f"layer{i}.weight"), numpy_helper.from_array(b, f"layer{i}.bias")]
        y = f"gemm{i}"
        nodes.append(helper.make_node("Gemm", [x, f"layer{i}.weight", f"layer{i}.bias"], [y], name=y, transB=1))
        x = f"relu{i}"
        nodes.append(helper.make_node("Relu", [y], [x], name=x))
    g = helper.make_graph(nodes, "gemm_stack", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", WIDTH])],
                          [helper.make_tensor_value_info(x, TensorProto.FLOAT, ["N", WIDTH])], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)], producer_name="edgewise-benchmark")
    m.ir_version = 8
    onnx.checker.check_model(m)
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    tmp = out + ".tmp"
    onnx.save(m, tmp)
    os.replace(tmp, out)


if __name__ == "__main__":
    main()
