import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A tmux session on its own server socket running one command, for driving the real binary like a user:
/// send keys, capture the screen, poll for text with a deadline (never fixed sleeps), resize the window.
final class Tmux {
    enum Failure: Error, CustomStringConvertible {
        case notInstalled
        case command(String)
        var description: String {
            switch self {
            case .notInstalled: return "tmux is not installed (.ci/run installs it)"
            case .command(let c): return "tmux failed: \(c)"
            }
        }
    }

    let socket = "edgewise-e2e-\(UUID().uuidString.prefix(8))"
    let name = "e2e"

    /// Starts `command` (run by /bin/sh) in a detached session of `cols`×`rows`.
    init(_ command: String, cols: Int = 120, rows: Int = 40) throws {
        guard Tmux.which("tmux") else { throw Failure.notInstalled }
        try run(["new-session", "-d", "-s", name, "-x", "\(cols)", "-y", "\(rows)", command])
    }

    deinit {
        try? run(["kill-server"])
        // kill-server leaves the socket file behind.
        let dir = ProcessInfo.processInfo.environment["TMUX_TMPDIR"] ?? "/tmp"
        try? FileManager.default.removeItem(atPath: "\(dir)/tmux-\(getuid())/\(socket)")
    }

    static func which(_ tool: String) -> Bool {
        (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").contains {
            FileManager.default.isExecutableFile(atPath: "\($0)/\(tool)")
        }
    }

    /// Runs `tmux -L socket args…` and returns its standard output.
    ///
    /// Spawned with posix_spawn, an empty signal mask and default dispositions: the tmux server forked by the
    /// first command passes both on to the program under test, which must see SIGTERM, SIGINT and SIGWINCH as a
    /// user's shell would (the test runner itself may run with signals blocked). The server is given /dev/null for
    /// its output, since it keeps every descriptor it inherits.
    @discardableResult
    func run(_ args: [String]) throws -> String {
        let argv = ["tmux", "-L", socket] + args
        var pipe: [Int32] = [0, 0]
        let capture = args.first != "new-session"
        if capture { guard Glibc.pipe(&pipe) == 0 else { throw Failure.command("pipe") } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        if capture {
            posix_spawn_file_actions_adddup2(&actions, pipe[1], 1)
            posix_spawn_file_actions_addclose(&actions, pipe[0])
            posix_spawn_file_actions_addclose(&actions, pipe[1])
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        }
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var empty = sigset_t(), all = sigset_t()
        sigemptyset(&empty)
        sigfillset(&all)
        sigdelset(&all, SIGKILL)
        sigdelset(&all, SIGSTOP)
        posix_spawnattr_setsigmask(&attr, &empty)
        posix_spawnattr_setsigdefault(&attr, &all)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let cargs = argv.map { strdup($0) } + [nil]
        defer { for a in cargs { free(a) } }
        let rc = posix_spawnp(&pid, "tmux", &actions, &attr, cargs, environ)
        var output = Data()
        if capture {
            close(pipe[1])
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let n = read(pipe[0], &buffer, buffer.count)
                if n <= 0 { break }
                output.append(contentsOf: buffer[0..<n])
            }
            close(pipe[0])
        }
        guard rc == 0 else { throw Failure.command(argv.joined(separator: " ")) }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        guard status == 0 else { throw Failure.command(argv.joined(separator: " ")) }
        return String(decoding: output, as: UTF8.self)
    }

    /// The visible screen as text.
    func screen() -> String { (try? run(["capture-pane", "-t", name, "-p"])) ?? "" }

    /// Sends keys in tmux's names (`Up`, `Escape`, `C-c`, `End`) or literal characters.
    func send(_ keys: String...) throws { try run(["send-keys", "-t", name] + keys) }

    func resize(cols: Int, rows: Int) throws { try run(["resize-window", "-t", name, "-x", "\(cols)", "-y", "\(rows)"]) }

    /// A pane format value, e.g. `#{alternate_on}` or `#{pane_pid}`.
    func display(_ format: String) -> String {
        ((try? run(["display-message", "-p", "-t", name, format])) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Polls the screen until `condition` holds or `timeout` seconds pass; returns the last screen and whether it held.
    @discardableResult
    func wait(timeout: Double = 60, _ condition: (String) -> Bool) -> (ok: Bool, screen: String) {
        let end = Date().addingTimeInterval(timeout)
        var last = ""
        repeat {
            last = screen()
            if condition(last) { return (true, last) }
            usleep(50_000)
        } while Date() < end
        return (false, last)
    }

    func wait(for text: String, timeout: Double = 60) -> (ok: Bool, screen: String) { wait(timeout: timeout) { $0.contains(text) } }

    /// Polls until every one of `texts` is on the same captured screen. A curses program draws a frame in several
    /// writes, so one text being visible does not mean the rest of the frame is: assertions about a frame wait
    /// for all of it instead of checking a capture that may be half drawn.
    func wait(forAll texts: [String], timeout: Double = 60) -> (ok: Bool, screen: String) {
        wait(timeout: timeout) { screen in texts.allSatisfy { screen.contains($0) } }
    }
}
