import TermCore
import Workbench

extension WorkbenchApp {
    /// The pure view: draws `state` into `buffer` (already the terminal's size and filled with the background).
    ///
    /// The terminal-too-small notice is drawn by `TerminalLoop` before this is called; here the size is at least
    /// the minimum, but every pane still copes with whatever rectangle it gets.
    public static func view(_ state: AppState, into buffer: inout CellBuffer) {
        let t = state.theme
        let chrome = Chrome(cols: buffer.width, rows: buffer.height)
        var tabs = chrome.tabsWidget(selected: state.screen, glyphs: state.glyphs)
        tabs.style = t[.statusBar]
        tabs.selectedStyle = t[.selection]
        tabs.separatorStyle = t[.statusBar]
        tabs.render(into: &buffer, area: chrome.tabs)
        contextLine(state, &buffer, chrome.context)
        buffer.fill(chrome.content, with: .blank(t[.text]))
        ScreenRouter.view(state, &buffer, chrome.content)
        statusLine(state, &buffer, chrome.status)
        KeyHintBar(KeyBindings.footer(for: state.screen), keyStyle: t[.keyHint], hintStyle: t[.dim], glyphs: state.glyphs)
            .render(into: &buffer, area: chrome.hints)
        if let modal = state.modal { drawModal(modal, state, &buffer) }
        if !state.capabilities.utf8 { AsciiFallback.apply(&buffer) }
    }

    /// Model ▸ strategy ▸ device ▸ scenario: what every figure on the screen is about.
    static func contextLine(_ state: AppState, _ buffer: inout CellBuffer, _ row: Rect) {
        let t = state.theme
        buffer.fill(row, with: .blank(t[.text]))
        let arrow = state.glyphs == .ascii ? " > " : " ▸ "
        let parts: [(String, String)] = [
            ("model ", state.models.indices.contains(state.modelIndex) ? state.models[state.modelIndex].label : "—"),
            ("strategy ", state.strategy.name),
            ("device ", state.device?.id ?? "—"),
            ("scenario ", state.workspace.scenario.name),
        ]
        var x = row.x + 1
        for (i, p) in parts.enumerated() {
            if i > 0 { x = buffer.write(arrow, x: x, y: row.y, style: t[.dim], clip: row) }
            x = buffer.write(p.0, x: x, y: row.y, style: t[.dim], clip: row)
            x = buffer.write(p.1, x: x, y: row.y, style: t[.accent], clip: row)
        }
    }

    static func statusLine(_ state: AppState, _ buffer: inout CellBuffer, _ row: Rect) {
        let t = state.theme
        if let input = state.filterInput {
            buffer.fill(row, with: .blank(t[.statusBar]))
            let x = buffer.write(" filter: ", x: row.x, y: row.y, style: t[.statusBar], clip: row)
            TextInput(input, placeholder: "type to filter, Enter keeps, Esc clears", style: t[.input],
                      placeholderStyle: t[.dim]).render(into: &buffer, area: Rect(x: x, y: row.y, width: row.maxX - x, height: 1))
            return
        }
        if let input = state.addModelInput {
            buffer.fill(row, with: .blank(t[.statusBar]))
            let x = buffer.write(" add model: ", x: row.x, y: row.y, style: t[.statusBar], clip: row)
            TextInput(input, placeholder: "a model file or zoo:<id>, Enter adds, Esc cancels", style: t[.input],
                      placeholderStyle: t[.dim]).render(into: &buffer, area: Rect(x: x, y: row.y, width: row.maxX - x, height: 1))
            return
        }
        var left = "\(state.workspace.name) — \(state.workspacePath)"
        if state.isDirty { left += state.glyphs == .ascii ? "  * modified" : "  ● modified" }
        var style = t[.statusBar]
        if let s = state.status {
            left = s.text
            switch s.kind {
            case .info: break
            case .success: style = style.patched(with: Style(fg: t[.good].fg))
            case .error: style = style.patched(with: Style(fg: t[.bad].fg, attributes: .bold))
            }
        }
        let depth: String
        switch state.capabilities.colorDepth {
        case .none: depth = "no colour"
        case .ansi8: depth = "8 colours"
        case .indexed256: depth = "256 colours"
        case .trueColor: depth = "24-bit colour"
        }
        StatusBar(left: left, right: "theme \(state.theme.name) · \(depth) ", style: style, glyphs: state.glyphs)
            .render(into: &buffer, area: row)
    }

    static func drawModal(_ modal: ModalState, _ state: AppState, _ buffer: inout CellBuffer) {
        let t = state.theme
        let m: Modal
        switch modal {
        case .confirmQuit(let selected):
            m = Modal(title: "Unsaved changes",
                      message: "The workspace has changes that are not saved. Save them before quitting?",
                      buttons: ["Save and quit", "Quit without saving", "Cancel"], selectedButton: selected,
                      glyphs: state.glyphs, style: t[.modal], borderStyle: t[.borderFocused], titleStyle: t[.title],
                      buttonStyle: t[.modal], selectedButtonStyle: t[.selection])
        case .message(let title, let text):
            m = Modal(title: title, message: text, buttons: ["OK"], glyphs: state.glyphs, style: t[.modal],
                      borderStyle: t[.borderFocused], titleStyle: t[.title], buttonStyle: t[.modal],
                      selectedButtonStyle: t[.selection])
        }
        m.render(into: &buffer, area: buffer.bounds)
    }

    /// A bordered pane, highlighted when focused; returns its inside.
    static func pane(_ title: String, _ area: Rect, focused: Bool, _ state: AppState, _ buffer: inout CellBuffer) -> Rect {
        let t = state.theme
        let block = Block(title: title, glyphs: state.glyphs, borderStyle: focused ? t[.borderFocused] : t[.border],
                          titleStyle: focused ? t[.title] : t[.header], fill: t[.text])
        block.render(into: &buffer, area: area)
        return block.inner(area)
    }

    /// Lines of text, each with a style, cut at the area's edge; rows beyond `scroll` first.
    static func lines(_ lines: [(String, Style)], _ area: Rect, scroll: Int = 0, _ state: AppState, _ buffer: inout CellBuffer) {
        guard !area.isEmpty else { return }
        for (i, l) in lines.dropFirst(max(0, scroll)).prefix(area.height).enumerated() {
            buffer.write(l.0, x: area.x, y: area.y + i, width: area.width, style: l.1, ellipsis: state.glyphs.ellipsis)
        }
    }

    /// A table styled by the theme.
    static func table(_ columns: [TableColumn], _ rows: [TableRow], _ tableState: TableState, focused: Bool,
                      _ state: AppState) -> Table {
        let t = state.theme
        return Table(columns: columns, rows: rows, state: tableState, glyphs: state.glyphs, headerStyle: t[.header],
                     textStyle: t[.text], selectionStyle: focused ? t[.selection] : t[.selection].adding(.dim),
                     dimStyle: t[.dim])
    }
}
