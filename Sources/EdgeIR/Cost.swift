/// The cost of running part of a graph once: parameters, weight bytes, arithmetic and memory traffic.
///
/// Cost is a value that adds: the cost of a graph is the sum of its nodes' costs, so reports can
/// total any selection of rows (a block, a partition that runs on one device unit) by `+`.
///
/// Conventions (docs/DECISIONS.md): a MAC is one multiply-add; ``flops`` = 2 × ``macs`` +
/// ``otherFlops``. Weight bytes are counted at each tensor's stored type (a `q4_0` weight counts
/// 18 bytes per 32 weights). A weight used by several nodes (tied embeddings) is counted once, at
/// its first consumer. Bytes read include weights and activation inputs; bytes written are outputs.
public struct Cost: Hashable, Sendable, Codable, AdditiveArithmetic {
    public var parameters: Int
    public var weightBytes: Int
    public var macs: Int
    public var otherFlops: Int
    public var bytesRead: Int
    public var bytesWritten: Int

    public init(parameters: Int = 0, weightBytes: Int = 0, macs: Int = 0, otherFlops: Int = 0,
                bytesRead: Int = 0, bytesWritten: Int = 0) {
        self.parameters = parameters
        self.weightBytes = weightBytes
        self.macs = macs
        self.otherFlops = otherFlops
        self.bytesRead = bytesRead
        self.bytesWritten = bytesWritten
    }

    public static let zero = Cost()

    /// 2 × MACs + other arithmetic.
    public var flops: Int { 2 &* macs &+ otherFlops }

    /// Bytes moved in and out.
    public var bytesMoved: Int { bytesRead &+ bytesWritten }

    /// FLOPs per byte moved: which side of a roofline's ridge this work falls on. Zero when nothing moves.
    public var arithmeticIntensity: Double {
        bytesMoved == 0 ? 0 : Double(flops) / Double(bytesMoved)
    }

    public static func + (a: Cost, b: Cost) -> Cost {
        Cost(parameters: a.parameters &+ b.parameters, weightBytes: a.weightBytes &+ b.weightBytes,
             macs: a.macs &+ b.macs, otherFlops: a.otherFlops &+ b.otherFlops,
             bytesRead: a.bytesRead &+ b.bytesRead, bytesWritten: a.bytesWritten &+ b.bytesWritten)
    }

    public static func - (a: Cost, b: Cost) -> Cost {
        Cost(parameters: a.parameters &- b.parameters, weightBytes: a.weightBytes &- b.weightBytes,
             macs: a.macs &- b.macs, otherFlops: a.otherFlops &- b.otherFlops,
             bytesRead: a.bytesRead &- b.bytesRead, bytesWritten: a.bytesWritten &- b.bytesWritten)
    }
}

/// One row of a cost report: a node with its cost and output types.
public struct NodeCost: Sendable, Hashable {
    public var name: String
    public var op: OpType
    public var outputs: [TensorType]
    public var cost: Cost
    /// Weight bytes of this node per stored element type.
    public var weightBytesByType: [DType: Int]
    /// Element type of the node's main weight (first parameter input), if it has one.
    public var weightType: DType?
    /// False when the op has no cost rule (unknown op): its MACs and FLOPs are not counted.
    public var hasCostRule: Bool
}

/// The cost of a whole graph with per-node rows and the liveness-based memory peak.
public struct CostReport: Sendable {
    public var nodes: [NodeCost]
    public var total: Cost
    /// Total weight bytes per stored element type.
    public var weightBytesByType: [DType: Int]
    /// Parameter counts per stored element type.
    public var parametersByType: [DType: Int]
    /// Nodes per op type.
    public var opHistogram: [OpType: Int]
    /// Peak bytes of simultaneously live activations under the graph's node order. See ``ActivationMemory``.
    public var peakActivationBytes: Int
    /// Index into ``nodes`` where the peak occurs.
    public var peakNodeIndex: Int?
    /// Live activation bytes while each node runs (the peak-memory timeline).
    public var liveBytesTimeline: [Int]
    /// Bytes of graph inputs marked as state (KV cache, RNN state).
    public var stateBytes: Int
    /// Ops that have no cost rule, with node counts; their arithmetic is missing from the totals.
    public var uncostedOps: [OpType: Int]
    /// Elements of stored non-learned state (BatchNorm running mean and variance). Excluded from
    /// ``Cost/parameters`` as PyTorch counts; Keras' "Total params" includes them, so a Keras-published
    /// figure compares with `total.parameters + bufferElements`.
    public var bufferElements: Int
    /// Nodes whose output shapes stayed symbolic under ``UnresolvedShapePolicy/skipArithmetic``: their
    /// weights are counted, their arithmetic and activation traffic are not (the totals are a lower bound).
    public var unresolvedNodes: [String] = []

    /// Share of total FLOPs of node `i`, in [0, 1].
    public func flopShare(_ i: Int) -> Double {
        total.flops == 0 ? 0 : Double(nodes[i].cost.flops) / Double(total.flops)
    }
}
