import EdgeIR

/// DeepLab v3 (Chen et al. 2017) with a MobileNet v2 backbone, as TensorFlow's DeepLab model zoo
/// builds `mobilenetv2_coco_voc_trainaug`: output stride 16 (the last stages dilated), no atrous
/// branches (`atrous_rates = None` for MobileNet v2), so the ASPP is a 1×1 branch beside image
/// pooling, a 1×1 projection, 1×1 logits and bilinear upsampling to the input size. BN folded.
enum DeepLabV3 {
    static func graph(width: Double, input: Int, classes: Int) throws -> Graph {
        var b = GraphBuilder(name: "deeplabv3_mobilenet_v2")
        let x = b.input("image", .float32, Shape([.symbol("N"), 3, .value(input), .value(input)]))
        let trunk = try b.scope("MobilenetV2") { bb in
            try bb.mobileNetV2(x, width: width, outputStride: 16, finalConv: false)
        }
        let f = trunk.output
        let d = b.dims(of: f)
        let pooled = try b.scope("image_pooling") { bb in
            let p = try bb.globalAvgPool(f, name: "pool")
            let c = try bb.convAct(p, out: 256, kernel: 1, act: .relu, name: "conv")
            let sizes = bb.ints("sizes", [Int64(d[2]), Int64(d[3])])
            return try bb.apply("Resize", [c, "", "", sizes], ["mode": .string("linear"), "axes": .ints([2, 3])], name: "resize")
        }
        let aspp0 = try b.convAct(f, out: 256, kernel: 1, act: .relu, name: "aspp0")
        let proj = try b.convAct(try b.concat([pooled, aspp0], name: "aspp_concat"), out: 256, kernel: 1, act: .relu,
                                 name: "concat_projection")
        let logits = try b.conv(proj, out: classes, kernel: 1, bias: true, name: "logits")
        let sizes = b.ints("output_sizes", [Int64(input), Int64(input)])
        let up = try b.apply("Resize", [logits, "", "", sizes], ["mode": .string("linear"), "axes": .ints([2, 3])],
                             name: "upsample")
        b.output(up)
        return try b.finish()
    }
}
