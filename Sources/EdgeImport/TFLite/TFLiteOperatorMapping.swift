import EdgeIR

/// Maps TFLite builtin operators onto the IR's ONNX-style ops.
///
/// Layout stays NHWC (`layout = "NHWC"` on Conv, pooling, Resize, DepthToSpace); Conv weights stay
/// OHWI, depthwise weights `1HWO` (`weight_layout`), so no weight is copied or transposed. Fused
/// activations become an `activation` attribute. Where TFLite's argument form differs from ONNX's
/// (PAD's `[rank, 2]` paddings, SLICE's sizes, STRIDED_SLICE's masks) the importer adds small derived
/// int64 constants in ONNX form. Builtins without an IR op keep their schema name in domain `tflite`;
/// custom operators keep their name in domain `tflite.custom`; both take their shapes from the file.
struct TFLiteOperatorMapping {
    let file: TFLiteFile
    let subgraph: TFLiteFile.Subgraph
    let names: [String]
    private(set) var derivedConstants: [EdgeIR.Tensor] = []

    init(file: TFLiteFile, subgraph: TFLiteFile.Subgraph, names: [String]) {
        self.file = file
        self.subgraph = subgraph
        self.names = names
    }

    /// Ops whose ONNX name is the same concept with no attributes to translate.
    static let direct: [String: OpType] = [
        "LOGISTIC": .sigmoid, "TANH": .tanh, "RELU": .relu, "RELU6": "Relu6", "HARD_SWISH": .hardSwish,
        "PRELU": .prelu, "ELU": "Elu", "EXP": "Exp", "LOG": "Log", "SQRT": "Sqrt", "ABS": "Abs", "NEG": "Neg",
        "FLOOR": "Floor", "CEIL": "Ceil", "ROUND": "Round", "SIN": "Sin", "COS": "Cos", "SIGN": "Sign",
        "MAXIMUM": "Max", "MINIMUM": "Min", "POW": "Pow", "FLOOR_MOD": "Mod", "LESS": "Less", "GREATER": "Greater",
        "LESS_EQUAL": "LessOrEqual", "GREATER_EQUAL": "GreaterOrEqual", "EQUAL": "Equal", "LOGICAL_AND": "And",
        "LOGICAL_OR": "Or", "LOGICAL_NOT": "Not", "SELECT": "Where", "SELECT_V2": "Where", "TILE": "Tile",
        "BROADCAST_TO": "Expand", "SHAPE": "Shape", "RANGE": "Range", "ADD_N": "Sum", "CUMSUM": "CumSum",
        "DENSIFY": "Densify", "EXPAND_DIMS": .unsqueeze,
    ]

    func fail(_ index: Int, _ reason: String, at: Int?) -> ImportError {
        ImportError(format: "tflite", file: file.file.path, field: "subgraphs[0].operators[\(index)]", offset: at, reason: reason)
    }

    func tensor(_ i: Int) -> TFLiteFile.Tensor? { i >= 0 ? subgraph.tensors[i] : nil }

    /// Known integer contents of a constant input (shape arguments), at most 64 values.
    func ints(_ i: Int) -> [Int64]? {
        guard i >= 0, let t = tensor(i), t.buffer < file.buffers.count, let dtype = t.dtype else { return nil }
        let r = file.buffers[t.buffer]
        guard !r.isEmpty, let bytes = file.file.slice(offset: r.lowerBound, length: r.count) else { return nil }
        let width: Int
        switch dtype { case .int32: width = 4; case .int64: width = 8; default: return nil }
        let n = r.count / width
        guard n <= 64, n * width == r.count else { return nil }
        return (0..<n).map { k in
            width == 4 ? Int64(bytes.loadUnaligned(fromByteOffset: 4 * k, as: Int32.self))
                       : bytes.loadUnaligned(fromByteOffset: 8 * k, as: Int64.self)
        }
    }

    mutating func derived(_ base: String, _ values: [Int64]) -> String {
        let name = "\(base):onnx\(derivedConstants.count)"
        derivedConstants.append(.int64(name, values))
        return name
    }

    mutating func derivedFloat(_ base: String, _ values: [Float], shape: Shape) -> String {
        let name = "\(base):onnx\(derivedConstants.count)"
        derivedConstants.append(.float32(name, values, shape: shape))
        return name
    }

    /// The options table of `op` if its union type is `expected`.
    func options(_ op: TFLiteFile.Operator, _ expected: UInt8) -> FlatTable? {
        op.optionsType == expected ? op.options : nil
    }

