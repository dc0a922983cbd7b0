import EdgeIR

/// An IR graph prepared for training: its float weights as parameters, and a per-sample forward and
/// reverse-mode backward pass over the ops a small CNN or MLP needs.
///
/// Training works on the same ``Graph`` the engine runs, so a trained model is an ordinary IR model:
/// the engine runs it, the ONNX exporter writes it and onnxruntime reads it. The graph is read, never
/// changed; ``graph(with:)`` returns a copy holding new parameter values.
///
/// Supported ops (anything else is rejected by ``init(_:)`` with the node named, before any work):
/// Conv (2-D, any stride, padding, dilation and group count, explicit pads), Gemm (`transA = 0`, a
/// constant B, bias C of shape `[N]`/`[1, N]`), MatMul by a constant 2-D weight, Add (two activations
/// of one shape, or an activation and a constant that broadcasts to it), Relu, MaxPool and AveragePool
/// (2-D, `ceil_mode = 0`), GlobalAveragePool, Flatten, Reshape (constant shape) and Identity; a
/// Softmax is accepted as the last node, where training reads its input as the logits.
///
/// Every sample goes through the graph alone (batch 1), so a batch is a sum of per-sample gradients in
/// sample order: results are deterministic and independent of how the model declares its batch
/// dimension. Float weights consumed by those ops are the parameters; integer constants (Reshape's
/// shape) are not.
public struct TrainableGraph: Sendable {
    /// A trainable tensor: a float32 constant of the graph.
    public struct Parameter: Sendable {
        public let name: String
        public let shape: [Int]
        public var values: [Float]
    }

    enum Ref: Sendable {
        case value(Int)
        case param(Int)
    }

    enum Kind: Sendable {
        case conv(ConvGeometry)
        case gemm(transB: Bool, alpha: Float, beta: Float, k: Int, n: Int)
        case matMul(k: Int, n: Int)
        /// `map` gives, for each output element, the element of a constant operand it adds (nil: two activations).
        case add(map: [Int]?)
        case relu
        case maxPool(PoolGeometry)
        case averagePool(PoolGeometry, countPad: Bool)
        case globalAveragePool
        case reshape
    }

    struct Layer: Sendable {
        let node: String
        let kind: Kind
        let inputs: [Ref?]
        let output: Int
    }

    public let graph: Graph
    public private(set) var parameters: [Parameter]
    let layers: [Layer]
    /// Per-sample shape of every value (index 0 is the input).
    let shapes: [[Int]]
    /// The graph's input name and the value holding the logits.
    public let inputName: String
    let logits: Int
    /// Whether the graph ends with a Softmax (whose input are the logits).
    public let endsWithSoftmax: Bool

    /// Elements of one input sample and of one logits row.
    public var sampleSize: Int { shapes[0].reduce(1, *) }
    public var classes: Int { shapes[logits].reduce(1, *) }
    /// The per-sample input shape (batch 1).
    public var sampleShape: [Int] { shapes[0] }

    /// The ops training supports.
    public static let supportedOps: [OpType] = [.conv, .gemm, .matMul, .add, .relu, .maxPool, .averagePool,
                                                .globalAveragePool, .flatten, .reshape, "Identity", .softmax]

