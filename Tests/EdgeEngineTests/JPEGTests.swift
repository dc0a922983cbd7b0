import EdgeEngine
import EdgeTestSupport
import Foundation
import Testing

/// JPEG decoding (libjpeg-turbo through the CJPEG shim) against Pillow at test time: real photographs from
/// the fetched wheels and Pillow-encoded variants (progressive, grayscale, 4:4:4, CMYK), then hostile files
/// (truncated, corrupted, huge declared size), which must fail with a message naming the file, never trap.
@Suite struct JPEGTests {
    static let photos = [
        TestPaths.assets.path + "/scikit_learn-1.9.1/sklearn/datasets/images/china.jpg",
        TestPaths.assets.path + "/scikit_learn-1.9.1/sklearn/datasets/images/flower.jpg",
        TestPaths.assets.path + "/scikit_image-0.26.0/skimage/data/rocket.jpg",
        TestPaths.assets.path + "/scikit_image-0.26.0/skimage/data/retina.jpg",
    ]

    /// Pillow's RGB decode of `path` (Pillow's decoder is libjpeg-turbo too), as raw bytes.
    static func pillow(_ path: String) throws -> (width: Int, height: Int, pixels: [UInt8]) {
        let script = """
            import sys, json, base64
            from PIL import Image
            im = Image.open(sys.argv[1]); im.load(); im = im.convert("RGB")
            print(json.dumps({"w": im.size[0], "h": im.size[1], "b": base64.b64encode(im.tobytes()).decode()}))
            """
        let j = try #require(try Python.run(script, arguments: [path]) as? [String: Any])
        let data = try #require(Data(base64Encoded: j["b"] as? String ?? ""))
        return (j["w"] as? Int ?? 0, j["h"] as? Int ?? 0, [UInt8](data))
    }

    static func compare(_ a: [UInt8], _ b: [UInt8]) -> (exact: Int, offByOne: Int, worse: Int) {
        var r = (0, 0, 0)
        for (x, y) in zip(a, b) {
            let d = abs(Int(x) - Int(y))
            if d == 0 { r.0 += 1 } else if d == 1 { r.1 += 1 } else { r.2 += 1 }
        }
        return r
    }

