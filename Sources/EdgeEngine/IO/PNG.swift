import Foundation

/// A PNG decoder (non-interlaced; grayscale, RGB, palette, with or without alpha; 8 or 16 bits per
/// sample) producing 8-bit RGB, the form the image preprocessing works from.
///
/// Chunks (IHDR, PLTE, IDAT…, IEND) are length-checked; the image data is inflated with
/// ``Inflate`` under a cap derived from the declared size; scanline filters 0–4 are undone.
public struct RGBImage: Sendable {
    public let width: Int
    public let height: Int
    /// Row-major RGB, 3 bytes per pixel.
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        self.width = width
        self.height = height
        self.pixels = pixels
    }
}

public enum PNG {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public static func decode(_ b: [UInt8], name: String = "png") throws -> RGBImage {
        func fail(_ why: String) -> Failure { Failure(description: "\(name): \(why)") }
        guard b.count >= 8, b[0..<8].elementsEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) else { throw fail("not a PNG file") }
        var p = 8
        var width = 0, height = 0, depth = 0, color = 0, interlace = 0
        var palette: [UInt8] = []
        var idat: [UInt8] = []
        func be32(_ i: Int) -> Int { Int(b[i]) << 24 | Int(b[i + 1]) << 16 | Int(b[i + 2]) << 8 | Int(b[i + 3]) }
        while p + 8 <= b.count {
            let len = be32(p)
            let type = String(decoding: b[(p + 4)..<(p + 8)], as: UTF8.self)
            guard len >= 0, p + 12 + len <= b.count else { throw fail("chunk \(type) at byte \(p) runs past the end") }
            let body = p + 8
            switch type {
            case "IHDR":
                guard len >= 13 else { throw fail("short IHDR") }
                width = be32(body); height = be32(body + 4)
                depth = Int(b[body + 8]); color = Int(b[body + 9]); interlace = Int(b[body + 12])
            case "PLTE": palette = Array(b[body..<(body + len)])
            case "IDAT": idat += b[body..<(body + len)]
            default: break
            }
            p += 12 + len
            if type == "IEND" { break }
        }
        guard width > 0, height > 0, width <= 1 << 15, height <= 1 << 15 else { throw fail("image size \(width)×\(height) out of range") }
        guard interlace == 0 else { throw fail("interlaced PNG is not supported") }
        let channels: Int
        switch color {
        case 0: channels = 1
        case 2: channels = 3
        case 3: channels = 1
        case 4: channels = 2
        case 6: channels = 4
        default: throw fail("color type \(color)")
        }
        guard [8, 16].contains(depth) || (color == 3 && depth == 8) || (color == 0 && depth == 8) else {
            throw fail("bit depth \(depth) with color type \(color) is not supported")
        }
        let bpp = channels * depth / 8
        let stride = width * bpp
        let raw = try Inflate.zlib(idat, limit: (stride + 1) * height)
        guard raw.count >= (stride + 1) * height else { throw fail("image data is short: \(raw.count) bytes") }
        var img = [UInt8](repeating: 0, count: stride * height)
        for y in 0..<height {
            let filter = raw[y * (stride + 1)]
            let src = y * (stride + 1) + 1, dst = y * stride
            for x in 0..<stride {
                let a = x >= bpp ? Int(img[dst + x - bpp]) : 0
                let up = y > 0 ? Int(img[dst - stride + x]) : 0
                let c = x >= bpp && y > 0 ? Int(img[dst - stride + x - bpp]) : 0
                let v = Int(raw[src + x])
                var r: Int
                switch filter {
                case 0: r = v
                case 1: r = v + a
                case 2: r = v + up
                case 3: r = v + (a + up) / 2
                case 4:
                    let pa = abs(up - c), pb = abs(a - c), pc = abs(a + up - 2 * c)
                    r = v + (pa <= pb && pa <= pc ? a : (pb <= pc ? up : c))
                default: throw fail("scanline filter \(filter)")
                }
                img[dst + x] = UInt8(truncatingIfNeeded: r)
            }
        }
        var rgb = [UInt8](repeating: 0, count: width * height * 3)
        for i in 0..<(width * height) {
            func sample(_ ch: Int) -> UInt8 { img[i * bpp + ch * depth / 8] }  // 16-bit: the high byte
            switch color {
            case 0, 4: let g = sample(0); rgb[3 * i] = g; rgb[3 * i + 1] = g; rgb[3 * i + 2] = g
            case 3:
                let k = Int(sample(0)) * 3
                guard k + 2 < palette.count else { throw fail("palette index \(k / 3) out of range") }
                rgb[3 * i] = palette[k]; rgb[3 * i + 1] = palette[k + 1]; rgb[3 * i + 2] = palette[k + 2]
            default: rgb[3 * i] = sample(0); rgb[3 * i + 1] = sample(1); rgb[3 * i + 2] = sample(2)
            }
        }
        return RGBImage(width: width, height: height, pixels: rgb)
    }
}
