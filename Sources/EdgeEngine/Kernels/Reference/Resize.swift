import EdgeIR
import Foundation

/// Resize (every ONNX coordinate transformation, nearest / linear / cubic, antialias, exclude_outside,
/// tf_crop_and_resize) and Upsample; NCHW or TFLite's NHWC.
///
/// Resampling is separable, so it runs one axis at a time: for each resized axis and output position
/// a list of (input index, weight) taps is computed once at plan time, then applied. Taps outside the
/// input clamp to the edge (the ONNX reference pads with edge values); with `exclude_outside` they
/// get weight 0 and the rest are renormalised.
extension ReferenceKernels {
    static let resizing: [OpType: KernelSpec] = [
        .resize: KernelSpec(.floats.union([.int64])) { try makeResize($0, upsample: false) },
        "Upsample": KernelSpec(.floats) { try makeResize($0, upsample: true) },
    ]

    struct AxisTaps {
        let axis: Int
        let outLength: Int
        /// For each output position: taps (index, weight), and whether the position is outside the
        /// crop (tf_crop_and_resize → extrapolation value).
        let taps: [[(Int, Double)]]
        let outside: [Bool]
    }

    /// What a Resize node resolves to at plan time: the tap planner, the taps when every parameter is
    /// constant (nil when scales/sizes/roi arrive at run time), and the attributes the run needs.
    struct ResizeSetup {
        let plan: ([Double]?, [Int]?, [Double]?) throws -> [AxisTaps]
        let fixed: [AxisTaps]?
        let coord: String
        let extrapolation: Double
        let scalesIndex: Int, sizesIndex: Int
    }

