import EdgeIR
import Testing
@testable import EdgeZoo

/// The MLPerf Tiny reference models against published figures and hand counts.
///
/// Sources: the NXP eIQ Model Zoo cards of these exact models (github.com/NXP/eiq-model-zoo,
/// `tasks/*/README.md`, "Number of parameters" = Keras `model.summary()` counts, "FLOPS" in MOPS
/// = 2 × MACs); Zhang et al. 2017 "Hello Edge" (arXiv:1711.07128) for DS-CNN S. The MLPerf Tiny
/// paper (Banbury et al. 2021, arXiv:2106.07597) Table 1 gives TFLite file sizes (52.5 / 325 / 96 /
/// 270 KB), not parameter or MAC counts, so it is not used as a figure here.
/// Keras counts BatchNorm's moving mean and variance as (non-trainable) parameters; Edgewise counts them
/// as buffers (`bufferElements`), so Keras totals compare with `parameters + bufferElements`.
@Suite struct TinyMLCatalogTests {
    @Test func dsCNNMatchesPublishedFigures() throws {
        let r = try CatalogFigures.report("zoo:ds_cnn_kws")
        // By hand (mlcommons/tiny keyword_spotting/keras_model.py, ds_cnn):
        //   conv1 10·4·1·64 + 64 = 2,624; BN 4·64 = 256
        //   4 × (dw 3·3·64 + 64 = 640; BN 256; pw 64·64 + 64 = 4,160; BN 256) = 4 × 5,312 = 21,248
        //   dense 64·12 + 12 = 780                     → 2,624 + 256 + 21,248 + 780 = 24,908
        #expect(r.total.parameters + r.bufferElements == 24_908)
        // NXP eIQ keyword-spotting_DSCNN card: 23,756 trainable; the 9 BatchNorms × 64 channels × 2
        // moving statistics = 1,152 non-trainable make the Keras total 24,908.
        #expect(r.total.parameters == 23_756)
        #expect(r.bufferElements == 1_152)
        // MACs by hand: conv1 output 25·5·64 = 8,000 values × 40 = 320,000; depthwise 8,000 × 9 = 72,000;
        // pointwise 8,000 × 64 = 512,000; four blocks → 4 × 584,000 = 2,336,000; dense 64·12 = 768.
        //   320,000 + 2,336,000 + 768 = 2,656,768
        #expect(r.total.macs == 2_656_768)
        // Hello Edge, DS-CNN S: 5.4 M operations (ops = 2 × MACs) → 2.7 M MACs. (NXP's card rounds to 5 MOPS.)
        #expect(CatalogFigures.within(r.total.macs, 2.7e6, 0.05))
        // TF "same" padding of the 10×4 stride-2 stem: ceil(49/2) × ceil(10/2) = 25 × 5.
        let graph = try CatalogFigures.graph("zoo:ds_cnn_kws")
        #expect(graph.type(of: "conv1") == TensorType(.float32, Shape([1, 64, 25, 5])))
        #expect(graph.outputs.map(\.type) == [TensorType(.float32, Shape([1, 12]))])
    }

    /// The MLPerf Tiny paper says DS-CNN has "38.6K parameters". That is Hello Edge's memory figure for
    /// DS-CNN S: 8-bit weights with BatchNorm folded, plus two activation buffers.
    @Test func dsCNN38KIsHelloEdgeMemory() throws {
        let r = try CatalogFigures.report("zoo:ds_cnn_kws")
        let batchNormParameters = r.nodes.filter { $0.op == .batchNorm }.reduce(0) { $0 + $1.cost.parameters } + r.bufferElements
        #expect(batchNormParameters == 9 * 4 * 64)  // 2,304 (γ, β learned + running mean, variance)
        // Folded weights 24,908 − 2,304 = 22,604 bytes at int8; activations: the largest layer output is
        // 25·5·64 = 8,000 values, and two live at once → 16,000 bytes. 22,604 + 16,000 = 38,604.
        let foldedWeights = r.total.parameters + r.bufferElements - batchNormParameters
        #expect(foldedWeights + 2 * 8_000 == 38_604)
        #expect(CatalogFigures.within(foldedWeights + 2 * 8_000, 38_600, 0.01))
        // The same two float32 buffers are this graph's activation peak: 2 × 8,000 × 4 bytes.
        #expect(r.peakActivationBytes == 64_000)
    }

