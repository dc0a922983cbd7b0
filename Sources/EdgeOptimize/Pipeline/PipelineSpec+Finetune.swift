/// The `finetune` and `distill` pipeline steps in YAML.
///
/// ```yaml
/// steps:
///   - prune: {method: "n:m", pattern: "2:4", exclude: [conv1]}
///   - finetune: {epochs: 5, lr: 0.01, optimizer: sgd}          # labelled calibration set, 2:4 mask kept
///   - distill: {epochs: 5, lr: 0.01, temperature: 4, alpha: 0.7} # teacher: the model before the pipeline
///   - quantize: {precision: int8}
/// ```
extension TrainingSettings {
    static let yamlKeys = ["epochs", "steps", "lr", "optimizer", "batch_size", "momentum", "weight_decay", "seed", "keep_zeros",
                           "temperature", "alpha"]

    init(yaml: YAMLValue, distill: Bool) throws {
        let m = try yaml.mapping(allowed: distill ? Self.yamlKeys : Array(Self.yamlKeys.dropLast(2)))
        self.init(distill: distill)
        if let v = m["epochs"] { epochs = try v.int(in: 1...100_000, what: "epochs") }
        if let v = m["steps"] {
            maxUpdates = try v.int(in: 1...10_000_000, what: "steps")
            if m["epochs"] == nil { epochs = 100_000 }   // the step count decides
        }
        if let v = m["lr"] {
            learningRate = try v.double(what: "lr")
            guard learningRate > 0, learningRate <= 10 else { throw v.error("lr must be in (0, 10], got \(learningRate)") }
        }
        if let v = m["optimizer"] { optimizer = OptimizerKind(rawValue: try v.choice(OptimizerKind.allCases.map(\.rawValue), what: "optimizer"))! }
        if let v = m["batch_size"] { batchSize = try v.int(in: 1...65_536, what: "batch_size") }
        if let v = m["momentum"] {
            momentum = try v.double(what: "momentum")
            guard momentum >= 0, momentum < 1 else { throw v.error("momentum must be in [0, 1), got \(momentum)") }
        }
        if let v = m["weight_decay"] {
            weightDecay = try v.double(what: "weight_decay")
            guard weightDecay >= 0 else { throw v.error("weight_decay must be ≥ 0, got \(weightDecay)") }
        }
        if let v = m["seed"] { seed = UInt64(try v.int(in: 0...Int.max, what: "seed")) }
        if let v = m["keep_zeros"] { keepZeros = try v.bool(what: "keep_zeros") }
        if let v = m["temperature"] {
            temperature = try v.double(what: "temperature")
            guard temperature > 0, temperature <= 100 else { throw v.error("temperature must be in (0, 100], got \(temperature)") }
        }
        if let v = m["alpha"] { alpha = try v.double(in: 0...1, what: "alpha") }
    }

    /// One-line flow mapping with every setting explicit (read back by ``init(yaml:distill:)``).
    var yamlFlow: String {
        var kv = ["epochs: \(epochs)", "lr: \(learningRate)", "optimizer: \(optimizer.rawValue)", "batch_size: \(batchSize)",
                  "momentum: \(momentum)", "weight_decay: \(weightDecay)", "seed: \(seed)", "keep_zeros: \(keepZeros)"]
        if let s = maxUpdates { kv.append("steps: \(s)") }
        if distill { kv += ["temperature: \(temperature)", "alpha: \(alpha)"] }
        return (distill ? "distill" : "finetune") + ": {" + kv.joined(separator: ", ") + "}"
    }
}