    /// Parses a Resize/Upsample node and plans its taps (the specification the optimized kernel shares).
    static func resizeSetup(_ ctx: KernelContext, upsample: Bool) throws -> ResizeSetup {
        let x = ctx.inputShape(0), y = ctx.outputShape(0)
        let r = x.count
        let node = ctx.node
        let legacy = upsample || ctx.opset < 11
        let mode = node.string("mode") ?? "nearest"
        let coord = legacy ? "asymmetric" : (node.string("coordinate_transformation_mode") ?? "half_pixel")
        let nearestMode = legacy ? "floor" : (node.string("nearest_mode") ?? "round_prefer_floor")
        let cubicA = node.float("cubic_coeff_a", default: -0.75)
        let exclude = node.int("exclude_outside", default: 0) != 0
        let antialias = node.int("antialias", default: 0) != 0
        let extrapolation = node.float("extrapolation_value", default: 0)
        let nhwc = node.string("layout") == "NHWC"
        let scalesIndex = upsample || ctx.opset < 11 ? 1 : 2
        var axes = Array(0..<r)
        if let a = node.ints("axes") { axes = a.compactMap { normalizedAxis($0, rank: r) } }
        /// Taps for given parameter values (scales, sizes, roi — any may be nil).
        func plan(_ givenScales: [Double]?, _ givenSizes: [Int]?, _ givenROI: [Double]?) throws -> [AxisTaps] {
        // Scales per axis: given, or output / input.
        var scales = (0..<r).map { x[$0] == 0 ? 1 : Double(y[$0]) / Double(x[$0]) }
        if let given = givenScales, !given.isEmpty {
            if given.count == r { scales = given } else if given.count == axes.count { for (k, a) in axes.enumerated() { scales[a] = given[k] } }
        } else if upsample, let given = node.floats("scales"), given.count == r {
            scales = given
        } else if !upsample, let sizes = givenSizes, let policy = node.string("keep_aspect_ratio_policy"), policy != "stretch" {
            let ax = sizes.count == r ? Array(0..<r) : axes
            let ratios = zip(ax, sizes).map { Double($1) / Double(x[$0]) }
            let s = policy == "not_larger" ? ratios.min() ?? 1 : ratios.max() ?? 1
            for a in ax { scales[a] = s }
        }
        if nhwc, r == 4 { scales[0] = 1; scales[3] = 1 }
        var roi = [Double](repeating: 0, count: 2 * r)
        for k in 0..<r { roi[r + k] = 1 }
        if coord == "tf_crop_and_resize", let given = givenROI {
            if given.count == 2 * r { roi = given } else if given.count == 2 * axes.count {
                for (k, a) in axes.enumerated() { roi[a] = given[k]; roi[r + a] = given[axes.count + k] }
            }
        }

        var passes: [AxisTaps] = []
        for a in 0..<r where !(x[a] == y[a] && scales[a] == 1 && coord != "tf_crop_and_resize") {
            let n = x[a], scale = scales[a]
            // The ONNX formulas use the resized length as a real number: input · scale when scales
            // are given (4 · 0.6 = 2.4), the output size otherwise.
            let outLength = givenScales?.isEmpty == false || (upsample && node.floats("scales") != nil) ? Double(n) * scale : Double(y[a])
            var taps: [[(Int, Double)]] = [], outside: [Bool] = []
            for o in 0..<y[a] {
                let od = Double(o)
                var xo: Double
                switch coord {
                case "half_pixel": xo = (od + 0.5) / scale - 0.5
                case "half_pixel_symmetric":
                    let adjustment = Double(y[a]) / outLength
                    let center = Double(n) / 2
                    xo = center * (1 - adjustment) + (od + 0.5) / scale - 0.5
                case "pytorch_half_pixel": xo = outLength > 1 ? (od + 0.5) / scale - 0.5 : 0
                case "align_corners": xo = outLength == 1 ? 0 : od * Double(n - 1) / (outLength - 1)
                case "asymmetric": xo = od / scale
                case "tf_half_pixel_for_nn": xo = (od + 0.5) / scale
                case "tf_crop_and_resize":
                    let s = roi[a], e = roi[r + a]
                    xo = outLength > 1 ? s * Double(n - 1) + od * (e - s) * Double(n - 1) / (outLength - 1) : 0.5 * (s + e) * Double(n - 1)
                default: throw ctx.unsupported("coordinate_transformation_mode \(coord)")
                }
                outside.append(coord == "tf_crop_and_resize" && (xo < 0 || xo > Double(n - 1)))
                func clamp(_ i: Int) -> Int { Swift.min(Swift.max(i, 0), n - 1) }
                switch mode {
                case "nearest":
                    var i: Int
                    switch nearestMode {
                    case "round_prefer_ceil": i = Int((xo + 0.5).rounded(.down))
                    case "floor": i = Int(xo.rounded(.down))
                    case "ceil": i = Int(xo.rounded(.up))
                    default: i = xo == xo.rounded(.down) + 0.5 ? Int(xo.rounded(.down)) : Int(xo.rounded())
                    }
                    taps.append([(clamp(i), 1)])
                case "linear", "cubic":
                    let cubic = mode == "cubic"
                    let xc = cubic || antialias ? xo : Swift.min(Swift.max(xo, 0), Double(n - 1))
                    let base = Int(xc.rounded(.down)), ratio = xc - Double(base)
                    var list: [(Int, Double)] = []
                    if antialias && scale < 1 {
                        let start = Int(((cubic ? -2 : -1) / scale).rounded(.down)) + 1
                        let footprint = 2 - 2 * start
                        for j in 0..<footprint {
                            let arg = (Double(start + j) - ratio) * scale
                            let w = cubic ? cubicWeight(Swift.abs(arg), cubicA) : Swift.max(0, 1 - Swift.abs(arg))
                            list.append((base + start + j, w))
                        }
                    } else if cubic {
                        for j in -1...2 { list.append((base + j, cubicWeight(Swift.abs(Double(j) - ratio), cubicA))) }
                    } else {
                        list = [(base, 1 - ratio), (base + 1, ratio)]
                    }
                    if exclude { list = list.map { ($0.0, $0.0 < 0 || $0.0 >= n ? 0 : $0.1) } }
                    let sum = list.reduce(0) { $0 + $1.1 }
                    if antialias || exclude, sum != 0 { list = list.map { ($0.0, $0.1 / sum) } }
                    taps.append(list.map { (clamp($0.0), $0.1) })
                default: throw ctx.unsupported("mode \(mode)")
                }
            }
            passes.append(AxisTaps(axis: a, outLength: y[a], taps: taps, outside: outside))
        }
        return passes
        }
        // Parameters known now are used now; run-time ones (a scales input fed by the caller) are
        // read on each run.
        let runtimeParams = (1..<ctx.inputCount).contains { ctx.hasInput($0) && ctx.constants[$0] == nil && !(upsample && $0 == 0) }
        let sizesIndex = upsample || ctx.opset < 11 ? -1 : 3
        func constantParams() throws -> [AxisTaps] {
            try plan(ctx.doubles(scalesIndex), sizesIndex > 0 && ctx.hasInput(sizesIndex) ? ctx.ints(sizesIndex) : nil,
                     ctx.hasInput(1) && !upsample && ctx.opset >= 11 ? ctx.doubles(1) : nil)
        }
        let fixed = runtimeParams ? nil : try constantParams()
        return ResizeSetup(plan: plan, fixed: fixed, coord: coord, extrapolation: extrapolation,
                           scalesIndex: scalesIndex, sizesIndex: sizesIndex)
    }

