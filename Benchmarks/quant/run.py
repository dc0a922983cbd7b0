#!/usr/bin/env python3
"""Quantizer benchmark and accuracy check: Edgewise (release build) against the reference tools, same run.

  run.py int8 [ROWS COLS REPEATS]   per-channel symmetric int8 throughput (default 10000 x 10000 = 100 M
                                    weights) vs numpy's whole-matrix per-channel quantization and
                                    onnxruntime's per-channel weight quantization
                                    (compute_scale_zp + quantize_nparray per output channel)
  run.py gguf FILE FORMAT [LIMIT]   re-quantize a GGUF decoder's projection weights and compare SQNR with
                                    the reference on the same tensors: q4_K / q6_K via ggml's reference
                                    quantizer (the gguf package has no K-quant quantizer) decoded by
                                    gguf.quants.dequantize; q8_0 / q4_0 / q4_1 via gguf.quants.quantize;
                                    int4g128(asym) via onnxruntime's MatMulNBits quantizer
"""
import json
import os
import subprocess
import sys
import time

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "..", "Scripts", "reference"))


def binary():
    subprocess.run(["swift", "build", "-c", "release", "--product", "quant-bench"], cwd=here, check=True,
                   stdout=subprocess.DEVNULL)
    path = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=here, check=True,
                          capture_output=True, text=True).stdout.strip()
    return os.path.join(path, "quant-bench")


def ours(*args):
    return json.loads(subprocess.run([binary(), *map(str, args)], check=True, capture_output=True, text=True).stdout)


def int8(rows=10000, cols=10000, repeats=3):
    from onnx import TensorProto
    from onnxruntime.quantization.quant_utils import compute_scale_zp, get_qmin_qmax_for_qType, quantize_nparray
    o = ours("int8", rows, cols, repeats)
    w = (np.random.default_rng(0).random((rows, cols), dtype=np.float32) * 2 - 1)
    qmin, qmax = get_qmin_qmax_for_qType(TensorProto.INT8, symmetric=True)
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        for r in range(rows):
            row = w[r]
            zp, scale = compute_scale_zp(row.min(), row.max(), qmin, qmax, symmetric=True)
            quantize_nparray(TensorProto.INT8, row, scale, zp)
        best = min(best, time.perf_counter() - t0)
    # numpy, whole matrix at once: per-row absmax scale, then round / clip / cast.
    best_np = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        scale = np.maximum(np.abs(w).max(axis=1, keepdims=True), np.float32(1e-30)) / np.float32(127)
        np.round(w / scale).clip(-127, 127).astype(np.int8)
        best_np = min(best_np, time.perf_counter() - t0)
    gb = 4 * rows * cols / 1e9
    print(f"per-channel symmetric int8 of {rows} x {cols} = {rows * cols / 1e6:.0f} M fp32 weights ({gb:.2f} GB), one core, best of {repeats}")
    print("| tool | seconds | GB/s of fp32 input | peer / Edgewise time |")
    print("|---|---|---|---|")
    print(f"| Edgewise AffineQuantizer (release) | {o['seconds']:.3f} | {o['gb_per_s']:.2f} | 1.0x |")
    print(f"| numpy: abs().max(axis=1)/127, round(w/scale).clip().astype(int8) | {best_np:.3f} | {gb / best_np:.2f} | {best_np / o['seconds']:.1f}x |")
    print(f"| onnxruntime compute_scale_zp + quantize_nparray per channel | {best:.3f} | {gb / best:.2f} | {best / o['seconds']:.1f}x |")


