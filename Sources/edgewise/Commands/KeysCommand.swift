import ArgumentParser
import WorkbenchUI

/// `edgewise keys`: every key of the workbench as Markdown (what docs/keys.md holds).
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Print the workbench's key bindings as Markdown (docs/keys.md is generated from this).")

    func run() throws {
        print(KeyBindings.markdown(), terminator: "")
    }
}
