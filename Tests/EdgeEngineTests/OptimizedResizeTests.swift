import EdgeIR
import EdgeTestSupport
import Testing
@testable import EdgeEngine

/// Optimized Resize against the reference Resize (the specification): seeded inputs, sentinel-filled
/// outputs, ragged shapes; nearest bit for bit, linear within Float rounding of the reference's Double sums.
@Suite struct OptimizedResizeTests {
    struct Case {
        let shape: [Int]
        let mode: String
        let coord: String
        let nearest: String?
        /// Either scales (float) or sizes (int64), as Resize-13's inputs 2 and 3.
        let scales: [Float]?
        let sizes: [Int]?
        let out: [Int]
    }

    static let cases: [Case] = [
        // PP-OCR det's FPN: nearest, asymmetric, floor, ×2 / ×4 (runs of copies, repeated rows).
        Case(shape: [1, 3, 5, 7], mode: "nearest", coord: "asymmetric", nearest: "floor", scales: [1, 1, 2, 2], sizes: nil, out: [1, 3, 10, 14]),
        Case(shape: [2, 2, 3, 5], mode: "nearest", coord: "asymmetric", nearest: "floor", scales: [1, 1, 4, 4], sizes: nil, out: [2, 2, 12, 20]),
        // ×3 and width only.
        Case(shape: [1, 4, 3, 3], mode: "nearest", coord: "asymmetric", nearest: "floor", scales: [1, 1, 3, 3], sizes: nil, out: [1, 4, 9, 9]),
        Case(shape: [1, 2, 5, 6], mode: "nearest", coord: "asymmetric", nearest: "floor", scales: [1, 1, 1, 2], sizes: nil, out: [1, 2, 5, 12]),
        // Non-integer ratios: a gathered column table, rows not all repeated; downsampling.
        Case(shape: [1, 3, 7, 9], mode: "nearest", coord: "half_pixel", nearest: "round_prefer_floor", scales: nil, sizes: [1, 3, 11, 13], out: [1, 3, 11, 13]),
        Case(shape: [1, 3, 7, 9], mode: "nearest", coord: "half_pixel", nearest: "round_prefer_ceil", scales: nil, sizes: [1, 3, 4, 5], out: [1, 3, 4, 5]),
        Case(shape: [1, 1, 6, 5], mode: "nearest", coord: "align_corners", nearest: "ceil", scales: nil, sizes: [1, 1, 9, 3], out: [1, 1, 9, 3]),
        // Linear: half_pixel (clamped edges), align_corners, asymmetric, pytorch_half_pixel, down and up.
        Case(shape: [1, 2, 5, 6], mode: "linear", coord: "half_pixel", nearest: nil, scales: nil, sizes: [1, 2, 11, 13], out: [1, 2, 11, 13]),
        Case(shape: [2, 3, 4, 4], mode: "linear", coord: "align_corners", nearest: nil, scales: nil, sizes: [2, 3, 7, 9], out: [2, 3, 7, 9]),
        Case(shape: [1, 3, 8, 10], mode: "linear", coord: "asymmetric", nearest: nil, scales: [1, 1, 2, 2], sizes: nil, out: [1, 3, 16, 20]),
        Case(shape: [1, 2, 9, 11], mode: "linear", coord: "pytorch_half_pixel", nearest: nil, scales: nil, sizes: [1, 2, 4, 6], out: [1, 2, 4, 6]),
        Case(shape: [1, 1, 1, 5], mode: "linear", coord: "half_pixel", nearest: nil, scales: nil, sizes: [1, 1, 3, 8], out: [1, 1, 3, 8]),
        // Rank 3 (resizes the last two axes).
        Case(shape: [3, 5, 4], mode: "linear", coord: "half_pixel", nearest: nil, scales: [1, 2, 3], sizes: nil, out: [3, 10, 12]),
    ]

