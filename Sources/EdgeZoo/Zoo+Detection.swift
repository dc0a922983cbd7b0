import EdgeIR

extension Zoo {
    /// Catalog entries of this family group, in listing order.
    static let detectionEntries: [ZooEntry] = yoloEntries + [yolov7] + ssdEntries + efficientDetEntries + retinaNetEntries
        + faceEntries + segmentationEntries

    /// Ultralytics' detectors: one entry per size letter, as devices and model zoos name them.
    ///
    /// Published figures: parameters are the exact counts in Ultralytics' model YAML summaries where
    /// those exist (unfused; the fused graph built here is smaller by one parameter per BatchNorm
    /// channel, ≈ 0.2 %), else the docs table's fused count; MACs are the docs table's GFLOPs at 640
    /// halved (Ultralytics counts 2 FLOPs per multiply-add, for the fused model).
    static let yoloEntries: [ZooEntry] = {
        let yolov5: [(String, PublishedFigure)] = [
            ("n", PublishedFigure(parameters: 1_867_405, gmacs: 4.5 / 2, source: "YOLOv5 README v6.0+ (1.9 M, 4.5 GFLOPs @640); exact count from YOLOv5's fused model summary 'YOLOv5n summary: 213 layers, 1867405 parameters'")),
            ("s", PublishedFigure(parameters: 7_200_000, gmacs: 16.5 / 2, source: "YOLOv5 README v6.0+ table: YOLOv5s 7.2 M params, 16.5 GFLOPs @640")),
            ("m", PublishedFigure(parameters: 21_200_000, gmacs: 49.0 / 2, source: "YOLOv5 README v6.0+ table: YOLOv5m 21.2 M params, 49.0 GFLOPs @640")),
            ("l", PublishedFigure(parameters: 46_500_000, gmacs: 109.1 / 2, source: "YOLOv5 README v6.0+ table: YOLOv5l 46.5 M params, 109.1 GFLOPs @640")),
            ("x", PublishedFigure(parameters: 86_700_000, gmacs: 205.7 / 2, source: "YOLOv5 README v6.0+ table: YOLOv5x 86.7 M params, 205.7 GFLOPs @640")),
        ]
        let yolov8: [(String, PublishedFigure)] = [
            ("n", PublishedFigure(parameters: 3_157_200, gmacs: 8.7 / 2, source: "Ultralytics yolov8.yaml summary (3,157,200 params); docs.ultralytics.com/models/yolov8 table 3.2 M, 8.7 GFLOPs @640")),
            ("s", PublishedFigure(parameters: 11_166_560, gmacs: 28.6 / 2, source: "Ultralytics yolov8.yaml summary (11,166,560 params); docs table 11.2 M, 28.6 GFLOPs @640")),
            ("m", PublishedFigure(parameters: 25_902_640, gmacs: 78.9 / 2, source: "Ultralytics yolov8.yaml summary (25,902,640 params); docs table 25.9 M, 78.9 GFLOPs @640")),
            ("l", PublishedFigure(parameters: 43_691_520, gmacs: 165.2 / 2, source: "Ultralytics yolov8.yaml summary (43,691,520 params); docs table 43.7 M, 165.2 GFLOPs @640")),
            ("x", PublishedFigure(parameters: 68_229_648, gmacs: 257.8 / 2, source: "Ultralytics yolov8.yaml summary (68,229,648 params); docs table 68.2 M, 257.8 GFLOPs @640")),
        ]
        let yolo11: [(String, PublishedFigure)] = [
            ("n", PublishedFigure(parameters: 2_624_080, gmacs: 6.5 / 2, source: "Ultralytics yolo11.yaml summary (2,624,080 params); docs.ultralytics.com/models/yolo11 table 2.6 M, 6.5 GFLOPs @640")),
            ("s", PublishedFigure(parameters: 9_458_752, gmacs: 21.5 / 2, source: "Ultralytics yolo11.yaml summary (9,458,752 params); docs table 9.4 M, 21.5 GFLOPs @640")),
            ("m", PublishedFigure(parameters: 20_114_688, gmacs: 68.0 / 2, source: "Ultralytics yolo11.yaml summary (20,114,688 params); docs table 20.1 M, 68.0 GFLOPs @640")),
            ("l", PublishedFigure(parameters: 25_372_160, gmacs: 86.9 / 2, source: "Ultralytics yolo11.yaml summary (25,372,160 params); docs table 25.3 M, 86.9 GFLOPs @640")),
            ("x", PublishedFigure(parameters: 56_966_176, gmacs: 194.9 / 2, source: "Ultralytics yolo11.yaml summary (56,966,176 params); docs table 56.9 M, 194.9 GFLOPs @640")),
        ]
        let yolo26: [(String, PublishedFigure)] = [
            ("n", PublishedFigure(parameters: 2_400_000, gmacs: 5.4 / 2, source: "docs.ultralytics.com/models/yolo26 table (fused, one-to-one head): 2.4 M params, 5.4 GFLOPs @640")),
            ("s", PublishedFigure(parameters: 9_500_000, gmacs: 20.7 / 2, source: "docs.ultralytics.com/models/yolo26 table (fused): 9.5 M params, 20.7 GFLOPs @640")),
            ("m", PublishedFigure(parameters: 20_400_000, gmacs: 68.2 / 2, source: "docs.ultralytics.com/models/yolo26 table (fused): 20.4 M params, 68.2 GFLOPs @640")),
            ("l", PublishedFigure(parameters: 24_800_000, gmacs: 86.4 / 2, source: "docs.ultralytics.com/models/yolo26 table (fused): 24.8 M params, 86.4 GFLOPs @640")),
            ("x", PublishedFigure(parameters: 55_700_000, gmacs: 193.9 / 2, source: "docs.ultralytics.com/models/yolo26 table (fused): 55.7 M params, 193.9 GFLOPs @640")),
        ]
        func family(_ prefix: String, _ name: String, _ sizes: [(String, PublishedFigure)],
                    _ build: @escaping @Sendable (String, Int, Int) throws -> Graph) -> [ZooEntry] {
            sizes.map { size, figure in
                ZooEntry(id: prefix + size, family: "YOLO", task: .detection,
                         summary: "\(name)\(size) detector (COCO, 640 px)",
                         parameters: [.inputSize(default: 640, note: "; a multiple of 32"), .classes(default: 80)],
                         published: figure,
                         build: { a in try build(size, a.int("input"), a.int("classes")) })
            }
        }
        return family("yolov5", "Ultralytics YOLOv5", yolov5, YOLOv5.graph)
            + family("yolov8", "Ultralytics YOLOv8", yolov8, YOLOv8.graph)
            + family("yolo11", "Ultralytics YOLO11", yolo11, YOLO11.graph)
            + family("yolo26", "Ultralytics YOLO26", yolo26, YOLO26.graph)
    }()

