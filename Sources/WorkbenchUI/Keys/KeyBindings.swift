import TermCore

/// The screens of the workbench, in tab order.
public enum Screen: String, Sendable, CaseIterable, Hashable {
    case models, devices, tune, compare, dashboard, help

    /// Tab title with its number key.
    public var title: String {
        switch self {
        case .models: return "1 Models"
        case .devices: return "2 Devices"
        case .tune: return "3 Tune"
        case .compare: return "4 Compare"
        case .dashboard: return "5 Dashboard"
        case .help: return "? Help"
        }
    }

    /// The screens reachable with 1–5 (Help is `?`).
    public static let numbered: [Screen] = [.models, .devices, .tune, .compare, .dashboard]
}

/// Everything a key can do. Screens interpret the generic navigation actions for their focused pane.
public enum Action: String, Sendable, CaseIterable, Hashable {
    case quit, help, back
    case screenModels, screenDevices, screenTune, screenCompare, screenDashboard
    case nextPane, previousPane
    case up, down, left, right, pageUp, pageDown, top, bottom, select
    case filter, save, nextTheme
    case nextModel, nextStrategy, nextDevice
    case sortNext, sortReverse
    case toggleDevice, addModel
    case clearOverride, evaluate, cancel
    case nextMetric, sortByMetric
    case rerun
}

/// Where a binding applies.
public enum BindingScope: Sendable, Hashable {
    case global
    case screen(Screen)

    public var title: String {
        switch self {
        case .global: return "Everywhere"
        case .screen(let s): return String(s.title.dropFirst(2))
        }
    }
}

/// One row of the bindings table: keys, what they do, where, and how the footer and help screen describe it.
public struct KeyBinding: Sendable, Hashable {
    public var keys: [Key]
    public var action: Action
    public var scope: BindingScope
    /// Short word for the footer ("Quit").
    public var hint: String
    /// Sentence for the help screen and docs/keys.md.
    public var help: String
    /// Shown in the footer of its scope (secondary keys only in Help).
    public var footer: Bool

    public init(_ keys: [Key], _ action: Action, _ scope: BindingScope = .global, hint: String, help: String, footer: Bool = true) {
        self.keys = keys
        self.action = action
        self.scope = scope
        self.hint = hint
        self.help = help
        self.footer = footer
    }

    /// The keys as written in hints and docs: `q`, `↑ k`, `Shift-Tab`.
    public var keyText: String { keys.map(\.description).joined(separator: " ") }
}

