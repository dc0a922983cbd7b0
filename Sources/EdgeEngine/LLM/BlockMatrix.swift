import CEdgeKernels
import Dispatch
import EdgeIR

/// A weight matrix `W[rows, cols]` stored row-major in float32 or a GGUF block format, multiplied
/// with vectors without materialising float weights.
///
/// Two arithmetics, chosen per decoder:
/// - ``Arithmetic/fused`` — what llama.cpp computes: the activation row is quantized once to the
///   8-bit block format the weight type pairs with (Q8_0 / Q8_1 / Q8_K), and each weight block meets
///   it in integer arithmetic with one scale multiply (engine-perf's `ck_gguf_matvec`).
/// - ``Arithmetic/reference`` — the specification: each row dequantized by ``GGUFBlocks`` and dotted
///   with the float activation, accumulating in float.
public struct BlockMatrix: @unchecked Sendable {
    // The pointer is into a MappedFile or AlignedBytes the owner keeps alive.
    public let type: DType
    public let rows: Int
    public let cols: Int
    public let base: UnsafeRawPointer
    public let rowBytes: Int

    public enum Arithmetic: String, Sendable, CaseIterable {
        case fused, reference
    }

    /// Wraps `bytes` as a `[rows, cols]` matrix of `type`.
    /// - Throws: ``EngineError/unsupported(node:op:detail:)`` for a type without kernels, a row that is
    ///   not whole blocks, or too few bytes.
    public init(name: String, type: DType, rows: Int, cols: Int, bytes: UnsafeRawBufferPointer) throws {
        func fail(_ why: String) -> EngineError { .unsupported(node: name, op: .gemm, detail: why) }
        guard type == .float32 || GGUFBlocks.supported.contains(type) else { throw fail("weights of type \(type.rawValue) have no kernel (q8_0, q4_0, q4_1, q4_K, q6_K, float32 do)") }
        guard rows > 0, cols > 0, let rb = type.byteCount(elements: cols) else { throw fail("a row of \(cols) values is not whole \(type.rawValue) blocks") }
        let (total, overflow) = rb.multipliedReportingOverflow(by: rows)
        guard !overflow, bytes.count >= total, let b = bytes.baseAddress else {
            throw fail("\(bytes.count) bytes hold less than \(rows) rows of \(rb) bytes")
        }
        self.type = type
        self.rows = rows
        self.cols = cols
        self.base = b
        self.rowBytes = rb
    }

    var ggmlType: Int32 { Int32(type.ggmlTypeID ?? 0) }

    /// Bytes of scratch ``multiply(_:into:arithmetic:scratch:isa:threads:)`` needs.
    public var scratchBytes: Int {
        type == .float32 ? 0 : max(ck_gguf_act_size(ggmlType, Int32(cols)), cols * 4)
    }

    /// Row `r` as float32 (an embedding lookup: ggml's `get_rows`).
    public func row(_ r: Int, into y: UnsafeMutablePointer<Float>) {
        let p = base + r * rowBytes
        if type == .float32 {
            y.update(from: p.assumingMemoryBound(to: Float.self), count: cols)
        } else {
            GGUFBlocks.dequantize(type, p, count: cols, into: y)
        }
    }

    /// `y[0..<rows] = W · x`.
    /// - Parameters:
    ///   - scratch: at least ``scratchBytes`` bytes (the quantized activation, or a dequantized row).
    ///   - threads: 1 or 2; rows are split in two contiguous halves.
    /// - Complexity: reads every weight byte once: rows × rowBytes.
    public func multiply(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, arithmetic: Arithmetic,
                         scratch: UnsafeMutableRawPointer, isa: KernelISA, threads: Int = 1) {
        if type == .float32 {
            let w = base.assumingMemoryBound(to: Float.self)
            forRows(threads) { lo, hi in
                for r in lo..<hi {
                    let wr = w + r * cols
                    var acc: Float = 0
                    for k in 0..<cols { acc += wr[k] * x[k] }
                    y[r] = acc
                }
            }
            return
        }
        switch arithmetic {
        case .fused:
            ck_gguf_quantize_act(ggmlType, x, Int32(cols), scratch)
            let act = UnsafeRawPointer(scratch)
            forRows(threads) { lo, hi in
                ck_gguf_matvec(isa.level, ggmlType, Int32(cols), Int32(hi - lo), base + lo * rowBytes, rowBytes, act, y + lo)
            }
        case .reference:
            let rowBuffer = scratch.bindMemory(to: Float.self, capacity: cols)
            for r in 0..<rows {
                GGUFBlocks.dequantize(type, base + r * rowBytes, count: cols, into: rowBuffer)
                var acc: Float = 0
                for k in 0..<cols { acc += rowBuffer[k] * x[k] }
                y[r] = acc
            }
        }
    }

    /// Runs `body(lo, hi)` over the rows, split in `threads` contiguous ranges.
    private func forRows(_ threads: Int, _ body: (Int, Int) -> Void) {
        let t = max(1, min(threads, 2, rows / 64))
        if t == 1 { body(0, rows); return }
        let half = (rows / 2 + 15) & ~15
        let rows = self.rows
        // The two halves write disjoint rows of y and only read the shared inputs.
        WorkerPool.shared.run(2) { i in
            if i == 0 { body(0, half) } else { body(half, rows) }
        }
    }
}
