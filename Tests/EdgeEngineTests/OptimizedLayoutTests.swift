import EdgeIR
import EdgeTestSupport
import Testing
@testable import EdgeEngine

/// Optimized Transpose (coalesced dimensions) against the reference Transpose: seeded inputs,
/// sentinel-filled outputs, ragged shapes with size-1 dimensions, float32 bit for bit.
@Suite struct OptimizedLayoutTests {
    static let cases: [(shape: [Int], perm: [Int]?)] = [
        ([1, 3, 5, 7, 6], [0, 2, 1, 3, 4]),   // ShuffleNet's channel shuffle: H·W runs
        ([2, 5, 7, 3], [0, 3, 1, 2]),         // NHWC → NCHW
        ([2, 3, 5, 7], [0, 2, 3, 1]),         // NCHW → NHWC
        ([4, 1, 9], [2, 1, 0]),               // a size-1 dimension
        ([3, 4, 5], nil),                     // default: reversed
        ([6, 7], [0, 1]),                     // identity: one copy
        ([1, 1, 1], [2, 0, 1]),               // a single element
        ([2, 3, 4, 5, 3], [4, 2, 0, 3, 1]),
    ]

    @Test func transposeMatchesReference() throws {
        var rng = SeededRNG(seed: 51)
        for (shape, perm) in Self.cases {
            let x = OptimizedCheck.random(shape, &rng)
            let p = perm ?? Array((0..<shape.count).reversed())
            let out = p.map { shape[$0] }
            let node = Node(name: "t", op: .transpose, inputs: ["x"], outputs: ["y"],
                            attributes: perm.map { ["perm": .ints($0)] } ?? [:])
            let ctx = OptimizedCheck.context(node, inputs: [x], output: out, constant: [])
            let k = try #require(try OptimizedTranspose.make(ctx))
            let got = try OptimizedCheck.run(k, [x], output: out)
            let want = try OptimizedCheck.reference(node, [x], output: out, constant: [])
            #expect(got.map(\.bitPattern) == want.map(\.bitPattern), "\(shape) perm \(p)")
            #expect(!got.contains(OptimizedCheck.sentinel))
        }
    }

    @Test func coalescing() {
        // Channel shuffle [1, 3, 5, 7, 6] perm 0,2,1,3,4: input strides [630, 210, 42, 6, 1] → output dims
        // [1, 5, 3, 7, 6] with strides [630, 42, 210, 6, 1]; drop the 1, merge 7·6 (6 = 1·6): [5, 3, 42] / [42, 210, 1].
        let c = OptimizedTranspose.coalesce(shape: [1, 5, 3, 7, 6], srcStrides: [630, 42, 210, 6, 1])
        #expect(c.shape == [5, 3, 42])
        #expect(c.srcStrides == [42, 210, 1])
    }
}
