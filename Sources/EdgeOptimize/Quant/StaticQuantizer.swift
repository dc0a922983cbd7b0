import EdgeEngine
import EdgeIR

/// Static post-training int8 quantization in QDQ form: activation ranges calibrated by running the
/// float model on a calibration set with the engine, weights int8 per channel.
///
/// For every Conv, Gemm and MatMul (minus exclusions) the rewritten graph holds:
/// - its float activation inputs and its output as `QuantizeLinear → DequantizeLinear` pairs with the
///   calibrated scale and zero point (asymmetric int8 −128…127: onnxruntime's S8S8 default for
///   activations);
/// - its weight as an int8 initializer (symmetric −127…127, per output channel or per tensor) feeding
///   a `DequantizeLinear` node.
/// Biases stay float. This is the layout onnxruntime's `quantize_static` writes in QDQ format with
/// `op_types_to_quantize = [Conv, Gemm, MatMul]`, so both can be run and compared on equal terms; the
/// engine runs it with its QuantizeLinear/DequantizeLinear kernels, and the ONNX exporter writes it
/// as is.
public enum StaticQuantizer {
    public struct Report: Sendable {
        /// Calibrated range of each quantized activation.
        public var ranges: [String: (low: Float, high: Float)] = [:]
        public var weights = GraphWeightQuantizer.Report()
        public var calibrationInputs = 0
        /// Layers whose bias was corrected (with `biasCorrection`), and those that could not be.
        public var biasCorrected: [String] = []
        public var biasSkipped: [LowRankFactorizer.Skip] = []
        /// With `biasCorrection`: output SQNR (dB) on the calibration set without and with the correction;
        /// the correction is kept only when it is not worse (see `keepIfNotWorse`).
        public var biasCorrectionSQNR: (without: Double, with: Double)?
    }

