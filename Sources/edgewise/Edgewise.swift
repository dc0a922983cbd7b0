import ArgumentParser

/// The `edgewise` command: the workbench TUI by default, and a headless twin for every action.
@main
struct Edgewise: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edgewise",
        abstract: "A terminal workbench for deploying AI models to edge devices.",
        discussion: """
            MODEL is a catalog reference (zoo:<id>[?key=value&…], see `edgewise catalog`) or a model file \
            (ONNX, TFLite, GGUF, safetensors; detected by content).
            """,
        version: "0.1.0",
        subcommands: [OpenCommand.self, InspectCommand.self, CatalogCommand.self, ExportCommand.self, RunCommand.self,
                      BenchCommand.self, GenerateCommand.self, DevicesCommand.self, SimulateCommand.self,
                      CalibrateCommand.self, WorkspaceCommand.self, TuneCommand.self, CompareCommand.self,
                      DashboardCommand.self, KeysCommand.self, OptimizeCommand.self],
        defaultSubcommand: OpenCommand.self
    )
}
