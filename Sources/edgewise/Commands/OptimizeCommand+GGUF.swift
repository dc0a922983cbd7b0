import EdgeImport
import EdgeIR
import EdgeOptimize
import Foundation

/// `edgewise optimize MODEL.gguf --pipeline P.yaml -o OUT.gguf [--eval TEXT.txt]`: a GGUF decoder
/// re-quantized to one block format, with perplexity and top-token agreement against the source on the
/// evaluation text (llama.cpp's definition, context 512 or the text's length).
extension OptimizeCommand {
    static func isGGUF(_ path: String) -> Bool { path.lowercased().hasSuffix(".gguf") }

    func runGGUF() throws {
        guard Self.isGGUF(out) else { throw CLIError("--out must name a .gguf file for a GGUF model, got '\(out)'") }
        guard calibInputs.isEmpty else { throw CLIError("--calib does not apply to a GGUF model (block formats need no calibration)") }
        guard evalInputs.count <= 1 else { throw CLIError("a GGUF model takes one --eval text file") }
        guard let text = try? String(contentsOfFile: pipeline, encoding: .utf8) else {
            throw CLIError("cannot read pipeline file '\(pipeline)' as UTF-8 text")
        }
        let spec: PipelineSpec
        do {
            spec = try PipelineSpec.parse(yaml: text, file: pipeline)
            _ = try GGUFPipeline.check(spec)
        } catch {
            throw CLIError("\(error)".replacingOccurrences(of: "\n", with: " "))
        }
        var evalText: String?
        if let e = evalInputs.first {
            // Accept FILE or NAME=FILE (the ONNX form).
            let path = e.contains("=") && !FileManager.default.fileExists(atPath: e) ? String(e.split(separator: "=", maxSplits: 1)[1]) : e
            guard let t = try? String(contentsOfFile: path, encoding: .utf8) else { throw CLIError("cannot read evaluation text '\(path)' as UTF-8") }
            evalText = t
        }
        let outURL = URL(fileURLWithPath: out)
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: outURL.deletingLastPathComponent().path, isDirectory: &isDir), isDir.boolValue else {
            throw CLIError("cannot write '\(out)': no such directory '\(outURL.deletingLastPathComponent().path)'")
        }
        let source: GGUFFile
        do {
            source = try GGUFFile(file: try MappedFile(path: model))
        } catch {
            throw CLIError("\(model): not a readable GGUF file: \(error)")
        }
        let report: GGUFPipeline.Report
        do {
            report = try GGUFPipeline.run(spec, source: source, output: outURL, text: evalText)
        } catch {
            throw CLIError("\(error)".replacingOccurrences(of: "\n", with: " "))
        }
        if json {
            let enc = JSONEncoder()
            enc.outputFormatting = [.prettyPrinted, .sortedKeys]
            enc.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            print(String(decoding: try enc.encode(report), as: UTF8.self))
            return
        }
        print("pipeline \(report.pipeline): \(report.summary)")
        var t = TextTable([("#", .right), ("step", .left), ("size before", .right), ("size after", .right), ("weight SQNR dB", .right),
                           ("re-quantized", .right), ("kept", .right), ("time", .right)])
        t.add(["1", report.summary, Format.bytes(report.bytesBefore), Format.bytes(report.bytesAfter), OptimizeText.db(report.weightSQNR),
               String(report.requantized), String(report.kept), String(format: "%.2f s", report.seconds)])
        print(t.render())
        if let e = report.evaluation {
            print("perplexity \(String(format: "%.4f", e.referencePerplexity ?? .nan)) → \(String(format: "%.4f", e.perplexity))"
                  + " (context \(e.context), \(e.chunks) chunk(s), \(e.scoredTokens) scored tokens); same top token "
                  + Format.percent(e.sameTopToken ?? 0) + String(format: ", mean KL %.5f", e.meanKL ?? 0))
        } else {
            print("no --eval text: perplexity not measured")
        }
        print("size \(Format.bytes(report.bytesBefore)) → \(Format.bytes(report.bytesAfter)); written to \(out)")
    }
}
