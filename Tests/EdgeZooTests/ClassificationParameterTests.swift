import EdgeIR
import Testing
@testable import EdgeZoo

/// Classification entries away from their defaults: published figures for other widths and inputs,
/// hand-computed effects of `classes` and `input`, and rejected arguments.
@Suite struct ClassificationParameterTests {
    /// Published figures at non-default parameters. Sources as in ``ClassificationCatalogTests``; "TF-slim v2"
    /// is tensorflow/models `research/slim/nets/mobilenet/README.md` (its parameter counts use a different
    /// BatchNorm convention, so only its MACs are used; parameters come from timm where it has the model).
    static let variants: [PublishedRow] = [
        PublishedRow("mobilenet_v1?width=0.25&input=128", parameters: 470_000, gmacs: 0.014),   // TF-slim v1 0.25_128: 14 M, 0.47 M
        PublishedRow("mobilenet_v1?width=0.5&input=160", parameters: 1_340_000, gmacs: 0.077),  // TF-slim v1 0.50_160: 77 M, 1.34 M
        PublishedRow("mobilenet_v1?width=0.75&input=192", parameters: 2_590_000, gmacs: 0.233), // TF-slim v1 0.75_192: 233 M, 2.59 M
        PublishedRow("mobilenet_v1?input=128", parameters: 4_240_000, gmacs: 0.186),            // TF-slim v1 1.0_128: 186 M, 4.24 M
        PublishedRow("mobilenet_v1?width=0.25&input=224", parameters: 470_000, gmacs: 0.041),   // TF-slim v1 0.25_224: 41 M, 0.47 M
        PublishedRow("mobilenet_v2?width=0.5", parameters: 1_970_000, gmacs: 0.097),    // timm mobilenetv2_050 1.97 M; TF-slim v2 0.5_224 97 M
        PublishedRow("mobilenet_v2?width=0.75", parameters: nil, gmacs: 0.209),         // TF-slim v2 0.75_224: 209 M
        PublishedRow("mobilenet_v2?width=1.4", parameters: 6_110_000, gmacs: 0.582),    // timm mobilenetv2_140 6.11 M; TF-slim v2 1.4_224 582 M
        PublishedRow("mobilenet_v2?input=160", parameters: nil, gmacs: 0.154),          // TF-slim v2 1.0_160: 154 M
        PublishedRow("mobilenet_v2?input=96", parameters: nil, gmacs: 0.056),           // TF-slim v2 1.0_96: 56 M
        PublishedRow("mobilenet_v2?width=0.35", parameters: nil, gmacs: 0.059),         // TF-slim v2 0.35_224: 59 M
        PublishedRow("shufflenet_v2?width=0.5", parameters: 1_366_792, gmacs: 0.04),    // torchvision ShuffleNet_V2_X0_5: 1,366,792, 0.04
        PublishedRow("shufflenet_v2?width=1.5", parameters: 3_503_624, gmacs: 0.30),    // torchvision ShuffleNet_V2_X1_5: 3,503,624, 0.30
        PublishedRow("shufflenet_v2?width=2.0", parameters: 7_393_996, gmacs: 0.58),    // torchvision ShuffleNet_V2_X2_0: 7,393,996, 0.58
        PublishedRow("mobilevit_v2?width=0.5", parameters: 1_370_000, gmacs: 0.48),     // timm mobilevitv2_050 @256: 1.37 M, 0.48
        PublishedRow("mobilevit_v2?width=0.75", parameters: 2_870_000, gmacs: 1.05),    // timm mobilevitv2_075 @256: 2.87 M, 1.05
        PublishedRow("mobilevit_v2?width=1.25", parameters: 7_480_000, gmacs: 2.86),    // timm mobilevitv2_125 @256: 7.48 M, 2.86
        PublishedRow("mobilevit_v2?width=1.5", parameters: 10_590_000, gmacs: 4.09),    // timm mobilevitv2_150 @256: 10.59 M, 4.09
        PublishedRow("mobilevit_v2?width=1.75", parameters: 14_250_000, gmacs: 5.54),   // timm mobilevitv2_175 @256: 14.25 M, 5.54
        PublishedRow("mobilevit_v2?width=2.0", parameters: 18_450_000, gmacs: 7.22),    // timm mobilevitv2_200 @256: 18.45 M, 7.22
        PublishedRow("resnet18?input=160", parameters: 11_690_000, gmacs: 0.93),        // timm resnet18 @160: 11.69 M, 0.93
        PublishedRow("resnet50?input=160", parameters: 25_560_000, gmacs: 2.1),         // timm resnet50 @160: 25.56 M, 2.1
        PublishedRow("resnet50?input=288", parameters: 25_560_000, gmacs: 6.8),         // timm resnet50 @288: 25.56 M, 6.8
        PublishedRow("densenet121?input=288", parameters: 7_980_000, gmacs: 4.74),      // timm densenet121 @288: 7.98 M, 4.74
        PublishedRow("efficientnet_b0?input=256", parameters: 5_290_000, gmacs: 0.52),  // timm efficientnet_b0 @256: 5.29 M, 0.52
        PublishedRow("vit_small?input=384", parameters: 22_200_000, gmacs: 15.52),      // timm vit_small_patch16_384: 22.2 M, 15.52
        PublishedRow("vit_base?input=384", parameters: 86_860_000, gmacs: 55.54),       // timm vit_base_patch16_384: 86.86 M, 55.54
    ]

    @Test(arguments: variants)
    func variantsMatchPublishedFigures(_ row: PublishedRow) throws {
        try expectMatches(row)
    }

