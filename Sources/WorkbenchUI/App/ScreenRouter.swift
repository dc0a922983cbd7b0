import TermCore
import Workbench

/// Sends actions, mouse events, filters and reconciliation to the screen that is showing.
enum ScreenRouter {
    static func perform(_ action: Action, _ state: inout AppState) -> [Effect] {
        switch state.screen {
        case .models: return ModelsScreen.perform(action, &state)
        case .devices: return DevicesScreen.perform(action, &state)
        case .tune: return TuneScreen.perform(action, &state)
        case .compare: return CompareScreen.perform(action, &state)
        case .dashboard: return DashboardScreen.perform(action, &state)
        case .help: return HelpScreen.perform(action, &state)
        }
    }

    static func mouse(_ m: MouseEvent, _ content: Rect, _ state: inout AppState) -> [Effect] {
        // The wheel moves the focused list like the arrow keys.
        switch m.kind {
        case .scrollUp: return perform(.up, &state)
        case .scrollDown: return perform(.down, &state)
        case .press(.left): break
        default: return []
        }
        switch state.screen {
        case .models: ModelsScreen.click(x: m.x, y: m.y, content, &state)
        case .devices: DevicesScreen.click(x: m.x, y: m.y, content, &state)
        case .tune: TuneScreen.click(x: m.x, y: m.y, content, &state)
        case .compare: CompareScreen.click(x: m.x, y: m.y, content, &state)
        default: break
        }
        return []
    }

    static func filterable(_ state: AppState) -> Bool {
        switch state.screen {
        case .models: return state.focusedPane == 1
        case .devices: return state.focusedPane == 0
        case .tune: return state.focusedPane == 0
        default: return false
        }
    }

    static func filterText(_ state: AppState) -> String {
        switch state.screen {
        case .models: return state.modelsScreen.table.filter
        case .devices: return state.devicesScreen.table.filter
        case .tune: return state.tune.table.filter
        default: return ""
        }
    }

    static func setFilter(_ text: String, _ state: inout AppState) {
        switch state.screen {
        case .models: state.modelsScreen.table.filter = text; state.modelsScreen.table.selection = 0
        case .devices: state.devicesScreen.table.filter = text; state.devicesScreen.table.selection = 0
        case .tune: state.tune.table.filter = text; state.tune.table.selection = 0
        default: break
        }
    }

    static func view(_ state: AppState, _ buffer: inout CellBuffer, _ area: Rect) {
        switch state.screen {
        case .models: ModelsScreen.view(state, &buffer, area)
        case .devices: DevicesScreen.view(state, &buffer, area)
        case .tune: TuneScreen.view(state, &buffer, area)
        case .compare: CompareScreen.view(state, &buffer, area)
        case .dashboard: DashboardScreen.view(state, &buffer, area)
        case .help: HelpScreen.view(state, &buffer, area)
        }
    }
}

extension WorkbenchApp {
    /// Brings the visible screen's derived data up to date and starts the background work it needs.
    static func reconcile(_ state: inout AppState) -> [Effect] {
        switch state.screen {
        case .models: ModelsScreen.reconcile(&state); return []
        case .devices: DevicesScreen.reconcile(&state); return []
        case .tune: return TuneScreen.reconcile(&state)
        case .compare: return CompareScreen.reconcile(&state)
        case .dashboard: return DashboardScreen.reconcile(&state)
        case .help: return []
        }
    }

    /// Runs `body` on the selected model's cache (stored back into the state), if it loaded.
    static func withCache<R>(_ state: inout AppState, _ body: (inout EstimationCache) -> R) -> R? {
        let i = state.modelIndex
        guard state.models.indices.contains(i), case .ready(var cache) = state.models[i] else { return nil }
        state.models[i] = .failed(slot: cache.model.slot, reason: "")  // release the reference while mutating
        let r = body(&cache)
        state.models[i] = .ready(cache)
        return r
    }
}
