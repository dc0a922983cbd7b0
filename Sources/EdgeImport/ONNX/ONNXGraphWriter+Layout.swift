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
/// TensorFlow's NHWC depth_to_space orders channels as ONNX's `DCR` mode does. TFLite's RESIZE takes the
/// new `[H, W]`; the NCHW Resize gets `Concat(Shape(x)[0:2], Cast(size))`.
extension ONNXGraphWriter {
    static let nhwcOps: Set<String> = ["Conv", "MaxPool", "AveragePool", "LpPool", "DepthToSpace", "SpaceToDepth", "Resize"]

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
        if n.op.rawValue == "Resize" {
            // TFLite's size input is [newH, newW] (int32); NCHW Resize takes all four sizes (int64):
            // Concat(Shape(x)[0:2], Cast(size)). Without a size input the node has no NHWC form here.
            guard inputs.count > 3, !inputs[3].isEmpty else { return false }
            let shape = fresh(n.name + "/shape"), nc = fresh(n.name + "/nc"), hw = fresh(n.name + "/hw"), sizes = fresh(n.name + "/sizes")
            try node("Shape", [x], [shape], name: fresh(n.name + "/Shape"), depth: depth)
            let start = try ints(n.name + "/nc_start", [0]), end = try ints(n.name + "/nc_end", [2])
            try node("Slice", [shape, start, end], [nc], name: fresh(n.name + "/Slice_nc"), depth: depth)
            try node("Cast", [inputs[3]], [hw], name: fresh(n.name + "/Cast_hw"), ["to": .int(7)], depth: depth)
            try node("Concat", [nc, hw], [sizes], name: fresh(n.name + "/Concat_sizes"), ["axis": .int(0)], depth: depth)
            inputs[3] = sizes
            // TensorFlow's nearest neighbour floors the source coordinate (rounds it with align_corners).
            if attrs["mode"].map({ if case .string("nearest") = $0 { return true } else { return false } }) == true {
                let align = attrs["coordinate_transformation_mode"].map { if case .string("align_corners") = $0 { return true } else { return false } } ?? false
                attrs["nearest_mode"] = .string(align ? "round_prefer_ceil" : "floor")
            }
        }
        let y = fresh(n.name + "/nchw_out")
        try node(n.op.rawValue, inputs, [y], name: n.name, attrs, depth: depth)
        try node("Transpose", [y], n.outputs, name: fresh(n.name + "/to_nhwc"), ["perm": .ints([0, 2, 3, 1])], depth: depth)
        return true
    }
}