    /// `classes` changes only the last linear layer, by exactly (in + 1) parameters and `in` MACs per class.
    @Test func classesChangeTheClassifierExactly() throws {
        // ResNet-50's fc is 2048 → classes: 2048·1000 + 1000 = 2,049,000 parameters → 2048·10 + 10 = 20,490.
        // 25,557,032 − 2,049,000 + 20,490 = 23,528,522. MACs drop by 2048 · 990 = 2,027,520.
        let r1000 = try costed("resnet50").report.total, r10 = try costed("resnet50?classes=10").report.total
        #expect(r10.parameters == 23_528_522)
        #expect(r1000.macs - r10.macs == 2_027_520)
        // MobileNet v2's classifier is 1280 → classes: 1,281,000 → 12,810; 3,504,872 − 1,268,190 = 2,236,682.
        #expect(try costed("mobilenet_v2?classes=10").report.total.parameters == 2_236_682)
        // MobileNet v3 small's last linear is 1024 → classes: 1,025,000 → 10,250; 2,542,856 − 1,014,750 = 1,528,106.
        #expect(try costed("mobilenet_v3_small?classes=10").report.total.parameters == 1_528_106)
        // SqueezeNet's classifier is a biased 1×1 conv 512 → classes over a 13×13 map at 224 px:
        // 513,000 → 5,130 parameters; 1,235,496 − 507,870 = 727,626. MACs: 13·13·512·990 = 85,662,720 fewer.
        let s1000 = try costed("squeezenet1_1").report.total, s10 = try costed("squeezenet1_1?classes=10").report.total
        #expect(s10.parameters == 727_626)
        #expect(s1000.macs - s10.macs == 85_662_720)
    }

    /// At 160 px every ResNet feature map is 5/7 of its 224 px side (160 = 5·32, 224 = 7·32, every stride
    /// divides exactly), so conv MACs scale by exactly 25/49; only the 2048·1000 = 2,048,000-MAC fc is fixed.
    @Test func resnetInputScalesConvMACsQuadratically() throws {
        let fc = 2_048_000
        let m224 = try costed("resnet50").report.total.macs, m160 = try costed("resnet50?input=160").report.total.macs
        #expect((m160 - fc) * 49 == (m224 - fc) * 25)
        #expect(try costed("resnet50?input=160").report.total.parameters == 25_557_032)
    }

    /// ViT's position embedding has one row per token: at 384 px, 24² + 1 = 577 tokens instead of
    /// 14² + 1 = 197, i.e. (577 − 197) · 768 = 291,840 more parameters: 86,567,656 + 291,840 = 86,859,496.
    @Test func vitInputGrowsThePositionEmbedding() throws {
        #expect(try costed("vit_base?input=384").report.total.parameters == 86_859_496)
    }

    /// MobileViT v2 at 224 px has a 7×7 last map, resized to 8×8 (a whole number of 2×2 patches) as timm does.
    @Test func mobileViTResizesOddMaps() throws {
        let g = try costed("mobilevit_v2?input=224").graph
        #expect(g.nodes.contains { $0.op == "Resize" })
        #expect(!(try costed("mobilevit_v2").graph.nodes.contains { $0.op == "Resize" }))
    }

    // MARK: Rejected arguments

    @Test(arguments: [
        "mobilenet_v1?width=0.1",       // below MobileNet v1's 0.25
        "mobilenet_v1?width=1.5",       // above its 1.0
        "mobilenet_v2?width=-1",
        "mobilenet_v2?width=nan",
        "resnet50?input=0",
        "resnet50?input=16",            // below 32: the stride-32 trunk would have no pixels left
        "resnet50?input=abc",
        "resnet50?classes=0",
        "inception_v3?input=64",        // below 75, torchvision's minimum
        "shufflenet_v2?width=0.75",     // only 0.5, 1.0, 1.5 and 2.0 exist
        "mobilevit_v2?width=3",
        "efficientnet_b0?width=1.0",    // EfficientNet variants fix their width
    ])
    func badArgumentsAreRejected(_ reference: String) {
        #expect(throws: ZooError.self) { try Zoo.resolve(reference) }
    }

    /// Rules a range cannot express are checked when building, with the same one-line error.
    @Test func buildTimeRulesThrowZooErrors() throws {
        let (vit, vitArgs) = try Zoo.resolve("vit_base?input=232")   // 232 is not a multiple of 16
        #expect(throws: ZooError.badValue(id: "vit_base", key: "input", value: "232", expected: "a multiple of the patch size 16")) {
            try vit.build(vitArgs)
        }
        let (vgg, vggArgs) = try Zoo.resolve("vgg16?input=256")      // 256 / 32 = 8: no exact 7×7 pool
        #expect(throws: ZooError.self) { try vgg.build(vggArgs) }
        #expect(try costed("vgg16?input=448").report.total.parameters == 138_357_544)
    }

    /// `build` re-checks arguments that never went through `Zoo.resolve`.
    @Test func directBuildChecksArguments() throws {
        let entry = try #require(Zoo.entry(id: "resnet50"))
        #expect(throws: ZooError.badValue(id: "resnet50", key: "input", value: "-5", expected: "an integer in 32…1024")) {
            try entry.build(ZooArguments(["input": "-5", "classes": "1000"]))
        }
        // Missing keys take their defaults.
        let g = try entry.build(ZooArguments([:]))
        #expect(g.outputs.map(\.type.shape) == [Shape(["N", 1000])])
    }
}
