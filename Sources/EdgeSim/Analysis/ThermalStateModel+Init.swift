extension ThermalStateModel {
    /// A state's behaviour given directly, for callers outside EdgeSim that compose it (the workbench scales the
    /// dominant precision's states to a mixed-precision strategy before running the thermal model). Labels differ
    /// from the internal memberwise initializer, which Swift does not let an extension redeclare.
    public init(state name: String, secondsPerFrame latency: Double, busyWatts busyPower: Double) {
        self.init(name: name, latency: latency, busyPower: busyPower)
    }
}
