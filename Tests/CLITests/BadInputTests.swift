import EdgeTestSupport
import Foundation
import Testing

/// Bad input at the command line: one line naming the problem, non-zero exit, never a trap.
@Suite struct BadInputTests {
    func expectOneLineFailure(_ args: [String], mentions: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let r = try CLI.run(args)
        #expect(r.status != 0, "exit status for \(args)", sourceLocation: sourceLocation)
        // A trap would end with a signal (status ≥ 128 from a shell, or a crash report on stderr).
        #expect(r.status < 128, sourceLocation: sourceLocation)
        #expect(!r.stderr.contains("Fatal error"), sourceLocation: sourceLocation)
        let lines = r.stderr.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        #expect(lines.count == 1, "stderr for \(args): \(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.stderr.contains(mentions), "stderr for \(args): \(r.stderr)", sourceLocation: sourceLocation)
    }

    @Test func unknownCatalogIdSuggestsNearest() throws {
        try expectOneLineFailure(["inspect", "zoo:resnet5"], mentions: "did you mean 'resnet50'")
        try expectOneLineFailure(["inspect", "zoo:mobilenet_v9"], mentions: "did you mean 'mobilenet_v")
    }

    @Test func badParameterValues() throws {
        try expectOneLineFailure(["inspect", "zoo:mobilenet_v2?width=-1"], mentions: "width=-1")
        try expectOneLineFailure(["inspect", "zoo:mobilenet_v2?input=0"], mentions: "input=0")
        try expectOneLineFailure(["inspect", "zoo:mobilenet_v2?colour=red"], mentions: "has no parameter 'colour'")
        try expectOneLineFailure(["inspect", "zoo:llama-3.2-1b?context=0"], mentions: "context=0")
        try expectOneLineFailure(["inspect", "zoo:resnet50?input=abc"], mentions: "input=abc")
        try expectOneLineFailure(["inspect", "zoo:"], mentions: "malformed")
    }

    @Test func missingFileAndBadFlags() throws {
        try expectOneLineFailure(["inspect", "/nonexistent/model.onnx"], mentions: "no such file")
        try expectOneLineFailure(["inspect", "resnet50"], mentions: "did you mean 'zoo:resnet50'")
        try expectOneLineFailure(["inspect", "zoo:resnet50", "--batch", "0"], mentions: "--batch")
    }

    @Test func notAModelFile() throws {
        let dir = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let f = dir.appendingPathComponent("notes.txt")
        try Data("hello, this is not a model\n".utf8).write(to: f)
        try expectOneLineFailure(["inspect", f.path], mentions: "not an ONNX, TFLite, GGUF or safetensors file")
    }
}
