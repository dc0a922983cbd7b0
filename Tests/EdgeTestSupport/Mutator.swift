/// Seeded mutations of a valid file, for importer fuzz tests.
///
/// Each case applies one or a few of: bit flips, truncation, splices from elsewhere in the file,
/// inflation of a little-endian length or count field (to 2³¹, 2⁶³ or "just past the end"), and
/// redirection of an offset field to another position. The point is to walk importers through
/// every "checked before use" path with inputs that are almost valid.
public struct Mutator {
    public enum Kind: CaseIterable, Sendable { case bitFlip, truncate, splice, inflateLength, redirectOffset, zeroRun }

    private var rng: SeededRNG
    private let original: [UInt8]

    public init(original: [UInt8], seed: UInt64) {
        self.original = original
        self.rng = SeededRNG(seed: seed)
    }

    /// The next mutated copy and what was done to it (for failure messages).
    public mutating func next() -> (bytes: [UInt8], description: String) {
        var bytes = original
        var done: [String] = []
        let steps = 1 + Int(rng.next() % 3)
        for _ in 0..<steps {
            guard !bytes.isEmpty else { break }
            let kind = Kind.allCases[Int(rng.next() % UInt64(Kind.allCases.count))]
            let at = Int(rng.next() % UInt64(bytes.count))
            switch kind {
            case .bitFlip:
                bytes[at] ^= UInt8(1 << (rng.next() % 8))
                done.append("flip@\(at)")
            case .truncate:
                bytes.removeSubrange(at...)
                done.append("truncate@\(at)")
            case .splice:
                let from = Int(rng.next() % UInt64(original.count))
                let len = min(Int(rng.next() % 64) + 1, original.count - from, bytes.count - at)
                if len > 0 { bytes.replaceSubrange(at..<(at + len), with: original[from..<(from + len)]) }
                done.append("splice@\(at)<-\(from)+\(len)")
            case .inflateLength:
                let width = [4, 8][Int(rng.next() % 2)]
                guard at + width <= bytes.count else { continue }
                let values: [UInt64] = [0x7FFF_FFFF, 0xFFFF_FFFF, 0x7FFF_FFFF_FFFF_FFFF, UInt64(bytes.count - at + 1),
                                        UInt64(bytes.count) * 1000]
                let v = values[Int(rng.next() % UInt64(values.count))]
                for i in 0..<width { bytes[at + i] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(i))) }
                done.append("inflate\(width)@\(at)=\(v)")
            case .redirectOffset:
                guard at + 4 <= bytes.count else { continue }
                let target = UInt32(truncatingIfNeeded: rng.next() % UInt64(max(1, bytes.count * 2)))
                for i in 0..<4 { bytes[at + i] = UInt8(truncatingIfNeeded: target >> (8 * UInt32(i))) }
                done.append("redirect@\(at)=\(target)")
            case .zeroRun:
                let len = min(Int(rng.next() % 32) + 1, bytes.count - at)
                for i in 0..<len { bytes[at + i] = 0 }
                done.append("zero@\(at)+\(len)")
            }
        }
        return (bytes, done.joined(separator: ","))
    }
}
