// import-inspect FILE [REPEATS]: imports FILE (format detected from content), touches what `inspect`
// shows (metadata, every tensor's type, shape and location, parameter count), and prints one JSON
// line: median seconds per import over REPEATS, and the process's peak RSS in bytes.
import EdgeImport
import EdgeIR
import Foundation

let args = CommandLine.arguments
guard args.count >= 2 else {
    FileHandle.standardError.write(Data("usage: import-inspect FILE [REPEATS]\n".utf8))
    exit(2)
}
let repeats = args.count > 2 ? max(1, Int(args[2]) ?? 5) : 5
var times: [Double] = []
var summary = ""
for _ in 0..<repeats {
    let t0 = DispatchTime.now().uptimeNanoseconds
    do {
        let model = try ModelLoader.load(path: args[1])
        // The file's tensors: constants whose bytes are slices of the file (a built graph also holds
        // a few small in-memory shape constants).
        var params = 0, bytes = 0, locations = 0, tensors = 0
        for t in model.graph.orderedConstants {
            guard case .mapped = t.storage else { continue }
            tensors += 1
            params += t.shape.elementCount ?? 0
            bytes += t.storage.byteCount
            locations += t.storage.location.utf8.count
        }
        let keys = model.metadata.properties.keys.sorted().reduce(0) { $0 + $1.utf8.count }
        summary = "\"format\":\"\(model.metadata.format)\",\"tensors\":\(tensors),\"parameters\":\(params),\"bytes\":\(bytes),\"nodes\":\(model.graph.nodes.count),\"keys\":\(model.metadata.properties.count),\"_\":\(keys + locations)"
    } catch {
        FileHandle.standardError.write(Data("\(error)\n".utf8))
        exit(1)
    }
    times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
}
times.sort()
var usage = rusage()
getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
print("{\"seconds\":\(times[times.count / 2]),\"best\":\(times[0]),\"peak_rss\":\(Int(usage.ru_maxrss) * 1024),\(summary)}")
