/// WAV (RIFF/WAVE) audio: PCM 8/16/24/32-bit integer or 32/64-bit IEEE float, any channel count.
///
/// Samples become float32 in [−1, 1] (integers divided by their full scale); several channels are
/// averaged to one, the form speech models (Silero VAD) take. Chunk sizes are checked against the file.
public struct WAVAudio: Sendable {
    public let sampleRate: Int
    public let channels: Int
    /// Mono samples.
    public let samples: [Float]
}

public enum WAV {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public static func decode(_ b: [UInt8], name: String = "wav") throws -> WAVAudio {
        func fail(_ why: String) -> Failure { Failure(description: "\(name): \(why)") }
        func le(_ i: Int, _ n: Int) -> Int { (0..<n).reduce(0) { $0 | Int(b[i + $1]) << (8 * $1) } }
        guard b.count >= 12, Array(b[0..<4]) == Array("RIFF".utf8), Array(b[8..<12]) == Array("WAVE".utf8) else {
            throw fail("not a RIFF/WAVE file")
        }
        var p = 12
        var format = 0, channels = 0, rate = 0, bits = 0
        var data: Range<Int>?
        while p + 8 <= b.count {
            let id = String(decoding: b[p..<(p + 4)], as: UTF8.self), size = le(p + 4, 4)
            let body = p + 8
            guard size >= 0, body + size <= b.count || id == "data" else { throw fail("chunk '\(id)' at byte \(p) runs past the end") }
            if id == "fmt " {
                guard size >= 16 else { throw fail("short fmt chunk") }
                format = le(body, 2); channels = le(body + 2, 2); rate = le(body + 4, 4); bits = le(body + 14, 2)
                if format == 0xFFFE, size >= 26 { format = le(body + 24, 2) }  // WAVE_FORMAT_EXTENSIBLE: the sub-format
            } else if id == "data" {
                data = body..<min(body + size, b.count)
            }
            p = body + size + (size & 1)
        }
        guard let data else { throw fail("no data chunk") }
        guard channels >= 1, rate > 0 else { throw fail("bad fmt chunk (channels \(channels), rate \(rate))") }
        guard (format == 1 && [8, 16, 24, 32].contains(bits)) || (format == 3 && [32, 64].contains(bits)) else {
            throw fail("unsupported encoding (format \(format), \(bits) bits)")
        }
        let width = bits / 8, frame = width * channels
        let frames = data.count / frame
        var out = [Float](repeating: 0, count: frames)
        for f in 0..<frames {
            var sum = 0.0
            for c in 0..<channels {
                let i = data.lowerBound + f * frame + c * width
                let v: Double
                switch (format, bits) {
                case (1, 8): v = (Double(b[i]) - 128) / 128
                case (1, 16): v = Double(Int16(truncatingIfNeeded: le(i, 2))) / 32768
                case (1, 24): v = Double((le(i, 3) << 40) >> 40) / 8_388_608
                case (1, 32): v = Double(Int32(truncatingIfNeeded: le(i, 4))) / 2_147_483_648
                case (3, 32): v = Double(Float(bitPattern: UInt32(truncatingIfNeeded: le(i, 4))))
                default: v = Double(bitPattern: UInt64(truncatingIfNeeded: le(i, 8)))
                }
                sum += v
            }
            out[f] = Float(sum / Double(channels))
        }
        return WAVAudio(sampleRate: rate, channels: channels, samples: out)
    }
}
