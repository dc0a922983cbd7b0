import Foundation
import TermCore
import Workbench

/// Drives the pure application on a terminal: draws `view(state)`, turns terminal events into messages, performs
/// the effects `update` returns (saving, background jobs), and feeds background reports back as messages.
///
/// Only this type has side effects. Background jobs run on global dispatch queues and post into a locked inbox
/// that the UI thread drains after every terminal event (at least every `tickMilliseconds`).
public final class WorkbenchRunner {
    public private(set) var state: AppState
    let terminal: any TerminalBackend
    let clock: any WorkbenchClock
    private let inbox = Inbox()
    private var jobs: [Int: CancellationFlag] = [:]
    private var running = true
    /// Called after every frame is drawn (for start-up timing); nil normally.
    public var onFrame: (() -> Void)?

    public init(state: AppState, terminal: any TerminalBackend, clock: any WorkbenchClock = SystemClock()) {
        self.state = state
        self.terminal = terminal
        self.clock = clock
        let size = terminal.size
        self.state.cols = size.cols
        self.state.rows = size.rows
    }

    /// Runs until the application quits.
    public func run(tickMilliseconds: Int = 100) {
        // Derived data for the first screen, before the first frame.
        perform(WorkbenchApp.reconcile(&state))
        let t = state.theme
        TerminalLoop.run(terminal, tickMilliseconds: tickMilliseconds,
                         notice: TooSmallNotice(style: t[.text], emphasis: t[.bad]), background: t[.background],
                         handle: { event in
                             self.send(.event(event))
                             self.drain()
                             return self.running
                         },
                         render: { frame in
                             WorkbenchApp.view(self.state, into: &frame)
                             self.onFrame?()
                         })
        for flag in jobs.values { flag.cancel() }
    }

    /// Applies one message now (the UI thread).
    public func send(_ message: Message) {
        perform(WorkbenchApp.update(&state, message, now: clock.now()))
    }

    /// Applies every message background jobs posted since the last call.
    public func drain() {
        for m in inbox.take() { send(m) }
    }

    /// Waits up to `timeout` seconds until `condition(state)` holds, draining background messages (for tests and
    /// benchmarks that drive the runner without a terminal loop).
    @discardableResult
    public func wait(timeout: Double, until condition: (AppState) -> Bool) -> Bool {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            drain()
            if condition(state) { return true }
            inbox.waitForMessage(until: end)
        }
        drain()
        return condition(state)
    }

    func perform(_ effects: [Effect]) {
        for e in effects {
            switch e {
            case .quit:
                running = false
            case .save(let workspace, let path, let thenQuit):
                var failure: String?
                do { try workspace.save(to: path) } catch { failure = "\(error)" }
                send(.saveFinished(error: failure, thenQuit: thenQuit))
            case .cancel(let job):
                jobs.removeValue(forKey: job)?.cancel()
            case .evaluate(let job, let evaluation):
                let flag = CancellationFlag()
                jobs[job] = flag
                let inbox = self.inbox
                DispatchQueue.global(qos: .userInitiated).async {
                    var lastPost = -1.0
                    let result: Result<EvaluationResult, EvaluationError>
                    do {
                        result = .success(try evaluation.run(cancel: flag) { f in
                            // At most one progress message per percent.
                            if f - lastPost >= 0.01 || f >= 1 {
                                lastPost = f
                                inbox.post(.evaluationProgress(job: job, fraction: f))
                            }
                        })
                    } catch let e as EvaluationError {
                        result = .failure(e)
                    } catch {
                        result = .failure(.failed("\(error)"))
                    }
                    inbox.post(.evaluationFinished(job: job, result: result))
                }
            case .loadModel(let job, let slot):
                let inbox = self.inbox
                DispatchQueue.global(qos: .userInitiated).async {
                    let r: Result<WorkbenchModel, WorkbenchError>
                    do {
                        r = .success(try WorkbenchModel(slot: slot))
                    } catch let e as WorkbenchError {
                        r = .failure(e)
                    } catch {
                        r = .failure(.model(reference: slot.reference, reason: "\(error)"))
                    }
                    inbox.post(.modelLoaded(job: job, result: r))
                }
            case .analyzeSensitivity(let job, let request):
                let flag = CancellationFlag()
                jobs[job] = flag
                let inbox = self.inbox
                DispatchQueue.global(qos: .utility).async {
                    var lastPost = -1.0
                    let result: Result<LayerSensitivity, EvaluationError>
                    do {
                        result = .success(try request.run(cancel: flag) { f in
                            if f - lastPost >= 0.01 || f >= 1 {
                                lastPost = f
                                inbox.post(.sensitivityProgress(job: job, fraction: f))
                            }
                        })
                    } catch let e as EvaluationError {
                        result = .failure(e)
                    } catch {
                        result = .failure(.failed("\(error)"))
                    }
                    inbox.post(.sensitivityFinished(job: job, result: result))
                }
            case .simulate(let job, let request):
                let inbox = self.inbox
                DispatchQueue.global(qos: .userInitiated).async {
                    inbox.post(.simulationFinished(job: job, request.run()))
                }
            case .sustain(let job, let request):
                let flag = CancellationFlag()
                jobs[job] = flag
                let inbox = self.inbox
                DispatchQueue.global(qos: .userInitiated).async {
                    let r = request.run()
                    if !flag.isCancelled { inbox.post(.sustainedFinished(job: job, result: r)) }
                }
            }
        }
    }
}

/// Messages posted by background threads for the UI thread.
final class Inbox: @unchecked Sendable {
    private let condition = NSCondition()
    private var messages: [Message] = []

    func post(_ m: Message) {
        condition.lock()
        messages.append(m)
        condition.signal()
        condition.unlock()
    }

    func take() -> [Message] {
        condition.lock()
        defer { condition.unlock() }
        let m = messages
        messages.removeAll()
        return m
    }

    func waitForMessage(until deadline: Date) {
        condition.lock()
        if messages.isEmpty { _ = condition.wait(until: deadline) }
        condition.unlock()
    }
}
