#!/usr/bin/env python3
"""Checks ONNX files Edgewise exported: the official checker, an onnxruntime run, and (optionally) the
same run on a reference file, for the Swift exporter tests.

Reads JSON on stdin:
  {"cases": [{"model": path, "reference": path (optional), "seed": int (optional),
              "inputs": {name: {"dtype": "float32", "shape": [...], "values": [...]}} (optional),
              "dims": int (size for symbolic dimensions, default 1),
              "numpy": {"op": ..., ...} (optional: expected first output computed here with numpy)}],
   "synthetic": [{"model": path, "tensor": name, "seed": int}]}   (optional)
Prints JSON: {"cases": [{"checker": "ok" | message, "run": "ok" | message,
                         "outputs": [{"name", "shape", "finite", "values" (first 16, flattened)}],
                         "reference_run": ..., "max_abs_diff": float, "max_rel_diff": float,
                         "same_shapes": bool}],
              "synthetic": [{"match": bool, "max_abs_diff": float, "count": int}]}
"numpy" ops (the formulas Edgewise's lowerings must reproduce, written independently here):
  rope {"input", "theta", "position"}: adjacent pairs (x[2i], x[2i+1]) of the last axis rotated by
      (position + t) * theta^(-2i/D) for row t of the second-to-last axis;
  embedding {"ids", "table"}: table[ids]; kv_concat {"cache", "new"}: concatenation on axis 2;
  fully_connected {"input", "weight", "bias"}: x @ W^T + b;
  dequant_matmul {"input", "q", "shape", "scale", "zero_point", "axis"}: x @ ((q - zp) * scale);
  fakequant_matmul {"input", "w", "shape", "scale", "zero_point", "axis", "qmin", "qmax"}:
      x @ ((clip(rint(w / scale) + zp, qmin, qmax) - zp) * scale), rint rounding half to even.
  The result is compared with the model's first output ("numpy_max_abs_diff").
Inputs not given are drawn from numpy's default_rng(seed): floats standard normal, integers in [0, 2)
(valid as ids, token types and masks alike),
booleans fair coins; both files get the same arrays.

"synthetic" recomputes a tensor's synthetic weights with the recipe documented in
Sources/EdgeImport/ONNX/ONNXSyntheticWeights.swift (SplitMix64 seeded by seed XOR FNV-1a-64(name))
and compares them with the tensor stored in the file (float32 tensors only).
"""
import json
import math
import sys

import numpy as np
import onnx
import onnxruntime as ort
from onnx import numpy_helper

ORT_TYPES = {
    "tensor(float)": np.float32, "tensor(double)": np.float64, "tensor(float16)": np.float16,
    "tensor(int64)": np.int64, "tensor(int32)": np.int32, "tensor(int16)": np.int16, "tensor(int8)": np.int8,
    "tensor(uint8)": np.uint8, "tensor(uint16)": np.uint16, "tensor(uint32)": np.uint32,
    "tensor(uint64)": np.uint64, "tensor(bool)": np.bool_,
}


def make_inputs(session, case):
    rng = np.random.default_rng(case.get("seed", 0))
    given = case.get("inputs", {})
    feeds = {}
    for i in session.get_inputs():
        if i.name in given:
            g = given[i.name]
            feeds[i.name] = np.array(g["values"], dtype=g["dtype"]).reshape(g["shape"])
            continue
        shape = [d if isinstance(d, int) and d >= 0 else case.get("dims", 1) for d in i.shape]
        dtype = ORT_TYPES.get(i.type)
        if dtype is None:
            raise ValueError(f"input {i.name} has unsupported type {i.type}")
        if np.issubdtype(dtype, np.floating):
            feeds[i.name] = rng.standard_normal(shape).astype(dtype)
        elif dtype == np.bool_:
            feeds[i.name] = rng.integers(0, 2, shape).astype(np.bool_)
        else:
            feeds[i.name] = rng.integers(0, 2, shape).astype(dtype)
    return feeds


def run(path, feeds_for):
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.log_severity_level = 3
    # Graph optimizations may rewrite QDQ into integer kernels that quantize activations on the fly;
    # the check is about what the file means, so the graph runs as written.
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    s = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
    feeds = feeds_for(s)
    names = [o.name for o in s.get_outputs()]
    return names, s.run(None, feeds), feeds


def finite_or_zero(x):
    try:
        f = float(x)
    except (TypeError, ValueError):
        return 0.0
    return f if math.isfinite(f) else 0.0


def describe(names, values):
    out = []
    for n, v in zip(names, values):
        a = np.asarray(v)
        finite = bool(np.all(np.isfinite(a))) if np.issubdtype(a.dtype, np.floating) else True
        flat = a.reshape(-1)[:16]
        out.append({"name": n, "shape": list(a.shape), "finite": finite,
                    "values": [finite_or_zero(x) for x in flat]})
    return out


def per_axis(values, shape, axis):
    v = np.asarray(values, dtype=np.float64)
    if v.size == 1:
        return v.reshape(())
    view = [1] * len(shape)
    view[axis] = v.size
    return v.reshape(view)


