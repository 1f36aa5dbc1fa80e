/// A small XML/HTML writer shared by the SVG pictures and the HTML report: every attribute value and
/// every piece of text goes through `Markup.escape`, so no caller can emit markup by accident.
public struct MarkupWriter {
    public private(set) var output = ""
    private var open: [String] = []

    public init() {}

    /// `<tag a="v" ...>`; close it with `close()`.
    public mutating func open(_ tag: String, _ attributes: [(String, String)] = []) {
        start(tag, attributes)
        output += ">"
        open.append(tag)
    }

    /// Closes the innermost open element.
    public mutating func close() {
        guard let tag = open.popLast() else { return }
        output += "</\(tag)>"
    }

    /// `<tag a="v" .../>`.
    public mutating func leaf(_ tag: String, _ attributes: [(String, String)] = []) {
        start(tag, attributes)
        output += "/>"
    }

    /// `<tag a="v" ...>text</tag>`, the text escaped.
    public mutating func element(_ tag: String, _ attributes: [(String, String)] = [], text: String) {
        start(tag, attributes)
        output += ">"
        output += Markup.escape(text)
        output += "</\(tag)>"
    }

    /// Escaped character data inside the current element.
    public mutating func text(_ s: String) { output += Markup.escape(s) }

    /// Markup that is already well formed (another writer's output, a fixed declaration).
    public mutating func raw(_ s: String) { output += s }

    /// Closes everything still open and returns the document.
    public mutating func finish() -> String {
        while !open.isEmpty { close() }
        return output
    }

    private mutating func start(_ tag: String, _ attributes: [(String, String)]) {
        output += "<\(tag)"
        for (k, v) in attributes {
            output += " \(k)=\""
            output += Markup.escape(v)
            output += "\""
        }
    }
}

/// Fixed-advance text metrics: the pictures use a monospace font, so a label's width is its length
/// times the advance (DejaVu Sans Mono: 1233/2048 em), and label boxes can be computed exactly enough to
/// keep labels apart.
public enum TextMetrics {
    public static let fontFamily = "DejaVu Sans Mono, Menlo, Consolas, Liberation Mono, monospace"
    public static let advance = 0.6021

    public static func width(_ s: String, size: Double) -> Double {
        Double(s.count) * advance * size
    }

    /// `s` cut to fit `width` px at `size`, ending in `…` when cut.
    public static func fit(_ s: String, width: Double, size: Double) -> String {
        let maxChars = Int(width / (advance * size))
        guard s.count > maxChars else { return s }
        guard maxChars > 1 else { return "" }
        return String(s.prefix(maxChars - 1)) + "…"
    }
}

/// The colours of every picture and report, in one place: dark text on light fills.
public enum Palette {
    public static let text = "#1a1a1a"
    public static let mutedText = "#555555"
    public static let background = "#ffffff"
    public static let bandBackground = "#f1f1f1"
    public static let grid = "#9a9a9a"
    public static let axis = "#333333"
    public static let hole = "#777777"

    /// Fill for a memory block (and its memmap) by state.
    public static func fill(_ state: BlockState) -> String {
        switch state {
        case .online: return "#8fc79a"
        case .offline: return "#f2c46d"
        case .goingOffline: return "#f08c5a"
        case .unknown: return "#c4c4c4"
        }
    }

    /// Stroke / mark colour for a layout rule drawn where it applies.
    public static func mark(_ rule: LayoutRuleID) -> String {
        switch rule {
        case .nodeSectionShared: return "#c0392b"
        case .nodeMemmapOffnode: return "#7d3c98"
        case .nodeMemoryless: return "#555555"
        case .layoutSourcesDisagree, .layoutSource: return "#b9770e"
        case .modelDrift: return "#b71c1c"
        }
    }

    public static let alignTick = "#1f5fa8"
    public static let base = "#000000"

    private static let passColors = (fg: "#1b5e20", bg: "#e3f2e5")
    private static let skipColors = (fg: "#424242", bg: "#eeeeee")
    private static let warnColors = (fg: "#7a4f00", bg: "#fff1cc")
    private static let failColors = (fg: "#b71c1c", bg: "#fde4e4")

    /// (text, background) for a finding's outcome, as tags in lists and cells in the sweep matrix.
    public static func status(_ f: Finding) -> (tag: String, fg: String, bg: String) {
        switch f.status {
        case .pass: return ("PASS", passColors.fg, passColors.bg)
        case .skip: return ("SKIP", skipColors.fg, skipColors.bg)
        case .fail:
            switch f.severity {
            case .info: return ("INFO", "#0d47a1", "#e3edf9")
            case .warning: return ("WARN", warnColors.fg, warnColors.bg)
            case .error: return ("FAIL", failColors.fg, failColors.bg)
            }
        }
    }

    /// A sweep-matrix cell's worst outcome: a word and a symbol besides the colours, never colour alone.
    public static func outcome(_ o: SweepMatrix.Outcome) -> (tag: String, symbol: String, fg: String, bg: String) {
        switch o {
        case .fail: return ("FAIL", "\u{2717}", failColors.fg, failColors.bg) // ✗
        case .warn: return ("WARN", "!", warnColors.fg, warnColors.bg)
        case .pass: return ("PASS", "\u{2713}", passColors.fg, passColors.bg) // ✓
        case .skip: return ("SKIP", "\u{2013}", skipColors.fg, skipColors.bg) // –
        case .notApplicable: return ("N/A", "\u{2205}", mutedText, "#f7f7f7") // ∅
        }
    }

    /// A matrix cell no combination of the sweep falls in (e.g. x86_64 × 64 KiB without --page-sizes).
    public static let absent = (fg: "#6b6b6b", bg: "#fafafa", hatch: "#e6e6e6")
}
