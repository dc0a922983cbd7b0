#!/usr/bin/env python3
"""Writes ONNX models whose weights live in side files (external data), valid and hostile, for the
Swift importer tests, and prints what the official `onnx` package says about each as JSON.

Usage: onnx_external_cases.py OUTDIR
Layout written under OUTDIR:
  ok/model.onnx + ok/weights.bin   saved by onnx.save_model(save_as_external_data=True), 2 tensors
  <case>/model.onnx                hostile variants (location escaping the directory, symlink out,
                                   ranges past the end of the side file, wrong length for the dims)
  outside.bin                      a file outside every model directory (the escape target)
Prints {"ok": {"tensors": {name: {"location", "offset", "length", "values"}}},
        "<case>": {"reason": substring the importer's error must contain}}.
"""
import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from onnx.external_data_helper import ExternalDataInfo


def graph_with(initializers, dims):
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, dims)
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, dims)
    nodes = [helper.make_node("Add", ["x", initializers[0].name], ["y"])]
    g = helper.make_graph(nodes, "external", [x], [y], initializers)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)], producer_name="edgewise-test")
    m.ir_version = 8
    return m


def external_tensor(name, dims, location, offset=None, length=None):
    t = TensorProto()
    t.name = name
    t.data_type = TensorProto.FLOAT
    t.dims.extend(dims)
    t.data_location = TensorProto.EXTERNAL
    for k, v in (("location", location), ("offset", offset), ("length", length)):
        if v is not None:
            e = t.external_data.add()
            e.key = k
            e.value = str(v)
    return t


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    facts = {}

    # A valid model: two float tensors in one side file, aligned as onnx writes them.
    rng = np.random.default_rng(7)
    a = rng.standard_normal((4, 8)).astype(np.float32)
    b = rng.standard_normal((8,)).astype(np.float32)
    m = graph_with([numpy_helper.from_array(b, "b"), numpy_helper.from_array(a, "a")], [8])
    os.makedirs(os.path.join(out, "ok"), exist_ok=True)
    path = os.path.join(out, "ok", "model.onnx")
    onnx.save_model(m, path, save_as_external_data=True, all_tensors_to_one_file=True,
                    location="weights.bin", size_threshold=0)
    onnx.checker.check_model(path)
    loaded = onnx.load(path, load_external_data=False)
    tensors = {}
    for t in loaded.graph.initializer:
        info = ExternalDataInfo(t)
        value = {"a": a, "b": b}[t.name]
        tensors[t.name] = {"location": info.location, "offset": info.offset or 0, "length": info.length,
                           "values": value.reshape(-1).tolist()}
    facts["ok"] = {"tensors": tensors}

    with open(os.path.join(out, "outside.bin"), "wb") as f:
        f.write(np.zeros(64, np.float32).tobytes())

    def hostile(case, tensor, reason, side=None):
        d = os.path.join(out, case)
        os.makedirs(d, exist_ok=True)
        if side is not None:
            with open(os.path.join(d, "w.bin"), "wb") as f:
                f.write(side)
        onnx.save(graph_with([tensor], [4]), os.path.join(d, "model.onnx"))
        facts[case] = {"reason": reason}

    sixteen = np.arange(4, dtype=np.float32).tobytes()  # 4 floats = 16 bytes
    hostile("dotdot", external_tensor("w", [4], "../outside.bin"), "leaves the model's directory")
    hostile("absolute", external_tensor("w", [4], os.path.abspath(os.path.join(out, "outside.bin"))),
            "leaves the model's directory")
    os.makedirs(os.path.join(out, "symlink"), exist_ok=True)
    link = os.path.join(out, "symlink", "w.bin")
    if not os.path.lexists(link):
        os.symlink(os.path.abspath(os.path.join(out, "outside.bin")), link)
    hostile("symlink", external_tensor("w", [4], "w.bin"), "resolves outside the model's directory")
    hostile("missing", external_tensor("w", [4], "nothing.bin"), "not found")
    hostile("past-end", external_tensor("w", [4], "w.bin", offset=8, length=16), "run past the end", sixteen)
    hostile("offset-past-end", external_tensor("w", [4], "w.bin", offset=4096), "past the end", sixteen)
    hostile("short", external_tensor("w", [4], "w.bin", offset=0, length=12), "needs 16", sixteen)
    hostile("huge-length", external_tensor("w", [4], "w.bin", length=2 ** 62), "run past the end", sixteen)
    hostile("bad-offset", external_tensor("w", [4], "w.bin", offset="-16"), "not a non-negative integer", sixteen)
    hostile("no-location", external_tensor("w", [4], ""), "no location")
    json.dump(facts, sys.stdout)


if __name__ == "__main__":
    main()
