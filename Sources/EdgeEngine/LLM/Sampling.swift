/// Choosing the next token from logits.
public enum Sampling {
    /// The index of the largest logit; the lowest index among equal maxima (numpy's `argmax`), and
    /// NaN never wins.
    public static func greedy(_ logits: UnsafeBufferPointer<Float>) -> Int {
        var best = 0
        var bestValue = -Float.infinity
        for (i, v) in logits.enumerated() where v > bestValue {
            best = i
            bestValue = v
        }
        return best
    }
}
