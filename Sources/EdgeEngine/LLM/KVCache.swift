/// The keys and values of every layer for the positions decoded so far, in float32.
///
/// Layout per layer: `[kvHeads, capacity, headDim]`, so one head's keys for positions 0…p are
/// contiguous (the attention loop walks them in order). Storage is allocated once for `capacity`
/// positions: ``LlamaDecoder`` refuses to decode past it rather than reallocating mid-generation.
public final class KVCache {
    public let layers: Int
    public let kvHeads: Int
    public let headDim: Int
    public let capacity: Int
    let keys: AlignedBytes
    let values: AlignedBytes

    /// - Throws: ``EngineError/tooLarge(what:bytes:limit:)`` when the cache would exceed `limitBytes`.
    public init(layers: Int, kvHeads: Int, headDim: Int, capacity: Int, limitBytes: Int = 8 << 30) throws {
        let (perLayer, o1) = (kvHeads * headDim).multipliedReportingOverflow(by: capacity)
        let (elements, o2) = perLayer.multipliedReportingOverflow(by: layers)
        let (bytes, o3) = elements.multipliedReportingOverflow(by: 8)
        guard !o1, !o2, !o3, bytes <= limitBytes else {
            throw EngineError.tooLarge(what: "a KV cache of \(capacity) positions", bytes: o1 || o2 || o3 ? Int.max : bytes, limit: limitBytes)
        }
        self.layers = layers
        self.kvHeads = kvHeads
        self.headDim = headDim
        self.capacity = capacity
        keys = AlignedBytes(count: elements * 4)
        values = AlignedBytes(count: elements * 4)
    }

    /// Bytes held (keys and values).
    public var byteCount: Int { keys.count + values.count }

    @inline(__always) func offset(layer: Int, head: Int, position: Int) -> Int {
        ((layer * kvHeads + head) * capacity + position) * headDim
    }

    /// Keys of `head` in `layer` from position 0.
    @inline(__always) func keys(layer: Int, head: Int) -> UnsafeMutablePointer<Float> {
        keys.pointer.assumingMemoryBound(to: Float.self) + offset(layer: layer, head: head, position: 0)
    }

    /// Values of `head` in `layer` from position 0.
    @inline(__always) func values(layer: Int, head: Int) -> UnsafeMutablePointer<Float> {
        values.pointer.assumingMemoryBound(to: Float.self) + offset(layer: layer, head: head, position: 0)
    }
}
