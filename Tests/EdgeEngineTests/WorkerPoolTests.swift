import Dispatch
import EdgeIR
import EdgeTestSupport
import Foundation
import Synchronization
import Testing
@testable import EdgeEngine

/// The persistent worker pool (ck_workers.c behind ``WorkerPool``) and the plan-level threading choice.
///
/// Parts write only their own slot of a counter buffer, as split kernels write disjoint outputs; a
/// count of 1 per part and job shows that every part ran exactly once. Serialized: the thread-count
/// checks count this process's pool threads by name, so no other test of this suite may create pools
/// meanwhile.
@Suite(.serialized) struct WorkerPoolTests {
    static let cores = ProcessInfo.processInfo.activeProcessorCount

    /// Slots the parts increment (each part its own), shared with the pool's threads.
    final class Counters: @unchecked Sendable {
        let p: UnsafeMutablePointer<Int>
        let count: Int
        init(_ count: Int) { self.count = count; p = .allocate(capacity: count); p.initialize(repeating: 0, count: count) }
        deinit { p.deallocate() }
        var values: [Int] { Array(UnsafeBufferPointer(start: p, count: count)) }
    }

    /// Threads of this process named "edgewise-pool" (the helpers set that name).
    static func poolThreads() -> Int {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        return tasks.filter { (try? String(contentsOfFile: "/proc/self/task/\($0)/comm", encoding: .utf8))?.hasPrefix("edgewise-pool") == true }.count
    }

    @Test(arguments: [0 as Int64, WorkerPool.defaultSpinNanoseconds])
    func everyPartRunsExactlyOnce(spin: Int64) {
        // spin 0: helpers park after every job, so each job goes through the futex wake-up path.
        let pool = WorkerPool(helpers: 3, spinNanoseconds: spin)
        #expect(pool.helpers == 3)
        for parts in [2, 3, 4, 5, 64] {
            let jobs = 300
            let c = Counters(parts)
            var onCaller = 0
            for _ in 0..<jobs { onCaller += pool.run(parts) { c.p[$0] += 1 } }
            #expect(c.values == Array(repeating: jobs, count: parts), "parts \(parts)")
            #expect(onCaller <= parts * jobs)
        }
    }

    /// 20,000 jobs of two parts that do almost nothing: the hand-off itself is what runs, so races in
    /// claiming or completion would show as a wrong count (or a hang).
    @Test func tinyBodies() {
        let pool = WorkerPool(helpers: 1)
        let jobs = 20_000
        let c = Counters(2)
        var onCaller = 0
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<jobs { onCaller += pool.run(2) { c.p[$0] += 1 } }
        let ns = DispatchTime.now().uptimeNanoseconds - start
        #expect(c.values == [jobs, jobs])
        #expect(onCaller <= 2 * jobs)
        print("WorkerPoolTests.tinyBodies: \(Double(ns) / Double(jobs)) ns per 2-part job (measured, on this host); helper ran \(2 * jobs - onCaller) of \(2 * jobs) parts")
    }

    /// A helper really runs parts: part 0 waits (up to 10 s, so a broken pool fails instead of hanging)
    /// until part 1 has started; the caller cannot run both, so part 1 ran on a helper thread.
    @Test func helperRunsAPartWhileTheCallerWaits() {
        let pool = WorkerPool(helpers: 1)
        final class Flags: Sendable { let part1Started = Atomic<Bool>(false); let part1Elsewhere = Atomic<Bool>(false) }
        let flags = Flags()
        let caller = pthread_self()
        pool.run(2) { part in
            if part == 1 {
                flags.part1Elsewhere.store(pthread_equal(pthread_self(), caller) == 0, ordering: .relaxed)
                flags.part1Started.store(true, ordering: .releasing)
            } else {
                let deadline = DispatchTime.now().uptimeNanoseconds + 10_000_000_000
                while !flags.part1Started.load(ordering: .acquiring), DispatchTime.now().uptimeNanoseconds < deadline { sched_yield() }
            }
        }
        let started = flags.part1Started.load(ordering: .acquiring), elsewhere = flags.part1Elsewhere.load(ordering: .relaxed)
        #expect(started)
        #expect(elsewhere)
    }

