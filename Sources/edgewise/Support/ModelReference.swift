import EdgeIR
import EdgeImport
import EdgeZoo
import Foundation

/// Resolves a MODEL argument: `zoo:<id>[?…]` from the catalog, anything else as a file path.
enum ModelReference {
    static func load(_ reference: String) throws -> Model {
        if reference.hasPrefix("zoo:") {
            do { return try Zoo.model(reference) } catch let e as ZooError { throw CLIError(e.description) }
        }
        guard FileManager.default.fileExists(atPath: reference) else {
            if Zoo.entry(id: reference) != nil { throw CLIError("no such file '\(reference)'; did you mean 'zoo:\(reference)'?") }
            throw CLIError("no such file '\(reference)' (catalog models are written zoo:<id>)")
        }
        do {
            return try ModelLoader.load(path: reference)
        } catch let e as ImportError {
            throw CLIError(e.description)
        } catch let e as IRError {
            throw CLIError(e.description)
        }
    }

    /// Binds symbolic dimensions: `N` to the batch size, others from `S=128` style assignments.
    static func bindings(batch: Int, assignments: [String]) throws -> [String: Int] {
        var b: [String: Int] = ["N": batch, "batch": batch, "batch_size": batch]
        for a in assignments {
            let kv = a.split(separator: "=", maxSplits: 1)
            guard kv.count == 2, let v = Int(kv[1]), v > 0 else {
                throw CLIError("bad --bind '\(a)'; expected SYMBOL=positive-integer")
            }
            b[String(kv[0])] = v
        }
        return b
    }
}