    static func node(_ c: Case, cubic: Bool = false, coord: String? = nil) -> (Node, [HostTensor?]) {
        var attrs: [String: Attribute] = ["mode": .string(cubic ? "cubic" : c.mode),
                                          "coordinate_transformation_mode": .string(coord ?? c.coord)]
        if let n = c.nearest { attrs["nearest_mode"] = .string(n) }
        let scales = c.scales.map { OptimizedCheck.tensor($0, [$0.count]) }
        let sizes = c.sizes.map { HostTensor(int64: $0.map(Int64.init), shape: [$0.count]) }
        let node = Node(name: "resize", op: .resize, inputs: ["x", "", scales == nil ? "" : "scales", sizes == nil ? "" : "sizes"],
                        outputs: ["y"], attributes: attrs)
        return (node, [nil, nil, scales, sizes])
    }

    @Test func matchesReference() throws {
        var rng = SeededRNG(seed: 77)
        for c in Self.cases {
            let x = OptimizedCheck.random(c.shape, &rng)
            var (node, inputs) = Self.node(c)
            inputs[0] = x
            let ctx = OptimizedCheck.context(node, inputs: inputs, output: c.out, constant: [2, 3])
            let k = try #require(try OptimizedResize.make(ctx, upsample: false), "\(c.mode) \(c.coord) \(c.shape)")
            let got = try OptimizedCheck.run(k, inputs, output: c.out)
            let want = try OptimizedCheck.reference(node, inputs, output: c.out, constant: [2, 3])
            #expect(!got.contains(OptimizedCheck.sentinel), "\(c.shape) → \(c.out)")
            if c.mode == "nearest" {
                #expect(got.map(\.bitPattern) == want.map(\.bitPattern), "\(c.coord) \(c.shape) → \(c.out)")
            } else {
                // |inputs| ≤ 1, convex weights: Float rounding of two two-term blends stays below ~4 ulp(1) ≈ 5e-7.
                #expect(OptimizedCheck.mismatch(got, want, tol: 1e-6) == nil, "\(c.coord) \(c.shape) → \(c.out)")
            }
        }
    }

    /// Upsample (opset 9: scales as input 1, nearest, asymmetric floor) takes the same path.
    @Test func upsampleMatchesReference() throws {
        var rng = SeededRNG(seed: 78)
        let x = OptimizedCheck.random([1, 3, 4, 5], &rng)
        let scales = OptimizedCheck.tensor([1, 1, 2, 3], [4])
        let node = Node(name: "up", op: "Upsample", inputs: ["x", "scales"], outputs: ["y"], attributes: ["mode": .string("nearest")])
        let out = [1, 3, 8, 15]
        let ctx = OptimizedCheck.context(node, inputs: [x, scales], output: out, constant: [1])
        let k = try #require(try OptimizedResize.make(ctx, upsample: true))
        let got = try OptimizedCheck.run(k, [x, scales], output: out)
        let want = try OptimizedCheck.reference(node, [x, scales], output: out, constant: [1])
        #expect(got.map(\.bitPattern) == want.map(\.bitPattern))
    }

    /// Cubic (four taps), tf_crop_and_resize (extrapolated points) and run-time scales go to the reference.
    @Test func declinesWhatItDoesNotHandle() throws {
        let c = Self.cases[7]
        var (cubic, inputs) = Self.node(c, cubic: true)
        inputs[0] = HostTensor([Float](repeating: 0, count: c.shape.reduce(1, *)), shape: c.shape)
        #expect(try OptimizedResize.make(OptimizedCheck.context(cubic, inputs: inputs, output: c.out, constant: [2, 3]), upsample: false) == nil)
        let (crop, _) = Self.node(c, coord: "tf_crop_and_resize")
        #expect(try OptimizedResize.make(OptimizedCheck.context(crop, inputs: inputs, output: c.out, constant: [2, 3]), upsample: false) == nil)
        let (linear, _) = Self.node(c)
        #expect(try OptimizedResize.make(OptimizedCheck.context(linear, inputs: inputs, output: c.out, constant: []), upsample: false) == nil)
    }
}
