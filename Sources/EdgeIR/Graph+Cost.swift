extension Graph {
    /// Computes the cost of every node and of the whole graph.
    ///
    /// Shapes must be fully known: bind the input symbols first (`graph.binding(["N": 1])`), or pass
    /// `bindings` here, which re-infers shapes with them.
    /// - Parameter unresolvedShapes: `.fail` (the default) throws on the first value whose shape is still
    ///   symbolic; `.skipArithmetic` is for imported files, whose data-dependent shapes (an `If` branch, a
    ///   `NonZero`) no binding can fix: such a node keeps its parameters and weight bytes but gets no MACs,
    ///   FLOPs or output bytes, and is listed in ``CostReport/unresolvedNodes`` so the totals read as a lower bound.
    /// - Throws: ``IRError/unresolvedDimension(value:shape:)`` when a value still has a symbolic shape.
    /// - Complexity: O(nodes + edges).
    public func costReport(bindings: [String: Int] = [:], unresolvedShapes: UnresolvedShapePolicy = .fail) throws -> CostReport {
        if !bindings.isEmpty || valueTypes.isEmpty {
            var g = self
            try g.inferShapes(bindings: bindings)
            return try g.costReport(unresolvedShapes: unresolvedShapes)
        }
        var rows: [NodeCost] = []
        rows.reserveCapacity(nodes.count)
        var total = Cost.zero
        var bytesByType: [DType: Int] = [:]
        var paramsByType: [DType: Int] = [:]
        var histogram: [OpType: Int] = [:]
        var uncosted: [OpType: Int] = [:]
        var counted = Set<String>()
        var bufferElements = 0
        var unresolvedNodes: [String] = []

        for node in nodes {
            histogram[node.op, default: 0] += 1
            let schema = OpRegistry.schema(for: node.op)
            let inputs = node.inputs.map { $0.isEmpty ? nil : valueTypes[$0] }
            var outputs: [TensorType] = []
            var unresolved = false
            for o in node.outputs where !o.isEmpty {
                guard let t = valueTypes[o] else { continue }
                guard t.shape.isFullyKnown else {
                    guard unresolvedShapes == .skipArithmetic else { throw IRError.unresolvedDimension(value: o, shape: t.shape) }
                    unresolved = true
                    continue
                }
                outputs.append(t)
            }
            if unresolved {
                unresolvedNodes.append(node.name)
                outputs = []
            }
            var cost = Cost.zero
            var nodeBytesByType: [DType: Int] = [:]
            var weightType: DType?
            var activationRead = 0
            // A strategy may run a node's activations in another type than the graph's values
            // (int8 static quantization of a float graph): `activation_dtype` says which.
            let activationType = node.string("activation_dtype").flatMap(DType.init(rawValue:))
            for (i, name) in node.inputs.enumerated() where !name.isEmpty {
                guard let t = inputs[i] else { continue }
                var bytes = t.byteCount ?? 0
                if let c = constants[name] {
                    bytes += c.quantization?.overheadBytes(elements: c.shape.elementCount ?? 0) ?? 0
                    let isParameter = !(schema?.nonParameterInputs.contains(i) ?? false)
                    if isParameter && counted.insert(name).inserted {
                        // Buffers (running statistics) are stored with the weights but are not parameters.
                        let n = c.shape.elementCount ?? 0
                        if !(schema?.bufferInputs.contains(i) ?? false) {
                            cost.parameters += n
                            paramsByType[c.dtype, default: 0] += n
                        } else {
                            bufferElements += n
                        }
                        cost.weightBytes += bytes
                        nodeBytesByType[c.dtype, default: 0] += bytes
                        if weightType == nil { weightType = c.dtype }
                    } else if isParameter, weightType == nil {
                        weightType = c.dtype
                    }
                    cost.bytesRead += bytes
                } else {
                    if let a = activationType, t.dtype.isFloatingPoint { bytes = a.approximateBytes(elements: t.shape.elementCount ?? 0) }
                    activationRead += bytes
                }
            }
            // An unresolved node's activation traffic is unknown (its inputs may be symbolic too).
            if !unresolved { cost.bytesRead += activationRead }
            let written = outputs.reduce(0) { sum, t in
                if let a = activationType, t.dtype.isFloatingPoint { return sum + a.approximateBytes(elements: t.shape.elementCount ?? 0) }
                return sum + (t.byteCount ?? 0)
            }
            cost.bytesWritten = written
            if unresolved {
                // Weights only: see `unresolvedShapes`.
            } else if let schema {
                let work = schema.work(WorkContext(node: node, inputs: inputs, outputs: outputs))
                cost.macs = work.macs
                cost.otherFlops = work.otherFlops
                // Ops that touch only part of an input (an embedding lookup reads a few rows) say so.
                if let r = work.bytesReadOverride { cost.bytesRead = r }
                if let w = work.bytesWrittenOverride { cost.bytesWritten = w }
            } else {
                uncosted[node.op, default: 0] += 1
            }
            for (t, b) in nodeBytesByType { bytesByType[t, default: 0] += b }
            total = total + cost
            rows.append(NodeCost(name: node.name, op: node.op, outputs: outputs, cost: cost,
                                 weightBytesByType: nodeBytesByType, weightType: weightType, hasCostRule: schema != nil))
        }
        let memory = ActivationMemory(graph: self)
        return CostReport(
            nodes: rows, total: total, weightBytesByType: bytesByType, parametersByType: paramsByType,
            opHistogram: histogram, peakActivationBytes: memory.peakBytes, peakNodeIndex: memory.peakIndex,
            liveBytesTimeline: memory.timeline,
            stateBytes: inputs.filter(\.isState).reduce(0) { $0 + ($1.type.byteCount ?? 0) },
            uncostedOps: uncosted, bufferElements: bufferElements, unresolvedNodes: unresolvedNodes)
    }
}

/// What ``Graph/costReport(bindings:unresolvedShapes:)`` does with a value whose shape is still symbolic.
public enum UnresolvedShapePolicy: Sendable, Hashable {
    /// Throw ``IRError/unresolvedDimension(value:shape:)``: figures must be exact (catalog models, simulation).
    case fail
    /// Cost the node's weights only and list it in ``CostReport/unresolvedNodes`` (inspecting a file).
    case skipArithmetic
}
