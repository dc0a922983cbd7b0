#!/usr/bin/env python3
"""Facts about a TFLite model read with the official schema module (ai_edge_litert's
schema_py_generated) and interpreter, printed as JSON for Edgewise's importer tests.

Usage: tflite_facts.py FILE
"""
import json
import sys

import numpy as np
from ai_edge_litert import schema_py_generated as schema

OPS = {v: k for k, v in schema.BuiltinOperator.__dict__.items() if not k.startswith("_")}
TYPES = {v: k for k, v in schema.TensorType.__dict__.items() if not k.startswith("_")}


def main():
    path = sys.argv[1]
    buf = open(path, "rb").read()
    m = schema.Model.GetRootAsModel(buf, 0)
    codes = []
    for i in range(m.OperatorCodesLength()):
        c = m.OperatorCodes(i)
        code = max(c.BuiltinCode(), c.DeprecatedBuiltinCode())
        codes.append("CUSTOM:" + c.CustomCode().decode() if code == schema.BuiltinOperator.CUSTOM else OPS[code])
    g = m.Subgraphs(0)
    hist = {}
    for i in range(g.OperatorsLength()):
        name = codes[g.Operators(i).OpcodeIndex()]
        hist[name] = hist.get(name, 0) + 1

    def buffer_size(b):
        bb = m.Buffers(b)
        if bb.Offset() > 1:
            return bb.Size()
        return bb.DataLength()

    tensors, params, constants = [], 0, 0
    for i in range(g.TensorsLength()):
        t = g.Tensors(i)
        shape = [int(x) for x in t.ShapeAsNumpy()] if t.ShapeLength() else []
        has_data = t.Buffer() > 0 and buffer_size(t.Buffer()) > 0
        if has_data:
            constants += 1
            params += int(np.prod(shape)) if shape else 1
        q = t.Quantization()
        scales = q.ScaleLength() if q is not None else 0
        tensors.append({"name": t.Name().decode(), "shape": shape, "type": TYPES[t.Type()], "constant": has_data,
                        "scales": scales, "sparse": t.Sparsity() is not None})

    def io(indices):
        return [{"name": tensors[j]["name"], "shape": tensors[j]["shape"], "type": tensors[j]["type"]} for j in indices]

    out = {
        "version": m.Version(),
        "description": m.Description().decode() if m.Description() else None,
        "subgraphs": m.SubgraphsLength(),
        "buffers": m.BuffersLength(),
        "tensor_count": g.TensorsLength(),
        "operator_count": g.OperatorsLength(),
        "op_histogram": hist,
        "parameters": params,
        "constants": constants,
        "inputs": io([g.Inputs(i) for i in range(g.InputsLength())]),
        "outputs": io([g.Outputs(i) for i in range(g.OutputsLength())]),
        "metadata": [m.Metadata(i).Name().decode() for i in range(m.MetadataLength())],
        "tensors": tensors,
    }
    # The interpreter's view of the signature, where it can load the model (custom ops may stop it).
    try:
        from ai_edge_litert.interpreter import Interpreter
        it = Interpreter(model_path=path)
        out["interpreter_inputs"] = [{"name": d["name"], "shape": [int(x) for x in d["shape"]]} for d in it.get_input_details()]
        out["interpreter_outputs"] = [{"name": d["name"], "shape": [int(x) for x in d["shape"]]} for d in it.get_output_details()]
    except Exception as e:  # noqa: BLE001 — reported, not hidden
        out["interpreter_error"] = str(e).splitlines()[0] if str(e) else type(e).__name__
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