    @Test func visualWakeWordsMatchesPublishedFigures() throws {
        let r = try CatalogFigures.report("zoo:mobilenet_v1_vww")
        // By hand (vww_model.py, α = 0.25, bias in every conv, BN 4 per channel):
        //   conv1 27·8+8 + 32 = 256; blocks 1–13: 320, 896, 1,632, 2,816, 5,312, 9,728, 5 × 18,816,
        //   35,840, 70,400; dense 256·2 + 2 = 514 → 221,794
        #expect(r.total.parameters + r.bufferElements == 221_794)
        // NXP eIQ visual-wake-word card: 221,794 parameters (Keras total, running statistics included).
        #expect(CatalogFigures.within(r.total.parameters + r.bufferElements, 221_794, 0.01))
        // MACs by hand: conv1 48·48·8·27 = 497,664; block 1: 48²·8·9 + 48²·16·8 = 460,800;
        //   2: 24²·16·9 + 24²·32·16 = 377,856; 3: 24²·32·9 + 24²·32·32 = 755,712; 4: 12²·32·9 + 12²·64·32 = 336,384;
        //   5: 12²·64·9 + 12²·64·64 = 672,768; 6: 6²·64·9 + 6²·128·64 = 315,648; 7–11: 5 × (6²·128·9 + 6²·128·128) = 3,156,480;
        //   12: 3²·128·9 + 3²·256·128 = 305,280; 13: 3²·256·9 + 3²·256·256 = 610,560; dense 512 → 7,489,664
        #expect(r.total.macs == 7_489_664)
        // NXP card: 15 MOPS = 7.5 M MACs.
        #expect(CatalogFigures.within(r.total.macs, 7.5e6, 0.05))
    }

    /// "TFLM person detection (VWW)" in the calibration file is the VWW MobileNet on 96×96 grayscale.
    /// No parameter or MAC figure is published for the grayscale variant; these are worked out by hand.
    @Test func tflmPersonDetectionIsGrayscaleVWW() throws {
        let r = try CatalogFigures.report("zoo:tflm_person_detection")
        // One input channel instead of three: the stem loses 3·3·2·8 = 144 weights and
        // 48·48·8·(27 − 9) = 331,776 MACs.
        #expect(r.total.parameters + r.bufferElements == 221_794 - 144)
        #expect(r.total.macs == 7_489_664 - 331_776)
        let same = try CatalogFigures.report("zoo:mobilenet_v1_vww?channels=1")
        #expect(same.total == r.total)
    }

    @Test func resNet8MatchesPublishedFigures() throws {
        let r = try CatalogFigures.report("zoo:resnet8")
        // By hand (image_classification/keras_model.py v0.5, 16 filters):
        //   stem 3·9·16+16 + BN 64 = 512; stack 1: 2 × (16·9·16+16 + BN 64) = 4,768;
        //   stack 2: 16·9·32+32 + 128 + 32·9·32+32 + 128 + 1×1 16·32+32 = 14,688;
        //   stack 3: 32·9·64+64 + 256 + 64·9·64+64 + 256 + 1×1 32·64+64 = 58,048; dense 650 → 78,666
        #expect(r.total.parameters + r.bufferElements == 78_666)
        // NXP eIQ tiny-resnet card: 78,666 parameters (Keras total).
        #expect(CatalogFigures.within(r.total.parameters + r.bufferElements, 78_666, 0.01))
        // MACs by hand: stem 32²·16·27 = 442,368; stack 1: 2 · 32²·16·144 = 4,718,592;
        //   stack 2: 16²·32·144 + 16²·32·288 + 16²·32·16 = 3,670,016; stack 3: 8²·64·288 + 8²·64·576 + 8²·64·32
        //   = 3,670,016; dense 640 → 12,501,632
        #expect(r.total.macs == 12_501_632)
        // NXP card: 25 MOPS = 12.5 M MACs.
        #expect(CatalogFigures.within(r.total.macs, 12.5e6, 0.05))
    }

