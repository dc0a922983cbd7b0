import EdgeTestSupport
import Foundation
import Testing

/// `edgewise run` with JPEG inputs through the real binary: the decoded, resized and normalised image gives
/// the outputs LiteRT gives on the same preprocessing done by Pillow + numpy; damaged JPEGs are one-line
/// errors naming the file, with a non-zero exit.
@Suite struct RunJPEGCLITests {
    static let assets = TestPaths.assets.path
    static let face = assets + "/mediapipe-0.10.21/mediapipe/modules/face_detection/face_detection_short_range.tflite"
    static let photo = assets + "/scikit_image-0.26.0/skimage/data/rocket.jpg"

    @Test func runTakesJPEGImagesLikeLiteRTOnPillowInput() throws {
        try #require(FileManager.default.fileExists(atPath: Self.face) && FileManager.default.fileExists(atPath: Self.photo), "run Scripts/fetch-models.sh")
        let dir = try TestPaths.temporaryDirectory("runjpeg")
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run(["run", Self.face, "--input", "input=" + Self.photo, "--resize", "nearest",
                             "--mean", "0.5", "--std", "0.5", "--output-dir", dir.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("input  input float32[1, 128, 128, 3]"), "\(r.stdout)")
        // Reference: Pillow decodes, numpy takes src = floor(dst·in/out) and (p/255 − 0.5)/0.5, LiteRT runs.
        let check = """
            import sys, json, numpy as np
            from PIL import Image
            from ai_edge_litert import interpreter as tfl
            a = np.asarray(Image.open(sys.argv[2]).convert("RGB")); H, W = a.shape[:2]
            ys = np.floor(np.arange(128) * (H / 128)).astype(int); xs = np.floor(np.arange(128) * (W / 128)).astype(int)
            x = ((a[ys][:, xs].astype(np.float32) / np.float32(255) - np.float32(0.5)) / np.float32(0.5))[None]
            it = tfl.Interpreter(model_path=sys.argv[1], num_threads=1, experimental_op_resolver_type=tfl.OpResolverType.BUILTIN_REF)
            it.allocate_tensors(); it.set_tensor(it.get_input_details()[0]["index"], x); it.invoke()
            res = []
            for d in it.get_output_details():
                ref = it.get_tensor(d["index"])
                got = np.load(sys.argv[3] + "/" + d["name"].replace(":", "_") + ".npy")
                res.append([d["name"], float(np.abs(ref - got).max()), float(np.abs(ref).max())])
            print(json.dumps(res))
            """
        let res = try #require(try Python.run(check, arguments: [Self.face, Self.photo, dir.path]) as? [[Any]])
        #expect(res.count == 2)
        for row in res {
            let err = row[1] as? Double ?? .infinity, ref = row[2] as? Double ?? 0
            #expect(err <= 1e-4 * ref, "\(row)")
        }
    }

    @Test func damagedJPEGIsOneLineError() throws {
        try #require(FileManager.default.fileExists(atPath: Self.face) && FileManager.default.fileExists(atPath: Self.photo), "run Scripts/fetch-models.sh")
        let dir = try TestPaths.temporaryDirectory("runjpeg")
        defer { try? FileManager.default.removeItem(at: dir) }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Self.photo))
        let cut = dir.appendingPathComponent("cut.jpg")
        try bytes.prefix(bytes.count / 3).write(to: cut)
        let cmyk = dir.appendingPathComponent("cmyk.jpeg").path
        _ = try Python.run("import sys\nfrom PIL import Image\nImage.open(sys.argv[1]).convert('CMYK').save(sys.argv[2])\nprint('{}')",
                           arguments: [Self.photo, cmyk])
        for (file, mentions) in [(cut.path, "corrupt JPEG"), (cmyk, "CMYK JPEG is not supported")] {
            let r = try CLI.run(["run", Self.face, "--input", "input=" + file, "--output-dir", dir.path])
            #expect(r.status != 0 && r.status < 128, "exit \(r.status)")
            #expect(!r.stderr.contains("Fatal error"))
            let lines = r.stderr.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            #expect(lines.count == 1 && r.stderr.contains(file) && r.stderr.contains(mentions), "\(r.stderr)")
        }
    }
}
