import EdgeIR

/// The two rewrites of ``IntegerGlue``: quantized regions onto code tables, float chains onto float tables.
extension IntegerGlue {
    /// How a quantized value is computed from DequantizeLinear outputs (node indices into the graph).
    indirect enum Tree {
        case leaf(Int)
        /// An elementwise node and the tree of its operand.
        case unary(Int, Tree)
        /// A movement node or MaxPool and the trees of its data inputs, in input order.
        case move(Int, [(input: Int, tree: Tree)])
    }

    /// One DequantizeLinear below a QuantizeLinear: the nodes from it up to the root, leaf first.
    struct LeafPath {
        let dequantize: Int
        /// Elementwise nodes and pools (`isPool`) in order from the leaf upward.
        var steps: [(node: Int, isPool: Bool)]
        var elementwise: [Int] { steps.filter { !$0.isPool }.map(\.node) }
    }

    static func leafPaths(_ t: Tree, above: [(node: Int, isPool: Bool)], _ g: LoweredGraph) -> [LeafPath] {
        switch t {
        case .leaf(let d): return [LeafPath(dequantize: d, steps: above)]
        case .unary(let n, let c): return leafPaths(c, above: [(n, false)] + above, g)
        case .move(let n, let cs):
            let step = g.nodes[n].op == .maxPool ? [(node: n, isPool: true)] : []
            return cs.flatMap { leafPaths($0.tree, above: step + above, g) }
        }
    }

    /// The tree computing `v` from DequantizeLinear outputs, or nil. Values inside the tree must have no
    /// reader outside it (DequantizeLinear outputs may: the DequantizeLinear then simply stays).
    static func tree(_ v: String, _ g: LoweredGraph, producers: [String: Int], uses: [String: Int], root: Bool) -> Tree? {
        guard let p = producers[v] else { return nil }
        let n = g.nodes[p]
        if isDequantize(g, n) { return .leaf(p) }
        guard root || (uses[v] == 1 && !g.outputs.contains(v)) else { return nil }
        if let i = elementwiseOperand(g, n) {
            return tree(n.inputs[i], g, producers: producers, uses: uses, root: false).map { .unary(p, $0) }
        }
        if let data = movementInputs(g, n) {
            var children: [(input: Int, tree: Tree)] = []
            for i in data {
                guard let c = tree(n.inputs[i], g, producers: producers, uses: uses, root: false) else { return nil }
                children.append((i, c))
            }
            return .move(p, children)
        }
        return nil
    }

    /// Rewrites every QuantizeLinear whose input is such a tree; returns how many.
    static func quantizedRegions(_ g: inout LoweredGraph, options: EngineOptions) -> Int {
        var count = 0
        var refused: Set<String> = []
        var progress = true
        while progress {
            progress = false
            let producers = g.producers(), uses = g.consumerCounts()
            for qi in g.nodes.indices where isQuantize(g, g.nodes[qi]) && !refused.contains(g.nodes[qi].outputs[0]) {
                let q = g.nodes[qi], x = q.inputs[0]
                // Every reader of x must be a QuantizeLinear, or the float nodes would have to stay.
                let readers = g.nodes.filter { $0.inputs.contains(x) }
                guard !g.outputs.contains(x), readers.count == uses[x], readers.allSatisfy({ isQuantize(g, $0) }),
                      let t = tree(x, g, producers: producers, uses: uses, root: true),
                      let nodes = rewrite(q, t, &g, options: options)
                else { refused.insert(q.outputs[0]); continue }
                g.nodes.replaceSubrange(qi...qi, with: nodes)
                count += 1
                progress = true
                break
            }
        }
        return count
    }

