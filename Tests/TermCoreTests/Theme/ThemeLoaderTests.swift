import Foundation
import Testing
@testable import TermCore

/// Theme files: the shipped themes load, errors name file and line, colours fall back per terminal depth.
@Suite struct ThemeLoaderTests {
    /// The repository's Themes directory (this file is Tests/TermCoreTests/Theme/ThemeLoaderTests.swift).
    static let themesDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Themes").path

    func error(_ text: String) -> ThemeError? {
        do {
            _ = try ThemeLoader.parse(text, file: "t.yaml")
            return nil
        } catch {
            return error
        }
    }

    @Test func parsesRolesAndInheritsBackground() throws {
        let t = try ThemeLoader.parse("""
            # comment line
            name: mine
            background:
              bg: "#000000"
            text: "#ffffff"   # trailing comment
            selection:   # opens a mapping
              fg: black
              bg: 33
              attrs: bold, underline
            accent: '#abc'
            """, file: "t.yaml")
        #expect(t.name == "mine")
        #expect(t[.text] == Style(fg: .rgb(255, 255, 255), bg: .rgb(0, 0, 0)))
        #expect(t[.selection] == Style(fg: .black, bg: .indexed(33), attributes: [.bold, .underline]))
        #expect(t[.accent].fg == .rgb(0xAA, 0xBB, 0xCC))
        #expect(t[.dim] == t[.text])  // not given → the text style
    }

    @Test func shippedThemesLoad() throws {
        let names = ThemeLoader.availableThemes(in: Self.themesDirectory)
        #expect(names == ["default", "high-contrast", "light", "monochrome"])
        for n in names {
            let t = try ThemeLoader.resolve(n, themesDirectory: Self.themesDirectory)
            #expect(t.name == n)
        }
    }

