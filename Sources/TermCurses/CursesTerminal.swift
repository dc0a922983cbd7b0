/// Draws TermCore cell buffers on a real terminal through ncursesw.
enum TermCursesPlaceholder {}
