/// One terminal cell: a character (a scalar plus up to two combining scalars), its width, and its style.
///
/// Stored inline (24 bytes, no references) so a 200×60 buffer is one flat array the diff can compare without
/// allocating. A wide character (CJK, emoji) is a head cell of `width` 2 followed by a continuation cell of width 0
/// that the backend skips.
public struct Cell: Hashable, Sendable {
    /// The base scalar of the character.
    public var scalar: Unicode.Scalar
    /// Up to two zero-width scalars combined with the base (accents, variation selectors, ZWJ); 0 = none.
    @usableFromInline var mark1: UInt32
    @usableFromInline var mark2: UInt32
    public var style: Style
    /// Columns: 1 normal, 2 head of a wide character, 0 continuation of the wide character to the left.
    /// (Declared after `style` so the 9-byte style packs against the scalars: 22 bytes, stride 24.)
    public var width: UInt8

    @inlinable
    public init(_ scalar: Unicode.Scalar, style: Style = .plain, width: UInt8 = 1) {
        self.scalar = scalar
        self.mark1 = 0
        self.mark2 = 0
        self.style = style
        self.width = width
    }

    /// A blank cell (space) in the given style.
    @inlinable
    public static func blank(_ style: Style = .plain) -> Cell { Cell(" ", style: style) }

    /// The continuation half of a wide character.
    @inlinable
    static func continuation(_ style: Style) -> Cell { Cell(" ", style: style, width: 0) }

    public var isContinuation: Bool { width == 0 }

    /// The zero-width scalars combined with the base, in order.
    public var marks: [Unicode.Scalar] {
        [mark1, mark2].compactMap { $0 == 0 ? nil : Unicode.Scalar($0) }
    }

    /// Adds a zero-width scalar; returns false (and drops it) when both slots are taken.
    @discardableResult
    public mutating func addMark(_ s: Unicode.Scalar) -> Bool {
        if mark1 == 0 { mark1 = s.value; return true }
        if mark2 == 0 { mark2 = s.value; return true }
        return false
    }

    /// The character as a string (allocates: for tests and debugging, not for drawing).
    public var text: String {
        var s = String(Character(scalar))
        for m in marks { s.unicodeScalars.append(m) }
        return s
    }
}
