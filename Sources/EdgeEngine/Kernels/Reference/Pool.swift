import EdgeIR
import Foundation

/// Max, average and Lp pooling (windowed, 1- to 3-D; NCHW, or NHWC for TFLite), their global forms,
/// MaxPool's optional indices output.
///
/// Average pooling divides by the window positions inside the input, or with `count_include_pad` by
/// those inside the padded input (positions past the end padding, reached only in `ceil_mode`, never
/// count) — the ONNX reference's rule.
extension ReferenceKernels {
    enum PoolKind: Sendable { case max, average, lp(Double) }

    static let pooling: [OpType: KernelSpec] = [
        .maxPool: KernelSpec(.numeric) { try makePool($0, .max) },
        .averagePool: KernelSpec(.floats) { try makePool($0, .average) },
        "LpPool": KernelSpec(.floats) { ctx in try makePool(ctx, .lp(ctx.node.float("p", default: 2))) },
        .globalAveragePool: KernelSpec(.floats) { try makeGlobalPool($0, .average) },
        .globalMaxPool: KernelSpec(.floats) { try makeGlobalPool($0, .max) },
        "GlobalLpPool": KernelSpec(.floats) { ctx in try makeGlobalPool(ctx, .lp(ctx.node.float("p", default: 2))) },
    ]

    /// Strides of batch, channel and (3-D padded) spatial axes for a layout.
    struct PoolLayout {
        let batch: Int, channels: Int, spatial: [Int]
        let batchStride: Int, channelStride: Int, spatialStrides: [Int]

        init(shape: [Int], nhwc: Bool) {
            batch = shape[0]
            if nhwc {
                channels = shape[shape.count - 1]
                let sp = Array(shape[1..<(shape.count - 1)])
                spatial = spatial3D(sp)
                channelStride = 1
                let c = shape[shape.count - 1]
                spatialStrides = Array(repeating: 0, count: 3 - sp.count) + strides(sp).map { $0 * c }
                batchStride = sp.reduce(1, *) * channels
            } else {
                channels = shape[1]
                let sp = Array(shape[2...])
                spatial = spatial3D(sp)
                channelStride = sp.reduce(1, *)
                spatialStrides = Array(repeating: 0, count: 3 - sp.count) + strides(sp)
                batchStride = channels * channelStride
            }
        }
    }

