/// Namespace of the `EdgeZoo` layer. See README.md, "Layers".
public enum EdgeZooModule {
    public static let name = "EdgeZoo"
}