    /// Reads window options shared by Conv2D, DepthwiseConv2D, Pool2D and TransposeConv.
    func window(_ t: FlatTable?, padding: Int, strideW: Int, strideH: Int, dilationW: Int?, dilationH: Int?,
                activation: Int?, into attrs: inout [String: Attribute]) throws {
        guard let t else { return }
        attrs["auto_pad"] = .string(try t.u8(padding, "padding") == 0 ? "SAME_UPPER" : "VALID")
        attrs["strides"] = .ints([Int(try t.i32(strideH, "stride_h", default: 1)), Int(try t.i32(strideW, "stride_w", default: 1))])
        if let dw = dilationW, let dh = dilationH {
            attrs["dilations"] = .ints([Int(try t.i32(dh, "dilation_h_factor", default: 1)), Int(try t.i32(dw, "dilation_w_factor", default: 1))])
        }
        if let a = activation, let name = TFLiteSchema.activation(try t.u8(a, "fused_activation_function")) {
            attrs["activation"] = .string(name)
        }
    }

    func fused(_ t: FlatTable?, slot: Int, into attrs: inout [String: Attribute]) throws {
        if let t, let name = TFLiteSchema.activation(try t.u8(slot, "fused_activation_function")) {
            attrs["activation"] = .string(name)
        }
    }

    /// Builtins that, on int8/uint8 tensors with quantization parameters (a fully-quantized model), keep
    /// their schema name in domain `tflite` so the engine runs them with TFLite's integer arithmetic.
    static let integerBuiltins: Set<String> = [
        "CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "ADD", "MUL", "AVERAGE_POOL_2D", "MAX_POOL_2D",
        "RESHAPE", "SOFTMAX", "QUANTIZE", "PAD", "PADV2", "CONCATENATION", "MEAN",
    ]

    /// The IR node(s) for one operator; the first carries `tflite_op`.
    ///
    /// A quantized integer operator (see ``integerBuiltins``) keeps its float mapping's op, inputs and
    /// attributes plus `tflite_quantized = 1` (QUANTIZE, SOFTMAX and RESHAPE become `tflite:<BUILTIN>`), and every
    /// quantized tensor's parameters: `x<i>_scale` / `x<i>_zero_point` for input i, `y_scale` /
    /// `y_zero_point` for the output (per-channel lists where the file has them).
    mutating func nodes(for op: TFLiteFile.Operator, index k: Int) throws -> [Node] {
        let mapped = try floatNodes(for: op, index: k)
        let code = file.operatorCodes[op.opcodeIndex]
        guard code.builtin != TFLiteSchema.customCode, Self.integerBuiltins.contains(code.name), mapped.count == 1,
              let o = op.outputs.first, o >= 0, let out = tensor(o), let oq = out.quantization,
              out.dtype == .int8 || out.dtype == .uint8 else { return mapped }
        var n = mapped[0]
        // Ops the IR has shape and cost rules for keep their ONNX form (inspect and the simulator cost them);
        // `tflite_quantized` sends them to the engine's TFLite integer kernel (KernelRegistry.key).
        if ["CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "ADD", "MUL", "AVERAGE_POOL_2D", "MAX_POOL_2D",
            "CONCATENATION", "PAD", "PADV2", "MEAN"].contains(code.name), n.domain.isEmpty {
            n.attributes["tflite_quantized"] = .int(1)
        } else {
            n.domain = "tflite"
            n.op = OpType(code.name)
            if code.name == "QUANTIZE" || code.name == "RESHAPE" { n.inputs = Array(n.inputs.prefix(1)) }
        }
        for (i, t) in op.inputs.enumerated() where t >= 0 {
            guard let q = tensor(t)?.quantization, !q.scales.isEmpty else { continue }
            n.attributes["x\(i)_scale"] = .floats(q.scales.map(Double.init))
            n.attributes["x\(i)_zero_point"] = .ints(q.zeroPoints.map { Int(clamping: $0) })
            if q.scales.count > 1 { n.attributes["x\(i)_axis"] = .int(q.quantizedDimension) }
        }
        n.attributes["y_scale"] = .floats(oq.scales.map(Double.init))
        n.attributes["y_zero_point"] = .ints(oq.zeroPoints.map { Int(clamping: $0) })
        return [n]
    }

