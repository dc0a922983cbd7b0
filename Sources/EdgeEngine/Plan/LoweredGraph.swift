import EdgeIR

/// A graph after shape resolution and constant folding: what the plan passes and the scheduler see.
///
/// Every value has the most precise type known at compile time (concrete where inference could tell;
/// values whose shapes depend on runtime data keep symbolic dimensions and run on the dynamic path).
/// Constants are owned host tensors: weights loaded from the model file, and everything folded.
struct LoweredGraph {
    /// Runtime inputs (graph inputs, and for a subgraph the outer-scope values it captures).
    var inputs: [ValueInfo]
    /// Output names, in order.
    var outputs: [String]
    /// Remaining nodes in a valid execution order.
    var nodes: [Node]
    var constants: [String: HostTensor]
    var types: [String: TensorType]
    /// Values whose type (even rank) is not known at compile time: produced by ops without a rule
    /// that applies before run time. They run on the dynamic path.
    var untyped: Set<String> = []
    /// ai.onnx opset the graph was written for.
    let opset: Int
    /// Nodes removed by folding, inlining and the passes.
    var removedNodes = 0
    /// Names of the passes that changed something, with how many nodes each rewrote.
    var passLog: [(pass: String, rewrites: Int)] = []

    func isConstant(_ v: String) -> Bool { constants[v] != nil }

    /// Nodes reading each value (by node index), counting graph outputs as one extra reader.
    func consumerCounts() -> [String: Int] {
        var c: [String: Int] = [:]
        for n in nodes {
            for v in n.inputs where !v.isEmpty { c[v, default: 0] += 1 }
        }
        for o in outputs { c[o, default: 0] += 1 }
        return c
    }

    /// The index of the node producing each value.
    func producers() -> [String: Int] {
        var p: [String: Int] = [:]
        for (i, n) in nodes.enumerated() { for o in n.outputs where !o.isEmpty { p[o] = i } }
        return p
    }

    /// Removes nodes none of whose outputs is read (repeatedly), and constants nothing reads.
    mutating func eliminateDeadNodes() {
        var changed = true
        while changed {
            changed = false
            let uses = consumerCounts()
            let before = nodes.count
            nodes.removeAll { n in n.outputs.allSatisfy { $0.isEmpty || uses[$0] == nil } }
            if nodes.count != before { removedNodes += before - nodes.count; changed = true }
        }
        let uses = consumerCounts()
        for k in Array(constants.keys) where uses[k] == nil { constants[k] = nil }
    }
}

/// Type inference for one node from concrete facts (types, and contents of constant inputs).
enum NodeTyping {
    /// Integer contents of a small integer tensor, as shape inference wants them.
    static func int64Values(_ t: TensorRef, limit: Int = 1 << 16) -> [Int64]? {
        guard t.count <= limit else { return nil }
        switch t.dtype {
        case .int64: return Array(UnsafeBufferPointer(start: t.i64(), count: t.count))
        case .int32, .int16, .int8, .uint8, .uint16, .uint32, .bool: return t.integers().map { $0.map { Int64($0) } }
        case .uint64: return (0..<t.count).map { Int64(truncatingIfNeeded: t.ptr(UInt64.self)[$0]) }
        default: return nil
        }
    }

    static func floatValues(_ t: TensorRef, limit: Int = 4096) -> [Double]? {
        guard t.count <= limit, t.dtype.isFloatingPoint else { return nil }
        return (0..<t.count).map { t.double(at: $0) }
    }

    /// Output types (nil when the IR has no rule or the rule needs facts not known yet) and known
    /// integer output contents.
    ///
    /// - Throws: the IR's error when every input is concrete and the rule still rejects the node —
    ///   a genuine shape error, not missing information.
    static func infer(_ node: Node, types: [TensorType?], contents: [TensorRef?], declared: [TensorType?])
        throws -> (types: [TensorType]?, values: [[Int64]?])
    {
        guard node.domain.isEmpty || node.domain == "ai.onnx" || node.domain == "edgewise", node.op != "If" else {
            return (nil, [])
        }
        // An input of unknown type leaves the outputs unknown (some rules skip untyped operands).
        if zip(node.inputs, types).contains(where: { !$0.isEmpty && $1 == nil }) { return (nil, []) }
        // Squeeze without axes on dimensions not known yet: even the rank is unknown.
        if node.op == .squeeze, node.input(1) == nil, node.ints("axes") == nil, types.first??.shape.isFullyKnown != true {
            return (nil, [])
        }
        guard let schema = OpRegistry.schema(for: node.op) else {
            return (EngineShapeRules.infer(node, types: types, contents: contents), [])
        }
        // The file's declared output types are not passed: a rule that falls back on them when an
        // argument's value is unknown would fix a shape the run-time value may contradict.
        var ctx = InferenceContext(node: node, inputs: types,
                                   inputValues: contents.map { $0.flatMap { int64Values($0) } },
                                   inputFloats: contents.map { $0.flatMap { floatValues($0) } },
                                   declaredOutputs: Array(repeating: nil, count: node.outputs.count))
        do {
            let out = try schema.infer(&ctx)
            return (out, ctx.outputValues)
        } catch {
            let allKnown = zip(node.inputs, types).allSatisfy { name, t in name.isEmpty || t?.shape.isFullyKnown == true }
            if allKnown && !valueDependent.contains(node.op) { throw error }
            return (nil, [])
        }
    }

    /// Ops whose output shape depends on input contents, so a rule may fail for want of them.
    static let valueDependent: Set<OpType> = [
        .reshape, "Expand", "Tile", "ConstantOfShape", "Range", .slice, .pad, .resize, "Upsample", .squeeze,
        .unsqueeze, .split, "ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1",
        "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare", "TopK", "NonZero", "OneHot",
        "CenterCropPad", "Loop", "Scan",
    ]
}

/// Output types of ops the engine runs but the IR has no shape rule for.
enum EngineShapeRules {
    static let sameShape: Set<OpType> = ["Acosh", "Asinh", "Atanh", "LpNormalization", "MeanVarianceNormalization"]
    static let broadcasting: Set<OpType> = ["BitwiseAnd", "BitwiseOr", "BitwiseXor"]

    static func infer(_ node: Node, types: [TensorType?], contents: [TensorRef?]) -> [TensorType]? {
        guard let x = types.first ?? nil, let xs = x.shape.values else { return nil }
        switch node.op {
        case let op where sameShape.contains(op):
            return [x]
        case let op where broadcasting.contains(op):
            guard types.count == 2, let y = types[1]?.shape.values, let s = broadcastShape([xs, y]) else { return nil }
            return [TensorType(x.dtype, Shape(s))]
        case "EyeLike":
            let dt = node.int("dtype").flatMap(DType.init(onnxDataType:)) ?? x.dtype
            return [TensorType(dt, x.shape)]
        case "GatherND":
            guard types.count == 2, let idx = types[1]?.shape.values, let q = idx.last else { return nil }
            let b = node.int("batch_dims", default: 0)
            guard b + q <= xs.count else { return nil }
            return [TensorType(x.dtype, Shape(Array(idx.dropLast()) + Array(xs[(b + q)...])))]
        case "OneHot":
            guard types.count == 3, let depthRef = contents[1] ?? nil, depthRef.count == 1, let values = types[2] else { return nil }
            let depth = Int(depthRef.double(at: 0))
            guard depth > 0, let axis = normalizedAxis(node.int("axis", default: -1), rank: xs.count + 1) else { return nil }
            var out = xs
            out.insert(depth, at: axis)
            return [TensorType(values.dtype, Shape(out))]
        default:
            return nil
        }
    }
}
