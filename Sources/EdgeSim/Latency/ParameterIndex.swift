/// Parameter keys used by a set of plans, numbered so plans refer to them by index.
///
/// The simulator fills values from the fitted file; the calibrator registers the keys of every
/// calibration row and then moves the values while the plans stay fixed.
public struct ParameterIndex: Sendable {
    public private(set) var keys: [String] = []
    public private(set) var unitKinds: [UnitKind?] = []
    public private(set) var unitClasses: [String?] = []
    /// Priors set by the device data (a runtime's expected speed) instead of the key's default.
    public private(set) var priorOverrides: [Int: Prior] = [:]
    /// Soft equalities between a class parameter and its group's (index, group index, spread).
    public private(set) var couplings: [(Int, Int, Double)] = []
    /// The group parameter a class parameter falls back to when it has no fitted value.
    public private(set) var groupOf: [Int: Int] = [:]
    private var coupled = Set<Int>()

    /// Spread (×/÷) of a class's efficiency around its group's.
    public static let groupSpread = 1.5

    /// Registers a per-unit-class parameter; for a unit in a group also the group's parameter and the
    /// coupling between them.
    public mutating func unitParameter(_ key: (String) -> String, unit: ComputeUnit, priorCenter: Double? = nil) -> Int {
        let i = id(key(unit.unitClass), unitKind: unit.kind, unitClass: unit.unitClass)
        if let c = priorCenter, priorOverrides[i] == nil {
            var p = ParameterKey.prior(for: keys[i], unitKind: unit.kind)
            p.center = min(max(c, p.lower), p.upper)
            priorOverrides[i] = p
        }
        if let g = unit.group, !coupled.contains(i) {
            let j = id(key("group:" + g), unitKind: unit.kind, unitClass: nil)
            couplings.append((i, j, Self.groupSpread))
            groupOf[i] = j
            coupled.insert(i)
        }
        return i
    }
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

    /// Registers `key` with a prior centred on `center` (the key's default spread and bounds).
    public mutating func id(_ key: String, priorCenter center: Double?) -> Int {
        let i = id(key)
        if let c = center, priorOverrides[i] == nil {
            var p = ParameterKey.prior(for: key, unitKind: nil)
            p.center = min(max(c, p.lower), p.upper)
            priorOverrides[i] = p
        }
        return i
    }

    public var count: Int { keys.count }

    /// Values for every registered key from fitted parameters (falling back to kind defaults and priors).
    public func values(from p: FittedParameters) -> [Double] {
        keys.indices.map { k in
            if let e = p.entries[keys[k]] { return e.value }
            if let o = priorOverrides[k] { return o.center }
            // An unseen class in a known group takes the group's fitted value.
            if let g = groupOf[k], let e = p.entries[keys[g]] { return e.value }
            return p.value(keys[k], unitKind: unitKinds[k], unitClass: unitClasses[k])
        }
    }

    public func priors() -> [Prior] {
        keys.indices.map { priorOverrides[$0] ?? ParameterKey.prior(for: keys[$0], unitKind: unitKinds[$0]) }
    }
}
