/// Namespace of the `TermCore` layer. See README.md, "Layers".
public enum TermCoreModule {
    public static let name = "TermCore"
}
