import EdgeEngine
import EdgeImport
import EdgeIR
import EdgeTestSupport
import Foundation
@testable import EdgeOptimize

/// The sklearn digits set, written as .npy by Scripts/reference/digits.py from the fetched
/// scikit-learn wheel (rows 0–999 train, 1000–1796 test), and the digits CNN trained on it.
enum DigitsData {
    static let csv = TestPaths.assets.appendingPathComponent("scikit_learn-1.9.1/sklearn/datasets/data/digits.csv.gz").path
    /// `$EDGEWISE_CACHE/digits` (default ~/.cache/edgewise/digits).
    static let cache = TestPaths.assets.deletingLastPathComponent().appendingPathComponent("digits")

    struct Split {
        let xTrain: HostTensor, yTrain: [Int], xTest: HostTensor, yTest: [Int]
        let paths: [String: String]
        var train: LabelledSet { try! LabelledSet(feeds: [["image": xTrain]], labels: [yTrain], input: "image") }
    }

    /// Writes the .npy files (Python, at test time) and reads them back.
    static func load() throws -> Split {
        guard FileManager.default.fileExists(atPath: csv) else { throw Missing(what: csv) }
        let out = try Python.runFile("Scripts/reference/digits.py", input: ["op": "data", "csv": csv, "out": cache.path]) as! [String: Any]
        let paths = out["paths"] as! [String: String]
        func labels(_ p: String) throws -> [Int] { try NPY.read(path: p).values(as: Int64.self).map(Int.init) }
        return Split(xTrain: try NPY.read(path: paths["x_train"]!), yTrain: try labels(paths["y_train"]!),
                     xTest: try NPY.read(path: paths["x_test"]!), yTest: try labels(paths["y_test"]!), paths: paths)
    }

    /// The recipe the digits CNN is trained with (fixed, so the cached model is reproducible).
    static let recipe = TrainingSettings(epochs: 20, batchSize: 32, learningRate: 0.05, optimizer: .sgd, momentum: 0.9,
                                         weightDecay: 5e-4, seed: 1)
    static let initSeed: UInt64 = 1
    /// Cached trained model, keyed by the seeds (retrained and rewritten by DigitsCNNTests' first test).
    static var cachedModel: String { cache.appendingPathComponent("digits-cnn-init\(initSeed)-seed\(recipe.seed).onnx").path }

    static func model(_ g: Graph) -> Model { Model(graph: g, metadata: ModelMetadata(format: "onnx", source: "digits-cnn")) }

    /// Trains the digits CNN (recipe above) and caches it as ONNX.
    static func train(_ split: Split) throws -> (Graph, Trainer.Report) {
        let (g, r) = try Trainer.train(try DigitsCNN.untrained(seed: initSeed), on: split.train, settings: recipe)
        _ = try ONNXExporter.write(model(g), to: cachedModel)
        return (g, r)
    }

    /// The trained digits CNN: from the cache when present, else trained now.
    static func trained(_ split: Split) throws -> Graph {
        if FileManager.default.fileExists(atPath: cachedModel) { return try ModelLoader.load(path: cachedModel).graph }
        return try train(split).0
    }

    struct Missing: Error, CustomStringConvertible {
        let what: String
        var description: String { "\(what) is missing: run Scripts/fetch-models.sh" }
    }

    /// Top-1 accuracy of a graph run on the engine over the test images (one batch).
    static func engineAccuracy(_ g: Graph, x: HostTensor, y: [Int]) throws -> Double {
        let plan = try ExecutionPlan(graph: g, inputShapes: ["image": x.shape])
        let out = try plan.run(["image": x])[g.outputs[0].name]!.floats()
        let c = out.count / y.count
        var right = 0
        for (i, label) in y.enumerated() {
            let row = out[(i * c)..<((i + 1) * c)]
            if row.indices.max(by: { row[$0] < row[$1] || (row[$0] == row[$1] && $0 > $1) })! - i * c == label { right += 1 }
        }
        return Double(right) / Double(y.count)
    }

    /// onnxruntime's accuracy on the model written as ONNX.
    static func ortAccuracy(_ model: Model, split: Split, tag: String) throws -> Double {
        let dir = try TestPaths.temporaryDirectory("digits-\(tag)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("model.onnx").path
        _ = try ONNXExporter.write(model, to: path)
        let out = try Python.runFile("Scripts/reference/digits.py", input: ["op": "accuracy", "model": path,
                                                                            "x": split.paths["x_test"]!, "y": split.paths["y_test"]!]) as! [String: Any]
        return out["accuracy"] as! Double
    }
}

extension DigitsData.Split {
    /// The training images plus their four one-pixel shifts (up, down, left, right; zero fill):
    /// 5× the data, so the small CNN generalises to the test rows' other writers.
    var shiftedTrain: LabelledSet {
        let base = train
        var xs: [[Float]] = base.inputs, ys = base.labels
        for (dy, dx) in [(-1, 0), (1, 0), (0, -1), (0, 1)] {
            for (img, label) in zip(base.inputs, base.labels) {
                var out = [Float](repeating: 0, count: 64)
                for y in 0..<8 {
                    for x in 0..<8 {
                        let sy = y - dy, sx = x - dx
                        if (0..<8).contains(sy) && (0..<8).contains(sx) { out[y * 8 + x] = img[sy * 8 + sx] }
                    }
                }
                xs.append(out)
                ys.append(label)
            }
        }
        return LabelledSet(inputs: xs, labels: ys)
    }
}
