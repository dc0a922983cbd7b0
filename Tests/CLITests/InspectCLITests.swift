import EdgeTestSupport
import Foundation
import Testing

/// `edgewise inspect` and `edgewise catalog` end to end through the real binary.
@Suite struct InspectCLITests {
    func json(_ args: [String]) throws -> [String: Any] {
        let r = try CLI.run(args)
        #expect(r.status == 0, "\(args): \(r.stderr)")
        let obj = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8))
        return try #require(obj as? [String: Any])
    }

    @Test func resnet50MatchesTorchvision() throws {
        let doc = try json(["inspect", "zoo:resnet50", "--json"])
        #expect(doc["schema"] as? String == "edgewise.inspect")
        #expect(doc["schemaVersion"] as? Int == 1)
        let summary = try #require(doc["summary"] as? [String: Any])
        let params = try #require(summary["parameters"] as? Int)
        let macs = try #require(summary["macs"] as? Int)
        // torchvision ResNet50_Weights.IMAGENET1K_V1: 25,557,032 params, 4.09 GFLOPS (torchvision's
        // "GFLOPS" column counts multiply-adds). Tolerances: params ±1 %, MACs ±5 % (issue 2).
        #expect(abs(Double(params) - 25_557_032) / 25_557_032 <= 0.01)
        #expect(abs(Double(macs) - 4.09e9) / 4.09e9 <= 0.05)
        let layers = try #require(doc["layers"] as? [[String: Any]])
        #expect(layers.count == summary["nodeCount"] as? Int)
        let shareSum = layers.compactMap { $0["share"] as? Double }.reduce(0, +)
        #expect(abs(shareSum - 1) < 1e-6)
    }

    @Test func catalogListsAtLeastSixtyEntries() throws {
        let doc = try json(["catalog", "--json"])
        #expect(doc["schema"] as? String == "edgewise.catalog")
        let entries = try #require(doc["entries"] as? [[String: Any]])
        #expect(entries.count >= 60)
        let ids = entries.compactMap { $0["id"] as? String }
        #expect(Set(ids).count == ids.count, "catalog ids are unique")
    }

    @Test func textOutputHasSummaryAndLayerTable() throws {
        let r = try CLI.run(["inspect", "zoo:mobilenet_v2", "--top", "5", "--sort", "macs"])
        #expect(r.status == 0, "\(r.stderr)")
        for needle in ["parameters:", "weight bytes:", "MACs:", "FLOPs:", "peak activations:", "ops:", "layer", "share"] {
            #expect(r.stdout.contains(needle), "missing '\(needle)'")
        }
    }

    @Test func readmeCatalogTableIsCurrent() throws {
        let r = try CLI.run(["catalog", "--markdown"])
        #expect(r.status == 0)
        let readme = try String(contentsOf: TestPaths.repoRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let begin = try #require(readme.range(of: "<!-- catalog:begin -->\n"))
        let end = try #require(readme.range(of: "<!-- catalog:end -->", range: begin.upperBound..<readme.endIndex))
        let embedded = String(readme[begin.upperBound..<end.lowerBound]).trimmingCharacters(in: .newlines)
        #expect(embedded == r.stdout.trimmingCharacters(in: .newlines), "README catalog table is stale: run Scripts/update-readme.sh")
    }
}
