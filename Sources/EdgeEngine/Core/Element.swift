import EdgeIR

/// A scalar type a kernel can be generic over: the Swift type of one ``DType``.
///
/// Reference kernels are written once, generically, and specialised per element type by a
/// ``DType`` switch at plan time (``numericType(_:)``, ``floatType(_:)``), so `Add` on int8 and
/// `Add` on float16 are the same loop. Conversions go through `Double`, which holds every value of
/// the types here exactly except 64-bit integers beyond 2⁵³ (the kernels that must be exact for
/// those — Cast, Gather, shape ops — move bits, not doubles).
public protocol Element: Comparable {
    static var dtype: DType { get }
    static var zero: Self { get }
    init(fromDouble d: Double)
    var asDouble: Double { get }
}

/// Element types with arithmetic: every numeric ``DType``.
public protocol NumericElement: Element, Numeric {
    /// Division with ONNX semantics for this type (truncating for integers).
    static func divide(_ a: Self, _ b: Self) -> Self
    /// `fmod` for floats; for integers the sign-of-divisor (Python) remainder unless `fmod`.
    static func remainder(_ a: Self, _ b: Self, fmod: Bool) -> Self
    static var lowest: Self { get }
    static var highest: Self { get }
    /// `acc + a·b`, wrapping for integers (never a trap).
    static func madd(_ acc: Self, _ a: Self, _ b: Self) -> Self
    /// `a + b`, wrapping for integers.
    static func plus(_ a: Self, _ b: Self) -> Self
}

/// The floating-point element types (float32, float64, float16).
public protocol FloatElement: NumericElement, BinaryFloatingPoint {}

extension Element where Self: BinaryFloatingPoint {
    public static var zero: Self { 0 }
    public init(fromDouble d: Double) { self.init(d) }
    public var asDouble: Double { Double(self) }
}

extension NumericElement where Self: BinaryFloatingPoint {
    public static func divide(_ a: Self, _ b: Self) -> Self { a / b }
    public static func remainder(_ a: Self, _ b: Self, fmod: Bool) -> Self {
        let r = a.truncatingRemainder(dividingBy: b)
        if fmod || r == 0 || (r < 0) == (b < 0) { return r }
        return r + b
    }
    public static var lowest: Self { -.infinity }
    public static var highest: Self { .infinity }
    @inline(__always) public static func madd(_ acc: Self, _ a: Self, _ b: Self) -> Self { acc + a * b }
    @inline(__always) public static func plus(_ a: Self, _ b: Self) -> Self { a + b }
}

extension Element where Self: FixedWidthInteger {
    public static var zero: Self { 0 }
    /// Saturating and NaN-safe: out-of-range values clamp, NaN becomes 0 (never a trap).
    public init(fromDouble d: Double) {
        if d.isNaN { self = 0 } else if d <= Double(Self.min) { self = .min } else if d >= Double(Self.max) { self = .max } else { self = Self(d) }
    }
    public var asDouble: Double { Double(self) }
}

extension NumericElement where Self: FixedWidthInteger {
    public static func divide(_ a: Self, _ b: Self) -> Self {
        if b == 0 { return 0 }
        return a.dividedReportingOverflow(by: b).partialValue
    }
    public static func remainder(_ a: Self, _ b: Self, fmod: Bool) -> Self {
        if b == 0 { return 0 }
        let r = a.remainderReportingOverflow(dividingBy: b).partialValue
        if fmod || r == 0 || (r < 0) == (b < 0) { return r }
        return r &+ b
    }
    public static var lowest: Self { .min }
    public static var highest: Self { .max }
    @inline(__always) public static func madd(_ acc: Self, _ a: Self, _ b: Self) -> Self { acc &+ a &* b }
    @inline(__always) public static func plus(_ a: Self, _ b: Self) -> Self { a &+ b }
}

