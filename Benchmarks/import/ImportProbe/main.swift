// Imports model files and prints what a benchmark needs: import time, graph size, peak RSS.
//
// Usage: edgewise-import-probe [--plain-protobuf] FILE...
// One tab-separated line per file: path, import seconds (in-process, wall clock), nodes, constants,
// parameters; then the process's peak RSS in KiB. Benchmarks/import/bench.py runs it beside
// `onnx.load` on the same files.
//
// `--plain-protobuf` measures the alternative the importer does not take (docs/DECISIONS.md): decoding
// the whole mapped file with swift-protobuf, which copies every `raw_data` into a `Data`.
import EdgeIR
import EdgeImport
import Foundation
import SwiftProtobuf

#if canImport(Glibc)
import Glibc
#endif

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

var arguments = Array(CommandLine.arguments.dropFirst())
let plain = arguments.first == "--plain-protobuf"
if plain { arguments.removeFirst() }
var failed = false
for path in arguments {
    do {
        if plain {
            let file = try MappedFile(path: path)
            guard let base = file.bytes.baseAddress else { continue }
            var bytes = 0
            let t = try seconds {
                let data = Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: base), count: file.count, deallocator: .none)
                let m = try Onnx_ModelProto(serializedBytes: data)
                bytes = m.graph.initializer.reduce(0) { $0 + $1.rawData.count }
            }
            print("\(path)\t\(String(format: "%.6f", t))\t-\t-\t\(bytes) raw_data bytes copied")
            continue
        }
        var model: Model?
        let t = try seconds { model = try ModelLoader.load(path: path) }
        guard let g = model?.graph else { continue }
        let params = g.orderedConstants.reduce(0) { $0 + ($1.shape.elementCount ?? 0) }
        print("\(path)\t\(String(format: "%.6f", t))\t\(g.nodes.count)\t\(g.constants.count)\t\(params)")
    } catch {
        failed = true
        print("\(path)\terror\t\(error)")
    }
}
var usage = rusage()
getrusage(RUSAGE_SELF.rawValue, &usage)
print("maxrss_kib\t\(usage.ru_maxrss)")
exit(failed ? 1 : 0)
