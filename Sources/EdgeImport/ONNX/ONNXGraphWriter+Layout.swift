import EdgeIR

/// NHWC nodes (TFLite imports keep their layout) as ONNX's channels-first ops between two Transposes.
///
/// ONNX convolution and pooling are NCHW only, so a node with `layout = "NHWC"` is written as
/// `Transpose(perm 0,3,1,2)` → the op → `Transpose(perm 0,2,3,1)`; onnxruntime's layout optimizer
/// cancels adjacent pairs. Weights keep their stored bytes and get a `Transpose` node of their own:
/// OHWI `[Cout, kH, kW, Cin/g]` → OIHW with perm `0,3,1,2`; TFLite's depthwise `1HWO` `[1, kH, kW, Cout]`
/// → `[Cout, 1, kH, kW]` with perm `3,0,1,2` (`group` = Cin, Cout = Cin · depth_multiplier, which is
/// exactly ONNX's grouped convolution with one input channel per group). Strides, dilations and
/// `kernel_shape` are already `[H, W]`; TFLite's SAME padding (extra cell at the end) is `SAME_UPPER`.
/// TensorFlow's NHWC depth_to_space orders channels as ONNX's `DCR` mode does.
extension ONNXGraphWriter {
    static let nhwcOps: Set<String> = ["Conv", "MaxPool", "AveragePool", "LpPool", "DepthToSpace", "SpaceToDepth"]

    /// Writes `n` (already stripped of its fused activation) channels-first; false if the op has no such form.
    mutating func emitNHWC(_ n: Node, depth: Int) throws -> Bool {
        guard Self.nhwcOps.contains(n.op.rawValue), !n.inputs.isEmpty, n.outputs.count == 1 else { return false }
        var attrs = n.attributes
        let weightLayout = attrs["weight_layout"].flatMap { a -> String? in if case .string(let s) = a { return s } else { return nil } }
        for key in ["layout", "weight_layout", "depth_multiplier"] { attrs[key] = nil }
        var inputs = n.inputs
        let x = fresh(n.name + "/nchw_in")
        try node("Transpose", [n.inputs[0]], [x], name: fresh(n.name + "/to_nchw"), ["perm": .ints([0, 3, 1, 2])], depth: depth)
        inputs[0] = x
        if n.op.rawValue == "Conv", inputs.count > 1, !inputs[1].isEmpty {
            let w = fresh(n.name + "/weight_oihw")
            let perm = weightLayout == "1HWO" ? [3, 0, 1, 2] : [0, 3, 1, 2]
            try node("Transpose", [inputs[1]], [w], name: fresh(n.name + "/weight_to_oihw"), ["perm": .ints(perm)], depth: depth)
            inputs[1] = w
        }
        let y = fresh(n.name + "/nchw_out")
        try node(n.op.rawValue, inputs, [y], name: n.name, attrs, depth: depth)
        try node("Transpose", [y], n.outputs, name: fresh(n.name + "/to_nhwc"), ["perm": .ints([0, 2, 3, 1])], depth: depth)
        return true
    }
}
