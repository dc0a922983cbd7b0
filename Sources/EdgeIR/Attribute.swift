/// A node attribute. The set of kinds mirrors ONNX's `AttributeProto`, which is a superset of what
/// TFLite's builtin options and the catalog need.
public indirect enum Attribute: Sendable {
    case int(Int)
    case float(Double)
    case string(String)
    case ints([Int])
    case floats([Double])
    case strings([String])
    case tensor(Tensor)
    case graph(Graph)
    case graphs([Graph])

    public var kindName: String {
        switch self {
        case .int: return "int"
        case .float: return "float"
        case .string: return "string"
        case .ints: return "ints"
        case .floats: return "floats"
        case .strings: return "strings"
        case .tensor: return "tensor"
        case .graph: return "graph"
        case .graphs: return "graphs"
        }
    }
}

extension Node {
    /// An integer attribute, or `default` when absent or of another kind.
    public func int(_ key: String, default d: Int) -> Int {
        switch attributes[key] {
        case .int(let v): return v
        case .float(let v): return Int(exactly: v.rounded()) ?? d
        default: return d
        }
    }

    public func int(_ key: String) -> Int? {
        if case .int(let v) = attributes[key] { return v }
        return nil
    }

    public func float(_ key: String, default d: Double) -> Double {
        switch attributes[key] {
        case .float(let v): return v
        case .int(let v): return Double(v)
        default: return d
        }
    }

    public func ints(_ key: String) -> [Int]? {
        switch attributes[key] {
        case .ints(let v): return v
        case .int(let v): return [v]
        default: return nil
        }
    }

    public func floats(_ key: String) -> [Double]? {
        switch attributes[key] {
        case .floats(let v): return v
        case .float(let v): return [v]
        default: return nil
        }
    }

    public func string(_ key: String) -> String? {
        if case .string(let v) = attributes[key] { return v }
        return nil
    }

    /// Every subgraph held in this node's attributes (If branches, Loop bodies), in attribute-name order.
    public var subgraphs: [(attribute: String, graph: Graph)] {
        // Fast path: almost no node has a subgraph, and this is asked on every traversal.
        guard attributes.values.contains(where: {
            switch $0 {
            case .graph, .graphs: return true
            default: return false
            }
        }) else { return [] }
        var out: [(String, Graph)] = []
        for key in attributes.keys.sorted() {
            switch attributes[key] {
            case .graph(let g): out.append((key, g))
            case .graphs(let gs): out.append(contentsOf: gs.map { (key, $0) })
            default: break
            }
        }
        return out
    }
}
