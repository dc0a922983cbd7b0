/// One dimension of a tensor shape: a known size, or a named symbol such as the batch `N` or the
/// sequence length `S` that is bound later (at cost analysis or run time).
public enum Dim: Hashable, Sendable, Codable, CustomStringConvertible {
    case value(Int)
    case symbol(String)

    /// The size if it is known.
    public var value: Int? {
        if case .value(let v) = self { return v }
        return nil
    }

    public var isSymbolic: Bool { value == nil }

    /// A dimension whose size cannot be derived from symbols alone (e.g. a strided conv over `H`).
    public static let unknown = Dim.symbol("?")

    public var description: String {
        switch self {
        case .value(let v): return String(v)
        case .symbol(let s): return s
        }
    }
}

extension Dim: ExpressibleByIntegerLiteral, ExpressibleByStringLiteral {
    public init(integerLiteral value: Int) { self = .value(value) }
    public init(stringLiteral value: String) { self = .symbol(value) }
}

/// A tensor shape: an ordered list of dimensions, possibly symbolic. A scalar has rank 0.
public struct Shape: Hashable, Sendable, Codable, CustomStringConvertible, ExpressibleByArrayLiteral {
    public var dims: [Dim]

    public init(_ dims: [Dim]) { self.dims = dims }
    public init(_ values: [Int]) { self.dims = values.map { .value($0) } }
    public init(arrayLiteral elements: Dim...) { self.dims = elements }

    public static let scalar = Shape([Dim]())

    public var rank: Int { dims.count }
    public subscript(i: Int) -> Dim {
        get { dims[i] }
        set { dims[i] = newValue }
    }

    /// All sizes, if none is symbolic.
    public var values: [Int]? {
        var out: [Int] = []
        out.reserveCapacity(dims.count)
        for d in dims {
            guard let v = d.value else { return nil }
            out.append(v)
        }
        return out
    }

    public var isFullyKnown: Bool { dims.allSatisfy { !$0.isSymbolic } }

    /// The number of elements, or nil when a dimension is symbolic, negative, or the product overflows.
    public var elementCount: Int? {
        var n = 1
        for d in dims {
            guard let v = d.value, v >= 0 else { return nil }
            let (p, o) = n.multipliedReportingOverflow(by: v)
            if o { return nil }
            n = p
        }
        return n
    }

    /// Replaces every symbol found in `bindings` by its value.
    public func binding(_ bindings: [String: Int]) -> Shape {
        if bindings.isEmpty { return self }
        return Shape(dims.map { d in
            if case .symbol(let s) = d, let v = bindings[s] { return .value(v) }
            return d
        })
    }

    public var description: String { "[" + dims.map(\.description).joined(separator: ",") + "]" }

    /// Normalises a possibly negative axis against this rank, or nil if out of range.
    public func axis(_ a: Int) -> Int? {
        let r = a < 0 ? a + rank : a
        return (r >= 0 && r < rank) ? r : nil
    }
}

/// A value's static type: element type and shape.
public struct TensorType: Hashable, Sendable, Codable, CustomStringConvertible {
    public var dtype: DType
    public var shape: Shape

    public init(_ dtype: DType, _ shape: Shape) {
        self.dtype = dtype
        self.shape = shape
    }

    public var description: String { "\(dtype.rawValue)\(shape)" }

    /// Storage bytes when the shape is known (exact for block formats).
    public var byteCount: Int? {
        guard let n = shape.elementCount else { return nil }
        return dtype.byteCount(elements: n)
    }
}
