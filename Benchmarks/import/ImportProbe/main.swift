// Imports model files and prints what a benchmark needs: import time, graph size, peak RSS.
//
// Usage: edgewise-import-probe FILE...
// One tab-separated line per file: path, import seconds (in-process, wall clock), nodes, constants,
// parameters, then a last line with the process's peak RSS in KiB. Benchmarks/import/run.sh runs it
// beside `onnx.load` on the same files; it stands in for `edgewise inspect` until that command lands.
import EdgeIR
import EdgeImport
import Foundation

#if canImport(Glibc)
import Glibc
#endif

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

var failed = false
for path in CommandLine.arguments.dropFirst() {
    do {
        var model: Model?
        let t = try seconds { model = try ModelLoader.load(path: path) }
        guard let g = model?.graph else { continue }
        let params = g.orderedConstants.reduce(0) { $0 + ($1.shape.elementCount ?? 0) }
        print("\(path)\t\(String(format: "%.6f", t))\t\(g.nodes.count)\t\(g.constants.count)\t\(params)")
        for note in model?.metadata.notes ?? [] { print("  note: \(note)") }
    } catch {
        failed = true
        print("\(path)\terror\t\(error)")
    }
}
var usage = rusage()
getrusage(RUSAGE_SELF.rawValue, &usage)
print("maxrss_kib\t\(usage.ru_maxrss)")
exit(failed ? 1 : 0)
