import EdgeIR

/// A model prepared for simulation at one batch size: one row per graph node with the work, weights
/// and activation traffic the latency model needs, independent of any device.
///
/// Preparing once and simulating on many devices is what keeps "resnet50 on every device" fast: the
/// cost report (shape inference, liveness) is the expensive part and is done here, once.
public struct Workload: Sendable {
    public struct Layer: Sendable {
        public var name: String
        public var op: OpType
        public var kind: OpKind
        public var macs: Double
        public var otherFlops: Double
        /// Parameters first used by this layer (a shared weight counts once).
        public var parameters: Double
        /// Weight bytes at the graph's stored types (unique: a shared weight counts at its first use).
        public var storedWeightBytes: Double
        /// Weight elements this layer reads per run: every parameter input (a tied embedding reused by
        /// the output projection is read again there), and only the gathered rows of a lookup table.
        public var paramsRead: Double
        /// The same traffic in bytes at the graph's stored types.
        public var storedWeightTraffic: Double
        /// Elements of activation inputs (not weights).
        public var inputElements: Double
        public var outputElements: Double
        /// Layers producing this layer's activation inputs, with the elements each edge carries;
        /// -1 is a graph input.
        public var producers: [(layer: Int, elements: Double)]
        /// A BatchNorm, activation or residual add that a fusing runtime folds into `producers[0]`.
        public var fusible: Bool
        /// Index into ``Workload/supportOps``: the op a unit must support to run this layer
        /// (−1: not registered; placement then asks the unit about ``supportOp`` directly).
        public var supportOpID: Int = -1

        public var flops: Double { 2 * macs + otherFlops }
    }

    public var name: String
    public var batch: Int
    public var layers: [Layer]
    /// The distinct ops units are asked about (a matrix product of two activations is asked as
    /// TFLite's `BatchMatMul`, which many NPUs lack), so placement checks each op once, not per layer.
    public var supportOps: [OpType] = []
    public var totalMACs: Double
    public var totalParameters: Double
    public var storedWeightBytes: Double
    public var weightBytesByType: [DType: Int]
    /// Peak live activation elements (liveness sweep at the graph's stored types, converted to elements).
    public var peakActivationElements: Double
    public var inputElements: Double
    public var outputElements: Double
    /// Layers producing the graph outputs, with the elements each output carries (-1: an input passed through).
    public var outputProducers: [(layer: Int, elements: Double)]
    /// Bytes of state inputs (KV cache) at their stored type.
    public var stateBytes: Double
    /// The precision the stored weights imply when none is requested.
    public var impliedPrecision: Precision

    /// Prepares `graph` for one sample (symbolic `N` and `batch` bound to 1; `bindings` for others
    /// such as a sequence length). Use ``batched(_:)`` for larger batches.
    /// - Throws: IR errors when shapes cannot be resolved.
    public init(graph: Graph, name: String? = nil, bindings: [String: Int] = [:]) throws {
        var b = bindings
        if b["N"] == nil { b["N"] = 1 }
        if b["batch"] == nil { b["batch"] = 1 }
        var g = graph
        if graph.inputs.contains(where: { !$0.type.shape.isFullyKnown }) || graph.valueTypes.isEmpty || !bindings.isEmpty {
            _ = try g.inferShapes(bindings: b)
        }
        let report = try g.costReport()
        self.name = name ?? graph.name
        self.batch = 1
        var layers: [Layer] = []
        layers.reserveCapacity(report.nodes.count)
        var producer: [String: Int] = [:]
        var consumers: [String: Int] = [:]
        for n in g.nodes { for v in n.inputs where !v.isEmpty { consumers[v, default: 0] += 1 } }
        var peakElements = 0.0
        var inputElems = 0.0
        for i in g.inputs where !g.isConstant(i.name) && !i.isState { inputElems += Double(i.type.shape.elementCount ?? 0) }
        for (i, node) in g.nodes.enumerated() {
            let row = report.nodes[i]
            let inputTypes = node.inputs.map { $0.isEmpty ? nil : g.valueTypes[$0] }
            let kind = OpKind.classify(node, inputTypes: inputTypes, isConstant: { g.isConstant($0) })
            var inElems = 0.0
            var producers: [(Int, Double)] = []
            for v in node.inputs where !v.isEmpty && !g.isConstant(v) {
                let e = Double(g.valueTypes[v]?.shape.elementCount ?? 0)
                inElems += e
                producers.append((producer[v] ?? -1, e))
            }
            let outElems = row.outputs.reduce(0.0) { $0 + Double($1.shape.elementCount ?? 0) }
            let nonParameter = OpRegistry.schema(for: node.op)?.nonParameterInputs ?? []
            var paramsRead = 0.0, weightTraffic = 0.0
            for (k, v) in node.inputs.enumerated() where !v.isEmpty && !nonParameter.contains(k) {
                guard let c = g.constants[v] else { continue }
                let n = Double(c.shape.elementCount ?? 0)
                let bytes = Double(c.type.byteCount ?? 0)
                // A lookup (Embedding's table is input 1, Gather's data input 0) reads only the rows it gathers.
                let touched = node.op == .embedding || node.op == .gather ? min(n, outElems) : n
                paramsRead += touched
                weightTraffic += n > 0 ? bytes * touched / n : 0
            }
            for o in node.outputs where !o.isEmpty { producer[o] = i }
            var fusible = false
            if Self.fusibleOps.contains(node.op), let first = producers.first, first.0 >= 0 {
                let src = layers[first.0]
                let single = node.input(0).map { consumers[$0, default: 0] == 1 } ?? false
                fusible = single && (src.kind == .conv || src.kind == .depthwise || src.kind == .matmul || src.fusible)
            }
            layers.append(Layer(name: node.name, op: node.op, kind: kind, macs: Double(row.cost.macs),
                                otherFlops: Double(row.cost.otherFlops), parameters: Double(row.cost.parameters),
                                storedWeightBytes: Double(row.cost.weightBytes), paramsRead: paramsRead,
                                storedWeightTraffic: weightTraffic, inputElements: inElems,
                                outputElements: outElems, producers: producers, fusible: fusible))
        }
        var opIDs: [OpType: Int] = [:]
        var supportOps: [OpType] = []
        for i in layers.indices {
            let op = layers[i].supportOp
            if let id = opIDs[op] {
                layers[i].supportOpID = id
            } else {
                opIDs[op] = supportOps.count
                layers[i].supportOpID = supportOps.count
                supportOps.append(op)
            }
        }
        self.supportOps = supportOps
        // Peak activation memory in elements: the liveness timeline is in stored bytes; catalog graphs
        // store activations as float32, so divide by the dominant activation width.
        let actWidth = Self.activationWidth(g)
        peakElements = Double(report.peakActivationBytes) / actWidth
        self.layers = layers
        self.totalMACs = Double(report.total.macs)
        self.totalParameters = Double(report.total.parameters)
        self.storedWeightBytes = Double(report.total.weightBytes)
        self.weightBytesByType = report.weightBytesByType
        self.peakActivationElements = peakElements
        self.inputElements = inputElems
        self.outputElements = g.outputs.reduce(0.0) { $0 + Double(g.valueTypes[$1.name]?.shape.elementCount ?? 0) }
        self.outputProducers = g.outputs.map { (producer[$0.name] ?? -1, Double(g.valueTypes[$0.name]?.shape.elementCount ?? 0)) }
        self.stateBytes = Double(report.stateBytes)
        self.impliedPrecision = Precision.implied(byWeightBytes: report.weightBytesByType)
    }