extension Float: FloatElement { public static var dtype: DType { .float32 } }
extension Double: FloatElement { public static var dtype: DType { .float64 } }
extension Float16: FloatElement { public static var dtype: DType { .float16 } }
extension Int64: NumericElement { public static var dtype: DType { .int64 } }
extension Int32: NumericElement { public static var dtype: DType { .int32 } }
extension Int16: NumericElement { public static var dtype: DType { .int16 } }
extension Int8: NumericElement { public static var dtype: DType { .int8 } }
extension UInt64: NumericElement { public static var dtype: DType { .uint64 } }
extension UInt32: NumericElement { public static var dtype: DType { .uint32 } }
extension UInt16: NumericElement { public static var dtype: DType { .uint16 } }
extension UInt8: NumericElement { public static var dtype: DType { .uint8 } }

/// false < true: elements are Comparable (Max, Min, the comparisons), and the standard library gives Bool
/// no order. Declared knowingly retroactive; should Swift add one, it would be this same order.
extension Bool: @retroactive Comparable {
    public static func < (a: Bool, b: Bool) -> Bool { !a && b }
}

extension Bool: Element {
    public static var dtype: DType { .bool }
    public static var zero: Bool { false }
    public init(fromDouble d: Double) { self = d != 0 }
    public var asDouble: Double { self ? 1 : 0 }
}

/// The Swift type of a numeric dtype, for generic dispatch (`make(numericType(t)!)`).
public func numericType(_ d: DType) -> (any NumericElement.Type)? {
    switch d {
    case .float32: return Float.self
    case .float64: return Double.self
    case .float16: return Float16.self
    case .int64: return Int64.self
    case .int32: return Int32.self
    case .int16: return Int16.self
    case .int8: return Int8.self
    case .uint64: return UInt64.self
    case .uint32: return UInt32.self
    case .uint16: return UInt16.self
    case .uint8: return UInt8.self
    default: return nil
    }
}

/// The Swift type of a floating-point dtype.
public func floatType(_ d: DType) -> (any FloatElement.Type)? {
    switch d {
    case .float32: return Float.self
    case .float64: return Double.self
    case .float16: return Float16.self
    default: return nil
    }
}

/// The Swift type of any plain (non-packed, non-string) dtype, bool included.
public func elementType(_ d: DType) -> (any Element.Type)? {
    d == .bool ? Bool.self : numericType(d)
}

extension TensorRef {
    /// Typed element pointer (the caller has checked ``dtype``).
    @inline(__always) public func ptr<T>(_: T.Type) -> UnsafeMutablePointer<T> { data.assumingMemoryBound(to: T.self) }

    /// Element `i` converted to Double, for any plain dtype (slow path: summaries, small shape inputs).
    public func double(at i: Int) -> Double {
        switch dtype {
        case .float32: return Double(f32()[i])
        case .float64: return ptr(Double.self)[i]
        case .float16: return Double(ptr(Float16.self)[i])
        case .bfloat16: return Double(Float(bfloat16Bits: ptr(UInt16.self)[i]))
        case .int64: return Double(i64()[i])
        case .int32: return Double(i32()[i])
        case .int16: return Double(ptr(Int16.self)[i])
        case .int8: return Double(i8()[i])
        case .uint64: return Double(ptr(UInt64.self)[i])
        case .uint32: return Double(ptr(UInt32.self)[i])
        case .uint16: return Double(ptr(UInt16.self)[i])
        case .uint8, .bool: return Double(u8()[i])
        default: return .nan
        }
    }

    /// Integer contents (int64/int32/…/bool), for shape arguments; nil for other types.
    public func integers() -> [Int]? {
        let n = count
        switch dtype {
        case .int64: return (0..<n).map { Int(i64()[$0]) }
        case .int32: return (0..<n).map { Int(i32()[$0]) }
        case .int16: return (0..<n).map { Int(ptr(Int16.self)[$0]) }
        case .int8: return (0..<n).map { Int(i8()[$0]) }
        case .uint8, .bool: return (0..<n).map { Int(u8()[$0]) }
        case .uint16: return (0..<n).map { Int(ptr(UInt16.self)[$0]) }
        case .uint32: return (0..<n).map { Int(ptr(UInt32.self)[$0]) }
        case .uint64: return (0..<n).map { Int(truncatingIfNeeded: ptr(UInt64.self)[$0]) }
        default: return nil
        }
    }

    public var byteCount: Int { dtype.approximateBytes(elements: count) }
}
