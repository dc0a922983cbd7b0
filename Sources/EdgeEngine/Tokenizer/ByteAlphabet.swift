/// GPT-2's reversible map between bytes and printable Unicode scalars.
///
/// Byte-level BPE vocabularies spell every byte as a visible character so merges never see control
/// characters or spaces: the printable Latin-1 bytes `!`…`~`, `¡`…`¬`, `®`…`ÿ` stand for themselves,
/// and the remaining 68 bytes, in increasing order, take U+0100, U+0101, … (so a space, byte 0x20,
/// is `Ġ` U+0120 and a newline, 0x0A, is `Ċ` U+010A).
public enum ByteAlphabet {
    static let table: [Unicode.Scalar] = {
        var out = [Unicode.Scalar](repeating: " ", count: 256)
        var next: UInt32 = 256
        for b in 0..<256 {
            let printable = (0x21...0x7E).contains(b) || (0xA1...0xAC).contains(b) || (0xAE...0xFF).contains(b)
            if printable {
                out[b] = Unicode.Scalar(UInt8(b))
            } else {
                out[b] = Unicode.Scalar(next)!
                next += 1
            }
        }
        return out
    }()

    static let inverse: [UInt32: UInt8] = {
        var d: [UInt32: UInt8] = [:]
        for (b, s) in table.enumerated() { d[s.value] = UInt8(b) }
        return d
    }()

    /// The stand-in scalar of a byte.
    public static func scalar(for byte: UInt8) -> Unicode.Scalar { table[Int(byte)] }

    /// The byte a stand-in scalar spells, or nil for scalars outside the alphabet.
    public static func byte(for scalar: Unicode.Scalar) -> UInt8? { inverse[scalar.value] }
}