    /// - Parameters:
    ///   - calibration: input feeds (name → tensor); each feed is one calibration batch.
    ///   - afterFeed: called with each calibration feed's index once it is taken in (progress); what it
    ///     throws stops the quantization (cancellation).
    ///   - symmetricRange: calibrate a symmetric range (then clamp it to the values seen); nil takes
    ///     onnxruntime's default per calibrator — symmetric for Percentile, not for MinMax and Entropy
    ///     (`create_calibrator`) — so "same calibrator" means the same thresholds.
    ///   - biasCorrection: correct each layer's bias by the expected output shift its weight rounding
    ///     causes, measured on the calibration set (see `StaticQuantizer+BiasCorrection.swift`).
    /// - Throws: ``OptimizeError`` for an empty calibration set or a feed whose names, shapes or types do
    ///   not match the model's inputs — checked before any work; engine errors while calibrating.
    public static func quantize(_ graph: Graph, calibration: [[String: HostTensor]], method: RangeCalibrator.Method = .minMax,
                                symmetricRange: Bool? = nil, perChannel: Bool = true, exclude: [String] = [],
                                opset: Int = 99, biasCorrection: Bool = false,
                                afterFeed: (Int) throws -> Void = { _ in }) throws -> (Graph, Report) {
        try checkCalibration(graph, calibration)
        let graph = HalfWeightFolding.fold(graph)
        let targets = graph.nodes.filter { [.conv, .gemm, .matMul].contains($0.op) && !exclude.contains($0.name) && !exclude.contains($0.op.rawValue) }
        // Activations to calibrate: float non-constant inputs 0 (and 1 for MatMul of two activations)
        // and every output of the targets.
        var activations: [String] = []
        for n in targets {
            let ins = n.op == .matMul ? Array(n.inputs.prefix(2)) : Array(n.inputs.prefix(1))
            for v in ins + n.outputs where !graph.isConstant(v) && !activations.contains(v) && !v.isEmpty {
                activations.append(v)
            }
        }
        // Run the float graph with every activation exposed as an output.
        var probe = graph
        for a in activations where !probe.outputs.contains(where: { $0.name == a }) {
            // The engine infers the concrete shape at run time; a value static inference left untyped
            // (behind an op whose output shape depends on data) is float like every quantized input.
            let t = graph.valueTypes[a] ?? graph.inputs.first(where: { $0.name == a })?.type ?? TensorType(.float32, Shape([Dim.unknown]))
            probe.outputs.append(ValueInfo(name: a, type: t))
        }
        var calibrators: [String: RangeCalibrator] = [:]
        var symmetric = symmetricRange ?? false
        if symmetricRange == nil, case .percentile = method { symmetric = true }
        for a in activations { calibrators[a] = try RangeCalibrator(method: method, symmetric: symmetric) }
        var shifts: [String: ChannelMean] = [:]
        // Bias correction needs the rounded weights while calibrating (their error is run on each feed).
        let earlyWeights = biasCorrection ? try GraphWeightQuantizer.quantize(graph, perChannel: perChannel, symmetric: true, exclude: exclude).0 : nil
        for (k, feed) in calibration.enumerated() {
            let shapes = feed.mapValues(\.shape)
            let plan = try ExecutionPlan(graph: probe, inputShapes: shapes, opset: opset)
            let out = try plan.run(feed)
            for a in activations {
                guard let t = out[a] ?? feed[a] else { continue }
                try calibrators[a]!.add(t.floats(), name: a)
            }
            if let earlyWeights {
                for n in targets {
                    guard let t = out[n.inputs[0]] ?? feed[n.inputs[0]],
                          let eg = errorGraph(n, original: graph, quantized: earlyWeights, inputShape: t.shape) else { continue }
                    let y = try ExecutionPlan(graph: eg, inputShapes: [n.inputs[0]: t.shape], opset: opset).run([n.inputs[0]: t])
                    guard let e = y[n.outputs[0]] else { continue }
                    shifts[n.name, default: ChannelMean()].add(e, axis: outputChannelAxis(n, rank: e.shape.count))
                }
            }
            try afterFeed(k)
        }
        var report = Report()
        report.calibrationInputs = calibration.count
        var params: [String: AffineParameters] = [:]
        // A graph output keeps its float value (its name must stay the float result), and so does a
        // value that reaches the outputs only through Reshape/Concat-like ops (see `modelOutputValues`).
        let modelOutputs = modelOutputValues(graph)
        for a in activations where !modelOutputs.contains(a) {
            let r = try calibrators[a]!.range()
            report.ranges[a] = r
            params[a] = AffineParameters.covering(min: r.low, max: r.high, format: .int8, symmetric: false)
        }
        // Weights: int8 codes + DequantizeLinear nodes.
        let (wq, wr) = try GraphWeightQuantizer.quantize(graph, perChannel: perChannel, symmetric: true, exclude: exclude)
        report.weights = wr
        let prologueReport = wr
        /// The quantized graph built on `base` (the float graph, or it with corrected biases).
        func assemble(_ base: Graph) throws -> Graph {
            var g = base
            let prologue = weightDequantizeNodes(&g, quantized: wq, report: prologueReport, opset: opset)
            // Activations: Q → DQ right after the value is produced (or at the start, for graph inputs);
            // every consumer among the targets reads the dequantized copy.
            var nodes: [Node] = prologue
            func qdq(_ a: String) -> [Node] {
                let p = params[a]!
                g.setConstant(.float32(a + "_scale", [p.scale], shape: Shape.scalar))
                g.setConstant(Tensor(name: a + "_zero_point", type: TensorType(.int8, Shape.scalar),
                                     storage: .memory([UInt8(bitPattern: Int8(p.zeroPoint))])))
                return [Node(name: a + "/QuantizeLinear", op: "QuantizeLinear", inputs: [a, a + "_scale", a + "_zero_point"], outputs: [a + "_q"]),
                        Node(name: a + "/DequantizeLinear", op: "DequantizeLinear", inputs: [a + "_q", a + "_scale", a + "_zero_point"],
                             outputs: [a + "_dq"])]
            }
            let targetNames = Set(targets.map(\.name))
            for a in activations where graph.isGraphInput(a) { nodes += qdq(a) }
            for var n in g.nodes {   // the graph's nodes, with any bias added by bias correction
                if targetNames.contains(n.name) {
                    for i in n.inputs.indices where params[n.inputs[i]] != nil { n.inputs[i] += "_dq" }
                }
                nodes.append(n)
                for o in n.outputs where params[o] != nil {
                    nodes += qdq(o)
                }
            }
            // Downstream non-target consumers of a quantized output read the dequantized value too, as in
            // onnxruntime's QDQ graphs (the pair sits on the tensor, not on one edge).
            let quantizedOutputs = Set(targets.flatMap(\.outputs)).intersection(params.keys)
            for i in nodes.indices where !nodes[i].name.hasSuffix("/QuantizeLinear") {
                for k in nodes[i].inputs.indices where quantizedOutputs.contains(nodes[i].inputs[k]) && !targetNames.contains(nodes[i].name) {
                    nodes[i].inputs[k] += "_dq"
                }
            }
            g.nodes = nodes
            _ = try g.inferShapes(strict: false)
            return g
        }
        guard biasCorrection else { return (try assemble(graph), report) }
        var corrected = graph
        (report.biasCorrected, report.biasSkipped) = correctBiases(&corrected, original: graph, targets: targets, shifts: shifts)
        return try keepIfNotWorse(corrected: try assemble(corrected), plain: try assemble(graph), report, original: graph,
                                  calibration: calibration, opset: opset)
    }

