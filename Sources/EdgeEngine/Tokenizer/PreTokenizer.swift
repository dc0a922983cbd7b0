/// Splits text into the pieces a byte-level BPE merges within (pre-tokenization).
///
/// GPT-2's pattern, applied at each position in this order of alternatives (the regular expression
/// `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`):
/// 1. an English contraction suffix (`'s`, `'t`, `'re`, `'ve`, `'m`, `'ll`, `'d`, case-sensitive);
/// 2. an optional U+0020 space then a run of letters; 3. … of numbers; 4. … of anything else that is
///    not whitespace;
/// 5. a run of whitespace that stops before the last whitespace character when a non-space follows
///    (so that space joins the next word), else 6. the whole whitespace run.
///
/// Variants are named by the GGUF `tokenizer.ggml.pre` value; they differ only by a first split
/// applied before the GPT-2 pattern (llama.cpp runs its regex list in order, each on the pieces the
/// previous one produced). `smollm`, `starcoder`, `refact`, `command-r`, `codeshell`, `exaone`
/// isolate every number character (`\p{N}`) first — SmolLM2's Hugging Face tokenizer says the same
/// with `Digits(individual_digits = true)`.
///
/// Written as a scanner over Unicode scalars, not a regex engine: linear time on hostile input.
public struct PreTokenizer: Sendable, Equatable {
    public enum Variant: Sendable, Equatable {
        /// GPT-2's pattern alone.
        case gpt2
        /// Every `\p{N}` scalar isolated, then GPT-2's pattern.
        case isolatedDigits
    }

    public let variant: Variant

    public init(variant: Variant) { self.variant = variant }

    /// The variant for a GGUF `tokenizer.ggml.pre` name; nil for names this scanner does not implement.
    public init?(ggufPre pre: String?) {
        switch pre ?? "default" {
        case "default", "gpt2", "gpt-2", "mpt", "olmo", "jais", "trillion": variant = .gpt2
        case "smollm", "starcoder", "refact", "command-r", "codeshell", "exaone", "minerva": variant = .isolatedDigits
        default: return nil
        }
    }

    /// The pieces of `text`, in order; their concatenation is `text`.
    public func split(_ text: String) -> [Substring.UnicodeScalarView] {
        let scalars = text.unicodeScalars
        var out: [Substring.UnicodeScalarView] = []
        switch variant {
        case .gpt2:
            Self.gpt2(scalars[...], into: &out)
        case .isolatedDigits:
            var start = scalars.startIndex
            var i = start
            while i < scalars.endIndex {
                if Self.isNumber(scalars[i]) {
                    if start < i { Self.gpt2(scalars[start..<i], into: &out) }
                    let next = scalars.index(after: i)
                    out.append(scalars[i..<next])
                    start = next
                }
                i = scalars.index(after: i)
            }
            if start < scalars.endIndex { Self.gpt2(scalars[start...], into: &out) }
        }
        return out
    }

    static func isLetter(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }

    static func isNumber(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber: return true
        default: return false
        }
    }

    static func isSpace(_ s: Unicode.Scalar) -> Bool { s.properties.isWhitespace }

    /// GPT-2's pattern over `text`, appending each match.
    static func gpt2(_ text: Substring.UnicodeScalarView, into out: inout [Substring.UnicodeScalarView]) {
        let end = text.endIndex
        var i = text.startIndex
        func after(_ j: String.Index) -> String.Index { text.index(after: j) }
        /// Advances past scalars satisfying `p`, from `j`.
        func run(from j: String.Index, _ p: (Unicode.Scalar) -> Bool) -> String.Index {
            var k = j
            while k < end, p(text[k]) { k = after(k) }
            return k
        }
        while i < end {
            let c = text[i]
            // 1. Contractions.
            if c == "'" {
                let rest = text[after(i)...]
                var matched: String.Index?
                for suffix in ["re", "ve", "ll", "s", "t", "m", "d"] where rest.starts(with: suffix.unicodeScalars) {
                    matched = text.index(after(i), offsetBy: suffix.unicodeScalars.count)
                    break
                }
                if let m = matched {
                    out.append(text[i..<m])
                    i = m
                    continue
                }
            }
            // 2–4. Optional space, then a run of one class.
            let body = c == " " && after(i) < end ? after(i) : i
            let b = text[body]
            if body == i || !isSpace(b) {
                let j: String.Index
                if isLetter(b) {
                    j = run(from: body, isLetter)
                } else if isNumber(b) {
                    j = run(from: body, isNumber)
                } else if !isSpace(b) {
                    j = run(from: body) { !isSpace($0) && !isLetter($0) && !isNumber($0) }
                } else {
                    j = body
                }
                if j > body {
                    out.append(text[i..<j])
                    i = j
                    continue
                }
            }
            // 5–6. Whitespace: leave the last one for the following word.
            let j = run(from: i, isSpace)
            if j < end {
                let last = text.index(before: j)
                if last > i {
                    out.append(text[i..<last])
                    i = last
                    continue
                }
            }
            out.append(text[i..<j])
            i = j
        }
    }
}
