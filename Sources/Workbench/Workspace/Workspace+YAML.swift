import EdgeOptimize
import Yams
import Foundation

/// Reading a workspace: strict, located errors, and a refusal to touch files from newer versions.
extension Workspace {
    public static let screens = ["models", "devices", "tune", "compare", "dashboard"]

    /// Loads and validates a workspace file.
    ///
    /// - Parameter knownDevices: device ids the simulator knows; an unknown id is an error naming its line.
    /// - Throws: ``YAMLError`` (file, line, column) for anything hand-edited wrongly or written by a newer
    ///   version; an I/O error message if the file cannot be read.
    public static func load(path: String, knownDevices: Set<String>? = nil) throws -> Workspace {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw YAMLError(file: path, line: nil, column: nil, message: "cannot read the workspace file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw YAMLError(file: path, line: nil, column: nil, message: "not UTF-8 text")
        }
        return try parse(yaml: text, file: path, knownDevices: knownDevices)
    }

    public static func parse(yaml text: String, file: String, knownDevices: Set<String>? = nil) throws -> Workspace {
        let root = try YAMLValue.parse(text, file: file)
        // The version is checked before anything else: a newer format may have keys this one rejects.
        guard let pairs = root.node.mapping,
              let versionKey = pairs.first(where: { $0.key.string == "edgewise-workspace" }) else {
            throw root.error("not an Edgewise workspace: the first key must be 'edgewise-workspace: \(formatVersion)'")
        }
        let versionNode = YAMLValue(node: versionKey.value, file: file)
        let version = try versionNode.int(what: "edgewise-workspace")
        guard version <= formatVersion else {
            throw versionNode.error("written by a newer Edgewise (format \(version)); this version reads format \(formatVersion) — not loaded, nothing changed")
        }
        guard version >= 1 else { throw versionNode.error("format version must be ≥ 1") }
        let top = try root.mapping(allowed: ["edgewise-workspace", "name", "description", "models", "pipelines",
                                             "devices", "scenario", "data", "selection"])
        guard let nameNode = top["name"] else { throw root.error("a workspace needs a 'name'") }

        let models = try (top["models"]?.sequence() ?? []).map { v -> ModelSlot in
            if let s = v.node.scalar?.string { return ModelSlot(reference: s) }
            let m = try v.mapping(allowed: ["ref", "label", "eval"])
            guard let ref = m["ref"] else { throw v.error("a model needs 'ref' (zoo:<id> or a file path)") }
            let reference = try ref.string()
            let eval = try m["eval"].map { try EvalData(yaml: $0) }
            if eval != nil, reference.hasPrefix("zoo:") {
                throw m["eval"]!.error("eval data needs a model file; '\(reference)' is a catalog architecture without weights")
            }
            return ModelSlot(reference: reference, label: try m["label"]?.string(), eval: eval)
        }
        guard !models.isEmpty else { throw (top["models"] ?? root).error("a workspace needs at least one model") }

        var pipelines: [PipelineSpec] = []
        for v in try top["pipelines"]?.sequence() ?? [] {
            let p = try PipelineSpec(yaml: v)
            if pipelines.contains(where: { $0.name == p.name }) { throw v.error("two pipelines are named '\(p.name)'") }
            pipelines.append(p)
        }
        if pipelines.isEmpty { pipelines = [.baseline] }

        var devices: [String] = []
        for v in try top["devices"]?.sequence() ?? [] {
            let id = try v.string()
            if let known = knownDevices, !known.contains(id) {
                let hint = YAMLValue.closest(id, in: Array(known)).map { "; did you mean '\($0)'?" } ?? ""
                throw v.error("unknown device '\(id)'\(hint) (see `edgewise devices`)")
            }
            devices.append(id)
        }

        guard let sNode = top["scenario"] else { throw root.error("a workspace needs a 'scenario'") }
        let scenario = try Scenario(yaml: sNode)

        var data = DataSources()
        if let d = top["data"] {
            let m = try d.mapping(allowed: ["calibration", "evaluation"])
            data.calibration = try m["calibration"]?.string()
            data.evaluation = try m["evaluation"]?.string()
        }

        var selection = Selection()
        if let s = top["selection"] {
            let m = try s.mapping(allowed: ["screen", "model", "pipeline", "device", "theme", "overrides"])
            if let v = m["screen"] { selection.screen = try v.choice(screens, what: "screen") }
            if let v = m["model"] { selection.model = try v.int(in: 0...max(0, models.count - 1), what: "selection.model") }
            if let v = m["pipeline"] {
                let name = try v.string()
                guard pipelines.contains(where: { $0.name == name }) else { throw v.error("no pipeline named '\(name)'") }
                selection.pipeline = name
            }
            if let v = m["device"] {
                let id = try v.string()
                guard devices.contains(id) else { throw v.error("selected device '\(id)' is not in 'devices'") }
                selection.device = id
            }
            if let v = m["theme"] { selection.theme = try v.string() }
            if let o = m["overrides"] {
                guard let map = o.node.mapping else { throw o.error("overrides map layer names to fp32, fp16, int8, int4 or skip") }
                for (k, val) in map {
                    let key = try YAMLValue(node: k, file: file).string()
                    let p = try YAMLValue(node: val, file: file).choice(LayerPrecision.allCases.map(\.rawValue), what: "precision of '\(key)'")
                    selection.overrides[key] = LayerPrecision(rawValue: p)
                }
            }
        }
        return Workspace(name: try nameNode.string(), description: try top["description"]?.string() ?? "",
                         models: models, pipelines: pipelines, devices: devices, scenario: scenario,
                         data: data, selection: selection)
    }
}

extension Scenario {
    init(yaml: YAMLValue) throws {
        let m = try yaml.mapping(allowed: ["name", "use_case", "fps", "latency_budget_ms", "deadline", "duration_s",
                                           "ambient_c", "battery_wh", "duty_cycle", "power_budget_w"])
        guard let fpsNode = m["fps"] else { throw yaml.error("a scenario needs 'fps'") }
        let fps = try fpsNode.double(what: "fps")
        guard fps > 0 else { throw fpsNode.error("fps must be > 0, got \(fps)") }
        let budget = try m["latency_budget_ms"].map { n -> Double in
            let v = try n.double(what: "latency_budget_ms")
            guard v > 0 else { throw n.error("latency_budget_ms must be > 0") }
            return v
        } ?? 1000 / fps
        self.init(name: try m["name"]?.string() ?? "scenario", useCase: try m["use_case"]?.string() ?? "",
                  fps: fps, latencyBudgetMs: budget)
        if let v = m["deadline"] { deadline = Deadline(rawValue: try v.choice(Deadline.allCases.map(\.rawValue), what: "deadline"))! }
        if let v = m["duration_s"] { durationS = try v.double(in: 1...604_800, what: "duration_s") }
        if let v = m["ambient_c"] { ambientC = try v.double(in: -40...85, what: "ambient_c") }
        if let v = m["battery_wh"] {
            let wh = try v.double(what: "battery_wh")
            guard wh > 0 else { throw v.error("battery_wh must be > 0") }
            batteryWh = wh
        }
        if let v = m["duty_cycle"] {
            dutyCycle = try v.double(what: "duty_cycle")
            guard dutyCycle > 0, dutyCycle <= 1 else { throw v.error("duty_cycle must be in (0, 1], got \(dutyCycle)") }
        }
        if let v = m["power_budget_w"] {
            let w = try v.double(what: "power_budget_w")
            guard w > 0 else { throw v.error("power_budget_w must be > 0") }
            powerBudgetW = w
        }
    }
}
