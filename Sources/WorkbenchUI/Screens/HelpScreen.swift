import TermCore

/// The help screen (`?`): every key, generated from ``KeyBindings/all`` — the same table the footer and
/// docs/keys.md come from.
enum HelpScreen {
    static func perform(_ action: Action, _ state: inout AppState) -> [Effect] {
        let n = lines(state).count
        switch action {
        case .up: state.helpScroll = max(0, state.helpScroll - 1)
        case .down: state.helpScroll = min(max(0, n - 1), state.helpScroll + 1)
        case .pageUp: state.helpScroll = max(0, state.helpScroll - 10)
        case .pageDown: state.helpScroll = min(max(0, n - 1), state.helpScroll + 10)
        case .top: state.helpScroll = 0
        case .back: state.screen = state.helpReturn
        default: break
        }
        return []
    }

    static func lines(_ state: AppState) -> [(String, Style)] {
        let t = state.theme
        var out: [(String, Style)] = []
        let keyWidth = KeyBindings.all.map { TextWidth.of($0.keyText) }.max() ?? 10
        for scope in KeyBindings.scopes {
            out.append((scope.title, t[.header]))
            for b in KeyBindings.all where b.scope == scope {
                let pad = String(repeating: " ", count: max(0, keyWidth - TextWidth.of(b.keyText)))
                out.append(("  " + b.keyText + pad + "  " + b.help, t[.text]))
            }
            out.append(("", t[.text]))
        }
        out.append(("Mouse: click a tab or a row; the wheel moves the selection.", t[.dim]))
        out.append(("Figures: computed (exact from the graph), estimated (simulator, ± calibration band), published (datasheet), measured.", t[.dim]))
        return out
    }

    static func view(_ state: AppState, _ buffer: inout CellBuffer, _ area: Rect) {
        let inner = WorkbenchApp.pane("Keys · ? or Esc returns", area, focused: true, state, &buffer)
        WorkbenchApp.lines(lines(state), inner, scroll: state.helpScroll, state, &buffer)
    }
}