/// The single table every key lookup, the footer hints, the help screen and docs/keys.md come from.
public enum KeyBindings {
    public static let all: [KeyBinding] = [
        // Screen-specific first: they win over global bindings for the same key.
        KeyBinding([.char("o")], .sortNext, .screen(.models), hint: "Sort", help: "Sort the layer table by the next column (order, params, MACs, bytes, intensity, latency)"),
        KeyBinding([.char("O")], .sortReverse, .screen(.models), hint: "Reverse", help: "Reverse the sort direction"),
        KeyBinding([.enter], .select, .screen(.models), hint: "Open", help: "Open the highlighted model (a catalog entry is added to the workspace)"),
        KeyBinding([.char("a")], .addModel, .screen(.models), hint: "Add file",
                   help: "Add a model file (ONNX, TFLite, GGUF, safetensors; loaded in the background) or a zoo: reference to the workspace"),
        KeyBinding([.char(" ")], .toggleDevice, .screen(.devices), hint: "Target", help: "Add or remove the highlighted device from the workspace's target devices"),
        KeyBinding([.left, .char("h")], .left, .screen(.tune), hint: "Precision", help: "Layers: previous precision for the highlighted layer; settings: previous value"),
        KeyBinding([.right, .char("l")], .right, .screen(.tune), hint: "Precision", help: "Layers: next precision (fp32, fp16, int8, int4, skip); settings: next value", footer: false),
        KeyBinding([.char("x")], .clearOverride, .screen(.tune), hint: "Reset layer", help: "Remove the highlighted layer's override (it follows the pipeline again)"),
        KeyBinding([.char("e")], .evaluate, .screen(.tune), hint: "Evaluate", help: "Start the background quality evaluation of the current strategy"),
        KeyBinding([.escape], .cancel, .screen(.tune), hint: "Cancel eval", help: "Cancel the running evaluation (the last result stays, marked stale)"),
        KeyBinding([.char("m")], .nextMetric, .screen(.compare), hint: "Metric", help: "Show the next metric (latency, fps, energy, memory fit, accuracy)"),
        KeyBinding([.char("o")], .sortByMetric, .screen(.compare), hint: "Sort", help: "Sort strategies by the metric in the highlighted device column (again: reverse)"),
        KeyBinding([.enter], .select, .screen(.compare), hint: "Pick cell", help: "Pick the highlighted cell; a second pick opens both side by side with per-layer differences"),
        KeyBinding([.escape], .back, .screen(.compare), hint: "Close", help: "Close the side-by-side view or clear the picked cell"),
        KeyBinding([.char("r")], .rerun, .screen(.dashboard), hint: "Rerun", help: "Simulate the sustained run again"),
        KeyBinding([.escape], .back, .screen(.help), hint: "Back", help: "Return to the previous screen"),
        // Everywhere.
        KeyBinding([.char("1")], .screenModels, hint: "Models", help: "Models: catalog and workspace models, per-layer costs", footer: false),
        KeyBinding([.char("2")], .screenDevices, hint: "Devices", help: "Devices: hardware catalog, specs with sources, roofline", footer: false),
        KeyBinding([.char("3")], .screenTune, hint: "Tune", help: "Tune: per-layer precision and compression settings", footer: false),
        KeyBinding([.char("4")], .screenCompare, hint: "Compare", help: "Compare: strategies × devices", footer: false),
        KeyBinding([.char("5")], .screenDashboard, hint: "Dashboard", help: "Dashboard: sustained run — temperature, clock, latency, power", footer: false),
        KeyBinding([.char("?"), .function(1)], .help, hint: "Help", help: "Show every key (this screen)"),
        KeyBinding([.tab], .nextPane, hint: "Pane", help: "Focus the next pane"),
        KeyBinding([.backTab], .previousPane, hint: "Pane", help: "Focus the previous pane", footer: false),
        KeyBinding([.up, .char("k")], .up, hint: "Up", help: "Move up", footer: false),
        KeyBinding([.down, .char("j")], .down, hint: "Down", help: "Move down", footer: false),
        KeyBinding([.left, .char("h")], .left, hint: "Left", help: "Move left (Compare: previous device column)", footer: false),
        KeyBinding([.right, .char("l")], .right, hint: "Right", help: "Move right (Compare: next device column)", footer: false),
        KeyBinding([.pageUp, .ctrl("b")], .pageUp, hint: "Page up", help: "Move a page up", footer: false),
        KeyBinding([.pageDown, .ctrl("f")], .pageDown, hint: "Page down", help: "Move a page down", footer: false),
        KeyBinding([.home, .char("g")], .top, hint: "Top", help: "Go to the first row", footer: false),
        KeyBinding([.end, .char("G")], .bottom, hint: "Bottom", help: "Go to the last row", footer: false),
        KeyBinding([.char("/")], .filter, hint: "Filter", help: "Filter the focused table (Enter keeps, Esc clears)"),
        KeyBinding([.char("M")], .nextModel, hint: "Model", help: "Select the workspace's next model"),
        KeyBinding([.char("S")], .nextStrategy, hint: "Strategy", help: "Select the workspace's next strategy (pipeline)"),
        KeyBinding([.char("D")], .nextDevice, hint: "Device", help: "Select the workspace's next target device"),
        KeyBinding([.char("s")], .save, hint: "Save", help: "Save the workspace (atomically: temporary file, fsync, rename)"),
        KeyBinding([.char("t")], .nextTheme, hint: "Theme", help: "Switch to the next theme in Themes/"),
        KeyBinding([.char("q"), .ctrl("c")], .quit, hint: "Quit", help: "Quit (asks first when there are unsaved changes; Ctrl-C twice quits without saving)"),
    ]

    /// The binding for `key` on `screen`: the screen's own first, then the global ones.
    public static func action(for key: Key, on screen: Screen) -> Action? {
        if let b = all.first(where: { $0.scope == .screen(screen) && $0.keys.contains(key) }) { return b.action }
        return all.first { $0.scope == .global && $0.keys.contains(key) }?.action
    }

    /// Footer hints for `screen`: its own bindings, then the global ones marked for the footer.
    public static func footer(for screen: Screen) -> [(key: String, hint: String)] {
        let own = all.filter { $0.scope == .screen(screen) && $0.footer }
        let global = all.filter { $0.scope == .global && $0.footer }
        var seen = Set<String>()
        return (own + global).compactMap { b in
            guard seen.insert(b.hint).inserted else { return nil }
            return (b.keys[0].description, b.hint)
        }
    }

    /// The scopes in the order the help screen and docs list them.
    public static var scopes: [BindingScope] {
        [.global] + Screen.allCases.map { BindingScope.screen($0) }.filter { s in all.contains { $0.scope == s } }
    }

    /// docs/keys.md: generated from this table (a test fails when the file differs).
    public static func markdown() -> String {
        var out = ["# Keys", "",
                   "Generated from `KeyBindings.all` (Sources/WorkbenchUI/Keys/KeyBindings.swift) — do not edit; run",
                   "`swift run edgewise keys > docs/keys.md` after changing a binding. The footer hints and the help",
                   "screen (`?`) come from the same table.", ""]
        for scope in scopes {
            out.append("## \(scope.title)")
            out.append("")
            out.append("| keys | action |")
            out.append("|---|---|")
            for b in all where b.scope == scope {
                let keys = b.keys.map { "`\($0.description)`" }.joined(separator: " ")
                out.append("| \(keys.replacingOccurrences(of: "|", with: "\\|")) | \(b.help) |")
            }
            out.append("")
        }
        out.append("Mouse (where the terminal reports it): click a tab to switch screens, click a row to select it, "
                   + "scroll to move the selection.")
        return out.joined(separator: "\n") + "\n"
    }
}
