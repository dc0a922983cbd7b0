import EdgeIR
@testable import EdgeZoo

/// Helpers for the catalog-figure suites (TinyML, sequence, LLM): build a reference, validate it and
/// cost it; compare with a published figure.
enum CatalogFigures {
    /// Builds `reference`, checks `graph.validate()`, and returns its cost report.
    static func report(_ reference: String) throws -> CostReport {
        let model = try Zoo.model(reference)
        try model.graph.validate()
        return try model.graph.costReport()
    }

    static func graph(_ reference: String) throws -> Graph {
        try Zoo.model(reference).graph
    }

    /// |actual − expected| / expected.
    static func relativeError(_ actual: Int, _ expected: Double) -> Double {
        abs(Double(actual) - expected) / expected
    }

    /// True when `actual` is within `tolerance` (a fraction) of `expected`.
    static func within(_ actual: Int, _ expected: Double, _ tolerance: Double) -> Bool {
        relativeError(actual, expected) <= tolerance
    }

    /// True when resolving `reference` fails with a ``ZooError``.
    static func rejects(_ reference: String) -> Bool {
        do {
            _ = try Zoo.resolve(reference)
            return false
        } catch is ZooError {
            return true
        } catch {
            return false
        }
    }
}