def numpy_reference(spec, feeds):
    op = spec["op"]
    if op == "rope":
        x = feeds[spec["input"]].astype(np.float64)
        t, d = x.shape[-2], x.shape[-1]
        pos = spec["position"] + np.arange(t)[:, None]
        angle = pos * spec["theta"] ** (-2.0 * np.arange(d // 2)[None, :] / d)
        c, s = np.cos(angle), np.sin(angle)
        x0, x1 = x[..., 0::2], x[..., 1::2]
        y = np.empty_like(x)
        y[..., 0::2] = x0 * c - x1 * s
        y[..., 1::2] = x0 * s + x1 * c
        return y
    if op == "embedding":
        return feeds[spec["table"]][feeds[spec["ids"]]]
    if op == "kv_concat":
        return np.concatenate([feeds[spec["cache"]], feeds[spec["new"]]], axis=2)
    if op == "fully_connected":
        y = feeds[spec["input"]].astype(np.float64) @ feeds[spec["weight"]].astype(np.float64).T
        return y + feeds[spec["bias"]] if spec.get("bias") else y
    if op == "dequant_matmul":
        shape = spec["shape"]
        q = np.asarray(spec["q"], dtype=np.float64).reshape(shape)
        w = (q - per_axis(spec["zero_point"], shape, spec["axis"])) * per_axis(spec["scale"], shape, spec["axis"])
        return feeds[spec["input"]].astype(np.float64) @ w
    if op == "fakequant_matmul":
        shape = spec["shape"]
        w = np.asarray(spec["w"], dtype=np.float32).astype(np.float64).reshape(shape)
        s = per_axis(spec["scale"], shape, spec["axis"]).astype(np.float32).astype(np.float64)
        z = per_axis(spec["zero_point"], shape, spec["axis"])
        q = np.clip(np.rint(w / s) + z, spec["qmin"], spec["qmax"])
        return feeds[spec["input"]].astype(np.float64) @ ((q - z) * s)
    raise ValueError(f"unknown numpy reference op {op}")


def check_case(case):
    result = {}
    try:
        onnx.checker.check_model(onnx.load(case["model"]))
        result["checker"] = "ok"
    except Exception as e:
        result["checker"] = f"{type(e).__name__}: {e}"
    feeds = {}
    try:
        names, values, feeds = run(case["model"], lambda s: make_inputs(s, case))
        result["run"] = "ok"
        result["outputs"] = describe(names, values)
    except Exception as e:
        result["run"] = f"{type(e).__name__}: {e}"[:2000]
        values = None
    if case.get("numpy") and values is not None:
        try:
            expected = numpy_reference(case["numpy"], feeds)
            got = np.asarray(values[0], dtype=np.float64)
            result["numpy_same_shape"] = list(expected.shape) == list(got.shape)
            if result["numpy_same_shape"]:
                result["numpy_max_abs_diff"] = float(np.max(np.abs(expected - got))) if got.size else 0.0
        except Exception as e:
            result["numpy_error"] = f"{type(e).__name__}: {e}"
    ref = case.get("reference")
    if ref:
        try:
            rnames, rvalues, _ = run(ref, lambda s: feeds if feeds else make_inputs(s, case))
            result["reference_run"] = "ok"
            if values is not None:
                same = len(values) == len(rvalues) and all(np.shape(a) == np.shape(b) for a, b in zip(values, rvalues))
                result["same_shapes"] = bool(same)
                if same:
                    abs_d, rel_d = 0.0, 0.0
                    for a, b in zip(values, rvalues):
                        a = np.asarray(a).astype(np.float64)
                        b = np.asarray(b).astype(np.float64)
                        if a.size:
                            d = np.abs(a - b)
                            d[np.isnan(a) & np.isnan(b)] = 0
                            abs_d = max(abs_d, float(np.nanmax(d)) if not np.all(np.isnan(d)) else math.inf)
                            rel_d = max(rel_d, float(np.nanmax(d / np.maximum(np.abs(b), 1e-6))) if d.size else 0.0)
                    result["max_abs_diff"] = abs_d if math.isfinite(abs_d) else 1e300
                    result["max_rel_diff"] = rel_d if math.isfinite(rel_d) else 1e300
        except Exception as e:
            result["reference_run"] = f"{type(e).__name__}: {e}"[:2000]
    return result


def splitmix_stream(seed, name):
    h = 0xCBF29CE484222325
    for b in name.encode("utf-8"):
        h ^= b
        h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    state = (seed ^ h) & 0xFFFFFFFFFFFFFFFF
    while True:
        state = (state + 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
        yield z ^ (z >> 31)


def synthetic_check(item):
    m = onnx.load(item["model"])
    t = next(x for x in m.graph.initializer if x.name == item["tensor"])
    stored = numpy_helper.to_array(t).astype(np.float64).reshape(-1)
    dims = list(t.dims)
    fan_in = 1
    for d in dims[1:]:
        fan_in *= max(d, 1)
    stream = splitmix_stream(item["seed"], t.name)
    expected = []
    for _ in range(stored.size):
        u = (next(stream) >> 11) / 2.0 ** 53
        if "var" in t.name.lower():
            v = 0.5 + u
        elif len(dims) >= 2:
            v = (2 * u - 1) / math.sqrt(fan_in)
        else:
            v = (2 * u - 1) * 0.1
        expected.append(np.float32(v))
    expected = np.array(expected, dtype=np.float64)
    diff = float(np.max(np.abs(expected - stored))) if stored.size else 0.0
    return {"match": diff == 0.0, "max_abs_diff": diff, "count": int(stored.size)}


def main():
    request = json.load(sys.stdin)
    out = {"cases": [check_case(c) for c in request.get("cases", [])],
           "synthetic": [synthetic_check(s) for s in request.get("synthetic", [])]}
    json.dump(out, sys.stdout, allow_nan=False)


if __name__ == "__main__":
    main()
