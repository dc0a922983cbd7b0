/// Namespace of the `EdgeSim` layer. See README.md, "Layers".
public enum EdgeSimModule {
    public static let name = "EdgeSim"
}
