import EdgeOptimize
import TermCore
import Workbench

/// The pure update: a message and the time in, a new state and the effects to perform out.
///
/// Nothing here touches the terminal, the disk or another thread; long work is returned as effects and its
/// results come back as messages. After every message `reconcile` brings the derived data of the visible screen
/// up to date (within the same call, so the next frame already shows it).
public enum WorkbenchApp {
    public static func update(_ state: inout AppState, _ message: Message, now: Double) -> [Effect] {
        state.now = now
        if let s = state.status, s.expires <= now { state.status = nil }
        var effects: [Effect] = []
        switch message {
        case .event(let event):
            effects += handle(event, &state)
        case .evaluationProgress(let job, let fraction):
            for (m, var slot) in state.evaluations where slot.running?.job == job {
                slot.running?.fraction = fraction
                state.evaluations[m] = slot
            }
        case .evaluationFinished(let job, let result):
            TuneScreen.finished(job: job, result: result, &state)
        case .sustainedFinished(let job, let result):
            DashboardScreen.finished(job: job, result: result, &state)
        case .sensitivityProgress(let job, let fraction):
            for (m, var slot) in state.sensitivities where slot.job == job {
                slot.fraction = fraction
                state.sensitivities[m] = slot
            }
        case .sensitivityFinished(let job, let result):
            for (m, var slot) in state.sensitivities where slot.job == job {
                slot.job = nil
                switch result {
                case .success(let r): slot.result = r
                case .failure(.cancelled): slot.failure = "cancelled"
                case .failure(.failed(let why)): slot.failure = why
                }
                state.sensitivities[m] = slot
            }
        case .simulationFinished(_, let report):
            simulationFinished(report, &state)
        case .modelLoaded(let job, let result):
            ModelsScreen.loaded(job: job, result: result, &state)
        case .saveFinished(let error, let thenQuit):
            if let error {
                state.setStatus("not saved: \(error)", .error, seconds: 8)
                state.quitting = false
            } else {
                state.savedWorkspace = state.workspace
                state.setStatus("saved \(state.workspacePath)", .success)
                if thenQuit { effects.append(.quit) }
            }
        }
        effects += reconcile(&state)
        return effects
    }

    static func handle(_ event: TerminalEvent, _ state: inout AppState) -> [Effect] {
        switch event {
        case .tick:
            return []
        case .resize(let cols, let rows):
            state.cols = cols
            state.rows = rows
            return []
        case .mouse(let m):
            return mouse(m, &state)
        case .key(let key):
            if key != .ctrl("c") { state.interruptPending = false }
            if state.modal != nil { return modalKey(key, &state) }
            if state.filterInput != nil { return filterKey(key, &state) }
            if state.addModelInput != nil { return addModelKey(key, &state) }
            guard let action = KeyBindings.action(for: key, on: state.screen) else { return [] }
            return perform(action, &state)
        }
    }

    /// Global actions; everything else goes to the screen.
    static func perform(_ action: Action, _ state: inout AppState) -> [Effect] {
        switch action {
        case .quit:
            return requestQuit(&state)
        case .help:
            if state.screen == .help { state.screen = state.helpReturn } else { state.helpReturn = state.screen; state.screen = .help }
        case .screenModels: go(.models, &state)
        case .screenDevices: go(.devices, &state)
        case .screenTune: go(.tune, &state)
        case .screenCompare: go(.compare, &state)
        case .screenDashboard: go(.dashboard, &state)
        case .nextPane, .previousPane:
            let n = paneCount(state.screen)
            if n > 1 { state.focus[state.screen] = (state.focusedPane + (action == .nextPane ? 1 : n - 1)) % n }
        case .save:
            return save(&state, thenQuit: false)
        case .nextTheme:
            state.themeIndex = (state.themeIndex + 1) % state.themes.count
            state.theme = state.themes[state.themeIndex].adapted(to: state.capabilities.colorDepth)
            state.workspace.selection.theme = state.themes[state.themeIndex].name
            state.setStatus("theme: \(state.theme.name)")
        case .nextModel:
            guard !state.models.isEmpty else { break }
            state.workspace.selection.model = (state.modelIndex + 1) % state.models.count
        case .nextStrategy:
            guard !state.workspace.pipelines.isEmpty else { break }
            state.workspace.selection.pipeline = state.workspace.pipelines[(state.pipelineIndex + 1) % state.workspace.pipelines.count].name
        case .nextDevice:
            let targets = state.targetDevices
            guard !targets.isEmpty else { break }
            let i = targets.firstIndex { $0.id == state.device?.id } ?? -1
            state.workspace.selection.device = targets[(i + 1) % targets.count].id
        case .filter:
            if ScreenRouter.filterable(state) { state.filterInput = TextInputState(ScreenRouter.filterText(state)) }
        default:
            return ScreenRouter.perform(action, &state)
        }
        return []
    }

