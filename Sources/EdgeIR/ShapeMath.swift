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
        let effective = dilation * (kernel - 1) + 1
        let span = n + padBegin + padEnd - effective
        guard span >= 0, stride > 0 else { return nil }
        var out = span / stride + 1
        if ceilMode, span % stride != 0 {
            out += 1
            // The last window must start inside the input or left padding (ONNX/PyTorch rule).
            if (out - 1) * stride >= n + padBegin { out -= 1 }
        }
        return .value(out)
    }

    /// Padding of `auto_pad = SAME_UPPER / SAME_LOWER` for one axis: (begin, end).
    public static func samePadding(input: Int, kernel: Int, stride: Int, dilation: Int, upper: Bool) -> (Int, Int) {
        let out = (input + stride - 1) / stride
        let effective = dilation * (kernel - 1) + 1
        let total = max(0, (out - 1) * stride + effective - input)
        let small = total / 2
        return upper ? (small, total - small) : (total - small, small)
    }

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
