"""Runs a TFLite model with LiteRT (ai-edge-litert, 1 thread) on .npy inputs; writes outputs as .npy.

stdin: {"model": path, "inputs": {name: npy path}, "out": dir, "kernels": "reference" | "default"}
"reference" (the default here) uses LiteRT's builtin reference kernels (OpResolverType.BUILTIN_REF), the
specification the engine is held to; "default" uses the XNNPACK-delegated optimized kernels, which on
pose_landmark_full differ from LiteRT's own reference kernels by 2.1e-4 of the output range.
Inputs are matched by tensor name, falling back to position when the name is not found.
stdout: {"outputs": [[name, npy path], ...]} in the model's output order.
"""
import json, os, sys
import numpy as np
from ai_edge_litert import interpreter as tfl

req = json.load(sys.stdin)
resolver = (tfl.OpResolverType.BUILTIN_REF if req.get("kernels", "reference") == "reference"
            else tfl.OpResolverType.AUTO)
it = tfl.Interpreter(model_path=req["model"], num_threads=1, experimental_op_resolver_type=resolver)
it.allocate_tensors()
details = it.get_input_details()
given = list(req["inputs"].items())
for k, d in enumerate(details):
    path = dict(given).get(d["name"]) or given[k][1]
    it.set_tensor(d["index"], np.load(path))
it.invoke()
out = []
for i, d in enumerate(it.get_output_details()):
    p = os.path.join(req["out"], f"ref_{i}.npy")
    np.save(p, np.ascontiguousarray(it.get_tensor(d["index"])))
    out.append([d["name"], p])
print(json.dumps({"outputs": out}))
