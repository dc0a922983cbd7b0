import EdgeIR

/// The post-processing that ends a deployed single-shot detector: decode every anchor's box, filter
/// scores, non-maximum suppression (TFLite's `TFLite_Detection_PostProcess`, OpenVINO's
/// `DetectionOutput`).
///
/// Catalog detector graphs stop at the raw box and score tensors; the deployed files of SSD and
/// EfficientDet carry this op, and accelerators leave it to the CPU, where its cost grows with the
/// number of anchors × classes (EfficientDet-Lite0 has 19,206 anchors × 90 classes at 320 px). It is
/// appended to a workload when the deployment includes it.
public enum DetectionPostProcess {
    public static let op: OpType = "TFLite_Detection_PostProcess"

    /// Arithmetic per input element (box coordinate or class score): sigmoid, threshold compare,
    /// box decode and the sort/NMS passes, counted as ten operations.
    public static let opsPerElement = 10.0
}

extension Workload {
    /// The workload with detection post-processing appended: it reads every graph output (boxes and
    /// scores) and writes the kept detections (100 × 6 values).
    public func appendingDetectionPostProcess() -> Workload {
        var w = self
        let inputs = outputProducers
        let elements = inputs.reduce(0.0) { $0 + $1.elements }
        let out = 100.0 * 6 * Double(batch)
        w.layers.append(Layer(name: "detection_postprocess", op: DetectionPostProcess.op, kind: .postprocess, macs: 0,
                              otherFlops: elements * DetectionPostProcess.opsPerElement, parameters: 0, storedWeightBytes: 0,
                              paramsRead: 0, storedWeightTraffic: 0, inputElements: elements, outputElements: out,
                              producers: inputs, fusible: false, supportOpID: w.supportOps.count))
        w.supportOps.append(DetectionPostProcess.op)
        w.outputProducers = [(w.layers.count - 1, out)]
        w.outputElements = out
        w.name += " + detection post-processing"
        return w
    }
}
