import EdgeOptimize
import Foundation

/// Writing a workspace: deterministic YAML, saved atomically so a crash or a full disk never leaves a
/// half-written file where the user's work was.
extension Workspace {
    /// The workspace as YAML text, in a fixed key order, readable by ``parse(yaml:file:knownDevices:)``.
    public func yaml() -> String {
        var l = ["edgewise-workspace: \(Workspace.formatVersion)", "name: \(YAMLText.scalar(name))"]
        if !description.isEmpty { l.append("description: \(YAMLText.scalar(description))") }
        l.append("models:")
        for m in models {
            l.append("  - ref: \(YAMLText.scalar(m.reference))")
            if m.label != m.reference { l.append("    label: \(YAMLText.scalar(m.label))") }
            if let e = m.eval { l.append(contentsOf: e.yamlLines(indent: 4)) }
        }
        l.append("pipelines:")
        for p in pipelines {
            let lines = p.yamlLines(indent: 4)
            l.append("  - " + lines[0].dropFirst(4))
            l.append(contentsOf: lines.dropFirst())
        }
        l.append(devices.isEmpty ? "devices: []" : "devices: [" + devices.map(YAMLText.scalar).joined(separator: ", ") + "]")
        let s = scenario
        l.append("scenario:")
        l.append("  name: \(YAMLText.scalar(s.name))")
        if !s.useCase.isEmpty { l.append("  use_case: \(YAMLText.scalar(s.useCase))") }
        l.append("  fps: \(s.fps)")
        l.append("  latency_budget_ms: \(s.latencyBudgetMs)")
        l.append("  deadline: \(s.deadline.rawValue)")
        l.append("  duration_s: \(s.durationS)")
        l.append("  ambient_c: \(s.ambientC)")
        if let b = s.batteryWh { l.append("  battery_wh: \(b)") }
        l.append("  duty_cycle: \(s.dutyCycle)")
        if let p = s.powerBudgetW { l.append("  power_budget_w: \(p)") }
        if data.calibration != nil || data.evaluation != nil {
            l.append("data:")
            if let c = data.calibration { l.append("  calibration: \(YAMLText.scalar(c))") }
            if let e = data.evaluation { l.append("  evaluation: \(YAMLText.scalar(e))") }
        }
        l.append("selection:")
        l.append("  screen: \(selection.screen)")
        l.append("  model: \(selection.model)")
        if let p = selection.pipeline { l.append("  pipeline: \(YAMLText.scalar(p))") }
        if let d = selection.device { l.append("  device: \(YAMLText.scalar(d))") }
        if let t = selection.theme { l.append("  theme: \(YAMLText.scalar(t))") }
        if !selection.overrides.isEmpty {
            l.append("  overrides:")
            for (k, v) in selection.overrides.sorted(by: { $0.key < $1.key }) { l.append("    \(YAMLText.scalar(k)): \(v.rawValue)") }
        }
        return l.joined(separator: "\n") + "\n"
    }

    /// Saves atomically to `path`.
    ///
    /// Refuses to overwrite a file written by a newer Edgewise (its format version is higher than ours),
    /// so opening and saving with an old build can never destroy a newer workspace.
    public func save(to path: String) throws {
        if let existing = FileManager.default.contents(atPath: path), let text = String(data: existing, encoding: .utf8),
           let line = text.split(separator: "\n").first(where: { $0.hasPrefix("edgewise-workspace:") }),
           let v = Int(line.dropFirst("edgewise-workspace:".count).trimmingCharacters(in: .whitespaces)),
           v > Workspace.formatVersion {
            throw YAMLError(file: path, line: nil, column: nil,
                            message: "written by a newer Edgewise (format \(v)); not overwritten")
        }
        try AtomicFile.write(Data(yaml().utf8), to: path)
    }
}
