extension Graph {
    /// Checks the graph's structure and types, naming the first problem found.
    ///
    /// Structure: every node input is produced by a node, a graph input or a constant (or by the
    /// enclosing graph, for subgraphs); no value is produced twice; there is no cycle; every output
    /// exists. Types: shape inference runs strictly, so a shape or type mismatch names its node.
    /// - Parameter outerScope: values visible from an enclosing graph (for If/Loop bodies).
    /// - Throws: ``IRError``.
    public func validate(outerScope: Set<String> = []) throws {
        try checkStructure(outerScope: outerScope, depth: 0)
        var copy = self
        try copy.inferShapes()
    }

    func checkStructure(outerScope: Set<String>, depth: Int) throws {
        var defined = outerScope
        for i in inputs { defined.insert(i.name) }
        for c in constants.keys { defined.insert(c) }
        var produced = Set<String>()
        for n in nodes {
            for o in n.outputs where !o.isEmpty {
                guard produced.insert(o).inserted, !constants.keys.contains(o) else { throw IRError.duplicateValue(o) }
            }
        }
        defined.formUnion(produced)
        for n in nodes {
            for v in n.inputs where !v.isEmpty && !defined.contains(v) {
                throw IRError.danglingInput(node: n.name, input: v)
            }
            if depth < Graph.maxSubgraphDepth {
                for (_, g) in n.subgraphs { try g.checkStructure(outerScope: defined, depth: depth + 1) }
            }
        }
        _ = try topologicalOrder()
        for o in outputs where !defined.contains(o.name) { throw IRError.unknownOutput(o.name) }
    }

    /// Debug-build check run after every transformation; compiled out of release builds.
    ///
    /// Traps with the validation error, because a transformation that breaks a graph is a bug in
    /// Edgewise, not in the user's file.
    @inline(__always)
    public func checkInvariants(file: StaticString = #fileID, line: UInt = #line) {
        #if DEBUG
        do {
            try checkStructure(outerScope: [], depth: 0)
            for n in nodes {
                for o in n.outputs where !o.isEmpty && valueTypes[o] == nil && OpRegistry.schema(for: n.op) != nil {
                    if declaredTypes[o] == nil { preconditionFailure("invariant: value '\(o)' of node '\(n.name)' has no type", file: file, line: line) }
                }
            }
        } catch {
            preconditionFailure("graph invariant broken: \(error)", file: file, line: line)
        }
        #endif
    }
}