    /// YOLOv7 (640 px, deploy form).
    static let yolov7 = ZooEntry(
        id: "yolov7", family: "YOLO", task: .detection, summary: "YOLOv7 detector (COCO, 640 px, deploy form)",
        parameters: [.inputSize(default: 640, note: "; a multiple of 32"), .classes(default: 80)],
        published: PublishedFigure(parameters: 36_900_000, gmacs: 104.7 / 2,
                                   source: "Wang et al. 2022, YOLOv7 paper Table 1 / README: YOLOv7 36.9 M params, 104.7 GFLOPs @640"),
        build: { a in try YOLOv7.graph(input: a.int("input"), classes: a.int("classes")) })

    /// SSD / SSDLite MobileNet detectors from the TF Object Detection API model zoo (300 px, COCO 90 classes).
    static let ssdEntries: [ZooEntry] = [
        ZooEntry(id: "ssd_mobilenet_v1", family: "SSD", task: .detection,
                 summary: "SSD MobileNet v1 (TF OD API, COCO, 300 px)",
                 parameters: [.inputSize(default: 300), .classes(default: 90, note: " (plus background)")],
                 published: PublishedFigure(parameters: 6_790_000, gmacs: 2.5 / 2,
                                            source: "Hailo Model Zoo, HAILO8 object detection table: ssd_mobilenet_v1 (TF1 zoo) 300x300, 6.79 M params, 2.5 G OPS (Hailo OPS = 2 x MACs)"),
                 build: { a in try SSDMobileNet.graph(backbone: .v1, depthMultiplier: 1, lite: false, input: a.int("input"), classes: a.int("classes")) }),
        ZooEntry(id: "ssd_mobilenet_v1_075", family: "SSD", task: .detection,
                 summary: "SSD MobileNet v1 0.75 depth (TF OD API, COCO, 300 px)",
                 parameters: [.inputSize(default: 300), .classes(default: 90, note: " (plus background)")],
                 build: { a in try SSDMobileNet.graph(backbone: .v1, depthMultiplier: 0.75, lite: false, input: a.int("input"), classes: a.int("classes")) }),
        ZooEntry(id: "ssd_mobilenet_v2", family: "SSD", task: .detection,
                 summary: "SSD MobileNet v2 (TF OD API, COCO, 300 px)",
                 parameters: [.inputSize(default: 300), .classes(default: 90, note: " (plus background)")],
                 build: { a in try SSDMobileNet.graph(backbone: .v2, depthMultiplier: 1, lite: false, input: a.int("input"), classes: a.int("classes")) }),
        ZooEntry(id: "ssdlite_mobiledet", family: "SSD", task: .detection,
                 summary: "SSDLite MobileDet-EdgeTPU (TF OD API, COCO, 320 px)",
                 parameters: [.inputSize(default: 320), .classes(default: 90, note: " (plus background)")],
                 published: PublishedFigure(parameters: 4_200_000, gmacs: 1.53,
                                            source: "TF Object Detection API ssdlite_mobiledet_edgetpu_320x320_coco_sync_4x4.config header: 1.53B MulAdds, 4.20M Parameters (TF variables, BN moving statistics included)",
                                            countsBuffers: true),
                 build: { a in try SSDLiteMobileDet.graph(input: a.int("input"), classes: a.int("classes")) }),
        ZooEntry(id: "ssd_fpn_mobilenet_v1", family: "SSD", task: .detection,
                 summary: "SSD MobileNet v1 FPN (TF OD API, COCO, 640 px)",
                 parameters: [.inputSize(default: 640, range: 128...2048, note: "; a multiple of 128"), .classes(default: 90, note: " (plus background)")],
                 build: { a in try SSDFPNMobileNet.graph(input: a.int("input"), classes: a.int("classes")) }),
        ZooEntry(id: "ssdlite_mobilenet_v2", family: "SSD", task: .detection,
                 summary: "SSDLite MobileNet v2 (TF OD API, COCO, 300 px)",
                 parameters: [.inputSize(default: 300), .classes(default: 90, note: " (plus background)")],
                 // Hailo's row is named "ssd_mobilenet_v2" but its size is SSDLite's: the plain-SSD head
                 // (entry ssd_mobilenet_v2) has about 6.0 M parameters. The MobileNetV2 paper's SSDLite
                 // figure (4.3 M, 0.8 B MAdds) is for 80 classes + background at 320 px; the tests check it
                 // through the `classes` parameter.
                 published: PublishedFigure(parameters: 4_460_000, gmacs: 1.52 / 2,
                                            source: "Hailo Model Zoo, HAILO8 object detection table: ssd_mobilenet_v2 (TF1 zoo, SSDLite head) 300x300, 4.46 M params, 1.52 G OPS (2 x MACs)"),
                 build: { a in try SSDMobileNet.graph(backbone: .v2, depthMultiplier: 1, lite: true, input: a.int("input"), classes: a.int("classes")) }),
    ]

