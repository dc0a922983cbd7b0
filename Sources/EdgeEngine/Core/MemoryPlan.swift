import EdgeIR

/// Placement of every activation in one arena, reusing memory between values whose lifetimes do not
/// overlap.
///
/// Lifetimes come from the same liveness rules as the IR's ``ActivationMemory`` (producer to last
/// consumer; graph outputs to the end; view ops alias their input), so the two figures can be compared:
/// ``peakLiveBytes`` equals the IR's peak for the same schedule, and ``arenaBytes`` ≥ it, the difference
/// being fragmentation left by greedy placement (largest buffer first, first gap that fits — the
/// strategy TFLite Micro's greedy planner uses) plus 64-byte alignment.
public struct MemoryPlan: Sendable {
    public struct Buffer: Sendable {
        public let bytes: Int
        public let first: Int
        public let last: Int
        public var offset: Int
    }

    public private(set) var buffers: [Buffer]
    /// Buffer index of each planned value.
    public let bufferOf: [String: Int]
    public let arenaBytes: Int
    public let peakLiveBytes: Int

    static let alignment = 64

    /// Plans buffers for `values` (name → bytes) with lifetimes over `steps` steps.
    init(values: [(name: String, bytes: Int, first: Int, last: Int, aliasOf: String?)]) {
        var bufferOf: [String: Int] = [:]
        var buffers: [Buffer] = []
        for v in values {
            if let a = v.aliasOf, let b = bufferOf[a] {
                bufferOf[v.name] = b
                let old = buffers[b]
                buffers[b] = Buffer(bytes: max(old.bytes, v.bytes), first: min(old.first, v.first),
                                    last: max(old.last, v.last), offset: 0)
            } else {
                bufferOf[v.name] = buffers.count
                buffers.append(Buffer(bytes: v.bytes, first: v.first, last: v.last, offset: 0))
            }
        }
        // Peak of simultaneously live bytes (the IR's figure).
        let steps = (buffers.map(\.last).max() ?? -1) + 2
        var delta = [Int](repeating: 0, count: steps + 2)
        for b in buffers {
            delta[b.first + 1] += b.bytes
            delta[b.last + 2] -= b.bytes
        }
        var live = 0, peak = 0
        for d in delta { live += d; peak = max(peak, live) }
        peakLiveBytes = peak

        // Greedy placement: largest first, lowest offset whose range is free during the lifetime.
        let order = buffers.indices.sorted { buffers[$0].bytes != buffers[$1].bytes ? buffers[$0].bytes > buffers[$1].bytes : $0 < $1 }
        var placed: [Int] = []
        var arena = 0
        for i in order {
            let b = buffers[i]
            let size = (b.bytes + MemoryPlan.alignment - 1) / MemoryPlan.alignment * MemoryPlan.alignment
            let overlapping = placed.filter { buffers[$0].first <= b.last && b.first <= buffers[$0].last }
                .map { (buffers[$0].offset, buffers[$0].offset + (buffers[$0].bytes + 63) / 64 * 64) }
                .sorted { $0.0 < $1.0 }
            var offset = 0
            for (s, e) in overlapping {
                if offset + size <= s { break }
                offset = max(offset, e)
            }
            buffers[i].offset = offset
            placed.append(i)
            arena = max(arena, offset + size)
        }
        self.buffers = buffers
        self.bufferOf = bufferOf
        arenaBytes = arena
    }
}
