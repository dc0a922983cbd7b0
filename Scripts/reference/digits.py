"""The sklearn digits set as .npy files, and onnxruntime's accuracy of a classifier on it.

The data come from the scikit-learn 1.9.1 wheel that Scripts/fetch-models.sh extracts
(`sklearn/datasets/data/digits.csv.gz`: 1797 rows of 64 pixel values 0..16, row-major 8x8, then the
label 0..9). Images are scaled to x/16 and shaped [N, 1, 8, 8] float32; labels are int64.

Split (fixed, no shuffling): rows 0-999 train, rows 1000-1796 test — the split of the 64-32-10 MLP
baseline in the shared models.md notes (0.941 there). The later rows come from other writers, so this
split is harder than a random one.

stdin, one of:
  {"op": "data", "csv": path, "out": dir}
      -> writes x_train.npy, y_train.npy, x_test.npy, y_test.npy; prints their paths and counts.
  {"op": "accuracy", "model": path, "x": npy, "y": npy}
      -> onnxruntime (1 thread) top-1 accuracy of the model's first output: {"accuracy", "correct", "count"}.
"""
import gzip, json, os, sys
import numpy as np

req = json.load(sys.stdin)
if req["op"] == "data":
    with gzip.open(req["csv"], "rt") as f:
        rows = np.loadtxt(f, delimiter=",", dtype=np.int64)
    assert rows.shape == (1797, 65), rows.shape
    x = (rows[:, :64].astype(np.float32) / 16.0).reshape(-1, 1, 8, 8)
    y = rows[:, 64].astype(np.int64)
    os.makedirs(req["out"], exist_ok=True)
    paths = {}
    for name, arr in [("x_train", x[:1000]), ("y_train", y[:1000]), ("x_test", x[1000:]), ("y_test", y[1000:])]:
        p = os.path.join(req["out"], name + ".npy")
        np.save(p, np.ascontiguousarray(arr))
        paths[name] = p
    print(json.dumps({"paths": paths, "train": 1000, "test": int(len(y) - 1000),
                      "test_class_counts": np.bincount(y[1000:], minlength=10).tolist()}))
elif req["op"] == "accuracy":
    import onnxruntime as ort
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    sess = ort.InferenceSession(req["model"], opts, providers=["CPUExecutionProvider"])
    x, y = np.load(req["x"]), np.load(req["y"])
    out = sess.run(None, {sess.get_inputs()[0].name: x})[0]
    pred = out.reshape(len(y), -1).argmax(axis=1)
    correct = int((pred == y).sum())
    print(json.dumps({"accuracy": correct / len(y), "correct": correct, "count": int(len(y)),
                      "predictions": pred.tolist()}))
else:
    raise SystemExit("unknown op " + req["op"])