    @Test func nestedCallsRunInline() {
        let pool = WorkerPool(helpers: 2)
        let c = Counters(4 * 3)
        let inner = Counters(4)
        for _ in 0..<200 {
            pool.run(4) { outer in
                // The pool is busy with the outer job: the inner one runs on this thread, all 3 parts.
                inner.p[outer] = pool.run(3) { c.p[outer * 3 + $0] += 1 }
            }
            #expect(inner.values == [3, 3, 3, 3])
        }
        #expect(c.values == Array(repeating: 200, count: 12))
    }

    @Test func concurrentCallersShareOnePool() {
        let pool = WorkerPool(helpers: 1)
        let c = Counters(4 * 3)
        DispatchQueue.concurrentPerform(iterations: 4) { t in
            for _ in 0..<500 { pool.run(3) { c.p[t * 3 + $0] += 1 } }
        }
        #expect(c.values == Array(repeating: 500, count: 12))
    }

    @Test func shutdownJoinsHelpersAndLaterRunsAreInline() {
        let before = Self.poolThreads()
        var pools: [WorkerPool] = (0..<10).map { _ in WorkerPool(helpers: 3) }
        #expect(Self.poolThreads() == before + 30)
        let c = Counters(3)
        for p in pools { p.run(3) { c.p[$0] += 1 } }
        #expect(c.values == [10, 10, 10])
        pools[0].shutdown()
        #expect(pools[0].helpers == 0)
        #expect(Self.poolThreads() == before + 27)
        #expect(pools[0].run(3) { c.p[$0] += 1 } == 3)  // inline: every part on the caller
        pools[0].shutdown()  // idempotent
        pools.removeAll()  // deinit stops and joins the rest
        #expect(Self.poolThreads() == before)
        #expect(c.values == [11, 11, 11])
    }

