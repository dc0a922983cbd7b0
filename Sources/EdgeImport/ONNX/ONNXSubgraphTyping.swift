import EdgeIR

/// Types for subgraph outputs that an ONNX file leaves undeclared.
///
/// ONNX lets an `If` branch omit its outputs' types (exporters often do, e.g. Silero VAD's 25 `If`s).
/// The IR's `If` rule reads the branch outputs' types, so a placeholder would spread a wrong rank
/// through the rest of the graph. A subgraph reads values of its enclosing graph, so it can only be
/// inferred once those are typed: the importer infers the main graph, then infers each subgraph with
/// the enclosing values as extra inputs, writes the types found into the outputs it had to guess,
/// and infers the main graph again.
extension Graph {
    /// Refines every subgraph of this graph's nodes; `scope` holds the types visible from outside.
    ///
    /// - Returns: how many placeholder outputs received an inferred type.
    mutating func refineSubgraphTypes(scope: [String: TensorType], placeholders: Set<String>, depth: Int = 0) -> Int {
        guard depth < Graph.maxSubgraphDepth else { return 0 }
        var visible = scope
        for (k, v) in valueTypes { visible[k] = v }
        var resolved = 0
        for i in nodes.indices where nodes[i].attributes.values.contains(where: Self.holdsGraph) {
            for (key, attribute) in nodes[i].attributes {
                switch attribute {
                case .graph(var g) where g.needsRefinement(placeholders, depth: depth + 1):
                    resolved += g.refineAsSubgraph(scope: visible, placeholders: placeholders, depth: depth + 1)
                    nodes[i].attributes[key] = .graph(g)
                case .graphs(var gs) where gs.contains(where: { $0.needsRefinement(placeholders, depth: depth + 1) }):
                    for k in gs.indices where gs[k].needsRefinement(placeholders, depth: depth + 1) {
                        resolved += gs[k].refineAsSubgraph(scope: visible, placeholders: placeholders, depth: depth + 1)
                    }
                    nodes[i].attributes[key] = .graphs(gs)
                default:
                    continue
                }
            }
        }
        return resolved
    }

    private static func holdsGraph(_ a: Attribute) -> Bool {
        switch a {
        case .graph, .graphs: return true
        default: return false
        }
    }

    /// Infers this subgraph with the enclosing values it reads as inputs, refining nested subgraphs
    /// in between, and keeps the types found.
    private mutating func refineAsSubgraph(scope: [String: TensorType], placeholders: Set<String>, depth: Int) -> Int {
        let free = outerReads()
        func probe(_ g: Graph) -> Graph {
            var p = g
            for name in free { if let t = scope[name] { p.inputs.append(ValueInfo(name: name, type: t)) } }
            _ = try? p.inferShapes(strict: false)
            return p
        }
        var first = probe(self)
        var typed = self
        typed.valueTypes = first.valueTypes
        var resolved = typed.refineSubgraphTypes(scope: scope, placeholders: placeholders, depth: depth)
        if resolved > 0 {  // nested branches gained types: infer this graph again with them
            nodes = typed.nodes
            first = probe(self)
        }
        for k in outputs.indices where placeholders.contains(outputs[k].name) {
            if let t = first.valueTypes[outputs[k].name] {
                outputs[k].type = t
                resolved += 1
            }
        }
        let outer = Set(free)
        for (name, t) in first.valueTypes where !outer.contains(name) { valueTypes[name] = t }
        return resolved
    }

    /// Whether this subgraph, or one nested in it, has an output whose type the file left out.
    func needsRefinement(_ placeholders: Set<String>, depth: Int) -> Bool {
        guard depth <= Graph.maxSubgraphDepth else { return false }
        if outputs.contains(where: { placeholders.contains($0.name) }) { return true }
        return nodes.contains { n in n.subgraphs.contains { $0.graph.needsRefinement(placeholders, depth: depth + 1) } }
    }

    /// Values this graph's nodes (and their own subgraphs) read but do not define.
    private func outerReads() -> [String] {
        var defined = Set(inputs.map(\.name))
        defined.formUnion(constants.keys)
        for n in nodes { defined.formUnion(n.outputs) }
        var seen = Set<String>()
        var out: [String] = []
        for n in nodes {
            for v in n.inputs + n.implicitInputs where !v.isEmpty && !defined.contains(v) && seen.insert(v).inserted {
                out.append(v)
            }
        }
        return out
    }
}