    static func makePool(_ ctx: KernelContext, _ kind: PoolKind) throws -> Kernel {
        guard let dt = ctx.inputType(0) else { throw ctx.unsupported("missing input") }
        let nhwc = ctx.node.string("layout") == "NHWC"
        let xs = ctx.inputShape(0), ys = ctx.outputShape(0)
        guard xs.count >= 3, xs.count <= 5 else { throw ctx.unsupported("pooling of rank \(xs.count)") }
        let sp = xs.count - 2
        guard let ks = ctx.node.ints("kernel_shape"), ks.count == sp else { throw ctx.unsupported("kernel_shape") }
        let inL = PoolLayout(shape: xs, nhwc: nhwc), outL = PoolLayout(shape: ys, nhwc: nhwc)
        let geo = try WindowGeometry(ctx.node, input: nhwc ? Array(xs[1...sp]) : Array(xs[2...]), kernel: ks)
        let (k, s, d, p) = geo.as3D()
        let pe = Array(repeating: 0, count: 3 - sp) + geo.padEnd
        let includePad = ctx.node.int("count_include_pad", default: 0) != 0
        let columnMajor = ctx.node.int("storage_order", default: 0) == 1
        let act = try FusedActivation(ctx.node)
        let wantIndices = ctx.node.outputs.count > 1 && !ctx.node.outputs[1].isEmpty
        func make<T: NumericElement>(_: T.Type) -> Kernel {
            ClosureKernel { ins, outs in
                let X = ins[0].ptr(T.self), Y = outs[0].ptr(T.self)
                let I: UnsafeMutablePointer<Int64>? = wantIndices ? outs[1].i64() : nil
                let (ID, IH, IW) = (inL.spatial[0], inL.spatial[1], inL.spatial[2])
                for n in 0..<inL.batch {
                    for c in 0..<inL.channels {
                        let xb = n * inL.batchStride + c * inL.channelStride
                        let yb = n * outL.batchStride + c * outL.channelStride
                        for od in 0..<outL.spatial[0] { for oh in 0..<outL.spatial[1] { for ow in 0..<outL.spatial[2] {
                            var best = T.lowest, bestIndex = 0
                            var sum = 0.0, valid = 0, padded = 0
                            for kd in 0..<k[0] {
                                let id = od * s[0] - p[0] + kd * d[0]
                                for kh in 0..<k[1] {
                                    let ih = oh * s[1] - p[1] + kh * d[1]
                                    for kw in 0..<k[2] {
                                        let iw = ow * s[2] - p[2] + kw * d[2]
                                        if id >= -p[0] && id < ID + pe[0] && ih >= -p[1] && ih < IH + pe[1] && iw >= -p[2] && iw < IW + pe[2] {
                                            padded += 1
                                        }
                                        guard id >= 0, id < ID, ih >= 0, ih < IH, iw >= 0, iw < IW else { continue }
                                        valid += 1
                                        let v = X[xb + id * inL.spatialStrides[0] + ih * inL.spatialStrides[1] + iw * inL.spatialStrides[2]]
                                        switch kind {
                                        case .max:
                                            if v > best || (v != v) {
                                                best = v
                                                bestIndex = columnMajor ? (id * IW + iw) * IH + ih : (id * IH + ih) * IW + iw
                                            }
                                        case .average: sum += v.asDouble
                                        case .lp(let pw): sum += Foundation.pow(Swift.abs(v.asDouble), pw)
                                        }
                                    }
                                }
                            }
                            let yo = yb + od * outL.spatialStrides[0] + oh * outL.spatialStrides[1] + ow * outL.spatialStrides[2]
                            switch kind {
                            case .max:
                                Y[yo] = best
                                if let I { I[yo] = Int64((n * inL.channels + c) * ID * IH * IW + bestIndex) }
                            case .average: Y[yo] = T(fromDouble: sum / Double(max(1, includePad ? padded : valid)))
                            case .lp(let pw): Y[yo] = T(fromDouble: Foundation.pow(sum, 1 / pw))
                            }
                        } } }
                    }
                }
                if T.self == Float.self, !act.isNone { act.apply(outs[0].f32(), outs[0].count) }
            }
        }
        switch dt {
        case .float32: return make(Float.self)
        case .float64: return make(Double.self)
        case .float16: return make(Float16.self)
        case .int8: return make(Int8.self)
        case .uint8: return make(UInt8.self)
        case .int32: return make(Int32.self)
        case .int64: return make(Int64.self)
        default: throw ctx.unsupported("\(dt.rawValue) pooling")
        }
    }

    static func makeGlobalPool(_ ctx: KernelContext, _ kind: PoolKind) throws -> Kernel {
        guard let dt = ctx.inputType(0), dt.isFloatingPoint else { throw ctx.unsupported("only float pooling") }
        let xs = ctx.inputShape(0)
        let L = PoolLayout(shape: xs, nhwc: ctx.node.string("layout") == "NHWC")
        let size = L.spatial.reduce(1, *)
        let sstr = L.spatialStrides
        func make<T: FloatElement>(_: T.Type) -> Kernel {
            ClosureKernel { ins, outs in
                let X = ins[0].ptr(T.self), Y = outs[0].ptr(T.self)
                for n in 0..<L.batch {
                    for c in 0..<L.channels {
                        let base = n * L.batchStride + c * L.channelStride
                        var acc = 0.0, best = -Double.infinity
                        for a in 0..<L.spatial[0] { for b in 0..<L.spatial[1] { for e in 0..<L.spatial[2] {
                            let v = Double(X[base + a * sstr[0] + b * sstr[1] + e * sstr[2]])
                            switch kind {
                            case .max: if v > best || v.isNaN { best = v }
                            case .average: acc += v
                            case .lp(let p): acc += Foundation.pow(Swift.abs(v), p)
                            }
                        } } }
                        let o = n * L.channels + c
                        switch kind {
                        case .max: Y[o] = T(best)
                        case .average: Y[o] = T(acc / Double(size))
                        case .lp(let p): Y[o] = T(Foundation.pow(acc, 1 / p))
                        }
                    }
                }
            }
        }
        switch dt {
        case .float32: return make(Float.self)
        case .float64: return make(Double.self)
        default: return make(Float16.self)
        }
    }
}
