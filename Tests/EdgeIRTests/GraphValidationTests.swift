import Testing
@testable import EdgeIR

/// Structural validation: each broken graph is rejected with an error that names the problem.
@Suite struct GraphValidationTests {
    func node(_ name: String, _ op: OpType, _ ins: [String], _ outs: [String]) -> Node {
        Node(name: name, op: op, inputs: ins, outputs: outs)
    }

    @Test func danglingInputIsNamed() {
        let g = Graph(name: "g", inputs: [ValueInfo(name: "x", type: TensorType(.float32, Shape([1, 4])))],
                      outputs: [ValueInfo(name: "y", type: TensorType(.float32, Shape([1, 4])))],
                      nodes: [node("relu", .relu, ["x"], ["r"]), node("add", .add, ["r", "ghost"], ["y"])])
        #expect(throws: IRError.danglingInput(node: "add", input: "ghost")) { try g.validate() }
        #expect(IRError.danglingInput(node: "add", input: "ghost").description
                == "node 'add': input 'ghost' is not produced by any node, graph input or constant")
    }

    @Test func cycleIsNamed() {
        let g = Graph(name: "g", inputs: [ValueInfo(name: "x", type: TensorType(.float32, Shape([1])))],
                      outputs: [ValueInfo(name: "b", type: TensorType(.float32, Shape([1])))],
                      nodes: [node("A", .add, ["x", "b"], ["a"]), node("B", .relu, ["a"], ["b"])])
        #expect(throws: IRError.cycle(nodes: ["A", "B", "A"])) { try g.validate() }
    }

    @Test func duplicateProducerAndMissingOutput() {
        let x = ValueInfo(name: "x", type: TensorType(.float32, Shape([1])))
        let dup = Graph(name: "g", inputs: [x], outputs: [],
                        nodes: [node("A", .relu, ["x"], ["v"]), node("B", .relu, ["x"], ["v"])])
        #expect(throws: IRError.duplicateValue("v")) { try dup.validate() }
        let missing = Graph(name: "g", inputs: [x], outputs: [ValueInfo(name: "nowhere", type: x.type)],
                            nodes: [node("A", .relu, ["x"], ["v"])])
        #expect(throws: IRError.unknownOutput("nowhere")) { try missing.validate() }
    }

    @Test func shapeMismatchNamesNode() {
        let g = Graph(name: "g",
                      inputs: [ValueInfo(name: "a", type: TensorType(.float32, Shape([2, 3]))),
                               ValueInfo(name: "b", type: TensorType(.float32, Shape([4, 5])))],
                      outputs: [ValueInfo(name: "y", type: TensorType(.float32, Shape([2, 5])))],
                      nodes: [node("mm", .matMul, ["a", "b"], ["y"])])
        #expect(throws: IRError.shapeMismatch(node: "mm", op: .matMul, detail: "inner dimensions differ: [2,3] · [4,5] (3 vs 4)")) {
            try g.validate()
        }
    }

    @Test func typeMismatchNamesNode() {
        let g = Graph(name: "g",
                      inputs: [ValueInfo(name: "a", type: TensorType(.float32, Shape([2]))),
                               ValueInfo(name: "b", type: TensorType(.int64, Shape([2])))],
                      outputs: [ValueInfo(name: "y", type: TensorType(.float32, Shape([2])))],
                      nodes: [node("add", .add, ["a", "b"], ["y"])])
        #expect(throws: IRError.typeMismatch(node: "add", op: .add, detail: "float32 and int64 operands")) { try g.validate() }
    }

    @Test func unsortedGraphIsSortedStably() throws {
        let t = TensorType(.float32, Shape([1]))
        let g = Graph(name: "g", inputs: [ValueInfo(name: "x", type: t)], outputs: [ValueInfo(name: "c", type: t)],
                      nodes: [node("C", .add, ["a", "b"], ["c"]), node("A", .relu, ["x"], ["a"]), node("B", .sigmoid, ["x"], ["b"])])
        let sorted = try g.topologicallySorted()
        #expect(sorted.nodes.map(\.name) == ["A", "B", "C"])
        try g.validate()
    }

    @Test func symbolsBindAndUnresolvedSymbolsAreReported() throws {
        var b = GraphBuilder(name: "s")
        let x = b.input("x", .float32, Shape(["N", 8]))
        let y = try b.apply(.relu, [x], name: "r")
        b.output(y)
        let g = try b.finish()
        #expect(g.inputSymbols == ["N"])
        #expect(throws: IRError.unresolvedDimension(value: "r", shape: Shape(["N", 8]))) { try g.costReport() }
        let bound = try g.costReport(bindings: ["N": 4])
        #expect(bound.total.otherFlops == 32)   // 4 × 8 relus
    }
}

/// Element types: block sizes and bytes are facts of the formats (ggml-common.h, ONNX).
@Suite struct DTypeTests {
    @Test func blockFormatsHaveExactSizes() {
        // (type, weights per block, bytes per block) — ggml's block structs.
        let table: [(DType, Int, Int)] = [
            (.q4_0, 32, 18), (.q4_1, 32, 20), (.q5_0, 32, 22), (.q5_1, 32, 24), (.q8_0, 32, 34),
            (.q2_K, 256, 84), (.q3_K, 256, 110), (.q4_K, 256, 144), (.q5_K, 256, 176), (.q6_K, 256, 210), (.q8_K, 256, 292),
        ]
        for (t, n, b) in table {
            #expect(t.blockSize == n && t.bytesPerBlock == b, "\(t)")
        }
        #expect(DType.q4_0.bitsPerElement == 4.5)
        #expect(DType.q6_K.bitsPerElement == 6.5625)
    }

    @Test func byteCounts() {
        #expect(DType.float32.byteCount(elements: 10) == 40)
        #expect(DType.int4.byteCount(elements: 5) == 3)     // packed, rounded up to a byte
        #expect(DType.q4_0.byteCount(elements: 64) == 36)
        #expect(DType.q4_0.byteCount(elements: 33) == nil)  // not a whole block
        #expect(DType.float64.byteCount(elements: Int.max / 4) == nil) // overflow is reported, not trapped
        #expect(DType.float32.byteCount(elements: -1) == nil)
    }

    @Test func ggmlAndOnnxCodes() {
        #expect(DType(ggmlTypeID: 3) == .q4_1)
        #expect(DType(ggmlTypeID: 4) == nil)   // retired Q4_2
        #expect(DType.q6_K.ggmlTypeID == 14)
        #expect(DType(onnxDataType: 1) == .float32)
        #expect(DType(onnxDataType: 16) == .bfloat16)
        #expect(DType.int64.onnxDataType == 7)
    }

    @Test func shapeElementCountOverflowIsNil() {
        #expect(Shape([1 << 40, 1 << 30]).elementCount == nil)
        #expect(Shape(["N", 3]).elementCount == nil)
        #expect(Shape([2, 3, 4]).elementCount == 24)
        #expect(Shape.scalar.elementCount == 1)
    }

    @Test func halfPrecisionConversion() {
        #expect(Float(halfBits: 0x3C00) == 1.0)
        #expect(Float(halfBits: 0xC000) == -2.0)
        #expect(Float(halfBits: 0x0001) == Float(sign: .plus, exponent: -24, significand: 1))
        #expect(Float(halfBits: 0x7C00) == .infinity)
        #expect(Float(halfBits: 0x7E00).isNaN)
        #expect(Float(bfloat16Bits: 0x3F80) == 1.0)
    }
}
