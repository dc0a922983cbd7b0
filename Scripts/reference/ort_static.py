#!/usr/bin/env python3
"""onnxruntime's quantize_static as the reference for EdgeOptimize's static int8, on every fetched real
fp32 ONNX model (Tests/EdgeOptimizeTests/Quant/StaticQuantizerORTTests.swift).

  ort_static.py inputs KEY MODEL OUTDIR
      Writes the model's calibration and evaluation feeds as .npy files (calib_<k>_<input>.npy,
      eval_<k>_<input>.npy) and prints {"calib": n, "eval": m, "inputs": [...]} . Inputs are real data
      where the shared models.md gives them, otherwise documented seeded data of the right distribution:
        magika      real files from the fetched wheels in Magika's layout (quant_reference.magika_features):
                    calibration one batch of 32 files, evaluation 128 other files
        ppocr-det   scikit-image photos and scans, RGB resized to 256x256 (a multiple of 32), (x/255-0.5)/0.5
                    (rapidocr config.yaml det mean = std = 0.5); calibration page, text, coins, camera;
                    evaluation astronaut, chelsea, coffee, rocket, horse, motorcycle_left
        ppocr-rec   horizontal strips of skimage page.png (real printed text; 32 px high, every 12 px),
                    grey -> 3 channels, resized to 48x320 (rapidocr rec_img_shape), (x/255-0.5)/0.5;
                    even strips calibrate (one batch), odd strips evaluate
        ppocr-cls   the same strips at 48x192 (cls_image_shape)
        silero      seeded 16 kHz speech-like audio (no recording ships in the fetched wheels): a voiced
                    harmonic source (f0 100-220 Hz gliding, 1/k harmonic amplitudes, syllable-rate envelope)
                    plus pauses and white noise at -30 dB, peak 0.5; 576-sample windows (64 context + 512,
                    silero_vad/utils_vad.py), state zeros, sr 16000; 8 windows calibrate, 24 evaluate
  ort_static.py compare FP32 OURS DIR METHOD OUT_QDQ
      Runs quantize_static(FP32 -> OUT_QDQ) on DIR's calibration feeds (QDQ, QInt8 activations and weights,
      per-channel, op_types_to_quantize Conv/Gemm/MatMul, calibrate_method METHOD), then the fp32 model,
      OURS and OUT_QDQ in onnxruntime (CPU, 1 thread, all graph optimizations) on DIR's evaluation feeds.
      Prints per model the SQNR of the first output against fp32 over all evaluation feeds, and sizes.
      With a sixth argument OURS2 (the caller's model requantized on onnxruntime's own calibration table,
      see `ranges`) its SQNR is printed too ("ours_ort_ranges"); "act_ort" gives, for every activation
      OUT_QDQ quantizes, [scale, zero point] as written (QuantizeLinear inputs 1 and 2).
  ort_static.py ranges FP32 DIR
      onnxruntime's MinMax calibration table on DIR's calibration feeds, computed by its own calibrator
      (create_calibrator, op_types Conv/Gemm/MatMul, the one quantize_static uses): {tensor: [min, max]}.
"""
import contextlib
import glob
import io
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from quant_reference import CACHE, magika_features, sqnr  # noqa: E402

SKIMAGE = os.path.join(CACHE, "assets", "scikit_image-0.26.0", "skimage", "data")


def image(name, size):
    from PIL import Image
    im = Image.open(os.path.join(SKIMAGE, name)).convert("RGB").resize(size, Image.BILINEAR)
    x = np.asarray(im, np.float32) / 255.0
    return ((x - 0.5) / 0.5).transpose(2, 0, 1)[None].astype(np.float32)


def page_strips(width):
    from PIL import Image
    page = Image.open(os.path.join(SKIMAGE, "page.png")).convert("L")
    w, h = page.size
    out = []
    for top in range(0, h - 32 + 1, 12):
        strip = page.crop((0, top, w, top + 32)).convert("RGB").resize((width, 48), Image.BILINEAR)
        x = np.asarray(strip, np.float32) / 255.0
        out.append(((x - 0.5) / 0.5).transpose(2, 0, 1).astype(np.float32))
    return np.stack(out)


def speech_like(seconds, seed):
    rng = np.random.default_rng(seed)
    sr = 16000
    n = int(seconds * sr)
    t = np.arange(n) / sr
    f0 = 160 + 60 * np.sin(2 * np.pi * 0.7 * t + rng.uniform(0, 6.28))
    phase = 2 * np.pi * np.cumsum(f0) / sr
    voiced = sum(np.sin(k * phase) / k for k in range(1, 16))
    env = np.clip(np.sin(2 * np.pi * 4 * t), 0, None) ** 2            # ~4 syllables per second
    env *= (np.sin(2 * np.pi * 0.4 * t) > -0.3)                      # pauses
    x = voiced * env
    x = 0.5 * x / np.max(np.abs(x))
    x += rng.normal(0, 0.5 * 10 ** (-30 / 20), n)
    return x.astype(np.float32)


