/// A run of changed cells in one row: columns `x ..< x + count` of row `y`.
public struct CellSpan: Hashable, Sendable {
    public var y: Int
    public var x: Int
    public var count: Int

    public init(y: Int, x: Int, count: Int) {
        self.y = y
        self.x = x
        self.count = count
    }
}

/// Frame-to-frame comparison: the backend draws only the cells that changed.
extension CellBuffer {
    /// The runs of cells that differ between `previous` and this buffer, row by row, left to right.
    ///
    /// Only changed cells are reported (unchanged gaps split runs; the terminal layer decides whether jumping or
    /// rewriting is cheaper). A run never starts on the continuation half of a wide character, nor ends on its head,
    /// so every run can be drawn on its own. When there is no previous buffer or its size differs, every row is one
    /// run (a full redraw).
    /// - Complexity: O(width × height) cell comparisons; appends to `spans` without other allocation.
    public func diff(from previous: CellBuffer?, into spans: inout [CellSpan]) {
        spans.removeAll(keepingCapacity: true)
        guard let previous, previous.width == width, previous.height == height else {
            for y in 0..<height where width > 0 { spans.append(CellSpan(y: y, x: 0, count: width)) }
            return
        }
        cells.withUnsafeBufferPointer { new in
            previous.cells.withUnsafeBufferPointer { old in
                for y in 0..<height {
                    let row = y * width
                    var x = 0
                    while x < width {
                        if new[row + x] == old[row + x] {
                            x += 1
                            continue
                        }
                        var start = x
                        if new[row + start].width == 0 && start > 0 { start -= 1 }
                        var end = x + 1
                        while end < width && new[row + end] != old[row + end] { end += 1 }
                        if new[row + end - 1].width == 2 && end < width { end += 1 }
                        if let last = spans.last, last.y == y, last.x + last.count >= start {
                            spans[spans.count - 1].count = end - last.x  // touching after wide-char widening
                        } else {
                            spans.append(CellSpan(y: y, x: start, count: end - start))
                        }
                        x = end
                    }
                }
            }
        }
    }

    /// Convenience form of `diff(from:into:)` returning a fresh array.
    public func diff(from previous: CellBuffer?) -> [CellSpan] {
        var spans: [CellSpan] = []
        diff(from: previous, into: &spans)
        return spans
    }
}
