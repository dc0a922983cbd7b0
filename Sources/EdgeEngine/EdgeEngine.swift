/// Namespace of the `EdgeEngine` layer. See README.md, "Layers".
public enum EdgeEngineModule {
    public static let name = "EdgeEngine"
}
