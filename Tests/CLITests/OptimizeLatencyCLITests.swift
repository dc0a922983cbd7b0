import EdgeTestSupport
import Foundation
import Testing

/// `edgewise optimize` with `mixed_precision` `objective: latency`: the CLI supplies the simulator, reports the
/// device's latency labelled as an estimate, and refuses an unknown device before any work.
@Suite(.serialized) struct OptimizeLatencyCLITests {
    static let magika = OptimizeSensitivityCLITests.magika

    @Test func anUnknownDeviceIsNamedAtItsLineAndColumnAndNothingIsWritten() throws {
        try #require(FileManager.default.fileExists(atPath: Self.magika), "run Scripts/fetch-models.sh")
        let dir = try TestPaths.temporaryDirectory("optimize-latency-bad")
        defer { try? FileManager.default.removeItem(at: dir) }
        let p = dir.appendingPathComponent("p.yaml").path
        try "name: l\nsteps:\n  - mixed_precision: {min_sqnr: 25, objective: latency, device: alif-e4}\n"
            .write(toFile: p, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("o.onnx").path
        let r = try CLI.run(["optimize", Self.magika, "--pipeline", p, "-o", out], timeout: 300)
        #expect(r.status != 0)
        // Column 65: "  - mixed_precision: {min_sqnr: 25, " (36) + "objective: latency, " (20) + "device: " (8).
        #expect(r.stderr.contains("p.yaml:3:65: unknown device 'alif-e4'; did you mean 'alif-e3'?"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func latencyOnAnInt8OnlyNPUKeepsEveryLayerInt8() throws {
        try #require(FileManager.default.fileExists(atPath: Self.magika), "run Scripts/fetch-models.sh")
        let dir = try TestPaths.temporaryDirectory("optimize-latency")
        defer { try? FileManager.default.removeItem(at: dir) }
        let x = try OptimizeSensitivityCLITests.inputs(dir, rows: 4)
        let p = dir.appendingPathComponent("p.yaml").path
        try "name: l\nsteps:\n  - mixed_precision: {min_sqnr: 25, objective: latency, device: alif-e3, time_budget_s: 600}\n"
            .write(toFile: p, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("o.onnx").path
        let r = try CLI.run(["optimize", Self.magika, "--pipeline", p, "-o", out, "--eval", "bytes=" + x, "--json"], timeout: 1200)
        #expect(r.status == 0, "\(r.stderr)")
        let j = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let step = try #require((j["steps"] as? [[String: Any]])?.first)
        let mixed = try #require(step["mixedPrecision"] as? [String: Any])
        let assignment = try #require(mixed["assignment"] as? [String: String])
        // Alif E3's NPU runtime is int8 only (mcu.yaml): fp16/int4 layers would run on the Cortex-M55, slower.
        #expect(assignment.count == 3 && assignment.values.allSatisfy { $0 == "int8" }, "\(assignment)")
        let o = try #require(mixed["objective"] as? Double), o0 = try #require(mixed["originalObjective"] as? Double)
        #expect(o < o0 && o > 0)
        let note = try #require((step["notes"] as? [String])?.first)
        #expect(note.hasPrefix("objective: simulated latency (estimated) on alif-e3, "), "\(note)")
        #expect(note.contains("; true value expected in ") && note.contains("calibration error"), "\(note)")
        #expect((step["sqnr"] as? Double ?? 0) >= 25)
        print("optimize latency on alif-e3: \(note); SQNR \(step["sqnr"] ?? "")")
    }
}