def feeds(key):
    """(calibration feeds, evaluation feeds), each a list of {input name: array}."""
    if key == "magika":
        return [{"bytes": magika_features(32, 0)}], [{"bytes": magika_features(128, 1)}]
    if key == "ppocr-det":
        cal = ["page.png", "text.png", "coins.png", "camera.png"]
        ev = ["astronaut.png", "chelsea.png", "coffee.png", "rocket.jpg", "horse.png", "motorcycle_left.png"]
        return [{"x": image(c, (256, 256))} for c in cal], [{"x": image(e, (256, 256))} for e in ev]
    if key in ("ppocr-rec", "ppocr-cls"):
        s = page_strips(320 if key == "ppocr-rec" else 192)
        return [{"x": s[0::2]}], [{"x": s[1::2]}]
    if key.startswith("silero"):
        audio = speech_like(4.0, 7)
        windows = [audio[i:i + 576] for i in range(0, len(audio) - 576, 576 * 2)][:32]
        def feed(w):
            return {"input": w[None], "state": np.zeros((2, 1, 128), np.float32), "sr": np.array(16000, np.int64)}
        return [feed(w) for w in windows[:8]], [feed(w) for w in windows[8:32]]
    raise SystemExit("unknown model key " + key)


def write_feeds(key, model, out):
    import onnx
    os.makedirs(out, exist_ok=True)
    names = {i.name for i in onnx.load(model, load_external_data=False).graph.input}
    cal, ev = ([{k: v for k, v in f.items() if k in names} for f in fs] for fs in feeds(key))
    for prefix, fs in (("calib", cal), ("eval", ev)):
        for k, f in enumerate(fs):
            for name, a in f.items():
                np.save(os.path.join(out, "%s_%d_%s.npy" % (prefix, k, name)), a)
    return {"calib": len(cal), "eval": len(ev), "inputs": sorted(cal[0])}


def read_feeds(d, prefix):
    out = {}
    for p in sorted(glob.glob(os.path.join(d, prefix + "_*.npy"))):
        k, name = os.path.basename(p)[len(prefix) + 1:-4].split("_", 1)
        out.setdefault(int(k), {})[name] = np.load(p)
    return [out[k] for k in sorted(out)]


def session(model):
    import onnxruntime as ort
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    return ort.InferenceSession(model, opts, providers=["CPUExecutionProvider"])


def first_outputs(model, fs):
    s = session(model)
    names = {i.name for i in s.get_inputs()}
    return np.concatenate([s.run(None, {k: v for k, v in f.items() if k in names})[0].astype(np.float64).ravel() for f in fs])


class _Reader:
    def __init__(self, feeds):
        self.it = iter(feeds)

    def get_next(self):
        return next(self.it, None)


def ranges(fp32, d):
    import tempfile
    from onnxruntime.quantization.calibrate import CalibrationMethod, create_calibrator
    with tempfile.TemporaryDirectory() as tmp, contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        cal = create_calibrator(fp32, ["Conv", "Gemm", "MatMul"], os.path.join(tmp, "augmented.onnx"),
                                calibrate_method=CalibrationMethod.MinMax)
        cal.collect_data(_Reader(read_feeds(d, "calib")))
        table = cal.compute_data()
    return {k: [float(np.ravel(v.range_value[0])[0]), float(np.ravel(v.range_value[1])[0])] for k, v in table.items()}


def activation_params(path):
    import onnx
    from onnx import numpy_helper
    m = onnx.load(path)
    init = {i.name: numpy_helper.to_array(i) for i in m.graph.initializer}
    out = {}
    for n in m.graph.node:
        if n.op_type == "QuantizeLinear" and n.input[1] in init:
            out[n.input[0]] = [float(init[n.input[1]].ravel()[0]), int(init[n.input[2]].ravel()[0])]
    return out


def compare(fp32, ours, d, method, out, ours2=None):
    from onnxruntime.quantization import CalibrationDataReader, CalibrationMethod, QuantFormat, QuantType, quantize_static
    cal = read_feeds(d, "calib")

    class Reader(CalibrationDataReader):
        def __init__(self):
            self.it = iter(cal)

        def get_next(self):
            return next(self.it, None)

    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        quantize_static(fp32, out, Reader(), quant_format=QuantFormat.QDQ, per_channel=True,
                        activation_type=QuantType.QInt8, weight_type=QuantType.QInt8,
                        op_types_to_quantize=["Conv", "Gemm", "MatMul"],
                        calibrate_method=getattr(CalibrationMethod, method))
    ev = read_feeds(d, "eval")
    ref = first_outputs(fp32, ev)
    import onnx
    def qdq_count(path):
        return sum(1 for n in onnx.load(path).graph.node if n.op_type == "QuantizeLinear")
    extra = {}
    if ours2:
        extra["ours_ort_ranges"] = sqnr(ref, first_outputs(ours2, ev))
    extra["act_ort"] = activation_params(out)
    return {**extra, "eval": len(ev), "values": int(ref.size),
            "ours": sqnr(ref, first_outputs(ours, ev)), "ort": sqnr(ref, first_outputs(out, ev)),
            "size_fp32": os.path.getsize(fp32), "size_ours": os.path.getsize(ours), "size_ort": os.path.getsize(out),
            "q_ours": qdq_count(ours), "q_ort": qdq_count(out)}


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "inputs":
        out = write_feeds(args[0], args[1], args[2])
    elif cmd == "compare":
        out = compare(*args[:6])
    elif cmd == "ranges":
        out = ranges(args[0], args[1])
    else:
        raise SystemExit("unknown command " + cmd)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
