import EdgeIR
import Foundation

/// Attention (ONNX opset 23, and the IR's fused op of the same name): softmax(Q·Kᵀ·scale + bias)·V with
/// 3-D `[B, S, H·D]` or 4-D `[B, H, S, D]` operands, grouped-query heads (each K/V head serves
/// `Hq / Hkv` query heads), past key/value concatenated before the new ones (returned as present),
/// a bool (true = attend) or additive mask broadcast to `[B, Hq, Sq, T]` and padded past its last
/// axis with "do not attend", `is_causal` offset by the past length, and `softcap`.
///
/// Computed in Double per query row; the optional fourth output (qk_matmul_output) and opset 24's
/// `nonpad_kv_seqlen` are not claimed.
extension ReferenceKernels {
    static let attention: [OpType: KernelSpec] = [
        .attention: KernelSpec(.floats.union([.bool]), accepts: { n in
            n.outputs.count <= 3 && n.input(6) == nil
        }) { try makeAttention($0) },
    ]

    static func makeAttention(_ ctx: KernelContext) throws -> Kernel {
        let q = ctx.inputShape(0), k = ctx.inputShape(1), v = ctx.inputShape(2)
        guard q.count == k.count, k.count == v.count, q.count == 3 || q.count == 4 else { throw ctx.unsupported("Q, K, V ranks \(q.count), \(k.count), \(v.count)") }
        let threeD = q.count == 3
        let b = q[0]
        let hq = threeD ? ctx.node.int("q_num_heads", default: 0) : q[1]
        let hkv = threeD ? ctx.node.int("kv_num_heads", default: 0) : k[1]
        guard hq > 0, hkv > 0, hq % hkv == 0 else { throw ctx.unsupported("heads \(hq) / \(hkv)") }
        let sq = threeD ? q[1] : q[2], skv = threeD ? k[1] : k[2]
        let d = threeD ? q[2] / hq : q[3], dv = threeD ? v[2] / hkv : v[3]
        let past = ctx.hasInput(4) ? ctx.inputShape(4)[2] : 0
        let total = past + skv
        let scale = ctx.node.float("scale", default: 1 / Double(d).squareRoot())
        let causal = ctx.node.int("is_causal", default: 0) != 0
        let softcap = ctx.node.float("softcap", default: 0)
        let maskShape = ctx.hasInput(3) ? ctx.inputShape(3) : nil
        let maskIsBool = ctx.inputType(3) == .bool
        // The mask, padded on its last axis to the total length, broadcast to [B, Hq, Sq, T].
        let maskMap: [Int]? = maskShape.map { s in
            var padded = s
            padded[padded.count - 1] = total
            return broadcastOffsets(input: padded, output: [b, hq, sq, total])
        }
        let maskLast = maskShape?.last ?? 0
        let group = hq / hkv
        return ClosureKernel { ins, outs in
            // Element readers for Q, K, V in either layout.
            func qAt(_ bi: Int, _ h: Int, _ s: Int, _ j: Int) -> Double {
                ins[0].double(at: threeD ? (bi * sq + s) * hq * d + h * d + j : ((bi * hq + h) * sq + s) * d + j)
            }
            func kvAt(_ t: Int, _ bi: Int, _ h: Int, _ s: Int, _ j: Int, _ width: Int, _ len: Int) -> Double {
                ins[t].double(at: threeD ? (bi * len + s) * hkv * width + h * width + j : ((bi * hkv + h) * len + s) * width + j)
            }
            func key(_ bi: Int, _ h: Int, _ s: Int, _ j: Int) -> Double {
                s < past ? ins[4].double(at: ((bi * hkv + h) * past + s) * d + j) : kvAt(1, bi, h, s - past, j, d, skv)
            }
            func value(_ bi: Int, _ h: Int, _ s: Int, _ j: Int) -> Double {
                s < past ? ins[5].double(at: ((bi * hkv + h) * past + s) * dv + j) : kvAt(2, bi, h, s - past, j, dv, skv)
            }
            var scores = [Double](repeating: 0, count: total)
            for bi in 0..<b {
                for h in 0..<hq {
                    let kh = h / group
                    for i in 0..<sq {
                        for t in 0..<total {
                            var s = 0.0
                            for j in 0..<d { s += qAt(bi, h, i, j) * key(bi, kh, t, j) }
                            s *= scale
                            if softcap > 0 { s = softcap * Foundation.tanh(s / softcap) }
                            if let map = maskMap {
                                let m = map[((bi * hq + h) * sq + i) * total + t]
                                // Positions past the mask's own last axis are padding: "do not attend".
                                let col = m % total
                                if col >= maskLast || (maskIsBool ? ins[3].u8()[m / total * maskLast + col] == 0 : false) {
                                    s = -.infinity
                                } else if !maskIsBool {
                                    s += ins[3].double(at: m / total * maskLast + col)
                                }
                            }
                            if causal && t > i + past { s = -.infinity }
                            scores[t] = s
                        }
                        let mx = scores.max() ?? 0
                        var sum = 0.0
                        for t in 0..<total { scores[t] = mx == -.infinity ? 0 : Foundation.exp(scores[t] - mx); sum += scores[t] }
                        for j in 0..<dv {
                            var acc = 0.0
                            for t in 0..<total where scores[t] != 0 { acc += scores[t] * value(bi, kh, t, j) }
                            let yi = threeD ? (bi * sq + i) * hq * dv + h * dv + j : ((bi * hq + h) * sq + i) * dv + j
                            store(sum > 0 ? acc / sum : .nan, outs[0], yi)
                        }
                    }
                }
                // Present key/value: past followed by the new rows, [B, Hkv, T, D].
                if outs.count > 1, ctx.node.outputs.count > 1, !ctx.node.outputs[1].isEmpty {
                    for h in 0..<hkv { for t in 0..<total { for j in 0..<d { store(key(bi, h, t, j), outs[1], ((bi * hkv + h) * total + t) * d + j) } } }
                }
                if outs.count > 2, ctx.node.outputs.count > 2, !ctx.node.outputs[2].isEmpty {
                    for h in 0..<hkv { for t in 0..<total { for j in 0..<dv { store(value(bi, h, t, j), outs[2], ((bi * hkv + h) * total + t) * dv + j) } } }
                }
            }
        }
    }
}