    /// EfficientDet-Lite0…4 at their native input sizes (COCO, 90 classes).
    static let efficientDetEntries: [ZooEntry] = (0...4).map { v in
        let published: [Int: PublishedFigure] = [
            0: PublishedFigure(parameters: 3_560_000, gmacs: 1.94 / 2, source: "Hailo Model Zoo, HAILO8 object detection table: efficientdet_lite0 320x320, 3.56 M params, 1.94 G OPS (2 x MACs)"),
            1: PublishedFigure(parameters: 4_730_000, gmacs: 4.0 / 2, source: "Hailo Model Zoo, HAILO8 object detection table: efficientdet_lite1 384x384, 4.73 M params, 4 G OPS (2 x MACs)"),
            2: PublishedFigure(parameters: 5_930_000, gmacs: 6.84 / 2, source: "Hailo Model Zoo, HAILO8 object detection table: efficientdet_lite2 448x448, 5.93 M params, 6.84 G OPS (2 x MACs)"),
        ]
        let size = EfficientDetLite.configs[v].input
        return ZooEntry(id: "efficientdet_lite\(v)", family: "EfficientDet", task: .detection,
                        summary: "EfficientDet-Lite\(v) (COCO, \(size) px)",
                        parameters: [.inputSize(default: size, range: 128...1536, note: "; a multiple of 32"), .classes(default: 90)],
                        published: published[v],
                        build: { a in try EfficientDetLite.graph(variant: v, input: a.int("input"), classes: a.int("classes")) })
    }

