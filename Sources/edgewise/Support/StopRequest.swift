import Foundation
import Synchronization

/// Ctrl-C as a request to stop after the current unit of work, for long commands (`optimize`).
///
/// The first SIGINT only raises a flag the work polls between units (a calibration feed, a layer, an
/// evaluation), so what is finished can be kept and reported; the handler then restores the default
/// action, so a second Ctrl-C ends the process at once.
enum StopRequest {
    static let raised = Atomic<Bool>(false)

    /// Installs the handler.
    static func install() {
        signal(SIGINT) { _ in
            StopRequest.raised.store(true, ordering: .relaxed)
            signal(SIGINT, SIG_DFL)
        }
    }

    static var isRaised: Bool { raised.load(ordering: .relaxed) }

    /// The shell's exit status for a run stopped by SIGINT (128 + 2).
    static let exitCode: Int32 = 130
}

/// A one-line progress bar on standard error, drawn only when standard error is a terminal.
struct ProgressLine {
    let enabled: Bool
    private var lastDraw = Date.distantPast
    private var lastText = ""

    init(enabled: Bool = isatty(STDERR_FILENO) == 1) { self.enabled = enabled }

    /// `label  [#####.....]  done/total` (no bar when the total is unknown), redrawn at most 20 times a second.
    mutating func update(_ label: String, done: Int, total: Int) {
        guard enabled else { return }
        let now = Date()
        guard now.timeIntervalSince(lastDraw) > 0.05 || done == total else { return }
        lastDraw = now
        var text = label
        if total > 0 {
            let width = 24, filled = min(width, width * done / total)
            text += "  [" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "]  \(done)/\(total)"
        } else {
            text += "  \(done)"
        }
        guard text != lastText else { return }
        lastText = text
        FileHandle.standardError.write(Data(("\r\u{1B}[2K" + text).utf8))
    }

    /// Erases the line.
    mutating func clear() {
        guard enabled, !lastText.isEmpty else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
        lastText = ""
    }
}
