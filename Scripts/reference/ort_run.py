"""Runs an ONNX model with onnxruntime (1 thread) on .npy inputs; writes the outputs as .npy.

stdin: {"model": path, "inputs": {name: npy path}, "out": dir}
stdout: {"outputs": [[name, npy path], ...]} in the model's output order.
Used by the engine's agreement tests as the reference runtime.
"""
import json, os, sys
import numpy as np
import onnxruntime as ort

req = json.load(sys.stdin)
opts = ort.SessionOptions()
opts.intra_op_num_threads = 1
opts.inter_op_num_threads = 1
sess = ort.InferenceSession(req["model"], opts, providers=["CPUExecutionProvider"])
feeds = {k: np.load(v) for k, v in req["inputs"].items()}
names = [o.name for o in sess.get_outputs()]
results = sess.run(names, feeds)
out = []
for i, (n, r) in enumerate(zip(names, results)):
    p = os.path.join(req["out"], f"ref_{i}.npy")
    np.save(p, np.ascontiguousarray(r))
    out.append([n, p])
print(json.dumps({"outputs": out}))
