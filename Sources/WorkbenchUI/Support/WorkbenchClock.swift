import Foundation

/// Where the workbench gets the time: the runner asks it before every message it hands to `update`, so tests
/// replace it with a ``ManualClock`` and advance time by hand (status messages expire, ETAs move).
public protocol WorkbenchClock: Sendable {
    /// Seconds since an arbitrary fixed origin; never decreases.
    func now() -> Double
}

/// The monotonic system clock.
public struct SystemClock: WorkbenchClock {
    public init() {}
    public func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
}

/// A clock that moves only when told to.
public final class ManualClock: WorkbenchClock, @unchecked Sendable {
    private let lock = NSLock()
    private var time: Double

    public init(_ start: Double = 0) { time = start }

    public func now() -> Double {
        lock.lock()
        defer { lock.unlock() }
        return time
    }

    public func advance(by seconds: Double) {
        lock.lock()
        time += max(0, seconds)
        lock.unlock()
    }
}
