import EdgeIR

/// Plans specialised for the values of scalar integer or boolean inputs that steer control flow.
///
/// Some exported models branch on a scalar input: Silero VAD's `sr` picks the 8 kHz or 16 kHz
/// sub-network through an `If`. Compiled generically, that `If` runs on the dynamic path every time
/// (its branch is a sub-plan fed by copies of the captured tensors, its outputs are allocated per
/// run), and everything inside it — shape arithmetic, nested `If`s, Slice index math — is resolved
/// again per run. When a plan keeps a run-time `If` and the graph has such scalar inputs, a run
/// compiles (once per distinct value, at most ``limit`` values) a plan in which those inputs are
/// constants: lowering then folds the condition, inlines the chosen branch and plans it statically.
/// The same kernels run on the same values, so results equal the generic plan's. Values beyond the
/// limit, and values whose specialised compile fails, run on the generic plan.
final class InputSpecialiser {
    let graph: Graph
    let inputShapes: [String: [Int]]
    let options: EngineOptions
    let opset: Int
    /// The inputs specialised on, in graph order.
    let names: [String]
    private(set) var plans: [[UInt8]: ExecutionPlan?] = [:]
    static let limit = 4

    init(graph: Graph, inputShapes: [String: [Int]], options: EngineOptions, opset: Int, names: [String]) {
        self.graph = graph
        self.inputShapes = inputShapes
        self.options = options
        self.opset = opset
        self.names = names
    }

    /// A specialiser when `plan` keeps a run-time `If` and `graph` has scalar integer or boolean
    /// inputs (as compiled: rank 0, or every dimension 1); nil otherwise.
    static func make(for plan: ExecutionPlan, graph: Graph, inputShapes: [String: [Int]], options: EngineOptions,
                     opset: Int) -> InputSpecialiser? {
        guard plan.steps.contains(where: { $0.node.op == "If" }) else { return nil }
        let names = plan.inputs.filter { i in
            (i.type.dtype.isInteger || i.type.dtype == .bool) && i.type.shape.values.map { $0.allSatisfy { $0 == 1 } } == true
        }.map(\.name)
        guard !names.isEmpty else { return nil }
        return InputSpecialiser(graph: graph, inputShapes: inputShapes, options: options, opset: opset, names: names)
    }

    /// The plan specialised for these feeds' values of ``names`` (compiled on first sight), or nil
    /// when the generic plan must run (a feed missing, over the limit, the compile failed).
    func plan(for feeds: [String: HostTensor]) -> ExecutionPlan? {
        var key: [UInt8] = []
        for n in names {
            guard let t = feeds[n] else { return nil }
            key.append(UInt8(truncatingIfNeeded: t.byteCount))
            key.append(contentsOf: UnsafeRawBufferPointer(start: t.storage.pointer, count: t.byteCount))
        }
        if let p = plans[key] { return p }
        guard plans.count < Self.limit else { return nil }
        var g = graph
        for n in names {
            guard let t = feeds[n], let i = g.inputs.firstIndex(where: { $0.name == n }) else { return nil }
            let bytes = Array(UnsafeRawBufferPointer(start: t.storage.pointer, count: t.byteCount))
            g.inputs.remove(at: i)
            g.setConstant(Tensor(name: n, type: TensorType(t.dtype, Shape(t.shape)), storage: .memory(bytes)))
        }
        var shapes = inputShapes
        for n in names { shapes[n] = nil }
        let p = try? ExecutionPlan(graph: g, inputShapes: shapes, options: options, opset: opset, specialise: false)
        plans[key] = p
        return p
    }
}
