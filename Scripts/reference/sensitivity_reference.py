"""Reference numbers for sensitivity analysis, mixed precision and `compare`, computed with onnxruntime.

Commands (stdout: one JSON object):
  corpus OUT_RAW STEP      Magika's labelled file corpus (magika_corpus.py), every STEP-th file: int32
                           [N, 2048] raw to OUT_RAW; {"rows": N, "labels": [class index per row]}.
  ort-score FP32 TEST RAW  both models in onnxruntime on the int32 [N, 2048] features: output SQNR (dB,
                           all outputs together), top-1 agreement; with LABELS_JSON (optional 4th) accuracy.
"""
import json, os, subprocess, sys, tempfile
import numpy as np
import onnxruntime as ort

CACHE = os.environ.get("EDGEWISE_CACHE", os.path.expanduser("~/.cache/edgewise"))
HERE = os.path.dirname(os.path.abspath(__file__))


def run(model, x):
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    s = ort.InferenceSession(model, opts, providers=["CPUExecutionProvider"])
    return [o.astype(np.float64) for o in s.run(None, {s.get_inputs()[0].name: x})]


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "corpus":
        with tempfile.TemporaryDirectory() as d:
            r = subprocess.run([sys.executable, os.path.join(HERE, "magika_corpus.py")], check=True, capture_output=True,
                               input=json.dumps({"cache": CACHE, "out": d}).encode())
            c = json.loads(r.stdout)
            x = np.load(c["features"])
        step = int(args[1])
        x = np.ascontiguousarray(x[::step].astype("<i4"))
        x.tofile(args[0])
        labels = [c["labels"].index(t) for t in c["truth"][::step]]
        out = {"rows": int(x.shape[0]), "labels": labels}
    elif cmd == "ort-score":
        x = np.fromfile(args[2], dtype="<i4").reshape(-1, 2048)
        a, b = run(args[0], x), run(args[1], x)
        sig = sum(float(np.sum(r * r)) for r in a)
        noise = sum(float(np.sum((r - t) ** 2)) for r, t in zip(a, b))
        out = {"sqnr": None if noise == 0 else 10 * np.log10(sig / noise),
               "top1_agreement": float(np.mean(a[0].argmax(1) == b[0].argmax(1)))}
        if len(args) > 3:
            labels = np.array(json.loads(args[3]))
            out["accuracy_ref"] = float(np.mean(a[0].argmax(1) == labels))
            out["accuracy_test"] = float(np.mean(b[0].argmax(1) == labels))
    else:
        raise SystemExit("unknown command " + cmd)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
