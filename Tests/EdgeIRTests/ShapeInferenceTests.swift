import Testing
@testable import EdgeIR

/// Shape rules for the ops the catalog uses, each checked against a size worked out by hand.
@Suite struct ShapeInferenceTests {
    /// Builds a one-node graph and returns its output types (or throws the inference error).
    func infer(_ op: OpType, inputs: [(String, TensorType)], constants: [Tensor] = [],
               attributes: [String: Attribute] = [:], outputs: Int = 1) throws -> [TensorType] {
        var b = GraphBuilder(name: "t")
        var names: [String] = []
        for (n, t) in inputs {
            if n.isEmpty { names.append(""); continue }
            names.append(b.input(n, t.dtype, t.shape))
        }
        var g = b.graph
        for c in constants {
            g.setConstant(c)
            names.append(c.name)
        }
        b.replaceGraph(g)
        return Array(try b.add(op, names, attributes, name: "node", outputs: outputs).map { b.type(of: $0) })
    }

    func f32(_ d: [Dim]) -> TensorType { TensorType(.float32, Shape(d)) }

    @Test func convPaddingStrideDilationGroups() throws {
        // 224 input, k=3, s=2, p=1: floor((224 + 2 - 3) / 2) + 1 = 112.
        var t = try infer(.conv, inputs: [("x", f32(["N", 32, 224, 224])), ("w", f32([64, 32, 3, 3]))],
                          attributes: ["strides": .ints([2, 2]), "pads": .ints([1, 1, 1, 1])])
        #expect(t == [f32(["N", 64, 112, 112])])
        // Depthwise (group = 32, weight [32,1,3,3]); dilation 2, pad 2: (56 + 4 − 5) / 1 + 1 = 56.
        t = try infer(.conv, inputs: [("x", f32([1, 32, 56, 56])), ("w", f32([32, 1, 3, 3]))],
                      attributes: ["group": .int(32), "dilations": .ints([2, 2]), "pads": .ints([2, 2, 2, 2])])
        #expect(t == [f32([1, 32, 56, 56])])
        // SAME_UPPER at stride 2 on 7: ceil(7/2) = 4; VALID 7×7 k3: 5.
        t = try infer(.conv, inputs: [("x", f32([1, 3, 7, 7])), ("w", f32([8, 3, 3, 3]))],
                      attributes: ["strides": .ints([2, 2]), "auto_pad": .string("SAME_UPPER")])
        #expect(t == [f32([1, 8, 4, 4])])
        t = try infer(.conv, inputs: [("x", f32([1, 3, 7, 7])), ("w", f32([8, 3, 3, 3]))],
                      attributes: ["auto_pad": .string("VALID")])
        #expect(t == [f32([1, 8, 5, 5])])
        // Asymmetric pads (top 0, left 1, bottom 2, right 3) on 10×10 k3: H 10+0+2−3+1 = 10, W 10+1+3−3+1 = 12.
        t = try infer(.conv, inputs: [("x", f32([1, 1, 10, 10])), ("w", f32([1, 1, 3, 3]))],
                      attributes: ["pads": .ints([0, 1, 2, 3])])
        #expect(t == [f32([1, 1, 10, 12])])
        // 1-D conv (silero's STFT): [1, 1, 576], k 256, stride 128 → (576 − 256)/128 + 1 = 3.
        t = try infer(.conv, inputs: [("x", f32([1, 1, 576])), ("w", f32([258, 1, 256]))],
                      attributes: ["strides": .ints([128])])
        #expect(t == [f32([1, 258, 3])])
    }

