/// Liveness of activations under a node order, and the resulting memory peak.
///
/// This is the figure a microcontroller's SRAM must hold (TFLite Micro's arena planner computes the
/// same kind of number): a value is live from the step that produces it to the last step that reads
/// it; graph inputs are live from the start and graph outputs until the end; constants (weights) live
/// in flash or a separate region and are not counted. View ops (Reshape, Flatten, Squeeze, Unsqueeze,
/// Identity, KVCacheUpdate) alias their input rather than allocate. While a node runs, its inputs and
/// its outputs are live together, so the peak is taken over "live before + outputs" at every step.
public struct ActivationMemory: Sendable {
    /// Live bytes while each node runs.
    public let timeline: [Int]
    public let peakBytes: Int
    public let peakIndex: Int?

    /// Ops whose output shares its first input's buffer.
    public static let aliasingOps: Set<OpType> = [.reshape, .flatten, .squeeze, .unsqueeze, .identity, "KVCacheUpdate"]

    public init(graph: Graph) {
        // Union values into buffers (aliases share one).
        var bufferOf: [String: Int] = [:]
        var bufferBytes: [Int] = []
        // A node running its activations in another type (`activation_dtype`, set by a strategy
        // estimate) stores its float outputs in that type.
        func bytes(_ v: String, producer: Node?) -> Int {
            guard let t = graph.valueTypes[v] else { return 0 }
            if let p = producer, t.dtype.isFloatingPoint, let a = p.string("activation_dtype").flatMap(DType.init(rawValue:)) {
                return a.approximateBytes(elements: t.shape.elementCount ?? 0)
            }
            return t.byteCount ?? 0
        }
        func newBuffer(_ v: String, producer: Node? = nil) {
            bufferOf[v] = bufferBytes.count
            bufferBytes.append(bytes(v, producer: producer))
        }
        for i in graph.inputs where !graph.isConstant(i.name) { newBuffer(i.name) }
        for n in graph.nodes {
            for (k, o) in n.outputs.enumerated() where !o.isEmpty {
                if k == 0, ActivationMemory.aliasingOps.contains(n.op), let src = n.input(0), let b = bufferOf[src] {
                    bufferOf[o] = b
                    bufferBytes[b] = max(bufferBytes[b], bytes(o, producer: n))
                } else {
                    newBuffer(o, producer: n)
                }
            }
        }
        let steps = graph.nodes.count
        // Last step each buffer is needed (outputs: the end).
        var lastUse = [Int](repeating: -1, count: bufferBytes.count)
        var firstDef = [Int](repeating: Int.max, count: bufferBytes.count)
        for i in graph.inputs { if let b = bufferOf[i.name] { firstDef[b] = -1 } }
        for (s, n) in graph.nodes.enumerated() {
            for v in n.inputs where !v.isEmpty { if let b = bufferOf[v] { lastUse[b] = max(lastUse[b], s) } }
            for v in n.implicitInputs { if let b = bufferOf[v] { lastUse[b] = max(lastUse[b], s) } }
            for o in n.outputs where !o.isEmpty {
                if let b = bufferOf[o] {
                    firstDef[b] = min(firstDef[b], s)
                    lastUse[b] = max(lastUse[b], s)
                }
            }
        }
        for o in graph.outputs { if let b = bufferOf[o.name] { lastUse[b] = steps } }
        // Sweep: +bytes at definition, −bytes after last use.
        var delta = [Int](repeating: 0, count: steps + 2)
        var live = 0
        for b in bufferBytes.indices where firstDef[b] != Int.max {
            if firstDef[b] < 0 { live += bufferBytes[b] } else { delta[firstDef[b]] += bufferBytes[b] }
            let end = max(lastUse[b], firstDef[b]) + 1
            if end <= steps { delta[end] -= bufferBytes[b] }
        }
        var timeline: [Int] = []
        timeline.reserveCapacity(steps)
        var peak = live
        var peakAt: Int? = steps == 0 ? nil : 0
        for s in 0..<steps {
            live += delta[s]
            timeline.append(live)
            if live > peak || (peakAt == nil) { peak = live; peakAt = s }
        }
        self.timeline = timeline
        self.peakBytes = peak
        self.peakIndex = peakAt
    }
}