    /// Moves each weight ``GraphWeightQuantizer`` quantized into int8 codes (`W_quantized`), a scale
    /// and a zero point, and returns the `DequantizeLinear` nodes that rebuild `W` — the QDQ weight
    /// form onnxruntime writes. Put the nodes before all others.
    ///
    /// `DequantizeLinear` has no `axis` before opset 13, so at lower opsets a per-channel weight is
    /// rebuilt as `Cast(codes → float) · scale` (minus the zero point first when it is not 0), the
    /// scales shaped `[C, 1, …]` along the channel axis: the same values, computed the way
    /// DequantizeLinear defines them, `(q − zero_point) · scale`, in ops every opset has.
    static func weightDequantizeNodes(_ g: inout Graph, quantized wq: Graph, report wr: GraphWeightQuantizer.Report,
                                      opset: Int = 99) -> [Node] {
        var prologue: [Node] = []
        for layer in wr.layers {
            guard let t = wq.constants[layer.weight], let q = t.quantization else { continue }
            let codes = layer.weight + "_quantized"
            var stored = t
            stored.name = codes
            stored.quantization = nil
            g.setConstant(stored)
            g.removeConstant(named: layer.weight)
            let (scales, zps, axis): ([Float], [Int32], Int?)
            switch q {
            case .perAxis(let ax, let s, let z): (scales, zps, axis) = (s, z, ax)
            case .perTensor(let s, let z): (scales, zps, axis) = ([s], [z], nil)
            default: continue
            }
            if let axis, opset < 13 {
                var dims = [Int](repeating: 1, count: t.shape.rank)
                dims[axis] = scales.count
                g.setConstant(.float32(layer.weight + "_scale", scales, shape: Shape(dims)))
                let cast = layer.weight + "_float_codes"
                prologue.append(Node(name: layer.weight + "/Cast", op: "Cast", inputs: [codes], outputs: [cast],
                                     attributes: ["to": .int(1)]))      // TensorProto FLOAT
                var centred = cast
                if zps.contains(where: { $0 != 0 }) {
                    g.setConstant(.float32(layer.weight + "_zero_point", zps.map(Float.init), shape: Shape(dims)))
                    centred = layer.weight + "_centred_codes"
                    prologue.append(Node(name: layer.weight + "/Sub", op: "Sub", inputs: [cast, layer.weight + "_zero_point"], outputs: [centred]))
                }
                prologue.append(Node(name: layer.weight + "/Mul", op: "Mul", inputs: [centred, layer.weight + "_scale"], outputs: [layer.weight]))
                continue
            }
            let shape = axis == nil ? Shape.scalar : Shape([scales.count])
            g.setConstant(.float32(layer.weight + "_scale", scales, shape: shape))
            // The zero point has the codes' type (int8, or uint8 for asymmetric weights).
            let signed = t.dtype == .int8
            g.setConstant(Tensor(name: layer.weight + "_zero_point", type: TensorType(t.dtype, shape),
                                 storage: .memory(zps.map { signed ? UInt8(bitPattern: Int8($0)) : UInt8(clamping: $0) })))
            var attrs: [String: Attribute] = [:]
            if let axis { attrs["axis"] = .int(axis) }
            prologue.append(Node(name: layer.weight + "/DequantizeLinear", op: "DequantizeLinear",
                                 inputs: [codes, layer.weight + "_scale", layer.weight + "_zero_point"],
                                 outputs: [layer.weight], attributes: attrs))
        }
        return prologue
    }

    /// Weight-only int8 in QDQ form: int8 weights with `DequantizeLinear`, activations float.
    public static func quantizeWeights(_ graph: Graph, perChannel: Bool = true, symmetric: Bool = true,
                                       exclude: [String] = []) throws -> (Graph, GraphWeightQuantizer.Report) {
        let (wq, wr) = try GraphWeightQuantizer.quantize(graph, perChannel: perChannel, symmetric: symmetric, exclude: exclude)
        var g = graph
        g.nodes = weightDequantizeNodes(&g, quantized: wq, report: wr) + graph.nodes
        _ = try g.inferShapes(strict: false)
        return (g, wr)
    }

    /// Every feed names exactly the model's inputs, with their element types and a shape that fits
    /// the declared one (symbolic dimensions take any size).
    static func checkCalibration(_ graph: Graph, _ calibration: [[String: HostTensor]]) throws {
        guard !calibration.isEmpty else {
            throw OptimizeError.invalidSetting(name: "calibration set", value: "empty", expected: "at least one input feed")
        }
        for (k, feed) in calibration.enumerated() {
            for input in graph.inputs where !graph.isConstant(input.name) {
                guard let t = feed[input.name] else {
                    throw OptimizeError.invalidSetting(name: "calibration feed \(k)", value: "no '\(input.name)'",
                                                       expected: "a value for every model input (\(graph.inputs.map(\.name).joined(separator: ", ")))")
                }
                guard t.dtype == input.type.dtype, t.shape.count == input.type.shape.rank,
                      zip(t.shape, input.type.shape.dims).allSatisfy({ $1.value == nil || $1.value == $0 }) else {
                    throw OptimizeError.invalidSetting(name: "calibration feed \(k) '\(input.name)'", value: "\(t.dtype.rawValue)\(t.shape)",
                                                       expected: "\(input.type)")
                }
            }
            for name in feed.keys where !graph.inputs.contains(where: { $0.name == name }) {
                throw OptimizeError.invalidSetting(name: "calibration feed \(k)", value: "'\(name)'", expected: "only the model's inputs")
            }
        }
    }
}
