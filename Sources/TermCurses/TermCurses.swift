/// Namespace of the `TermCurses` layer. See README.md, "Layers".
public enum TermCursesModule {
    public static let name = "TermCurses"
}