    /// The nodes replacing QuantizeLinear `q` (tables added to the constants), or nil when a table
    /// cannot be made exactly or a MaxPool does not commute with what follows it.
    static func rewrite(_ q: Node, _ t: Tree, _ g: inout LoweredGraph, options: EngineOptions) -> [Node]? {
        guard let qType = g.types[q.outputs[0]]?.dtype else { return nil }
        let paths = leafPaths(t, above: [], g)
        var tables: [Int: HostTensor] = [:]  // by DequantizeLinear index (one path per leaf in a tree)
        // Per pool: (float reaching the pool, final code) over every leaf below it.
        var poolPairs: [Int: [(Float, Int)]] = [:]
        for path in paths {
            let chain = path.elementwise
            guard let stages = IntegerGlueTables.evaluate(g, dequantize: path.dequantize, chain: chain, quantize: q, options: options),
                  let codes = stages.last else { return nil }
            tables[path.dequantize] = codes
            var unaryBefore = 0
            for step in path.steps {
                if step.isPool {
                    let v = stages[unaryBefore].ref.f32()
                    for c in 0..<256 { poolPairs[step.node, default: []].append((v[c], codeValue(codes, c))) }
                } else {
                    unaryBefore += 1
                }
            }
        }
        for (_, pairs) in poolPairs where !IntegerGlueTables.isNonDecreasing(pairs) { return nil }

        var nodes: [Node] = []
        var fresh = 0
        func name(_ base: String) -> String {
            fresh += 1
            var n = "\(base)#int8:\(q.outputs[0])"
            if fresh > 1 { n += ":\(fresh)" }
            return n
        }
        func emit(_ t: Tree, out: String?) -> String {
            switch t {
            case .leaf(let d):
                let dq = g.nodes[d]
                // An identity table (the DequantizeLinear and QuantizeLinear share scale and zero point, and
                // nothing between changes a value) needs no lookup: the codes themselves feed the movement op.
                if out == nil, g.types[dq.inputs[0]]?.dtype == qType, let table = tables[d],
                   (0..<256).allSatisfy({ table.ref.u8()[$0] == UInt8($0) }) {
                    return dq.inputs[0]
                }
                let o = out ?? name(dq.outputs[0])
                let tableName = name(dq.outputs[0] + "/table")
                g.constants[tableName] = tables[d]
                g.types[tableName] = TensorType(qType, Shape([256]))
                g.types[o] = TensorType(qType, g.types[dq.outputs[0]]!.shape)
                nodes.append(Node(name: "\(dq.name)/lookup:\(q.name)", op: lookupOp, domain: "edgewise",
                                  inputs: [dq.inputs[0], tableName], outputs: [o]))
                return o
            case .unary(_, let c):
                return emit(c, out: out)
            case .move(let p, let cs):
                var m = g.nodes[p]
                for (i, c) in cs { m.inputs[i] = emit(c, out: nil) }
                let o = out ?? name(m.outputs[0])
                g.types[o] = TensorType(qType, g.types[m.outputs[0]]!.shape)
                m.name += ":\(q.name)"
                m.outputs = [o]
                nodes.append(m)
                return o
            }
        }
        _ = emit(t, out: q.outputs[0])
        return nodes
    }

    /// Code `c` of an 8-bit table as its integer value (int8 tables are signed).
    static func codeValue(_ t: HostTensor, _ c: Int) -> Int {
        t.dtype == .int8 ? Int(t.ref.i8()[c]) : Int(t.ref.u8()[c])
    }

    /// Replaces chains DequantizeLinear → elementwise ops whose result stays float by one float table;
    /// returns how many.
    static func floatTables(_ g: inout LoweredGraph, options: EngineOptions) -> Int {
        var count = 0
        var i = 0
        while i < g.nodes.count {
            defer { i += 1 }
            let top = g.nodes[i]
            guard elementwiseOperand(g, top) != nil else { continue }
            let producers = g.producers(), uses = g.consumerCounts()
            let v = top.outputs[0]
            // Only the top of a chain: not when v's one reader is itself part of a longer chain.
            if uses[v] == 1, let r = g.nodes.firstIndex(where: { $0.inputs.contains(v) }), elementwiseOperand(g, g.nodes[r]) != nil,
               !g.outputs.contains(v) { continue }
            var chain: [Int] = []
            var node = i
            var dequantize: Int?
            while let k = elementwiseOperand(g, g.nodes[node]) {
                chain.insert(node, at: 0)
                let u = g.nodes[node].inputs[k]
                guard let p = producers[u] else { break }
                if isDequantize(g, g.nodes[p]) { dequantize = p; break }
                guard uses[u] == 1, !g.outputs.contains(u) else { break }
                node = p
            }
            guard let d = dequantize,
                  let stages = IntegerGlueTables.evaluate(g, dequantize: d, chain: chain, quantize: nil, options: options),
                  let table = stages.last else { continue }
            let dq = g.nodes[d]
            let tableName = "\(v)#float-table"
            g.constants[tableName] = table
            g.types[tableName] = TensorType(.float32, Shape([256]))
            g.nodes[i] = Node(name: "\(dq.name)/lookup:\(top.name)", op: lookupOp, domain: "edgewise",
                              inputs: [dq.inputs[0], tableName], outputs: [v])
            count += 1
        }
        return count
    }

