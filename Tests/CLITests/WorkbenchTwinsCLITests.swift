import EdgeTestSupport
import Foundation
import Testing

/// The TUI's headless twins through the real binary: `workspace`, `tune`, `compare --diff`, `dashboard`, each on
/// the shipped default workspace (or a copy of it, when the command writes).
@Suite struct WorkbenchTwinsCLITests {
    static let defaultWorkspace = TestPaths.repoRoot.appendingPathComponent("Workspaces/default.yaml").path

    func json(_ args: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        let r = try CLI.run(args)
        #expect(r.status == 0, "\(args): \(r.stderr)", sourceLocation: sourceLocation)
        return try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], sourceLocation: sourceLocation)
    }

    func fails(_ args: [String], mentions: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let r = try CLI.run(args)
        #expect(r.status != 0 && r.status < 128, "exit status for \(args)", sourceLocation: sourceLocation)
        let lines = r.stderr.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        #expect(lines.count == 1, "stderr for \(args): \(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.stderr.contains(mentions), "stderr for \(args): \(r.stderr)", sourceLocation: sourceLocation)
    }

    /// A copy of the default workspace in a fresh directory (commands that save must not touch the shipped file).
    func copyOfDefault() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("edgewise-twins-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("ws.yaml").path
        try FileManager.default.copyItem(atPath: Self.defaultWorkspace, toPath: path)
        return path
    }

    func device(_ doc: [String: Any], _ id: String) -> [String: Any]? {
        (doc["devices"] as? [[String: Any]])?.first { $0["device"] as? String == id }
    }

    @Test func tuneOverrideChangesSizeByTheLayersBytes() throws {
        // MobileNet v2's first convolution `features.0.0` has 32×3×3×3 = 864 weights and no bias (a BatchNorm
        // follows). Stored fp32 it takes 864 × 4 = 3456 B, fp16 864 × 2 = 1728 B: the model's weight bytes
        // differ by exactly 1728 B between the two overrides; everything else is the int8 pipeline in both.
        let fp32 = try json(["tune", Self.defaultWorkspace, "--set", "features.0.0=fp32", "--json"])
        let fp16 = try json(["tune", Self.defaultWorkspace, "--set", "features.0.0=fp16", "--json"])
        let b32 = try #require(fp32["weightBytes"] as? Int), b16 = try #require(fp16["weightBytes"] as? Int)
        #expect(b32 - b16 == 1728)
        #expect(fp32["strategy"] as? String == "int8+tuned")
        #expect((fp32["overrides"] as? [String: String]) == ["features.0.0": "fp32"])
        // The workspace targets six devices (Workspaces/default.yaml `devices:`), each with a figure.
        #expect((fp32["devices"] as? [[String: Any]])?.count == 6)
        // The same layer at fp32 instead of fp16 is slower on the Pi 5's CPU (twice the weight bytes, fp32 math).
        let l32 = try #require((device(fp32, "rpi5")?["latency"] as? [String: Any])?["value"] as? Double)
        let l16 = try #require((device(fp16, "rpi5")?["latency"] as? [String: Any])?["value"] as? Double)
        #expect(l32 != l16)
        #expect((device(fp32, "rpi5")?["latency"] as? [String: Any])?["provenance"] as? String == "estimated")
        let layer = (fp16["layers"] as? [[String: Any]])?.first { $0["layer"] as? String == "features.0.0" }
        #expect(layer?["precision"] as? String == "fp16")
        #expect(layer?["overridden"] as? Bool == true)
    }

    @Test func tuneSavesAndEveryTwinSeesTheChange() throws {
        let path = try copyOfDefault()
        let saved = try json(["tune", path, "--set", "features.0.0=fp16", "--save", "--json"])
        #expect(saved["saved"] as? Bool == true)
        // Reopened from disk by three other commands.
        let ws = try json(["workspace", path, "--json"])
        #expect((ws["overrides"] as? [String: String]) == ["features.0.0": "fp16"])
        #expect(ws["unsaved"] as? Bool == false)
        let again = try json(["tune", path, "--json"])
        #expect(again["weightBytes"] as? Int == saved["weightBytes"] as? Int)
        let compare = try json(["compare", path, "--json"])
        #expect((compare["strategies"] as? [String])?.last == "int8+tuned")
        // The shipped file is untouched.
        let original = try json(["workspace", Self.defaultWorkspace, "--json"])
        #expect((original["overrides"] as? [String: String]) == [:])
    }

    @Test func tunePipelineSettings() throws {
        // Setting the int8 pipeline's precision to fp16 (as the Tune screen's settings pane does) must give the
        // same model as the workspace's own `fp16` pipeline (`quantize: {precision: fp16}`), which `compare` costs.
        let doc = try json(["tune", Self.defaultWorkspace, "--precision", "fp16", "--json"])
        #expect((doc["precisions"] as? [String]) == ["fp16"])
        let compare = try json(["compare", Self.defaultWorkspace, "--json"])
        let fp16 = (compare["cells"] as? [[String: Any]])?.first { $0["strategy"] as? String == "fp16" }
        #expect(doc["weightBytes"] as? Int == fp16?["weightBytes"] as? Int)
        try fails(["tune", Self.defaultWorkspace, "--precision", "none", "--granularity", "group"], mentions: "the pipeline does not quantize")
    }

    @Test func tuneEvaluatesInTheForeground() throws {
        // A workspace with the smallest MobileNet (470 k weights) so the debug binary evaluates quickly.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("edgewise-eval-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("small.yaml").path
        let yaml = try String(contentsOfFile: Self.defaultWorkspace, encoding: .utf8)
            .replacingOccurrences(of: "zoo:mobilenet_v2", with: "zoo:mobilenet_v1_025")
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        let doc = try json(["tune", path, "--evaluate", "--json"])
        let q = try #require(doc["quality"] as? [String: Any])
        #expect(q["metric"] as? String == "weight SQNR (estimate)")
        // Symmetric int8 of Gaussian weights clipped near the extremes: step Δ = 2·c/255 with c ≈ 3.5–4.5 σ, noise
        // Δ²/12, so SQNR = 12·255²/(4·(c/σ)²) ≈ 9.6e3…1.6e4 → 39.8…42.0 dB; percentile clipping lowers c, so
        // anything in 30…50 dB is the right order, a wrong scale (no clipping, wrong axis) falls outside.
        let v = try #require(q["valueDB"] as? Double)
        #expect(v > 30 && v < 50, "\(v)")
        let layers = try #require(doc["layers"] as? [[String: Any]])
        #expect(layers.allSatisfy { $0["sensitivityDB"] is Double })
    }

    @Test func compareDiffListsTheLayersThatDiffer() throws {
        let doc = try json(["compare", Self.defaultWorkspace, "--diff", "int8@rpi5,fp32@rpi5", "--json"])
        #expect(doc["a"] as? String == "int8 on rpi5")
        #expect(doc["b"] as? String == "fp32 on rpi5")
        let rows = try #require(doc["differing"] as? [[String: Any]])
        let first = try #require(rows.first { $0["layer"] as? String == "features.0.0" })
        #expect(first["precisionA"] as? String == "int8")
        #expect(first["precisionB"] as? String == "fp32")
        // fp32 weights are 4 B, int8 1 B plus per-channel scales and the BatchNorm tensors left in fp32, so the
        // fp32 model is between 3 and 4 times the int8 one (4 exactly only if everything were quantized, free).
        let a = try #require(doc["weightBytesA"] as? Int), b = try #require(doc["weightBytesB"] as? Int)
        #expect(Double(b) / Double(a) > 3 && Double(b) / Double(a) <= 4)
    }

    @Test func dashboardRunsTheScenario() throws {
        let doc = try json(["dashboard", Self.defaultWorkspace, "--json"])
        // Workspaces/default.yaml: 30 fps, budget 33.3 ms soft, 600 s at 25 °C; the 10 ms hard line is added.
        #expect(doc["device"] as? String == "rpi5")
        #expect(doc["fps"] as? Double == 30)
        let budgets = try #require(doc["budgets"] as? [[String: Any]])
        let lines = budgets.compactMap { $0["seconds"] as? Double }
        #expect(lines.count == 2)
        #expect(abs(lines[0] - 0.0333) < 1e-9 && abs(lines[1] - 0.010) < 1e-12)
        let samples = try #require(doc["samples"] as? [[String: Any]])
        #expect(samples.count >= 600 && samples.count <= 601)  // one per simulated second of 600 s
        #expect(doc["provenance"] as? String == "estimated (simulated thermal RC model and DVFS governor)")
        let p50 = try #require(doc["latencyP50"] as? Double), p99 = try #require(doc["latencyP99"] as? Double)
        #expect(p50 > 0 && p99 >= p50)
    }

    @Test func workspaceEditsAreSavedAtomically() throws {
        let path = try copyOfDefault()
        let doc = try json(["workspace", path, "--add-device", "coral-devboard", "--remove-device", "galaxy-s24",
                            "--add-model", "zoo:mobilenet_v1_025", "--save", "--json"])
        #expect(doc["saved"] as? Bool == true)
        let reopened = try json(["workspace", path, "--json"])
        #expect((reopened["devices"] as? [String]) == ["rpi5", "rpi5-hailo8l", "coral-usb", "jetson-orin-nano-super", "iphone-15-pro", "coral-devboard"])
        #expect((reopened["models"] as? [[String: Any]])?.map { $0["reference"] as? String }
                == ["zoo:mobilenet_v2", "zoo:resnet50", "zoo:efficientnet_lite0", "zoo:mobilenet_v1_025"])
        // No temporary file is left beside it.
        let dir = (path as NSString).deletingLastPathComponent
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["ws.yaml"])
    }

    @Test func badInputIsOneLine() throws {
        try fails(["tune", Self.defaultWorkspace, "--set", "nosuch=int8"], mentions: "the model has no layer 'nosuch'")
        try fails(["tune", Self.defaultWorkspace, "--set", "features.0.1=int8"], mentions: "has no weights")
        try fails(["tune", Self.defaultWorkspace, "--set", "features.0.0=int3"], mentions: "LAYER=PRECISION")
        try fails(["tune", Self.defaultWorkspace, "--strategy", "int9"], mentions: "--strategy 'int9' is not a pipeline")
        try fails(["tune", Self.defaultWorkspace, "--model", "7"], mentions: "--model must be 0…2")
        try fails(["dashboard", Self.defaultWorkspace, "--device", "rpi6"], mentions: "--device 'rpi6' is not in the device catalog")
        try fails(["compare", Self.defaultWorkspace, "--diff", "int8@rpi5"], mentions: "expected two cells")
        try fails(["compare", Self.defaultWorkspace, "--diff", "int8@rpi5,int8@ncs2"], mentions: "'ncs2' is not a target device")
        try fails(["workspace", Self.defaultWorkspace, "--add-device", "rpi6"], mentions: "--add-device 'rpi6'")
        try fails(["workspace", "/nonexistent/ws.yaml"], mentions: "no such workspace file")
    }
}
