/// DEFLATE decompression (RFC 1951) and the zlib wrapper (RFC 1950), for PNG image data.
///
/// A plain bit reader with canonical-Huffman decoding tables built per block; every length and
/// distance is checked against the input and the output produced so far, and the output is capped
/// so a hostile stream cannot make it allocate without bound.
public enum Inflate {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Decompresses a zlib stream (2-byte header, DEFLATE data, Adler-32 checksum).
    public static func zlib(_ data: [UInt8], limit: Int) throws -> [UInt8] {
        guard data.count >= 2, data[0] & 0x0f == 8, (UInt16(data[0]) << 8 | UInt16(data[1])) % 31 == 0 else {
            throw Failure(description: "not a zlib stream (header \(data.prefix(2).map { String($0, radix: 16) }))")
        }
        guard data[1] & 0x20 == 0 else { throw Failure(description: "zlib preset dictionaries are not supported") }
        return try deflate(data, start: 2, limit: limit)
    }

    static let lengthBase: [Int] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
    static let lengthExtra: [Int] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    static let distBase: [Int] = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073,
                                  4097, 6145, 8193, 12289, 16385, 24577]
    static let distExtra: [Int] = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]
    static let codeLengthOrder: [Int] = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    /// A canonical Huffman code: symbols sorted by code, with counts per length.
    struct Huffman {
        var counts = [Int](repeating: 0, count: 16)
        var symbols: [Int] = []

        init(lengths: [Int]) throws {
            for l in lengths { counts[l] += 1 }
            counts[0] = 0
            var left = 1
            for len in 1..<16 {
                left <<= 1
                left -= counts[len]
                if left < 0 { throw Failure(description: "over-subscribed Huffman code") }
            }
            var offs = [Int](repeating: 0, count: 16)
            for len in 1..<15 { offs[len + 1] = offs[len] + counts[len] }
            symbols = [Int](repeating: 0, count: lengths.count)
            for (s, l) in lengths.enumerated() where l != 0 { symbols[offs[l]] = s; offs[l] += 1 }
        }
    }

    struct Bits {
        let data: [UInt8]
        var pos: Int
        var bitBuf = 0, bitCount = 0

        mutating func bits(_ n: Int) throws -> Int {
            while bitCount < n {
                guard pos < data.count else { throw Failure(description: "compressed data ends early") }
                bitBuf |= Int(data[pos]) << bitCount
                pos += 1
                bitCount += 8
            }
            let v = bitBuf & ((1 << n) - 1)
            bitBuf >>= n
            bitCount -= n
            return v
        }

        mutating func decode(_ h: Huffman) throws -> Int {
            var code = 0, first = 0, index = 0
            for len in 1..<16 {
                code |= try bits(1)
                let count = h.counts[len]
                if code - count < first { return h.symbols[index + (code - first)] }
                index += count
                first += count
                first <<= 1
                code <<= 1
            }
            throw Failure(description: "invalid Huffman code")
        }
    }

    static func deflate(_ data: [UInt8], start: Int, limit: Int) throws -> [UInt8] {
        var out: [UInt8] = []
        var br = Bits(data: data, pos: start)
        var final = 0
        repeat {
            final = try br.bits(1)
            let type = try br.bits(2)
            switch type {
            case 0:
                br.bitBuf = 0; br.bitCount = 0
                guard br.pos + 4 <= data.count else { throw Failure(description: "stored block header past the end") }
                let len = Int(data[br.pos]) | Int(data[br.pos + 1]) << 8
                let nlen = Int(data[br.pos + 2]) | Int(data[br.pos + 3]) << 8
                guard len == (~nlen & 0xffff) else { throw Failure(description: "stored block length check failed") }
                br.pos += 4
                guard br.pos + len <= data.count, out.count + len <= limit else { throw Failure(description: "stored block past the end or over the limit") }
                out += data[br.pos..<(br.pos + len)]
                br.pos += len
            case 1, 2:
                var lit: Huffman, dist: Huffman
                if type == 1 {
                    lit = try Huffman(lengths: Array(repeating: 8, count: 144) + Array(repeating: 9, count: 112)
                                      + Array(repeating: 7, count: 24) + Array(repeating: 8, count: 8))
                    dist = try Huffman(lengths: Array(repeating: 5, count: 30))
                } else {
                    let nlen = try br.bits(5) + 257, ndist = try br.bits(5) + 1, ncode = try br.bits(4) + 4
                    guard nlen <= 286, ndist <= 30 else { throw Failure(description: "bad dynamic block counts") }
                    var cl = [Int](repeating: 0, count: 19)
                    for i in 0..<ncode { cl[codeLengthOrder[i]] = try br.bits(3) }
                    let clh = try Huffman(lengths: cl)
                    var lengths: [Int] = []
                    while lengths.count < nlen + ndist {
                        let sym = try br.decode(clh)
                        switch sym {
                        case 0..<16: lengths.append(sym)
                        case 16:
                            guard let prev = lengths.last else { throw Failure(description: "repeat with no previous length") }
                            lengths += Array(repeating: prev, count: 3 + (try br.bits(2)))
                        case 17: lengths += Array(repeating: 0, count: 3 + (try br.bits(3)))
                        default: lengths += Array(repeating: 0, count: 11 + (try br.bits(7)))
                        }
                    }
                    guard lengths.count == nlen + ndist else { throw Failure(description: "code lengths overrun") }
                    lit = try Huffman(lengths: Array(lengths[..<nlen]))
                    dist = try Huffman(lengths: Array(lengths[nlen...]))
                }
                while true {
                    let sym = try br.decode(lit)
                    if sym < 256 {
                        guard out.count < limit else { throw Failure(description: "decompressed data exceeds \(limit) bytes") }
                        out.append(UInt8(sym))
                    } else if sym == 256 {
                        break
                    } else {
                        let li = sym - 257
                        guard li < 29 else { throw Failure(description: "bad length symbol") }
                        let length = lengthBase[li] + (try br.bits(lengthExtra[li]))
                        let di = try br.decode(dist)
                        guard di < 30 else { throw Failure(description: "bad distance symbol") }
                        let d = distBase[di] + (try br.bits(distExtra[di]))
                        guard d <= out.count, out.count + length <= limit else { throw Failure(description: "distance too far back or output over the limit") }
                        let from = out.count - d
                        for k in 0..<length { out.append(out[from + k]) }
                    }
                }
            default:
                throw Failure(description: "invalid block type 3")
            }
        } while final == 0
        return out
    }
}
