/// LSTM, GRU and RNN (ONNX layouts 0 and 1).
///
/// Work per time step and direction: `gates · H · (input + H)` MACs for the input and recurrent
/// matrices; ≈ 10 flops per hidden unit per gate for activations and the state update.
extension OpRegistry {
    static let recurrentSchemas: [OpSchema] = [
        rnn("LSTM", gates: 4), rnn("GRU", gates: 3), rnn("RNN", gates: 1),
    ]

    private static func rnn(_ op: OpType, gates: Int) -> OpSchema {
        OpSchema(op, nonParameterInputs: [4], infer: { ctx in
            let x = try ctx.input(0), w = try ctx.input(1)
            guard x.shape.rank == 3, w.shape.rank == 3 else {
                throw ctx.shapeError("X \(x.shape) and W \(w.shape) must be 3-D")
            }
            let hidden: Dim = ctx.node.int("hidden_size").map { .value($0) }
                ?? (w.shape[1].value.map { .value($0 / gates) } ?? .unknown)
            if let h = hidden.value, let rows = w.shape[1].value, ShapeMath.checked(h.multipliedReportingOverflow(by: gates)) != rows {
                throw ctx.shapeError("W \(w.shape) must have \(gates)·hidden_size (\(h)) rows")
            }
            let dirs: Dim = (ctx.node.string("direction") == "bidirectional") ? 2 : 1
            if let d = w.shape[0].value, d != dirs.value { throw ctx.shapeError("W \(w.shape) has \(d) directions, attribute says \(dirs)") }
            let batchFirst = ctx.node.int("layout", default: 0) == 1
            let seq = batchFirst ? x.shape[1] : x.shape[0]
            let batch = batchFirst ? x.shape[0] : x.shape[1]
            let y = batchFirst ? Shape([batch, seq, dirs, hidden]) : Shape([seq, dirs, batch, hidden])
            let state = batchFirst ? Shape([batch, dirs, hidden]) : Shape([dirs, batch, hidden])
            let all = [TensorType(x.dtype, y), TensorType(x.dtype, state), TensorType(x.dtype, state)]
            return Array(all.prefix(max(1, min(ctx.node.outputs.count, gates == 4 ? 3 : 2))))
        }, work: { w in
            let x = w.dims(ofInput: 0), wt = w.dims(ofInput: 1)
            guard x.count == 3, wt.count == 3 else { return Work() }
            let steps = x[0] * x[1]            // seq · batch, either layout
            let hidden = wt[1] / gates
            let macs = steps * wt[0] * gates * hidden * (x[2] + hidden)
            return Work(macs: macs, otherFlops: steps * wt[0] * gates * hidden * 10)
        })
    }
}
