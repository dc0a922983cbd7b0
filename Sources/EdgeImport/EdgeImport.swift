/// Namespace of the `EdgeImport` layer. See README.md, "Layers".
public enum EdgeImportModule {
    public static let name = "EdgeImport"
}
