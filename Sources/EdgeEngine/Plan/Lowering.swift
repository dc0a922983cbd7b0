import EdgeIR

/// Compile phase 1: bind input shapes, resolve every shape, fold constants, inline `If`s whose
/// condition is known.
///
/// One pass over the nodes in topological order. Each node's output types come from the IR's shape
/// rule fed with concrete input types and the contents of constant inputs (so `Shape → Gather →
/// Concat → Reshape` chains resolve). A node whose inputs are all constant runs once, here, through
/// its reference kernel, and its outputs become constants; an `If` whose condition became constant is
/// replaced by its chosen branch (renamed into this scope), which then folds further.
enum Lowering {
    struct Scope {
        /// Types of runtime values visible from outside (a subgraph's captures).
        var captures: [String: TensorType] = [:]
        /// Constants visible from outside.
        var constants: [String: HostTensor] = [:]
        /// Captures whose type is not known at compile time.
        var untyped: Set<String> = []
    }

    static func lower(_ input: Graph, inputTypes: [String: TensorType], scope: Scope, options: EngineOptions,
                      opset: Int, budget: inout Int) throws -> LoweredGraph
    {
        let graph = try input.topologicallySorted()
        var lg = LoweredGraph(inputs: [], outputs: graph.outputs.map(\.name), nodes: [], constants: [:], types: [:], opset: opset)
        for i in graph.inputs where graph.constants[i.name] == nil {
            let t = inputTypes[i.name] ?? i.type
            lg.inputs.append(ValueInfo(name: i.name, type: t, isState: i.isState))
            lg.types[i.name] = t
        }
        for (name, t) in scope.captures.sorted(by: { $0.key < $1.key }) where lg.types[name] == nil {
            lg.inputs.append(ValueInfo(name: name, type: t))
            if scope.untyped.contains(name) { lg.untyped.insert(name) } else { lg.types[name] = t }
        }
        for (name, c) in scope.constants where graph.constants[name] == nil {
            lg.constants[name] = c
            lg.types[name] = TensorType(c.dtype, Shape(c.shape))
        }
        let limit = ExecutionPlan.memoryLimit
        func charge(_ bytes: Int, _ what: String) throws {
            budget -= bytes
            if budget < 0 { throw EngineError.tooLarge(what: what, bytes: limit - budget, limit: limit) }
        }
        // Weights: loaded when first read, so unused constants cost nothing.
        func constant(_ name: String) throws -> HostTensor? {
            if let c = lg.constants[name] { return c }
            guard let t = graph.constants[name] ?? inlined[name] else { return nil }
            let h = try HostTensor(constant: t)
            try charge(h.byteCount, "loading the model's constants")
            lg.constants[name] = h
            lg.types[name] = TensorType(h.dtype, Shape(h.shape))
            return h
        }

        var inlined: [String: Tensor] = [:]
        var work = graph.nodes
        var k = 0
        while k < work.count {
            var node = work[k]
            k += 1
            let consts = try node.inputs.map { $0.isEmpty ? nil : try constant($0) }
            for (name, c) in zip(node.inputs, consts) where !name.isEmpty && c == nil && lg.types[name] == nil && !lg.untyped.contains(name) {
                throw EngineError.unsupported(node: node.name, op: node.op, detail: "input '\(name)' is never produced")
            }
            if node.op == "If" && (node.domain.isEmpty || node.domain == "ai.onnx") {
                if let cond = consts.first ?? nil {
                    let branch = try IfInlining.inline(node, condition: cond.ref.double(at: 0) != 0)
                    for c in branch.constants { inlined[c.name] = c }
                    work.insert(contentsOf: branch.nodes, at: k)
                    lg.removedNodes += 1
                    continue
                }
                node = IfInlining.withCaptures(node)
                let captured = try node.inputs.dropFirst().map { v -> (String, HostTensor?) in (v, try constant(v)) }
                var branchScope = Scope()
                for (v, c) in captured {
                    if let c { branchScope.constants[v] = c } else { branchScope.captures[v] = lg.types[v] ?? TensorType(.float32, Shape([Dim]())) }
                    if c == nil && lg.types[v] == nil { branchScope.untyped.insert(v) }
                }
                let types = try IfInlining.outputTypes(node, scope: branchScope, options: options, opset: opset, budget: budget)
                for (o, t) in zip(node.outputs, types) where !o.isEmpty {
                    if let t { lg.types[o] = t } else { lg.untyped.insert(o) }
                }
                lg.nodes.append(node)
                continue
            }
            let types = node.inputs.map { $0.isEmpty ? nil : lg.types[$0] }
            let declared = node.outputs.map { graph.declaredTypes[$0] }
            let (inferred, values) = try NodeTyping.infer(node, types: types, contents: consts.map { $0?.ref }, declared: declared)
            var outTypes = inferred
            // Ops without a shape rule take the file's declared types: custom ops, and TFLite builtins kept in
            // their own domain (the quantized integer ones), whose kernels read shapes from the plan.
            if outTypes == nil, KernelRegistry.reference[KernelRegistry.key(node)] == nil || node.domain == "tflite" || node.attributes["tflite_quantized"] != nil {
                outTypes = declared.allSatisfy({ $0?.shape.isFullyKnown == true }) ? declared.compactMap { $0 } : nil
            }
            // Shape arithmetic inference already evaluated (Shape of a static tensor, Size …).
            if let ts = outTypes, ts.count >= node.outputs.filter({ !$0.isEmpty }).count,
               node.outputs.enumerated().allSatisfy({ i, o in o.isEmpty || (i < values.count && values[i] != nil && ts[i].dtype == .int64 && ts[i].shape.isFullyKnown) }) {
                for (i, o) in node.outputs.enumerated() where !o.isEmpty {
                    let c = HostTensor(int64: values[i] ?? [], shape: ts[i].shape.values ?? [])
                    lg.constants[o] = c
                    lg.types[o] = ts[i]
                }
                lg.removedNodes += 1
                continue
            }
            let allConstant = zip(node.inputs, consts).allSatisfy { $0.isEmpty || $1 != nil }
            if allConstant && !node.inputs.isEmpty && !nondeterministic.contains(node.op) {
                let outs = try fold(node, inputs: consts, inputTypes: types, outputTypes: outTypes, options: options, opset: opset)
                for (o, t) in zip(node.outputs, outs) where !o.isEmpty {
                    try charge(t.byteCount, "constant folding")
                    lg.constants[o] = t
                    lg.types[o] = TensorType(t.dtype, Shape(t.shape))
                }
                lg.removedNodes += 1
                continue
            }
            for (i, o) in node.outputs.enumerated() where !o.isEmpty {
                if let ts = outTypes, i < ts.count {
                    lg.types[o] = ts[i]
                } else {
                    lg.untyped.insert(o)
                }
            }
            lg.nodes.append(node)
        }
        for o in lg.outputs where lg.types[o] == nil && !lg.untyped.contains(o) {
            if try constant(o) == nil { throw IRError.unknownOutput(o) }
        }
        lg.eliminateDeadNodes()
        return lg
    }

