/// Namespace of the `EdgeOptimize` layer. See README.md, "Layers".
public enum EdgeOptimizeModule {
    public static let name = "EdgeOptimize"
}
