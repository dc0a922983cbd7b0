import CEdgeKernels

/// The instruction-set level an optimized kernel is prepared for (see `ck_cpu.h`).
///
/// Chosen once per kernel at prepare time — packed weight layouts depend on it — from what the CPU
/// reports, capped by `EDGEWISE_ISA` (`portable`, `avx2`, `avxvnni`, `avx512`, `avx512vnni`). Tests
/// pass a level explicitly to exercise every path the machine supports.
public struct KernelISA: Hashable, Sendable, CustomStringConvertible {
    public let level: Int32

    public init(_ level: Int32) { self.level = level }

    public static let portable = KernelISA(Int32(CK_ISA_PORTABLE.rawValue))
    public static let avx2 = KernelISA(Int32(CK_ISA_AVX2.rawValue))
    public static let avxvnni = KernelISA(Int32(CK_ISA_AVXVNNI.rawValue))
    public static let avx512 = KernelISA(Int32(CK_ISA_AVX512.rawValue))
    public static let avx512vnni = KernelISA(Int32(CK_ISA_AVX512VNNI.rawValue))
    static let all: [KernelISA] = [.portable, .avx2, .avxvnni, .avx512, .avx512vnni]

    /// The level kernels use unless told otherwise (read once per process).
    public static let selected = KernelISA(Int32(ck_isa_selected()))

    /// Every level this CPU runs.
    public static var supported: [KernelISA] { all.filter(\.isSupported) }

    public var isSupported: Bool { ck_isa_supported(level) != 0 }
    public var description: String { String(cString: ck_isa_name(level)) }
}