    static func go(_ screen: Screen, _ state: inout AppState) {
        state.screen = screen
        if screen != .help { state.workspace.selection.screen = screen.rawValue }
    }

    static func paneCount(_ screen: Screen) -> Int {
        switch screen {
        case .models, .devices, .tune: return 2
        default: return 1
        }
    }

    // MARK: Quit and save

    static func requestQuit(_ state: inout AppState) -> [Effect] {
        if state.isDirty {
            state.modal = .confirmQuit(selected: 0)
            return []
        }
        state.quitting = true
        return [.quit]
    }

    static func save(_ state: inout AppState, thenQuit: Bool) -> [Effect] {
        state.workspace.selection.screen = (state.screen == .help ? state.helpReturn : state.screen).rawValue
        return [.save(state.workspace, path: state.workspacePath, thenQuit: thenQuit)]
    }

    static func modalKey(_ key: Key, _ state: inout AppState) -> [Effect] {
        guard let modal = state.modal else { return [] }
        switch modal {
        case .message:
            if key == .enter || key == .escape || key == .char("q") { state.modal = nil }
            return []
        case .confirmQuit(let selected):
            switch key {
            case .left, .backTab, .char("h"): state.modal = .confirmQuit(selected: (selected + 2) % 3)
            case .right, .tab, .char("l"): state.modal = .confirmQuit(selected: (selected + 1) % 3)
            case .char("s"), .char("y"): return confirm(0, &state)
            case .char("d"), .char("n"): return confirm(1, &state)
            case .ctrl("c"):
                // A second Ctrl-C while asked: quit without saving.
                return confirm(1, &state)
            case .escape, .char("c"), .char("q"): state.modal = nil
            case .enter: return confirm(selected, &state)
            default: break
            }
            return []
        }
    }

    static func confirm(_ button: Int, _ state: inout AppState) -> [Effect] {
        state.modal = nil
        switch button {
        case 0:
            state.quitting = true
            return save(&state, thenQuit: true)
        case 1:
            state.quitting = true
            return [.quit]
        default:
            return []
        }
    }

    static func filterKey(_ key: Key, _ state: inout AppState) -> [Effect] {
        guard var input = state.filterInput else { return [] }
        switch key {
        case .enter:
            state.filterInput = nil
        case .escape:
            state.filterInput = nil
            ScreenRouter.setFilter("", &state)
        default:
            if input.handle(key) {
                state.filterInput = input
                ScreenRouter.setFilter(input.text, &state)
            }
        }
        return []
    }

    static func addModelKey(_ key: Key, _ state: inout AppState) -> [Effect] {
        guard var input = state.addModelInput else { return [] }
        switch key {
        case .enter:
            state.addModelInput = nil
            return ModelsScreen.add(input.text.trimmingCharacters(in: .whitespaces), &state)
        case .escape:
            state.addModelInput = nil
        default:
            if input.handle(key) { state.addModelInput = input }
        }
        return []
    }

    // MARK: Mouse

    static func mouse(_ m: MouseEvent, _ state: inout AppState) -> [Effect] {
        guard state.modal == nil else { return [] }
        let chrome = Chrome(cols: state.cols, rows: state.rows)
        if case .press(.left) = m.kind, let i = chrome.tabsWidget(selected: state.screen, glyphs: state.glyphs)
            .hitTest(x: m.x, y: m.y, area: chrome.tabs) {
            let target = Chrome.tabScreens[i]
            if target == .help { return perform(.help, &state) }
            go(target, &state)
            return []
        }
        return ScreenRouter.mouse(m, chrome.content, &state)
    }
}
