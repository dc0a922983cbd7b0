import EdgeIR

extension Zoo {
    /// Catalog entries of this family group, in listing order: one file per family under
    /// `Classification/`, each entry citing the published figure its tests check.
    static let classificationEntries: [ZooEntry] =
        MobileNetV1.entries + MobileNetV2.entries + MobileNetV3.entries
        + EfficientNet.entries + ResNet.entries + ResNetV2.entries
        + Inception.entries + InceptionV4.entries + VGG.entries + DenseNet.entries + SqueezeNet.entries
        + ShuffleNetV2.entries + MobileViT.entries + ViT.entries
}
