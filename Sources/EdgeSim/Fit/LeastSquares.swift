import Foundation

/// Dense linear algebra the fitter needs: a Cholesky solve of a small symmetric positive system.
enum LinearAlgebra {
    /// Solves `A x = b` for symmetric positive definite `A` (row-major n×n), or nil if not positive definite.
    /// - Complexity: O(n³).
    static func choleskySolve(_ a: [Double], _ b: [Double], n: Int) -> [Double]? {
        var l = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0...i {
                var s = a[i * n + j]
                for k in 0..<j { s -= l[i * n + k] * l[j * n + k] }
                if i == j {
                    guard s > 0, s.isFinite else { return nil }
                    l[i * n + i] = s.squareRoot()
                } else {
                    l[i * n + j] = s / l[j * n + j]
                }
            }
        }
        var y = [Double](repeating: 0, count: n)
        for i in 0..<n {
            var s = b[i]
            for k in 0..<i { s -= l[i * n + k] * y[k] }
            y[i] = s / l[i * n + i]
        }
        var x = [Double](repeating: 0, count: n)
        for i in stride(from: n - 1, through: 0, by: -1) {
            var s = y[i]
            for k in (i + 1)..<n { s -= l[k * n + i] * x[k] }
            x[i] = s / l[i * n + i]
        }
        return x
    }
}

/// Maximum-a-posteriori fit in log space with Levenberg–Marquardt.
///
/// Minimises Σ wᵢ (log predᵢ − log obsᵢ)² + Σⱼ ((zⱼ − log cⱼ) / log sⱼ)² over zⱼ = log θⱼ, where the
/// second sum is each parameter's prior (centre c, multiplicative spread s). Working in logs makes a
/// 2× error count the same on a 1 ms and a 1 s figure, and keeps every parameter positive.
struct LogSpaceFitter {
    /// Rows: prediction as a function of θ (all parameters), observed value, weight, parameters used.
    struct Row {
        let observed: Double
        let weight: Double
        let used: [Int]
    }

    let rows: [Row]
    let priors: [Prior]
    /// Soft equalities (zᵢ − zⱼ) / log s between a class parameter and its group's.
    var couplings: [(Int, Int, Double)] = []
    let predict: (Int, [Double]) -> Double

    /// Fits the parameters that the given rows use; others stay at `start`.
    /// - Returns: fitted θ for all parameters.
    func fit(rowSubset: [Int], start: [Double], maxIterations: Int = 200) -> [Double] {
        var freeSet = Set<Int>()
        for r in rowSubset { freeSet.formUnion(rows[r].used) }
        // A coupled partner of a free parameter is free too (a group value, or an unseen class).
        var partners: [Int: [(Int, Double)]] = [:]
        for (i, j, s) in couplings {
            partners[i, default: []].append((j, s))
            partners[j, default: []].append((i, s))
        }
        var frontier = Array(freeSet)
        while let p = frontier.popLast() {
            for (q, _) in partners[p] ?? [] where freeSet.insert(q).inserted { frontier.append(q) }
        }
        let links = couplings.filter { freeSet.contains($0.0) && freeSet.contains($0.1) }
        let free = freeSet.sorted()
        guard !free.isEmpty else { return start }
        var slot = [Int](repeating: -1, count: priors.count)
        for (k, p) in free.enumerated() { slot[p] = k }
        let n = free.count
        var theta = start
        var z = theta.map { log($0) }
        let lo = priors.map { log($0.lower) }, hi = priors.map { log($0.upper) }
        let logC = priors.map { log($0.center) }, logS = priors.map { log($0.spread) }

        func rowResidual(_ r: Int, _ th: [Double]) -> Double {
            let p = predict(r, th)
            guard p > 0, p.isFinite else { return 50 }
            return rows[r].weight.squareRoot() * (log(p) - log(rows[r].observed))
        }
        func cost(_ th: [Double], _ zz: [Double]) -> Double {
            var c = 0.0
            for r in rowSubset { let e = rowResidual(r, th); c += e * e }
            for p in free { let e = (zz[p] - logC[p]) / logS[p]; c += e * e }
            for (i, j, s) in links { let e = (zz[i] - zz[j]) / log(s); c += e * e }
            return c
        }
        var current = cost(theta, z)
        var mu = 1e-2
        let h = 1e-5
        for _ in 0..<maxIterations {
            // Normal equations from the sparse Jacobian.
            var a = [Double](repeating: 0, count: n * n)
            var g = [Double](repeating: 0, count: n)
            for r in rowSubset {
                let e = rowResidual(r, theta)
                var grads: [(Int, Double)] = []
                grads.reserveCapacity(rows[r].used.count)
                for p in rows[r].used {
                    var t = theta
                    t[p] = exp(z[p] + h)
                    grads.append((slot[p], (rowResidual(r, t) - e) / h))
                }
                for (i, gi) in grads {
                    g[i] += gi * e
                    for (j, gj) in grads { a[i * n + j] += gi * gj }
                }
            }
            for p in free {
                let k = slot[p]
                let e = (z[p] - logC[p]) / logS[p]
                a[k * n + k] += 1 / (logS[p] * logS[p])
                g[k] += e / logS[p]
            }
            for (i, j, s) in links {
                let w = 1 / log(s), e = (z[i] - z[j]) * w
                let (ki, kj) = (slot[i], slot[j])
                a[ki * n + ki] += w * w
                a[kj * n + kj] += w * w
                a[ki * n + kj] -= w * w
                a[kj * n + ki] -= w * w
                g[ki] += w * e
                g[kj] -= w * e
            }
            // Active set: a parameter at a bound whose gradient pushes it further out stays put.
            var active = [Bool](repeating: true, count: n)
            for (k, p) in free.enumerated() {
                if z[p] <= lo[p] + 1e-12, g[k] > 0 { active[k] = false }
                if z[p] >= hi[p] - 1e-12, g[k] < 0 { active[k] = false }
            }
            let act = (0..<n).filter { active[$0] }
            let m = act.count
            var improved = false
            for _ in 0..<16 where m > 0 {
                var damped = [Double](repeating: 0, count: m * m)
                var rhs = [Double](repeating: 0, count: m)
                for (i, ki) in act.enumerated() {
                    rhs[i] = -g[ki]
                    for (j, kj) in act.enumerated() { damped[i * m + j] = a[ki * n + kj] }
                    damped[i * m + i] += mu * max(a[ki * n + ki], 1e-9)
                }
                guard let step = LinearAlgebra.choleskySolve(damped, rhs, n: m) else { mu *= 10; continue }
                var zNew = z
                for (i, ki) in act.enumerated() {
                    let p = free[ki]
                    zNew[p] = min(hi[p], max(lo[p], z[p] + step[i]))
                }
                var tNew = theta
                for p in free { tNew[p] = exp(zNew[p]) }
                let c = cost(tNew, zNew)
                if c < current {
                    let gain = current - c
                    z = zNew
                    theta = tNew
                    current = c
                    mu = max(mu / 3, 1e-9)
                    improved = true
                    if gain < 1e-9 * max(1, current) { return theta }
                    break
                }
                mu *= 4
            }
            if !improved { break }
        }
        return theta
    }
}