def reference_roundtrip(fmt, x):
    import gguf
    import gguf.quants as q
    rows, cols = x.shape
    if fmt in ("q4_K", "q6_K"):
        from quant_reference import ggml_quantize
        t = gguf.GGMLQuantizationType[fmt.upper()]
        raw = ggml_quantize(fmt.upper(), x.reshape(-1))
        return q.dequantize(raw.reshape(rows, -1), t).reshape(rows, cols), raw.size
    if fmt in ("q8_0", "q4_0", "q4_1"):
        t = gguf.GGMLQuantizationType[fmt.upper()]
        raw = q.quantize(x, t)
        return q.dequantize(raw, t).reshape(rows, cols), raw.size
    if fmt.startswith("int4g128"):
        from onnxruntime.capi._pybind_state import quantize_matmul_4bits
        sym, bs = fmt == "int4g128", 128
        k, n = cols, rows
        kb = (k + bs - 1) // bs
        packed = np.zeros((n, kb, bs // 2), np.uint8)
        scales = np.zeros(n * kb, np.float32)
        zp = np.zeros(n * ((kb + 1) // 2), np.uint8)
        quantize_matmul_4bits(packed, np.ascontiguousarray(x.T), scales, zp, bs, n, k, sym)
        codes = np.stack([packed & 15, packed >> 4], -1).reshape(n, kb * bs)[:, :k].astype(np.float32)
        zps = np.full((n, kb), 8, np.float32) if sym else \
            np.stack([zp & 15, zp >> 4], -1).reshape(n, -1)[:, :kb].astype(np.float32)
        s = scales.reshape(n, kb)
        deq = (codes - np.repeat(zps, bs, 1)[:, :k]) * np.repeat(s, bs, 1)[:, :k]
        return deq.astype(np.float32), packed.size + scales.size * 4 + (0 if sym else zp.size)
    raise SystemExit("no reference for " + fmt)


def gguf_formats(path, fmt, limit=None):
    import gguf
    import gguf.quants as q
    o = ours("gguf", path, fmt, *([limit] if limit else []))
    reader = gguf.GGUFReader(path)
    by_name = {t.name: t for t in reader.tensors}
    sig = noise_o = noise_r = 0.0
    worst = 0.0
    t_ref = 0.0
    rows_out = []
    for t in o["tensors"]:
        info = by_name[t["name"]]
        x = q.dequantize(info.data, info.tensor_type).astype(np.float32)
        x = x.reshape(-1, int(info.shape[0]))
        t0 = time.perf_counter()
        deq, _ = reference_roundtrip(fmt, x)
        t_ref += time.perf_counter() - t0
        x64 = x.astype(np.float64)
        s = float(np.sum(x64 * x64))
        n = float(np.sum((x64 - deq.astype(np.float64)) ** 2))
        assert abs(s - t["signal"]) <= 1e-9 * s, (t["name"], s, t["signal"])
        d_o, d_r = 10 * np.log10(s / t["noise"]), 10 * np.log10(s / n)
        worst = max(worst, abs(d_o - d_r))
        sig += s
        noise_o += t["noise"]
        noise_r += n
        rows_out.append((t["name"], d_o, d_r))
    elements = sum(t["elements"] for t in o["tensors"])
    stored = sum(t["bytes"] for t in o["tensors"])
    print(f"{os.path.basename(path)}: {len(o['tensors'])} projection weights, {elements:,} values, format {fmt}"
          + (f"; {len(o['skipped'])} skipped (rows not whole {fmt} blocks)" if o["skipped"] else ""))
    print("| | whole-model SQNR dB (sum signal / sum noise) | worst per-tensor abs difference dB | bits/weight | seconds |")
    print("|---|---|---|---|---|")
    print(f"| Edgewise (release) | {10 * np.log10(sig / noise_o):.4f} | {worst:.4f} | {8 * stored / elements:.3f} | {o['seconds']:.2f} |")
    print(f"| reference | {10 * np.log10(sig / noise_r):.4f} | | | {t_ref:.2f} |")


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "int8":
        int8(*map(int, sys.argv[2:5]))
    elif cmd == "gguf":
        gguf_formats(sys.argv[2], sys.argv[3], sys.argv[4] if len(sys.argv) > 4 else None)
    else:
        raise SystemExit(__doc__)
