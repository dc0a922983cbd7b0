import EdgeSim
import Foundation
import TermCore
import Workbench

/// Why the workbench could not open.
public struct StartupError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ d: String) { description = d }
}

/// Opening a workspace: the device catalog, the workspace file (strict, with file:line errors), the themes and
/// the models, turned into the first ``AppState``.
public enum Startup {
    /// Finds `relative` (e.g. `Workspaces/default.yaml`) in the working directory or above the executable, so
    /// `swift run edgewise` and `.build/release/edgewise` both find the repository's files.
    public static func locate(_ relative: String, executable: String = CommandLine.arguments.first ?? "") -> String? {
        let fm = FileManager.default
        let cwd = fm.currentDirectoryPath
        var candidates = [(cwd as NSString).appendingPathComponent(relative)]
        var dir = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            candidates.append(dir.appendingPathComponent(relative).path)
            dir.deleteLastPathComponent()
        }
        return candidates.first { fm.fileExists(atPath: $0) }
    }

    /// The theme to start with: `--theme` (a name or a file) wins, then the workspace's, then `default`.
    /// - Returns: the loaded themes (every file in `themesDirectory`, plus a `--theme` file) and the index to use.
    public static func themes(spec: String?, workspaceTheme: String?, themesDirectory: String?) throws -> (themes: [Theme], index: Int) {
        var themes: [Theme] = []
        if let dir = themesDirectory {
            for name in ThemeLoader.availableThemes(in: dir) {
                if let t = try? ThemeLoader.load(path: (dir as NSString).appendingPathComponent(name + ".yaml")) { themes.append(t) }
            }
        }
        if themes.isEmpty { themes = [.plain] }
        if let spec {
            let t: Theme
            do {
                t = try ThemeLoader.resolve(spec, themesDirectory: themesDirectory ?? "Themes")
            } catch {
                throw StartupError("--theme: \(error)")
            }
            if let i = themes.firstIndex(where: { $0.name == t.name }) {
                themes[i] = t
                return (themes, i)
            }
            themes.append(t)
            return (themes, themes.count - 1)
        }
        let wanted = workspaceTheme ?? "default"
        return (themes, themes.firstIndex { $0.name == wanted } ?? themes.firstIndex { $0.name == "default" } ?? 0)
    }

    /// Loads the workspace and its models into the first state.
    /// - Throws: ``StartupError`` with the workspace's file:line error, a bad `--theme`, or an unreadable catalog.
    public static func open(workspacePath: String, themeSpec: String?, themesDirectory: String?,
                            capabilities: TerminalCapabilities, cols: Int, rows: Int, now: Double = 0,
                            simulator: Simulator? = nil) throws -> AppState {
        let sim: Simulator
        if let simulator {
            sim = simulator
        } else {
            do {
                sim = Simulator(catalog: try DeviceCatalog.load())
            } catch {
                throw StartupError("device catalog: \(error)")
            }
        }
        let workspace: Workspace
        do {
            workspace = try Workspace.load(path: workspacePath, knownDevices: Set(sim.catalog.devices.map(\.id)))
        } catch {
            throw StartupError("\(error)")
        }
        let (themes, index) = try themes(spec: themeSpec, workspaceTheme: workspace.selection.theme, themesDirectory: themesDirectory)
        let models = prepare(workspace.models)
        return AppState(workspace: workspace, path: workspacePath, simulator: sim, models: models, themes: themes,
                        themeIndex: index, capabilities: capabilities, cols: cols, rows: rows, now: now)
    }

    /// Loads and prepares every model of the workspace, in parallel (each is independent: a catalog build or a file
    /// import, then shape inference and cost reports), in workspace order.
    public static func prepare(_ slots: [ModelSlot]) -> [ModelEntry] {
        let results = PreparedModels(count: slots.count)
        DispatchQueue.concurrentPerform(iterations: slots.count) { i in
            let slot = slots[i]
            let entry: ModelEntry
            do {
                entry = .ready(EstimationCache(model: try WorkbenchModel(slot: slot)))
            } catch {
                entry = .failed(slot: slot, reason: "\(error)")
            }
            results.set(i, entry)
        }
        return results.entries
    }
}

/// The models being prepared, filled from several threads (each index once).
private final class PreparedModels: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [ModelEntry?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ i: Int, _ entry: ModelEntry) {
        lock.lock()
        slots[i] = entry
        lock.unlock()
    }

    var entries: [ModelEntry] {
        lock.lock()
        defer { lock.unlock() }
        return slots.map { $0! }
    }
}
