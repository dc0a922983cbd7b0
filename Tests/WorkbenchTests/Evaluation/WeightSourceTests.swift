import EdgeIR
import Testing
@testable import Workbench

@Suite struct WeightSourceTests {
    @Test func fnv1aTestVectors() {
        // FNV-1a 64-bit reference values (Fowler–Noll–Vo test suite): "" and "a".
        #expect(WeightSource.fnv1a("") == 0xCBF2_9CE4_8422_2325)
        #expect(WeightSource.fnv1a("a") == 0xAF63_DC4C_8601_EC8C)
        #expect(WeightSource.fnv1a("foobar") == 0x8594_4171_F739_67E8)
    }

    @Test func syntheticWeightsAreHeNormalAndRepeatable() {
        let fanIn = 288
        let v = WeightSource.synthetic(count: 200_000, fanIn: fanIn, seed: 42)
        #expect(v == WeightSource.synthetic(count: 200_000, fanIn: fanIn, seed: 42))
        #expect(v != WeightSource.synthetic(count: 200_000, fanIn: fanIn, seed: 43))
        let std = (2.0 / Double(fanIn)).squareRoot()  // He: √(2 / 288) = 1/12
        let mean = v.reduce(0.0) { $0 + Double($1) } / Double(v.count)
        let sd = (v.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(v.count - 1)).squareRoot()
        // Standard errors with n = 200,000: of the mean σ/447, of the sd σ/632; bounds are ≥ 5 of them.
        #expect(abs(mean) < 0.012 * std)
        #expect(abs(sd / std - 1) < 0.01)
    }

    @Test func storedValuesAreReadNotSynthesized() throws {
        let values: [Float] = [0.5, -1, 2, 0.25]
        let t = Tensor.float32("w", values, shape: Shape([2, 2]))
        let r = try #require(WeightSource.values(of: t))
        #expect(r.values == values)
        #expect(!r.synthetic)
        let absent = Tensor(name: "w", type: TensorType(.float32, Shape([2, 2])))
        #expect(WeightSource.values(of: absent)?.synthetic == true)
    }
}