    /// GlobalAveragePool over `TableLookup(codes, float table)` or a DequantizeLinear becomes
    /// `TableGlobalAveragePool(codes, table)` — only where the plan would run ``OptimizedGlobalAveragePool``,
    /// whose arithmetic (float32 sum in element order, then / size) the new op reproduces. Returns how many.
    static func tablePools(_ g: inout LoweredGraph, options: EngineOptions) -> Int {
        var count = 0
        let producers = g.producers()
        for i in g.nodes.indices where g.nodes[i].op == .globalAveragePool {
            let gap = g.nodes[i]
            guard gap.outputs.count == 1, let x = gap.input(0), let p = producers[x], let xt = g.types[x], xt.dtype == .float32,
                  let outType = g.types[gap.outputs[0]],
                  let real = try? KernelRegistry.make(KernelContext(node: gap, inputTypes: [xt], outputTypes: [outType], constants: [:],
                                                                    options: options, opset: g.opset)),
                  real is OptimizedGlobalAveragePool
            else { continue }
            let source = g.nodes[p]
            let codes: String, table: HostTensor
            if source.op == lookupOp, let t = g.constants[source.inputs[1]], t.dtype == .float32 {
                (codes, table) = (source.inputs[0], t)
            } else if isDequantize(g, source),
                      let t = IntegerGlueTables.evaluate(g, dequantize: p, chain: [], quantize: nil, options: options)?.last {
                (codes, table) = (source.inputs[0], t)
            } else {
                continue
            }
            let tableName = "\(gap.outputs[0])#pool-table"
            g.constants[tableName] = table
            g.types[tableName] = TensorType(.float32, Shape([256]))
            g.nodes[i] = Node(name: gap.name, op: lookupPoolOp, domain: "edgewise", inputs: [codes, tableName], outputs: gap.outputs)
            count += 1
        }
        return count
    }

    /// The codes and float table behind float value `v`: a float `TableLookup`, or a per-tensor
    /// DequantizeLinear (its table made by the plan's kernel).
    static func tableSource(_ v: String, _ g: LoweredGraph, producers: [String: Int], options: EngineOptions) -> (String, HostTensor)? {
        guard let p = producers[v] else { return nil }
        let source = g.nodes[p]
        if source.op == lookupOp, let t = g.constants[source.inputs[1]], t.dtype == .float32 { return (source.inputs[0], t) }
        if isDequantize(g, source), let t = IntegerGlueTables.evaluate(g, dequantize: p, chain: [], quantize: nil, options: options)?.last {
            return (source.inputs[0], t)
        }
        return nil
    }