    @Test func singleModeRunsPartsOnTheCaller() {
        let me = pthread_self()
        let threads = UnsafeMutablePointer<pthread_t>.allocate(capacity: 4)
        defer { threads.deallocate() }
        IntraOp.withMode(.single) {
            #expect(IntraOp.currentMode == .single)
            IntraOp.run(4) { threads[$0] = pthread_self() }
            // A chooser inside a single-threaded run calls with one part and does not count the call.
            let chooser = SplitChooser(candidate: 2)
            for _ in 0..<10 { chooser.measure { #expect($0 == 1) } }
            #expect(chooser.next == 1)
        }
        #expect(IntraOp.currentMode == .unset)
        #expect((0..<4).allSatisfy { pthread_equal(threads[$0], me) != 0 })
    }

    /// The model-level policy on a synthetic clock: single runs take 100 ns, split runs `split` ns.
    @Test func threadingChooserFollowsWholeRunTimes() {
        final class Clock { var now: UInt64 = 0 }
        let clock = Clock(), t = ThreadingChooser()
        func runs(_ n: Int, split: UInt64) -> [Bool] {
            (0..<n).map { _ in t.measure(clock: { clock.now }) { s in clock.now += s ? split : 100; return s } }
        }
        // Warm-up (6 = 2 · SplitChooser.trials): split runs, not measured — a slow split here decides nothing.
        #expect(runs(ThreadingChooser.warmup, split: 10_000) == Array(repeating: true, count: 6))
        // Probes alternate single and split; 3 · 80 = 240 < 0.95 · 3 · 100 = 285, so split is kept.
        #expect(runs(6, split: 80) == [false, true, false, true, false, true])
        #expect(t.chosen)
        #expect(runs(ThreadingChooser.period - 6, split: 80).allSatisfy { $0 })
        // Next round: 3 · 96 = 288 ≥ 285 — a split less than 5 % faster is dropped.
        #expect(runs(6, split: 96) == [false, true, false, true, false, true])
        #expect(!t.chosen)
        #expect(runs(ThreadingChooser.period - 6, split: 96).allSatisfy { !$0 })
        // Load changes: the round after finds split faster again (3 · 50 = 150 < 285).
        _ = runs(6, split: 50)
        #expect(t.chosen && t.next)
    }

    /// 1·16·32·32 → Conv(32, 3×3, pad 1) → Relu: 32·32·32·16·9 = 4,718,592 multiply-adds, a split candidate.
    static func convGraph(_ rng: inout SeededRNG) throws -> (Graph, w: [Float], b: [Float]) {
        var g = GraphBuilder(name: "conv")
        let w = (0..<(32 * 16 * 9)).map { _ in rng.float(-0.5, 0.5) }, bias = (0..<32).map { _ in rng.float(-0.5, 0.5) }
        let x = g.input("x", .float32, Shape([1, 16, 32, 32]))
        let wn = g.weight("w", .float32, Shape([32, 16, 3, 3]), storage: .memory(w.withUnsafeBytes { Array($0) }))
        let bn = g.weight("b", .float32, Shape([32]), storage: .memory(bias.withUnsafeBytes { Array($0) }))
        var y = try g.apply(.conv, [x, wn, bn], ["pads": .ints([1, 1, 1, 1])], name: "conv")
        y = try g.apply(.relu, [y], name: "relu")
        g.output(y)
        return (try g.finish(), w, bias)
    }

    /// Many plans with two threads share the engine's one pool (no thread per plan) and give the same
    /// bits as a single-threaded plan in every run, whichever mode the plan's chooser picks.
    @Test func manyPlansShareThePoolAndAgreeBitForBit() throws {
        var rng = SeededRNG(seed: 7)
        let (graph, w, bias) = try Self.convGraph(&rng)
        let xv = (0..<(16 * 32 * 32)).map { _ in rng.float(-1, 1) }
        let x = HostTensor(dtype: .float32, shape: [1, 16, 32, 32])
        x.storage.pointer.copyMemory(from: xv, byteCount: xv.count * 4)
        let one = try ExecutionPlan(graph: graph, options: EngineOptions(threads: 1))
        #expect(one.threading == nil)
        let want = try one.run(["x": x]).values.first!.floats()
        // Anchor y[0, 5, 7, 9] = relu(b[5] + Σ_{c,i,j} w[5,c,i,j] · x[c, 6+i, 8+j]) in double precision.
        var s = Double(bias[5])
        for c in 0..<16 { for i in 0..<3 { for j in 0..<3 { s += Double(w[((5 * 16 + c) * 3 + i) * 3 + j]) * Double(xv[(c * 32 + 6 + i) * 32 + 8 + j]) } } }
        #expect(abs(Double(want[(5 * 32 + 7) * 32 + 9]) - max(0, s)) <= 1e-5 * (1 + abs(s)))
        let before = Self.poolThreads()
        var plans: [ExecutionPlan] = []
        for _ in 0..<30 { plans.append(try ExecutionPlan(graph: graph, options: EngineOptions(threads: 2))) }
        for plan in plans {
            #expect(plan.threading != nil)
            for _ in 0..<3 { #expect(try plan.run(["x": x]).values.first!.floats().map(\.bitPattern) == want.map(\.bitPattern)) }
        }
        // Past warm-up and the probes of both modes (6 + 6 runs), results are still the same bits.
        for _ in 0..<15 { #expect(try plans[0].run(["x": x]).values.first!.floats().map(\.bitPattern) == want.map(\.bitPattern)) }
        // At most the shared pool's helpers appeared (it is created on first use), none per plan.
        #expect(Self.poolThreads() <= max(before, Self.cores - 1))
    }
}

