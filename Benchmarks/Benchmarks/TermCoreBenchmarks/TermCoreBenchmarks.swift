import Benchmark
import TermCore

/// Issue 7's frame budget: a full 200×60 screen of widgets rendered and diffed must take well under 16 ms.
/// Named peer, same run: the same frame diff over a grid of per-cell Strings (the storage `Cell` avoids); compare
/// "diff only" with the peer's "build + diff", and see mallocCountTotal for the allocations per frame.
let benchmarks: @Sendable () -> Void = {
    let config = Benchmark.Configuration(metrics: [.wallClock, .cpuTotal, .mallocCountTotal], maxDuration: .seconds(3))
    let fixture = FrameFixture()

    Benchmark("TermCore 200x60 frame: render all widgets + diff", configuration: config) { benchmark in
        var previous = fixture.frame(tick: 0)
        var spans: [CellSpan] = []
        var tick = 1
        for _ in benchmark.scaledIterations {
            let next = fixture.frame(tick: tick)
            next.diff(from: previous, into: &spans)
            blackHole(spans.count)
            previous = next
            tick += 1
        }
    }

    let a = fixture.frame(tick: 10), b = fixture.frame(tick: 11)
    Benchmark("TermCore 200x60 frame: diff only", configuration: config) { benchmark in
        var spans: [CellSpan] = []
        for _ in benchmark.scaledIterations {
            b.diff(from: a, into: &spans)
            blackHole(spans.count)
        }
    }

    let oldGrid = a.cells.map(\.text)
    Benchmark("peer: String-per-cell grid, build + diff", configuration: config) { benchmark in
        for _ in benchmark.scaledIterations {
            let grid = b.cells.map(\.text)
            var changed = 0
            for i in 0..<grid.count where grid[i] != oldGrid[i] { changed += 1 }
            blackHole(changed)
        }
    }
}
