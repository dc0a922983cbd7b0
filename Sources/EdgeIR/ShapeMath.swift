/// Shape arithmetic shared by the op rules.
public enum ShapeMath {
    /// NumPy-style broadcast of two shapes, or nil when a pair of dimensions is incompatible.
    ///
    /// A symbol against 1 stays the symbol; a symbol against a size > 1 becomes that size (the only
    /// value the symbol can take at run time for the op to be valid).
    public static func broadcast(_ a: Shape, _ b: Shape) -> Shape? {
        let r = max(a.rank, b.rank)
        var out = [Dim](repeating: 1, count: r)
        for i in 0..<r {
            let da: Dim = i < r - a.rank ? 1 : a.dims[i - (r - a.rank)]
            let db: Dim = i < r - b.rank ? 1 : b.dims[i - (r - b.rank)]
            switch (da, db) {
            case (.value(let x), .value(let y)):
                if x == y || y == 1 { out[i] = .value(x) } else if x == 1 { out[i] = .value(y) } else { return nil }
            case (.value(let x), .symbol):
                out[i] = x == 1 ? db : da
            case (.symbol, .value(let y)):
                out[i] = y == 1 ? da : db
            case (.symbol(let x), .symbol(let y)):
                out[i] = x == y ? da : .unknown
            }
        }
        return Shape(out)
    }

    /// Output length of a sliding window (conv, pool) along one axis.
    ///
    /// `floor((in + padBegin + padEnd − dilation·(k−1) − 1) / stride) + 1`, or the ceiling variant.
    /// Returns nil when the window does not fit.
    public static func windowOutput(_ input: Dim, kernel: Int, stride: Int, dilation: Int,
                                    padBegin: Int, padEnd: Int, ceilMode: Bool = false) -> Dim? {
        guard let n = input.value else { return .unknown }
        // Sizes come from files: every step is checked for overflow, which reads as "does not fit".
        guard stride > 0, kernel >= 1, dilation >= 1,
              let effective = checked(dilation.multipliedReportingOverflow(by: kernel - 1)).flatMap({ checked($0.addingReportingOverflow(1)) }),
              let padded = checked(n.addingReportingOverflow(padBegin)), let both = checked(padded.addingReportingOverflow(padEnd)),
              let span = checked(both.subtractingReportingOverflow(effective)), span >= 0
        else { return nil }
        var out = span / stride + 1
        if ceilMode, span % stride != 0 {
            out += 1
            // The last window must start inside the input or left padding (ONNX/PyTorch rule).
            if let start = checked((out - 1).multipliedReportingOverflow(by: stride)), start >= padded { out -= 1 }
        }
        return .value(out)
    }

    /// Padding of `auto_pad = SAME_UPPER / SAME_LOWER` for one axis: (begin, end).
    /// Sizes that overflow give no padding (the window rule then rejects them).
    public static func samePadding(input: Int, kernel: Int, stride: Int, dilation: Int, upper: Bool) -> (Int, Int) {
        guard stride > 0, input >= 0, kernel >= 1 else { return (0, 0) }
        let out = input / stride + (input % stride == 0 ? 0 : 1)
        guard let effective = checked(dilation.multipliedReportingOverflow(by: kernel - 1)).flatMap({ checked($0.addingReportingOverflow(1)) }),
              let reach = checked((out - 1).multipliedReportingOverflow(by: stride)).flatMap({ checked($0.addingReportingOverflow(effective)) })
        else { return (0, 0) }
        let total = max(0, reach - input)
        let small = total / 2
        return upper ? (small, total - small) : (total - small, small)
    }

    /// The value of an overflow-reporting operation, nil if it overflowed.
    @inline(__always)
    static func checked(_ r: (partialValue: Int, overflow: Bool)) -> Int? { r.overflow ? nil : r.partialValue }

    /// Product of known dimensions; nil if any is symbolic or it overflows.
    public static func product(_ dims: ArraySlice<Dim>) -> Int? {
        var p = 1
        for d in dims {
            guard let v = d.value else { return nil }
            let (r, o) = p.multipliedReportingOverflow(by: v)
            if o { return nil }
            p = r
        }
        return p
    }
}