    static func decode(_ path: String) throws -> RGBImage {
        try JPEG.decode([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))), name: path)
    }

    @Test(arguments: photos)
    func realPhotographsMatchPillow(_ path: String) throws {
        try #require(FileManager.default.fileExists(atPath: path), "run Scripts/fetch-models.sh")
        let img = try Self.decode(path)
        let ref = try Self.pillow(path)
        #expect(img.width == ref.width && img.height == ref.height)
        let c = Self.compare(img.pixels, ref.pixels)
        print("JPEG \((path as NSString).lastPathComponent) \(img.width)×\(img.height): \(c.exact) samples identical to Pillow, \(c.offByOne) off by one, \(c.worse) worse")
        #expect(c.worse == 0 && c.exact + c.offByOne == ref.pixels.count)
    }

    /// Pillow re-encodes china.jpg as progressive, grayscale, 4:4:4 and 4:2:0 baseline; each decodes as Pillow does.
    @Test func encodingVariantsMatchPillow() throws {
        try #require(FileManager.default.fileExists(atPath: Self.photos[0]), "run Scripts/fetch-models.sh")
        let dir = try TestPaths.temporaryDirectory("jpeg")
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = """
            import sys, json
            from PIL import Image
            im = Image.open(sys.argv[1]).convert("RGB"); d = sys.argv[2]
            im.save(d + "/progressive.jpg", quality=85, progressive=True)
            im.convert("L").save(d + "/gray.jpg", quality=90)
            im.save(d + "/s444.jpg", quality=95, subsampling=0)
            im.save(d + "/s420.jpg", quality=60, subsampling=2)
            im.crop((0, 0, 77, 51)).save(d + "/odd.jpg", quality=75)
            print("{}")
            """
        _ = try Python.run(script, arguments: [Self.photos[0], dir.path])
        for name in ["progressive", "gray", "s444", "s420", "odd"] {
            let p = dir.appendingPathComponent(name + ".jpg").path
            let h = try JPEG.header([UInt8](try Data(contentsOf: URL(fileURLWithPath: p))), name: p)
            if name == "progressive" { #expect(h.progressive) }
            if name == "gray" { #expect(h.colorSpace == "gray" && h.components == 1) }
            let img = try Self.decode(p)
            let ref = try Self.pillow(p)
            #expect(img.width == ref.width && img.height == ref.height, "\(name)")
            let c = Self.compare(img.pixels, ref.pixels)
            print("JPEG \(name): \(c.exact) identical, \(c.offByOne) off by one, \(c.worse) worse")
            #expect(c.worse == 0 && c.exact + c.offByOne == ref.pixels.count, "\(name)")
        }
    }

    @Test func hostileFilesFailWithTheFileName() throws {
        try #require(FileManager.default.fileExists(atPath: Self.photos[0]), "run Scripts/fetch-models.sh")
        let dir = try TestPaths.temporaryDirectory("jpeg")
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try Python.run("""
            import sys
            from PIL import Image
            Image.open(sys.argv[1]).convert("CMYK").save(sys.argv[2] + "/cmyk.jpg")
            print("{}")
            """, arguments: [Self.photos[0], dir.path])
        let good = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.photos[0])))
        func expectFailure(_ bytes: [UInt8], _ name: String, mentions: String) {
            do {
                _ = try JPEG.decode(bytes, name: name)
                Issue.record("\(name) decoded")
            } catch {
                let text = "\(error)"
                #expect(text.hasPrefix(name + ": ") && text.contains(mentions), "\(text)")
            }
        }
        let cmyk = [UInt8](try Data(contentsOf: dir.appendingPathComponent("cmyk.jpg")))
        expectFailure(cmyk, "cmyk.jpg", mentions: "CMYK JPEG is not supported")
        // Truncated after half the bytes: libjpeg warns "Premature end of JPEG file"; the shim makes it an error.
        expectFailure(Array(good.prefix(good.count / 2)), "half.jpg", mentions: "corrupt JPEG")
        // Truncated inside the header.
        expectFailure(Array(good.prefix(100)), "header.jpg", mentions: "corrupt JPEG")
        expectFailure([0x89, 0x50, 0x4e, 0x47], "png.jpg", mentions: "not a JPEG file")
        // A huge declared size: the SOF0/SOF2 marker's height and width set to 65000 × 65000 (4.2e9 pixels,
        // 12.7 GB of RGB); refused from the header, before any pixel buffer exists.
        var huge = good
        var i = 2
        while i + 9 < huge.count {
            guard huge[i] == 0xFF else { i += 1; continue }
            let marker = huge[i + 1]
            if marker == 0xC0 || marker == 0xC2 {
                huge[i + 5] = 0xFD; huge[i + 6] = 0xE8; huge[i + 7] = 0xFD; huge[i + 8] = 0xE8  // 0xFDE8 = 65000
                break
            }
            i += 2 + (Int(huge[i + 2]) << 8 | Int(huge[i + 3]))
        }
        expectFailure(huge, "huge.jpg", mentions: "65000×65000 exceeds the limit")
        // Seeded corruption of entropy-coded bytes: an error or an image, never a trap.
        var rng = SeededRNG(seed: 7)
        var failures = 0
        for _ in 0..<40 {
            var bad = good
            for _ in 0..<8 {
                let k = 700 + Int(rng.next() % UInt64(good.count - 700))
                bad[k] = UInt8(truncatingIfNeeded: rng.next())
            }
            do { _ = try JPEG.decode(bad, name: "fuzz.jpg") } catch { failures += 1 }
        }
        print("JPEG corruption: \(failures) of 40 corrupted files refused, the rest decoded")
    }

    /// Decode + resize + normalise, as `edgewise run` does for an image input, against numpy and Pillow.
    /// numpy (the spec, one pass in float64): bilinear samples at pixel centres, src = (dst + 0.5)·in/out − 0.5
    /// clamped to the image, rounded half away from zero; nearest takes src = floor(dst·in/out); then
    /// (p/255 − mean)/std in float32 — identical expected. Pillow's BILINEAR enlargement samples the same
    /// points but in two fixed-point passes rounded to 8 bits in between, so it may differ by one level.
    @Test func resizeAndNormaliseMatchPillowAndNumpy() throws {
        let path = Self.photos[2]
        try #require(FileManager.default.fileExists(atPath: path), "run Scripts/fetch-models.sh")
        let img = try Self.decode(path)
        let mean: [Float] = [0.485, 0.456, 0.406], std: [Float] = [0.229, 0.224, 0.225]
        for (method, w, h) in [(ImagePreprocess.Method.bilinear, 911, 700), (.nearest, 224, 224)] {
            let t = ImagePreprocess.tensor(ImagePreprocess.resize(img, width: w, height: h, method: method), mean: mean, std: std, layout: .nchw)
            let script = """
                import sys, json, numpy as np
                from PIL import Image
                im = Image.open(sys.argv[1]).convert("RGB"); w, h = int(sys.argv[3]), int(sys.argv[4])
                src = np.asarray(im).astype(np.float64); H, W = src.shape[:2]
                if sys.argv[2] == "bilinear":
                    fy = np.clip((np.arange(h) + 0.5) * (H / h) - 0.5, 0, H - 1); fx = np.clip((np.arange(w) + 0.5) * (W / w) - 0.5, 0, W - 1)
                    y0 = np.floor(fy).astype(int); x0 = np.floor(fx).astype(int)
                    y1 = np.minimum(y0 + 1, H - 1); x1 = np.minimum(x0 + 1, W - 1)
                    ay = (fy - y0)[:, None, None]; ax = (fx - x0)[None, :, None]
                    v = (src[y0][:, x0] * (1 - ax) + src[y0][:, x1] * ax) * (1 - ay) + (src[y1][:, x0] * (1 - ax) + src[y1][:, x1] * ax) * ay
                    a = np.clip(np.where(v >= 0, np.floor(v + 0.5), np.ceil(v - 0.5)), 0, 255)
                    pil = np.asarray(im.resize((w, h), Image.BILINEAR)).astype(np.float64)
                    pil_diff = [int((pil == a).sum()), int((np.abs(pil - a) == 1).sum()), int((np.abs(pil - a) > 1).sum())]
                else:
                    ys = np.floor(np.arange(h) * (H / h)).astype(int); xs = np.floor(np.arange(w) * (W / w)).astype(int)
                    a = src[ys][:, xs]; pil_diff = None
                mean = np.array([0.485, 0.456, 0.406], np.float32); std = np.array([0.229, 0.224, 0.225], np.float32)
                x = ((a.astype(np.float32) / np.float32(255) - mean) / std).transpose(2, 0, 1)[None]
                np.save(sys.argv[5], np.ascontiguousarray(x.astype(np.float32)))
                print(json.dumps({"pillow": pil_diff}))
                """
            let dir = try TestPaths.temporaryDirectory("jpeg")
            defer { try? FileManager.default.removeItem(at: dir) }
            let out = dir.appendingPathComponent("ref.npy").path
            let answer = try #require(try Python.run(script, arguments: [path, method.rawValue, "\(w)", "\(h)", out]) as? [String: Any])
            if let p = answer["pillow"] as? [Int] {
                // Pillow's own bilinear against the same single-pass numpy result: within one 8-bit level.
                print("Pillow BILINEAR vs numpy single pass \(w)×\(h): \(p[0]) identical, \(p[1]) off by one, \(p[2]) worse")
                #expect(p[2] == 0)
            }
            let ref = try NPY.read(path: out)
            #expect(ref.shape == t.shape)
            let a = t.floats(), b = ref.floats()
            var exact = 0
            for (x, y) in zip(a, b) where x == y { exact += 1 }
            print("resize \(method.rawValue) \(w)×\(h) + normalise: \(exact)/\(a.count) identical to numpy")
            #expect(exact == a.count)
        }
    }
}
