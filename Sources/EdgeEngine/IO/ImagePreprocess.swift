/// Image preprocessing for model inputs: resize and normalise into a float tensor.
///
/// Resizing samples at pixel centres (`src = (dst + 0.5)·in/out − 0.5`), the convention of OpenCV's
/// `INTER_LINEAR`/`INTER_NEAREST` and of PIL's bilinear when enlarging; no antialiasing filter is
/// applied when shrinking (as OpenCV does).
public enum ImagePreprocess {
    public enum Method: String, Sendable, CaseIterable { case bilinear, nearest }
    public enum Layout: String, Sendable { case nchw, nhwc }

    public static func resize(_ img: RGBImage, width: Int, height: Int, method: Method) -> RGBImage {
        if img.width == width && img.height == height { return img }
        var out = [UInt8](repeating: 0, count: width * height * 3)
        let sx = Double(img.width) / Double(width), sy = Double(img.height) / Double(height)
        for y in 0..<height {
            let fy = (Double(y) + 0.5) * sy - 0.5
            for x in 0..<width {
                let fx = (Double(x) + 0.5) * sx - 0.5
                for c in 0..<3 {
                    let v: Double
                    switch method {
                    case .nearest:
                        let ix = min(max(Int((Double(x) * sx).rounded(.down)), 0), img.width - 1)
                        let iy = min(max(Int((Double(y) * sy).rounded(.down)), 0), img.height - 1)
                        v = Double(img.pixels[(iy * img.width + ix) * 3 + c])
                    case .bilinear:
                        let cx = min(max(fx, 0), Double(img.width - 1)), cy = min(max(fy, 0), Double(img.height - 1))
                        let x0 = Int(cx.rounded(.down)), y0 = Int(cy.rounded(.down))
                        let x1 = min(x0 + 1, img.width - 1), y1 = min(y0 + 1, img.height - 1)
                        let ax = cx - Double(x0), ay = cy - Double(y0)
                        func p(_ xx: Int, _ yy: Int) -> Double { Double(img.pixels[(yy * img.width + xx) * 3 + c]) }
                        v = (p(x0, y0) * (1 - ax) + p(x1, y0) * ax) * (1 - ay) + (p(x0, y1) * (1 - ax) + p(x1, y1) * ax) * ay
                    }
                    out[(y * width + x) * 3 + c] = UInt8(min(max(v.rounded(), 0), 255))
                }
            }
        }
        return RGBImage(width: width, height: height, pixels: out)
    }

    /// `(pixel / 255 − mean) / std` per channel, as a `[1, 3, H, W]` or `[1, H, W, 3]` float tensor.
    public static func tensor(_ img: RGBImage, mean: [Float] = [0, 0, 0], std: [Float] = [1, 1, 1], layout: Layout) -> HostTensor {
        let shape = layout == .nchw ? [1, 3, img.height, img.width] : [1, img.height, img.width, 3]
        let t = HostTensor(dtype: .float32, shape: shape)
        let p = t.ref.f32()
        let plane = img.width * img.height
        for i in 0..<plane {
            for c in 0..<3 {
                let v = (Float(img.pixels[i * 3 + c]) / 255 - mean[c]) / std[c]
                p[layout == .nchw ? c * plane + i : i * 3 + c] = v
            }
        }
        return t
    }
}