    static func makeResize(_ ctx: KernelContext, upsample: Bool) throws -> Kernel {
        let setup = try resizeSetup(ctx, upsample: upsample)
        let x = ctx.inputShape(0)
        let plan = setup.plan, fixed = setup.fixed, coord = setup.coord, extrapolation = setup.extrapolation
        let scalesIndex = setup.scalesIndex, sizesIndex = setup.sizesIndex
        let isFloat32 = ctx.inputType(0) == .float32
        return ClosureKernel { ins, outs in
            var passes = fixed ?? []
            if fixed == nil {
                func doubles(_ i: Int) -> [Double]? {
                    guard i >= 0, i < ins.count, ctx.hasInput(i) else { return nil }
                    return (0..<ins[i].count).map { ins[i].double(at: $0) }
                }
                passes = try plan(doubles(scalesIndex), doubles(sizesIndex)?.map { Int($0) },
                                  !upsample && ctx.opset >= 11 ? doubles(1) : nil)
            }
            var shape = x
            var data = (0..<ins[0].count).map { ins[0].double(at: $0) }
            if isFloat32 { let p = ins[0].f32(); data = (0..<ins[0].count).map { Double(p[$0]) } }
            var outsideMask: [Bool]? = nil
            for pass in passes {
                let a = pass.axis
                let outer = shape[..<a].reduce(1, *), inner = shape[(a + 1)...].reduce(1, *), n = shape[a]
                var next = [Double](repeating: 0, count: outer * pass.outLength * inner)
                var mask: [Bool]? = coord == "tf_crop_and_resize" ? [Bool](repeating: false, count: next.count) : nil
                for o in 0..<outer {
                    for j in 0..<pass.outLength {
                        let t = pass.taps[j]
                        let dst = (o * pass.outLength + j) * inner, srcRow = o * n * inner
                        for i in 0..<inner {
                            var v = 0.0
                            for (k, w) in t { v += w * data[srcRow + k * inner + i] }
                            next[dst + i] = v
                            if mask != nil {
                                mask![dst + i] = pass.outside[j] || (outsideMask?[srcRow + Swift.min(t[0].0, n - 1) * inner + i] ?? false)
                            }
                        }
                    }
                }
                shape[a] = pass.outLength
                data = next
                outsideMask = mask
            }
            for i in 0..<outs[0].count {
                let v = outsideMask?[i] == true ? extrapolation : data[i]
                if isFloat32 { outs[0].f32()[i] = Float(v) } else { store(v, outs[0], i) }
            }
        }
    }

    /// Keys' cubic convolution kernel with parameter `a`.
    static func cubicWeight(_ s: Double, _ a: Double) -> Double {
        if s <= 1 { return ((a + 2) * s - (a + 3)) * s * s + 1 }
        if s < 2 { return ((a * s - 5 * a) * s + 8 * a) * s - 4 * a }
        return 0
    }
}
