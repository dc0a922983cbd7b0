/// A mouse action at a cell.
public struct MouseEvent: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        case press(Button)
        case release(Button)
        case scrollUp
        case scrollDown
    }

    public enum Button: Hashable, Sendable {
        case left, middle, right
    }

    public var kind: Kind
    /// Column and row of the cell, 0-based from the top-left.
    public var x: Int
    public var y: Int

    public init(_ kind: Kind, x: Int, y: Int) {
        self.kind = kind
        self.x = x
        self.y = y
    }
}
