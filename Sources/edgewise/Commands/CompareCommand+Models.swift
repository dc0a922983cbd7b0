import EdgeEngine
import EdgeIR
import EdgeOptimize
import Foundation

/// `edgewise compare A B`: two models of the same network, layer by layer.
extension CompareCommand {
    struct ModelDiffDocument: Encodable {
        var schema = "edgewise.model-diff"
        var schemaVersion = 1
        var a: String
        var b: String
        var seededInputs: Bool
        var diff: ModelDiff
    }

    func runModelDiff(_ pathA: String, _ pathB: String) throws {
        guard samples >= 1 else { throw CLIError("--samples must be ≥ 1") }
        let a = try ModelReference.load(pathA), b = try ModelReference.load(pathB)
        let feeds: [[String: HostTensor]]
        if evalInputs.isEmpty {
            do { feeds = try PipelineRunner.seededInputs(for: a.graph, count: samples, seed: seed) } catch { throw CLIError("\(error)") }
        } else {
            feeds = [try InputFiles().tensors(evalInputs, model: a)]
        }
        let diff: ModelDiff
        do { diff = try ModelDiff.compare(a, b, evaluation: feeds) } catch {
            throw CLIError("\(error)".replacingOccurrences(of: "\n", with: " "))
        }
        if json {
            let enc = JSONEncoder()
            enc.outputFormatting = [.prettyPrinted, .sortedKeys]
            enc.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            let doc = ModelDiffDocument(a: pathA, b: pathB, seededInputs: evalInputs.isEmpty, diff: diff)
            print(String(decoding: try enc.encode(doc), as: UTF8.self))
            return
        }
        print("A \(pathA)\nB \(pathB)")
        print("measured on \(feeds.count) \(evalInputs.isEmpty ? "generated (seed \(seed))" : "given") input set(s), engine; "
              + "output SQNR of B vs A \(OptimizeText.db(diff.outputSQNR)) dB"
              + (diff.top1Agreement.map { ", top-1 agreement \(Format.percent($0))" } ?? ""))
        var t = TextTable([("layer", .left), ("op A → B", .left), ("shape", .left), ("params A → B", .right), ("weight type", .left),
                           ("MACs A → B", .right), ("output SQNR dB", .right)])
        func pair<T: Equatable>(_ x: T?, _ y: T?, _ f: (T) -> String) -> String {
            let l = x.map(f) ?? "—", r = y.map(f) ?? "—"
            return x == y ? l : "\(l) → \(r)"
        }
        let shape: ([Int]) -> String = { $0.map(String.init).joined(separator: "×") }
        var shown = 0
        for r in diff.rows where all || r.differs {
            shown += 1
            t.add([r.layer, pair(r.opA, r.opB) { $0 }, pair(r.shapeA, r.shapeB, shape), pair(r.paramsA, r.paramsB, Format.si),
                   pair(r.weightTypeA, r.weightTypeB) { $0 }, pair(r.macsA, r.macsB, Format.si), r.outputSQNR.map(OptimizeText.db) ?? "—"])
        }
        print(t.render())
        print("\(shown) of \(diff.rows.count) layers shown\(all ? "" : " (those that differ; --all for every layer)")")
    }
}
