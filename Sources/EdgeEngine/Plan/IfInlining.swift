import EdgeIR

/// `If` at compile time: the outer-scope values a branch reads, inlining a branch whose condition is
/// known, and the output types of a branch chosen at run time.
enum IfInlining {
    /// Values `g` reads but does not define (nested subgraphs included, and outputs that name an
    /// outer value directly), in first-use order.
    static func captures(of g: Graph, depth: Int = 0) -> [String] {
        guard depth < Graph.maxSubgraphDepth else { return [] }
        var defined = Set(g.inputs.map(\.name))
        defined.formUnion(g.constants.keys)
        for n in g.nodes { defined.formUnion(n.outputs.filter { !$0.isEmpty }) }
        var out: [String] = []
        var seen = Set<String>()
        func read(_ v: String) { if !v.isEmpty, !defined.contains(v), seen.insert(v).inserted { out.append(v) } }
        for n in g.nodes {
            n.inputs.forEach(read)
            for (_, s) in n.subgraphs { captures(of: s, depth: depth + 1).forEach(read) }
        }
        g.outputs.map(\.name).forEach(read)
        return out
    }

    static func branches(_ node: Node) throws -> (then: Graph, else: Graph) {
        guard case .graph(let t)? = node.attributes["then_branch"], case .graph(let e)? = node.attributes["else_branch"] else {
            throw EngineError.unsupported(node: node.name, op: node.op, detail: "If needs then_branch and else_branch subgraphs")
        }
        guard t.outputs.count == node.outputs.count, e.outputs.count == node.outputs.count else {
            throw EngineError.unsupported(node: node.name, op: node.op,
                                          detail: "branches have \(t.outputs.count) and \(e.outputs.count) outputs, the node \(node.outputs.count)")
        }
        return (t, e)
    }

    /// The node with its captured values appended to its inputs (`[cond, captures…]`), so ordering,
    /// liveness and the kernel see them as ordinary inputs.
    static func withCaptures(_ node: Node) -> Node {
        var n = node
        var seen = Set<String>()
        var caps: [String] = []
        for (_, g) in node.subgraphs {
            for v in captures(of: g) where seen.insert(v).inserted { caps.append(v) }
        }
        n.inputs = [node.inputs.first ?? ""] + caps
        return n
    }

    /// The chosen branch's nodes and constants renamed into the enclosing scope, followed by
    /// `Identity` nodes that give its results the `If`'s output names.
    static func inline(_ node: Node, condition: Bool) throws -> (nodes: [Node], constants: [Tensor]) {
        let (t, e) = try branches(node)
        let g = try (condition ? t : e).topologicallySorted()
        let prefix = "\(node.outputs.first ?? node.name)/\(condition ? "then" : "else")/"
        var defined = Set(g.constants.keys)
        for n in g.nodes { defined.formUnion(n.outputs.filter { !$0.isEmpty }) }
        var map: [String: String] = [:]
        for v in defined { map[v] = prefix + v }
        func rename(_ v: String) -> String { map[v] ?? v }
        var nodes: [Node] = g.nodes.map { n in
            var m = n
            m.name = prefix + n.name
            m.inputs = n.inputs.map(rename)
            m.outputs = n.outputs.map(rename)
            for (key, value) in n.attributes {
                switch value {
                case .graph(let s): m.attributes[key] = .graph(renamingFree(s, map))
                case .graphs(let ss): m.attributes[key] = .graphs(ss.map { renamingFree($0, map) })
                default: break
                }
            }
            return m
        }
        for (i, (o, bo)) in zip(node.outputs, g.outputs).enumerated() where !o.isEmpty {
            nodes.append(Node(name: "\(prefix)output\(i)", op: .identity, inputs: [rename(bo.name)], outputs: [o]))
        }
        let constants = g.orderedConstants.map { c -> Tensor in
            var r = c
            r.name = rename(c.name)
            return r
        }
        return (nodes, constants)
    }

    /// `g` with its reads of outer values renamed by `map` (names it defines itself are left alone).
    static func renamingFree(_ g: Graph, _ map: [String: String], depth: Int = 0) -> Graph {
        guard depth < Graph.maxSubgraphDepth else { return g }
        var defined = Set(g.inputs.map(\.name))
        defined.formUnion(g.constants.keys)
        for n in g.nodes { defined.formUnion(n.outputs.filter { !$0.isEmpty }) }
        var local = map
        for v in defined { local[v] = nil }
        func rename(_ v: String) -> String { local[v] ?? v }
        var out = g
        out.nodes = g.nodes.map { n in
            var m = n
            m.inputs = n.inputs.map(rename)
            for (key, value) in n.attributes {
                switch value {
                case .graph(let s): m.attributes[key] = .graph(renamingFree(s, local, depth: depth + 1))
                case .graphs(let ss): m.attributes[key] = .graphs(ss.map { renamingFree($0, local, depth: depth + 1) })
                default: break
                }
            }
            return m
        }
        for i in out.outputs.indices { out.outputs[i].name = rename(out.outputs[i].name) }
        return out
    }

    /// Output types of an `If` whose condition is only known at run time: a branch's type where both
    /// branches agree on a concrete type, nil (dynamic) otherwise.
    ///
    /// A branch that cannot be compiled for these shapes (Silero's 8 kHz branch fed a 16 kHz chunk) is
    /// a branch that cannot run successfully with them; the other branch alone then decides the types,
    /// and the failing one reports its error only if a run ever takes it.
    static func outputTypes(_ node: Node, scope: Lowering.Scope, options: EngineOptions, opset: Int,
                            budget: Int) throws -> [TensorType?] {
        let (t, e) = try branches(node)
        var b = budget
        let lt = Result { try Lowering.lower(t, inputTypes: [:], scope: scope, options: options, opset: opset, budget: &b) }
        let le = Result { try Lowering.lower(e, inputTypes: [:], scope: scope, options: options, opset: opset, budget: &b) }
        func types(_ g: LoweredGraph) -> [TensorType?] { g.outputs.map { g.untyped.contains($0) ? nil : g.types[$0] } }
        switch (lt, le) {
        case (.success(let a), .success(let b)):
            return zip(types(a), types(b)).map { x, y in x == y && x?.shape.isFullyKnown == true ? x : nil }
        case (.success(let a), .failure), (.failure, .success(let a)):
            return types(a).map { $0?.shape.isFullyKnown == true ? $0 : nil }
        case (.failure(let error), .failure):
            throw error
        }
    }
}