    @Test func convErrorsNameTheProblem() {
        // Input has 16 channels, weight expects 3 per group.
        #expect(throws: IRError.shapeMismatch(node: "node", op: .conv,
                                              detail: "weight [8,3,3,3] expects 3 input channels per group, input has 16/1 = 16")) {
            try infer(.conv, inputs: [("x", f32([1, 16, 8, 8])), ("w", f32([8, 3, 3, 3]))])
        }
        // 16 channels not divisible by group 3.
        #expect(throws: IRError.self) {
            try infer(.conv, inputs: [("x", f32([1, 16, 8, 8])), ("w", f32([8, 5, 3, 3]))], attributes: ["group": .int(3)])
        }
        // Kernel larger than the padded input.
        #expect(throws: IRError.self) {
            try infer(.conv, inputs: [("x", f32([1, 3, 2, 2])), ("w", f32([8, 3, 5, 5]))])
        }
        #expect(throws: IRError.self) {
            try infer(.conv, inputs: [("x", f32([1, 3, 8, 8])), ("w", f32([8, 3, 3, 3]))], attributes: ["strides": .ints([0, 1])])
        }
    }

    @Test func convTranspose() throws {
        // stride 2, k 4, pad 1: 2·(16−1) + 4 − 2 = 32; channels = weight[1]·group = 8.
        let t = try infer(.convTranspose, inputs: [("x", f32([1, 16, 16, 16])), ("w", f32([16, 8, 4, 4]))],
                          attributes: ["strides": .ints([2, 2]), "pads": .ints([1, 1, 1, 1])])
        #expect(t == [f32([1, 8, 32, 32])])
    }

    @Test func nhwcConvAndDepthwise() throws {
        // TFLite CONV_2D: [1,128,128,3] · OHWI [24,5,5,3], stride 2, SAME → [1,64,64,24].
        var t = try infer(.conv, inputs: [("x", f32([1, 128, 128, 3])), ("w", f32([24, 5, 5, 3]))],
                          attributes: ["layout": .string("NHWC"), "strides": .ints([2, 2]), "auto_pad": .string("SAME_UPPER")])
        #expect(t == [f32([1, 64, 64, 24])])
        // TFLite DEPTHWISE_CONV_2D weight [1,3,3,24], group 24 → same spatial at stride 1 SAME.
        t = try infer(.conv, inputs: [("x", f32([1, 64, 64, 24])), ("w", f32([1, 3, 3, 24]))],
                      attributes: ["layout": .string("NHWC"), "weight_layout": .string("1HWO"), "group": .int(24),
                                   "auto_pad": .string("SAME_UPPER")])
        #expect(t == [f32([1, 64, 64, 24])])
    }

    @Test func matMulGemmFullyConnected() throws {
        // Batched broadcast: [2,1,4,8]·[3,8,5] → [2,3,4,5].
        var t = try infer(.matMul, inputs: [("a", f32([2, 1, 4, 8])), ("b", f32([3, 8, 5]))])
        #expect(t == [f32([2, 3, 4, 5])])
        // Vector · matrix: [8]·[8,5] → [5]; matrix · vector: [4,8]·[8] → [4].
        t = try infer(.matMul, inputs: [("a", f32([8])), ("b", f32([8, 5]))])
        #expect(t == [f32([5])])
        t = try infer(.matMul, inputs: [("a", f32([4, 8])), ("b", f32([8]))])
        #expect(t == [f32([4])])
        #expect(throws: IRError.self) { try infer(.matMul, inputs: [("a", f32([4, 8])), ("b", f32([7, 5]))]) }
        // Gemm transB: [N,2048]·[1000,2048]ᵀ → [N,1000].
        t = try infer(.gemm, inputs: [("a", f32(["N", 2048])), ("b", f32([1000, 2048]))], attributes: ["transB": .int(1)])
        #expect(t == [f32(["N", 1000])])
        // FullyConnected flattening (TFLite default keep_num_dims = 0): [2,3,4] with K=4 → [6, 10].
        t = try infer(.fullyConnected, inputs: [("x", f32([2, 3, 4])), ("w", f32([10, 4]))], attributes: ["keep_num_dims": .int(0)])
        #expect(t == [f32([6, 10])])
    }

    @Test func pooling() throws {
        // MaxPool k3 s2 p1 on 112 → 56 (ResNet stem).
        var t = try infer(.maxPool, inputs: [("x", f32(["N", 64, 112, 112]))],
                          attributes: ["kernel_shape": .ints([3, 3]), "strides": .ints([2, 2]), "pads": .ints([1, 1, 1, 1])])
        #expect(t == [f32(["N", 64, 56, 56])])
        // ceil_mode: SqueezeNet k3 s2 on 111 → ceil(108/2)+1 = 55.
        t = try infer(.maxPool, inputs: [("x", f32([1, 64, 111, 111]))],
                      attributes: ["kernel_shape": .ints([3, 3]), "strides": .ints([2, 2]), "ceil_mode": .int(1)])
        #expect(t == [f32([1, 64, 55, 55])])
        t = try infer(.globalAveragePool, inputs: [("x", f32(["N", 2048, 7, 7]))])
        #expect(t == [f32(["N", 2048, 1, 1])])
        #expect(throws: IRError.self) { try infer(.maxPool, inputs: [("x", f32([1, 3, 8, 8]))]) } // kernel_shape missing
    }

    @Test func broadcastingAndActivations() throws {
        var t = try infer(.add, inputs: [("a", f32(["N", 64, 1, 1])), ("b", f32([64, 56, 56]))])
        #expect(t == [f32(["N", 64, 56, 56])])
        #expect(throws: IRError.self) { try infer(.add, inputs: [("a", f32([3, 4])), ("b", f32([5, 4]))]) }
        for op: OpType in [.relu, .sigmoid, .tanh, .hardSwish, .hardSigmoid, .silu, .gelu, .leakyRelu] {
            t = try infer(op, inputs: [("x", f32(["N", 16, 8, 8]))])
            #expect(t == [f32(["N", 16, 8, 8])], "\(op)")
        }
        t = try infer(.prelu, inputs: [("x", f32([1, 16, 8, 8])), ("s", f32([16, 1, 1]))])
        #expect(t == [f32([1, 16, 8, 8])])
        t = try infer("Equal", inputs: [("a", f32([2, 3])), ("b", f32([3]))])
        #expect(t == [TensorType(.bool, Shape([2, 3]))])
    }

    @Test func normsAndSoftmax() throws {
        var t = try infer(.layerNorm, inputs: [("x", f32([1, 128, 768])), ("s", f32([768])), ("b", f32([768]))])
        #expect(t == [f32([1, 128, 768])])
        t = try infer(.rmsNorm, inputs: [("x", f32([1, 1, 2048])), ("s", f32([2048]))])
        #expect(t == [f32([1, 1, 2048])])
        #expect(throws: IRError.self) {
            try infer(.batchNorm, inputs: [("x", f32([1, 16, 4, 4])), ("s", f32([8])), ("b", f32([16])),
                                           ("m", f32([16])), ("v", f32([16]))])
        }
        #expect(throws: IRError.self) { try infer(.softmax, inputs: [("x", f32([2, 3]))], attributes: ["axis": .int(2)]) }
    }

    @Test func shapeArithmeticFoldsThroughShapeGatherConcatReshape() throws {
        // Reshape target built at run time from Shape(x)[0] and a constant: [N·?] with N bound = 2
        // → Shape gives [2,3,4] → Gather index 0 → [2] → Concat with [-1] → Reshape to [2, 12].
        var b = GraphBuilder(name: "dyn")
        let x = b.input("x", .float32, Shape([2, 3, 4]))
        let s = try b.apply("Shape", [x], name: "shape")
        let i0 = b.ints("zero", [0])
        let n = try b.apply(.gather, [s, i0], name: "batch")
        let rest = b.ints("minus_one", [-1])
        let target = try b.apply(.concat, [n, rest], ["axis": .int(0)], name: "target")
        let y = try b.apply(.reshape, [x, target], name: "flat")
        #expect(b.graph.knownValues[target] == [2, -1])
        #expect(b.type(of: y) == f32([2, 12]))
    }

    @Test func reshapeFlattenTransposeSqueezeUnsqueeze() throws {
        var t = try infer(.reshape, inputs: [("x", f32([2, 3, 4]))], constants: [.int64("s", [0, -1])])
        #expect(t == [f32([2, 12])])
        #expect(throws: IRError.self) { try infer(.reshape, inputs: [("x", f32([2, 3, 4]))], constants: [.int64("s", [5, -1])]) }
        #expect(throws: IRError.self) { try infer(.reshape, inputs: [("x", f32([2, 3, 4]))], constants: [.int64("s", [-1, -1])]) }
        t = try infer(.flatten, inputs: [("x", f32([2, 3, 4, 5]))], attributes: ["axis": .int(2)])
        #expect(t == [f32([6, 20])])
        t = try infer(.transpose, inputs: [("x", f32([1, 2, 3]))], attributes: ["perm": .ints([2, 0, 1])])
        #expect(t == [f32([3, 1, 2])])
        t = try infer(.squeeze, inputs: [("x", f32([1, 3, 1, 5]))], constants: [.int64("a", [0, 2])])
        #expect(t == [f32([3, 5])])
        #expect(throws: IRError.self) { try infer(.squeeze, inputs: [("x", f32([1, 3]))], constants: [.int64("a", [1])]) }
        t = try infer(.unsqueeze, inputs: [("x", f32([3, 5]))], constants: [.int64("a", [0, 3])])
        #expect(t == [f32([1, 3, 5, 1])])
    }

    @Test func concatSplitSliceGatherPadResize() throws {
        var t = try infer(.concat, inputs: [("a", f32([1, 16, 8, 8])), ("b", f32([1, 48, 8, 8]))], attributes: ["axis": .int(1)])
        #expect(t == [f32([1, 64, 8, 8])])
        #expect(throws: IRError.self) {
            try infer(.concat, inputs: [("a", f32([1, 16, 8, 8])), ("b", f32([1, 48, 4, 8]))], attributes: ["axis": .int(1)])
        }
        t = try infer(.split, inputs: [("x", f32([1, 10, 4]))], constants: [.int64("s", [3, 7])],
                      attributes: ["axis": .int(1)], outputs: 2)
        #expect(t == [f32([1, 3, 4]), f32([1, 7, 4])])
        // Slice [2:8:3] of 10 → indices 2, 5 → 2 elements; negative end −1 on axis 2 of 4 → 0..<3.
        t = try infer(.slice, inputs: [("x", f32([1, 10, 4]))],
                      constants: [.int64("st", [2, 0]), .int64("en", [8, -1]), .int64("ax", [1, 2]), .int64("sp", [3, 1])])
        #expect(t == [f32([1, 2, 3])])
        t = try infer(.gather, inputs: [("x", f32([1000, 64])), ("i", TensorType(.int64, Shape([1, 7])))])
        #expect(t == [f32([1, 7, 64])])
        t = try infer(.pad, inputs: [("x", f32([1, 3, 8, 8]))], constants: [.int64("p", [0, 0, 1, 2, 0, 0, 3, 4])])
        #expect(t == [f32([1, 3, 12, 14])])
        t = try infer("Resize", inputs: [("x", f32([1, 3, 8, 8])), ("", f32([])), ("", f32([]))],
                      constants: [.int64("sizes", [1, 3, 16, 24])])
        #expect(t == [f32([1, 3, 16, 24])])
    }

    @Test func attentionRopeAndKVCache() throws {
        // GQA decode: Q [1,32,1,64], K/V [1,8,1025,64] → [1,32,1,64].
        let t = try infer(.attention, inputs: [("q", f32([1, 32, 1, 64])), ("k", f32([1, 8, 1025, 64])), ("v", f32([1, 8, 1025, 64]))])
        #expect(t == [f32([1, 32, 1, 64])])
        #expect(throws: IRError.self) {
            try infer(.attention, inputs: [("q", f32([1, 30, 1, 64])), ("k", f32([1, 8, 10, 64])), ("v", f32([1, 8, 10, 64]))])
        }
        // 3-D with past (ONNX opset 23): Q [2,4,3·8], K/V [2,6,3·8] with 3 KV heads of width 8, past
        // [2,3,5,8] → Y [2,4,24]; present_key/value [2,3,5+6,8] = [2,3,11,8].
        let p = try infer(.attention, inputs: [("q", f32([2, 4, 24])), ("k", f32([2, 6, 24])), ("v", f32([2, 6, 24])),
                                               ("", f32([])), ("pk", f32([2, 3, 5, 8])), ("pv", f32([2, 3, 5, 8]))],
                          attributes: ["q_num_heads": .int(3), "kv_num_heads": .int(3)], outputs: 3)
        #expect(p == [f32([2, 4, 24]), f32([2, 3, 11, 8]), f32([2, 3, 11, 8])])
        let c = try infer("KVCacheUpdate", inputs: [("c", f32([1, 8, 1024, 64])), ("n", f32([1, 8, 1, 64]))])
        #expect(c == [f32([1, 8, 1025, 64])])
        let r = try infer(.rope, inputs: [("x", f32([1, 32, 7, 64]))])
        #expect(r == [f32([1, 32, 7, 64])])
    }

    @Test func reductionsAndLSTM() throws {
        var t = try infer("ReduceMean", inputs: [("x", f32([1, 64, 7, 7]))], attributes: ["axes": .ints([2, 3]), "keepdims": .int(0)])
        #expect(t == [f32([1, 64])])
        t = try infer("ArgMax", inputs: [("x", f32([1, 1000]))], attributes: ["axis": .int(1)])
        #expect(t == [TensorType(.int64, Shape([1, 1]))])
        // LSTM: X [seq 5, batch 1, 64], W [1, 4·128, 64] → Y [5,1,1,128], Y_h/Y_c [1,1,128].
        t = try infer("LSTM", inputs: [("x", f32([5, 1, 64])), ("w", f32([1, 512, 64])), ("r", f32([1, 512, 128]))],
                      attributes: ["hidden_size": .int(128)], outputs: 3)
        #expect(t == [f32([5, 1, 1, 128]), f32([1, 1, 128]), f32([1, 1, 128])])
    }
}
