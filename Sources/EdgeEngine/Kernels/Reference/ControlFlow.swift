import EdgeIR

/// `If` with a condition known only at run time: both branches are compiled as sub-plans (their
/// outer-scope reads are the node's inputs after the condition, see ``IfInlining/withCaptures(_:)``),
/// and each run executes the chosen one. An `If` whose condition is known at compile time never
/// reaches this kernel: ``Lowering`` inlines its branch.
extension ReferenceKernels {
    static let controlFlow: [OpType: KernelSpec] = [
        "If": KernelSpec(.plain, sizesOutputs: true) { try IfKernel($0) },
    ]
}

final class IfKernel: DataDependentKernel {
    let node: Node
    let branches: (then: Graph, else: Graph)
    let scope: Lowering.Scope
    let options: EngineOptions
    let opset: Int
    /// Branch plans, compiled when first taken (a branch may not compile for shapes it never runs with).
    private var plans: [Bool: Result<ExecutionPlan, Error>] = [:]
    /// Capture names by node input index (1…), nil where the capture is a compile-time constant.
    let captures: [String?]

    init(_ ctx: KernelContext) throws {
        node = ctx.node
        branches = try IfInlining.branches(ctx.node)
        var scope = Lowering.Scope()
        var captures: [String?] = []
        for (i, name) in ctx.node.inputs.enumerated().dropFirst() where !name.isEmpty {
            if let c = ctx.constants[i] {
                scope.constants[name] = c
                captures.append(nil)
            } else if let type = ctx.inputTypes[i] {
                scope.captures[name] = type
                captures.append(name)
            } else {
                throw ctx.unsupported("captured value '\(name)' has no type")
            }
        }
        self.captures = captures
        self.scope = scope
        options = ctx.options
        opset = ctx.opset
    }

    func plan(_ condition: Bool) throws -> ExecutionPlan {
        if plans[condition] == nil {
            let g = condition ? branches.then : branches.else
            plans[condition] = Result { try ExecutionPlan.subplan(g, scope: scope, options: options, opset: opset) }
        }
        return try plans[condition]!.get()
    }

    func run(inputs: [TensorRef]) throws -> [HostTensor] {
        guard let cond = inputs.first, cond.count >= 1 else { throw KernelFailure("If condition is empty") }
        let plan = try plan(cond.double(at: 0) != 0)
        var feeds: [String: HostTensor] = [:]
        for (k, name) in captures.enumerated() {
            guard let name, plan.inputs.contains(where: { $0.name == name }) else { continue }
            feeds[name] = HostTensor(copying: inputs[k + 1])
        }
        let out = try plan.run(feeds)
        return try plan.outputNames.map { n in
            guard let t = out[n] else { throw KernelFailure("branch output '\(n)' missing") }
            return t
        }
    }
}
