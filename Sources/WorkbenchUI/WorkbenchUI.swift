/// Namespace of the `WorkbenchUI` layer. See README.md, "Layers".
public enum WorkbenchUIModule {
    public static let name = "WorkbenchUI"
}
