/// The integer grid a value is quantized onto: its bit width and signedness.
///
/// `int8` symmetric weights use −127…127 (one code is given up so that zero sits exactly in the
/// middle and the grid negates cleanly — the range onnxruntime and TFLite use for symmetric int8);
/// every other case uses the full range of the width.
public struct IntegerFormat: Sendable, Hashable, CustomStringConvertible {
    public let bits: Int
    public let signed: Bool
    /// Smallest and largest code.
    public let qmin: Int32
    public let qmax: Int32

    /// - Throws: ``OptimizeError/invalidSetting(name:value:expected:)`` for widths a byte-sized
    ///   container cannot hold (below 2 or above 8 bits).
    public init(bits: Int, signed: Bool, narrowSymmetric: Bool = false) throws {
        guard (2...8).contains(bits) else {
            throw OptimizeError.invalidSetting(name: "bits", value: String(bits), expected: "2…8 for integer weights")
        }
        self.bits = bits
        self.signed = signed
        if signed {
            qmax = (1 << Int32(bits - 1)) - 1
            qmin = narrowSymmetric ? -qmax : -qmax - 1
        } else {
            qmin = 0
            qmax = (1 << Int32(bits)) - 1
        }
    }

    public static let int8 = try! IntegerFormat(bits: 8, signed: true)
    /// −127…127: onnxruntime's range for symmetric int8.
    public static let int8Symmetric = try! IntegerFormat(bits: 8, signed: true, narrowSymmetric: true)
    public static let uint8 = try! IntegerFormat(bits: 8, signed: false)

    public var description: String { "\(signed ? "int" : "uint")\(bits)[\(qmin)…\(qmax)]" }
}

/// One scale and zero point: `real = scale × (q − zeroPoint)`.
public struct AffineParameters: Sendable, Hashable {
    public var scale: Float
    public var zeroPoint: Int32

    public init(scale: Float, zeroPoint: Int32) {
        self.scale = scale
        self.zeroPoint = zeroPoint
    }

    /// Scale and zero point that cover `[min, max]` on `format`'s grid.
    ///
    /// The range is first widened to include 0 (so zero is exact, as padding and ReLU need); symmetric
    /// ranges become `[−absmax, absmax]` with the zero point in the middle of the grid. Arithmetic is
    /// in double precision and the scale stored as float, the convention of onnxruntime's
    /// `compute_scale_zp`, so calibrated ranges give the same parameters in both. A range too small
    /// to represent (below float's smallest normal) gets scale 1, zero point 0.
    public static func covering(min rmin: Float, max rmax: Float, format: IntegerFormat, symmetric: Bool) -> AffineParameters {
        var lo = Swift.min(rmin, 0), hi = Swift.max(rmax, 0)
        if symmetric {
            let a = Swift.max(abs(lo), abs(hi))
            lo = -a
            hi = a
        }
        let scale = (Double(hi) - Double(lo)) / Double(format.qmax - format.qmin)
        guard scale >= Double(Float.leastNormalMagnitude), scale.isFinite else {
            return AffineParameters(scale: 1, zeroPoint: 0)
        }
        let zp: Double
        if symmetric {
            zp = (Double(format.qmin + format.qmax) / 2).rounded(.toNearestOrEven)
        } else {
            zp = (Double(format.qmin) - Double(lo) / scale).rounded(.toNearestOrEven)
        }
        let clamped = Swift.min(Swift.max(zp, Double(format.qmin)), Double(format.qmax))
        return AffineParameters(scale: Float(scale), zeroPoint: Int32(clamped))
    }
}