    mutating func floatNodes(for op: TFLiteFile.Operator, index k: Int) throws -> [Node] {
        let code = file.operatorCodes[op.opcodeIndex]
        let outs = op.outputs.map { names[$0] }
        let ins = op.inputs.map { $0 < 0 ? "" : names[$0] }
        let nodeName = outs.first ?? "op\(k)"
        var attrs: [String: Attribute] = ["tflite_op": .string(code.name)]
        func node(_ type: OpType, _ inputs: [String], domain: String = "") -> Node {
            Node(name: nodeName, op: type, domain: domain, inputs: inputs, outputs: outs, attributes: attrs)
        }
        func input(_ i: Int) -> Int { i < op.inputs.count ? op.inputs[i] : -1 }
        func dims(_ i: Int) -> [Int]? { tensor(input(i)).map(\.shape) }
        let O = TFLiteSchema.Options.self
        let name = code.name

        if code.builtin == TFLiteSchema.customCode {
            return [node(OpType(code.customName ?? "CUSTOM"), ins, domain: "tflite.custom")]
        }
        if let direct = Self.direct[name] {
            return [node(direct, ins)]
        }
        switch name {
        case "ADD", "SUB", "MUL", "DIV":
            let (type, opt): (OpType, UInt8) = name == "ADD" ? (.add, O.add) : name == "SUB" ? (.sub, O.sub)
                : name == "MUL" ? (.mul, O.mul) : (.div, O.div)
            try fused(options(op, opt), slot: 0, into: &attrs)
            return [node(type, ins)]
        case "SQUARE":
            return [node(.mul, [ins.first ?? "", ins.first ?? ""])]
        case "CONV_2D":
            attrs["layout"] = .string("NHWC")
            try window(options(op, O.conv2D), padding: 0, strideW: 1, strideH: 2, dilationW: 4, dilationH: 5, activation: 3, into: &attrs)
            if let x = dims(0), let w = dims(1), x.count == 4, w.count == 4, w[3] > 0, x[3] % w[3] == 0, x[3] != w[3] {
                attrs["group"] = .int(x[3] / w[3])
            }
            return [node(.conv, ins)]
        case "DEPTHWISE_CONV_2D":
            attrs["layout"] = .string("NHWC")
            attrs["weight_layout"] = .string("1HWO")
            let t = options(op, O.depthwiseConv2D)
            try window(t, padding: 0, strideW: 1, strideH: 2, dilationW: 5, dilationH: 6, activation: 4, into: &attrs)
            if let t { attrs["depth_multiplier"] = .int(Int(try t.i32(3, "depth_multiplier", default: 1))) }
            if let x = dims(0), x.count == 4, x[3] > 0 { attrs["group"] = .int(x[3]) }
            return [node(.conv, ins)]
        case "FULLY_CONNECTED":
            let t = options(op, O.fullyConnected)
            try fused(t, slot: 0, into: &attrs)
            attrs["keep_num_dims"] = .int(try t?.bool(2, "keep_num_dims") == true ? 1 : 0)
            if let f = try t?.u8(1, "weights_format"), f != 0 { attrs["weights_format"] = .int(Int(f)) }
            return [node(.fullyConnected, ins)]
        case "AVERAGE_POOL_2D", "MAX_POOL_2D", "L2_POOL_2D":
            attrs["layout"] = .string("NHWC")
            let t = options(op, O.pool2D)
            try window(t, padding: 0, strideW: 1, strideH: 2, dilationW: nil, dilationH: nil, activation: 5, into: &attrs)
            if let t {
                attrs["kernel_shape"] = .ints([Int(try t.i32(4, "filter_height", default: 1)), Int(try t.i32(3, "filter_width", default: 1))])
            }
            if name == "L2_POOL_2D" { attrs["p"] = .int(2) }
            return [node(name == "MAX_POOL_2D" ? .maxPool : name == "AVERAGE_POOL_2D" ? .averagePool : "LpPool", ins)]
        case "CONCATENATION":
            let t = options(op, O.concatenation)
            attrs["axis"] = .int(Int(try t?.i32(0, "axis") ?? 0))
            try fused(t, slot: 1, into: &attrs)
            return [node(.concat, ins)]
        case "RESHAPE":
            attrs["allowzero"] = .int(1)
            if ins.count >= 2, !ins[1].isEmpty { return [node(.reshape, Array(ins.prefix(2)))] }
            if let s = try options(op, O.reshape)?.i32Vector(0, "new_shape") { attrs["shape"] = .ints(s.map(Int.init)) }
            return [node(.reshape, Array(ins.prefix(1)))]
        case "SOFTMAX", "LOG_SOFTMAX":
            attrs["axis"] = .int(-1)
            if let beta = try options(op, O.softmax)?.f32(0, "beta", default: 1), beta != 1 { attrs["beta"] = .float(Double(beta)) }
            return [node(name == "SOFTMAX" ? .softmax : "LogSoftmax", ins)]
        case "RELU_N1_TO_1", "RELU_0_TO_1":
            let lo = derivedFloat(nodeName, [name == "RELU_N1_TO_1" ? -1 : 0], shape: .scalar)
            let hi = derivedFloat(nodeName, [1], shape: .scalar)
            return [node(.clip, [ins.first ?? "", lo, hi])]
        case "LEAKY_RELU":
            attrs["alpha"] = .float(Double(try options(op, O.leakyRelu)?.f32(0, "alpha") ?? 0.2))
            return [node(.leakyRelu, ins)]
        case "GELU":
            if try options(op, O.gelu)?.bool(0, "approximate") == true { attrs["approximate"] = .string("tanh") }
            return [node(.gelu, ins)]
        case "PAD", "PADV2", "MIRROR_PAD":
            // TFLite paddings are [[begin, end] per axis]; ONNX pads are [begins…, ends…].
            guard let p = ints(input(1)), p.count % 2 == 0 else {
                attrs["tflite_pads_layout"] = .string("pairs")
                return [node("Pad", ins, domain: "tflite")]
            }
            let r = p.count / 2
            let pads = (0..<r).map { p[2 * $0] } + (0..<r).map { p[2 * $0 + 1] }
            if name == "MIRROR_PAD" {
                attrs["mode"] = .string(try options(op, O.mirrorPad)?.u8(0, "mode") == 1 ? "symmetric" : "reflect")
            }
            var inputs = [ins[0], derived(nodeName, pads)]
            if name == "PADV2", ins.count > 2 { inputs.append(ins[2]) }
            return [node(.pad, inputs)]
        case "MEAN", "SUM", "REDUCE_MAX", "REDUCE_MIN", "REDUCE_PROD", "REDUCE_ANY", "REDUCE_ALL":
            let ir: [String: OpType] = ["MEAN": "ReduceMean", "SUM": "ReduceSum", "REDUCE_MAX": "ReduceMax",
                                        "REDUCE_MIN": "ReduceMin", "REDUCE_PROD": "ReduceProd",
                                        "REDUCE_ANY": "ReduceMax", "REDUCE_ALL": "ReduceMin"]
            attrs["keepdims"] = .int(try options(op, O.reducer)?.bool(0, "keep_dims") == true ? 1 : 0)
            return [node(ir[name]!, Array(ins.prefix(2)))]
        case "TRANSPOSE":
            if let perm = ints(input(1)) { attrs["perm"] = .ints(perm.map { Int(clamping: $0) }) }
            return [node(.transpose, attrs["perm"] == nil ? ins : Array(ins.prefix(1)))]
        case "GATHER":
            let t = options(op, O.gather)
            attrs["axis"] = .int(Int(try t?.i32(0, "axis") ?? 0))
            if let b = try t?.i32(1, "batch_dims"), b != 0 { return [node("GATHER", ins, domain: "tflite")] }
            return [node(.gather, ins)]
        case "EMBEDDING_LOOKUP":
            attrs["axis"] = .int(0)
            return [node(.gather, ins.count == 2 ? [ins[1], ins[0]] : ins)]
        case "SQUEEZE":
            if let d = try options(op, O.squeeze)?.i32Vector(0, "squeeze_dims"), !d.isEmpty { attrs["axes"] = .ints(d.map(Int.init)) }
            return [node(.squeeze, Array(ins.prefix(1)))]
        case "STRIDED_SLICE":
            return try stridedSlice(op, ins: ins, outs: outs, attrs: attrs, nodeName: nodeName)
        case "SLICE":
            guard let begin = ints(input(1)), let size = ints(input(2)), begin.count == size.count else {
                return [node("SLICE", ins, domain: "tflite")]
            }
            let ends = zip(begin, size).map { b, s in s < 0 ? Int64.max : b &+ s }
            return [node(.slice, [ins[0], derived(nodeName, begin), derived(nodeName, ends)])]
        case "SPLIT":
            guard let axis = ints(input(0))?.first else { return [node("SPLIT", ins, domain: "tflite")] }
            attrs["axis"] = .int(Int(clamping: axis))
            attrs["num_outputs"] = .int(outs.count)
            return [node(.split, [ins.count > 1 ? ins[1] : ""])]
        case "SPLIT_V":
            guard let axis = ints(input(2))?.first, let sizes = ints(input(1)), !sizes.contains(-1) else {
                return [node("SPLIT_V", ins, domain: "tflite")]
            }
            attrs["axis"] = .int(Int(clamping: axis))
            return [node(.split, [ins[0], derived(nodeName, sizes)])]
        case "CAST":
            guard let o = op.outputs.first, let t = subgraph.tensors[o].dtype, let c = t.onnxDataType else {
                return [node("CAST", ins, domain: "tflite")]
            }
            attrs["to"] = .int(c)
            return [node("Cast", ins)]
        case "DEQUANTIZE":
            return dequantize(op, ins: ins, attrs: attrs, nodeName: nodeName, node: node)
        case "QUANTIZE":
            guard let o = op.outputs.first, let q = subgraph.tensors[o].quantization, let dt = subgraph.tensors[o].dtype else {
                return [node("QUANTIZE", ins, domain: "tflite")]
            }
            let (scale, zp) = quantParams(q, dtype: dt, nodeName: nodeName)
            if q.scales.count > 1 { attrs["axis"] = .int(q.quantizedDimension) }
            if let c = dt.onnxDataType { attrs["output_dtype"] = .int(c) }
            return [node("QuantizeLinear", [ins.first ?? "", scale, zp])]
        case "RESIZE_BILINEAR", "RESIZE_NEAREST_NEIGHBOR":
            let bilinear = name == "RESIZE_BILINEAR"
            let t = options(op, bilinear ? O.resizeBilinear : O.resizeNearest)
            let align = try t?.bool(bilinear ? 2 : 0, "align_corners") == true
            let half = try t?.bool(bilinear ? 3 : 1, "half_pixel_centers") == true
            attrs["layout"] = .string("NHWC")
            attrs["mode"] = .string(bilinear ? "linear" : "nearest")
            attrs["coordinate_transformation_mode"] = .string(
                align ? "align_corners" : half ? (bilinear ? "half_pixel" : "tf_half_pixel_for_nn") : "asymmetric")
            return [node("Resize", [ins.first ?? "", "", "", ins.count > 1 ? ins[1] : ""])]
        case "DEPTH_TO_SPACE", "SPACE_TO_DEPTH":
            let toDepth = name == "SPACE_TO_DEPTH"
            attrs["blocksize"] = .int(Int(try options(op, toDepth ? O.spaceToDepth : O.depthToSpace)?.i32(0, "block_size") ?? 0))
            attrs["layout"] = .string("NHWC")
            if !toDepth { attrs["mode"] = .string("DCR") }
            return [node(toDepth ? "SpaceToDepth" : "DepthToSpace", ins)]
        case "BATCH_MATMUL":
            let t = options(op, O.batchMatMul)
            if try t?.bool(0, "adj_x") == true || t?.bool(1, "adj_y") == true {
                return [node("BATCH_MATMUL", ins, domain: "tflite")]
            }
            return [node(.matMul, ins)]
        case "ARG_MAX", "ARG_MIN":
            guard let axis = ints(input(1))?.first else { return [node(OpType(name), ins, domain: "tflite")] }
            attrs["axis"] = .int(Int(clamping: axis))
            attrs["keepdims"] = .int(0)
            return [node(name == "ARG_MAX" ? "ArgMax" : "ArgMin", Array(ins.prefix(1)))]
        default:
            return [node(OpType(name), ins, domain: "tflite")]
        }
    }

