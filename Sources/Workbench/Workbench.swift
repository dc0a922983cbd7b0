/// Namespace of the `Workbench` layer. See README.md, "Layers".
public enum WorkbenchModule {
    public static let name = "Workbench"
}
