import ArgumentParser
import Foundation
import TermCore
import TermCurses
import WorkbenchUI

/// `edgewise [open] [WORKSPACE.yaml] [--theme NAME|FILE]`: the workbench TUI (the default subcommand).
struct OpenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "open",
        abstract: "Open the workbench on a workspace (default: Workspaces/default.yaml).",
        discussion: """
            Keys: 1–5 switch screens, ? lists every key (also in docs/keys.md), s saves, q quits. \
            NO_COLOR disables colour; without a UTF-8 locale the screens use ASCII.
            """)

    @Argument(help: "A workspace file (Workspaces/*.yaml).")
    var workspace: String?

    @Option(help: "Theme: a name from Themes/ (default, light, high-contrast, monochrome) or a theme file.")
    var theme: String?

    @Flag(help: "Do not ask the terminal for mouse events.")
    var noMouse = false

    @Flag(help: .hidden)
    var exitAfterFirstFrame = false

    func run() throws {
        let started = DispatchTime.now().uptimeNanoseconds
        let path: String
        if let workspace {
            path = workspace
        } else if let found = Startup.locate("Workspaces/default.yaml") {
            path = found
        } else {
            throw CLIError("cannot find Workspaces/default.yaml; run from the repository or give a workspace file")
        }
        guard FileManager.default.fileExists(atPath: path) else { throw CLIError("no such workspace file '\(path)'") }
        let themes = Startup.locate("Themes")
        // Everything that can fail is checked before the terminal is taken over, so errors print normally.
        if let theme { _ = try Self.checkTheme(theme, themes) }
        let env = ProcessInfo.processInfo.environment
        let terminal: CursesTerminal
        do {
            terminal = try CursesTerminal(environment: env, mouse: !noMouse)
        } catch {
            throw CLIError("\(error)")
        }
        let state: AppState
        do {
            let size = terminal.size
            state = try Startup.open(workspacePath: path, themeSpec: theme, themesDirectory: themes,
                                     capabilities: terminal.capabilities, cols: size.cols, rows: size.rows,
                                     now: SystemClock().now())
        } catch {
            terminal.stop()
            throw CLIError("\(error)")
        }
        let runner = WorkbenchRunner(state: state, terminal: terminal)
        if exitAfterFirstFrame {
            // Start-up timing: everything the real start does, one frame drawn, then the terminal restored.
            runner.send(.event(.tick))
            var frame = CellBuffer(width: terminal.size.cols, height: terminal.size.rows,
                                   fill: .blank(runner.state.theme[.background]))
            WorkbenchApp.view(runner.state, into: &frame)
            terminal.draw(frame)
            let drawn = DispatchTime.now().uptimeNanoseconds
            terminal.stop()
            let ms = Double(drawn - started) / 1e6
            FileHandle.standardError.write(Data("first frame after \(String(format: "%.1f", ms)) ms (from main)\n".utf8))
            return
        }
        runner.run()
        terminal.stop()
    }

    static func checkTheme(_ spec: String, _ dir: String?) throws -> Theme {
        do {
            return try ThemeLoader.resolve(spec, themesDirectory: dir ?? "Themes")
        } catch {
            throw CLIError("--theme: \(error)")
        }
    }
}
