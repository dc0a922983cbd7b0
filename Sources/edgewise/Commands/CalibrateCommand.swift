import ArgumentParser
import EdgeSim
import Foundation

/// `edgewise calibrate`: fit the simulator to the published measurements and report the errors.
struct CalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Fit the simulator's efficiency, overhead and link parameters to published measurements.",
        discussion: """
            Fits physical parameters (per unit class, op kind and precision; per runtime; per link) to the 205 rows of \
            edge_measurements.csv, then prints per-row predictions next to the published values and the error \
            statistics per device family, in sample and cross-validated. --write saves the fitted parameters.
            """)

    @Flag(help: "Print every row: published value, prediction, errors.")
    var report = false

    @Option(help: "Cross-validation: loo (leave one out), kfold, none.")
    var cv: String = "loo"

    @Option(help: "Folds for --cv kfold.")
    var folds: Int = 10

    @Flag(help: "Skip the leave-one-model-out pass.")
    var noModelHoldout = false

    @Option(help: "Write the fitted parameters (JSON) to this path.")
    var write: String?

    @Flag(help: "Emit the report as JSON.")
    var json = false

    func validate() throws {
        guard CalibrationRun.CrossValidation(rawValue: cv) != nil else { throw CLIError("--cv must be loo, kfold or none") }
        guard folds >= 2 else { throw CLIError("--folds must be ≥ 2") }
    }

    func run() throws {
        let run: CalibrationRun
        do {
            run = try CalibrationRun.run(cv: CalibrationRun.CrossValidation(rawValue: cv) ?? .leaveOneOut, folds: folds,
                                         modelHeldOut: !noModelHoldout)
        } catch let e as SimError {
            throw CLIError(e.description)
        } catch let e as DeviceFileError {
            throw CLIError(e.description)
        }
        if let path = write {
            let data = try run.parameters.encoded()
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        }
        if json {
            try SimCLI.printJSON(run.report)
            return
        }
        let r = run.report
        if report {
            var t = TextTable([("id", .left), ("device", .left), ("runtime", .left), ("model", .left), ("published", .right),
                               ("predicted", .right), ("error", .right), ("cv error", .right)])
            for row in r.rows {
                t.add([row.id, row.device, row.runtime, row.model, row.published, CalibrateText.value(row.predicted, row.metric),
                       CalibrateText.pct(row.error), row.cvError.map(CalibrateText.pct) ?? ""])
            }
            print(t.render())
            print()
        }
        var t = TextTable([("family", .left), ("rows", .right), ("MdAPE", .right), ("median signed", .right), ("p90 |err|", .right),
                           ("CV MdAPE", .right), ("CV signed", .right), ("CV band (p10…p90)", .left), ("model held out", .right)])
        func add(_ name: String, _ s: CalibrationReport.Stats) {
            t.add([name, String(s.rows), CalibrateText.abs(s.mdape), CalibrateText.pct(s.medianSigned), CalibrateText.abs(s.p90),
                   s.cvMdape.map(CalibrateText.abs) ?? "", s.cvMedianSigned.map(CalibrateText.pct) ?? "",
                   s.cvLow.map { "\(CalibrateText.pct($0)) … \(CalibrateText.pct(s.cvHigh ?? 0))" } ?? "",
                   s.modelHeldOutMdape.map(CalibrateText.abs) ?? ""])
        }
        for (f, s) in r.families.sorted(by: { $0.key < $1.key }) { add(f, s) }
        add("all", r.overall)
        print("signed error = predicted / published − 1; CV: \(r.cvMethod); model held out: every row of a model left out together")
        print(t.render())
        if let path = write { print("fitted parameters written to \(path)") }
    }
}

enum CalibrateText {
    static func pct(_ x: Double) -> String { x.isFinite ? String(format: "%+.1f%%", x * 100) : "—" }
    static func abs(_ x: Double) -> String { x.isFinite ? String(format: "%.1f%%", x * 100) : "—" }

    static func value(_ v: Double, _ m: CalibrationMetric) -> String {
        switch m {
        case .latency: return Units.time(v)
        case .throughput: return Units.short(v) + "/s"
        case .decode, .prefill: return Units.short(v) + " tok/s"
        }
    }
}