    /// Per-tensor or per-axis scale and zero-point constants in ONNX form.
    mutating func quantParams(_ q: TFLiteFile.Quantization, dtype: DType, nodeName: String) -> (String, String) {
        let shape: Shape = q.scales.count == 1 ? .scalar : Shape([q.scales.count])
        let scale = derivedFloat(nodeName, q.scales, shape: shape)
        let zpName = "\(nodeName):onnx\(derivedConstants.count)"
        let zpType: DType = dtype == .float32 ? .int8 : dtype
        var bytes: [UInt8] = []
        for z in q.zeroPoints {
            switch zpType {
            case .int16, .uint16: withUnsafeBytes(of: Int16(truncatingIfNeeded: z).littleEndian) { bytes += $0 }
            case .int32: withUnsafeBytes(of: Int32(truncatingIfNeeded: z).littleEndian) { bytes += $0 }
            default: bytes.append(UInt8(truncatingIfNeeded: z))
            }
        }
        derivedConstants.append(EdgeIR.Tensor(name: zpName, type: TensorType(zpType, shape), storage: .memory(bytes)))
        return (scale, zpName)
    }

    /// DEQUANTIZE: fp16 → Cast to float32; integer types → DequantizeLinear with the input's scales.
    mutating func dequantize(_ op: TFLiteFile.Operator, ins: [String], attrs: [String: Attribute], nodeName: String,
                             node: (OpType, [String], String) -> Node) -> [Node] {
        var attrs = attrs
        guard let i = op.inputs.first, i >= 0, let t = tensor(i), let dt = t.dtype else { return [node("DEQUANTIZE", ins, "tflite")] }
        if dt.isFloatingPoint {
            attrs["to"] = .int(DType.float32.onnxDataType!)
            return [Node(name: nodeName, op: "Cast", inputs: Array(ins.prefix(1)), outputs: op.outputs.map { names[$0] }, attributes: attrs)]
        }
        guard let q = t.quantization else { return [node("DEQUANTIZE", ins, "tflite")] }
        let (scale, zp) = quantParams(q, dtype: dt, nodeName: nodeName)
        if q.scales.count > 1 { attrs["axis"] = .int(q.quantizedDimension) }
        return [Node(name: nodeName, op: "DequantizeLinear", inputs: [ins[0], scale, zp], outputs: op.outputs.map { names[$0] }, attributes: attrs)]
    }

