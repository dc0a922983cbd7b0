extension Graph {
    /// Node indices in an order where every node comes after the producers of its inputs.
    ///
    /// Stable: among ready nodes the one earliest in `nodes` goes first, so an already-sorted graph
    /// keeps its order (and its per-layer table reads like the file).
    /// - Throws: ``IRError/cycle(nodes:)`` naming nodes on the cycle, or
    ///   ``IRError/duplicateValue(_:)`` when two nodes write the same value.
    /// - Complexity: O(nodes + edges · log nodes).
    public func topologicalOrder() throws -> [Int] {
        var producer: [String: Int] = [:]
        producer.reserveCapacity(nodes.count * 2)
        for (i, n) in nodes.enumerated() {
            for o in n.outputs where !o.isEmpty {
                if producer.updateValue(i, forKey: o) != nil { throw IRError.duplicateValue(o) }
            }
        }
        var indegree = [Int](repeating: 0, count: nodes.count)
        var dependents = [[Int]](repeating: [], count: nodes.count)
        for (i, n) in nodes.enumerated() {
            var deps = Set<Int>()
            for v in n.inputs where !v.isEmpty { if let p = producer[v] { deps.insert(p) } }
            for v in n.implicitInputs { if let p = producer[v] { deps.insert(p) } }
            if deps.contains(i) { throw IRError.cycle(nodes: [n.name]) }
            indegree[i] = deps.count
            for d in deps { dependents[d].append(i) }
        }
        // A binary heap of ready indices keeps the order stable without O(n²) scans.
        var ready = MinHeap()
        for i in 0..<nodes.count where indegree[i] == 0 { ready.push(i) }
        var order: [Int] = []
        order.reserveCapacity(nodes.count)
        while let i = ready.pop() {
            order.append(i)
            for d in dependents[i] {
                indegree[d] -= 1
                if indegree[d] == 0 { ready.push(d) }
            }
        }
        if order.count != nodes.count {
            throw IRError.cycle(nodes: cycleNames(indegree: indegree, dependents: dependents))
        }
        return order
    }

    /// Returns the graph with nodes in topological order.
    public func topologicallySorted() throws -> Graph {
        let order = try topologicalOrder()
        if order.elementsEqual(0..<nodes.count) { return self }
        var g = self
        g.nodes = order.map { nodes[$0] }
        return g
    }

    /// Walks the unsorted remainder to find one actual cycle to name.
    private func cycleNames(indegree: [Int], dependents: [[Int]]) -> [String] {
        let remaining = Set(indegree.indices.filter { indegree[$0] > 0 })
        guard let start = remaining.min() else { return [] }
        var path: [Int] = [start]
        var index: [Int: Int] = [start: 0]
        var current = start
        while true {
            guard let next = dependents[current].first(where: { remaining.contains($0) }) else { break }
            if let at = index[next] { return path[at...].map { nodes[$0].name } + [nodes[next].name] }
            index[next] = path.count
            path.append(next)
            current = next
        }
        return path.map { nodes[$0].name }
    }
}

/// Minimal binary min-heap of Ints (the IR has no dependencies, so no swift-collections here).
struct MinHeap {
    private var a: [Int] = []

    mutating func push(_ v: Int) {
        a.append(v)
        var i = a.count - 1
        while i > 0 {
            let p = (i - 1) / 2
            if a[p] <= a[i] { break }
            a.swapAt(p, i)
            i = p
        }
    }

    mutating func pop() -> Int? {
        guard let top = a.first else { return nil }
        let last = a.removeLast()
        if !a.isEmpty {
            a[0] = last
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < a.count, a[l] < a[m] { m = l }
                if r < a.count, a[r] < a[m] { m = r }
                if m == i { break }
                a.swapAt(i, m)
                i = m
            }
        }
        return top
    }
}
