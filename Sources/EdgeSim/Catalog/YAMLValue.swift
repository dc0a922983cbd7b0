import Yams

/// A YAML tree whose every node remembers the file and line it came from.
///
/// Device files are merged (`extends:` and user overrides) before they are read, so a value may come
/// from a different file than its neighbours; keeping the origin on each node is what lets every error
/// name the right file and line.
indirect enum YAMLValue: Sendable {
    case scalar(String, Origin)
    case map([(key: String, value: YAMLValue)], Origin)
    case list([YAMLValue], Origin)

    struct Origin: Sendable, Hashable {
        let file: String
        let line: Int
    }

    var origin: Origin {
        switch self {
        case .scalar(_, let o), .map(_, let o), .list(_, let o): return o
        }
    }

    /// Parses a YAML document. Syntax errors become ``DeviceFileError`` with Yams' line.
    static func parse(_ text: String, file: String) throws -> YAMLValue {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let e as YamlError {
            throw DeviceFileError(file: file, line: Self.line(of: e), key: "", problem: "not valid YAML: \(Self.summary(of: e))")
        } catch {
            throw DeviceFileError(file: file, line: 1, key: "", problem: "not valid YAML: \(error)")
        }
        guard let node else { return .map([], Origin(file: file, line: 1)) }
        return try convert(node, file: file, depth: 0)
    }

    private static func convert(_ node: Node, file: String, depth: Int) throws -> YAMLValue {
        let origin = Origin(file: file, line: node.mark?.line ?? 1)
        guard depth < 64 else {
            throw DeviceFileError(file: file, line: origin.line, key: "", problem: "nesting deeper than 64 levels")
        }
        switch node {
        case .scalar(let s):
            return .scalar(s.string, origin)
        case .sequence(let seq):
            return .list(try seq.map { try convert($0, file: file, depth: depth + 1) }, origin)
        case .mapping(let m):
            var pairs: [(key: String, value: YAMLValue)] = []
            var seen = Set<String>()
            for (k, v) in m {
                guard case .scalar(let ks) = k else {
                    throw DeviceFileError(file: file, line: k.mark?.line ?? origin.line, key: "", problem: "mapping keys must be plain strings")
                }
                guard seen.insert(ks.string).inserted else {
                    throw DeviceFileError(file: file, line: k.mark?.line ?? origin.line, key: ks.string, problem: "duplicate key")
                }
                pairs.append((ks.string, try convert(v, file: file, depth: depth + 1)))
            }
            return .map(pairs, origin)
        case .alias:
            throw DeviceFileError(file: file, line: origin.line, key: "", problem: "YAML aliases are not supported in device files")
        }
    }

    private static func line(of e: YamlError) -> Int {
        switch e {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): return mark.line
        default: return 1
        }
    }

    private static func summary(of e: YamlError) -> String {
        switch e {
        case .scanner(_, let p, _, _), .parser(_, let p, _, _), .composer(_, let p, _, _): return p
        default: return String(describing: e).split(separator: "\n").first.map(String.init) ?? "syntax error"
        }
    }

    /// Deep merge: keys of `override` replace those of `base` (a sourced number `{v:, src:}` is replaced
    /// whole); lists of mappings with an `id` key
    /// are merged item by item (an override item with the id of a base item is merged into it, others
    /// are appended); any other value is replaced.
    static func merge(_ base: YAMLValue, _ override: YAMLValue) -> YAMLValue {
        switch (base, override) {
        case (.map, .map(let o, _)) where o.contains(where: { $0.key == "v" }):
            // A sourced number ({v:, src:} or {v:, est:}) is one value: replaced, never merged.
            return override
        case (.map(let b, _), .map(let o, let origin)):
            var out = b
            for (k, v) in o {
                if let i = out.firstIndex(where: { $0.key == k }) {
                    out[i] = (k, merge(out[i].value, v))
                } else {
                    out.append((k, v))
                }
            }
            return .map(out, origin)
        case (.list(let b, _), .list(let o, let origin)) where b.allSatisfy({ $0.idKey != nil }) && o.allSatisfy({ $0.idKey != nil }):
            var out = b
            for item in o {
                if let i = out.firstIndex(where: { $0.idKey == item.idKey }) {
                    out[i] = merge(out[i], item)
                } else {
                    out.append(item)
                }
            }
            return .list(out, origin)
        default:
            return override
        }
    }

    /// The `id` of a mapping, if it has one.
    var idKey: String? {
        guard case .map(let pairs, _) = self, let v = pairs.first(where: { $0.key == "id" })?.value,
              case .scalar(let s, _) = v else { return nil }
        return s
    }
}
