#!/usr/bin/env python3
"""Reference runs for EdgeOptimize's compression tests (low-rank, channel pruning, dynamic int8, fp16/bf16,
bias correction), computed at test time with onnxruntime and numpy — never with the code under test.

Usage: compress_reference.py COMMAND [ARGS...]; arrays travel as .npy files, results as JSON on stdout.
  svd IN.npy                                  numpy.linalg.svd: singular values, matrix_rank
  ocr-inputs COUNT H W OUT.npy                crops of skimage's page.png in PP-OCR's preprocessing
  ort-check REF.onnx TEST.onnx IN.npy [ENGINE_OUT.npy]
                                              both models in onnxruntime on IN (first input); SQNR and top-1
                                              agreement of TEST vs REF; with ENGINE_OUT also the SQNR of the
                                              engine's output vs onnxruntime's on TEST
  ort-dynamic FP32.onnx OURS.onnx IN.npy PER_CHANNEL OUT.onnx
                                              onnxruntime.quantization.quantize_dynamic (MatMul, QInt8) written to
                                              OUT; SQNR/top-1/size of ours and of ORT's vs fp32 on IN
"""
import json
import os
import sys

import numpy as np

CACHE = os.environ.get("EDGEWISE_CACHE", os.path.expanduser("~/.cache/edgewise"))


def sqnr(ref, test):
    ref = ref.astype(np.float64)
    err = ref - test.astype(np.float64)
    noise = float(np.sum(err * err))
    return None if noise == 0 else float(10 * np.log10(np.sum(ref * ref) / noise))


def session(path):
    import onnxruntime as ort
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    # No graph rewrites: run what the file says (ORT may fold or requantize QDQ pairs otherwise).
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    return ort.InferenceSession(path, opts, providers=["CPUExecutionProvider"])


def run(path, x):
    s = session(path)
    return s.run(None, {s.get_inputs()[0].name: x})[0]


def top1(a, b):
    a = a.reshape(-1, a.shape[-1])
    b = b.reshape(-1, b.shape[-1])
    return float(np.mean(a.argmax(1) == b.argmax(1)))


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    out = {}
    if cmd == "svd":
        a = np.load(args[0]).astype(np.float64)
        out["s"] = [float(v) for v in np.linalg.svd(a, compute_uv=False)]
        out["rank"] = int(np.linalg.matrix_rank(a))
    elif cmd == "ocr-inputs":
        from PIL import Image
        count, h, w = int(args[0]), int(args[1]), int(args[2])
        img = Image.open(os.path.join(CACHE, "assets/scikit_image-0.26.0/skimage/data/page.png")).convert("RGB")
        a = np.asarray(img, np.float32)
        rows = []
        # Windows of 2h × 2w pixels stepping over the page, resized to h × w (bilinear), (x/255 − 0.5)/0.5.
        ys = np.linspace(0, a.shape[0] - 2 * h, 4).astype(int)
        xs = np.linspace(0, a.shape[1] - 2 * w, max(1, (count + 3) // 4)).astype(int)
        for y in ys:
            for x in xs:
                crop = Image.fromarray(a[y:y + 2 * h, x:x + 2 * w].astype(np.uint8)).resize((w, h), Image.BILINEAR)
                rows.append(((np.asarray(crop, np.float32) / 255 - 0.5) / 0.5).transpose(2, 0, 1))
        np.save(args[3], np.stack(rows[:count]).astype(np.float32))
        out["count"] = len(rows[:count])
    elif cmd == "ort-check":
        x = np.load(args[2])
        ref, test = run(args[0], x), run(args[1], x)
        out = {"sqnr": sqnr(ref, test), "top1_agreement": top1(ref, test), "shape": list(test.shape)}
        if len(args) > 3:
            out["engine_vs_ort_sqnr"] = sqnr(test, np.load(args[3]).reshape(test.shape))
    elif cmd == "ort-dynamic":
        from onnxruntime.quantization import QuantType, quantize_dynamic
        fp32, ours, x, per_channel, dst = args[0], args[1], np.load(args[2]), args[3] == "1", args[4]
        quantize_dynamic(fp32, dst, op_types_to_quantize=["MatMul"], per_channel=per_channel,
                         weight_type=QuantType.QInt8)
        ref = run(fp32, x)
        for key, path in (("ours", ours), ("ort", dst)):
            y = run(path, x)
            out[key] = {"sqnr": sqnr(ref, y), "top1_agreement": top1(ref, y), "size": os.path.getsize(path)}
        out["size_fp32"] = os.path.getsize(fp32)
    else:
        raise SystemExit(f"unknown command {cmd}")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
