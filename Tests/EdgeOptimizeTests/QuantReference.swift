import EdgeTestSupport
import Foundation

/// Runs `Scripts/reference/quant_reference.py` (gguf-py, ggml's C reference quantizers, onnxruntime,
/// numpy) with arrays passed as raw little-endian files in a temporary directory.
struct QuantReference {
    let dir: URL

    init() throws { dir = try TestPaths.temporaryDirectory("edgewise-quant") }

    func remove() { try? FileManager.default.removeItem(at: dir) }

    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    func write(_ values: [Float], _ name: String) throws -> String {
        let p = path(name)
        try values.withUnsafeBytes { Data($0) }.write(to: URL(fileURLWithPath: p))
        return p
    }

    func bytes(_ name: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path(name)))) }

    func floats(_ name: String) throws -> [Float] {
        let b = try bytes(name)
        return b.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }

    func int32s(_ name: String) throws -> [Int32] {
        let b = try bytes(name)
        return b.withUnsafeBytes { Array($0.bindMemory(to: Int32.self)) }
    }

    @discardableResult
    func run(_ arguments: String...) throws -> [String: Any] {
        try ReferenceScript.json("quant_reference.py", arguments)
    }
}

/// Deterministic test data with the awkward cases quantizers get wrong: zero and constant blocks,
/// a lone outlier, one-signed blocks, tiny magnitudes and values on rounding ties.
enum QuantData {
    static func adversarial(blocks: Int, blockSize: Int, seed: UInt64) -> [Float] {
        var rng = SeededRNG(seed: seed)
        var out: [Float] = []
        for b in 0..<blocks {
            for i in 0..<blockSize {
                let v: Float
                switch b % 9 {
                case 0: v = 0
                case 1: v = 0.75
                case 2: v = i == 3 ? 40 : rng.float() * 0.1
                case 3: v = abs(rng.float()) + 0.5
                case 4: v = -abs(rng.float()) * 3
                case 5: v = rng.float() * 1e-6
                case 6: v = Float(Int(rng.float() * 16)) / 16     // multiples of 1/16: ties everywhere
                case 7: v = rng.float() * 1e4
                default: v = rng.float() * 2 + (rng.float() > 0.9 ? 5 : 0)
                }
                out.append(v)
            }
        }
        return out
    }

    static func gaussianish(_ n: Int, seed: UInt64) -> [Float] {
        var rng = SeededRNG(seed: seed)
        return (0..<n).map { _ in (rng.float() + rng.float() + rng.float()) * 0.7 }
    }
}
