#!/usr/bin/env python3
"""Reference quantization, calibration and factorization for EdgeOptimize's tests, computed at test time.

Every expected value in Tests/EdgeOptimizeTests comes from a real tool through this script, never from
the code under test:
  gguf.quants (gguf-py)            Q8_0/Q4_0/Q4_1 quantize, every block format's dequantize, BF16
  ggml's C reference quantizers    Q4_K/Q6_K (quantize_row_q4_K_ref / q6_K_ref), which gguf-py lacks;
                                   built from the ggml sources vendored in the ggml-python sdist (PyPI)
  onnxruntime                      int4 blockwise (MatMulNBits) quantizer, int8 scale/zero point,
                                   histogram calibrators (percentile, entropy)
  numpy                            float16 rounding, SVD

Usage: quant_reference.py COMMAND [ARGS...]; arrays travel as raw little-endian files, results as JSON
on stdout.
"""
import ctypes
import json
import os
import subprocess
import sys
import tarfile

import numpy as np

CACHE = os.environ.get("EDGEWISE_CACHE", os.path.expanduser("~/.cache/edgewise"))
GGML_SDIST = "ggml-python==0.0.45"


def f32(path):
    return np.fromfile(path, dtype="<f4")


def qtype(name):
    from gguf import GGMLQuantizationType
    return GGMLQuantizationType[name.upper().replace("_K", "_K")]


def ggml_library():
    """Builds ggml-quants.c (baseline x86-64, no FMA contraction, no fast-math) once into the cache."""
    root = os.path.join(CACHE, "tools", "ggml-quants")
    lib = os.path.join(root, "libggml_quants.so")
    if os.path.exists(lib):
        return lib
    os.makedirs(root, exist_ok=True)
    sdists = os.path.join(CACHE, "sdists")
    os.makedirs(sdists, exist_ok=True)
    tars = [f for f in os.listdir(sdists) if f.startswith("ggml_python-0.0.45") and f.endswith(".tar.gz")]
    if not tars:
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", "ggml-python",
                        "-d", sdists, GGML_SDIST], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        tars = [f for f in os.listdir(sdists) if f.startswith("ggml_python-0.0.45") and f.endswith(".tar.gz")]
    src_root = os.path.join(root, "src")
    with tarfile.open(os.path.join(sdists, tars[0])) as t:
        members = [m for m in t.getmembers() if "/vendor/ggml/" in m.name and
                   (m.name.endswith(".h") or m.name.endswith("ggml-quants.c"))]
        t.extractall(src_root, members=members, filter="data")
    top = next(os.path.join(src_root, d) for d in os.listdir(src_root))
    gsrc = os.path.join(top, "vendor", "ggml", "src")
    stub = os.path.join(root, "stubs.c")
    with open(stub, "w") as f:
        # Symbols ggml-quants.c references only on error paths.
        f.write("#include <stdlib.h>\n#include <stddef.h>\n"
                "void ggml_abort(const char *f, int l, const char *fmt, ...) { abort(); }\n"
                "size_t ggml_row_size(int t, long long n) { abort(); }\n"
                "const char *ggml_type_name(int t) { return \"?\"; }\n"
                "size_t ggml_type_size(int t) { abort(); }\n")
    subprocess.run(["cc", "-O2", "-fPIC", "-shared", "-ffp-contract=off", "-fno-fast-math",
                    "-I", gsrc, "-I", os.path.join(top, "vendor", "ggml", "include"), "-I", os.path.join(gsrc, "ggml-cpu"),
                    os.path.join(gsrc, "ggml-quants.c"), stub, "-o", lib + ".tmp", "-lm"], check=True)
    os.replace(lib + ".tmp", lib)
    return lib


