#!/usr/bin/env python3
"""Facts about ONNX files, read with the official `onnx` package, as JSON for Edgewise's importer tests.

Usage: onnx_facts.py FILE... (or one path per line on stdin when no FILE is given).
Prints one JSON object: {path: facts}. A file the onnx package cannot parse gets {"error": "..."}.

Definitions (the Swift tests compute the same quantities from the imported IR):
- "ops": histogram of node op types in the main graph, without Constant nodes (the importer folds
  those into constant tensors); "constant_nodes": how many Constant nodes the main graph has.
- "ops_all", "constant_nodes_all": the same over the main graph and every nested subgraph
  (If/Loop/Scan bodies, recursively).
- "tensors": initializers + Constant nodes of the main graph; "parameters": their total element
  count. "tensors_all", "parameters_all": the same including subgraphs.
- "inputs": graph inputs that have no initializer of the same name (an initializer makes an input a
  constant with a default value), in file order; "outputs": graph outputs. Each has "name", "kind"
  (tensor, sequence, map, optional, sparse_tensor or none), "elem_type" (ONNX data type code of the
  tensor, or of the innermost tensor for sequence/optional) and "shape" (list of ints, strings for
  dim_param, null for a dimension with neither; null for an unknown rank).
- "elem_types": every data type code used by an initializer, a Constant tensor or a main-graph
  input/output, sorted.
- "opsets": {domain: version}, with the default domain written "ai.onnx".
"""
import json
import sys
from collections import Counter

import onnx
from onnx import helper


def value_type(t):
    kind = t.WhichOneof("value")
    if kind == "tensor_type" or kind == "sparse_tensor_type":
        tt = getattr(t, kind)
        shape = None
        if tt.HasField("shape"):
            shape = []
            for d in tt.shape.dim:
                w = d.WhichOneof("value")
                shape.append(d.dim_value if w == "dim_value" else d.dim_param if w == "dim_param" else None)
        return ("tensor" if kind == "tensor_type" else "sparse_tensor"), tt.elem_type, shape
    if kind in ("sequence_type", "optional_type"):
        _, elem, shape = value_type(getattr(t, kind).elem_type)
        return kind[: -len("_type")], elem, shape
    if kind == "map_type":
        return "map", t.map_type.key_type, None
    return "none", 0, None


def constant_elements(node):
    for a in node.attribute:
        if a.name == "value":
            return helper.get_attribute_value(a).dims, a.t.data_type
        if a.name == "sparse_value":
            return a.sparse_tensor.dims, a.sparse_tensor.values.data_type
        if a.name in ("value_float", "value_int", "value_string"):
            return [], {"value_float": 1, "value_int": 7, "value_string": 8}[a.name]
        if a.name in ("value_floats", "value_ints", "value_strings"):
            n = len(a.floats) + len(a.ints) + len(a.strings)
            return [n], {"value_floats": 1, "value_ints": 7, "value_strings": 8}[a.name]
    return None, None


def product(dims):
    n = 1
    for d in dims:
        n *= d
    return n


def graph_facts(g, recurse, acc):
    for t in g.initializer:
        acc["tensors"] += 1
        acc["parameters"] += product(t.dims)
        acc["types"].add(t.data_type)
    for n in g.node:
        if n.op_type == "Constant" and n.domain in ("", "ai.onnx"):
            acc["constant_nodes"] += 1
            dims, dtype = constant_elements(n)
            if dims is not None:
                acc["tensors"] += 1
                acc["parameters"] += product(dims)
                acc["types"].add(dtype)
        else:
            acc["ops"][n.op_type] += 1
        if recurse:
            for a in n.attribute:
                if a.type == onnx.AttributeProto.GRAPH:
                    graph_facts(a.g, recurse, acc)
                    acc["subgraphs"][n.op_type] += 1
                elif a.type == onnx.AttributeProto.GRAPHS:
                    for sg in a.graphs:
                        graph_facts(sg, recurse, acc)
                        acc["subgraphs"][n.op_type] += 1
    return acc


def new_acc():
    return {"tensors": 0, "parameters": 0, "constant_nodes": 0, "ops": Counter(), "types": set(), "subgraphs": Counter()}


def facts(path):
    m = onnx.load(path, load_external_data=False)
    g = m.graph
    top = graph_facts(g, False, new_acc())
    every = graph_facts(g, True, new_acc())
    init_names = {t.name for t in g.initializer}

    def values(vs):
        out = []
        for v in vs:
            kind, elem, shape = value_type(v.type)
            out.append({"name": v.name, "kind": kind, "elem_type": elem, "shape": shape})
            if kind == "tensor" and elem:
                top["types"].add(elem)
        return out

    inputs = values([v for v in g.input if v.name not in init_names])
    outputs = values(g.output)
    return {
        "ir_version": m.ir_version,
        "producer": (m.producer_name + " " + m.producer_version).strip(),
        "opsets": {(o.domain or "ai.onnx"): o.version for o in m.opset_import},
        "ops": dict(top["ops"]),
        "constant_nodes": top["constant_nodes"],
        "ops_all": dict(every["ops"]),
        "constant_nodes_all": every["constant_nodes"],
        "subgraphs": dict(every["subgraphs"]),
        "tensors": top["tensors"],
        "parameters": top["parameters"],
        "tensors_all": every["tensors"],
        "parameters_all": every["parameters"],
        "inputs": inputs,
        "outputs": outputs,
        "elem_types": sorted(top["types"] | every["types"]),
        "metadata": {p.key: p.value for p in m.metadata_props},
        "external_data": any(t.data_location == onnx.TensorProto.EXTERNAL for t in g.initializer),
    }


def main():
    paths = sys.argv[1:] or [line.strip() for line in sys.stdin if line.strip()]
    result = {}
    for p in paths:
        try:
            result[p] = facts(p)
        except Exception as e:  # the test decides what a failure means
            result[p] = {"error": f"{type(e).__name__}: {e}"}
    json.dump(result, sys.stdout, indent=None, separators=(",", ":"))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