    /// QuantizeLinear(Mul(a, gate)) with `a` a float table's value [N, C, …] and `gate` [N, C, 1, …] becomes
    /// `TableMulQuantize(codes, table, gate, y_scale, y_zero)` — only where the plan would run the optimized
    /// Mul (``OptimizedBinary``, one float32 product per element) and the optimized per-tensor QuantizeLinear,
    /// whose arithmetic the new op reproduces. Returns how many.
    static func gatedQuantize(_ g: inout LoweredGraph, options: EngineOptions) -> Int {
        guard !options.forceReference else { return 0 }
        var count = 0
        for qi in g.nodes.indices where isQuantize(g, g.nodes[qi]) {
            let producers = g.producers(), uses = g.consumerCounts()
            let q = g.nodes[qi], m = q.inputs[0]
            guard uses[m] == 1, !g.outputs.contains(m), let mi = producers[m] else { continue }
            let mul = g.nodes[mi]
            guard mul.op == .mul, mul.inputs.count == 2, mul.string("activation") == nil, let y = g.types[m]?.shape.values, y.count >= 3
            else { continue }
            for (a, gate) in [(mul.inputs[0], mul.inputs[1]), (mul.inputs[1], mul.inputs[0])] {
                guard g.types[a]?.shape.values == y, let gs = g.types[gate]?.shape.values, g.types[gate]?.dtype == .float32,
                      gs == [y[0], y[1]] + Array(repeating: 1, count: y.count - 2), !g.isConstant(gate),
                      let (codes, table) = tableSource(a, g, producers: producers, options: options)
                else { continue }
                let types = mul.inputs.map { g.types[$0] }
                guard let mt = g.types[m],
                      let realMul = try? KernelRegistry.make(KernelContext(node: mul, inputTypes: types, outputTypes: [mt], constants: [:],
                                                                           options: options, opset: g.opset)),
                      realMul is OptimizedBinary, quantizeIsOptimized(g, q, options: options)
                else { continue }
                let tableName = "\(q.outputs[0])#gate-table"
                g.constants[tableName] = table
                g.types[tableName] = TensorType(.float32, Shape([256]))
                g.nodes[qi] = Node(name: q.name, op: lookupMulQuantizeOp, domain: "edgewise",
                                   inputs: [codes, tableName, gate, q.inputs[1]] + (q.input(2).map { [$0] } ?? []), outputs: q.outputs)
                count += 1
                break
            }
        }
        return count
    }

    /// Whether the plan would run QuantizeLinear `q` with the optimized per-tensor kernel, whose arithmetic
    /// (float32 division, round half to even) the fused ops reproduce.
    static func quantizeIsOptimized(_ g: LoweredGraph, _ q: Node, options: EngineOptions) -> Bool {
        guard let qt = g.types[q.outputs[0]] else { return false }
        let consts = Dictionary(uniqueKeysWithValues: q.inputs.enumerated().compactMap { i, v in g.constants[v].map { (i, $0) } })
        let ctx = KernelContext(node: q, inputTypes: q.inputs.map { $0.isEmpty ? nil : g.types[$0] }, outputTypes: [qt],
                                constants: consts, options: options, opset: g.opset)
        return (try? OptimizedQuantizeLinear.makeQuantize(ctx)) != nil
    }

    /// QuantizeLinear(TableGlobalAveragePool(codes, table)), the pool read by nothing else, becomes
    /// `TablePoolQuantize(codes, table, y_scale, y_zero)`: with the codes as the result, the kernel can settle
    /// most planes from integer sums (``ck_lookup_gap_quantize``). Returns how many.
    static func quantizedPools(_ g: inout LoweredGraph, options: EngineOptions) -> Int {
        guard !options.forceReference else { return 0 }
        var count = 0
        let producers = g.producers(), uses = g.consumerCounts()
        for qi in g.nodes.indices where isQuantize(g, g.nodes[qi]) {
            let q = g.nodes[qi], m = q.inputs[0]
            guard uses[m] == 1, !g.outputs.contains(m), let pi = producers[m], g.nodes[pi].op == lookupPoolOp,
                  let size = g.types[g.nodes[pi].inputs[0]]?.shape.values?.dropFirst(2).reduce(1, *), size > 0,
                  quantizeIsOptimized(g, q, options: options)
            else { continue }
            let pool = g.nodes[pi]
            g.nodes[qi] = Node(name: q.name, op: lookupPoolQuantizeOp, domain: "edgewise",
                               inputs: [pool.inputs[0], pool.inputs[1], q.inputs[1]] + (q.input(2).map { [$0] } ?? []), outputs: q.outputs)
            count += 1
        }
        return count
    }
}
