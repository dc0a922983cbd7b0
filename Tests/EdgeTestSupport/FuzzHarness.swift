import EdgeIR
import Foundation

/// Runs seeded mutations of real files through an importer and tallies how each case ended.
///
/// A case must end in a clean error or a valid model; anything else (a wrong error type, a case that
/// takes longer than `slowCase`) is a failure reported with its seed and mutation so it can be
/// replayed. Each case is written to one file in shared memory (`/dev/shm/edgewise-fuzz-<format>-<pid>.current`)
/// and imported from there: if the process dies, that file is the crashing input to keep under
/// `Tests/<Target>/Regressions/<format>/`.
public struct FuzzHarness {
    public enum Outcome: Sendable { case rejected, accepted, wrong(String) }

    public struct Report: Sendable, CustomStringConvertible {
        public var cases = 0
        public var rejected = 0
        public var accepted = 0
        public var failures: [String] = []
        public var seconds = 0.0
        public var casesPerSecond: Double { seconds > 0 ? Double(cases) / seconds : 0 }
        public var description: String {
            "\(cases) cases (\(rejected) rejected, \(accepted) accepted, \(failures.count) failures) in "
                + String(format: "%.1f s = %.0f cases/s", seconds, casesPerSecond)
        }
    }

    public let format: String
    /// Seconds one case may take: a hang guard, generous because CI machines are shared and loaded.
    public var slowCase: Double = 15.0

    public init(format: String) { self.format = format }

    /// How many cases to run per format: `EDGEWISE_FUZZ_CASES`, else `default`.
    public static func caseCount(default d: Int) -> Int {
        if let s = ProcessInfo.processInfo.environment["EDGEWISE_FUZZ_CASES"], let n = Int(s), n > 0 { return n }
        return d
    }

    /// Mutates each original `casesEach` times (seeded by `seed` and the file's index) and classifies
    /// every case with `body`.
    public func run(originals: [(name: String, bytes: [UInt8])], casesEach: Int, seed: UInt64,
                    _ body: (MappedFile) -> Outcome) -> Report {
        var report = Report()
        // The process id keeps concurrent test runs (several worktrees on one machine) from truncating
        // each other's mapped case, which would end the reader with SIGBUS.
        let current = "\(InMemoryFile.directory)/edgewise-fuzz-\(format)-\(getpid()).current"
        let start = Date()
        for (k, original) in originals.enumerated() {
            var mutator = Mutator(original: original.bytes, seed: seed &+ UInt64(k) &* 0x1000_0001)
            for i in 0..<casesEach {
                let (bytes, what) = mutator.next()
                let t0 = Date()
                let outcome: Outcome
                do {
                    // The previous case's map is gone (its model was dropped), so rewriting is safe.
                    let file = try InMemoryFile.map(bytes, at: current, keep: true)
                    outcome = body(file)
                } catch {
                    outcome = .wrong("could not map the case: \(error)")
                }
                let dt = Date().timeIntervalSince(t0)
                report.cases += 1
                switch outcome {
                case .rejected: report.rejected += 1
                case .accepted: report.accepted += 1
                case .wrong(let why):
                    report.failures.append("\(original.name) seed \(seed) case \(i) [\(what)]: \(why)")
                }
                if dt > slowCase {
                    report.failures.append("\(original.name) seed \(seed) case \(i) [\(what)]: took \(String(format: "%.2f", dt)) s")
                }
            }
        }
        report.seconds = Date().timeIntervalSince(start)
        try? FileManager.default.removeItem(atPath: current)
        return report
    }
}
