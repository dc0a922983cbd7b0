// quant-bench: measures EdgeOptimize's quantizers and prints one JSON object.
//
//   quant-bench int8 ROWS COLS REPEATS     per-channel symmetric int8 of a ROWS×COLS float32 weight
//                                          (deterministic values); best wall time of REPEATS
//   quant-bench gguf FILE FORMAT [LIMIT]   re-quantize the projection weights of a GGUF decoder to FORMAT
//                                          (q4_K, q6_K, q8_0, q4_0, q4_1, int4g128, int4g128asym, int8pc)
//                                          and report each tensor's signal and noise energy
import EdgeImport
import EdgeIR
import EdgeOptimize
import Foundation

func now() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

func emit(_ object: [String: Any]) {
    let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
}

let args = CommandLine.arguments
guard args.count >= 2 else {
    FileHandle.standardError.write("usage: quant-bench int8 ROWS COLS REPEATS | gguf FILE FORMAT [LIMIT]\n".data(using: .utf8)!)
    exit(2)
}

switch args[1] {
case "int8":
    let rows = Int(args[2])!, cols = Int(args[3])!, repeats = Int(args[4])!
    // A cheap deterministic fill (a linear congruential sequence mapped to [−1, 1)), not timed.
    var w = [Float](repeating: 0, count: rows * cols)
    var s: UInt32 = 12345
    for i in w.indices {
        s = s &* 1_664_525 &+ 1_013_904_223
        w[i] = Float(Int32(bitPattern: s)) * (1.0 / 2_147_483_648.0)
    }
    var best = Double.infinity
    var checksum = 0
    for _ in 0..<repeats {
        let t0 = now()
        let q = try w.withUnsafeBufferPointer {
            try AffineQuantizer.quantize($0, shape: [rows, cols], axis: 0, format: .int8Symmetric, symmetric: true)
        }
        best = min(best, now() - t0)
        checksum = Int(q.codes[q.codes.count / 2]) + q.parameters.count
    }
    emit(["seconds": best, "bytes": 4 * rows * cols, "gb_per_s": Double(4 * rows * cols) / best / 1e9, "checksum": checksum])

case "gguf":
    let gguf = try GGUFFile(file: try MappedFile(path: args[2]))
    let name = args[3]
    let limit = args.count > 4 ? Int(args[4])! : Int.max
    let format: WeightFormat
    switch name {
    case "int4g128": format = .grouped(bits: 4, groupSize: 128, symmetric: true)
    case "int4g128asym": format = .grouped(bits: 4, groupSize: 128, symmetric: false)
    case "int8pc": format = .int8(perChannel: true, symmetric: true)
    default: format = .gguf(name)
    }
    var tensors: [[String: Any]] = []
    var skipped: [String] = []
    let t0 = now()
    for info in GGUFTensorValues.projectionWeights(in: gguf).prefix(limit) {
        if case .gguf(let t) = format, let type = DType(rawValue: t), (info.dims.first ?? 0) % type.blockSize != 0 {
            skipped.append(info.name)   // rows are not whole blocks: the format cannot hold this tensor
            continue
        }
        let (x, rows, cols) = try GGUFTensorValues.read(info, in: gguf)
        let r = try format.roundTrip(x, rows: rows, columns: cols, name: info.name)
        let e = ErrorMetrics.energies(reference: x, test: r.dequantized)
        tensors.append(["name": info.name, "signal": e.signal, "noise": e.noise, "bytes": r.storedBytes, "elements": x.count])
    }
    emit(["format": name, "seconds": now() - t0, "tensors": tensors, "skipped": skipped])

default:
    FileHandle.standardError.write("unknown command \(args[1])\n".data(using: .utf8)!)
    exit(2)
}
