#!/usr/bin/env python3
"""Writes small TFLite test models with the official schema module's object API
(ai_edge_litert.schema_py_generated + flatbuffers) into a directory.

  external.tflite  per-axis int8 weight whose buffer lies after the FlatBuffer (Buffer.offset/size, the
                   large-model layout), DEQUANTIZE → CONV_2D (SAME, fused RELU) → STRIDED_SLICE with a
                   shrink mask → a custom op; plus external.json with where the external buffer was put
Usage: make_tflite_fixtures.py OUTDIR
"""
import json
import os
import sys

import flatbuffers
import numpy as np
from ai_edge_litert import schema_py_generated as s


def tensor(name, shape, ttype, buffer, quant=None):
    t = s.TensorT()
    t.name, t.shape, t.type, t.buffer, t.quantization = name.encode(), shape, ttype, buffer, quant
    return t


def op(opcode, inputs, outputs, options_type=0, options=None):
    o = s.OperatorT()
    o.opcodeIndex, o.inputs, o.outputs = opcode, inputs, outputs
    o.builtinOptionsType, o.builtinOptions = options_type, options
    return o


def code(builtin, custom=None):
    c = s.OperatorCodeT()
    c.builtinCode, c.deprecatedBuiltinCode, c.version = builtin, min(builtin, 127), 1
    c.customCode = custom.encode() if custom else None
    return c


def external(out):
    T = s.TensorType
    weights = np.array([[1, -2], [3, -4], [5, -6]], dtype=np.int8).reshape(3, 1, 1, 2)
    q = s.QuantizationParametersT()
    q.scale, q.zeroPoint, q.quantizedDimension = [0.1, 0.2, 0.3], [0, 0, 0], 0
    tensors = [
        tensor("input", [1, 4, 4, 2], T.FLOAT32, 0),
        tensor("w_q", [3, 1, 1, 2], T.INT8, 1, q),
        tensor("w", [3, 1, 1, 2], T.FLOAT32, 0),
        tensor("bias", [3], T.FLOAT32, 2),
        tensor("conv", [1, 4, 4, 3], T.FLOAT32, 0),
        tensor("begin", [4], T.INT32, 3),
        tensor("end", [4], T.INT32, 4),
        tensor("strides", [4], T.INT32, 5),
        tensor("sliced", [1, 4, 3], T.FLOAT32, 0),
        tensor("custom_out", [1, 4, 3], T.FLOAT32, 0),
    ]
    conv = s.Conv2DOptionsT()
    conv.padding, conv.strideW, conv.strideH = s.Padding.SAME, 1, 1
    conv.fusedActivationFunction = s.ActivationFunctionType.RELU
    sl = s.StridedSliceOptionsT()
    sl.shrinkAxisMask = 4
    B = s.BuiltinOperator
    codes = [code(B.DEQUANTIZE), code(B.CONV_2D), code(B.STRIDED_SLICE), code(B.CUSTOM, "EdgewiseTestOp")]
    ops = [op(0, [1], [2]), op(1, [0, 2, 3], [4], s.BuiltinOptions.Conv2DOptions, conv),
           op(2, [4, 5, 6, 7], [8], s.BuiltinOptions.StridedSliceOptions, sl), op(3, [8], [9])]
    g = s.SubGraphT()
    g.tensors, g.inputs, g.outputs, g.operators, g.name = tensors, [0], [9], ops, b"main"

    def buf(data=None, offset=0, size=0):
        b = s.BufferT()
        b.data = list(data) if data is not None else None
        b.offset, b.size = offset, size
        return b

    inline = [np.array([0.5, -0.5, 1.0], np.float32).tobytes(), np.array([0, 0, 1, 0], np.int32).tobytes(),
              np.array([1, 4, 2, 3], np.int32).tobytes(), np.array([1, 1, 1, 1], np.int32).tobytes()]
    payload = weights.tobytes()

    def pack(ext_offset):
        m = s.ModelT()
        m.version, m.description = 3, b"edgewise external-buffer fixture"
        m.operatorCodes, m.subgraphs = codes, [g]
        m.buffers = [buf(), buf(offset=ext_offset, size=len(payload))] + [buf(d) for d in inline]
        b = flatbuffers.Builder(1024)
        b.Finish(m.Pack(b), file_identifier=b"TFL3")
        return bytes(b.Output())

    first = pack(2)  # placeholder: same field layout as the final offset
    ext = (len(first) + 15) // 16 * 16
    fb = pack(ext)
    assert len(fb) == len(first)
    data = fb + b"\0" * (ext - len(fb)) + payload
    open(os.path.join(out, "external.tflite"), "wb").write(data)
    json.dump({"w_q": {"offset": ext, "size": len(payload), "bytes": list(payload)}},
              open(os.path.join(out, "external.json"), "w"))


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    external(out)


if __name__ == "__main__":
    main()
