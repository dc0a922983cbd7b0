#!/usr/bin/env python3
"""Makes an int8 (QOperator) form of an fp32 ONNX model with onnxruntime.quantization.quantize_static.

Usage: python3 Scripts/reference/quantize_int8.py SRC.onnx DST.onnx   (prints the op histogram)
   or: stdin {"src": path, "dst": path} → stdout {"path": dst, "ops": {op: count}} (the agreement tests);
       an existing DST is kept (the cache: ~/.cache/edgewise/int8/); with "exposed": path, also writes a copy
       whose QLinearConv / QLinearMatMul outputs are graph outputs.

The model is first pre-processed as onnxruntime recommends (quant_pre_process: BatchNormalization
folded into Conv). Only Conv and MatMul are quantized (QLinearConv / QLinearMatMul between QuantizeLinear and
DequantizeLinear; the com.microsoft QLinear* ops of the other types are left out), plus Relu (fused
away into the preceding QLinearConv's output range) and MaxPool (runs on uint8). Activations are
uint8 (per-tensor, MinMax calibration), weights int8 per tensor — or, with "reduce_range": true in the request,
7-bit weights in the int8 range (onnxruntime's reduce_range, which its documentation advises for x86 CPUs without
VNNI, whose u8 × s8 kernels can saturate on full-range weights). Calibration: 4 seeded N(0, 1) inputs of the model's
input shape (free dimensions 1) or of the request's "shape". Written to DST atomically; prints the op histogram.
"""
import collections, os, sys, tempfile

import numpy as np
import onnx
import onnx.version_converter
from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static


class Seeded(CalibrationDataReader):
    def __init__(self, model, shape=None):
        inits = {i.name for i in model.graph.initializer}
        self.inputs = []
        for i in model.graph.input:
            if i.name in inits:
                continue
            dims = shape or [d.dim_value if d.dim_value > 0 else 1 for d in i.type.tensor_type.shape.dim]
            self.inputs.append((i.name, dims))
        rng = np.random.default_rng(7)
        self.batches = iter([{n: rng.standard_normal(s).astype(np.float32) for n, s in self.inputs} for _ in range(4)])

    def get_next(self):
        return next(self.batches, None)


def prepare(model):
    """The ONNX "light" models build their biases with ConstantOfShape and list initializers as graph
    inputs (opset 9); the quantizer wants constant initializers, so fold those and move to opset 13."""
    from onnx import numpy_helper
    g = model.graph
    inits = {i.name: i for i in g.initializer}
    keep = []
    for n in g.node:
        if n.op_type == "ConstantOfShape" and n.input[0] in inits:
            shape = numpy_helper.to_array(inits[n.input[0]]).astype(np.int64)
            value = numpy_helper.to_array(n.attribute[0].t).reshape(-1)[0] if n.attribute else np.float32(0)
            g.initializer.append(numpy_helper.from_array(np.full(shape, value), n.output[0]))
        else:
            keep.append(n)
    del g.node[:]
    g.node.extend(keep)
    names = {i.name for i in g.initializer}
    graph_inputs = [i for i in g.input if i.name not in names]
    del g.input[:]
    g.input.extend(graph_inputs)
    used = {x for n in g.node for x in n.input}
    live = [i for i in g.initializer if i.name in used]
    del g.initializer[:]
    g.initializer.extend(live)
    model.ir_version = max(model.ir_version, 7)
    if model.opset_import[0].version < 13:
        model = onnx.version_converter.convert_version(model, 13)
    return model


def main(src, dst, shape=None, reduce_range=False):
    if os.path.exists(dst):
        return
    model = prepare(onnx.load(src))
    fd, fp32 = tempfile.mkstemp(suffix=".onnx", dir=os.path.dirname(os.path.abspath(dst)))
    os.close(fd)
    onnx.save(model, fp32)
    # onnxruntime's recommended pre-processing: its graph optimizer folds BatchNormalization into Conv.
    from onnxruntime.quantization.shape_inference import quant_pre_process
    quant_pre_process(fp32, fp32, skip_symbolic_shape=True)
    fd, tmp = tempfile.mkstemp(suffix=".onnx", dir=os.path.dirname(os.path.abspath(dst)))
    os.close(fd)
    quantize_static(fp32, tmp, Seeded(model, shape), quant_format=QuantFormat.QOperator, op_types_to_quantize=["Conv", "MatMul", "Relu", "MaxPool"],
                    activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8, per_channel=False,
                    reduce_range=reduce_range)
    os.replace(tmp, dst)
    os.remove(fp32)


def expose(path, dst):
    """A copy of the int8 model with every QLinearConv / QLinearMatMul output also a graph output."""
    from onnx import helper
    m = onnx.load(path)
    have = {o.name for o in m.graph.output}
    for n in m.graph.node:
        if n.op_type in ("QLinearConv", "QLinearMatMul") and n.output[0] not in have:
            m.graph.output.append(helper.make_tensor_value_info(n.output[0], onnx.TensorProto.UINT8, None))
    onnx.save(m, dst)


def ops(path):
    return dict(sorted(collections.Counter(n.op_type for n in onnx.load(path).graph.node).items()))


if __name__ == "__main__":
    if len(sys.argv) == 3:
        main(sys.argv[1], sys.argv[2])
        print(" ".join(f"{k}:{v}" for k, v in ops(sys.argv[2]).items()))
    else:
        import contextlib, json
        req = json.load(sys.stdin)
        os.makedirs(os.path.dirname(os.path.abspath(req["dst"])), exist_ok=True)
        with contextlib.redirect_stdout(sys.stderr):
            main(req["src"], req["dst"], req.get("shape"), bool(req.get("reduce_range")))
        answer = {"path": req["dst"], "ops": ops(req["dst"])}
        if req.get("exposed"):
            expose(req["dst"], req["exposed"])
            answer["exposed"] = req["exposed"]
        print(json.dumps(answer))
