/// How a layout slot claims space along the split axis.
public enum Constraint: Hashable, Sendable {
    /// Exactly `n` cells.
    case fixed(Int)
    /// `p` percent of the available length (rounded down).
    case percentage(Int)
    /// At least `n` cells; grows like `fill(1)` when there is room left.
    case min(Int)
    /// A share, weighted, of what the other constraints leave.
    case fill(Int)
}

/// The direction a rectangle is split in.
public enum Axis: Sendable {
    /// Slots side by side, left to right (the width is divided).
    case horizontal
    /// Slots stacked, top to bottom (the height is divided).
    case vertical
}

extension Rect {
    /// Splits this rectangle into one slot per constraint along `axis`, with `spacing` cells between slots.
    ///
    /// Rules, in order: fixed, percentage and min slots take their base size; if those exceed the available
    /// length, slots are shrunk from the last towards the first (the leading panes of a screen survive longest);
    /// what remains is shared among fill and min slots by weight (min counts as weight 1), leftover cells going one
    /// each to the earliest of them. With no fill or min slot the remainder stays unused at the end.
    ///
    /// - Complexity: O(number of constraints).
    public func split(_ axis: Axis, _ constraints: [Constraint], spacing: Int = 0) -> [Rect] {
        let n = constraints.count
        guard n > 0 else { return [] }
        let length = axis == .horizontal ? width : height
        let available = Swift.max(0, length - Swift.max(0, spacing) * (n - 1))
        var sizes = constraints.map { c -> Int in
            switch c {
            case .fixed(let v), .min(let v): return Swift.max(0, v)
            case .percentage(let p): return available * Swift.min(100, Swift.max(0, p)) / 100
            case .fill: return 0
            }
        }
        var excess = sizes.reduce(0, +) - available
        var i = n - 1
        while excess > 0 && i >= 0 {
            let cut = Swift.min(sizes[i], excess)
            sizes[i] -= cut
            excess -= cut
            i -= 1
        }
        let remainder = Swift.max(0, -excess)
        let weights = constraints.map { c -> Int in
            switch c {
            case .fill(let w): return Swift.max(0, w)
            case .min: return 1
            default: return 0
            }
        }
        let totalWeight = weights.reduce(0, +)
        if totalWeight > 0 && remainder > 0 {
            var given = 0
            for k in 0..<n where weights[k] > 0 {
                let share = remainder * weights[k] / totalWeight
                sizes[k] += share
                given += share
            }
            var left = remainder - given
            for k in 0..<n where weights[k] > 0 && left > 0 {
                sizes[k] += 1
                left -= 1
            }
        }
        var result: [Rect] = []
        result.reserveCapacity(n)
        var pos = axis == .horizontal ? x : y
        let limit = axis == .horizontal ? maxX : maxY
        for k in 0..<n {
            let start = Swift.min(pos, limit)
            let size = Swift.min(sizes[k], limit - start)
            switch axis {
            case .horizontal: result.append(Rect(x: start, y: y, width: size, height: height))
            case .vertical: result.append(Rect(x: x, y: start, width: width, height: size))
            }
            pos += sizes[k] + (k < n - 1 ? Swift.max(0, spacing) : 0)
        }
        return result
    }
}