    /// RetinaNet at torchvision's 800 px evaluation size (COCO, 91 class slots).
    static let retinaNetEntries: [ZooEntry] = [
        ZooEntry(id: "retinanet_resnet50_fpn", family: "RetinaNet", task: .detection,
                 summary: "RetinaNet ResNet-50 FPN (torchvision, COCO, 800 px)",
                 parameters: [.inputSize(default: 800, range: 64...2048, note: "; a multiple of 32"), .classes(default: 91)],
                 published: PublishedFigure(parameters: 34_014_999, gmacs: 151.54,
                                            source: "torchvision models docs, RetinaNet_ResNet50_FPN_Weights.COCO_V1: 34,014,999 params, 151.54 GFLOPS (torchvision's GFLOPS are multiply-adds)"),
                 build: { a in try RetinaNet.graph(resnext: false, input: a.int("input"), classes: a.int("classes")) }),
        ZooEntry(id: "retinanet_resnext50_fpn", family: "RetinaNet", task: .detection,
                 summary: "RetinaNet ResNeXt-50 32x4d FPN (COCO, 800 px)",
                 parameters: [.inputSize(default: 800, range: 64...2048, note: "; a multiple of 32"), .classes(default: 91)],
                 build: { a in try RetinaNet.graph(resnext: true, input: a.int("input"), classes: a.int("classes")) }),
    ]

    /// Face detectors.
    static let faceEntries: [ZooEntry] = [
        ZooEntry(id: "blazeface", family: "BlazeFace", task: .faceDetection,
                 summary: "BlazeFace short-range face detector (MediaPipe, 128 px)",
                 parameters: [.inputSize(default: 128, range: 64...1024, note: "; a multiple of 16")],
                 published: PublishedFigure(parameters: 101_390,
                                            source: "MediaPipe face_detection_short_range.tflite (mediapipe 0.10.21): 101,390 weight elements in its constant tensors (the BlazeFace paper publishes no count)"),
                 build: { a in try BlazeFace.graph(input: a.int("input")) }),
        ZooEntry(id: "retinaface_mnet025", family: "RetinaFace", task: .faceDetection,
                 summary: "RetinaFace MobileNet-0.25 face detector (640x480)",
                 parameters: [ZooParameter("width", .int(64...4096), default: "640", help: "input width in pixels; a multiple of 32"),
                              ZooParameter("height", .int(64...4096), default: "480", help: "input height in pixels; a multiple of 32")],
                 // The published "flop" figures (thop 193.9 M at 320x240 in the same README; 0.802 G at VGA in
                 // insightface's SCRFD table) also count BatchNorm and activation arithmetic, so they are not
                 // multiply-add counts; no MAC figure is given here.
                 published: PublishedFigure(parameters: 426_000,
                                            source: "biubug6/Face-Detector-1MB-with-landmark README: Retinaface-Mobilenet-0.25 0.426 M parameters"),
                 build: { a in try RetinaFace.graph(width: a.int("width"), height: a.int("height")) }),
    ]

    /// Semantic segmentation.
    static let segmentationEntries: [ZooEntry] = [
        ZooEntry(id: "deeplabv3_mobilenet_v2", family: "DeepLab", task: .segmentation,
                 summary: "DeepLab v3 MobileNet v2, output stride 16 (PASCAL VOC, 513 px)",
                 parameters: [.inputSize(default: 513, range: 65...2049), .classes(default: 21),
                              ZooParameter("width", .double(0.25...1.4), default: "1.0", help: "MobileNet v2 depth multiplier")],
                 published: PublishedFigure(gmacs: 2.75,
                                            source: "TensorFlow DeepLab model_zoo.md: mobilenetv2_coco_voc_trainaug, OS 16, 513x513, 2.75B Multiply-Adds (no parameter count published)"),
                 build: { a in try DeepLabV3.graph(width: a.double("width"), input: a.int("input"), classes: a.int("classes")) }),
        ZooEntry(id: "unet_mobilenet_v2", family: "U-Net", task: .segmentation,
                 summary: "U-Net with MobileNet v2 encoder (TF segmentation tutorial, 128 px)",
                 parameters: [.inputSize(default: 128, range: 32...1024, note: "; a multiple of 32"), .classes(default: 3)],
                 published: PublishedFigure(parameters: 6_504_227,
                                            source: "TensorFlow image segmentation tutorial, unet_model(output_channels=3) Keras model.summary(): Total params 6,504,227, BN moving statistics included (no MAC count published)",
                                            countsBuffers: true),
                 build: { a in try UNet.graph(input: a.int("input"), classes: a.int("classes")) }),
    ]
}