    /// Prepares `graph` for training.
    /// - Throws: ``OptimizeError/unsupported(_:)`` naming the first node training cannot handle (op,
    ///   attribute or shape), and for a graph without exactly one float input and one output.
    public init(_ graph: Graph) throws {
        self.graph = graph
        let feeds = graph.inputs.filter { !graph.isConstant($0.name) }
        guard feeds.count == 1, let input = feeds.first, input.type.dtype == .float32 else {
            throw OptimizeError.unsupported("training needs a model with one float32 input; '\(graph.name)' has \(feeds.map { "\($0.name) (\($0.type.dtype.rawValue))" }.joined(separator: ", "))")
        }
        guard graph.outputs.count == 1, let output = graph.outputs.first else {
            throw OptimizeError.unsupported("training needs a model with one output (the class scores); '\(graph.name)' has \(graph.outputs.count)")
        }
        let dims = input.type.shape.dims
        guard dims.count >= 2, dims.dropFirst().allSatisfy({ ($0.value ?? 0) > 0 }) else {
            throw OptimizeError.unsupported("input '\(input.name)' has shape \(input.type.shape); training needs [batch, …] with known sizes after the batch")
        }
        inputName = input.name
        var shapes: [[Int]] = [[1] + dims.dropFirst().map { $0.value! }]
        var valueIndex: [String: Int] = [input.name: 0]
        var paramIndex: [String: Int] = [:]
        var params: [Parameter] = []
        var layers: [Layer] = []
        var softmaxAtEnd = false

        func param(_ name: String, node: Node) throws -> Int {
            if let i = paramIndex[name] { return i }
            guard let t = graph.constants[name], t.dtype == .float32, t.quantization == nil, let dims = t.shape.values,
                  t.storage.isPresent else {
                throw OptimizeError.unsupported("node '\(node.name)' (\(node.op)): constant '\(name)' is not a stored float32 tensor; training updates float32 weights only")
            }
            let values: [Float] = t.storage.withBytes { raw in
                (0..<min(raw.count / 4, dims.reduce(1, *))).map { raw.loadUnaligned(fromByteOffset: 4 * $0, as: Float.self) }
            }
            guard values.count == dims.reduce(1, *) else {
                throw OptimizeError.badTensor(name: name, reason: "\(values.count) stored values for shape \(dims)")
            }
            paramIndex[name] = params.count
            params.append(Parameter(name: name, shape: dims, values: values))
            return params.count - 1
        }

        for (position, node) in graph.nodes.enumerated() {
            func fail(_ why: String) -> OptimizeError {
                .unsupported("node '\(node.name)' (\(node.op)): \(why)")
            }
            guard node.domain.isEmpty || node.domain == "ai.onnx" else { throw fail("domain '\(node.domain)' is not supported by training") }
            guard Self.supportedOps.contains(node.op) else {
                throw fail("training has no backward pass for \(node.op); it supports \(Self.supportedOps.map(\.rawValue).joined(separator: ", "))")
            }
            guard node.outputs.count == 1 || (node.op == .maxPool && node.outputs.dropFirst().allSatisfy(\.isEmpty)) else {
                throw fail("only a single output is supported")
            }
            func value(_ i: Int) throws -> Int {
                guard let name = node.input(i), let v = valueIndex[name] else {
                    throw fail("input \(i) '\(node.input(i) ?? "")' is not an activation computed before it")
                }
                return v
            }
            let x = try value(0)
            let xs = shapes[x]
            var kind: Kind
            var ins: [Ref?] = [.value(x)]
            var outShape: [Int]
            switch node.op {
            case .conv:
                let w = try param(node.input(1) ?? "", node: node)
                let wshape = params[w].shape
                let geometry = try ConvGeometry.make(node: node, input: xs, weight: wshape).get(orThrow: fail)
                ins.append(.param(w))
                if let b = node.input(2) {
                    let bi = try param(b, node: node)
                    guard params[bi].shape.reduce(1, *) == geometry.outChannels else { throw fail("bias '\(b)' has shape \(params[bi].shape), expected [\(geometry.outChannels)]") }
                    ins.append(.param(bi))
                } else {
                    ins.append(nil)
                }
                kind = .conv(geometry)
                outShape = [1, geometry.outChannels, geometry.outH, geometry.outW]
            case .gemm:
                guard node.int("transA", default: 0) == 0 else { throw fail("transA = 1 is not supported") }
                guard xs.count == 2 else { throw fail("input A has per-sample shape \(xs), expected [1, K]") }
                guard let bname = node.input(1), graph.isConstant(bname) else { throw fail("B must be a constant weight") }
                let b = try param(bname, node: node)
                let transB = node.int("transB", default: 0) == 1
                let bs = params[b].shape
                guard bs.count == 2 else { throw fail("B has shape \(bs), expected rank 2") }
                let (k, n) = transB ? (bs[1], bs[0]) : (bs[0], bs[1])
                guard k == xs[1] else { throw fail("A has \(xs[1]) columns but B holds \(k)") }
                ins.append(.param(b))
                if let c = node.input(2) {
                    let ci = try param(c, node: node)
                    let cs = params[ci].shape
                    guard cs == [n] || cs == [1, n] else { throw fail("bias C has shape \(cs); training supports [\(n)] or [1, \(n)]") }
                    ins.append(.param(ci))
                } else {
                    ins.append(nil)
                }
                kind = .gemm(transB: transB, alpha: Float(node.float("alpha", default: 1)), beta: Float(node.float("beta", default: 1)), k: k, n: n)
                outShape = [1, n]
            case .matMul:
                guard let bname = node.input(1), graph.isConstant(bname) else { throw fail("the second input must be a constant weight") }
                let b = try param(bname, node: node)
                let bs = params[b].shape
                guard bs.count == 2, xs.last == bs[0] else { throw fail("weight shape \(bs) does not fit input \(xs); training supports [K, N] weights") }
                ins.append(.param(b))
                kind = .matMul(k: bs[0], n: bs[1])
                outShape = Array(xs.dropLast()) + [bs[1]]
            case .add:
                guard node.inputs.count == 2 else { throw fail("Add needs two inputs") }
                if let other = node.input(1), let v = valueIndex[other] {
                    guard shapes[v] == xs else { throw fail("adding activations of shapes \(xs) and \(shapes[v]) (broadcasting is supported for a constant operand only)") }
                    ins.append(.value(v))
                    kind = .add(map: nil)
                } else if let other = node.input(1), graph.isConstant(other) {
                    let p = try param(other, node: node)
                    guard Broadcast.fits(params[p].shape, into: xs) else { throw fail("constant '\(other)' of shape \(params[p].shape) does not broadcast to \(xs)") }
                    ins.append(.param(p))
                    kind = .add(map: Broadcast.indexMap(params[p].shape, into: xs))
                } else {
                    throw fail("input 1 '\(node.input(1) ?? "")' is neither an activation nor a constant")
                }
                outShape = xs
            case .relu, "Identity":
                kind = node.op == .relu ? .relu : .reshape
                outShape = xs
            case .maxPool, .averagePool:
                let geometry = try PoolGeometry.make(node: node, input: xs).get(orThrow: fail)
                kind = node.op == .maxPool ? .maxPool(geometry) : .averagePool(geometry, countPad: node.int("count_include_pad", default: 0) == 1)
                outShape = [1, xs[1], geometry.outH, geometry.outW]
            case .globalAveragePool:
                guard xs.count == 4 else { throw fail("input has per-sample shape \(xs), expected [1, C, H, W]") }
                kind = .globalAveragePool
                outShape = [1, xs[1], 1, 1]
            case .flatten:
                let axis = node.int("axis", default: 1)
                guard axis >= 1, axis <= xs.count else { throw fail("axis \(axis) would mix samples of a batch; training supports 1…rank") }
                kind = .reshape
                outShape = [xs[..<axis].reduce(1, *), xs[axis...].reduce(1, *)]
            case .reshape:
                guard let sname = node.input(1), let target = graph.constants[sname]?.integerValues() else {
                    throw fail("the shape must be a constant")
                }
                outShape = try Self.reshape(xs, to: target.map(Int.init)).get(orThrow: fail)
                kind = .reshape
            default:   // .softmax
                guard position == graph.nodes.count - 1, node.outputs.first == output.name else {
                    throw fail("Softmax is supported only as the last node (training reads its input as the logits)")
                }
                let axis = node.int("axis", default: -1)
                guard axis == -1 || axis == xs.count - 1 else { throw fail("Softmax over axis \(axis) is not over the classes (last axis)") }
                softmaxAtEnd = true
                valueIndex[node.outputs[0]] = x
                continue
            }
            guard outShape.reduce(1, *) > 0 else { throw fail("output per-sample shape \(outShape) is empty") }
            shapes.append(outShape)
            valueIndex[node.outputs[0]] = shapes.count - 1
            layers.append(Layer(node: node.name, kind: kind, inputs: ins, output: shapes.count - 1))
        }
        guard let out = valueIndex[output.name] else {
            throw OptimizeError.unsupported("output '\(output.name)' is not computed by the graph's nodes")
        }
        self.parameters = params
        self.layers = layers
        self.shapes = shapes
        self.logits = out
        self.endsWithSoftmax = softmaxAtEnd
    }

