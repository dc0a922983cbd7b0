import EdgeEngine
import EdgeIR

/// One-line statistics of a tensor, with NaN/Inf counted (never hidden), and top-k for score vectors.
struct TensorSummary {
    let count: Int
    let min: Double
    let max: Double
    let mean: Double
    let nans: Int
    let infinities: Int

    init(_ t: HostTensor) {
        var lo = Double.infinity, hi = -Double.infinity, sum = 0.0, finite = 0, nans = 0, infs = 0
        for i in 0..<t.elementCount {
            let v = t.ref.double(at: i)
            if v.isNaN { nans += 1; continue }
            if v.isInfinite { infs += 1; continue }
            lo = Swift.min(lo, v); hi = Swift.max(hi, v); sum += v; finite += 1
        }
        count = t.elementCount
        min = finite > 0 ? lo : .nan
        max = finite > 0 ? hi : .nan
        mean = finite > 0 ? sum / Double(finite) : .nan
        self.nans = nans
        infinities = infs
    }

    var nonFinite: Int { nans + infinities }

    var text: String {
        var s = "min \(fmt(min))  max \(fmt(max))  mean \(fmt(mean))"
        if nonFinite > 0 { s += "  ⚠ \(nans) NaN, \(infinities) Inf" }
        return s
    }

    func fmt(_ v: Double) -> String { String(format: "%.6g", v) }

    /// The `k` largest entries of a classifier-like output (`[C]` or `[1, C]`, C ≥ 2), else nil.
    static func top(_ t: HostTensor, k: Int) -> [(index: Int, value: Double)]? {
        let classes = t.shape.last ?? 0
        guard classes >= 2, t.elementCount == classes, t.dtype.isFloatingPoint else { return nil }
        return (0..<classes).map { ($0, t.ref.double(at: $0)) }.sorted { $0.1 > $1.1 }.prefix(k).map { $0 }
    }
}
