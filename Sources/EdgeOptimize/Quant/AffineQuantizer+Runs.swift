#if canImport(Glibc)
import Glibc
#endif

/// The one-pass path of ``AffineQuantizer`` for per-channel quantization along the first axis (every
/// Conv `[O, I, kh, kw]` and Gemm `[N, K]` weight), and the memory advice both paths share.
///
/// With the channel axis first, each channel is one contiguous run of `inner` values, so its range
/// and its codes can be computed back to back while the run is still in cache: the weights are read
/// from memory once instead of twice (range, then codes). For a 100 M-weight tensor that second read
/// of 400 MB was about a third of the time (Benchmarks/quant, perf). The arithmetic is the two-pass
/// path's — same range, same ``AffineParameters/covering(min:max:format:symmetric:)``, same
/// ``AffineQuantizer/encode(_:_:_:_:_:)`` — so the codes are byte-identical.
extension AffineQuantizer {
    static func quantizeRuns(_ base: UnsafePointer<Float>, shape: [Int], axis: Int?, channels: Int, inner: Int,
                             format: IntegerFormat, symmetric: Bool, name: String) throws -> AffineQuantizedTensor {
        let count = channels * inner
        var params: [AffineParameters] = []
        params.reserveCapacity(channels)
        var bad = false
        let codes = [UInt8](unsafeUninitializedCapacity: count) { out, initialized in
            adviseHugePages(out)
            for c in 0..<channels {
                let run = base + c * inner
                let (mn, mx, nan) = range(run, inner)
                if nan || !mn.isFinite || !mx.isFinite {
                    bad = true
                    break
                }
                let p = AffineParameters.covering(min: mn, max: mx, format: format, symmetric: symmetric)
                params.append(p)
                encode(run, out.baseAddress! + c * inner, inner, p, format)
            }
            initialized = bad ? 0 : count
        }
        if bad { throw nonFinite(name) }
        return AffineQuantizedTensor(format: format, shape: shape, axis: axis, parameters: params, codes: codes)
    }

    static func nonFinite(_ name: String) -> OptimizeError {
        OptimizeError.badTensor(name: name, reason: "contains NaN or infinite values; no integer grid covers them")
    }

    /// Asks Linux to back a large fresh output buffer with 2 MiB pages (`MADV_HUGEPAGE`; the machine's
    /// transparent huge pages are often `madvise`-only). A 100 MB code array otherwise takes ~24,000
    /// first-touch page faults, a quarter of the quantization time in the benchmark. Only whole
    /// 2 MiB-aligned stretches inside the buffer are advised; elsewhere (or if refused) nothing changes.
    @inline(__always)
    static func adviseHugePages(_ buffer: UnsafeMutableBufferPointer<UInt8>) {
        #if os(Linux)
        let huge = 2 << 20
        guard buffer.count >= 2 * huge, let p = buffer.baseAddress else { return }
        let start = (Int(bitPattern: p) + huge - 1) & ~(huge - 1)
        let end = (Int(bitPattern: p) + buffer.count) & ~(huge - 1)
        guard end > start, let aligned = UnsafeMutableRawPointer(bitPattern: start) else { return }
        _ = madvise(aligned, end - start, MADV_HUGEPAGE)
        #endif
    }
}
