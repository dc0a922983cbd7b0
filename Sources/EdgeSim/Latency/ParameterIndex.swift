/// Parameter keys used by a set of plans, numbered so plans refer to them by index.
///
/// The simulator fills values from the fitted file; the calibrator registers the keys of every
/// calibration row and then moves the values while the plans stay fixed.
public struct ParameterIndex: Sendable {
    public private(set) var keys: [String] = []
    public private(set) var unitKinds: [UnitKind?] = []
    public private(set) var unitClasses: [String?] = []
    private var index: [String: Int] = [:]

    public init() {}

    /// The index of `key`, registering it on first use.
    public mutating func id(_ key: String, unitKind: UnitKind? = nil, unitClass: String? = nil) -> Int {
        if let i = index[key] { return i }
        index[key] = keys.count
        keys.append(key)
        unitKinds.append(unitKind)
        unitClasses.append(unitClass)
        return keys.count - 1
    }

    public func lookup(_ key: String) -> Int? { index[key] }

    public var count: Int { keys.count }

    /// Values for every registered key from fitted parameters (falling back to kind defaults and priors).
    public func values(from p: FittedParameters) -> [Double] {
        keys.indices.map { p.value(keys[$0], unitKind: unitKinds[$0], unitClass: unitClasses[$0]) }
    }

    public func priors() -> [Prior] {
        keys.indices.map { ParameterKey.prior(for: keys[$0], unitKind: unitKinds[$0]) }
    }
}
