import EdgeTestSupport
import Testing
@testable import EdgeOptimize

/// Stored sizes worked out by hand for a [4, 256] weight (1024 values), and the refusal of shapes and
/// settings a format cannot hold.
@Suite struct WeightFormatTests {
    let w = QuantData.gaussianish(1024, seed: 9)

    @Test(arguments: [
        // fp32 4·1024; fp16/bf16 2·1024.
        (WeightFormat.float32, 4096), (.float16, 2048), (.bfloat16, 2048),
        // int8 per-channel symmetric: 1024 codes + 4 float scales = 1040; asymmetric adds 4 zero points.
        (.int8(perChannel: true, symmetric: true), 1040), (.int8(perChannel: true, symmetric: false), 1044),
        // per-tensor: 1024 + 4 (+1 zero point).
        (.int8(perChannel: false, symmetric: true), 1028), (.int8(perChannel: false, symmetric: false), 1029),
        // int4 g128: 1024 / 2 = 512 code bytes + 4 rows × 2 groups × 4-byte scale = 544; asymmetric adds
        // 8 four-bit zero points = 4 bytes.
        (.grouped(bits: 4, groupSize: 128, symmetric: true), 544), (.grouped(bits: 4, groupSize: 128, symmetric: false), 548),
        // int4 g32: 512 + 32 groups × 4 = 640.
        (.grouped(bits: 4, groupSize: 32, symmetric: true), 640),
        // GGUF: Q8_0 32 blocks × 34 B = 1088; Q4_0 32 × 18 = 576; Q4_K 4 × 144 = 576; Q6_K 4 × 210 = 840.
        (.gguf("q8_0"), 1088), (.gguf("q4_0"), 576), (.gguf("q4_K"), 576), (.gguf("q6_K"), 840),
    ])
    func storedBytes(_ format: WeightFormat, _ bytes: Int) throws {
        let r = try format.roundTrip(w, rows: 4, columns: 256)
        #expect(r.storedBytes == bytes)
        #expect(r.dequantized.count == w.count)
    }

    @Test func roundTripIsTheQuantizersOwn() throws {
        let viaFormat = try WeightFormat.grouped(bits: 4, groupSize: 64, symmetric: false).roundTrip(w, rows: 4, columns: 256)
        let direct = try GroupQuantizer.quantize(w, rows: 4, columns: 256, groupSize: 64, symmetric: false).dequantized()
        #expect(viaFormat.dequantized == direct)
        let k = try WeightFormat.gguf("q4_K").roundTrip(w, rows: 4, columns: 256)
        #expect(k.dequantized == (try GGUFBlocks.dequantize(try GGUFBlocks.quantize(w, as: .q4_K), as: .q4_K, count: 1024)))
        #expect(try WeightFormat.float32.roundTrip(w, rows: 4, columns: 256).dequantized == w)
    }

    @Test func refusesWhatAFormatCannotHold() {
        #expect(throws: OptimizeError.self) { try WeightFormat.float16.roundTrip(w, rows: 3, columns: 256) }
        #expect(throws: OptimizeError.self) { try WeightFormat.grouped(bits: 9, groupSize: 128, symmetric: true).roundTrip(w, rows: 4, columns: 256) }
        #expect(throws: OptimizeError.self) { try WeightFormat.grouped(bits: 4, groupSize: 100, symmetric: true).roundTrip(w, rows: 4, columns: 256) }
        #expect(throws: OptimizeError.self) { try WeightFormat.gguf("q4_K").roundTrip(w, rows: 8, columns: 128) }   // 128-value rows
        #expect(throws: OptimizeError.self) { try WeightFormat.gguf("q5_K").roundTrip(w, rows: 4, columns: 256) }   // not written here
        #expect(throws: OptimizeError.self) { try WeightFormat.gguf("nonsense").roundTrip(w, rows: 4, columns: 256) }
    }
}