    @Test func monochromeFileEqualsBuiltInFallback() throws {
        let mono = try ThemeLoader.resolve("monochrome", themesDirectory: Self.themesDirectory)
        for role in ThemeRole.allCases { #expect(mono[role] == Theme.plain[role], "role \(role.key)") }
    }

    @Test func everyRoleIsSetInTheColourThemes() throws {
        // Each colour theme gives every role explicitly (no silent fallback to `text`).
        for n in ["default", "light", "high-contrast"] {
            let path = (Self.themesDirectory as NSString).appendingPathComponent(n + ".yaml")
            let text = try String(contentsOfFile: path, encoding: .utf8)
            let keys = Set(text.split(separator: "\n").compactMap { line -> String? in
                guard let c = line.firstIndex(of: ":"), line.first != " ", line.first != "#" else { return nil }
                return String(line[..<c])
            })
            for role in ThemeRole.allCases { #expect(keys.contains(role.key), "\(n) lacks \(role.key)") }
        }
    }

    @Test func unknownKeysNameTheLine() {
        let e = error("name: x\ntext: red\ncolour: blue\n")
        #expect(e?.file == "t.yaml" && e?.line == 3)
        #expect(e?.message.hasPrefix("unknown key 'colour'") == true)
        #expect(e?.description.hasPrefix("t.yaml:3: unknown key 'colour'") == true)
        let nested = error("selection:\n  fg: red\n  background: blue\n")
        #expect(nested?.line == 3)
        #expect(nested?.message == "unknown key 'background' in 'selection' (expected fg, bg, attrs)")
    }

    @Test func badColoursNameTheLine() {
        #expect(error("\n\ntext: purple")?.line == 3)
        #expect(error("text: purple")?.message.hasPrefix("bad colour 'purple'") == true)
        #expect(error("text: 256")?.message.hasPrefix("bad colour '256'") == true)
        #expect(error("text: \"#12345\"")?.message.hasPrefix("bad colour '#12345'") == true)
        #expect(error("text: \"#ggg\"") != nil)
        #expect(error("title:\n  attrs: bold blink")?.message.hasPrefix("unknown attribute 'blink'") == true)
    }

    @Test func unquotedHexGetsAHint() {
        let e = error("text: #ff0000")
        #expect(e?.line == 1)
        #expect(e?.message == "missing value for 'text' (a colour like #ff8800 must be quoted: \"#ff8800\")")
        #expect(error("selection:\n  bg: #ff0000")?.line == 2)
    }

    @Test func structuralErrors() {
        #expect(error("selection:\n\tfg: red")?.message == "tabs are not allowed for indentation")
        #expect(error("selection:\n  fg: red\n    bg: blue")?.message == "only one level of nesting is supported")
        #expect(error("text: red\ntext: blue")?.message == "duplicate key 'text' (first on line 1)")
        #expect(error("text: red\n  fg: blue")?.message == "unexpected indentation ('text' already has a value)")
        #expect(error("just words")?.message == "expected 'key: value', found 'just words'")
        #expect(error("text: \"red")?.message == "unterminated quoted string")
        #expect(error("- text: red")?.line == 1)
        #expect(error("selection:")?.message == "'selection' needs a colour or fg/bg/attrs lines")
    }

    @Test func resolveByNameOrPath() throws {
        #expect(throws: ThemeError.self) { try ThemeLoader.resolve("nope", themesDirectory: Self.themesDirectory) }
        do {
            _ = try ThemeLoader.resolve("nope", themesDirectory: Self.themesDirectory)
        } catch {
            #expect(error.message == "no such theme (available: default, high-contrast, light, monochrome)")
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("termcore-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("mine.yaml")
        try "text: green\nfoo: red\n".write(to: file, atomically: true, encoding: .utf8)
        do {
            _ = try ThemeLoader.resolve(file.path, themesDirectory: Self.themesDirectory)
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "mine.yaml:2: unknown key 'foo' (expected name, description or a role ("
                    + ThemeRole.allCases.map(\.key).joined(separator: ", ") + "))")
        }
        try "text: green\n".write(to: file, atomically: true, encoding: .utf8)
        let t = try ThemeLoader.resolve(file.path, themesDirectory: Self.themesDirectory)
        #expect(t.name == "mine" && t[.text].fg == .green)
        // 64 KiB + 1 bytes of comments: refused before reading.
        try String(repeating: "#", count: 64 * 1024 + 1).write(to: file, atomically: true, encoding: .utf8)
        #expect(throws: ThemeError(file: file.path, line: 0, message: "theme file too large (65537 bytes; at most 65536)")) {
            try ThemeLoader.load(path: file.path)
        }
        #expect(throws: ThemeError.self) { try ThemeLoader.load(path: dir.appendingPathComponent("absent.yaml").path) }
    }

    @Test func defaultThemeFallsBackToEightColours() throws {
        let t = try ThemeLoader.resolve("default", themesDirectory: Self.themesDirectory).adapted(to: .ansi8)
        // #1c1c1c → black, #d0d0d0 → white (see ColorTests); selection #000000 on #5fafd7 → black on cyan.
        #expect(t[.background].bg == .black)
        #expect(t[.text] == Style(fg: .white, bg: .black))
        #expect(t[.selection] == Style(fg: .black, bg: .cyan, attributes: .bold))
    }

    @Test func noColourReversesHighlightedRoles() throws {
        let t = try ThemeLoader.resolve("default", themesDirectory: Self.themesDirectory).adapted(to: .none)
        #expect(t[.selection] == Style(attributes: [.bold, .reverse]))  // had its own background
        #expect(t[.text] == Style())  // sat on the screen background
        #expect(t[.statusBar].attributes.contains(.reverse))
        #expect(!t[.background].attributes.contains(.reverse))
    }

    @Test func collapsedColoursGetReadableForeground() throws {
        let t = try ThemeLoader.parse("background:\n  bg: \"#000000\"\ndim: \"#303030\"\n", file: "t.yaml")
        // #303030 = (48,48,48) → black at 8 colours (3·48² = 6912 is the smallest distance) — same as its
        // background → white instead (black's luma 0 < 128).
        #expect(t.adapted(to: .ansi8)[.dim] == Style(fg: .white, bg: .black))
        #expect(t.adapted(to: .indexed256)[.dim] == Style(fg: .indexed(236), bg: .indexed(16)))
    }

    @Test func roleKeys() {
        #expect(ThemeRole.budgetLine.key == "budget_line")
        #expect(ThemeRole.borderFocused.key == "border_focused")
        #expect(ThemeRole.series3.key == "series3")
        #expect(ThemeRole(key: "key_hint") == .keyHint)
        #expect(ThemeRole(key: "keyHint") == nil)
        #expect(Theme.plain.series(7) == Theme.plain[.series2])
    }
}