    @Test func autoencoderMatchesPublishedFigures() throws {
        let r = try CatalogFigures.report("zoo:fc_autoencoder")
        // By hand (anomaly_detection/keras_model.py, input 5 × 128 = 640):
        //   dense 640·128+128 = 82,048; 3 × (128·128+128) = 49,536; 128·8+8 = 1,032; 8·128+128 = 1,152;
        //   3 × 16,512 = 49,536; 128·640+640 = 82,560 → 265,864; BN 4 × (8·128 + 8) = 4,128 → 269,992
        #expect(r.total.parameters + r.bufferElements == 269_992)
        // NXP eIQ deep-autoencoder card: 267,928 trainable; + 2 × 1,032 moving statistics = 269,992.
        #expect(r.total.parameters == 267_928)
        // MACs by hand: 640·128 + 3·128·128 + 128·8 + 8·128 + 3·128·128 + 128·640 = 264,192
        #expect(r.total.macs == 264_192)
        // NXP card: 0.528 MOPS = 0.264 M MACs.
        #expect(CatalogFigures.within(r.total.macs, 0.264e6, 0.05))
        #expect(r.nodes.last?.outputs == [TensorType(.float32, Shape([1, 640]))])
    }

    @Test func parametersChangeTheGraphAsTheOriginalsDo() throws {
        // 35 keywords instead of 12: the dense layer grows by 23 · (64 + 1) = 1,495 parameters.
        #expect(try CatalogFigures.report("zoo:ds_cnn_kws?classes=35").total.parameters == 23_756 + 1_495)
        // VWW at 128 px: every layer's output grows by (64/48)² = 16/9 except the dense layer.
        let vww128 = try CatalogFigures.report("zoo:mobilenet_v1_vww?input=128")
        #expect(vww128.total.macs == (7_489_664 - 512) * 16 / 9 + 512)
        // ResNet-8 with 26 stem filters (the v1.3 variant of keras_model.py): stack widths 26, 52, 104.
        let wide = try CatalogFigures.report("zoo:resnet8?filters=26")
        // stem 3·9·26+26 + 104 = 832; stack 1: 2 × (26·9·26+26 + 104) = 12,428;
        // stack 2: 26·9·52+52 + 208 + 52·9·52+52 + 208 + 26·52+52 = 12,220 + 208 + 24,388 + 208 + 1,404 = 38,428;
        // stack 3: 52·9·104+104 + 416 + 104·9·104+104 + 416 + 52·104+104 = 48,776 + 416 + 97,448 + 416 + 5,512
        //   = 152,568; dense 104·10+10 = 1,050
        #expect(wide.total.parameters + wide.bufferElements == 832 + 12_428 + 38_428 + 152_568 + 1_050)
        // AE on 4 frames of 64 mels (256 inputs): the first and last dense layers shrink.
        let ae = try CatalogFigures.report("zoo:fc_autoencoder?frames=4&mels=64")
        #expect(ae.total.macs == 264_192 - 2 * 128 * (640 - 256))
    }

    @Test func badValuesAreRejected() {
        #expect(CatalogFigures.rejects("zoo:ds_cnn_kws?frames=0"))
        #expect(CatalogFigures.rejects("zoo:ds_cnn_kws?classes=1"))
        #expect(CatalogFigures.rejects("zoo:mobilenet_v1_vww?width=-1"))
        #expect(CatalogFigures.rejects("zoo:mobilenet_v1_vww?input=0"))
        #expect(CatalogFigures.rejects("zoo:mobilenet_v1_vww?channels=4"))
        #expect(CatalogFigures.rejects("zoo:resnet8?depth=20"))
        #expect(CatalogFigures.rejects("zoo:fc_autoencoder?mels=abc"))
    }

    @Test func everyTinyMLEntryValidates() throws {
        for entry in Zoo.tinyMLEntries {
            let r = try CatalogFigures.report("zoo:" + entry.id)
            #expect(r.uncostedOps.isEmpty, "\(entry.id)")
            #expect(r.total.macs > 0, "\(entry.id)")
        }
    }
}
