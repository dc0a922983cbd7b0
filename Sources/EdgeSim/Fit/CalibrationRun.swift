import Foundation

/// One complete calibration: fit on every row, cross-validate, report, and the parameter file.
public struct CalibrationRun: Sendable {
    public enum CrossValidation: String, Sendable, CaseIterable {
        /// Each row predicted by a fit without it.
        case leaveOneOut = "loo"
        /// k random folds.
        case kFold = "kfold"
        /// No cross-validation (fast).
        case none
    }

    public var values: [Double]
    public var report: CalibrationReport
    public var parameters: FittedParameters

    /// Fits the built-in calibration rows on `catalog` (the built-in devices by default).
    /// Model-held-out predictions (every row of a model left out together) are added when `modelHeldOut`.
    public static func run(catalog: DeviceCatalog? = nil, cv: CrossValidation = .leaveOneOut, folds: Int = 10,
                           modelHeldOut: Bool = true) throws -> CalibrationRun {
        let cases = try CalibrationSet.load()
        let cal = try Calibrator(cases: cases, catalog: catalog ?? DeviceCatalog.load())
        let values = cal.fit()
        var cvPred: [Double]?
        switch cv {
        case .leaveOneOut: cvPred = cal.crossValidate(full: values)
        case .kFold: cvPred = cal.crossValidate(full: values, folds: max(2, folds))
        case .none: cvPred = nil
        }
        let held = modelHeldOut ? cal.crossValidateByModel(full: values) : nil
        let method = cv == .kFold ? "\(folds)-fold" : cv.rawValue
        let report = cal.report(values: values, crossValidated: cvPred, modelHeldOut: held, cvMethod: method)
        let note = "Fitted by `edgewise calibrate` on \(cases.count) rows of edge_measurements.csv; cross-validation: \(method)."
        return CalibrationRun(values: values, report: report, parameters: cal.fittedParameters(values: values, report: report, note: note))
    }
}
