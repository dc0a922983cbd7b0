/// What shape inference could not do, for a graph it otherwise typed.
public struct InferenceReport: Sendable, Equatable {
    /// Ops with no shape rule, with how many nodes use each.
    public var unknownOps: [OpType: Int] = [:]
    /// Values left without a type.
    public var untypedValues: [String] = []
    /// Non-fatal problems (in lenient mode, errors that were downgraded), one line each.
    public var issues: [String] = []

    public var isComplete: Bool { unknownOps.isEmpty && untypedValues.isEmpty && issues.isEmpty }
}

extension Graph {
    /// Infers the type of every value, sorting the nodes topologically first.
    ///
    /// - Parameters:
    ///   - bindings: values for symbolic dimensions of the graph inputs (`["N": 1]`).
    ///   - strict: when true the first shape or type error is thrown; when false (importing files from
    ///     strangers) errors are recorded in the report and the offending outputs fall back to the
    ///     types the file declared.
    /// - Throws: ``IRError`` naming the node and the problem.
    @discardableResult
    public mutating func inferShapes(bindings: [String: Int] = [:], strict: Bool = true) throws -> InferenceReport {
        self = try topologicallySorted()
        var report = InferenceReport()
        valueTypes.removeAll(keepingCapacity: true)
        knownValues.removeAll(keepingCapacity: true)
        if !bindings.isEmpty {
            for i in inputs.indices { inputs[i].type.shape = inputs[i].type.shape.binding(bindings) }
        }
        for i in inputs { valueTypes[i.name] = i.type }
        for t in constants.values {
            valueTypes[t.name] = t.type
            if t.dtype.isInteger, let v = t.integerValues(limit: 64) { knownValues[t.name] = v }
        }
        for node in nodes {
            do {
                let (types, values) = try inferTypes(of: node)
                guard let types else {
                    report.unknownOps[node.op, default: 0] += 1
                    for o in node.outputs where !o.isEmpty {
                        if let d = declaredTypes[o] { valueTypes[o] = d } else { report.untypedValues.append(o) }
                    }
                    continue
                }
                for (k, o) in node.outputs.enumerated() where !o.isEmpty && k < types.count {
                    valueTypes[o] = types[k]
                    if let v = values[k] { knownValues[o] = v }
                }
                for (k, o) in node.outputs.enumerated() where !o.isEmpty && k >= types.count {
                    if let d = declaredTypes[o] { valueTypes[o] = d } else { report.untypedValues.append(o) }
                }
            } catch let e as IRError {
                if strict { throw e }
                report.issues.append(e.description)
                for o in node.outputs where !o.isEmpty {
                    if let d = declaredTypes[o] { valueTypes[o] = d } else { report.untypedValues.append(o) }
                }
            }
        }
        for (k, out) in outputs.enumerated() {
            if let t = valueTypes[out.name] {
                outputs[k].type = t
            } else if strict {
                throw IRError.unknownOutput(out.name)
            }
        }
        return report
    }

    /// Output types (nil when the op has no rule) and known output values of one node, from the
    /// types currently in ``valueTypes``.
    public func inferTypes(of node: Node) throws -> ([TensorType]?, [[Int64]?]) {
        guard let schema = OpRegistry.schema(for: node.op), node.domain.isEmpty || node.domain == "ai.onnx" || node.domain == "edgewise" else {
            return (nil, [])
        }
        var ctx = InferenceContext(
            node: node,
            inputs: node.inputs.map { $0.isEmpty ? nil : valueTypes[$0] },
            inputValues: node.inputs.map { $0.isEmpty ? nil : knownValues[$0] },
            inputFloats: node.inputs.map { name in
                guard let t = constants[name], t.dtype.isFloatingPoint else { return nil }
                return t.floatValues(limit: 64)
            },
            declaredOutputs: node.outputs.map { declaredTypes[$0] })
        let types = try schema.infer(&ctx)
        return (types, ctx.outputValues)
    }

    /// Returns a copy with the symbols of its inputs bound and shapes re-inferred.
    public func binding(_ bindings: [String: Int]) throws -> Graph {
        var g = self
        try g.inferShapes(bindings: bindings)
        return g
    }

    /// Symbols appearing in the graph inputs' shapes, sorted.
    public var inputSymbols: [String] {
        var s = Set<String>()
        for i in inputs { for d in i.type.shape.dims { if case .symbol(let n) = d, n != "?" { s.insert(n) } } }
        return s.sorted()
    }
}