    /// The per-sample shape of a Reshape (batch 1): 0 copies the input dimension, one −1 is inferred.
    static func reshape(_ xs: [Int], to target: [Int]) -> Result<[Int], Unfit> {
        let count = xs.reduce(1, *)
        var out: [Int] = []
        var infer: Int?
        for (i, d) in target.enumerated() {
            switch d {
            case 0:
                guard i < xs.count else { return .failure(Unfit("shape \(target) copies a dimension the input does not have")) }
                out.append(xs[i])
            case -1:
                guard infer == nil else { return .failure(Unfit("shape \(target) has two −1")) }
                infer = i
                out.append(1)
            case 1...: out.append(d)
            default: return .failure(Unfit("shape \(target) holds \(d)"))
            }
        }
        if let i = infer {
            let known = out.reduce(1, *)
            guard known > 0, count % known == 0 else { return .failure(Unfit("cannot reshape \(xs) to \(target)")) }
            out[i] = count / known
        }
        guard out.reduce(1, *) == count else { return .failure(Unfit("cannot reshape \(xs) to \(target)")) }
        guard out.first == 1 else { return .failure(Unfit("shape \(target) does not keep the batch as the first dimension")) }
        return .success(out)
    }

    /// A copy of the graph with these parameter values as its weights.
    public func graph(with parameters: [Parameter]) -> Graph {
        var g = graph
        for p in parameters {
            guard let old = g.constants[p.name] else { continue }
            g.setConstant(.float32(p.name, p.values, shape: old.shape))
        }
        return g
    }

