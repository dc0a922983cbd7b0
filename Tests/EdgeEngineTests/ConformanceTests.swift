import EdgeEngine
import EdgeImport
import EdgeIR
import EdgeTestSupport
import Foundation
import Testing

/// The ONNX backend test suite (onnx 1.22.0: node, pytorch-converted, pytorch-operator, simple) as the
/// engine's conformance suite.
///
/// Every case whose ops and tensor types the engine claims (``KernelRegistry/claims(_:types:)``) runs
/// and must match the suite's expected outputs at the suite's tolerance: `rtol 1e-3, atol 1e-7`, or the
/// case's `data.json` override, compared like `np.testing.assert_allclose` (NaN equals NaN); integer
/// and bool outputs must be equal. Cases of opset < 7 are out of scope (pre-broadcast semantics). The
/// per-op table of pass / fail / unsupported is printed.
@Suite struct ConformanceTests {
    static let data = TestPaths.assets.appendingPathComponent("onnx-1.22.0/onnx/backend/test/data")

    enum Outcome { case pass, fail(String), unsupported(String) }

    struct Case {
        let set: String
        let name: String
        let dir: URL
    }

    static func cases() -> [Case] {
        var out: [Case] = []
        for set in ["node", "pytorch-converted", "pytorch-operator", "simple"] {
            let dir = data.appendingPathComponent(set)
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).sorted()
            for n in names where FileManager.default.fileExists(atPath: dir.appendingPathComponent(n + "/model.onnx").path) {
                out.append(Case(set: set, name: n, dir: dir.appendingPathComponent(n)))
            }
        }
        return out
    }

    /// All ops of a graph, subgraphs included, with the element types each node touches.
    static func nodes(_ g: Graph, depth: Int = 0) -> [(Node, [DType])] {
        var out: [(Node, [DType])] = []
        for n in g.nodes {
            let types = (n.inputs + n.outputs).compactMap { $0.isEmpty ? nil : g.valueTypes[$0]?.dtype }
            out.append((n, types))
            if depth < 8 { for (_, s) in n.subgraphs { out += nodes(s, depth: depth + 1) } }
        }
        return out
    }

    /// The op a case is listed under: its only op, or the op whose name starts the test name.
    static func primaryOp(_ c: Case, _ ops: [String]) -> String {
        let distinct = Array(Set(ops)).sorted()
        if distinct.count == 1 { return distinct[0] }
        let name = c.name.replacingOccurrences(of: "test_", with: "").replacingOccurrences(of: "_", with: "").lowercased()
        let match = distinct.filter { name.hasPrefix($0.lowercased()) }.max { $0.count < $1.count }
        return match ?? "(\(c.set) multi-op)"
    }

    static func run(_ c: Case) -> (op: String, outcome: Outcome) {
        let model: Model
        do { model = try ModelLoader.load(path: c.dir.appendingPathComponent("model.onnx").path) } catch {
            return ("(import)", .unsupported("import: \(error)"))
        }
        let g = model.graph
        let all = nodes(g)
        let op = primaryOp(c, all.map { $0.0.op.rawValue })
        let opset = Int(model.metadata.properties["onnx.opset.ai.onnx"] ?? "") ?? 0
        guard opset >= 7 else { return (op, .unsupported("opset \(opset) < 7")) }
        guard g.inputs.allSatisfy({ model.metadata.properties["onnx.type." + $0.name] == nil }),
              g.outputs.allSatisfy({ model.metadata.properties["onnx.type." + $0.name] == nil }) else {
            return (op, .unsupported("non-tensor inputs or outputs"))
        }
        for (n, types) in all {
            // Values inside subgraphs may have no inferred type; then the op itself must be claimed.
            guard KernelRegistry.claims(n, types: types) else {
                return (op, .unsupported("\(KernelRegistry.key(n)) on \(Set(types).map(\.rawValue).sorted())"))
            }
        }
        let setDir = c.dir.appendingPathComponent("test_data_set_0")
        var feeds: [String: HostTensor] = [:]
        do {
            for (i, input) in g.inputs.enumerated() {
                guard let t = try TensorProtoFile.read(setDir.appendingPathComponent("input_\(i).pb")) else {
                    return (op, .unsupported("input type"))
                }
                feeds[input.name] = t
            }
        } catch { return (op, .unsupported("reading inputs: \(error)")) }
        var rtol = 1e-3, atol = 1e-7
        if let d = try? Data(contentsOf: c.dir.appendingPathComponent("data.json")),
           let j = try? JSONSerialization.jsonObject(with: d) as? [String: Any] {
            rtol = j["rtol"] as? Double ?? rtol
            atol = j["atol"] as? Double ?? atol
        }
        do {
            let plan = try ExecutionPlan(model: model, inputShapes: feeds.mapValues(\.shape))
            let out = try plan.run(feeds)
            for (k, o) in g.outputs.enumerated() {
                guard let expected = try TensorProtoFile.read(setDir.appendingPathComponent("output_\(k).pb")) else {
                    return (op, .unsupported("output type"))
                }
                guard let got = out[o.name] else { return (op, .fail("output \(o.name) missing")) }
                if let problem = compare(got, expected, rtol: rtol, atol: atol) { return (op, .fail("output \(k) '\(o.name)': \(problem)")) }
            }
            return (op, .pass)
        } catch {
            return (op, .fail("\(error)"))
        }
    }

    /// nil when `got` matches `expected`, else what differs.
    static func compare(_ got: HostTensor, _ expected: HostTensor, rtol: Double, atol: Double) -> String? {
        guard got.dtype == expected.dtype else { return "type \(got.dtype) vs expected \(expected.dtype)" }
        guard got.shape == expected.shape else { return "shape \(got.shape) vs expected \(expected.shape)" }
        let float = got.dtype.isFloatingPoint
        var bad = 0, first = ""
        for i in 0..<got.elementCount {
            let a = got.ref.double(at: i), e = expected.ref.double(at: i)
            let ok: Bool
            if float {
                ok = (a.isNaN && e.isNaN) || a == e || Swift.abs(a - e) <= atol + rtol * Swift.abs(e)
            } else {
                ok = a == e
            }
            if !ok {
                if bad == 0 { first = "element \(i): \(a) vs expected \(e)" }
                bad += 1
            }
        }
        return bad == 0 ? nil : "\(bad) of \(got.elementCount) elements differ; first \(first)"
    }

    @Test func backendSuite() throws {
        try #require(FileManager.default.fileExists(atPath: Self.data.path),
                     "ONNX test data missing under \(TestPaths.assets.path): run Scripts/fetch-models.sh")
        var table: [String: (pass: Int, fail: Int, unsupported: Int)] = [:]
        var failures: [String] = []
        var reasons: [String: Int] = [:]
        let all = Self.cases()
        for c in all {
            let (op, outcome) = Self.run(c)
            var row = table[op] ?? (0, 0, 0)
            switch outcome {
            case .pass: row.pass += 1
            case .fail(let why): row.fail += 1; failures.append("\(c.set)/\(c.name): \(why)")
            case .unsupported(let why):
                row.unsupported += 1
                let short = why.replacingOccurrences(of: c.dir.path, with: "").replacingOccurrences(of: Self.data.path, with: "")
                reasons[String(short.prefix(110)), default: 0] += 1
            }
            table[op] = row
        }
        let pass = table.values.reduce(0) { $0 + $1.pass }, fail = table.values.reduce(0) { $0 + $1.fail }
        let unsupported = table.values.reduce(0) { $0 + $1.unsupported }
        var lines = ["ONNX backend conformance (onnx 1.22.0 node + pytorch-converted + pytorch-operator + simple)",
                     "op".padding(toLength: 34, withPad: " ", startingAt: 0) + "  pass  fail  unsupported"]
        for (op, r) in table.sorted(by: { $0.key < $1.key }) {
            lines.append(op.padding(toLength: 34, withPad: " ", startingAt: 0)
                         + String(format: "  %4d  %4d  %4d", r.pass, r.fail, r.unsupported))
        }
        lines.append("total: \(all.count) cases, claimed \(pass + fail): \(pass) passed, \(fail) failed; \(unsupported) unsupported")
        print(lines.joined(separator: "\n"))
        if ProcessInfo.processInfo.environment["EDGEWISE_CONFORMANCE_REASONS"] != nil {
            for (r, n) in reasons.sorted(by: { $0.value > $1.value }) { print("  unsupported ×\(n): \(r)") }
        }
        if let path = ProcessInfo.processInfo.environment["EDGEWISE_CONFORMANCE_REPORT"] {
            try (lines + ["", "failures:"] + failures).joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        }
        for f in failures { Issue.record(Comment(rawValue: f)) }
        #expect(pass + fail >= 900, "the engine claims only \(pass + fail) cases")
    }
}