    /// STRIDED_SLICE → Slice with explicit starts/ends/axes/steps (masks resolved), then Squeeze for
    /// `shrink_axis_mask`. Ellipsis and new-axis masks stay a `tflite` op with the file's shapes.
    mutating func stridedSlice(_ op: TFLiteFile.Operator, ins: [String], outs: [String], attrs: [String: Attribute],
                               nodeName: String) throws -> [Node] {
        var attrs = attrs
        let t = op.optionsType == TFLiteSchema.Options.stridedSlice ? op.options : nil
        let beginMask = Int(try t?.i32(0, "begin_mask") ?? 0), endMask = Int(try t?.i32(1, "end_mask") ?? 0)
        let ellipsis = try t?.i32(2, "ellipsis_mask") ?? 0, newAxis = try t?.i32(3, "new_axis_mask") ?? 0
        let shrink = Int(try t?.i32(4, "shrink_axis_mask") ?? 0), offset = try t?.bool(5, "offset") ?? false
        func input(_ i: Int) -> Int { i < op.inputs.count ? op.inputs[i] : -1 }
        guard ellipsis == 0, newAxis == 0, !offset, let begin = ints(input(1)), let end = ints(input(2)),
              begin.count == end.count, begin.count <= 32 else {
            return [Node(name: nodeName, op: "STRIDED_SLICE", domain: "tflite", inputs: ins, outputs: outs, attributes: attrs)]
        }
        let strides = ints(input(3)) ?? Array(repeating: 1, count: begin.count)
        guard strides.count == begin.count, !strides.contains(0) else {
            return [Node(name: nodeName, op: "STRIDED_SLICE", domain: "tflite", inputs: ins, outputs: outs, attributes: attrs)]
        }
        var starts: [Int64] = [], ends: [Int64] = []
        for k in 0..<begin.count {
            let forward = strides[k] > 0
            var s = begin[k], e = end[k]
            if beginMask & (1 << k) != 0 { s = forward ? 0 : Int64.max }
            if endMask & (1 << k) != 0 { e = forward ? Int64.max : Int64.min }
            if shrink & (1 << k) != 0 { e = s == -1 ? Int64.max : s &+ 1; }
            starts.append(s)
            ends.append(e)
        }
        let axes = (0..<begin.count).map(Int64.init)
        let sliceInputs = [ins[0], derived(nodeName, starts), derived(nodeName, ends), derived(nodeName, axes), derived(nodeName, strides)]
        if shrink == 0 {
            return [Node(name: nodeName, op: .slice, inputs: sliceInputs, outputs: outs, attributes: attrs)]
        }
        let mid = "\(nodeName):sliced"
        attrs["axes"] = .ints((0..<begin.count).filter { shrink & (1 << $0) != 0 })
        let squeeze = Node(name: "\(nodeName):squeeze", op: .squeeze, inputs: [mid], outputs: outs,
                           attributes: ["axes": attrs["axes"]!, "tflite_helper": .string("STRIDED_SLICE")])
        attrs["axes"] = nil
        return [Node(name: nodeName, op: .slice, inputs: sliceInputs, outputs: [mid], attributes: attrs), squeeze]
    }
}
