/// GPT-2-style byte-level BPE: text → token ids and back, from a vocabulary and ranked merges.
///
/// Encoding: special (control) tokens are matched literally first; the text between them is
/// pre-tokenized (``PreTokenizer``); each piece's UTF-8 bytes are mapped to GPT-2's printable
/// stand-ins (``ByteAlphabet``) and merged pairwise, always the adjacent pair of lowest rank, until
/// no pair is in the merge list; each resulting symbol is a vocabulary entry. Decoding concatenates
/// token strings and maps stand-ins back to bytes (control tokens decode to their text).
///
/// Vocabulary and merges come from GGUF metadata (`tokenizer.ggml.tokens`, `.merges`,
/// `.token_type`), strangers' data: sizes are bounded and malformed merges are errors, never traps.
public struct ByteLevelBPE: Sendable {
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case malformedMerge(index: Int)
        case unknownSymbol(String)
        case unsupported(String)
        case tokenOutOfRange(Int)

        public var description: String {
            switch self {
            case .malformedMerge(let i): return "tokenizer merge \(i) is not two symbols separated by one space"
            case .unknownSymbol(let s): return "BPE produced a symbol missing from the vocabulary: \(s.debugDescription)"
            case .unsupported(let s): return s
            case .tokenOutOfRange(let t): return "token id \(t) is outside the vocabulary"
            }
        }
    }

    public let tokens: [String]
    let ids: [String: Int]
    /// Merge rank by the pair's two symbols joined with a space (the GGUF spelling).
    let ranks: [String: Int]
    /// Control tokens matched literally in input text, longest first.
    let specials: [(text: String, id: Int)]
    let specialFirstBytes: Set<UInt8>
    let isControl: [Bool]
    public let preTokenizer: PreTokenizer

    /// - Parameters:
    ///   - tokens: the vocabulary, by id.
    ///   - merges: `"a b"` pairs, highest priority first.
    ///   - tokenTypes: GGUF token types (1 normal, 3 control, …); control tokens are parsed from text.
    public init(tokens: [String], merges: [String], tokenTypes: [Int64]?, preTokenizer: PreTokenizer) throws {
        self.tokens = tokens
        var ids: [String: Int] = [:]
        ids.reserveCapacity(tokens.count)
        for (i, t) in tokens.enumerated() where ids[t] == nil { ids[t] = i }
        self.ids = ids
        var ranks: [String: Int] = [:]
        ranks.reserveCapacity(merges.count)
        for (r, m) in merges.enumerated() {
            let parts = m.split(separator: " ", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { throw Failure.malformedMerge(index: r) }
            if ranks[m] == nil { ranks[m] = r }
        }
        self.ranks = ranks
        var control = [Bool](repeating: false, count: tokens.count)
        var specials: [(String, Int)] = []
        if let types = tokenTypes {
            for (i, t) in types.enumerated() where i < tokens.count && (t == 3 || t == 4) && !tokens[i].isEmpty {
                control[i] = t == 3
                specials.append((tokens[i], i))
            }
        }
        self.isControl = control
        self.specials = specials.sorted { $0.0.utf8.count > $1.0.utf8.count }
        self.specialFirstBytes = Set(specials.compactMap { $0.0.utf8.first })
        self.preTokenizer = preTokenizer
    }

    public var vocabularySize: Int { tokens.count }

    /// The token ids of `text`.
    /// - Parameter parseSpecial: match control/user-defined tokens written literally (`<|im_start|>`).
    /// - Complexity: O(n²) per pre-tokenized piece in the worst case; pieces are words.
    public func encode(_ text: String, parseSpecial: Bool = true) throws -> [Int] {
        var out: [Int] = []
        for segment in segments(text, parseSpecial: parseSpecial) {
            switch segment {
            case .special(let id): out.append(id)
            case .text(let s):
                for piece in preTokenizer.split(s) { try encodePiece(String(String.UnicodeScalarView(piece)), into: &out) }
            }
        }
        return out
    }

    /// The UTF-8 bytes of a token sequence (a partial multi-byte character stays partial).
    public func decodeBytes(_ ids: [Int]) throws -> [UInt8] {
        var bytes: [UInt8] = []
        for id in ids {
            guard id >= 0, id < tokens.count else { throw Failure.tokenOutOfRange(id) }
            let t = tokens[id]
            if isControl[id] {
                bytes.append(contentsOf: t.utf8)
                continue
            }
            for s in t.unicodeScalars {
                if let b = ByteAlphabet.byte(for: s) { bytes.append(b) } else { bytes.append(contentsOf: String(s).utf8) }
            }
        }
        return bytes
    }

    /// The text of a token sequence (invalid UTF-8 repaired with U+FFFD).
    public func decode(_ ids: [Int]) throws -> String {
        String(decoding: try decodeBytes(ids), as: UTF8.self)
    }

    enum Segment { case text(String), special(Int) }

    /// Splits text around literal special tokens.
    func segments(_ text: String, parseSpecial: Bool) -> [Segment] {
        guard parseSpecial, !specials.isEmpty else { return [.text(text)] }
        let bytes = Array(text.utf8)
        var out: [Segment] = []
        var start = 0, i = 0
        outer: while i < bytes.count {
            if specialFirstBytes.contains(bytes[i]) {
                for (s, id) in specials {
                    let u = s.utf8
                    if u.count <= bytes.count - i, bytes[i..<(i + u.count)].elementsEqual(u) {
                        if start < i { out.append(.text(String(decoding: bytes[start..<i], as: UTF8.self))) }
                        out.append(.special(id))
                        i += u.count
                        start = i
                        continue outer
                    }
                }
            }
            i += 1
        }
        if start < bytes.count { out.append(.text(String(decoding: bytes[start...], as: UTF8.self))) }
        return out
    }

    /// Byte-level BPE of one pre-tokenized piece.
    func encodePiece(_ piece: String, into out: inout [Int]) throws {
        var symbols = piece.utf8.map { String(ByteAlphabet.scalar(for: $0)) }
        if symbols.isEmpty { return }
        while symbols.count > 1 {
            var best = Int.max, at = -1
            for k in 0..<(symbols.count - 1) {
                if let r = ranks[symbols[k] + " " + symbols[k + 1]], r < best {
                    best = r
                    at = k
                }
            }
            if at < 0 { break }
            symbols[at] += symbols[at + 1]
            symbols.remove(at: at + 1)
        }
        for s in symbols {
            guard let id = ids[s] else { throw Failure.unknownSymbol(s) }
            out.append(id)
        }
    }
}