def ggml_quantize(name, x):
    from gguf import GGML_QUANT_SIZES
    lib = ctypes.CDLL(ggml_library())
    fn = getattr(lib, "quantize_row_%s_ref" % name.lower().replace("_k", "_K"))
    fn.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int64]
    block, size = GGML_QUANT_SIZES[qtype(name)]
    x = np.ascontiguousarray(x, dtype=np.float32)
    out = np.zeros(x.size // block * size, dtype=np.uint8)
    fn(x.ctypes.data, out.ctypes.data, x.size)
    return out


def sqnr(ref, test):
    ref = ref.astype(np.float64)
    err = ref - test.astype(np.float64)
    noise = np.sum(err * err)
    return None if noise == 0 else float(10 * np.log10(np.sum(ref * ref) / noise))   # None: lossless


def magika_features(count, offset=0):
    """Magika inputs from real files: `count` files spread evenly over the magika, onnx, scikit-learn and
    scikit-image wheels' cache folders (bytes of many types), starting at the `offset`-th of the spread, in
    Magika's layout (first 1024 bytes after lstrip, last 1024 before rstrip, padded with 256)."""
    root = os.path.join(CACHE, "assets")
    paths = []
    for d in ("magika-1.0.3", "onnx-1.22.0", "scikit_learn-1.9.1", "scikit_image-0.26.0"):
        for base, _, names in os.walk(os.path.join(root, d)):
            paths += [os.path.join(base, n) for n in sorted(names)]
    paths = sorted(p for p in paths if os.path.getsize(p) >= 8)
    paths = paths[offset::max(1, len(paths) // 512)][:count]
    rows = []
    for p in paths:
        with open(p, "rb") as f:
            data = f.read()
        beg = data[:4096].lstrip()[:1024]
        end = data[-4096:].rstrip()[-1024:]
        rows.append(list(beg) + [256] * (1024 - len(beg)) + [256] * (1024 - len(end)) + list(end))
    return np.array(rows, np.int32)


def ort_outputs(model, x):
    import onnxruntime as ort
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    s = ort.InferenceSession(model, opts, providers=["CPUExecutionProvider"])
    return s.run(None, {s.get_inputs()[0].name: x})[0].astype(np.float64)


def agreement(a, b):
    return {"sqnr": sqnr(a, b), "top1_agreement": float(np.mean(a.argmax(1) == b.argmax(1))),
            "kl": float(np.mean(np.sum(a * (np.log(np.maximum(a, 1e-30)) - np.log(np.maximum(b, 1e-30))), 1)))}


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    out = {}
    if cmd == "gguf-quantize":            # TYPE IN OUT
        import gguf.quants as q
        q.quantize(f32(args[1]).reshape(1, -1), qtype(args[0])).tofile(args[2])
    elif cmd == "ggml-quantize":          # TYPE IN OUT
        ggml_quantize(args[0], f32(args[1])).tofile(args[2])
    elif cmd == "dequantize":             # TYPE IN OUT ROWLEN
        import gguf.quants as q
        raw = np.fromfile(args[1], dtype=np.uint8)
        from gguf import GGML_QUANT_SIZES
        block, size = GGML_QUANT_SIZES[qtype(args[0])]
        rows = raw.size // (int(args[3]) // block * size)
        q.dequantize(raw.reshape(rows, -1), qtype(args[0])).astype("<f4").tofile(args[2])
    elif cmd == "half":                   # IN OUT16 OUTBF16
        import gguf.quants as q
        x = f32(args[0])
        x.astype(np.float16).tofile(args[1])
        q.quantize(x, qtype("BF16")).tofile(args[2])
    elif cmd == "ort-int4":               # IN ROWS COLS BLOCK SYM OUTCODES OUTSCALES OUTZP
        from onnxruntime.capi._pybind_state import quantize_matmul_4bits
        rows, cols, bs, sym = int(args[1]), int(args[2]), int(args[3]), args[4] == "1"
        w = f32(args[0]).reshape(rows, cols)
        # MatMulNBits quantizes W[K, N] along K: our rows are its columns.
        k, n = cols, rows
        kb = (k + bs - 1) // bs
        packed = np.zeros((n, kb, bs // 2), np.uint8)
        scales = np.zeros(n * kb, np.float32)
        zp = np.zeros(n * ((kb + 1) // 2), np.uint8)
        quantize_matmul_4bits(packed, np.ascontiguousarray(w.T), scales, zp, bs, n, k, sym)
        codes = np.stack([packed & 15, packed >> 4], -1).reshape(n, kb * bs)[:, :k]
        codes.astype(np.uint8).tofile(args[5])
        scales.tofile(args[6])
        zps = np.stack([zp & 15, zp >> 4], -1).reshape(n, -1)[:, :kb] if not sym else np.full((n, kb), 8, np.uint8)
        zps.astype(np.uint8).tofile(args[7])
    elif cmd == "ort-int8":               # IN ROWS COLS AXIS(-1 = tensor) SYM OUTCODES -> json params
        from onnxruntime.quantization.quant_utils import compute_scale_zp, quantize_nparray, get_qmin_qmax_for_qType
        from onnx import TensorProto
        rows, cols, axis, sym = int(args[1]), int(args[2]), int(args[3]), args[4] == "1"
        w = f32(args[0]).reshape(rows, cols)
        qt = TensorProto.INT8 if sym else TensorProto.UINT8
        qmin, qmax = get_qmin_qmax_for_qType(qt, symmetric=sym)
        slices = [w] if axis < 0 else ([w[i:i + 1, :] for i in range(rows)] if axis == 0 else [w[:, j:j + 1] for j in range(cols)])
        codes = np.zeros_like(w, dtype=np.int32)
        params = []
        for i, s in enumerate(slices):
            zp, scale = compute_scale_zp(np.array(s.min(), np.float32), np.array(s.max(), np.float32), qmin, qmax, symmetric=sym)
            c = quantize_nparray(qt, s, scale, zp).astype(np.int32)
            if axis < 0:
                codes = c
            elif axis == 0:
                codes[i:i + 1, :] = c
            else:
                codes[:, i:i + 1] = c
            params.append([float(scale), int(zp)])
        codes.astype("<i4").tofile(args[5])
        out["params"] = params
    elif cmd in ("calibrate", "calibrate-batches"):  # METHOD IN BINS [PERCENTILE|QBINS] SYMMETRIC [SIZES] -> thresholds
        from onnxruntime.quantization.calibrate import HistogramCollector
        method, x, bins = args[0], f32(args[1]), int(args[2])
        extra = float(args[3])
        sym = args[4] == "1"
        if cmd == "calibrate":
            chunks = np.array_split(x, 4)
        else:                             # batch sizes, comma-separated, in order
            sizes = [int(s) for s in args[5].split(",")]
            chunks = np.split(x, np.cumsum(sizes)[:-1])
        c = HistogramCollector(method=method, symmetric=sym, num_bins=bins,
                               num_quantized_bins=int(extra) if method == "entropy" else 128,
                               percentile=extra if method == "percentile" else 99.99, scenario="same")
        import contextlib, io
        with contextlib.redirect_stdout(io.StringIO()):
            for ch in chunks:
                c.collect({"t": [ch]})
            r = c.compute_collection_result()["t"]
        h = c.histogram_dict["t"]
        out = {"low": float(r[0]), "high": float(r[1]), "hist": [int(v) for v in h[0]],
               "edges": [float(v) for v in h[1]], "min": float(h[2]), "max": float(h[3])}
    elif cmd == "svd":                    # IN ROWS COLS -> singular values
        a = f32(args[0]).astype(np.float64).reshape(int(args[1]), int(args[2]))
        out["s"] = [float(v) for v in np.linalg.svd(a, compute_uv=False)]
        out["rank"] = int(np.linalg.matrix_rank(a))
    elif cmd == "gguf-fixture":           # OUT: a small llama-like GGUF written by the gguf package
        import gguf
        import gguf.quants as q
        w = gguf.GGUFWriter(args[0], "llama")
        w.add_uint32("llama.block_count", 1)
        w.add_string("general.name", "fixture")
        w.add_file_type(0)
        w.add_array("tokenizer.ggml.tokens", ["a", "b", "c"])
        rng = np.random.default_rng(4)
        w.add_tensor("token_embd.weight", rng.standard_normal((16, 256)).astype(np.float32))
        w.add_tensor("blk.0.attn_q.weight", (rng.standard_normal((8, 512)) * 0.05).astype(np.float32))
        w.add_tensor("blk.0.attn_k.weight", (rng.standard_normal((2, 96)) * 0.05).astype(np.float32))  # 96-wide rows
        w.add_tensor("blk.0.ffn_down.weight", (rng.standard_normal((4, 256)) * 0.2).astype(np.float16))
        w.add_tensor("output_norm.weight", np.ones(256, np.float32))
        w.write_header_to_file(); w.write_kv_data_to_file(); w.write_tensors_to_file(); w.close()
    elif cmd == "gguf-check":             # OURS SOURCE TYPE: read ours with gguf.GGUFReader and compare
        import gguf
        import gguf.quants as q
        ours, src = gguf.GGUFReader(args[0]), gguf.GGUFReader(args[1])
        t = gguf.GGMLQuantizationType[args[2].upper()]
        def kv(r):
            return {f.name: (f.types, [bytes(f.parts[i]) for i in f.data]) for f in r.fields.values()
                    if not f.name.startswith("GGUF.")}
        ko, ks = kv(ours), kv(src)
        out["metadata_equal_except_file_type"] = {k: v for k, v in ko.items() if k != "general.file_type"} == \
            {k: v for k, v in ks.items() if k != "general.file_type"}
        out["file_type"] = int(ours.fields["general.file_type"].parts[-1][0])
        tensors = []
        for a, b in zip(ours.tensors, src.tensors):
            e = {"name": a.name, "same_name": a.name == b.name, "same_shape": list(a.shape) == list(b.shape),
                 "type": a.tensor_type.name}
            if a.tensor_type == b.tensor_type:   # copied, or a projection the format cannot hold
                e["bytes_equal_source"] = bytes(a.data.tobytes()) == bytes(b.data.tobytes())
            else:
                x = q.dequantize(b.data, b.tensor_type).astype(np.float32).reshape(-1)
                ref = ggml_quantize(t.name, x) if t.name.endswith("_K") else q.quantize(x.reshape(1, -1), t).reshape(-1)
                e["bytes_equal_reference"] = bytes(a.data.tobytes()) == bytes(ref.tobytes())
                e["reference_sqnr"] = sqnr(x, q.dequantize(ref.reshape(int(np.prod(a.shape[1:])) if len(a.shape) > 1 else 1, -1), t).reshape(-1))
            tensors.append(e)
        out["tensors"] = tensors
    elif cmd == "magika-agreement":       # FP32_ONNX TEST_ONNX: both in onnxruntime on 256 real files
        x = magika_features(256)
        out = agreement(ort_outputs(args[0], x), ort_outputs(args[1], x))
        out.update({"inputs": len(x), "size_fp32": os.path.getsize(args[0]), "size_test": os.path.getsize(args[1])})
    elif cmd == "magika-features":        # COUNT OFFSET OUT: int32 [COUNT, 2048] raw
        magika_features(int(args[0]), int(args[1])).tofile(args[2])
    elif cmd == "ort-static":             # FP32 OURS CALIB(int32 raw) METHOD(MinMax|Entropy|Percentile) EVALCOUNT OUT_QDQ
        # onnxruntime's quantize_static on the same calibration batch, QDQ, S8S8, per-channel, Conv/Gemm/
        # MatMul only; then fp32, ORT's and our model run in onnxruntime on the same real inputs.
        from onnxruntime.quantization import CalibrationDataReader, CalibrationMethod, QuantFormat, QuantType, quantize_static
        import onnx
        calib = np.fromfile(args[2], dtype="<i4").reshape(-1, 2048)
        name = onnx.load(args[0]).graph.input[0].name
        class Reader(CalibrationDataReader):
            def __init__(self):
                self.done = False
            def get_next(self):
                if self.done:
                    return None
                self.done = True
                return {name: calib}
        import contextlib, io
        with contextlib.redirect_stdout(io.StringIO()):
            quantize_static(args[0], args[5], Reader(), quant_format=QuantFormat.QDQ, per_channel=True,
                            activation_type=QuantType.QInt8, weight_type=QuantType.QInt8,
                            op_types_to_quantize=["Conv", "Gemm", "MatMul"],
                            calibrate_method=getattr(CalibrationMethod, args[3]))
        x = magika_features(int(args[4]), 1)
        ref = ort_outputs(args[0], x)
        out = {"inputs": len(x), "ours": agreement(ref, ort_outputs(args[1], x)), "ort": agreement(ref, ort_outputs(args[5], x)),
               "size_fp32": os.path.getsize(args[0]), "size_ours": os.path.getsize(args[1]), "size_ort": os.path.getsize(args[5])}
    elif cmd == "sqnr":                   # REF TEST
        out["sqnr"] = sqnr(f32(args[0]), f32(args[1]))
    else:
        raise SystemExit("unknown command " + cmd)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
