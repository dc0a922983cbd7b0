/// Singular value decomposition `A = U · diag(σ) · Vᵀ` of a dense real matrix, in double precision.
///
/// One-sided Jacobi (Hestenes 1958; the form analysed by Demmel & Veselić, "Jacobi's method is more
/// accurate than QR", SIAM J. Matrix Anal. Appl. 13(4), 1992): plane rotations are applied to pairs of
/// columns of `B` (A, or Aᵀ when A is wide, so that B is tall) until every pair is orthogonal to working
/// precision; the column norms are then the singular values, the normalised columns are U, and the
/// accumulated rotations are V. It needs no bidiagonalisation, computes small singular values to high
/// relative accuracy, and its inner loop is two streaming dot products over contiguous columns — simple
/// enough to be obviously right, and fast enough for layer weights (a 1280 × 512 weight takes a few
/// seconds). All arithmetic is in `Double`, whatever the weights' type.
///
/// Singular values come sorted in descending order; U is `rows × k` and V is `cols × k` (row-major),
/// `k = min(rows, cols)`. A column of U belonging to σ = 0 is zero (no basis is completed for the null
/// space: factorisation never keeps those directions).
public struct SVD: Sendable {
    public let rows: Int
    public let cols: Int
    /// `rows × k`, row-major.
    public var u: [Double]
    /// `k` values, descending.
    public var s: [Double]
    /// `cols × k`, row-major.
    public var v: [Double]
    /// Jacobi sweeps until convergence.
    public var sweeps: Int

    public var k: Int { s.count }

    /// Decomposes the row-major `rows × cols` matrix `a`.
    /// - Throws: ``OptimizeError/badTensor(name:reason:)`` for a size mismatch or a non-finite entry.
    /// - Complexity: O(rows · cols · min(rows, cols)) per sweep; typically 6–12 sweeps.
    public init(_ a: [Double], rows: Int, cols: Int, name: String = "matrix") throws {
        guard rows > 0, cols > 0, a.count == rows * cols else {
            throw OptimizeError.badTensor(name: name, reason: "\(a.count) values for a \(rows) × \(cols) matrix")
        }
        guard a.allSatisfy(\.isFinite) else {
            throw OptimizeError.badTensor(name: name, reason: "holds NaN or infinity; an SVD needs finite values")
        }
        self.rows = rows
        self.cols = cols
        // B (p × q, p ≥ q) stored column by column: column j is b[j*p ..< (j+1)*p].
        let transposed = cols > rows
        let p = transposed ? cols : rows, q = transposed ? rows : cols
        var b = [Double](repeating: 0, count: p * q)
        for i in 0..<rows {
            for j in 0..<cols {
                if transposed { b[i * p + j] = a[i * cols + j] } else { b[j * p + i] = a[i * cols + j] }
            }
        }
        var w = [Double](repeating: 0, count: q * q)   // accumulated rotations, column-major q × q
        for j in 0..<q { w[j * q + j] = 1 }
        let eps = 2.220446049250313e-16
        var sweep = 0
        b.withUnsafeMutableBufferPointer { bp in
            w.withUnsafeMutableBufferPointer { wp in
                while sweep < 80 {
                    sweep += 1
                    var rotated = false
                    for j in 0..<(q - 1) {
                        for k in (j + 1)..<q {
                            let cj = j * p, ck = k * p
                            var alpha = 0.0, beta = 0.0, gamma = 0.0
                            for i in 0..<p {
                                let x = bp[cj + i], y = bp[ck + i]
                                alpha += x * x
                                beta += y * y
                                gamma += x * y
                            }
                            guard gamma != 0, abs(gamma) > eps * (alpha * beta).squareRoot() else { continue }
                            rotated = true
                            // The rotation that zeroes the (j, k) entry of BᵀB (Rutishauser's stable form).
                            let zeta = (beta - alpha) / (2 * gamma)
                            let t = (zeta >= 0 ? 1.0 : -1.0) / (abs(zeta) + (1 + zeta * zeta).squareRoot())
                            let c = 1 / (1 + t * t).squareRoot(), s = c * t
                            for i in 0..<p {
                                let x = bp[cj + i], y = bp[ck + i]
                                bp[cj + i] = c * x - s * y
                                bp[ck + i] = s * x + c * y
                            }
                            let vj = j * q, vk = k * q
                            for i in 0..<q {
                                let x = wp[vj + i], y = wp[vk + i]
                                wp[vj + i] = c * x - s * y
                                wp[vk + i] = s * x + c * y
                            }
                        }
                    }
                    if !rotated { break }
                }
            }
        }
        sweeps = sweep
        var norms = (0..<q).map { j in (0..<p).reduce(0.0) { $0 + b[j * p + $1] * b[j * p + $1] }.squareRoot() }
        let order = (0..<q).sorted { norms[$0] > norms[$1] || (norms[$0] == norms[$1] && $0 < $1) }
        // Left vectors of B: normalised columns; right vectors of B: columns of w.
        var left = [Double](repeating: 0, count: p * q)    // p × q row-major
        var right = [Double](repeating: 0, count: q * q)   // q × q row-major
        for (dst, j) in order.enumerated() {
            let n = norms[j]
            if n > 0 { for i in 0..<p { left[i * q + dst] = b[j * p + i] / n } }
            for i in 0..<q { right[i * q + dst] = w[j * q + i] }
        }
        norms = order.map { norms[$0] }
        s = norms
        // A = B (U_A = left, V_A = right) or A = Bᵀ (U_A = right, V_A = left).
        (u, v) = transposed ? (right, left) : (left, right)
    }

    /// Number of singular values above `σ_max · max(rows, cols) · ε` — numpy's `matrix_rank` tolerance.
    public var numericalRank: Int {
        guard let top = s.first, top > 0 else { return 0 }
        let tol = top * Double(max(rows, cols)) * 2.220446049250313e-16
        return s.filter { $0 > tol }.count
    }

    /// Smallest rank whose singular values keep at least `fraction` of Σσ² (the "energy").
    public func rank(keepingEnergy fraction: Double) -> Int {
        let total = s.reduce(0) { $0 + $1 * $1 }
        guard total > 0 else { return 0 }
        var kept = 0.0
        for (i, x) in s.enumerated() {
            kept += x * x
            if kept >= fraction * total * (1 - 1e-12) { return i + 1 }
        }
        return s.count
    }

    /// Fraction of Σσ² kept by the first `r` singular values.
    public func energy(rank r: Int) -> Double {
        let total = s.reduce(0) { $0 + $1 * $1 }
        guard total > 0 else { return 1 }
        return s.prefix(r).reduce(0) { $0 + $1 * $1 } / total
    }
}