    /// The graph with its current parameters.
    public var trainedGraph: Graph { graph(with: parameters) }

    /// Replaces the parameter values (same names and sizes, in ``parameters`` order).
    public mutating func setParameters(_ values: [[Float]]) {
        precondition(values.count == parameters.count && zip(values, parameters).allSatisfy { $0.count == $1.values.count })
        for i in parameters.indices { parameters[i].values = values[i] }
    }
}

/// Why a node's shape or attributes do not fit training (wrapped into an error naming the node).
struct Unfit: Error {
    let why: String
    init(_ why: String) { self.why = why }
}

extension Result where Failure == Unfit {
    func get(orThrow wrap: (String) -> OptimizeError) throws -> Success {
        switch self {
        case .success(let v): return v
        case .failure(let f): throw wrap(f.why)
        }
    }
}

/// Numpy-style broadcasting of a constant into an activation's shape.
enum Broadcast {
    static func fits(_ small: [Int], into big: [Int]) -> Bool {
        guard small.count <= big.count else { return false }
        return zip(small.reversed(), big.reversed()).allSatisfy { $0 == $1 || $0 == 1 }
    }

    /// For every element of `big`, the index of the element of `small` it reads.
    static func indexMap(_ small: [Int], into big: [Int]) -> [Int] {
        let padded = [Int](repeating: 1, count: big.count - small.count) + small
        var strides = [Int](repeating: 0, count: big.count)
        var s = 1
        for d in stride(from: big.count - 1, through: 0, by: -1) {
            strides[d] = padded[d] == 1 ? 0 : s
            s *= padded[d]
        }
        let count = big.reduce(1, *)
        var map = [Int](repeating: 0, count: count)
        var idx = [Int](repeating: 0, count: big.count)
        for i in 0..<count {
            var o = 0
            for d in 0..<big.count { o += idx[d] * strides[d] }
            map[i] = o
            var d = big.count - 1
            while d >= 0 {
                idx[d] += 1
                if idx[d] < big[d] { break }
                idx[d] = 0
                d -= 1
            }
        }
        return map
    }
}
