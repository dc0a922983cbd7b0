/// If, Loop and Scan: output types come from the branch or body graphs' declared outputs.
///
/// The IR imports and reports control flow; which branch runs is the engine's business, so cost
/// counts the larger branch (a conservative figure for latency budgets).
extension OpRegistry {
    static let controlFlowSchemas: [OpSchema] = [
        OpSchema("If", infer: { ctx in
            guard case .graph(let then)? = ctx.node.attributes["then_branch"] else {
                throw ctx.attributeError("then_branch", "required subgraph is missing")
            }
            let declared = then.outputs.map(\.type)
            if case .graph(let els)? = ctx.node.attributes["else_branch"], els.outputs.count != then.outputs.count {
                throw ctx.shapeError("branches have \(then.outputs.count) and \(els.outputs.count) outputs")
            }
            return zip(declared, ctx.declaredOutputs + Array(repeating: nil, count: max(0, declared.count - ctx.declaredOutputs.count)))
                .map { branch, file in file ?? branch }
        }),
        OpSchema("Loop", nonParameterInputs: [0, 1], infer: { ctx in
            try ctx.declaredOutputs.enumerated().map { i, t in
                guard let t else { throw ctx.shapeError("type of output \(i) depends on the loop body; not declared") }
                return t
            }
        }),
        OpSchema("Scan", infer: { ctx in
            try ctx.declaredOutputs.enumerated().map { i, t in
                guard let t else { throw ctx.shapeError("type of output \(i) depends on the scan body; not declared") }
                return t
            }
        }),
    ]
}
