import EdgeIR

/// Parameter declarations and argument checking shared by the classification families.
///
/// Every family takes `input` (square image side in pixels) and `classes`; width-scalable families
/// add `width`. The build closures re-check their arguments here because ``ZooEntry/build`` can be
/// called with arguments that never went through ``Zoo/resolve(_:)``.
enum Classification {
    /// The `classes` parameter (ImageNet-1k by default; 21,843 covers ImageNet-21k heads).
    static let classes = ZooParameter("classes", .int(1...30_000), default: "1000",
                                      help: "number of output classes (size of the classifier)")

    /// The `input` parameter: the side of the square input image in pixels.
    static func input(_ def: Int, _ range: ClosedRange<Int>) -> ZooParameter {
        ZooParameter("input", .int(range), default: String(def), help: "input image side in pixels (square)")
    }

    /// The `width` parameter: the channel multiplier α.
    static func width(_ def: Double, _ range: ClosedRange<Double>) -> ZooParameter {
        ZooParameter("width", .double(range), default: String(def), help: "width (channel) multiplier α")
    }

    /// A classification entry whose build checks its arguments against `parameters` first.
    static func entry(id: String, family: String, summary: String, parameters: [ZooParameter],
                      published: PublishedFigure?,
                      build: @escaping @Sendable (CheckedArguments) throws -> Graph) -> ZooEntry {
        ZooEntry(id: id, family: family, task: .classification, summary: summary, parameters: parameters,
                 published: published) { args in
            try build(CheckedArguments(id: id, parameters: parameters, arguments: args))
        }
    }
}

/// Arguments read through the entry's declared parameters: missing, unparsable or out-of-range values
/// throw ``ZooError/badValue(id:key:value:expected:)`` instead of turning into zeros.
struct CheckedArguments {
    let id: String
    let parameters: [ZooParameter]
    let arguments: ZooArguments

    private func parameter(_ key: String) -> ZooParameter? { parameters.first { $0.name == key } }

    private func raw(_ key: String) -> (ZooParameter?, String) {
        let p = parameter(key)
        return (p, arguments.values[key] ?? p?.defaultValue ?? "")
    }

    func int(_ key: String) throws -> Int {
        let (p, s) = raw(key)
        guard let v = Int(s), case .int(let r)? = p?.kind, r.contains(v) else { throw bad(key, s) }
        return v
    }

    func double(_ key: String) throws -> Double {
        let (p, s) = raw(key)
        guard let v = Double(s), v.isFinite, case .double(let r)? = p?.kind, r.contains(v) else { throw bad(key, s) }
        return v
    }

    func choice(_ key: String) throws -> String {
        let (p, s) = raw(key)
        guard case .choice(let c)? = p?.kind, c.contains(s) else { throw bad(key, s) }
        return s
    }

    /// The error for `key=value`, naming what the parameter accepts (or `detail` when a family adds a rule).
    func bad(_ key: String, _ value: String, detail: String? = nil) -> ZooError {
        ZooError.badValue(id: id, key: key, value: value, expected: detail ?? parameter(key)?.accepted ?? "no such parameter")
    }

    /// Throws unless `condition` holds, for rules a range cannot say (an input divisible by the patch size).
    func require(_ condition: Bool, _ key: String, _ detail: String) throws {
        if !condition { throw bad(key, raw(key).1, detail: detail) }
    }
}
