import EdgeIR

extension Zoo {
    /// Catalog entries of this family group, in listing order: the MLPerf Tiny reference models.
    ///
    /// Published figures are the NXP eIQ Model Zoo cards of these exact models (Keras parameter counts;
    /// FLOPS in MOPS = 2 × MACs) and Zhang et al. 2017 for DS-CNN's operations. The MLPerf Tiny paper
    /// (Banbury et al. 2021, Table 1) lists the TFLite file sizes (52.5 / 325 / 96 / 270 KB), not
    /// parameters or MACs; its "38.6K parameters" for DS-CNN is Hello Edge's memory figure (see tests).
    static let tinyMLEntries: [ZooEntry] = [
        ZooEntry(
            id: "ds_cnn_kws", family: "MLPerf Tiny", task: .keywordSpotting,
            summary: "DS-CNN S keyword spotting on 49×10 MFCC, 12 classes (MLPerf Tiny KWS)",
            parameters: [
                ZooParameter("frames", .int(10...400), default: "49", help: "MFCC frames (time)"),
                ZooParameter("coefficients", .int(4...80), default: "10", help: "MFCC coefficients per frame"),
                ZooParameter("filters", .int(8...512), default: "64", help: "channels of every layer (S = 64)"),
                ZooParameter("classes", .int(2...1000), default: "12", help: "output classes"),
            ],
            published: PublishedFigure(
                parameters: 24_908, gmacs: 0.0027,
                source: "NXP eIQ Model Zoo keyword-spotting_DSCNN card: 23,756 trainable params (+1,152 BatchNorm "
                    + "moving statistics = Keras total 24,908); Zhang et al. 2017 (Hello Edge) DS-CNN S: 5.4 M ops = 2.7 M MACs",
                countsBuffers: true)
        ) { a in
            try DSCNN.build(frames: a.int("frames"), coefficients: a.int("coefficients"), filters: a.int("filters"),
                            classes: a.int("classes"))
        },
        ZooEntry(
            id: "mobilenet_v1_vww", family: "MLPerf Tiny", task: .visualWakeWords,
            summary: "MobileNet v1 0.25 visual wake words on 96×96×3, person / no person (MLPerf Tiny VWW)",
            parameters: vwwParameters(channels: 3),
            published: PublishedFigure(
                parameters: 221_794, gmacs: 0.0075,
                source: "NXP eIQ Model Zoo visual-wake-word card: 221,794 params (Keras total), 15 MOPS (= 7.5 M MACs)",
                countsBuffers: true)
        ) { a in
            try MobileNetV1VWW.build(input: a.int("input"), width: a.double("width"), channels: a.int("channels"),
                                     classes: a.int("classes"), name: "mobilenet_v1_vww")
        },
        ZooEntry(
            id: "tflm_person_detection", family: "MLPerf Tiny", task: .visualWakeWords,
            summary: "TFLM person_detection: the VWW MobileNet v1 0.25 on 96×96 grayscale (mobilenet_v1_vww, channels=1)",
            parameters: vwwParameters(channels: 1),
            published: nil
        ) { a in
            try MobileNetV1VWW.build(input: a.int("input"), width: a.double("width"), channels: a.int("channels"),
                                     classes: a.int("classes"), name: "tflm_person_detection")
        },
        ZooEntry(
            id: "resnet8", family: "MLPerf Tiny", task: .classification,
            summary: "ResNet-8 on 32×32 CIFAR-10 (MLPerf Tiny image classification)",
            parameters: [
                ZooParameter("input", .int(8...224), default: "32", help: "input resolution (pixels)"),
                ZooParameter("filters", .int(4...256), default: "16", help: "stem filters (doubled per stack)"),
                ZooParameter("classes", .int(2...1000), default: "10", help: "output classes"),
            ],
            published: PublishedFigure(
                parameters: 78_666, gmacs: 0.0125,
                source: "NXP eIQ Model Zoo tiny-resnet card: 78,666 params (Keras total), 25 MOPS (= 12.5 M MACs)",
                countsBuffers: true)
        ) { a in
            try ResNet8.build(input: a.int("input"), filters: a.int("filters"), classes: a.int("classes"))
        },
        ZooEntry(
            id: "fc_autoencoder", family: "MLPerf Tiny", task: .anomalyDetection,
            summary: "Dense auto-encoder on 5 × 128 log-mel frames (640) for ToyADMOS (MLPerf Tiny AD)",
            parameters: [
                ZooParameter("frames", .int(1...64), default: "5", help: "log-mel frames per input vector"),
                ZooParameter("mels", .int(8...512), default: "128", help: "mel bands per frame"),
                ZooParameter("hidden", .int(8...2048), default: "128", help: "width of the hidden layers"),
                ZooParameter("bottleneck", .int(1...512), default: "8", help: "width of the bottleneck layer"),
            ],
            published: PublishedFigure(
                parameters: 269_992, gmacs: 0.000264,
                source: "NXP eIQ Model Zoo deep-autoencoder card: 267,928 trainable params (+2,064 BatchNorm moving "
                    + "statistics = Keras total 269,992), 0.528 MOPS (= 0.264 M MACs)",
                countsBuffers: true)
        ) { a in
            try DenseAutoencoder.build(frames: a.int("frames"), mels: a.int("mels"), hidden: a.int("hidden"),
                                       bottleneck: a.int("bottleneck"))
        },
    ]

    /// Parameters of the VWW MobileNet; `channels` defaults to 3 (RGB) or 1 (TFLM's grayscale camera).
    static func vwwParameters(channels: Int) -> [ZooParameter] {
        [
            ZooParameter("input", .int(32...320), default: "96", help: "input resolution (pixels)"),
            ZooParameter("width", .double(0.125...1.0), default: "0.25", help: "width multiplier α"),
            ZooParameter("channels", .int(1...3), default: String(channels), help: "input channels (3 RGB, 1 grayscale)"),
            ZooParameter("classes", .int(2...1000), default: "2", help: "output classes"),
        ]
    }
}
