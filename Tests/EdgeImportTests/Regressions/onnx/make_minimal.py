"""Writes the two minimised overflow regressions in this directory (run from here with the onnx wheel).

Both were first found as value-fuzz mutants of a 2 MB model and cut down to the one node that trapped:
each file traps at the same source line and column of the pre-fix EdgeIR (197e802, Ops/Indexing.swift
22:75 and 77:97) as the mutant did, and imports cleanly since 1cb2e81.
"""
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

I64MAX, I64MIN = 2**63 - 1, -(2**63)


def const(name, values):
    return helper.make_node("Constant", [], [name], value=numpy_helper.from_array(np.array(values, dtype=np.int64), name))


def save(graph, path):
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 16)])
    model.ir_version = 8
    onnx.save(model, path)


# Slice with step INT64_MIN: start clamps to 0 and end to 0, so the count's divisor -step overflows.
save(helper.make_graph(
    [const("starts", [-100]), const("ends", [0]), const("axes", [0]), const("steps", [I64MIN]),
     helper.make_node("Slice", ["x", "starts", "ends", "axes", "steps"], ["y"])],
    "slice_step_min", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [4])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)]),
    "slice-step-int64-min-overflowed-count.onnx")

# Concat of 2 values with a ConstantOfShape declared Int64.max long: the axis sum passes Int64.max.
save(helper.make_graph(
    [const("n", [I64MAX]),
     helper.make_node("ConstantOfShape", ["n"], ["z"], value=numpy_helper.from_array(np.array([0], dtype=np.int64))),
     const("two", [128, 128]), helper.make_node("Concat", ["two", "z"], ["pads"], axis=0)],
    "concat_huge", [], [helper.make_tensor_value_info("pads", TensorProto.INT64, None)]),
    "concat-huge-dims-overflowed-sum.onnx")