    /// Ops a fusing runtime folds into the preceding convolution or matrix product.
    static let fusibleOps: Set<OpType> = [.batchNorm, .relu, .clip, .sigmoid, .tanh, .hardSwish, .hardSigmoid, .silu,
                                          .gelu, .prelu, .leakyRelu, .add, .mul]

    /// Bytes per element of the graph's activations (the first graph input's float type, else 4).
    static func activationWidth(_ g: Graph) -> Double {
        for i in g.inputs where i.type.dtype.isFloatingPoint {
            return Double(i.type.dtype.bytesPerBlock)
        }
        return 4
    }

    /// The same model run on `batch` samples at once: arithmetic and activations scale with the
    /// batch, weights are read once per batch.
    /// - Throws: ``SimError/invalidScenario(_:)`` for batch < 1.
    public func batched(_ batch: Int) throws -> Workload {
        guard batch >= 1 else { throw SimError.invalidScenario("batch must be at least 1 (got \(batch))") }
        guard batch != self.batch else { return self }
        let f = Double(batch) / Double(self.batch)
        var w = self
        w.batch = batch
        for i in w.layers.indices {
            w.layers[i].macs *= f
            w.layers[i].otherFlops *= f
            w.layers[i].inputElements *= f
            w.layers[i].outputElements *= f
            w.layers[i].producers = w.layers[i].producers.map { ($0.layer, $0.elements * f) }
        }
        w.totalMACs *= f
        w.peakActivationElements *= f
        w.inputElements *= f
        w.outputElements *= f
        w.outputProducers = w.outputProducers.map { ($0.layer, $0.elements * f) }
        return w
    }

    /// Total weight bytes at a precision.
    public func weightBytes(at p: Precision) -> Double {
        p.isNative ? storedWeightBytes : totalParameters * p.weightBits / 8
    }
}

extension Workload.Layer {
    /// The op a unit must support to run this layer: a matrix product of two activations is
    /// TFLite's `BatchMatMul`, which many NPUs lack.
    var supportOp: OpType {
        kind == .attention && op == .matMul ? "BatchMatMul" : op
    }

    /// Weight bytes the layer reads per run at a precision. A method on the layer (not on the
    /// workload taking a layer) so hot loops read it in place instead of copying the layer.
    @inline(__always)
    func weightTraffic(_ p: Precision) -> Double {
        p.isNative ? storedWeightTraffic : paramsRead * p.weightBits / 8
    }

    /// Unique weight bytes of the layer at a precision (what it adds to the model's size).
    @inline(__always)
    func weightBytes(_ p: Precision) -> Double {
        p.isNative ? storedWeightBytes : parameters * p.weightBits / 8
    }
}
