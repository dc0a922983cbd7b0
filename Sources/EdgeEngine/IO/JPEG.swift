import CJPEG

/// A JPEG decoder producing 8-bit RGB, through libjpeg-turbo (the decoder Pillow and OpenCV use too).
///
/// Baseline and progressive files, YCbCr, RGB and grayscale (replicated to RGB) are decoded; CMYK/YCCK files
/// are refused. The header is read first and images above ``maxPixels`` are refused before any pixel memory
/// is allocated. Damaged data (truncation, bad Huffman codes) is an error, not a gray-filled image: libjpeg's
/// warnings are turned into errors by the C shim, whose error handler returns instead of calling `exit()`.
public enum JPEG {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// 2^26 pixels (8192 × 8192): the RGB buffer is then at most 192 MiB, and a 48-megapixel camera frame
    /// (8064 × 6048) still fits.
    public static let maxPixels = 1 << 26
    /// libjpeg's working memory cap. A progressive file keeps every DCT coefficient (2 bytes per sample, at
    /// most 3 samples per pixel without subsampling): 6 bytes × 2^26 pixels = 384 MiB, under this cap.
    public static let maxWorkingMemory = 512 << 20

    public struct Header: Sendable, Equatable {
        public let width: Int
        public let height: Int
        public let components: Int
        public let progressive: Bool
        /// "gray", "RGB", "YCbCr", "CMYK", "YCCK" or "unknown".
        public let colorSpace: String
    }

    public static func header(_ b: [UInt8], name: String = "jpeg") throws -> Header {
        guard b.count >= 3, b[0] == 0xFF, b[1] == 0xD8, b[2] == 0xFF else { throw Failure(description: "\(name): not a JPEG file") }
        var info = cj_info()
        var err = [CChar](repeating: 0, count: 256)
        let rc = b.withUnsafeBufferPointer { p in cj_read_header(p.baseAddress, p.count, &info, &err, err.count) }
        guard rc == 0 else { throw Failure(description: "\(name): corrupt JPEG: \(message(err))") }
        let spaces = [1: "gray", 2: "RGB", 3: "YCbCr", 4: "CMYK", 5: "YCCK"]
        return Header(width: Int(info.width), height: Int(info.height), components: Int(info.components),
                      progressive: info.progressive != 0, colorSpace: spaces[Int(info.color_space)] ?? "unknown")
    }

    public static func decode(_ b: [UInt8], name: String = "jpeg") throws -> RGBImage {
        let h = try header(b, name: name)
        guard h.width > 0, h.height > 0 else { throw Failure(description: "\(name): image size \(h.width)×\(h.height) is empty") }
        guard h.width * h.height <= maxPixels else {
            throw Failure(description: "\(name): image size \(h.width)×\(h.height) exceeds the limit of \(maxPixels) pixels (8192×8192); refused before decoding")
        }
        guard h.colorSpace != "CMYK" && h.colorSpace != "YCCK" else {
            throw Failure(description: "\(name): \(h.colorSpace) JPEG is not supported; convert it to RGB")
        }
        var pixels = [UInt8](repeating: 0, count: h.width * h.height * 3)
        var err = [CChar](repeating: 0, count: 256)
        let rc = b.withUnsafeBufferPointer { p in
            pixels.withUnsafeMutableBufferPointer { o in
                cj_decode_rgb(p.baseAddress, p.count, o.baseAddress, o.count, maxWorkingMemory, &err, err.count)
            }
        }
        guard rc == 0 else { throw Failure(description: "\(name): corrupt JPEG: \(message(err))") }
        return RGBImage(width: h.width, height: h.height, pixels: pixels)
    }

    private static func message(_ err: [CChar]) -> String {
        let bytes = err.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return bytes.isEmpty ? "unknown libjpeg error" : String(decoding: bytes, as: UTF8.self)
    }
}
