import EdgeOptimize
import Testing
@testable import Workbench

/// Quantization error on values chosen so every rounding is exact in binary (ties included), worked by hand.
@Suite struct WeightQuantizerTests {
    @Test func halfPrecisionRoundsToNearestEven() {
        // 1 + 2⁻¹¹ lies halfway between 1 and 1 + 2⁻¹⁰: ties to the even mantissa, 1.
        #expect(WeightQuantizer.roundToHalf(1 + 0x1p-11) == 1)
        // 1 + 3·2⁻¹¹ = 1 + 1.5·2⁻¹⁰: halfway between mantissas 1 and 2 → 2, i.e. 1 + 2⁻⁹.
        #expect(WeightQuantizer.roundToHalf(1 + 3 * 0x1p-11) == 1 + 0x1p-9)
        #expect(WeightQuantizer.roundToHalf(-2.5) == -2.5)
        // 65,519 rounds down to the largest half, 65,504; 65,520 is halfway to 65,536 and overflows.
        #expect(WeightQuantizer.roundToHalf(65_519) == 65_504)
        #expect(WeightQuantizer.roundToHalf(65_520) == .infinity)
        // Subnormal halves have a 2⁻²⁴ quantum: 2⁻²⁵ is half a quantum (→ 0, even); 3·2⁻²⁵ → 2·2⁻²⁴.
        #expect(WeightQuantizer.roundToHalf(0x1p-25) == 0)
        #expect(WeightQuantizer.roundToHalf(3 * 0x1p-25) == 0x1p-23)
    }

    @Test func int8PerTensorSymmetricMinMax() {
        // Max 127/128 → scale (127/128)/127 = 1/128. 48.5/128 is a tie → 48 (even): error 0.5/128.
        let v: [Float] = [127.0 / 128, -0.5, 48.5 / 128, 0]
        let e = WeightQuantizer(precision: .int8, granularity: .perTensor).energy(v, channels: 1)
        #expect(e.noise == (0.5 / 128) * (0.5 / 128))
        let signal = (127.0 / 128) * (127.0 / 128) + 0.25 + (48.5 / 128) * (48.5 / 128)
        #expect(abs(e.signal - signal) < 1e-15)
        #expect(abs(e.sqnr - 10 * log10(signal / (1.0 / 65_536))) < 1e-9)
    }

    @Test func perChannelBeatsPerTensorOnUnevenChannels() {
        // Row 0 max 1 (scale 1/127), row 1 max 1/64: per tensor, row 1's small values round to 0 or ±1/127.
        let v: [Float] = [1, 0.5, 1.0 / 64, -1.0 / 128]
        let perTensor = WeightQuantizer(precision: .int8, granularity: .perTensor).energy(v, channels: 2)
        let perChannel = WeightQuantizer(precision: .int8, granularity: .perChannel).energy(v, channels: 2)
        #expect(perChannel.noise < perTensor.noise)
        #expect(perChannel.signal == perTensor.signal)
    }

    @Test func int4GroupsOfTheirOwnScale() {
        // One group, max 0.875 → scale 0.875/7 = 0.125. 0.3125/0.125 = 2.5 → 2; 0.1875/0.125 = 1.5 → 2; both off
        // by 0.0625: noise 2 × 0.0625² = 0.0078125.
        let v: [Float] = [0.875, -0.875, 0.3125, 0.1875]
        let e = WeightQuantizer(precision: .int4, groupSize: 4).energy(v, channels: 1)
        #expect(e.noise == 0.0078125)
        // Groups of 2: [0.875, −0.875] exact; [0.3125, 0.1875] → scale 0.3125/7, 0.1875/(0.3125/7) = 4.2 → 4:
        // error 0.1875 − 4·0.3125/7 = 0.0089285…
        let g2 = WeightQuantizer(precision: .int4, groupSize: 2).energy(v, channels: 1)
        let err = 0.1875 - 4 * 0.3125 / 7
        #expect(abs(g2.noise - err * err) < 1e-12)
    }

    @Test func asymmetricUsesTheFullRange() {
        // [0, 1]: scale 1/255, zero point 0; 0.5 → 127.5 → 128 (even): error 128/255 − 0.5 = 1/510.
        let e = WeightQuantizer(precision: .int8, granularity: .perTensor, symmetric: false).energy([0, 1, 0.5], channels: 1)
        #expect(abs(e.noise - (1.0 / 510) * (1.0 / 510)) < 1e-15)
    }

    @Test func floatAndSkipAreLossless() {
        let v: [Float] = [0.1, -3, 7]
        #expect(WeightQuantizer(precision: .fp32).energy(v, channels: 1).noise == 0)
        #expect(WeightQuantizer(precision: .skip).energy(v, channels: 1).sqnr == .infinity)
        // fp16: 1 + 2⁻¹¹ → 1, noise 2⁻²².
        #expect(WeightQuantizer(precision: .fp16).energy([1 + 0x1p-11], channels: 1).noise == 0x1p-22)
    }

    @Test func percentileClipsAtTheRankedMagnitude() {
        // |v| = 0.01 … 0.99 and one outlier 10 (100 values). The 50th percentile is rank round(0.5 × 99) = 50 of the
        // sorted magnitudes: 0.51.
        let v = (1...99).map { Float($0) / 100 } + [10]
        let q = WeightQuantizer(precision: .int8, granularity: .perTensor, calibration: .percentile, percentile: 50)
        let clip = v.withUnsafeBufferPointer { q.range($0[...], maxAbs: 10, qmax: 127) }
        #expect(clip == Double(Float(0.51)))
    }

    @Test func mseClippingBeatsMinMaxWithAnOutlier() {
        // 1,000 values spread over [−1, 1] and one at 3. int4 min-max: scale 3/7, ≈ 1,000 × (3/7)²/12 ≈ 15 of
        // rounding noise. Clipping at 1: scale 1/7, ≈ 1,000 × (1/7)²/12 ≈ 1.7, plus (3 − 1)² = 4 for the outlier.
        let v = (0..<1000).map { Float($0 % 201 - 100) / 100 } + [3]
        // int4 is group-wise; one group holding everything makes it per-tensor.
        let mse = WeightQuantizer(precision: .int4, groupSize: v.count, calibration: .mse).energy(v, channels: 1)
        let minmax = WeightQuantizer(precision: .int4, groupSize: v.count).energy(v, channels: 1)
        #expect(minmax.noise > 10)
        #expect(mse.noise < 6)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
