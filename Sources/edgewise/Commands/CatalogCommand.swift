import ArgumentParser
import EdgeIR
import EdgeZoo
import Foundation

/// `edgewise catalog`: the built-in architectures with computed and published figures.
struct CatalogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog",
        abstract: "List the built-in model catalog.")

    @Flag(help: "Emit JSON (schema edgewise.catalog, version 1).")
    var json = false

    @Flag(help: "Emit the Markdown table README.md embeds.")
    var markdown = false

    @Option(help: "Only entries of this task (classification, detection, llm, …).")
    var task: String?

    func run() throws {
        var entries = Zoo.entries
        if let task {
            guard ZooTask(rawValue: task) != nil else {
                throw CLIError("unknown task '\(task)'; one of " + ZooTask.allCases.map(\.rawValue).joined(separator: ", "))
            }
            entries = entries.filter { $0.task.rawValue == task }
        }
        let rows = try entries.map(CatalogRow.init)
        if json {
            let enc = JSONEncoder()
            enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            FileHandle.standardOutput.write(try enc.encode(CatalogDocument(entries: rows)))
            print()
        } else if markdown {
            print(CatalogRow.markdown(rows))
        } else {
            var t = TextTable([("id", .left), ("family", .left), ("task", .left), ("params", .right), ("GMACs", .right),
                               ("published", .left), ("parameters", .left)])
            for r in rows {
                t.add([r.id, r.family, r.task, Format.si(r.parameters), String(format: "%.3f", r.gmacs),
                       r.published.map { p in [p.parameters.map { Format.si($0) }, p.gmacs.map { String(format: "%.3g G", $0) }]
                           .compactMap { $0 }.joined(separator: " / ") } ?? "—",
                       r.parameterNames.joined(separator: ",")])
            }
            print(t.render())
            print("\n\(rows.count) entries. Figures computed at default parameters, batch 1; `published` = figure from the cited source.")
        }
    }
}

/// The `edgewise.catalog` JSON document.
struct CatalogDocument: Encodable {
    let schema = "edgewise.catalog"
    let schemaVersion = 1
    let entries: [CatalogRow]
}

/// One catalog entry with its figures computed at default parameters.
struct CatalogRow: Encodable {
    struct Published: Encodable {
        let parameters: Int?
        let gmacs: Double?
        let source: String
        /// The published count includes BatchNorm running statistics (compare with parameters + bufferElements).
        let countsBuffers: Bool
    }

    struct Parameter: Encodable {
        let name: String
        let defaultValue: String
        let accepted: String
        let help: String
    }

    let id: String
    let family: String
    let task: String
    let summary: String
    let parameters: Int
    /// BatchNorm running-statistic elements (not parameters; Keras counts them).
    let bufferElements: Int
    let gmacs: Double
    let weightBytes: Int
    let peakActivationBytes: Int
    let published: Published?
    let options: [Parameter]

    var parameterNames: [String] { options.map(\.name) }

    init(_ e: ZooEntry) throws {
        let m = try Zoo.model("zoo:" + e.id)
        let g = m.graph
        let symbols = Set(g.inputSymbols)
        let report = try g.costReport(bindings: ["N": 1].filter { symbols.contains($0.key) })
        id = e.id
        family = e.family
        task = e.task.rawValue
        summary = e.summary
        parameters = report.total.parameters
        bufferElements = report.bufferElements
        gmacs = Double(report.total.macs) / 1e9
        weightBytes = report.total.weightBytes
        peakActivationBytes = report.peakActivationBytes
        published = e.published.map {
            Published(parameters: $0.parameters, gmacs: $0.gmacs, source: $0.source, countsBuffers: $0.countsBuffers)
        }
        options = e.parameters.map { Parameter(name: $0.name, defaultValue: $0.defaultValue, accepted: $0.accepted, help: $0.help) }
    }

    static func markdown(_ rows: [CatalogRow]) -> String {
        var lines = ["| id | family | task | params | GMACs | published (params / GMACs) | parameters |",
                     "|---|---|---|---:|---:|---|---|"]
        for r in rows {
            let pub = r.published.map { p in
                [p.parameters.map { Format.si($0) + (p.countsBuffers ? " (incl. BN statistics)" : "") }, p.gmacs.map { String(format: "%.3g", $0) }].compactMap { $0 }.joined(separator: " / ")
            } ?? "—"
            lines.append("| `\(r.id)` | \(r.family) | \(r.task) | \(Format.si(r.parameters)) | \(String(format: "%.3f", r.gmacs)) | \(pub) | \(r.parameterNames.joined(separator: ", ")) |")
        }
        return lines.joined(separator: "\n")
    }
}