    /// Ops never folded: their result is meant to differ between runs.
    static let nondeterministic: Set<OpType> = ["RandomNormal", "RandomUniform", "RandomNormalLike", "RandomUniformLike", "Bernoulli", "Multinomial"]

    /// Runs one node on constant inputs.
    static func fold(_ node: Node, inputs: [HostTensor?], inputTypes: [TensorType?], outputTypes: [TensorType]?,
                     options: EngineOptions, opset: Int) throws -> [HostTensor]
    {
        var consts: [Int: HostTensor] = [:]
        for (i, c) in inputs.enumerated() { if let c { consts[i] = c } }
        let refs = inputs.map { $0?.ref ?? ExecutionPlan.absentRef }
        let concrete = outputTypes.map { ts in ts.count >= node.outputs.count && ts.allSatisfy { $0.shape.isFullyKnown } } ?? false
        let ctx = KernelContext(node: node, inputTypes: inputTypes, outputTypes: concrete ? outputTypes! : [],
                                constants: consts, options: options, opset: opset)
        let kernel = try KernelRegistry.make(ctx)
        do {
            if concrete, let ts = outputTypes {
                let outs = ts.prefix(node.outputs.count).map { HostTensor(dtype: $0.dtype, shape: $0.shape.values ?? []) }
                try kernel.run(inputs: refs, outputs: outs.map(\.ref))
                return outs
            }
            guard let dynamic = kernel as? DataDependentKernel else {
                throw EngineError.unsupported(node: node.name, op: node.op, detail: "output shape is not known and the kernel cannot compute it")
            }
            return try dynamic.run(inputs: refs)
        } catch let e as KernelFailure {
            throw EngineError.runtime(node: node.name, detail: e.message)
        }
    }
}

/// A kernel's run-time complaint (bad index, mismatched runtime argument); the executor adds the node.
public struct KernelFailure: Error, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
