import EdgeEngine
import EdgeIR
import Foundation

/// Turns `--input name=FILE` arguments into tensors for a model's inputs.
///
/// `.npy` files are used as they are (type and shape must fit the model); PNG images are resized to
/// the input's height and width (or kept at their size where those are symbolic) and normalised
/// `(pixel/255 − mean)/std`, laid out NCHW or NHWC after the input's shape; JPEG images likewise
/// (decoded by libjpeg-turbo); WAV audio becomes float32 `[1, samples]` (mono). A value that is not a
/// file but a number (`sr=16000`) fills a tensor of the input's type and shape.
struct InputFiles {
    var method: ImagePreprocess.Method = .bilinear
    var mean: [Float] = [0, 0, 0]
    var std: [Float] = [1, 1, 1]

    static func parse(_ assignments: [String]) throws -> [(name: String, value: String)] {
        try assignments.map { a in
            guard let eq = a.firstIndex(of: "="), eq != a.startIndex, a.index(after: eq) != a.endIndex else {
                throw CLIError("bad --input '\(a)'; expected NAME=FILE")
            }
            return (String(a[..<eq]), String(a[a.index(after: eq)...]))
        }
    }

    func load(_ value: String, for input: ValueInfo) throws -> HostTensor {
        let lower = value.lowercased()
        if !FileManager.default.fileExists(atPath: value) {
            if let number = Double(value) { return try scalar(number, for: input) }
            throw CLIError("input '\(input.name)': no such file '\(value)'")
        }
        guard let data = FileManager.default.contents(atPath: value) else { throw CLIError("input '\(input.name)': cannot read '\(value)'") }
        let bytes = [UInt8](data)
        do {
            if lower.hasSuffix(".npy") { return try NPY.decode(bytes, name: value) }
            if lower.hasSuffix(".png") { return try image(try PNG.decode(bytes, name: value), for: input) }
            if lower.hasSuffix(".wav") {
                let audio = try WAV.decode(bytes, name: value)
                return HostTensor(audio.samples, shape: [1, audio.samples.count])
            }
            if lower.hasSuffix(".jpg") || lower.hasSuffix(".jpeg") { return try image(try JPEG.decode(bytes, name: value), for: input) }
        } catch let e as CLIError { throw e } catch {
            throw CLIError("input '\(input.name)': \(error)")
        }
        throw CLIError("input '\(input.name)': '\(value)' is not a .npy, .png, .jpg/.jpeg or .wav file")
    }

    func scalar(_ v: Double, for input: ValueInfo) throws -> HostTensor {
        guard let shape = input.type.shape.values else {
            throw CLIError("input '\(input.name)': a number needs an input of known shape, the model declares \(input.type.shape)")
        }
        let t = HostTensor(dtype: input.type.dtype, shape: shape)
        for i in 0..<t.elementCount {
            switch input.type.dtype {
            case .float32: t.ref.f32()[i] = Float(v)
            case .float64: t.ref.ptr(Double.self)[i] = v
            case .int64: t.ref.i64()[i] = Int64(v)
            case .int32: t.ref.i32()[i] = Int32(v)
            default: throw CLIError("input '\(input.name)': numbers fill float32/float64/int32/int64 inputs, not \(input.type.dtype.rawValue)")
            }
        }
        return t
    }

    func image(_ img: RGBImage, for input: ValueInfo) throws -> HostTensor {
        let dims = input.type.shape.dims
        guard dims.count == 4 else { throw CLIError("input '\(input.name)' is \(input.type.shape), not an image batch [N, C, H, W] or [N, H, W, C]") }
        let nhwc = dims[3].value == 3 && dims[1].value != 3
        let h = (nhwc ? dims[1] : dims[2]).value ?? img.height, w = (nhwc ? dims[2] : dims[3]).value ?? img.width
        let resized = ImagePreprocess.resize(img, width: w, height: h, method: method)
        return ImagePreprocess.tensor(resized, mean: mean, std: std, layout: nhwc ? .nhwc : .nchw)
    }

    /// Loads every input; errors name missing and unknown inputs.
    func tensors(_ assignments: [String], model: Model, allowMissing: Bool = false) throws -> [String: HostTensor] {
        var out: [String: HostTensor] = [:]
        for (name, value) in try Self.parse(assignments) {
            guard let input = model.graph.inputs.first(where: { $0.name == name }) else {
                let names = model.graph.inputs.map(\.name).joined(separator: ", ")
                throw CLIError("the model has no input named '\(name)' (its inputs: \(names))")
            }
            out[name] = try load(value, for: input)
        }
        let missing = model.graph.inputs.map(\.name).filter { out[$0] == nil }
        if !missing.isEmpty && !allowMissing {
            throw CLIError("missing input\(missing.count > 1 ? "s" : "") \(missing.map { "'\($0)'" }.joined(separator: ", ")); give --input NAME=FILE for each")
        }
        return out
    }

    static func floats(_ text: String, _ option: String) throws -> [Float] {
        let v = text.split(separator: ",").compactMap { Float($0.trimmingCharacters(in: .whitespaces)) }
        guard v.count == 3 || v.count == 1 else { throw CLIError("\(option) needs 1 or 3 comma-separated numbers") }
        return v.count == 1 ? [v[0], v[0], v[0]] : v
    }
}
